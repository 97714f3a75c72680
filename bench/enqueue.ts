/**
 * Enqueue benchmark: `robot-seeder enqueue FILE` against a plain BullMQ addBulk loop of the
 * same jobs (bench/baseline-addbulk.ts), whole processes, same Redis, run alternately.
 * Reports each run's wall time, the medians and their ratio. Asserts nothing.
 *
 *   npm run bench:enqueue -- [--lines 100000] [--rounds 3]
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BIN } from '../test/support/cli-process.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../test/support/test-env.js';

const { values } = parseArgs({ options: { lines: { type: 'string', default: '100000' }, rounds: { type: 'string', default: '3' } } });
const lines = Number(values.lines);
const dir = await mkdtemp(join(tmpdir(), 'rs-bench-enqueue-'));
const file = join(dir, 'rooms.jsonl');
const body = Array.from({ length: lines }, (_, i) => JSON.stringify({ groupId: `room-${i}`, robots: [`robot_${i % 97}`, `robot_${(i % 89) + 100}`, `robot_${(i % 83) + 200}`] }));
await writeFile(file, `${body.join('\n')}\n`);

function timed(cmd: string, args: string[], env: Record<string, string>): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.toString()}`);
  return Number(process.hrtime.bigint() - t) / 1e9;
}

const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
const seeder: number[] = [];
const baseline: number[] = [];
for (let round = 0; round < Number(values.rounds); round += 1) {
  const p1 = uniquePrefix();
  baseline.push(timed(tsx, ['bench/baseline-addbulk.ts', file, p1], { REDIS_URL: TEST_REDIS_URL }));
  await deleteKeys(p1);
  const p2 = uniquePrefix();
  seeder.push(timed(process.execPath, [BIN, 'enqueue', file, '--json'], { REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: p2 }));
  await deleteKeys(p2);
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const report = {
  lines,
  rounds: Number(values.rounds),
  baselineSeconds: baseline.map((s) => Number(s.toFixed(2))),
  seederSeconds: seeder.map((s) => Number(s.toFixed(2))),
  baselineMedian: Number(median(baseline).toFixed(2)),
  seederMedian: Number(median(seeder).toFixed(2)),
  ratio: Number((median(seeder) / median(baseline)).toFixed(3)),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
await rm(dir, { recursive: true, force: true });
