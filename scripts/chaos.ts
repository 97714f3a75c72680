/**
 * `npm run chaos -- --minutes N`: seeds waves of rooms against the mock API while, at random,
 * killing workers (SIGKILL), restarting Redis (AOF on) and restarting the API. At the end, with
 * everything back up, it waits for the queue to drain and prints the accounting:
 * enqueued = completed + dead-lettered, lost = 0. Exits 1 if anything was lost.
 *
 *   npm run chaos -- [--minutes 10] [--workers 3] [--wave 2000] [--seed 1]
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { startCli, runCli, type CliProcess } from '../test/support/cli-process.js';
import { startRedisServer } from '../test/support/redis-server.js';
import { freePort } from '../test/support/free-port.js';
import { seederEnv, TEST_SDKAPPID, TEST_SECRET_KEY, waitFor } from '../test/support/test-env.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    workers: { type: 'string', default: '3' },
    wave: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
  },
});
const minutes = Number(values.minutes);
const waveSize = Number(values.wave);

// A small seeded PRNG so a run's sequence of faults can be replayed.
let state = Number(values.seed) >>> 0 || 1;
const random = (): number => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 4294967296;
};
const between = (lo: number, hi: number): number => Math.round(lo + random() * (hi - lo));
const say = (msg: string): void => void process.stdout.write(`[chaos ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

const redis = await startRedisServer({ appendonly: true });
const apiPort = await freePort();
const dir = await mkdtemp(join(tmpdir(), 'rs-chaos-'));
const env = seederEnv('{robot-seeder-chaos}', `http://127.0.0.1:${apiPort}`, {
  REDIS_URL: redis.url,
  LOG_LEVEL: 'error',
  BACKOFF_DELAY_MS: '500',
});
const mockEnv = { TIM_SDKAPPID: String(TEST_SDKAPPID), TIM_SECRET_KEY: TEST_SECRET_KEY };

let api: CliProcess = startCli(['mock-api', '--port', String(apiPort), '--latency-ms', '10-40'], mockEnv);
const workers: CliProcess[] = Array.from({ length: Number(values.workers) }, () => startCli(['worker'], env));
const events = { workerKills: 0, redisRestarts: 0, apiRestarts: 0, waves: 0, enqueueRetries: 0 };
let enqueued = 0;
let permanentExpected = 0;

async function enqueueWave(n: number): Promise<void> {
  const file = join(dir, `wave-${n}.jsonl`);
  const lines: string[] = [];
  for (let i = 0; i < waveSize; i += 1) {
    // 1% of rooms fail for good (10010), 2% once (10002): the dead letters chaos must not add to.
    const fault = i % 100 === 0 ? '~10010' : i % 50 === 1 ? '~10002x1' : '';
    if (fault === '~10010') permanentExpected += 1;
    lines.push(JSON.stringify({ groupId: `chaos-${n}-${i}${fault}`, robots: ['robot_1', 'robot_2'] }));
  }
  await writeFile(file, `${lines.join('\n')}\n`);
  // Redis may be down right now: enqueueing again is safe (deterministic job ids).
  for (;;) {
    const r = await runCli(['enqueue', file, '--json'], env);
    if (r.code === 0) break;
    events.enqueueRetries += 1;
    await sleep(1000);
  }
  enqueued += waveSize;
  events.waves += 1;
}

const deadline = Date.now() + minutes * 60_000;
let wave = 0;
say(`redis ${redis.url} (AOF), mock API :${apiPort}, ${workers.length} workers, ${minutes} min of faults`);
await enqueueWave(wave++);
let nextWaveAt = Date.now() + 20_000;
while (Date.now() < deadline) {
  await sleep(between(5_000, 15_000));
  if (Date.now() >= nextWaveAt) {
    await enqueueWave(wave++);
    nextWaveAt = Date.now() + 20_000;
  }
  const dice = random();
  if (dice < 0.45) {
    const i = between(0, workers.length - 1);
    workers[i]?.child.kill('SIGKILL');
    events.workerKills += 1;
    say(`SIGKILL worker ${i}`);
    await sleep(between(500, 3000));
    workers[i] = startCli(['worker'], env);
  } else if (dice < 0.75) {
    const crash = random() < 0.5;
    say(`Redis ${crash ? 'SIGKILL' : 'SIGTERM'}, down for a few seconds`);
    await (crash ? redis.kill() : redis.stop());
    await sleep(between(1000, 5000));
    await redis.restart();
    events.redisRestarts += 1;
  } else {
    say('API down (mock killed), for a few seconds');
    api.child.kill('SIGKILL');
    await api.exited;
    await sleep(between(1000, 10_000));
    api = startCli(['mock-api', '--port', String(apiPort), '--latency-ms', '10-40'], mockEnv);
    events.apiRestarts += 1;
  }
}

say('faults over; waiting for the queue to drain');
let status = { waiting: 0, active: 0, delayed: 0, completed: 0, deadLetter: 0 };
await waitFor(
  'the queue to drain',
  async () => {
    const r = await runCli(['status', '--json'], env);
    if (r.code !== 0) return false;
    status = JSON.parse(r.stdout.trim()) as typeof status;
    return status.waiting + status.active + status.delayed === 0 && status.completed + status.deadLetter >= enqueued;
  },
  600_000,
  2000,
);
const dlq = await runCli(['dlq', 'list', '--json'], env);
const byCode: Record<string, number> = {};
for (const e of JSON.parse(dlq.stdout.trim()) as Array<{ errorCode: number | null }>)
  byCode[String(e.errorCode)] = (byCode[String(e.errorCode)] ?? 0) + 1;

for (const w of workers) w.child.kill('SIGTERM');
await Promise.all(workers.map((w) => w.exited));
api.child.kill('SIGTERM');
await redis.close();
await rm(dir, { recursive: true, force: true });

const lost = enqueued - status.completed - status.deadLetter;
const report = {
  minutes,
  ...events,
  enqueued,
  completed: status.completed,
  deadLettered: status.deadLetter,
  deadLetteredByCode: byCode,
  expectedPermanent: permanentExpected,
  lost,
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
process.exit(lost === 0 && status.deadLetter === permanentExpected ? 0 : 1);
