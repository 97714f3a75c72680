import type { RedisClient } from '../redis/redis-client.js';
import type { SeederConfig } from '../config/seeder-config.js';
import type { Logger } from '../log/logger.js';
import { connectRedis, createRedis, type ConnectionRole } from '../redis/redis-connection.js';
import { openSeedQueue, type SeedQueue } from '../queue/seed-queue.js';
import { DeadLetterStore } from '../dead-letter/dead-letter-store.js';
import { supersedingSink } from '../dead-letter/superseding-sink.js';
import type { JobSink } from '../queue/write-jobs.js';
import { readQueueStatus, type QueueStatus } from '../queue/queue-status.js';

/** The queues as every command sees them: the seed queue and the dead letters, on one connection. */
export interface QueueRuntime {
  readonly config: SeederConfig;
  readonly logger: Logger;
  readonly redis: RedisClient;
  readonly seed: SeedQueue;
  readonly deadLetters: DeadLetterStore;
  /** Where enqueueing writes: the seed queue, a dead-lettered job enqueued again superseding its dead letter. */
  readonly jobs: JobSink;
  status(): Promise<QueueStatus>;
  close(): Promise<void>;
}

/** Connects (or throws REDIS_UNAVAILABLE at once) and opens the queues. */
export async function openQueueRuntime(config: SeederConfig, logger: Logger, role: ConnectionRole): Promise<QueueRuntime> {
  const redis = await connectRedis(createRedis(config.redisUrl, role, { cluster: config.redisCluster }), config.redisUrl);
  if (role !== 'producer') {
    redis.on('error', (err: Error) => logger.warn({ err: { message: err.message } }, 'redis connection error; reconnecting'));
  }
  const seed = openSeedQueue(redis, config.keyPrefix);
  const deadLetters = new DeadLetterStore(redis, config.keyPrefix, seed);
  return {
    config,
    logger,
    redis,
    seed,
    deadLetters,
    jobs: supersedingSink(redis, seed, deadLetters),
    status: () => readQueueStatus(seed, () => deadLetters.count()),
    async close() {
      await Promise.all([seed.close(), deadLetters.close()]);
      redis.disconnect();
    },
  };
}
