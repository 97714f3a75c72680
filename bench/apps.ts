/**
 * Several apps and priority lanes, measured at the API. Asserts nothing.
 *
 * Two apps at once: `--workers` `robot-seeder worker` processes serve two apps, alpha and beta
 * (200/s each), against one mock process serving both; `--app-rooms` clean rooms per app are
 * enqueued (`enqueue --app`) before the workers start. Per app: calls, the share of its cap used
 * while its work was queued, the most calls in any sliding 1 s window and in any calendar second,
 * refusals, rooms seeded; how far the two ran at the same time; worker CPU per call and peak memory.
 *
 * High rooms behind a backlog: one app (200/s), `--workers` processes working `--rooms` low rooms;
 * after 2 s of calls, `enqueue --priority high` of `--high` rooms. When each high room's call
 * reached the mock, from just before the command started and from when it returned, and how many
 * low rooms were still waiting.
 *
 * `--part apps-priority`: the same with both apps' backlogs (`--app-rooms` each, the two-app run's),
 * the high rooms for alpha.
 *
 *   npm run bench:apps -- [--part apps,priority,apps-priority] [--workers 2] [--app-rooms 2500] [--rooms 5000]
 *                         [--high 20] [--latency 20-60]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { appKeyPrefix } from '../src/config/app-config.js';
import type { MockCallStats } from '../src/mock-api/mock-tencent-api.js';
import { SEED_QUEUE_NAME } from '../src/queue/queue-names.js';
import { runCli, startCli } from '../test/support/cli-process.js';
import { deleteKeys, TEST_REDIS_URL, TEST_SDKAPPID, uniquePrefix, waitFor } from '../test/support/test-env.js';
import { apiFigures, type ApiFigures } from './support/api-figures.js';
import {
  commonEnv,
  startMockProcess,
  startWorker,
  stopAll,
  writeAppsFile,
  writeRoomsFile,
  type BenchApp,
  type MockProcess,
} from './support/fleet-env.js';
import { round } from './support/numbers.js';
import { machineLoad, processUsage, type ProcessUsage } from './support/process-usage.js';

const { values } = parseArgs({
  options: {
    part: { type: 'string', default: 'apps,priority' },
    workers: { type: 'string', default: '2' },
    'app-rooms': { type: 'string', default: '2500' },
    rooms: { type: 'string', default: '5000' },
    high: { type: 'string', default: '20' },
    latency: { type: 'string', default: '20-60' },
  },
});
const workers = Number(values.workers);
const ROBOTS = ['robot_1', 'robot_2', 'robot_3'];
const APPS: readonly BenchApp[] = [
  { name: 'alpha', sdkAppId: 1400000001, secretKey: 'bench-alpha-key-5bd2850fff3ecb11d7c8', ratePerSecond: 200 },
  { name: 'beta', sdkAppId: 1400000002, secretKey: 'bench-beta-key-05251c51ee46e2a41b7f', ratePerSecond: 200 },
];
/** A second in which an app took at least this share of its cap counts as "near the cap". */
const NEAR_CAP = 0.9;
/** Rooms per app read back from the mock's rooms endpoint, besides its count of ok answers. */
const ROOM_SAMPLE = 25;
/** How often the high rooms are looked for at the mock while their calls are awaited. */
const POLL_MS = 10;

const ids = (name: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${name}-${i}`);

async function enqueue(file: string, flags: readonly string[], env: Record<string, string>): Promise<void> {
  const r = await runCli(['enqueue', file, ...flags, '--json'], env);
  if (r.code !== 0) throw new Error(`enqueue ${flags.join(' ')}: exit ${r.code}\n${r.stderr}`);
}

interface AppFigures extends ApiFigures {
  readonly app: string;
  readonly ok: number;
  /** Of ROOM_SAMPLE rooms read back from the mock, how many hold exactly the robots enqueued. */
  readonly sampleSeeded: number;
  readonly failedJobs: number;
  /** From the workers' start to the app's queue found empty (polled every 200 ms). */
  readonly drainedAfterSeconds: number;
}

interface AppsReport {
  readonly load: string;
  readonly workers: number;
  readonly roomsPerApp: number;
  readonly apps: readonly AppFigures[];
  /** Seconds in which each app had calls, and both did. */
  readonly secondsWithCalls: Readonly<Record<string, number>>;
  readonly secondsBothCalled: number;
  /** Seconds in which each app took at least NEAR_CAP of its cap, and both did. */
  readonly secondsNearCap: Readonly<Record<string, number>>;
  readonly secondsBothNearCap: number;
  readonly cpuMsPerCall: number;
  readonly peakRssMbMax: number;
  readonly peakRssMbMean: number;
}

/** A mock serving both apps, and the environment of a fleet serving them (APPS_FILE). */
async function twoAppMock(dir: string, prefix: string): Promise<{ mock: MockProcess; env: Record<string, string> }> {
  // The mock must read its apps before its URL, which the workers' file carries, is known.
  const mockAppsFile = join(dir, 'mock-apps.json');
  await writeAppsFile(mockAppsFile, APPS);
  const mock = await startMockProcess(commonEnv(prefix, { file: mockAppsFile, apps: APPS }), {
    ratePerSecond: 200,
    latency: values.latency,
  });
  const appsFile = join(dir, 'apps.json');
  await writeAppsFile(appsFile, APPS, mock.url);
  return { mock, env: commonEnv(prefix, { file: appsFile, apps: APPS }) };
}

async function twoApps(dir: string): Promise<AppsReport> {
  const prefix = uniquePrefix();
  const { mock, env } = await twoAppMock(dir, prefix);
  const rooms = Number(values['app-rooms']);
  const roomsFile = join(dir, 'app-rooms.jsonl');
  // The same group ids in both apps: at Tencent they are different rooms.
  const groupIds = ids('room', rooms);
  await writeRoomsFile(roomsFile, groupIds, ROBOTS);
  for (const app of APPS) await enqueue(roomsFile, ['--app', app.name], env);

  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const queues = APPS.map((a) => new Queue(SEED_QUEUE_NAME, { connection: redis, prefix: appKeyPrefix(prefix, a.name) }));
  const load = machineLoad();
  const started = Date.now();
  const children = Array.from({ length: workers }, () => startWorker('seeder', env));
  const drainedAt = new Map<number, number>();
  let usage: ProcessUsage[] = [];
  await waitFor(
    'both apps drained',
    async () => {
      for (const [i, queue] of queues.entries()) {
        if (drainedAt.has(i)) continue;
        const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(c).every((n) => n === 0)) drainedAt.set(i, Date.now());
      }
      if (drainedAt.size < queues.length) return false;
      // Read before the workers stop, so shutdown is not counted.
      usage = children.map((c) => processUsage(c.pid ?? 0));
      return true;
    },
    900_000,
    200,
  );
  const failed = await Promise.all(queues.map((q) => q.getFailedCount()));
  await stopAll(children);
  const stats = await mock.stats();
  // An even spread of rooms, the last included, read back from the mock: the ok count says each
  // app's calls succeeded, this says they landed in that app's rooms with the robots enqueued.
  const sample = Array.from({ length: ROOM_SAMPLE }, (_, i) => groupIds[Math.floor(((rooms - 1) * i) / (ROOM_SAMPLE - 1))] ?? '');
  const sampleSeeded = await Promise.all(
    APPS.map(async (app) => {
      const held = await Promise.all(sample.map((g) => mock.robotsIn(g, app.sdkAppId)));
      return held.filter((robots) => robots.join(',') === ROBOTS.join(',')).length;
    }),
  );
  await mock.close();
  await Promise.all(queues.map((q) => q.close()));
  redis.disconnect();
  await deleteKeys(prefix);

  const appStats = APPS.map((a): MockCallStats => {
    const s = stats.apps[String(a.sdkAppId)];
    if (s === undefined) throw new Error(`the mock reported no figures for app ${a.name} (${a.sdkAppId})`);
    return s;
  });
  const withCalls = appStats.map((s) => new Set(s.perSecond.filter((p) => p.calls > 0).map((p) => p.second)));
  const nearCap = appStats.map(
    (s, i) => new Set(s.perSecond.filter((p) => p.calls - p.refused >= (APPS[i]?.ratePerSecond ?? 0) * NEAR_CAP).map((p) => p.second)),
  );
  const inAll = (sets: readonly Set<number>[]): number => [...(sets[0] ?? [])].filter((sec) => sets.every((s) => s.has(sec))).length;
  const byApp = (sets: readonly Set<number>[]): Record<string, number> =>
    Object.fromEntries(APPS.map((a, i) => [a.name, sets[i]?.size ?? 0]));
  const rss = usage.map((u) => u.peakRssMb);
  return {
    load,
    workers,
    roomsPerApp: rooms,
    apps: APPS.map((a, i): AppFigures => {
      const s = appStats[i] as MockCallStats;
      return {
        app: a.name,
        ...apiFigures(s, a.ratePerSecond),
        ok: s.byOutcome.ok,
        sampleSeeded: sampleSeeded[i] ?? 0,
        failedJobs: failed[i] ?? 0,
        drainedAfterSeconds: round(((drainedAt.get(i) ?? started) - started) / 1000, 1),
      };
    }),
    secondsWithCalls: byApp(withCalls),
    secondsBothCalled: inAll(withCalls),
    secondsNearCap: byApp(nearCap),
    secondsBothNearCap: inAll(nearCap),
    cpuMsPerCall: round(usage.reduce((a, u) => a + u.cpuMs, 0) / Math.max(1, stats.calls), 2),
    peakRssMbMax: round(Math.max(...rss), 0),
    peakRssMbMean: round(rss.reduce((a, b) => a + b, 0) / rss.length, 0),
  };
}

interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

interface PriorityReport {
  readonly load: string;
  /** 1: one app's backlog; 2: both apps' backlogs, the high rooms for alpha. */
  readonly apps: 1 | 2;
  readonly workers: number;
  readonly backlog: number;
  readonly high: number;
  /** High rooms whose call reached the mock within the wait (30 s). */
  readonly highCalled: number;
  /** `enqueue --priority high`, process start to exit. */
  readonly enqueueMs: number;
  /** From just before the command started to each high room's call at the mock. */
  readonly fromEnqueueStartMs: Spread;
  /** From the command's exit: the jobs were in Redis before it exited, so a call may come first (negative). */
  readonly fromEnqueueReturnMs: Spread;
  /** Low rooms queued in Redis (not yet taken by a worker) as the command started, and as the last high room was called. */
  readonly lowQueuedAtEnqueue: number;
  readonly lowQueuedAtLastHigh: number;
  /** Jobs in the workers' hands (taken, waiting for a slot or answered soon) as the last high room was called. */
  readonly activeAtLastHigh: number;
  /** Calls the mock received between the command's start and the last high room's call, the high ones left out. */
  readonly otherCallsBetween: number;
}

/** Jobs waiting in Redis for a worker: the plain wait list and every priority lane. */
async function queued(queue: Queue): Promise<{ queued: number; active: number }> {
  const c = await queue.getJobCounts('waiting', 'prioritized', 'active');
  return { queued: (c['waiting'] ?? 0) + (c['prioritized'] ?? 0), active: c['active'] ?? 0 };
}

/**
 * When each room was first seen holding robots at the mock (performance.now()), looking every
 * POLL_MS. The mock stores a room's robots when its call arrives, before it waits out its latency,
 * so the time a room is first seen is its call's arrival, late by at most one poll and a round trip.
 * Each room is stamped when its own answer came back: an upper bound, never early.
 */
async function pollArrivals(
  mock: MockProcess,
  sdkAppId: number,
  groupIds: readonly string[],
  timeoutMs: number,
): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  const deadline = performance.now() + timeoutMs;
  while (seen.size < groupIds.length && performance.now() < deadline) {
    const pollStarted = performance.now();
    await Promise.all(
      groupIds
        .filter((g) => !seen.has(g))
        .map(async (g) => {
          if ((await mock.robotsIn(g, sdkAppId)).length > 0) seen.set(g, performance.now());
        }),
    );
    await sleep(Math.max(0, pollStarted + POLL_MS - performance.now()));
  }
  return seen;
}

function spread(ms: readonly number[]): Spread {
  const s = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
  return { min: round(s[0] ?? Number.NaN, 0), median: round(median, 0), max: round(s.at(-1) ?? Number.NaN, 0) };
}

/**
 * `apps` 1: the TIM_* app with `--rooms` low rooms. 2: both apps with `--app-rooms` low rooms
 * each (the two-app run's backlog), the high rooms for alpha.
 */
async function highBehindBacklog(dir: string, apps: 1 | 2): Promise<PriorityReport> {
  const prefix = uniquePrefix();
  const fleet =
    apps === 2
      ? await twoAppMock(dir, prefix)
      : await startMockProcess(commonEnv(prefix), { ratePerSecond: 200, latency: values.latency }).then((mock) => ({
          mock,
          env: { ...commonEnv(prefix), TIM_BASE_URL: mock.url },
        }));
  const { mock, env } = fleet;
  const perApp = apps === 2 ? Number(values['app-rooms']) : Number(values.rooms);
  const backlog = perApp * apps;
  const lowFile = join(dir, 'low.jsonl');
  await writeRoomsFile(lowFile, ids('low', perApp), ROBOTS);
  const highIds = ids('high', Number(values.high));
  const highFile = join(dir, 'high.jsonl');
  await writeRoomsFile(highFile, highIds, ROBOTS);
  const appFlags = apps === 2 ? APPS.map((a) => ['--app', a.name]) : [[]];
  for (const flags of appFlags) await enqueue(lowFile, ['--priority', 'low', ...flags], env);
  const highApp = apps === 2 ? (APPS[0] as BenchApp) : null;

  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  // Every app's queue: the low rooms still queued are counted across the apps.
  const queueList =
    apps === 2
      ? APPS.map((a) => new Queue(SEED_QUEUE_NAME, { connection: redis, prefix: appKeyPrefix(prefix, a.name) }))
      : [new Queue(SEED_QUEUE_NAME, { connection: redis, prefix })];
  const queuedAll = async (): Promise<{ queued: number; active: number }> => {
    const each = await Promise.all(queueList.map(queued));
    return { queued: each.reduce((a, q) => a + q.queued, 0), active: each.reduce((a, q) => a + q.active, 0) };
  };
  const load = machineLoad();
  const children = Array.from({ length: workers }, () => startWorker('seeder', env));
  await waitFor('the first call at the mock', async () => (await mock.stats()).calls > 0, 60_000, 20);
  // Workers in their stride: each holds its concurrency of low jobs waiting for slots.
  await sleep(2000);

  const before = await queuedAll();
  const callsBefore = (await mock.stats()).calls;
  const enqueueStarted = performance.now();
  const cli = startCli(['enqueue', highFile, '--priority', 'high', ...(highApp === null ? [] : ['--app', highApp.name]), '--json'], env);
  let enqueueReturned = Number.NaN;
  const exited = cli.exited.then((r) => {
    enqueueReturned = performance.now();
    return r;
  });
  const arrivals = await pollArrivals(mock, highApp?.sdkAppId ?? TEST_SDKAPPID, highIds, 30_000);
  // Read at once: the moment the last high room was called.
  const atLastHigh = await queuedAll();
  const callsAfter = (await mock.stats()).calls;
  const r = await exited;
  if (r.code !== 0) throw new Error(`enqueue --priority high: exit ${r.code}\n${r.stderr}`);
  await stopAll(children);
  await mock.close();
  await Promise.all(queueList.map((q) => q.close()));
  redis.disconnect();
  await deleteKeys(prefix);

  const at = [...arrivals.values()];
  return {
    load,
    apps,
    workers,
    backlog,
    high: highIds.length,
    highCalled: arrivals.size,
    enqueueMs: round(enqueueReturned - enqueueStarted, 0),
    fromEnqueueStartMs: spread(at.map((t) => t - enqueueStarted)),
    fromEnqueueReturnMs: spread(at.map((t) => t - enqueueReturned)),
    lowQueuedAtEnqueue: before.queued,
    lowQueuedAtLastHigh: atLastHigh.queued,
    activeAtLastHigh: atLastHigh.active,
    otherCallsBetween: callsAfter - callsBefore - arrivals.size,
  };
}

const parts = values.part.split(',');
const dir = await mkdtemp(join(tmpdir(), 'rs-bench-apps-'));
try {
  if (parts.includes('apps')) {
    const r = await twoApps(dir);
    process.stderr.write(`${JSON.stringify(r)}\n`);
    process.stdout.write(
      `\nTwo apps at once: ${r.workers} workers, ${r.roomsPerApp} rooms per app, load ${r.load}\n\n` +
        '| app | calls | cap used | sliding-1s max | busiest second | refused (60007) | ok answers | rooms read back | failed jobs | drained after |\n' +
        '|---|---|---|---|---|---|---|---|---|---|\n',
    );
    for (const a of r.apps) {
      process.stdout.write(
        `| ${a.app} | ${a.calls} | ${a.capUsedPercent}% (${a.meanCallsPerSecond}/s over ${a.fullSeconds} s) | ${a.busiestSlidingSecond} | ${a.busiestSecond} | ${a.refusedForRate} | ${a.ok} | ${a.sampleSeeded}/${ROOM_SAMPLE} | ${a.failedJobs} | ${a.drainedAfterSeconds} s |\n`,
      );
    }
    const each = (m: Readonly<Record<string, number>>): string => APPS.map((a) => `${a.name} ${m[a.name] ?? 0}`).join(', ');
    process.stdout.write(
      `\nseconds with calls: ${each(r.secondsWithCalls)}; both: ${r.secondsBothCalled}\n` +
        `seconds at >= ${NEAR_CAP * 100}% of the cap: ${each(r.secondsNearCap)}; both: ${r.secondsBothNearCap}\n` +
        `worker CPU per call: ${r.cpuMsPerCall} ms; peak RSS per worker: ${r.peakRssMbMax} MB max, ${r.peakRssMbMean} MB mean\n`,
    );
  }
  for (const part of parts.filter((p) => p === 'priority' || p === 'apps-priority')) {
    const r = await highBehindBacklog(dir, part === 'apps-priority' ? 2 : 1);
    process.stderr.write(`${JSON.stringify(r)}\n`);
    const ms = (s: Spread): string => `${s.min} / ${s.median} / ${s.max} ms`;
    process.stdout.write(
      `\nHigh rooms behind a backlog: ${r.apps} app(s), ${r.workers} workers, ${r.backlog} low rooms, ${r.high} high, load ${r.load}\n\n` +
        "| high called | from enqueue start (min / median / max) | from enqueue return | enqueue took | low queued at enqueue | low queued at last high | in workers' hands | other calls meanwhile |\n" +
        '|---|---|---|---|---|---|---|---|\n' +
        `| ${r.highCalled}/${r.high} | ${ms(r.fromEnqueueStartMs)} | ${ms(r.fromEnqueueReturnMs)} | ${r.enqueueMs} ms | ${r.lowQueuedAtEnqueue} | ${r.lowQueuedAtLastHigh} | ${r.activeAtLastHigh} | ${r.otherCallsBetween} |\n`,
    );
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
