/**
 * The shared limiter's state lost mid-run: N workers work R rooms against the mock API; after
 * `--at` seconds of calls the limiter's Redis keys are deleted (as FLUSHDB, eviction or a failover
 * would). Reports the longest pause in arrivals at the API around the loss, the sliding-window
 * maximum, refusals, and how every job ended. Asserts nothing.
 *
 *   npm run bench:limiter-faults -- [--workers 2] [--rooms 4000] [--at 5]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/log/logger.js';
import { openQueueRuntime } from '../src/app/queue-runtime.js';
import { isDrained } from '../src/queue/queue-status.js';
import { runCli } from '../test/support/cli-process.js';
import { deleteKeys, TEST_REDIS_URL, TEST_SDKAPPID, uniquePrefix } from '../test/support/test-env.js';
import { commonEnv, startMockProcess, startWorker, stopAll } from './support/fleet-env.js';
import { round } from './support/numbers.js';

const { values } = parseArgs({
  options: { workers: { type: 'string', default: '2' }, rooms: { type: 'string', default: '4000' }, at: { type: 'string', default: '5' } },
});
const rooms = Number(values.rooms);
const prefix = uniquePrefix();
const common = commonEnv(prefix);
const mock = await startMockProcess(common, { ratePerSecond: 200, latency: '20-60' });
const env = { ...common, TIM_BASE_URL: mock.url };
const dir = await mkdtemp(join(tmpdir(), 'rs-bench-faults-'));
const file = join(dir, 'rooms.jsonl');
await writeFile(
  file,
  Array.from({ length: rooms }, (_, i) => `${JSON.stringify({ groupId: `loss-${i}`, robots: ['robot_1'] })}\n`).join(''),
);
const enq = await runCli(['enqueue', file, '--json'], env);
if (enq.code !== 0) throw new Error(enq.stderr);
const q = await openQueueRuntime(loadConfig(env, { tencent: false }), createLogger('silent'), 'producer');
const admin = new Redis(TEST_REDIS_URL);

const workers = Array.from({ length: Number(values.workers) }, () => startWorker('seeder', env));
/** Arrivals at the API, sampled every 10 ms, until the queue is drained; the keys are deleted on the way. */
async function watch(): Promise<{ samples: Array<{ at: number; calls: number }>; deletedAt: number }> {
  const samples: Array<{ at: number; calls: number }> = [];
  let firstCallAt: number | null = null;
  let deletedAt: number | null = null;
  for (;;) {
    const now = performance.now();
    const { calls } = await mock.stats();
    samples.push({ at: now, calls });
    if (calls > 0) firstCallAt ??= now;
    if (deletedAt === null && firstCallAt !== null && now - firstCallAt >= Number(values.at) * 1000) {
      await admin.del(`${prefix}:limiter:${TEST_SDKAPPID}`, `${prefix}:limiter:${TEST_SDKAPPID}:ceiling`);
      deletedAt = performance.now();
    }
    if (deletedAt !== null && now - deletedAt > 1000 && isDrained(await q.status())) return { samples, deletedAt };
    await sleep(10);
  }
}
const { samples, deletedAt } = await watch();
await stopAll(workers);
const stats = await mock.stats();
const status = await q.status();
await mock.close();
await q.close();
admin.disconnect();
await deleteKeys(prefix);
await rm(dir, { recursive: true, force: true });

// The longest stretch without a new arrival, from just before the deletion to 5 s after it.
let longestPauseMs = 0;
const window = samples.filter((s) => s.at >= deletedAt - 200 && s.at <= deletedAt + 5000);
for (let i = 0, lastChange = window[0]?.at ?? 0; i < window.length; i += 1) {
  const s = window[i];
  const prev = window[i - 1];
  if (s === undefined) break;
  if (prev !== undefined && s.calls !== prev.calls) lastChange = s.at;
  longestPauseMs = Math.max(longestPauseMs, s.at - lastChange);
}
const report = {
  workers: workers.length,
  rooms,
  keysDeletedAfterSeconds: Number(values.at),
  longestPauseAtApiMs: Math.round(longestPauseMs),
  busiestSlidingSecond: stats.busiestSlidingSecond,
  busiestSecond: stats.busiestSecond,
  refusedForRate: stats.refusedForRate,
  calls: stats.calls,
  completed: status.completed,
  deadLetter: status.deadLetter,
  lost: rooms - status.completed - status.deadLetter,
  meanCallsPerSecond: round(stats.calls / Math.max(1, stats.perSecond.length), 1),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
