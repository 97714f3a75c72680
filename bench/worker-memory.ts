/**
 * Memory and CPU of one worker process with a large backlog: enqueues `--jobs` rooms (a million
 * by default), then lets one `robot-seeder worker` (and, with --impl, the ~100-line baseline) work
 * for `--seconds`, and reports each process's peak resident memory and CPU per call, start-up
 * included. Asserts nothing.
 *
 *   npm run bench:worker-memory -- [--jobs 1000000] [--seconds 30] [--impl seeder,baseline]
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { signUserSig } from '../src/tencent/user-sig.js';
import { runCli } from '../test/support/cli-process.js';
import { deleteKeys, TEST_SDKAPPID, TEST_SECRET_KEY, uniquePrefix } from '../test/support/test-env.js';
import { commonEnv, startMockProcess, startWorker, stopAll } from './support/fleet-env.js';
import { round } from './support/numbers.js';
import { processUsage } from './support/process-usage.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '1000000' },
    seconds: { type: 'string', default: '30' },
    impl: { type: 'string', default: 'seeder' },
  },
});
const jobs = Number(values.jobs);
const prefix = uniquePrefix();
const common = commonEnv(prefix);
const mock = await startMockProcess(common, { ratePerSecond: 200, latency: '20-60' });
const env = { ...common, TIM_BASE_URL: mock.url };
const dir = await mkdtemp(join(tmpdir(), 'rs-bench-memory-'));
const file = join(dir, 'rooms.jsonl');
const out = createWriteStream(file);
for (let i = 0; i < jobs; i += 1) {
  if (!out.write(`{"groupId":"backlog-${i}","robots":["robot_1","robot_2","robot_3"]}\n`)) await once(out, 'drain');
}
out.end();
await once(out, 'finish');
const enqueueStarted = Date.now();
const enq = await runCli(['enqueue', file, '--json'], env);
if (enq.code !== 0) throw new Error(enq.stderr);
process.stderr.write(`enqueued ${jobs} jobs in ${((Date.now() - enqueueStarted) / 1000).toFixed(1)} s\n`);

const userSig = signUserSig({
  sdkAppId: TEST_SDKAPPID,
  secretKey: TEST_SECRET_KEY,
  identifier: 'administrator',
  timeSeconds: Math.floor(Date.now() / 1000),
  expireSeconds: 86_400,
});
const reports = [];
for (const impl of values.impl.split(',')) {
  const before = (await mock.stats()).calls;
  const worker = startWorker(impl === 'seeder' ? 'seeder' : 'baseline', { ...env, TIM_USERSIG: userSig });
  await sleep(Number(values.seconds) * 1000);
  const usage = processUsage(worker.pid ?? 0);
  await stopAll([worker]);
  const calls = (await mock.stats()).calls - before;
  reports.push({
    impl,
    jobsQueued: jobs,
    seconds: Number(values.seconds),
    calls,
    peakRssMb: round(usage.peakRssMb, 0),
    cpuMsPerCall: round(usage.cpuMs / Math.max(1, calls), 2),
  });
}
await mock.close();
await deleteKeys(prefix);
// The baseline's Bottleneck keeps its own keys, named after its id (`<prefix>-baseline-limiter`).
await deleteKeys(`b_${prefix}`);
await rm(dir, { recursive: true, force: true });
process.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
