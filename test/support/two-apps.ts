import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startMockTencentApi, type MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';

/** Two apps of one APPS_FILE, each with its own key (read from the variable its secretKeyEnv names) and rate. */
export const ALPHA = {
  name: 'alpha',
  sdkAppId: 1400000001,
  secretKeyEnv: 'TIM_SECRET_KEY_ALPHA',
  secretKey: 'alpha-secret-0f5e3c9a1b7d2e4f6a8c',
  ratePerSecond: 50,
} as const;
export const BETA = {
  name: 'beta',
  sdkAppId: 1400000002,
  secretKeyEnv: 'TIM_SECRET_KEY_BETA',
  secretKey: 'beta-secret-7c1d9e3f5a2b4c6d8e0f',
  ratePerSecond: 80,
} as const;

/** The mock Tencent API serving both apps. */
export function startTwoAppMock(): Promise<MockTencentApi> {
  return startMockTencentApi({
    apps: [ALPHA, BETA].map(({ sdkAppId, secretKey }) => ({ sdkAppId, secretKey })),
    latencyMs: { min: 1, max: 5 },
  });
}

/** Writes the APPS_FILE of ALPHA and BETA, both calling `baseUrl`, into `dir`; returns its path. */
export async function writeTwoAppsFile(dir: string, baseUrl: string): Promise<string> {
  const path = join(dir, 'apps.json');
  const apps = [ALPHA, BETA].map(({ name, sdkAppId, secretKeyEnv, ratePerSecond }) => ({
    name,
    sdkAppId,
    secretKeyEnv,
    ratePerSecond,
    baseUrl,
  }));
  await writeFile(path, JSON.stringify({ apps }));
  return path;
}

/**
 * What a seeder serving ALPHA and BETA adds to seederEnv: APPS_FILE and the apps' keys, with the
 * TIM_* variables of the one-app configuration emptied (APPS_FILE refuses them; empty is unset).
 */
export function twoAppsEnv(appsFile: string): Record<string, string> {
  return {
    APPS_FILE: appsFile,
    TIM_SDKAPPID: '',
    TIM_SECRET_KEY: '',
    TIM_BASE_URL: '',
    [ALPHA.secretKeyEnv]: ALPHA.secretKey,
    [BETA.secretKeyEnv]: BETA.secretKey,
  };
}
