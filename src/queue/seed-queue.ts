import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { SEED_QUEUE_NAME } from './queue-names.js';
import type { SeedJobData } from './seed-job.js';

export type SeedQueue = Queue<SeedJobData>;

/** `prefix` should be a hash tag (`{robot-seeder}`) so every key shares one Redis Cluster slot. */
export function openSeedQueue(redis: Redis, prefix: string): SeedQueue {
  return new Queue<SeedJobData>(SEED_QUEUE_NAME, { connection: redis, prefix });
}
