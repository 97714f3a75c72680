/**
 * The yardstick for `enqueue`: a plain BullMQ loop that reads the same JSON Lines file and
 * adds the same jobs (same data, ids and options) with `addBulk` in chunks of 1,000.
 * No validation, no progress. Run as a whole process by bench/enqueue.ts.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { seedJobId } from '../src/queue/plan-jobs.js';
import { seedJobOptions } from '../src/queue/job-options.js';
import { SEED_QUEUE_NAME } from '../src/queue/queue-names.js';

const [file, prefix] = process.argv.slice(2);
if (file === undefined || prefix === undefined) throw new Error('usage: baseline-addbulk FILE PREFIX');
const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null });
const queue = new Queue(SEED_QUEUE_NAME, { connection: redis, prefix });
const opts = seedJobOptions({ jobAttempts: 8, backoffDelayMs: 1000 });
let chunk: Array<{ name: string; data: unknown; opts: object }> = [];
for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
  if (line.trim() === '') continue;
  const { groupId, robots } = JSON.parse(line) as { groupId: string; robots: string[] };
  chunk.push({ name: 'seed', data: { command: 'add_robots', groupId, robots }, opts: { ...opts, jobId: seedJobId('add_robots', groupId, robots) } });
  if (chunk.length === 1000) {
    await queue.addBulk(chunk);
    chunk = [];
  }
}
if (chunk.length > 0) await queue.addBulk(chunk);
await queue.close();
redis.disconnect();
