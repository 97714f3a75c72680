import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isSeederError } from '../../src/errors/seeder-error.js';
import { startMockTencentApi, type MockStats, type MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { signUserSig } from '../../src/tencent/user-sig.js';
import { ChildReaper } from '../support/child-reaper.js';
import { logLines, runCli, startCli } from '../support/cli-process.js';
import { waitFor } from '../support/test-env.js';

/** Two apps as at Tencent: each its own key and admin; a low rate so that a burst fills a second. */
const ALPHA = { sdkAppId: 1400000001, secretKey: 'alpha-secret-key', admin: 'administrator', ratePerSecond: 5 } as const;
const BETA = { sdkAppId: 1400000002, secretKey: 'beta-secret-key', admin: 'beta-admin', ratePerSecond: 5 } as const;
type App = typeof ALPHA | typeof BETA;

const started: MockTencentApi[] = [];
const reaper = new ChildReaper();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rs-mock-apps-'));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((mock) => mock.close()));
  await reaper.killAll();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function startTwoApps(): Promise<MockTencentApi> {
  const mock = await startMockTencentApi({ apps: [ALPHA, BETA], latencyMs: { min: 0, max: 0 } });
  started.push(mock);
  return mock;
}

/** A UserSig of the app's admin, made with the app's key (overrides: another key or SDKAppID). */
function userSig(app: App, o: { secretKey?: string; sdkAppId?: number; identifier?: string } = {}): string {
  return signUserSig({
    sdkAppId: o.sdkAppId ?? app.sdkAppId,
    secretKey: o.secretKey ?? app.secretKey,
    identifier: o.identifier ?? app.admin,
    timeSeconds: Math.floor(Date.now() / 1000) - 10,
    expireSeconds: 86_400,
  });
}

/** add_robots as `app`'s admin with its own UserSig, unless `query` replaces a URL parameter. */
async function addRobots(baseUrl: string, app: App, groupId: string, query: Record<string, string> = {}): Promise<number> {
  const search = new URLSearchParams({
    sdkappid: String(app.sdkAppId),
    identifier: app.admin,
    usersig: userSig(app),
    random: String(Math.floor(Math.random() * 4_294_967_295)),
    contenttype: 'json',
    ...query,
  });
  const res = await fetch(`${baseUrl}/v4/group_open_avchatroom_http_svc/add_robots?${search.toString()}`, {
    method: 'POST',
    body: JSON.stringify({ GroupId: groupId, Member_Account: ['bot_1'] }),
  });
  return ((await res.json()) as { ErrorCode: number }).ErrorCode;
}

/** The app's own counts; fails the test when the mock reports none for it. */
function appStats(stats: MockStats, app: App): MockStats['apps'][string] {
  const own = stats.apps[String(app.sdkAppId)];
  if (own === undefined) throw new Error(`no stats for app ${app.sdkAppId}`);
  return own;
}

describe('mock Tencent API with several apps: each app is separate', () => {
  it("accepts each app's calls with its own UserSig and keeps each app's rooms apart", async () => {
    const mock = await startTwoApps();
    expect(await addRobots(mock.url, ALPHA, 'room-1')).toBe(0);
    expect(await addRobots(mock.url, BETA, 'room-2')).toBe(0);
    // The same group id in two apps is two rooms.
    expect(await addRobots(mock.url, BETA, 'room-1', { usersig: userSig(BETA) })).toBe(0);
    expect(mock.robotsIn('room-1', ALPHA.sdkAppId)).toEqual(['bot_1']);
    expect(mock.robotsIn('room-2', ALPHA.sdkAppId)).toEqual([]);
    expect(mock.robotsIn('room-2', BETA.sdkAppId)).toEqual(['bot_1']);
    expect(mock.rooms(ALPHA.sdkAppId)).toBe(1);
    expect(mock.rooms(BETA.sdkAppId)).toBe(2);
  });

  it("refuses a UserSig made for, or with the key of, another app, even one it has verified for that app, and checks each app's admin", async () => {
    const mock = await startTwoApps();
    const alphaSig = userSig(ALPHA);
    expect(await addRobots(mock.url, ALPHA, 'room', { usersig: alphaSig })).toBe(0);
    // ALPHA's own UserSig sent as BETA's (its identifier is BETA's admin too, so only the app differs).
    const alphaSigForBetaAdmin = userSig(ALPHA, { identifier: BETA.admin });
    expect(await addRobots(mock.url, BETA, 'room', { usersig: alphaSigForBetaAdmin })).toBe(70014);
    // Made for BETA's SDKAppID, but signed with ALPHA's key.
    expect(await addRobots(mock.url, BETA, 'room', { usersig: userSig(BETA, { secretKey: ALPHA.secretKey }) })).toBe(70009);
    // ALPHA's admin is not BETA's: a good BETA UserSig of that account is no admin's.
    const betaSigOfAlphaAdmin = userSig(BETA, { identifier: ALPHA.admin });
    expect(await addRobots(mock.url, BETA, 'room', { identifier: ALPHA.admin, usersig: betaSigOfAlphaAdmin })).toBe(60010);
    // The same UserSig ALPHA accepted above, now with BETA's SDKAppID: its verification was ALPHA's.
    expect(await addRobots(mock.url, BETA, 'room', { identifier: ALPHA.admin, usersig: alphaSig })).toBe(70014);
    expect(await addRobots(mock.url, ALPHA, 'room', { sdkappid: '1400000003' })).toBe(60006);
    expect(mock.rooms(BETA.sdkAppId)).toBe(0);
  });

  it('counts each app against its own rate: 5 calls of each in one second pass, the 6th of one app gets 60007', async () => {
    const mock = await startTwoApps();
    // As in mock-api.test.ts: Date alone stands still 5 ms into a second, so every call lands in that second.
    vi.useFakeTimers({ toFake: ['Date'] });
    let firstTen: number[];
    let sixthOfAlpha: number;
    try {
      vi.setSystemTime(Math.floor(Date.now() / 1000) * 1000 + 5);
      firstTen = await Promise.all(Array.from({ length: 10 }, (_, i) => addRobots(mock.url, i % 2 === 0 ? ALPHA : BETA, `rate-room-${i}`)));
      sixthOfAlpha = await addRobots(mock.url, ALPHA, 'rate-room-a6');
    } finally {
      vi.useRealTimers();
    }
    expect(firstTen).toEqual(Array.from({ length: 10 }, () => 0));
    expect(sixthOfAlpha).toBe(60007);

    const stats = mock.stats();
    expect(appStats(stats, ALPHA)).toMatchObject({ calls: 6, refusedForRate: 1, busiestSecond: 6, busiestSlidingSecond: 6 });
    expect(appStats(stats, ALPHA).perSecond).toEqual([{ second: expect.any(Number) as number, calls: 6, refused: 1 }]);
    expect(appStats(stats, BETA)).toMatchObject({ calls: 5, refusedForRate: 0, busiestSecond: 5, busiestSlidingSecond: 5 });
    // The totals are of all calls: one second of 11, one refused.
    expect(stats).toMatchObject({ calls: 11, refusedForRate: 1, busiestSecond: 11, busiestSlidingSecond: 11 });
    expect(stats.perSecond).toEqual([{ second: expect.any(Number) as number, calls: 11, refused: 1 }]);
    expect(mock.rooms(ALPHA.sdkAppId)).toBe(5);
  });
});

describe('mock Tencent API with several apps: stats and control', () => {
  it('reports the totals and each app in stats(), the same as GET /_mock/stats; a call of no app it serves is in the totals only', async () => {
    const mock = await startTwoApps();
    expect(await addRobots(mock.url, ALPHA, 'room')).toBe(0);
    expect(await addRobots(mock.url, ALPHA, 'room~10002x1', { usersig: userSig(ALPHA) })).toBe(10002);
    expect(await addRobots(mock.url, BETA, 'room')).toBe(0);
    expect(await addRobots(mock.url, BETA, 'room', { sdkappid: '42' })).toBe(60006);

    const stats = mock.stats();
    expect(stats).toMatchObject({ calls: 4, byCode: { '0': 2, '10002': 1, '60006': 1 } });
    expect(Object.keys(stats.apps).sort()).toEqual([String(ALPHA.sdkAppId), String(BETA.sdkAppId)]);
    expect(appStats(stats, ALPHA)).toMatchObject({ calls: 2, byCode: { '0': 1, '10002': 1 }, byOutcome: { ok: 1, fail: 1 } });
    expect(appStats(stats, BETA)).toMatchObject({ calls: 1, byCode: { '0': 1 }, byOutcome: { ok: 1, fail: 0 } });
    expect(await (await fetch(`${mock.url}/_mock/stats`)).json()).toEqual(stats);
  });

  it("serves each app's rooms at /_mock/rooms/<id>?sdkappid=N, which needs the app when there are several", async () => {
    const mock = await startTwoApps();
    expect(await addRobots(mock.url, BETA, '@TGS#beta')).toBe(0);
    const room = async (query: string): Promise<{ status: number; body: unknown }> => {
      const res = await fetch(`${mock.url}/_mock/rooms/${encodeURIComponent('@TGS#beta')}${query}`);
      return { status: res.status, body: await res.json() };
    };
    expect(await room(`?sdkappid=${BETA.sdkAppId}`)).toEqual({ status: 200, body: { groupId: '@TGS#beta', robots: ['bot_1'] } });
    expect(await room(`?sdkappid=${ALPHA.sdkAppId}`)).toEqual({ status: 200, body: { groupId: '@TGS#beta', robots: [] } });
    expect((await room('')).status).toBe(400);
    expect((await room('?sdkappid=1400000003')).status).toBe(404);
    expect((await room('?sdkappid=beta')).status).toBe(400);
  });

  it('asks the handle to name the app when there are several, and scripts and resets rooms per app', async () => {
    const mock = await startTwoApps();
    const codeOf = (act: () => unknown): string | undefined => {
      try {
        act();
      } catch (err) {
        if (isSeederError(err)) return err.code;
        throw err;
      }
      return undefined;
    };
    expect(codeOf(() => mock.robotsIn('room'))).toBe('USAGE');
    expect(codeOf(() => mock.rooms())).toBe('USAGE');
    expect(codeOf(() => mock.rooms(1400000003))).toBe('NOT_FOUND');

    mock.script('room', [{ kind: 'error-code', errorCode: 10010 }], ALPHA.sdkAppId);
    expect(await addRobots(mock.url, ALPHA, 'room')).toBe(10010);
    expect(await addRobots(mock.url, BETA, 'room')).toBe(0);

    mock.reset();
    expect(mock.rooms(BETA.sdkAppId)).toBe(0);
    expect(await addRobots(mock.url, ALPHA, 'room')).toBe(0);
    expect(appStats(mock.stats(), BETA).calls).toBe(0);
    expect(appStats(mock.stats(), ALPHA).calls).toBe(1);
  });
});

describe('robot-seeder mock-api with APPS_FILE', () => {
  const appsFileEnv = { TIM_SECRET_KEY_ALPHA: ALPHA.secretKey, TIM_SECRET_KEY_BETA: BETA.secretKey };

  async function writeAppsFile(apps: unknown[]): Promise<string> {
    const path = join(dir, `apps-${apps.length}-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, JSON.stringify({ apps }));
    return path;
  }

  it("serves every app of the file, each key read from its secretKeyEnv, each at the file's rate (else RATE_LIMIT_PER_SECOND)", async () => {
    const path = await writeAppsFile([
      { name: 'alpha', sdkAppId: ALPHA.sdkAppId, secretKeyEnv: 'TIM_SECRET_KEY_ALPHA', ratePerSecond: 7, region: 'china' },
      { name: 'beta', sdkAppId: BETA.sdkAppId, secretKeyEnv: 'TIM_SECRET_KEY_BETA', admin: BETA.admin, baseUrl: 'http://127.0.0.1:1' },
    ]);
    const p = reaper.track(
      startCli(['mock-api', '--port', '0', '--latency-ms', '0'], {
        ...appsFileEnv,
        APPS_FILE: path,
        LOG_LEVEL: 'info',
        RATE_LIMIT_PER_SECOND: '3',
      }),
    );
    await waitFor('the mock to print its URL', () => p.stdout().includes('\n') || p.child.exitCode !== null, 20_000, 20);
    const url = p.stdout().trim();
    expect(url, p.stderr()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const listening = logLines(p.stderr()).find((l) => l['msg'] === 'mock Tencent API listening');
    expect(listening?.['apps']).toEqual([
      { sdkAppId: ALPHA.sdkAppId, ratePerSecond: 7 },
      { sdkAppId: BETA.sdkAppId, ratePerSecond: 3 },
    ]);
    expect(await addRobots(url, ALPHA, 'room')).toBe(0);
    expect(await addRobots(url, BETA, 'room')).toBe(0);
    expect(await addRobots(url, BETA, 'room', { usersig: userSig(BETA, { secretKey: ALPHA.secretKey }) })).toBe(70009);
    const stats = (await (await fetch(`${url}/_mock/stats`)).json()) as MockStats;
    expect(appStats(stats, ALPHA).calls).toBe(1);
    expect(appStats(stats, BETA).calls).toBe(2);
    expect(p.stderr()).not.toContain(ALPHA.secretKey);

    p.child.kill('SIGTERM');
    expect((await p.exited).code).toBe(0);
  });

  it('exits 2 listing the problems of a bad file with its path, without TIM_SDKAPPID being asked for', async () => {
    const path = await writeAppsFile([{ sdkAppId: ALPHA.sdkAppId, secretKeyEnv: 'TIM_SECRET_KEY_GAMMA' }]);
    const r = await runCli(['mock-api'], { ...appsFileEnv, APPS_FILE: path });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`APPS_FILE (${path}): apps[0].name: expected 1 to 32 of a-z`);
    expect(r.stderr).toContain('TIM_SECRET_KEY_GAMMA: required: the secret key of app');
    expect(r.stderr).not.toContain('TIM_SDKAPPID: required');
  });
});
