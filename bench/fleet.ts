/**
 * The rate engine measured at the API: N worker processes on this machine work R clean rooms
 * against the mock API (its own process), which records every arrival. For each run it reports
 * the share of the cap used while work was queued, the most calls in any sliding 1 s window and
 * in any calendar second at the API, calls refused for rate, worker CPU per call and peak memory
 * per worker (whole processes, start-up included), and CPU per call once warm (from 10 s after the
 * first call; what a long-running fleet pays). `--impl baseline` runs the ~100-line
 * BullMQ + Bottleneck script (bench/baseline/) on the same jobs. Asserts nothing.
 *
 * `--start cold` (the default) starts the workers with the rooms already queued: the first
 * seconds are also the processes' start-up, which on two cores holds up the first ones started.
 * `--start warm` queues the rooms in a paused queue, starts the workers, waits until they are all
 * idle, then resumes the queue: a running fleet that work arrives at (a campaign, a trigger).
 * CPU per call counts start-up in both.
 *
 * `--repeat N` runs the whole set N times, interleaved (each round runs every worker count and
 * impl once), and ends with each figure's median over the rounds: single runs on a shared
 * two-core machine move by ±1 point of cap and ±15% of CPU per call.
 *
 *   npm run bench:fleet -- [--workers 1,2,6,16] [--impl seeder,baseline] [--rooms 6000]
 *                          [--latency 20-60] [--api-rate 200] [--rate 200] [--concurrency 50]
 *                          [--start cold|warm] [--repeat 1] [--wire]
 *
 * `--wire` (Linux, as root) also counts each run's calls on the loopback wire, stamped by the
 * kernel (bench/wire-arrivals.py): the sliding-second maximum of arrival at the API, beside the
 * mock's, which a stalled mock event loop can squeeze together.
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
import { followCpu } from './support/process-usage.js';
import { warmCpuMsPerCall } from './support/warm-cpu.js';
import { startWireCapture, type WireFigures } from './support/wire-capture.js';
import {
  commonEnv,
  metricsEnv,
  startMockProcess,
  startWorker,
  stopAll,
  untilIdle,
  usageOnceDrained,
  writeRoomsFile,
} from './support/fleet-env.js';
import { median, nullableRound, round } from './support/numbers.js';

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
    repeat: { type: 'string', default: '1' },
    wire: { type: 'boolean', default: false },
  },
});
const rooms = Number(values.rooms);
if (values.start !== 'cold' && values.start !== 'warm') throw new Error(`bench:fleet: --start is cold or warm, got ${values.start}`);
const warm = values.start === 'warm';
const repeat = Number(values.repeat);
if (!Number.isInteger(repeat) || repeat < 1)
  throw new Error(`bench:fleet: --repeat is a whole number of rounds, 1 or more, got ${values.repeat}`);

type Impl = 'seeder' | 'baseline';

interface RunReport extends ApiFigures {
  readonly impl: Impl;
  readonly workers: number;
  readonly rooms: number;
  readonly cpuMsPerCall: number;
  /** CPU per call once warm (bench/support/warm-cpu.ts); null for a run too short to tell. */
  readonly warmCpuMsPerCall: number | null;
  readonly peakRssMbMax: number;
  readonly peakRssMbMean: number;
  readonly wallSeconds: number;
  readonly failedJobs: number;
  /** robot-seeder's own count of its slots (null for the baseline). */
  readonly limiter: LimiterFigures | null;
  /** The loopback wire's count of the calls (`--wire`), or null. */
  readonly wire: WireFigures | null;
  /** Calls the API took in each calendar second that had calls, first to last. */
  readonly perSecond: readonly number[];
}

async function run(impl: Impl, workers: number, file: string): Promise<RunReport> {
  const prefix = uniquePrefix();
  const common = commonEnv(prefix);
  const mock = await startMockProcess(common, { ratePerSecond: Number(values['api-rate']), latency: values.latency });
  const capture = values.wire ? await startWireCapture(Number(new URL(mock.url).port)) : null;
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
  const cpu = followCpu(children.map((c) => c.pid ?? 0));
  const usage = await usageOnceDrained(queue, children);
  cpu.stop();
  const wire = capture === null ? null : await capture.stop();
  const limiter = impl === 'seeder' ? await readLimiterFigures(ports) : null;
  const wallSeconds = (Date.now() - started) / 1000;
  const failedJobs = await queue.getFailedCount();
  await stopAll(children);
  const stats = await mock.stats();
  if (wire !== null && wire.calls !== stats.calls) {
    process.stderr.write(`bench: the wire saw ${wire.calls} calls, the mock ${stats.calls}: its sliding second is not the whole run's\n`);
  }
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
    warmCpuMsPerCall: nullableRound(warmCpuMsPerCall(stats.perSecond, cpu), 2),
    peakRssMbMax: round(Math.max(...rss), 0),
    peakRssMbMean: round(rss.reduce((a, b) => a + b, 0) / rss.length, 0),
    wallSeconds: round(wallSeconds, 1),
    failedJobs,
    limiter,
    wire,
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
const workerCounts = values.workers.split(',').map(Number);
const impls = values.impl.split(',') as Impl[];
for (let pass = 1; pass <= repeat; pass += 1) {
  for (const workers of workerCounts) {
    for (const impl of impls) {
      const r = await run(impl, workers, file);
      reports.push(r);
      process.stderr.write(`${JSON.stringify({ round: pass, ...r })}\n`);
    }
  }
}
await rm(dir, { recursive: true, force: true });
process.stdout.write(
  '| impl | workers | cap used | sliding-1s max | busiest second | refused (60007) | CPU/call | CPU/call warm | peak RSS/worker (max, mean) | wall | slots stale (given back) |\n|---|---|---|---|---|---|---|---|---|---|---|\n',
);
for (const r of reports) {
  process.stdout.write(
    `| ${r.impl} | ${r.workers} | ${r.capUsedPercent}% (${r.meanCallsPerSecond}/s over ${r.fullSeconds} s) | ${r.busiestSlidingSecond}${r.wire === null ? '' : ` (wire ${r.wire.slidingMax})`} | ${r.busiestSecond} | ${r.refusedForRate} of ${r.calls} | ${r.cpuMsPerCall} ms | ${r.warmCpuMsPerCall ?? '–'} ms | ${r.peakRssMbMax}, ${r.peakRssMbMean} MB | ${r.wallSeconds} s | ${r.limiter === null ? '–' : `${r.limiter.stalePercent}% (${r.limiter.givenBackPercent}%)`} |\n`,
  );
}
if (repeat > 1 || impls.length > 1) process.stdout.write(`\n${summaryTable(reports)}`);

/**
 * Per worker count and impl, over the rounds: the median cap used and CPU per call (whole run and
 * warm), with their range; the highest sliding second and peak memory; all refusals; and
 * robot-seeder's median CPU per call against the script's median, when both ran.
 */
function summaryTable(all: readonly RunReport[]): string {
  let out = `Over ${repeat} round(s), medians (the range in brackets):\n\n| impl | workers | cap used | sliding-1s max (highest) | refused (all) | CPU/call | CPU/call warm | against the script (whole, warm) | peak RSS/worker (highest) |\n|---|---|---|---|---|---|---|---|---|\n`;
  for (const workers of workerCounts) {
    const runsOf = (impl: Impl): RunReport[] => all.filter((r) => r.impl === impl && r.workers === workers);
    const against = (pick: (r: RunReport) => number | null): string => {
      const mine = figureOf(runsOf('seeder'), pick);
      const theirs = figureOf(runsOf('baseline'), pick);
      return mine === null || theirs === null ? '–' : `${round(median(mine) / median(theirs), 2)}×`;
    };
    for (const impl of impls) {
      const runs = runsOf(impl);
      const cell = (pick: (r: RunReport) => number | null, unit: string): string => {
        const v = figureOf(runs, pick);
        return v === null ? '–' : `${round(median(v), 2)}${unit} (${Math.min(...v)}–${Math.max(...v)})`;
      };
      const ratios =
        impl === 'seeder' && impls.includes('baseline') ? `${against((r) => r.cpuMsPerCall)}, ${against((r) => r.warmCpuMsPerCall)}` : '';
      out += `| ${impl} | ${workers} | ${cell((r) => r.capUsedPercent, '%')} | ${Math.max(...runs.map((r) => r.busiestSlidingSecond))}${wireMax(runs)} | ${runs.reduce((sum, r) => sum + r.refusedForRate, 0)} | ${cell((r) => r.cpuMsPerCall, ' ms')} | ${cell((r) => r.warmCpuMsPerCall, ' ms')} | ${ratios} | ${Math.max(...runs.map((r) => r.peakRssMbMax))} MB |\n`;
    }
  }
  return out;
}

/** ` (wire N)`: the wire's highest sliding second over runs, when every run was captured. */
function wireMax(runs: readonly RunReport[]): string {
  const counts = figureOf(runs, (r) => r.wire?.slidingMax ?? null);
  return counts === null ? '' : ` (wire ${Math.max(...counts)})`;
}

/** A figure's values over runs; null when any run lacks it (too short to tell), or there are none. */
function figureOf(runs: readonly RunReport[], pick: (r: RunReport) => number | null): number[] | null {
  const values = runs.map(pick).filter((x): x is number => x !== null);
  return values.length === 0 || values.length < runs.length ? null : values;
}
