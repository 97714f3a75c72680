import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import type { MockStats } from '../../src/mock-api/mock-tencent-api.js';
import { BIN } from '../../test/support/cli-process.js';
import { BASELINE_WORKER } from './baseline.js';
import { TEST_REDIS_URL, TEST_SDKAPPID, TEST_SECRET_KEY, waitFor } from '../../test/support/test-env.js';
import { processUsage, type ProcessUsage } from './process-usage.js';

/** The benchmark's processes still running: stopped when the benchmark ends, however it ends. */
const running = new Set<ChildProcess>();
// A benchmark that fails or is interrupted midway must not leave a fleet running: idle workers and
// mock APIs left behind by one failed run once shared the machine with the next runs for 20 minutes.
process.once('exit', () => {
  for (const child of running) child.kill('SIGTERM');
});
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const)
  process.once(signal, () => process.exit(code));

/** A process of the benchmark: node running a script, its stderr passed through. */
export function startNode(args: readonly string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** One app of a multi-app run: its entry in APPS_FILE, and the secret key its workers and the mock share. */
export interface BenchApp {
  readonly name: string;
  readonly sdkAppId: number;
  readonly secretKey: string;
  readonly ratePerSecond: number;
}

/**
 * What every process of one benchmark run shares: Redis, the key prefix, the apps; BENCH_LOG_LEVEL
 * sets their log level. Without `apps`, the one app of the TIM_* variables; with them, APPS_FILE
 * and each app's key in the variable its entry names (TIM_* must then be unset: loadConfig refuses both).
 */
export function commonEnv(prefix: string, apps?: { readonly file: string; readonly apps: readonly BenchApp[] }): Record<string, string> {
  const shared = { REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: prefix, LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn' };
  if (apps === undefined) return { ...shared, TIM_SDKAPPID: String(TEST_SDKAPPID), TIM_SECRET_KEY: TEST_SECRET_KEY };
  return { ...shared, APPS_FILE: apps.file, ...Object.fromEntries(apps.apps.map((a) => [secretKeyEnv(a), a.secretKey])) };
}

/** The variable holding an app's key: app names may hold `-`, variable names may not. */
function secretKeyEnv(app: BenchApp): string {
  return `BENCH_KEY_${app.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * Writes an APPS_FILE for these apps. The mock reads one before its URL is known (it ignores
 * `baseUrl`); the workers need one with `baseUrl`, the mock's URL, so a run writes two.
 */
export async function writeAppsFile(path: string, apps: readonly BenchApp[], baseUrl?: string): Promise<void> {
  const entries = apps.map((a) => ({
    name: a.name,
    sdkAppId: a.sdkAppId,
    secretKeyEnv: secretKeyEnv(a),
    ratePerSecond: a.ratePerSecond,
    ...(baseUrl === undefined ? {} : { baseUrl }),
  }));
  await writeFile(path, JSON.stringify({ apps: entries }));
}

/** A JSON Lines job file: one room per name, the same robots in each. */
export async function writeRoomsFile(path: string, groupIds: readonly string[], robots: readonly string[]): Promise<void> {
  await writeFile(path, groupIds.map((groupId) => `${JSON.stringify({ groupId, robots })}\n`).join(''));
}

/** A robot-seeder worker's /metrics listener on this port, as deployed (deploy/kubernetes/worker.yaml). */
export function metricsEnv(port: number): Record<string, string> {
  return { METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1' };
}

/**
 * A worker process of either kind: `robot-seeder worker`, or the baseline script. Node flags in
 * BENCH_WORKER_FLAGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, heap settings) go to both alike.
 */
export function startWorker(impl: 'seeder' | 'baseline', env: Record<string, string>): ChildProcess {
  const flags = (process.env['BENCH_WORKER_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
  return startNode([...flags, ...(impl === 'seeder' ? [BIN, 'worker'] : [BASELINE_WORKER])], env);
}

export interface MockProcess {
  readonly url: string;
  stats(): Promise<MockStats>;
  /** The robots the room holds at the mock; `sdkAppId` may be left out when the mock serves one app. */
  robotsIn(groupId: string, sdkAppId?: number): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * The mock API in a process of its own, scheduled ahead of the workers (nice -10 when allowed):
 * Tencent runs on machines of its own, and the mock's clock of arrivals must not be held up by
 * the workers it measures, which share this machine's two cores with it. With APPS_FILE in `env`
 * it serves each app of the file at the file's `ratePerSecond` (`ratePerSecond` here is the rate
 * of an entry that gives none).
 */
export async function startMockProcess(env: Record<string, string>, o: { ratePerSecond: number; latency: string }): Promise<MockProcess> {
  const child = startNode([BIN, 'mock-api', '--port', '0', '--rate', String(o.ratePerSecond), '--latency-ms', o.latency], env);
  if (child.stdout === null) throw new Error('mock-api: no stdout');
  try {
    setPriority(child.pid ?? 0, -10);
  } catch {
    process.stderr.write(
      "bench: could not raise the mock API's priority (needs root); its arrival times may bunch when the machine is busy\n",
    );
  }
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const url = chunk.toString().trim();
  return {
    url,
    stats: async () => (await (await fetch(`${url}/_mock/stats`)).json()) as MockStats,
    async robotsIn(groupId, sdkAppId) {
      const query = sdkAppId === undefined ? '' : `?sdkappid=${sdkAppId}`;
      const res = await fetch(`${url}/_mock/rooms/${encodeURIComponent(groupId)}${query}`);
      if (!res.ok) throw new Error(`mock-api: GET /_mock/rooms/${groupId}${query}: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { robots: string[] }).robots;
    },
    async close() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/**
 * Waits until `queue` holds no job waiting, active, delayed or prioritized, then reads each
 * worker's whole-process usage: before the workers stop, so shutdown is not counted.
 */
export async function usageOnceDrained(queue: Pick<Queue, 'getJobCounts'>, workers: readonly ChildProcess[]): Promise<ProcessUsage[]> {
  let usage: ProcessUsage[] = [];
  await waitFor(
    'the queue to drain',
    async () => {
      const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      if (Object.values(c).some((n) => n > 0)) return false;
      usage = workers.map((w) => processUsage(w.pid ?? 0));
      return true;
    },
    900_000,
    200,
  );
  return usage;
}

/** A process counts as idle when it uses less CPU than this in a sample. */
const IDLE_CPU_MS = 20;
const IDLE_SAMPLE_MS = 500;

/**
 * Waits until every worker has started and settled: two samples of IDLE_SAMPLE_MS in a row in
 * which none used IDLE_CPU_MS of CPU (a worker at rest polls Redis and uses ~5 ms a second).
 */
export async function untilIdle(workers: readonly ChildProcess[]): Promise<void> {
  const cpu = (): number[] => workers.map((w) => processUsage(w.pid ?? 0).cpuMs);
  let before = cpu();
  let quiet = 0;
  const deadline = Date.now() + 120_000;
  while (quiet < 2) {
    if (Date.now() > deadline) throw new Error(`bench: the workers did not settle within 120 s of starting`);
    await sleep(IDLE_SAMPLE_MS);
    const now = cpu();
    quiet = now.every((ms, i) => ms - (before[i] ?? 0) < IDLE_CPU_MS) ? quiet + 1 : 0;
    before = now;
  }
}

/** Stops processes with SIGTERM (they drain) and waits for them. */
export async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : Promise.resolve())));
}
