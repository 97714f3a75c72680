import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setPriority } from 'node:os';
import type { MockStats } from '../../src/mock-api/mock-tencent-api.js';
import { BIN } from '../../test/support/cli-process.js';
import { BASELINE_WORKER } from './baseline.js';
import { TEST_REDIS_URL, TEST_SDKAPPID, TEST_SECRET_KEY } from '../../test/support/test-env.js';

/** A process of the benchmark: node running a script, its stderr passed through. */
export function startNode(args: readonly string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** What every process of one benchmark run shares: Redis, the key prefix, the app; BENCH_LOG_LEVEL sets their log level. */
export function commonEnv(prefix: string): Record<string, string> {
  return {
    REDIS_URL: TEST_REDIS_URL,
    KEY_PREFIX: prefix,
    TIM_SDKAPPID: String(TEST_SDKAPPID),
    TIM_SECRET_KEY: TEST_SECRET_KEY,
    LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
  };
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
  close(): Promise<void>;
}

/**
 * The mock API in a process of its own, scheduled ahead of the workers (nice -10 when allowed):
 * Tencent runs on machines of its own, and the mock's clock of arrivals must not be held up by
 * the workers it measures, which share this machine's two cores with it.
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
    async close() {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

/** Stops processes with SIGTERM (they drain) and waits for them. */
export async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  for (const c of children) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null ? once(c, 'exit') : Promise.resolve())));
}

export function round(n: number, digits: number): number {
  return Number(n.toFixed(digits));
}
