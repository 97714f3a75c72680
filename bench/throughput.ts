/**
 * Throughput benchmark: N rooms, two `robot-seeder worker` processes, the mock API with
 * realistic latency. Reports calls per second while work is queued (full seconds only),
 * the busiest second, calls refused for rate, and the accounting. Not a test: it asserts nothing.
 *
 *   npm run bench:throughput -- [--rooms 6000] [--workers 2] [--concurrency 50] [--latency 20-60]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config/load-config.js';
import { createLogger } from '../src/log/logger.js';
import { openQueueRuntime } from '../src/app/queue-runtime.js';
import { isDrained } from '../src/queue/queue-status.js';
import { runCli, startCli } from '../test/support/cli-process.js';
import { deleteKeys, seederEnv, startTestMock, uniquePrefix, waitFor } from '../test/support/test-env.js';

const { values } = parseArgs({
  options: {
    rooms: { type: 'string', default: '6000' },
    workers: { type: 'string', default: '2' },
    concurrency: { type: 'string', default: '50' },
    latency: { type: 'string', default: '20-60' },
  },
});
const rooms = Number(values.rooms);
const [min, max] = values.latency.split('-').map(Number);
const mock = await startTestMock({ latencyMs: { min: min ?? 20, max: max ?? min ?? 60 } });
const prefix = uniquePrefix();
const env = seederEnv(prefix, mock.url, { LOG_LEVEL: 'warn' });
const q = await openQueueRuntime(loadConfig(env, { tencent: false }), createLogger('silent'), 'producer');
const dir = await mkdtemp(join(tmpdir(), 'rs-bench-'));
const file = join(dir, 'rooms.jsonl');
// 1% transient (10002 once), 0.5% permanent (10010): the mix the acceptance run uses.
const lines = Array.from({ length: rooms }, (_, i) => {
  const fault = i % 100 === 7 ? '~10002x1' : i % 200 === 13 ? '~10010' : '';
  return JSON.stringify({ groupId: `bench-${i}${fault}`, robots: ['robot_1', 'robot_2', 'robot_3'] });
});
await writeFile(file, `${lines.join('\n')}\n`);
const enq = await runCli(['enqueue', file, '--json'], env);
if (enq.code !== 0) throw new Error(enq.stderr);

const started = Date.now();
const workers = Array.from({ length: Number(values.workers) }, () => startCli(['worker', '--concurrency', values.concurrency], env));
await waitFor('queue drained', async () => {
  const s = await q.status();
  return isDrained(s) && s.completed + s.deadLetter === rooms;
}, 600_000, 200);
const wall = (Date.now() - started) / 1000;
for (const w of workers) w.child.kill('SIGTERM');
const exits = await Promise.all(workers.map((w) => w.exited));

const stats = mock.stats();
// Full seconds only: drop the first (workers starting) and the last (queue running dry).
const seconds = stats.perSecond.slice(1, -1);
const perSecond = seconds.map((s) => s.calls);
const mean = perSecond.reduce((a, b) => a + b, 0) / Math.max(1, perSecond.length);
const status = await q.status();
const report = {
  rooms,
  workers: workers.length,
  concurrencyPerWorker: Number(values.concurrency),
  mockLatencyMs: values.latency,
  wallSeconds: Number(wall.toFixed(1)),
  calls: stats.calls,
  fullSeconds: perSecond.length,
  meanCallsPerSecond: Number(mean.toFixed(1)),
  minSecond: Math.min(...perSecond),
  busiestSecond: stats.busiestSecond,
  refusedForRate: stats.refusedForRate,
  refusedPercent: Number(((stats.refusedForRate * 100) / Math.max(1, stats.calls)).toFixed(3)),
  completed: status.completed,
  deadLetter: status.deadLetter,
  lost: rooms - status.completed - status.deadLetter,
  workerExitCodes: exits.map((e) => e.code),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
await q.close();
await mock.close();
await deleteKeys(prefix);
await rm(dir, { recursive: true, force: true });
