import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { startMockTencentApi, type MockTencentApi, type MockTencentApiOptions } from '../../src/mock-api/mock-tencent-api.js';

export const TEST_REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
export const TEST_SDKAPPID = 1400000000;
export const TEST_SECRET_KEY = 'test-secret-5bd2850fff3ecb11d7c805251c51ee46';

/** The environment variable naming the test run (set by test/global-setup.ts; test/setup/no-leftovers.ts checks the run's keys). */
export const TEST_RUN_ENV = 'RS_TEST_RUN';

/**
 * A key prefix no other test uses, a hash tag as in production: `{rs-test-<run>-<hex>}`, one test's
 * keys in one cluster slot; benchmarks run outside a test run (`x`).
 */
export function uniquePrefix(): string {
  return `{rs-test-${process.env[TEST_RUN_ENV] ?? 'x'}-${randomBytes(4).toString('hex')}}`;
}

/** The environment a seeder process needs to talk to this Redis and this mock. */
export function seederEnv(prefix: string, mockUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    REDIS_URL: TEST_REDIS_URL,
    KEY_PREFIX: prefix,
    TIM_SDKAPPID: String(TEST_SDKAPPID),
    TIM_SECRET_KEY: TEST_SECRET_KEY,
    TIM_BASE_URL: mockUrl,
    BACKOFF_DELAY_MS: '50',
    SLOW_DOWN_DELAY_MS: '100',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

export function startTestMock(options: Partial<MockTencentApiOptions> = {}): Promise<MockTencentApi> {
  return startMockTencentApi({ sdkAppId: TEST_SDKAPPID, secretKey: TEST_SECRET_KEY, latencyMs: { min: 1, max: 5 }, ...options });
}

/** Deletes every key under the prefix (queues and limiter), and returns the keys there were. */
export async function deleteKeys(prefix: string, url = TEST_REDIS_URL): Promise<string[]> {
  const redis = new Redis(url);
  const deleted: string[] = [];
  try {
    const pattern = `${prefix}*`.replace(/[{}[\]]/g, '\\$&');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
        deleted.push(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Polls `check` until it returns true, or fails after `timeoutMs` with `what`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000, everyMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
