import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { AUTH, postJobs, startTestServer, type TestServer } from '../support/http-server.js';
import { parsePrometheusText, sampleValue } from '../support/prometheus-text.js';
import { waitFor } from '../support/test-env.js';
import { ALPHA, BETA, startTwoAppMock, twoAppsEnv, writeTwoAppsFile } from '../support/two-apps.js';

let mock: MockTencentApi;
let dir: string;
let appsFile: string;
let server: TestServer | undefined;

beforeAll(async () => {
  mock = await startTwoAppMock();
  dir = await mkdtemp(join(tmpdir(), 'rs-service-apps-'));
  appsFile = await writeTwoAppsFile(dir, mock.url);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  mock.reset();
});

afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

/** The service of `serve` with ALPHA and BETA of APPS_FILE; callbacks unsigned (a private network) seed `bot_cb`. */
async function open(o: { withWorkers?: boolean } = {}): Promise<TestServer> {
  server = await startTestServer({
    mockUrl: mock.url,
    withWorkers: o.withWorkers === true,
    env: { ...twoAppsEnv(appsFile), CALLBACK_AUTH: 'none', AUTO_SEED_ROBOTS: 'bot_cb' },
  });
  return server;
}

const item = (groupId: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ groupId, robots: ['bot_a'], ...extra });

const get = async (s: TestServer, url: string): Promise<{ status: number; body: unknown }> => {
  const r = await s.app.inject({ url, headers: AUTH });
  return { status: r.statusCode, body: r.json() };
};

const firstMessage = (body: unknown): string => (body as { errors: { message: string }[] }).errors[0]?.message ?? '';

describe('the service with two apps (APPS_FILE)', () => {
  it("POST /v1/jobs puts each item into its app's queue, in its lane (normal unless it says otherwise)", async () => {
    const s = await open();
    const r = await postJobs(s, {
      jobs: [item('room-a', { app: 'alpha' }), item('room-b1', { app: 'beta', priority: 'high' }), item('room-b2', { app: 'beta' })],
    });
    expect(r.statusCode, r.body).toBe(202);
    const [a, b1, b2] = r.json<{ jobIds: string[] }>().jobIds;
    const alpha = s.fleet.app('alpha');
    const beta = s.fleet.app('beta');
    expect(await alpha.status()).toMatchObject({ waiting: 1 });
    expect(await beta.status()).toMatchObject({ waiting: 2 });
    const inAlpha = await alpha.seed.getJob(a ?? '');
    expect(inAlpha?.data).toEqual({ command: 'add_robots', groupId: 'room-a', robots: ['bot_a'], app: 'alpha' });
    expect(inAlpha?.priority).toBe(2);
    expect((await beta.seed.getJob(b1 ?? ''))?.priority).toBe(1);
    expect((await beta.seed.getJob(b2 ?? ''))?.priority).toBe(2);
    expect(await beta.seed.getJob(a ?? '')).toBeUndefined();

    // GET /v1/status: the totals, and each app's own.
    const status = await get(s, '/v1/status');
    expect(status.body).toEqual({
      waiting: 3,
      active: 0,
      delayed: 0,
      completed: 0,
      deadLetter: 0,
      apps: {
        alpha: { waiting: 1, active: 0, delayed: 0, completed: 0, deadLetter: 0 },
        beta: { waiting: 2, active: 0, delayed: 0, completed: 0, deadLetter: 0 },
      },
    });
  });

  it('refuses an item of an unknown app, or of no app, naming the apps; nothing is enqueued', async () => {
    const s = await open();
    const unknown = await postJobs(s, { jobs: [item('room-1', { app: 'alpha' }), item('room-2', { app: 'gamma' })] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toEqual({ errors: [{ index: 1, message: expect.stringContaining('unknown app "gamma"') as unknown }] });
    expect(firstMessage(unknown.json())).toContain('alpha, beta');
    const missing = await postJobs(s, { jobs: [item('room-3')] });
    expect(missing.statusCode).toBe(400);
    expect(firstMessage(missing.json())).toMatch(/^app: missing; several apps are configured \(alpha, beta\)/);
    const lane = await postJobs(s, { jobs: [item('room-4', { app: 'beta', priority: 'urgent' })] });
    expect(firstMessage(lane.json())).toContain('priority: expected one of high, normal, low');
    expect((await s.fleet.status()).waiting).toBe(0);
  });

  it("keeps Idempotency-Keys under KEY_PREFIX, not under an app's, whatever apps the items name", async () => {
    const s = await open();
    const body = { jobs: [item('room-a', { app: 'alpha' }), item('room-b', { app: 'beta' })] };
    const first = await postJobs(s, body, { 'idempotency-key': 'two-apps-1' });
    expect(first.statusCode).toBe(202);
    const again = await postJobs(s, body, { 'idempotency-key': 'two-apps-1' });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect((await s.fleet.status()).waiting).toBe(2);
    const escaped = s.prefix.replace(/[{}[\]]/g, '\\$&');
    expect(await s.fleet.redis.keys(`${escaped}:idempotency:*`)).toHaveLength(1);
    expect(await s.fleet.redis.keys(`${escaped}-*:idempotency*`)).toEqual([]);
  });

  it("GET/PUT /v1/rate?app=NAME: each app's own rate; an app must be named, and a known one", async () => {
    const s = await open();
    expect(await get(s, '/v1/rate?app=alpha')).toEqual({
      status: 200,
      body: { ratePerSecond: null, ceilingPerSecond: ALPHA.ratePerSecond, ceilingSource: 'caller' },
    });
    const put = await s.app.inject({ method: 'PUT', url: '/v1/rate?app=beta', headers: AUTH, payload: { ceilingPerSecond: 40 } });
    expect(put.json()).toEqual({ ratePerSecond: 40, ceilingPerSecond: 40, ceilingSource: 'operator' });
    expect((await get(s, '/v1/rate?app=alpha')).body).toMatchObject({ ceilingPerSecond: ALPHA.ratePerSecond, ceilingSource: 'caller' });

    const none = await get(s, '/v1/rate');
    expect(none.status).toBe(400);
    expect(firstMessage(none.body)).toBe('several apps are configured (alpha, beta): say which one with ?app=NAME');
    const unknown = await get(s, '/v1/rate?app=gamma');
    expect(unknown).toEqual({
      status: 404,
      body: { error: 'NOT_FOUND', message: 'unknown app "gamma"; the apps configured are: alpha, beta' },
    });
    const putNone = await s.app.inject({ method: 'PUT', url: '/v1/rate', headers: AUTH, payload: { ceilingPerSecond: 10 } });
    expect(putNone.statusCode).toBe(400);
  });

  it("a callback naming BETA's SdkAppid seeds into BETA's queue, ahead of other work; an unknown SdkAppid is ignored", async () => {
    const s = await open();
    const callback = (sdkAppId: number, groupId: string) =>
      s.app.inject({
        method: 'POST',
        url: `/v1/callbacks/tencent?SdkAppid=${sdkAppId}&CallbackCommand=Group.CallbackAfterCreateGroup&contenttype=json`,
        headers: { 'content-type': 'application/json' },
        payload: { CallbackCommand: 'Group.CallbackAfterCreateGroup', GroupId: groupId, Type: 'AVChatRoom', Name: 'live' },
      });
    expect((await callback(BETA.sdkAppId, '@TGS#beta1')).json()).toEqual({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    expect((await callback(1400999999, '@TGS#other')).statusCode).toBe(200);
    await s.callbacksSettled();
    expect(await s.fleet.app('alpha').status()).toMatchObject({ waiting: 0 });
    const beta = s.fleet.app('beta');
    expect(await beta.status()).toMatchObject({ waiting: 1 });
    const [job] = await beta.seed.getJobs(['prioritized', 'wait']);
    expect(job?.data).toMatchObject({ groupId: '@TGS#beta1', robots: ['bot_cb'] });
    expect(job?.priority).toBe(1);
  });

  it('works each app with its own key: /metrics labelled by app, dead letters by app, the dashboard naming each app', async () => {
    const s = await open({ withWorkers: true });
    const posted = await postJobs(s, {
      jobs: [item('room-a', { app: 'alpha' }), item('room-b', { app: 'beta' }), item('room-gone~10010', { app: 'beta' })],
    });
    expect(posted.statusCode).toBe(202);
    await waitFor('2 completed, 1 dead letter', async () => {
      const st = await s.fleet.status();
      return st.completed === 2 && st.deadLetter === 1;
    });
    // Each app's worker called with its own SDKAppID and key.
    expect(mock.robotsIn('room-a', ALPHA.sdkAppId)).toEqual(['bot_a']);
    expect(mock.robotsIn('room-b', BETA.sdkAppId)).toEqual(['bot_a']);
    expect(mock.robotsIn('room-a', BETA.sdkAppId)).toEqual([]);

    const m = parsePrometheusText((await s.app.inject({ url: '/metrics', headers: AUTH })).body);
    expect(sampleValue(m, 'robot_seeder_calls_total', { app: 'alpha', outcome: 'success' })).toBe(1);
    expect(sampleValue(m, 'robot_seeder_calls_total', { app: 'beta', outcome: 'success' })).toBe(1);
    expect(sampleValue(m, 'robot_seeder_calls_total', { app: 'beta', outcome: 'permanent', code: '10010' })).toBe(1);
    expect(sampleValue(m, 'robot_seeder_calls_total', { app: 'alpha', outcome: 'permanent' })).toBeUndefined();
    expect(sampleValue(m, 'robot_seeder_call_duration_seconds_count', { app: 'alpha', outcome: 'success' })).toBe(1);
    expect(sampleValue(m, 'robot_seeder_queue_jobs', { app: 'alpha', state: 'completed' })).toBe(1);
    expect(sampleValue(m, 'robot_seeder_queue_jobs', { app: 'beta', state: 'dead_letter' })).toBe(1);
    expect(sampleValue(m, 'robot_seeder_dead_letters', { app: 'alpha' })).toBe(0);
    expect(sampleValue(m, 'robot_seeder_dead_letters', { app: 'beta' })).toBe(1);
    expect(sampleValue(m, 'robot_seeder_limiter_ceiling_per_second', { app: 'alpha' })).toBe(ALPHA.ratePerSecond);
    expect(sampleValue(m, 'robot_seeder_limiter_ceiling_per_second', { app: 'beta' })).toBe(BETA.ratePerSecond);
    expect(sampleValue(m, 'robot_seeder_breaker_open', { app: 'beta' })).toBe(0);
    expect(sampleValue(m, 'robot_seeder_account_paused', { app: 'alpha' })).toBe(0);
    expect(sampleValue(m, 'robot_seeder_limiter_slots_total', { app: 'beta', fate: 'booked' })).toBeGreaterThanOrEqual(2);
    for (const x of m.filter((x) => x.name.startsWith('robot_seeder_'))) expect(x.labels, x.name).toHaveProperty('app');

    // Dead letters carry their app; ?app= narrows them down, an unknown one is a 404.
    type Page = { total: number; entries: { app: string; groupId: string; errorCode: number | null }[] };
    const all = (await get(s, '/v1/dead-letters')).body as Page;
    expect(all.total).toBe(1);
    expect(all.entries[0]).toMatchObject({ app: 'beta', groupId: 'room-gone~10010', errorCode: 10010 });
    expect(((await get(s, '/v1/dead-letters?app=beta')).body as Page).total).toBe(1);
    expect(await get(s, '/v1/dead-letters?app=alpha')).toMatchObject({ status: 200, body: { total: 0, entries: [] } });
    expect(await get(s, '/v1/dead-letters?app=gamma')).toMatchObject({ status: 404, body: { error: 'NOT_FOUND' } });
    const replay = (url: string) => s.app.inject({ method: 'POST', url, headers: AUTH });
    expect((await replay('/v1/dead-letters/replay?app=alpha')).json()).toEqual({ replayed: 0 });
    expect((await replay('/v1/dead-letters/replay?app=gamma')).statusCode).toBe(404);

    // bull-board shows each app's queues under its name.
    const board = await s.app.inject({ url: '/admin/api/queues', headers: AUTH });
    const names = board.json<{ queues: { name: string }[] }>().queues.map((q) => q.name);
    expect(names.sort()).toEqual(['alpha:dead-letter', 'alpha:seed', 'beta:dead-letter', 'beta:seed']);
  });
});
