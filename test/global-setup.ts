import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { connectRedis, createRedis } from '../src/redis/redis-connection.js';
import { TEST_RUN_ENV } from './support/test-env.js';

/**
 * Fails the run at once, with the fix, when the Redis the integration tests need does not answer;
 * and fails it at the end when a test left keys behind in it (each test removes what it wrote).
 */
export default async function checkRedis(): Promise<() => Promise<void>> {
  const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  try {
    (await connectRedis(createRedis(url, 'producer', { cluster: false }), url)).disconnect();
  } catch (err) {
    throw new Error(
      `npm test needs a Redis and none answers (${err instanceof Error ? err.message : String(err)}): start one (redis-server --daemonize yes, or docker compose up -d redis) or set REDIS_URL`,
    );
  }
  // Names this run in every uniquePrefix() (the test workers inherit the environment), so that
  // another run sharing the Redis (a second checkout's tests) is not taken for a leak.
  const run = randomBytes(3).toString('hex');
  process.env[TEST_RUN_ENV] = run;
  return async () => {
    const leaked = await testKeys(url, `\\{rs-test-${run}-*`);
    if (leaked.length > 0) {
      const prefixes = [...new Set(leaked.map((k) => k.slice(0, k.indexOf('}') + 1)))];
      // vitest reports an error thrown here but still exits 0: set the exit code ourselves.
      process.exitCode = 1;
      throw new Error(
        `tests left ${leaked.length} Redis keys behind, under ${prefixes.join(', ')} (e.g. ${leaked.slice(0, 3).join(', ')}): a test must delete the keys of its prefix (deleteKeys)`,
      );
    }
  };
}

async function testKeys(url: string, pattern: string): Promise<string[]> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  } finally {
    redis.disconnect();
  }
}
