import { randomBytes } from 'node:crypto';
import { connectRedis, createRedis } from '../src/redis/redis-connection.js';
import { TEST_RUN_ENV } from './support/test-env.js';

/** Fails the run at once, with the fix, when the Redis the integration tests need does not answer. */
export default async function checkRedis(): Promise<void> {
  const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  try {
    (await connectRedis(createRedis(url, 'producer', { cluster: false }), url)).disconnect();
  } catch (err) {
    throw new Error(
      `npm test needs a Redis and none answers (${err instanceof Error ? err.message : String(err)}): start one (redis-server --daemonize yes, or docker compose up -d redis) or set REDIS_URL`,
    );
  }
  // Names this run in every uniquePrefix() (the test workers inherit the environment), so that
  // the leftover check after each file (test/setup/no-leftovers.ts) looks at this run's keys
  // only, not at another run's sharing the Redis (a second checkout's tests).
  process.env[TEST_RUN_ENV] = randomBytes(3).toString('hex');
}
