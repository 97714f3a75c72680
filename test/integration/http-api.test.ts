import { afterEach, describe, expect, it } from 'vitest';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { AUTH, job, OTHER_TOKEN, postJobs, startTestServer, TEST_TOKEN, type TestServer } from '../support/http-server.js';
import { startTestMock, waitFor } from '../support/test-env.js';

let server: TestServer | undefined;
let mock: MockTencentApi | undefined;

afterEach(async () => {
  await server?.close();
  await mock?.close();
  server = undefined;
  mock = undefined;
});

async function open(o: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  server = await startTestServer(o);
  return server;
}

describe('HTTP API: authentication', () => {
  it.each([
    ['no Authorization header', {}],
    ['an unknown token', { authorization: 'Bearer not-a-token-of-ours-000000' }],
    ['a token with a different case', { authorization: `Bearer ${TEST_TOKEN.toUpperCase()}` }],
    ['the token as Basic auth (only /admin takes it)', { authorization: `Basic ${Buffer.from(`u:${TEST_TOKEN}`).toString('base64')}` }],
    ['a scheme but no token', { authorization: 'Bearer ' }],
  ])('answers 401 and says nothing else for %s', async (_what, headers: Record<string, string>) => {
    const s = await open();
    for (const [method, url] of [
      ['GET', '/v1/status'],
      ['POST', '/v1/jobs'],
      ['GET', '/metrics'],
      ['GET', '/openapi.json'],
      ['GET', '/v1/dead-letters'],
      ['POST', '/v1/dead-letters/replay'],
    ] as const) {
      const r = await s.app.inject({ method, url, headers, ...(method === 'POST' ? { payload: { jobs: [job('r')] } } : {}) });
      expect(r.statusCode, `${method} ${url}`).toBe(401);
      expect(r.json()).toEqual({ error: 'UNAUTHORIZED' });
      expect(r.headers['www-authenticate']).toBe('Bearer realm="robot-seeder"');
    }
    expect((await s.q.status()).waiting).toBe(0);
  });

  it('accepts every token of API_TOKENS; /healthz and /readyz need none', async () => {
    const s = await open();
    for (const token of [TEST_TOKEN, OTHER_TOKEN]) {
      expect((await s.app.inject({ url: '/v1/status', headers: { authorization: `bearer ${token}` } })).statusCode).toBe(200);
    }
    expect((await s.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await s.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('never writes a token or a callback Sign to the log, even at trace level', async () => {
    const s = await open({ env: { CALLBACK_TOKEN: 'callback-secret-123456' } });
    await s.app.inject({ url: '/v1/status', headers: AUTH });
    await s.app.inject({ url: '/admin', headers: { authorization: `Basic ${Buffer.from(`x:${OTHER_TOKEN}`).toString('base64')}` } });
    await s.app.inject({ url: '/v1/status', headers: { authorization: 'Bearer wrong-token-abcdefabcdef' } });
    await s.app.inject({ method: 'POST', url: '/v1/callbacks/tencent?SdkAppid=1&Sign=deadbeefcafe&RequestTime=1', payload: {} });
    const logs = s.logs();
    expect(logs).toContain('incoming request');
    for (const secret of [
      TEST_TOKEN,
      OTHER_TOKEN,
      'wrong-token-abcdefabcdef',
      'callback-secret-123456',
      'deadbeefcafe',
      Buffer.from(`x:${OTHER_TOKEN}`).toString('base64'),
    ]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('HTTP API: POST /v1/jobs', () => {
  it('enqueues valid jobs: 202 with one id per job, the jobs in Redis', async () => {
    const s = await open({ env: { MAX_ROBOTS_PER_CALL: '2' } });
    const r = await postJobs(s, { jobs: [job('room-1'), job('room-2', ['a', 'b', 'c', 'a'])] });
    expect(r.statusCode).toBe(202);
    const body = r.json<{ accepted: number; jobIds: string[] }>();
    // room-2 has three distinct robots and calls take two: two jobs.
    expect(body.accepted).toBe(2);
    expect(body.jobIds).toHaveLength(3);
    expect((await s.q.status()).waiting).toBe(3);
    const stored = await Promise.all(body.jobIds.map((id) => s.q.seed.getJob(id)));
    expect(stored.map((j) => j?.data)).toEqual([
      { command: 'add_robots', groupId: 'room-1', robots: ['bot_a', 'bot_b'] },
      { command: 'add_robots', groupId: 'room-2', robots: ['a', 'b'] },
      { command: 'add_robots', groupId: 'room-2', robots: ['c'] },
    ]);
  });

  it('refuses the whole request when any item is invalid: 400 naming each item, nothing enqueued', async () => {
    const s = await open();
    const r = await postJobs(s, {
      jobs: [job('ok-1'), { groupId: '', robots: [] }, job('ok-2'), { groupID: 'x', robots: ['a b'] }, 'room'],
    });
    expect(r.statusCode).toBe(400);
    const errors = r.json<{ errors: { index?: number; message: string }[] }>().errors;
    expect([...new Set(errors.map((e) => e.index))]).toEqual([1, 3, 4]);
    expect(errors.find((e) => e.index === 3 && e.message.includes('did you mean "groupId"'))).toBeDefined();
    expect(errors.find((e) => e.index === 3 && e.message.includes('whitespace'))).toBeDefined();
    expect((await s.q.status()).waiting).toBe(0);
  });

  it.each([
    ['no jobs field', {}],
    ['jobs not an array (never coerced into one)', { jobs: job('r') }],
    ['an empty list', { jobs: [] }],
    ['an unknown top-level field', { jobs: [job('r')], priority: 1 }],
    ['a body that is not an object', [job('r')]],
  ])('answers 400 in the same shape for %s', async (_what, body) => {
    const s = await open();
    const r = await postJobs(s, body);
    expect(r.statusCode).toBe(400);
    const errors = r.json<{ errors: { index?: number; message: string }[] }>().errors;
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.index).toBeUndefined();
    expect((await s.q.status()).waiting).toBe(0);
  });

  it('answers 400 for a body that is not JSON, 415 for one that is not declared as JSON', async () => {
    const s = await open();
    const bad = await s.app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { ...AUTH, 'content-type': 'application/json' },
      payload: '{"jobs": [',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ errors: unknown[] }>().errors).toHaveLength(1);
    const text = await s.app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: { ...AUTH, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(text.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ error: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers 413 with a JSON error over BODY_LIMIT_BYTES, through a real socket', async () => {
    const s = await open({ env: { BODY_LIMIT_BYTES: '1024' }, listen: true });
    const jobs = Array.from({ length: 40 }, (_, i) => job(`room-${i}`));
    const r = await fetch(`${s.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ jobs }),
    });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ error: 'BODY_TOO_LARGE', message: expect.stringContaining('1024 bytes') as unknown });
    expect((await s.q.status()).waiting).toBe(0);
    const small = await fetch(`${s.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ jobs: [job('r')] }),
    });
    expect(small.status).toBe(202);
  });
});

describe('HTTP API: status, dead letters, health, OpenAPI', () => {
  it('GET /v1/status is the object of status --json', async () => {
    const s = await open();
    await postJobs(s, { jobs: [job('room-1'), job('room-2')] });
    const r = await s.app.inject({ url: '/v1/status', headers: AUTH });
    expect(r.json()).toEqual(await s.q.status());
    expect(r.json()).toEqual({ waiting: 2, active: 0, delayed: 0, completed: 0, deadLetter: 0 });
  });

  it('pages dead letters by code with a total, and replays those of one code', async () => {
    mock = await startTestMock();
    const s = await open({ mockUrl: mock.url, withWorkers: true });
    const gone = Array.from({ length: 5 }, (_, i) => job(`room-gone-${i}~10010`));
    const bad = Array.from({ length: 2 }, (_, i) => job(`room-bad-${i}~10004`));
    expect((await postJobs(s, { jobs: [...gone, ...bad] })).statusCode).toBe(202);
    await waitFor('7 dead letters', async () => (await s.q.status()).deadLetter === 7);

    const page = async (query: string) =>
      (await s.app.inject({ url: `/v1/dead-letters${query}`, headers: AUTH })).json<{
        total: number;
        offset: number;
        limit: number;
        entries: { groupId: string; errorCode: number | null }[];
      }>();
    const all = await page('');
    expect(all).toMatchObject({ total: 7, offset: 0, limit: 100 });
    expect(all.entries).toHaveLength(7);
    const first = await page('?code=10010&limit=2');
    expect(first).toMatchObject({ total: 5, offset: 0, limit: 2 });
    expect(first.entries.map((e) => e.errorCode)).toEqual([10010, 10010]);
    const last = await page('?code=10010&offset=4&limit=2');
    expect(last.entries).toHaveLength(1);
    const seen = new Set(
      [...first.entries, ...(await page('?code=10010&offset=2&limit=2')).entries, ...last.entries].map((e) => e.groupId),
    );
    expect(seen.size).toBe(5);
    expect(await page('?code=none')).toMatchObject({ total: 0, entries: [] });
    for (const q of ['?code=abc', '?limit=0', '?limit=5000', '?offset=-1', '?colour=red']) {
      expect((await s.app.inject({ url: `/v1/dead-letters${q}`, headers: AUTH })).statusCode, q).toBe(400);
    }

    // The rooms of 10004 are fixed: replaying that code seeds them; the 10010s stay.
    for (const b of bad) mock.script(b.groupId, []);
    const replay = await s.app.inject({ method: 'POST', url: '/v1/dead-letters/replay', headers: AUTH, payload: { code: 10004 } });
    expect(replay.json()).toEqual({ replayed: 2 });
    await waitFor('replayed jobs completed', async () => (await s.q.status()).completed === 2);
    for (const b of bad) expect(mock.robotsIn(b.groupId)).toEqual(['bot_a', 'bot_b']);
    expect(await page('')).toMatchObject({ total: 5 });
    // No body at all: every dead letter.
    expect((await s.app.inject({ method: 'POST', url: '/v1/dead-letters/replay', headers: AUTH })).json()).toEqual({ replayed: 5 });
    expect((await s.app.inject({ method: 'POST', url: '/v1/dead-letters/replay', headers: AUTH, payload: { code: 'x' } })).statusCode).toBe(
      400,
    );
  });

  it("GET /v1/rate shows the shared rate; PUT sets the whole fleet's ceiling and gives it back", async () => {
    const s = await open();
    const get = async () => (await s.app.inject({ url: '/v1/rate', headers: AUTH })).json<unknown>();
    expect(await get()).toEqual({ ratePerSecond: null, ceilingPerSecond: 200, ceilingSource: 'caller' });
    const put = (payload: Record<string, unknown>) => s.app.inject({ method: 'PUT', url: '/v1/rate', headers: AUTH, payload });
    const set = await put({ ceilingPerSecond: 150 });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ ratePerSecond: 150, ceilingPerSecond: 150, ceilingSource: 'operator' });
    expect(await get()).toEqual({ ratePerSecond: 150, ceilingPerSecond: 150, ceilingSource: 'operator' });
    for (const bad of [
      { ceilingPerSecond: 0 },
      { ceilingPerSecond: 1.5 },
      { ceilingPerSecond: '200' },
      {},
      { ceilingPerSecond: 100, x: 1 },
    ]) {
      expect((await put(bad)).statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect((await put({ ceilingPerSecond: null })).json()).toMatchObject({ ceilingPerSecond: 200, ceilingSource: 'caller' });
    expect((await s.app.inject({ url: '/v1/rate' })).statusCode).toBe(401);
  });

  it('GET /readyz answers 503 when Redis does not answer', async () => {
    const s = await open();
    s.q.redis.disconnect();
    const r = await s.app.inject({ url: '/readyz' });
    expect(r.statusCode).toBe(503);
    expect((await s.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('GET /openapi.json is an OpenAPI 3.1 document of every route, /admin left out', async () => {
    const s = await open();
    const r = await s.app.inject({ url: '/openapi.json', headers: AUTH });
    expect(r.statusCode).toBe(200);
    const doc = JSON.parse(r.body) as {
      openapi: string;
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes: unknown };
    };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths).sort()).toEqual([
      '/healthz',
      '/metrics',
      '/readyz',
      '/v1/callbacks/tencent',
      '/v1/dead-letters',
      '/v1/dead-letters/replay',
      '/v1/jobs',
      '/v1/rate',
      '/v1/status',
    ]);
    expect(doc.components.securitySchemes).toEqual({ bearerAuth: { type: 'http', scheme: 'bearer' } });
    expect(doc.paths['/healthz']?.['get']?.security).toEqual([]);
    expect(doc.paths['/v1/callbacks/tencent']?.['post']?.security).toEqual([]);
    expect(doc.paths['/v1/jobs']?.['post']?.security).toBeUndefined();
  });

  it('answers unknown routes with a JSON 404', async () => {
    const s = await open();
    const r = await s.app.inject({ url: '/v2/nothing', headers: AUTH });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ error: 'NOT_FOUND' });
  });
});
