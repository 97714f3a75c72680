/**
 * Two builds of robot-seeder measured side by side: fleet A and fleet B run at the same time, each
 * with its own key prefix and its own mock API, on the same rooms, so both meet the same machine.
 * On a shared machine a run's CPU per call moves by ±20% with the load; the ratio B/A of a round
 * moves by about ±2% (A against A: 0.98 and 1.005). Which fleet starts first alternates by round.
 * Reports CPU per call per fleet and round, and the ratio B/A. Asserts nothing.
 *
 *   npm run bench:paired -- --b DIR [--a DIR] [--b-flags=--no-opt] [--b-env K=V,K=V] [--workers 8]
 *                           [--rate 100] [--rooms 3000] [--rounds 2]
 *
 * DIR is a built checkout (its bin/robot-seeder.js runs); A defaults to this one. To weigh a change:
 * copy bin/, dist/ and package.json of the build before it to a directory, link node_modules there.
 * `--a-flags`/`--b-flags` (Node flags; written with `=` when they start with a dash) and
 * `--a-env`/`--b-env` (variables for that side's workers, e.g. WORKER_CONCURRENCY=10) weigh a
 * setting on one build.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ChildProcess } from 'node:child_process';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { SEED_QUEUE_NAME } from '../src/queue/queue-names.js';
import { runCli } from '../test/support/cli-process.js';
import { freePort } from '../test/support/free-port.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../test/support/test-env.js';
import { apiFigures } from './support/api-figures.js';
import {
  commonEnv,
  metricsEnv,
  startMockProcess,
  startNode,
  stopAll,
  usageOnceDrained,
  writeRoomsFile,
  type MockProcess,
} from './support/fleet-env.js';
import { round } from './support/numbers.js';
import { machineLoad } from './support/process-usage.js';

const { values } = parseArgs({
  options: {
    a: { type: 'string', default: new URL('..', import.meta.url).pathname },
    b: { type: 'string' },
    'a-flags': { type: 'string', default: '' },
    'b-flags': { type: 'string', default: '' },
    'a-env': { type: 'string', default: '' },
    'b-env': { type: 'string', default: '' },
    workers: { type: 'string', default: '8' },
    rate: { type: 'string', default: '100' },
    rooms: { type: 'string', default: '3000' },
    rounds: { type: 'string', default: '2' },
  },
});
if (values.b === undefined) throw new Error('bench:paired: --b DIR (a built checkout) is required');

type Side = 'A' | 'B';
/** `K=V,K=V` as variables. */
function envOption(option: string, text: string): Record<string, string> {
  const pairs = text.split(',').filter((p) => p !== '');
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`bench:paired: --${option} expects K=V pairs separated by commas, got ${JSON.stringify(pair)}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

const sides: Record<Side, { readonly dir: string; readonly flags: string[]; readonly env: Record<string, string> }> = {
  A: { dir: values.a, flags: values['a-flags'].split(' ').filter((f) => f !== ''), env: envOption('a-env', values['a-env']) },
  B: { dir: values.b, flags: values['b-flags'].split(' ').filter((f) => f !== ''), env: envOption('b-env', values['b-env']) },
};

interface Fleet {
  readonly side: Side;
  readonly prefix: string;
  readonly mock: MockProcess;
  readonly env: Record<string, string>;
  readonly redis: Redis;
  readonly queue: Queue;
}

/** A fleet's prefix, mock and queued rooms; its workers start with the other fleet's. */
async function prepare(side: Side, file: string): Promise<Fleet> {
  const prefix = uniquePrefix();
  const common = commonEnv(prefix);
  // The mock refuses nothing: each fleet's own limiter is what is measured, at `--rate`.
  const mock = await startMockProcess(common, { ratePerSecond: 10_000, latency: '20-60' });
  const env = { ...common, TIM_BASE_URL: mock.url, RATE_LIMIT_PER_SECOND: values.rate, WORKER_CONCURRENCY: '50' };
  const enq = await runCli(['enqueue', file, '--json'], env);
  if (enq.code !== 0) throw new Error(enq.stderr);
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  return { side, prefix, mock, env, redis, queue: new Queue(SEED_QUEUE_NAME, { connection: redis, prefix }) };
}

/** Waits for the fleet's queue to drain, then stops it and reads what the API saw. */
async function finish(f: Fleet, workers: readonly ChildProcess[]) {
  const cpuMs = (await usageOnceDrained(f.queue, workers)).reduce((sum, u) => sum + u.cpuMs, 0);
  await stopAll(workers);
  const stats = await f.mock.stats();
  await f.mock.close();
  await f.queue.close();
  f.redis.disconnect();
  await deleteKeys(f.prefix);
  const api = apiFigures(stats, Number(values.rate));
  return {
    side: f.side,
    cpuMsPerCall: round(cpuMs / Math.max(1, stats.calls), 3),
    calls: stats.calls,
    capUsedPercent: api.capUsedPercent,
    busiestSlidingSecond: api.busiestSlidingSecond,
  };
}

const dir = await mkdtemp(join(tmpdir(), 'rs-bench-paired-'));
const file = join(dir, 'rooms.jsonl');
await writeRoomsFile(
  file,
  Array.from({ length: Number(values.rooms) }, (_, i) => `paired-${i}`),
  ['robot_1', 'robot_2', 'robot_3'],
);
const ratios: number[] = [];
for (let r = 1; r <= Number(values.rounds); r += 1) {
  const order: Side[] = r % 2 === 1 ? ['A', 'B'] : ['B', 'A'];
  const fleets = [await prepare(order[0] ?? 'A', file), await prepare(order[1] ?? 'B', file)];
  const workers = fleets.map(() => [] as ChildProcess[]);
  for (let i = 0; i < Number(values.workers); i += 1) {
    for (const [k, f] of fleets.entries()) {
      const env = { ...f.env, ...sides[f.side].env, ...metricsEnv(await freePort()) };
      workers[k]?.push(startNode([...sides[f.side].flags, join(sides[f.side].dir, 'bin/robot-seeder.js'), 'worker'], env));
    }
  }
  const results = await Promise.all(fleets.map((f, k) => finish(f, workers[k] ?? [])));
  const load = machineLoad();
  for (const x of results) process.stdout.write(`${JSON.stringify({ round: r, ...x, load })}\n`);
  const a = results.find((x) => x.side === 'A');
  const b = results.find((x) => x.side === 'B');
  if (a !== undefined && b !== undefined) ratios.push(round(b.cpuMsPerCall / a.cpuMsPerCall, 3));
}
await rm(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify({ cpuPerCallBOverA: ratios })}\n`);
