import { hash } from 'node:crypto';
import type { TencentConfig } from '../config/seeder-config.js';

/**
 * Names a Tencent configuration (app, admin, key or UserSig, API address) without revealing it:
 * 16 hex characters of a SHA-256. An account pause records the fingerprint of the configuration
 * that got the refusal, so that a worker started with another one is not held by it.
 */
export function accountFingerprint(t: TencentConfig): string {
  const credential = t.secretKey ?? t.userSig ?? '';
  return hash('sha256', ['robot-seeder-account', t.sdkAppId, t.admin, t.baseUrl, credential].join('\0')).slice(0, 16);
}
