/**
 * The yardstick for `enqueue`: a plain BullMQ loop as BullMQ's docs show it. It reads the same
 * JSON Lines file line by line, JSON.parses each line, builds the same jobs (same data, ids and
 * options) and adds them with `addBulk` in chunks of 1,000, awaiting each. No validation, no
 * progress. Plain JavaScript run with `node`, so the comparison does not depend on a
 * transpiler. Run as a whole process by bench/enqueue.ts, which checks that both sides wrote
 * the same jobs.
 *
 *   node bench/baseline-addbulk.mjs FILE PREFIX
 */
import { hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

/** Copied from seedJobId in src/queue/plan-jobs.ts (add_robots only): the same ids, with no build step. */
function seedJobId(groupId, robots) {
  const digest = hash('sha256', [groupId, ...[...robots].sort()].join('\0'));
  return `add-${digest.slice(0, 32)}`;
}

/**
 * seedJobOptions of src/queue/job-options.ts with the default JOB_ATTEMPTS and BACKOFF_DELAY_MS,
 * and the low lane's priority (3), which `enqueue` gives a job file's jobs: BullMQ then keeps them
 * in its prioritized set, as it does for enqueue's.
 */
const JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  priority: 3,
  removeOnComplete: true,
  removeOnFail: false,
};

const [file, prefix] = process.argv.slice(2);
if (file === undefined || prefix === undefined) throw new Error('usage: node bench/baseline-addbulk.mjs FILE PREFIX');
const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queue = new Queue('seed', { connection: redis, prefix });
let chunk = [];
for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  const { groupId, robots } = JSON.parse(line);
  chunk.push({
    name: 'seed',
    data: { command: 'add_robots', groupId, robots },
    opts: { ...JOB_OPTIONS, jobId: seedJobId(groupId, robots) },
  });
  if (chunk.length === 1000) {
    await queue.addBulk(chunk);
    chunk = [];
  }
}
if (chunk.length > 0) await queue.addBulk(chunk);
await queue.close();
redis.disconnect();
