/**
 * Enqueue benchmark: `robot-seeder enqueue FILE --json` against a plain BullMQ addBulk loop of
 * the same jobs (bench/baseline-addbulk.mjs, plain `node`), whole processes, same Redis, each
 * run into a fresh key prefix, alternating which goes first. Checks once that both wrote the
 * same jobs, then reports each run's wall time, the medians and their ratio, and the CLI's
 * start-up alone (`BIN --help`). Asserts nothing about speed.
 *
 *   npm run bench:enqueue -- [--lines 100000] [--rounds 5] [--bin bin/robot-seeder.js]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { SEED_QUEUE_NAME } from '../src/queue/queue-names.js';
import { BIN } from '../test/support/cli-process.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../test/support/test-env.js';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '5' },
    bin: { type: 'string', default: BIN },
  },
});
const lines = Number(values.lines);
const rounds = Number(values.rounds);
const bin = resolve(values.bin);
const dir = await mkdtemp(join(tmpdir(), 'rs-bench-enqueue-'));
const file = join(dir, 'rooms.jsonl');
const body = Array.from({ length: lines }, (_, i) =>
  JSON.stringify({ groupId: `room-${i}`, robots: [`robot_${i % 97}`, `robot_${(i % 89) + 100}`, `robot_${(i % 83) + 200}`] }),
);
await writeFile(file, `${body.join('\n')}\n`);

function timed(args: string[], env: Record<string, string> = {}): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    env: { ...process.env, REDIS_URL: TEST_REDIS_URL, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.toString()}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const runBaseline = (prefix: string): number => timed(['bench/baseline-addbulk.mjs', file, prefix]);
const runSeeder = (prefix: string): number => timed([bin, 'enqueue', file, '--json'], { KEY_PREFIX: prefix });

/** Every job id with the fields that must match (timestamps may not), so the two sides are known to do the same work. */
async function jobsOf(redis: Redis, prefix: string): Promise<string[]> {
  // A job file's jobs are the low lane: BullMQ keeps prioritized jobs in a sorted set, the others in its wait list.
  const ids = [
    ...(await redis.lrange(`${prefix}:${SEED_QUEUE_NAME}:wait`, 0, -1)),
    ...(await redis.zrange(`${prefix}:${SEED_QUEUE_NAME}:prioritized`, '0', '-1')),
  ];
  const jobs = await Promise.all(
    ids.map(async (id) => `${id} ${JSON.stringify(await redis.hmget(`${prefix}:${SEED_QUEUE_NAME}:${id}`, 'name', 'data', 'opts'))}`),
  );
  return jobs.sort();
}

const seeder: number[] = [];
const baseline: number[] = [];
/** The machine's 1-minute load average as each round starts: figures from a busy machine say less. */
const load: number[] = [];
const redis = new Redis(TEST_REDIS_URL);
try {
  for (let round = 0; round < rounds; round += 1) {
    const [p1, p2] = [uniquePrefix(), uniquePrefix()];
    load.push(loadavg()[0] ?? Number.NaN);
    // Alternate which goes first, so neither always meets a Redis the other just filled.
    if (round % 2 === 0) {
      baseline.push(runBaseline(p1));
      seeder.push(runSeeder(p2));
    } else {
      seeder.push(runSeeder(p2));
      baseline.push(runBaseline(p1));
    }
    if (round === 0) {
      const [a, b] = await Promise.all([jobsOf(redis, p1), jobsOf(redis, p2)]);
      if (a.length !== lines || a.join('\n') !== b.join('\n'))
        throw new Error(`the baseline and enqueue wrote different jobs (${a.length} and ${b.length})`);
    }
    await deleteKeys(p1);
    await deleteKeys(p2);
  }
} finally {
  redis.disconnect();
}
const startup = [0, 1, 2].map(() => timed([bin, '--help']));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const round2 = (s: number): number => Number(s.toFixed(2));
const report = {
  lines,
  rounds,
  bin,
  baselineSeconds: baseline.map(round2),
  seederSeconds: seeder.map(round2),
  baselineMedian: round2(median(baseline)),
  seederMedian: round2(median(seeder)),
  ratio: Number((median(seeder) / median(baseline)).toFixed(3)),
  seederStartupSeconds: round2(median(startup)),
  loadAverages: load.map((l) => Number(l.toFixed(1))),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
await rm(dir, { recursive: true, force: true });
