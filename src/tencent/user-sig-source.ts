import { SeederError } from '../errors/seeder-error.js';
import { signUserSig } from './user-sig.js';
import { DEFAULT_USERSIG_TTL_SECONDS } from '../domain/limits.js';

/** Where the client gets the UserSig for each call. */
export interface UserSigSource {
  /** The UserSig to send now. */
  current(): string;
  /** Makes a fresh UserSig (after Tencent rejected the current one); false when it cannot (a static sig). */
  renew(): boolean;
  readonly renewable: boolean;
}

export interface SigningUserSigSourceOptions {
  readonly sdkAppId: number;
  readonly secretKey: string;
  /** The app admin account the UserSig is for. */
  readonly identifier: string;
  /** How long each signed UserSig is valid, in seconds. Default: DEFAULT_USERSIG_TTL_SECONDS (a day). */
  readonly ttlSeconds?: number;
  /** Re-sign when fewer than this many seconds of validity remain. Default: 3600. */
  readonly renewBeforeSeconds?: number;
  /** The clock, in Unix milliseconds. Default: `Date.now`. */
  readonly nowMs?: () => number;
}

const DEFAULT_RENEW_BEFORE_SECONDS = 3_600;

/** Signs UserSigs with the console secret key, and keeps one until it is close to expiring. */
export function createSigningUserSigSource(options: SigningUserSigSourceOptions): UserSigSource {
  const { sdkAppId, secretKey, identifier } = options;
  const ttlSeconds = options.ttlSeconds ?? DEFAULT_USERSIG_TTL_SECONDS;
  const renewBeforeSeconds = options.renewBeforeSeconds ?? DEFAULT_RENEW_BEFORE_SECONDS;
  const nowMs = options.nowMs ?? Date.now;
  checkOptions(sdkAppId, secretKey, identifier, ttlSeconds, renewBeforeSeconds);

  let sig = '';
  // Unix seconds from which `sig` counts as too close to expiry; -Infinity before the first sign.
  let renewAtSeconds = Number.NEGATIVE_INFINITY;

  function sign(): void {
    const timeSeconds = Math.floor(nowMs() / 1000);
    sig = signUserSig({ sdkAppId, secretKey, identifier, timeSeconds, expireSeconds: ttlSeconds });
    renewAtSeconds = timeSeconds + ttlSeconds - renewBeforeSeconds;
  }

  return {
    renewable: true,
    current(): string {
      if (nowMs() / 1000 >= renewAtSeconds) sign();
      return sig;
    },
    renew(): boolean {
      sign();
      return true;
    },
  };
}

/** A ready-made UserSig (TIM_USERSIG): it cannot be renewed, so an expired one ends the run. */
export function createStaticUserSigSource(userSig: string): UserSigSource {
  if (userSig.trim() === '') {
    throw new SeederError('CONFIG_INVALID', 'Expected `userSig` to be a non-empty UserSig, got an empty string', {
      hint: 'Set TIM_USERSIG to a UserSig of the admin account, or give the secret key so robot-seeder signs its own.',
    });
  }
  return {
    renewable: false,
    current: () => userSig,
    renew: () => false,
  };
}

function checkOptions(sdkAppId: number, secretKey: string, identifier: string, ttlSeconds: number, renewBeforeSeconds: number): void {
  // Messages name the option and describe the bad value without quoting it: one of them is a secret.
  const problems: string[] = [];
  if (!Number.isSafeInteger(sdkAppId) || sdkAppId <= 0) {
    problems.push(`Expected \`sdkAppId\` to be a positive integer, got ${String(sdkAppId)}`);
  }
  if (secretKey === '') problems.push('Expected `secretKey` to be non-empty');
  if (identifier === '') problems.push('Expected `identifier` to be a non-empty admin account');
  if (!Number.isSafeInteger(ttlSeconds) || ttlSeconds <= 0) {
    problems.push(`Expected \`ttlSeconds\` to be a positive integer, got ${String(ttlSeconds)}`);
  }
  if (!Number.isSafeInteger(renewBeforeSeconds) || renewBeforeSeconds < 0 || renewBeforeSeconds >= ttlSeconds) {
    problems.push(
      `Expected \`renewBeforeSeconds\` to be an integer >= 0 and < ttlSeconds (${String(ttlSeconds)}), got ${String(renewBeforeSeconds)}`,
    );
  }
  if (problems.length > 0) throw new SeederError('CONFIG_INVALID', problems.join('; '));
}
