/**
 * The rate engine measured at the API: N worker processes on this machine work R clean rooms
 * against the mock API (its own process), which records every arrival. For each run it reports
 * the share of the cap used while work was queued, the most calls in any sliding 1 s window and
 * in any calendar second at the API, calls refused for rate, worker CPU per call and peak memory
 * per worker (whole processes, start-up included). `--impl baseline` runs the ~100-line
 * BullMQ + Bottleneck script (bench/baseline/) on the same jobs. Asserts nothing.
 *
 * `--start cold` (the default) starts the workers with the rooms already queued: the first
 * seconds are also the processes' start-up, which on two cores holds up the first ones started.
 * `--start warm` queues the rooms in a paused queue, starts the workers, waits until they are all
 * idle, then resumes the queue: a running fleet that work arrives at (a campaign, a trigger).
 * CPU per call counts start-up in both.
 *
 *   npm run bench:fleet -- [--workers 1,2,6,16] [--impl seeder,baseline] [--rooms 6000]
 *                          [--latency 20-60] [--api-rate 200] [--rate 200] [--concurrency 50]
 *                          [--start cold|warm]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { SEED_QUEUE_NAME } from '../src/queue/queue-names.js';
import { signUserSig } from '../src/tencent/user-sig.js';
import { runCli } from '../test/support/cli-process.js';
import { deleteKeys, TEST_REDIS_URL, TEST_SDKAPPID, TEST_SECRET_KEY, uniquePrefix } from '../test/support/test-env.js';
import { freePort } from '../test/support/free-port.js';
import { apiFigures, type ApiFigures } from './support/api-figures.js';
import { readLimiterFigures, type LimiterFigures } from './support/limiter-figures.js';
import {
  commonEnv,
  metricsEnv,
  round,
  startMockProcess,
  startWorker,
  stopAll,
  untilIdle,
  usageOnceDrained,
  writeRoomsFile,
} from './support/fleet-env.js';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,6,16' },
    impl: { type: 'string', default: 'seeder' },
    rooms: { type: 'string', default: '6000' },
    latency: { type: 'string', default: '20-60' },
    'api-rate': { type: 'string', default: '200' },
    rate: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '50' },
    start: { type: 'string', default: 'cold' },
  },
});
const rooms = Number(values.rooms);
if (values.start !== 'cold' && values.start !== 'warm') throw new Error(`bench:fleet: --start is cold or warm, got ${values.start}`);
const warm = values.start === 'warm';

type Impl = 'seeder' | 'baseline';

interface RunReport extends ApiFigures {
  readonly impl: Impl;
  readonly workers: number;
  readonly rooms: number;
  readonly cpuMsPerCall: number;
  readonly peakRssMbMax: number;
  readonly peakRssMbMean: number;
  readonly wallSeconds: number;
  readonly failedJobs: number;
  /** robot-seeder's own count of its slots (null for the baseline). */
  readonly limiter: LimiterFigures | null;
  /** Calls the API took in each calendar second that had calls, first to last. */
  readonly perSecond: readonly number[];
}

async function run(impl: Impl, workers: number, file: string): Promise<RunReport> {
  const prefix = uniquePrefix();
  const common = commonEnv(prefix);
  const mock = await startMockProcess(common, { ratePerSecond: Number(values['api-rate']), latency: values.latency });
  const env = { ...common, TIM_BASE_URL: mock.url, RATE_LIMIT_PER_SECOND: values.rate, WORKER_CONCURRENCY: values.concurrency };
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queue = new Queue(SEED_QUEUE_NAME, { connection: redis, prefix });
  if (warm) await queue.pause();
  const enq = await runCli(['enqueue', file, '--json'], env);
  if (enq.code !== 0) throw new Error(enq.stderr);
  let started = Date.now();
  const baselineEnv = {
    ...env,
    TIM_USERSIG: signUserSig({
      sdkAppId: TEST_SDKAPPID,
      secretKey: TEST_SECRET_KEY,
      identifier: 'administrator',
      timeSeconds: Math.floor(Date.now() / 1000),
      expireSeconds: 86_400,
    }),
  };
  // Each robot-seeder worker serves /metrics, read once the queue drained: its limiter's slot counts.
  const ports = impl === 'seeder' ? await Promise.all(Array.from({ length: workers }, () => freePort())) : [];
  const children =
    impl === 'seeder'
      ? ports.map((port) => startWorker(impl, { ...env, ...metricsEnv(port) }))
      : Array.from({ length: workers }, () => startWorker(impl, baselineEnv));
  if (warm) {
    await untilIdle(children);
    started = Date.now();
    await queue.resume();
  }
  const usage = await usageOnceDrained(queue, children);
  const limiter = impl === 'seeder' ? await readLimiterFigures(ports) : null;
  const wallSeconds = (Date.now() - started) / 1000;
  const failedJobs = await queue.getFailedCount();
  await stopAll(children);
  const stats = await mock.stats();
  await mock.close();
  await queue.close();
  redis.disconnect();
  await deleteKeys(prefix);
  // The baseline's Bottleneck keeps its own keys, named after its id (`<prefix>-baseline-limiter`).
  await deleteKeys(`b_${prefix}`);

  const cpuMs = usage.reduce((a, u) => a + u.cpuMs, 0);
  const rss = usage.map((u) => u.peakRssMb);
  return {
    impl,
    workers,
    rooms,
    ...apiFigures(stats, Number(values['api-rate'])),
    cpuMsPerCall: round(cpuMs / Math.max(1, stats.calls), 2),
    peakRssMbMax: round(Math.max(...rss), 0),
    peakRssMbMean: round(rss.reduce((a, b) => a + b, 0) / rss.length, 0),
    wallSeconds: round(wallSeconds, 1),
    failedJobs,
    limiter,
    perSecond: stats.perSecond.map((s) => s.calls - s.refused),
  };
}

const dir = await mkdtemp(join(tmpdir(), 'rs-bench-fleet-'));
const file = join(dir, 'rooms.jsonl');
await writeRoomsFile(
  file,
  Array.from({ length: rooms }, (_, i) => `fleet-${i}`),
  ['robot_1', 'robot_2', 'robot_3'],
);
const reports: RunReport[] = [];
for (const workers of values.workers.split(',').map(Number)) {
  for (const impl of values.impl.split(',') as Impl[]) {
    const r = await run(impl, workers, file);
    reports.push(r);
    process.stderr.write(`${JSON.stringify(r)}\n`);
  }
}
await rm(dir, { recursive: true, force: true });
process.stdout.write(
  '| impl | workers | cap used | sliding-1s max | busiest second | refused (60007) | CPU/call | peak RSS/worker (max, mean) | wall | slots stale (given back) |\n|---|---|---|---|---|---|---|---|---|---|\n',
);
for (const r of reports) {
  process.stdout.write(
    `| ${r.impl} | ${r.workers} | ${r.capUsedPercent}% (${r.meanCallsPerSecond}/s over ${r.fullSeconds} s) | ${r.busiestSlidingSecond} | ${r.busiestSecond} | ${r.refusedForRate} of ${r.calls} | ${r.cpuMsPerCall} ms | ${r.peakRssMbMax}, ${r.peakRssMbMean} MB | ${r.wallSeconds} s | ${r.limiter === null ? '–' : `${r.limiter.stalePercent}% (${r.limiter.givenBackPercent}%)`} |\n`,
  );
}
