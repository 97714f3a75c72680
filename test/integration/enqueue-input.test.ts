import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { SEED_QUEUE_NAME } from '../../src/queue/queue-names.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { ChildReaper } from '../support/child-reaper.js';
import { runCli, startCli, startShell, type CliResult } from '../support/cli-process.js';
import { roomIds } from '../support/rooms-file.js';
import { deleteKeys, seederEnv, startTestMock, TEST_REDIS_URL, uniquePrefix, waitFor } from '../support/test-env.js';

/**
 * `enqueue` reads its input once: what can be read only once (a pipe, a FIFO, stdin) is
 * enqueued whole, refused whole, or spooled, and nothing is left behind.
 * Regression: it used to read a file twice (validate, then enqueue), so a pipe was drained by
 * the first pass and nothing was enqueued, with exit 0.
 */
let dir: string;
let redis: Redis;
let mock: MockTencentApi;
const prefixes: string[] = [];
const reaper = new ChildReaper();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rs-enqueue-input-'));
  redis = new Redis(TEST_REDIS_URL);
  mock = await startTestMock();
});
afterEach(() => reaper.killAll());
afterAll(async () => {
  for (const p of prefixes) await deleteKeys(p);
  redis.disconnect();
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): Record<string, string> & { KEY_PREFIX: string } {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return { ...seederEnv(prefix, mock.url, extra), KEY_PREFIX: prefix };
}

const line = (groupId: string): string => JSON.stringify({ groupId, robots: ['bot_a', 'bot_b', 'bot_c'] });

async function jobFile(name: string, lines: readonly string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

const shell = (script: string, e: Record<string, string>): Promise<CliResult> => reaper.track(startShell(script, e)).exited;

/** Every job in the queue as `id name data`, sorted: equal for two prefixes when the same jobs were written. */
async function jobsIn(prefix: string): Promise<string[]> {
  // Job files are the low lane: their jobs wait in BullMQ's prioritized set, the others in its wait list.
  const ids = [
    ...(await redis.lrange(`${prefix}:${SEED_QUEUE_NAME}:wait`, 0, -1)),
    ...(await redis.zrange(`${prefix}:${SEED_QUEUE_NAME}:prioritized`, '0', '-1')),
  ];
  const jobs = await Promise.all(
    ids.map(async (id) => `${id} ${(await redis.hmget(`${prefix}:${SEED_QUEUE_NAME}:${id}`, 'name', 'data')).join(' ')}`),
  );
  return jobs.sort();
}

/** Spool files a process (by pid) left in the temporary directory. */
async function spoolsOf(pid: number | undefined): Promise<string[]> {
  return (await readdir(tmpdir())).filter((f) => f.startsWith(`robot-seeder-spool-${String(pid)}-`));
}

function summaryOf(r: CliResult): Record<string, unknown> {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim()) as Record<string, unknown>;
}

describe('enqueue from input that can be read only once', () => {
  const rooms = roomIds('pipe', 300);
  let path: string;
  beforeAll(async () => {
    path = await jobFile('rooms.jsonl', rooms.map(line));
  });

  it.each([
    ['- from a pipe', 'cat "$FILE" | "$NODE" "$BIN" enqueue - --json'],
    ['- from a file redirect', '"$NODE" "$BIN" enqueue - --json < "$FILE"'],
    ['/dev/stdin from a pipe', 'cat "$FILE" | "$NODE" "$BIN" enqueue /dev/stdin --json'],
  ])('%s: every line enqueued', async (_what, script) => {
    const e = env({ FILE: path });
    const summary = summaryOf(await shell(script, e));
    expect(summary).toMatchObject({ lines: 300, enqueuedLines: 300, jobs: 300, invalidLines: 0 });
    expect(await jobsIn(e.KEY_PREFIX)).toHaveLength(300);
  });

  it('a FIFO: every line enqueued', async () => {
    const fifo = join(dir, 'rooms.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const e = env();
    const enqueue = reaper.track(startCli(['enqueue', fifo, '--json'], e));
    const writer = createWriteStream(fifo);
    writer.end(`${rooms.map(line).join('\n')}\n`);
    await once(writer, 'finish');
    expect(summaryOf(await enqueue.exited)).toMatchObject({ file: fifo, lines: 300, enqueuedLines: 300, jobs: 300 });
    expect(await jobsIn(e.KEY_PREFIX)).toHaveLength(300);
  });

  it('a bad line in piped input: the input is refused whole, exit 3, nothing in Redis', async () => {
    const bad = await jobFile('bad.jsonl', [
      ...rooms.slice(0, 150).map(line),
      '{"groupId": "room-x", "robots": []}',
      ...rooms.slice(150).map(line),
    ]);
    const e = env({ FILE: bad });
    const r = await shell('cat "$FILE" | "$NODE" "$BIN" enqueue - --json', e);
    expect(r.code).toBe(EXIT.inputInvalid);
    expect(r.stderr).toContain('stdin: 1 of 301 lines are invalid; nothing was enqueued');
    expect(r.stderr).toContain('stdin:151: robots: empty');
    expect(r.stdout).toBe('');
    expect(await redis.keys(`${e.KEY_PREFIX.replace(/[{}]/g, '\\$&')}:${SEED_QUEUE_NAME}:*-*`)).toEqual([]);
    expect(await jobsIn(e.KEY_PREFIX)).toEqual([]);
  });

  it('--skip-invalid from a pipe: the valid lines enqueued, the bad one listed', async () => {
    const mixed = await jobFile('mixed.jsonl', [line('room-1'), 'not json', line('room-2')]);
    const e = env({ FILE: mixed });
    const summary = summaryOf(await shell('cat "$FILE" | "$NODE" "$BIN" enqueue - --skip-invalid --json', e));
    expect(summary).toMatchObject({
      file: '-',
      lines: 3,
      enqueuedLines: 2,
      jobs: 2,
      invalidLines: 1,
      invalid: [{ line: 2, problems: [expect.any(String)] }],
    });
    expect(await jobsIn(e.KEY_PREFIX)).toHaveLength(2);
  });

  it('run - seeds piped input end to end', async () => {
    const e = env({ FILE: await jobFile('run.jsonl', roomIds('run-pipe', 5).map(line)) });
    const report = summaryOf(await shell('cat "$FILE" | "$NODE" "$BIN" run - --json', e));
    expect(report).toMatchObject({ file: '-', lines: 5, jobs: 5, seeded: 5, deadLettered: 0 });
  });
});

describe('the spool', () => {
  it('past ENQUEUE_MEMORY_MB the planned jobs are spooled, the same jobs reach Redis as from memory, and the spool is removed', async () => {
    const many = await jobFile('many.jsonl', roomIds('spool', 3000).map(line));
    const inMemory = env();
    summaryOf(await runCli(['enqueue', many, '--json'], inMemory));
    const spooled = env({ FILE: many, ENQUEUE_MEMORY_MB: '0' });
    const p = reaper.track(startShell('"$NODE" "$BIN" enqueue - --json < "$FILE"', spooled));
    expect(summaryOf(await p.exited)).toMatchObject({ lines: 3000, enqueuedLines: 3000, jobs: 3000 });
    const expected = await jobsIn(inMemory.KEY_PREFIX);
    expect(expected).toHaveLength(3000);
    expect(await jobsIn(spooled.KEY_PREFIX)).toEqual(expected);
    expect(await readdir(tmpdir())).not.toContainEqual(expect.stringMatching(/^robot-seeder-spool-/));
  });

  it('SIGINT while reading: exit 130, nothing enqueued, the spool removed', async () => {
    const e = env({ ENQUEUE_MEMORY_MB: '0' });
    const p = reaper.track(startCli(['enqueue', '-', '--json'], e, { stdin: 'pipe' }));
    // Lines keep coming and the input never ends: the process is mid-read when the signal comes.
    p.child.stdin?.write(`${roomIds('sigint', 2000).map(line).join('\n')}\n`);
    await waitFor('the spool file', async () => (await spoolsOf(p.child.pid)).length === 1, 30_000, 20);
    p.child.kill('SIGINT');
    const r = await p.exited;
    expect(r.code, r.stderr).toBe(EXIT.interrupted);
    expect(r.stderr).toContain('interrupted while reading stdin; nothing was enqueued');
    expect(r.stderr).toMatch(/hint: .*run the same command again/);
    expect(await spoolsOf(p.child.pid)).toEqual([]);
    expect(await jobsIn(e.KEY_PREFIX)).toEqual([]);
  });
});
