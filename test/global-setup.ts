import { Redis } from 'ioredis';

/** Fails the run at once, with the fix, when the Redis the integration tests need does not answer. */
export default async function checkRedis(): Promise<void> {
  const url = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch {
    throw new Error(
      `npm test needs a Redis at ${url.replace(/\/\/[^@]*@/, '//***@')} and none answers: start one (redis-server --daemonize yes, or docker compose up -d redis) or set REDIS_URL`,
    );
  } finally {
    redis.disconnect();
  }
}
