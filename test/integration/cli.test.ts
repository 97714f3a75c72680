import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUserSig } from '../../src/tencent/user-sig.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { runCli } from '../support/cli-process.js';
import { openQueueRuntime } from '../../src/app/queue-runtime.js';
import { CampaignKeys } from '../../src/campaign/store/campaign-keys.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/logger.js';
import { enqueueRequests } from '../../src/queue/enqueue-requests.js';
import { seedJobOptions } from '../../src/queue/job-options.js';
import { deleteKeys, seederEnv, startTestMock, TEST_SDKAPPID, TEST_SECRET_KEY, uniquePrefix } from '../support/test-env.js';

let mock: MockTencentApi;
let dir: string;
const prefixes: string[] = [];

function env(extra: Record<string, string> = {}): Record<string, string> {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return seederEnv(prefix, mock.url, extra);
}

async function file(name: string, text: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

async function status(e: Record<string, string>): Promise<Record<string, number>> {
  const r = await runCli(['status', '--json'], e);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as Record<string, number>;
}

beforeAll(async () => {
  mock = await startTestMock();
  dir = await mkdtemp(join(tmpdir(), 'rs-cli-'));
});

afterAll(async () => {
  await mock.close();
  for (const p of prefixes) await deleteKeys(p);
  await rm(dir, { recursive: true, force: true });
});

const GOOD = (i: number): string => JSON.stringify({ groupId: `room-${i}`, robots: ['bot_a', 'bot_b'] });

describe('robot-seeder CLI', () => {
  it('refuses a file with any invalid line whole: every bad line named, nothing enqueued, exit 3', async () => {
    const e = env();
    const path = await file(
      'mixed.jsonl',
      [GOOD(1), '{"groupId": "", "robots": ["a"]}', GOOD(3), 'not json', GOOD(5), '{"groupId": "r", "robots": []}'].join('\n'),
    );
    const r = await runCli(['enqueue', path], e);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('3 of 6 lines are invalid; nothing was enqueued');
    expect(r.stderr).toContain(`${path}:2: `);
    expect(r.stderr).toContain(`${path}:4: `);
    expect(r.stderr).toContain(`${path}:6: `);
    expect(r.stderr).toContain('hint: ');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(await status(e)).toMatchObject({ waiting: 0 });
  });

  it('--skip-invalid enqueues the valid lines and reports the rest in its JSON summary', async () => {
    const e = env();
    const path = await file('skip.jsonl', [GOOD(1), 'not json', GOOD(3)].join('\n'));
    const r = await runCli(['enqueue', path, '--skip-invalid', '--json'], e);
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
    expect(summary).toMatchObject({ lines: 3, enqueuedLines: 2, jobs: 2, invalidLines: 1 });
    expect(summary['invalid']).toEqual([{ line: 2, problems: [expect.any(String)] }]);
    expect(await status(e)).toMatchObject({ waiting: 2 });
  });

  it('reads CSV job files', async () => {
    const e = env();
    const path = await file('rooms.csv', 'groupId,robots\nroom-1,bot_a,bot_b\n"room,2",bot_c\n');
    const r = await runCli(['enqueue', path, '--json'], e);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ lines: 2, jobs: 2 });
  });

  it.each([
    ['a file that does not exist', ['enqueue', '/nonexistent/rooms.jsonl'], 3, /nonexistent\/rooms\.jsonl/],
    ['a directory', ['enqueue', '/tmp'], 3, /directory/],
    ['a missing FILE argument', ['enqueue'], 2, /missing FILE/],
    ['an unknown flag', ['status', '--jsn'], 2, /--jsn/],
    ['an unknown command', ['seed'], 2, /unknown command "seed"/],
  ])('explains %s without a stack trace', async (_what, args, code, message) => {
    const r = await runCli(args, env());
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails fast with exit 4 and how to fix it when Redis does not answer', async () => {
    const path = await file('one.jsonl', GOOD(1));
    const r = await runCli(['enqueue', path], { ...env(), REDIS_URL: 'redis://:hunter2@127.0.0.1:1' });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('cannot reach Redis at redis://:***@127.0.0.1:1');
    expect(r.stderr).toContain('run the same command again');
    expect(r.stderr).not.toContain('hunter2');
  });

  it('lists every configuration problem at once, exit 2', async () => {
    const r = await runCli(['worker'], { ...env(), TIM_SDKAPPID: '', RATE_LIMIT_PER_SECOND: 'lots' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TIM_SDKAPPID: required');
    expect(r.stderr).toContain('RATE_LIMIT_PER_SECOND: expected a whole number');
  });

  it('status --json prints the integers scripts rely on', async () => {
    const s = await status(env());
    expect(Object.keys(s).sort()).toEqual(['active', 'completed', 'deadLetter', 'delayed', 'waiting']);
    for (const v of Object.values(s)) expect(Number.isInteger(v)).toBe(true);
  });

  it("rate show|set|reset reads and changes the fleet's shared rate; bad arguments are usage errors", async () => {
    const e = env();
    const json = async (...args: string[]): Promise<unknown> => {
      const r = await runCli(['rate', ...args, '--json'], e);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as unknown;
    };
    expect(await json('show')).toEqual({ ratePerSecond: null, ceilingPerSecond: 200, ceilingSource: 'caller' });
    expect(await json('set', '150')).toEqual({ ratePerSecond: 150, ceilingPerSecond: 150, ceilingSource: 'operator' });
    const shown = await runCli(['rate', 'show'], e);
    expect(shown.stdout).toMatch(/^rate +150\.0 calls\/s now\nceiling +150 calls\/s \(set with `robot-seeder rate set`/);
    expect(await json('reset')).toMatchObject({ ceilingPerSecond: 200 });
    for (const args of [['rate'], ['rate', 'up'], ['rate', 'set'], ['rate', 'set', '0'], ['rate', 'set', '1.5'], ['rate', 'show', 'x']]) {
      const r = await runCli(args, e);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('usage: robot-seeder rate');
    }
    const r = await runCli(['rate', 'show'], { ...e, TIM_SDKAPPID: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TIM_SDKAPPID: required');
  });

  it('run seeds a file end to end and reports it; nothing secret reaches the output even at trace level', async () => {
    const e = env({ LOG_LEVEL: 'trace' });
    const lines = [
      GOOD(1),
      GOOD(2),
      JSON.stringify({ groupId: 'room-gone~10010', robots: ['bot_a'] }),
      JSON.stringify({ groupId: 'room-flaky~10002x1', robots: ['bot_a'] }),
    ];
    const path = await file('run.jsonl', lines.join('\n'));
    const r = await runCli(['run', path, '--json'], e);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const report = JSON.parse(r.stdout.trim()) as Record<string, unknown>;
    expect(report).toMatchObject({ jobs: 4, seeded: 3, retried: 1, deadLettered: 1, deadLetteredByCode: { '10010': 1 } });
    expect(mock.robotsIn('room-flaky~10002x1')).toEqual(['bot_a']);
    const output = r.stdout + r.stderr;
    expect(output.length).toBeGreaterThan(1000); // trace logging really happened
    expect(output).not.toContain(TEST_SECRET_KEY);
    expect(output).not.toMatch(/usersig=/i);
    expect(output).not.toMatch(/eJ[\w*-]{60,}/); // a zlib+base64 UserSig
  });

  it('never prints a ready-made TIM_USERSIG', async () => {
    const userSig = signUserSig({
      sdkAppId: TEST_SDKAPPID,
      secretKey: TEST_SECRET_KEY,
      identifier: 'administrator',
      timeSeconds: Math.floor(Date.now() / 1000),
      expireSeconds: 3600,
    });
    const e = { ...env({ LOG_LEVEL: 'trace' }), TIM_USERSIG: userSig, TIM_SECRET_KEY: '' };
    const path = await file('sig.jsonl', GOOD(9));
    const r = await runCli(['run', path, '--json'], e);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ seeded: 1 });
    expect(r.stdout + r.stderr).not.toContain(userSig);
  });

  it('run works the queue as `worker` does: the adds of a campaign that has ended are skipped, not called', async () => {
    const e = env();
    const q = await openQueueRuntime(loadConfig(e, { tencent: false }), createLogger('silent'), 'producer');
    try {
      // Adds of a campaign's run still queued when the campaign ended (its robots were removed).
      await enqueueRequests(
        q.jobs,
        [
          { groupId: 'room-finale-1', robots: ['bot_a'] },
          { groupId: 'room-finale-2', robots: ['bot_a'] },
        ],
        {
          command: 'add_robots',
          maxRobotsPerCall: 500,
          jobOptions: seedJobOptions(q.config),
          campaignRun: { campaign: 'finale', runId: 'add-1' },
        },
      );
      await q.redis.hset(new CampaignKeys(q.config.keyPrefix).campaign('finale'), 'endedAt', Date.now());
    } finally {
      await q.close();
    }
    const path = await file('after-finale.jsonl', GOOD(77));
    const r = await runCli(['run', path, '--json'], e);
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    expect(mock.robotsIn('room-77')).toEqual(['bot_a', 'bot_b']);
    expect(mock.robotsIn('room-finale-1')).toEqual([]);
    expect(mock.robotsIn('room-finale-2')).toEqual([]);
    expect(await status(e)).toMatchObject({ waiting: 0, active: 0, delayed: 0, deadLetter: 0 });
  });
});
