import type { Queue } from 'bullmq';
import { bullmq } from '../commonjs/bullmq.js';
import type { RedisClient } from '../redis/redis-client.js';
import { SEED_QUEUE_NAME } from './queue-names.js';
import type { SeedJobData } from './seed-job.js';

export type SeedQueue = Queue<SeedJobData>;

/** `prefix` should be a hash tag (`{robot-seeder}`) so every key shares one Redis Cluster slot. */
export function openSeedQueue(redis: RedisClient, prefix: string): SeedQueue {
  const queue = new bullmq.Queue<SeedJobData>(SEED_QUEUE_NAME, { connection: redis, prefix });
  ignoreRelayedConnectionErrors(queue);
  return queue;
}

/**
 * A Queue's 'error' event only relays the errors of the connection it was given, which that
 * connection's owner reports (`openQueueRuntime` logs them for workers; a producer's commands
 * reject). Without a listener BullMQ prints each one with console.error, outside the JSON log:
 * a worker wrote ~100 lines of raw stack traces to stderr during a 3 s Redis restart.
 */
export function ignoreRelayedConnectionErrors(queue: Queue): void {
  queue.on('error', () => undefined);
}
