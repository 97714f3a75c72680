import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { runCli } from '../support/cli-process.js';
import { deleteKeys, seederEnv, TEST_REDIS_URL, uniquePrefix } from '../support/test-env.js';
import { ALPHA, BETA, startTwoAppMock, twoAppsEnv, writeTwoAppsFile } from '../support/two-apps.js';

let mock: MockTencentApi;
let dir: string;
let env: Record<string, string>;
const prefix = uniquePrefix();

beforeAll(async () => {
  mock = await startTwoAppMock();
  dir = await mkdtemp(join(tmpdir(), 'rs-cli-apps-'));
  env = seederEnv(prefix, mock.url, twoAppsEnv(await writeTwoAppsFile(dir, mock.url)));
});

afterAll(async () => {
  await mock.close();
  await deleteKeys(prefix);
  await rm(dir, { recursive: true, force: true });
});

async function json(...args: string[]): Promise<unknown> {
  const r = await runCli([...args, '--json'], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim()) as unknown;
}

const idle = { waiting: 0, active: 0, delayed: 0 } as const;

describe('status and dlq with two apps (APPS_FILE)', () => {
  it('report each app: status --json adds `apps`, dlq entries carry their app, --app picks one', async () => {
    const file = join(dir, 'rooms.jsonl');
    const rooms = [
      { groupId: 'room-a', robots: ['bot_a'], app: 'alpha' },
      { groupId: 'room-b', robots: ['bot_a'], app: 'beta' },
      { groupId: 'room-gone~10010', robots: ['bot_a'], app: 'beta' },
    ];
    await writeFile(file, rooms.map((r) => JSON.stringify(r)).join('\n'));
    expect(await json('run', file)).toMatchObject({ jobs: 3, seeded: 2, deadLettered: 1 });
    expect(mock.robotsIn('room-a', ALPHA.sdkAppId)).toEqual(['bot_a']);
    expect(mock.robotsIn('room-b', BETA.sdkAppId)).toEqual(['bot_a']);

    const alpha = { ...idle, completed: 1, deadLetter: 0 };
    const beta = { ...idle, completed: 1, deadLetter: 1 };
    expect(await json('status')).toEqual({ ...idle, completed: 2, deadLetter: 1, apps: { alpha, beta } });
    expect(await json('status', '--app', 'beta')).toEqual({ ...beta, apps: { beta } });
    const text = await runCli(['status'], env);
    expect(text.stdout).toContain('waiting 0\nactive 0\ndelayed 0\ncompleted 2\ndead-letter 1\n');
    expect(text.stdout).toContain('app alpha: waiting 0, active 0, delayed 0, completed 1, dead-letter 0\n');
    expect(text.stdout).toContain('app beta: waiting 0, active 0, delayed 0, completed 1, dead-letter 1\n');

    const gone = { app: 'beta', groupId: 'room-gone~10010', errorCode: 10010, robots: ['bot_a'] };
    expect(await json('dlq', 'list')).toEqual([expect.objectContaining(gone)]);
    expect(await json('dlq', 'list', '--app', 'beta', '--code', '10010')).toEqual([expect.objectContaining(gone)]);
    expect(await json('dlq', 'list', '--app', 'alpha')).toEqual([]);
    expect((await runCli(['dlq', 'list', '--app', 'beta'], env)).stdout).toMatch(/ {2}beta {2}10010 +room-gone~10010 /);
    const unknown = await runCli(['dlq', 'list', '--app', 'gamma'], env);
    expect(unknown.code).toBe(EXIT.usage);
    expect(unknown.stderr).toContain('unknown app "gamma"; the apps configured are: alpha, beta');
    expect((await runCli(['status', '--app', 'gamma'], env)).code).toBe(EXIT.usage);

    expect(await json('dlq', 'replay', '--app', 'alpha')).toEqual({ replayed: 0 });
    expect(await json('dlq', 'purge', '--app', 'beta')).toEqual({ purged: 1 });
    expect(await json('status')).toMatchObject({ deadLetter: 0, apps: { beta: { deadLetter: 0 } } });
  });

  it('status says which app is paused', async () => {
    const redis = new Redis(TEST_REDIS_URL);
    try {
      const problem = { errorCode: 70009, errorInfo: 'UserSig verification failed', since: '2026-01-01T00:00:00.000Z', configuration: 'x' };
      await redis.set(`${prefix}-beta:account:paused`, JSON.stringify(problem));
      const r = await runCli(['status'], env);
      expect(r.code).toBe(0);
      expect(r.stderr).toContain('robot-seeder status: APP beta IS PAUSED: Tencent refused the app');
      expect(r.stderr).not.toContain('APP alpha');
      expect((await runCli(['status', '--app', 'alpha'], env)).stderr).not.toContain('PAUSED');
    } finally {
      redis.disconnect();
    }
  });
});
