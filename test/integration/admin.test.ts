import { afterEach, describe, expect, it } from 'vitest';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { AUTH, startTestServer, TEST_TOKEN, type TestServer } from '../support/http-server.js';
import { startTestMock, waitFor } from '../support/test-env.js';

let mock: MockTencentApi | undefined;
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  await mock?.close();
  server = undefined;
  mock = undefined;
});

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

interface BoardQueue {
  name: string;
  readOnlyMode: boolean;
  counts: Record<string, number>;
  jobs: { id: string; data: { groupId?: string; errorCode?: number } }[];
}

describe('/admin (bull-board)', () => {
  it('asks a browser to log in: 401 with WWW-Authenticate Basic, for the page and its API', async () => {
    server = await startTestServer({ listen: true });
    for (const path of ['/admin', '/admin/api/queues']) {
      for (const authorization of [undefined, basic('ops', 'wrong-password-00000000'), 'Bearer nope-nope-nope-nope']) {
        const r = await fetch(`${server.url}${path}`, { headers: authorization === undefined ? {} : { authorization } });
        expect(r.status, `${path} ${authorization ?? ''}`).toBe(401);
        expect(r.headers.get('www-authenticate')).toBe('Basic realm="robot-seeder", charset="UTF-8"');
        expect(await r.json()).toEqual({ error: 'UNAUTHORIZED' });
      }
    }
  });

  it('serves the dashboard with the token as the Basic password (any user) or as a Bearer token', async () => {
    server = await startTestServer({ listen: true });
    const page = await fetch(`${server.url}/admin`, { headers: { authorization: basic('anyone', TEST_TOKEN) } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('<title>robot-seeder</title>');
    expect(html).toContain('<base href="/admin/"');
    // Its script loads too (@fastify/static behind the same guard).
    const script = /src="(static\/js\/main\.[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const js = await fetch(`${server.url}/admin/${script ?? ''}`, { headers: AUTH });
    expect(js.status).toBe(200);
    expect((await js.text()).length).toBeGreaterThan(1000);
    expect((await fetch(`${server.url}/admin/${script ?? ''}`)).status).toBe(401);
  });

  it('answers its errors in the API’s shapes and codes, never with bull-board’s keys', async () => {
    server = await startTestServer();
    const s = server;
    const cases: Array<[string, string, string | undefined, number, object]> = [
      [
        'GET',
        '/admin/api/queues/nope/42',
        undefined,
        404,
        { error: 'NOT_FOUND', message: 'GET /admin/api/queues/nope/42: queue not found' },
      ],
      ['GET', '/admin/api/queues/seed/42', undefined, 404, { error: 'NOT_FOUND', message: 'GET /admin/api/queues/seed/42: job not found' }],
      ['PUT', '/admin/api/queues/seed/42/retry', undefined, 405, { error: 'METHOD_NOT_ALLOWED' }],
      ['PUT', '/admin/api/queues/dead-letter/clean/failed', undefined, 405, { error: 'METHOD_NOT_ALLOWED' }],
      [
        'GET',
        '/admin/api/queues?page=abc',
        undefined,
        400,
        { errors: [{ message: 'GET /admin/api/queues: invalid query param (field: page)' }] },
      ],
      // fastify's body parser, under bull-board's routes: the API's own answer to it.
      [
        'PUT',
        '/admin/api/queues/seed/concurrency',
        '{"concurrency": ',
        400,
        { errors: [{ message: 'the body is not valid JSON; send a JSON object' }] },
      ],
    ];
    for (const [method, url, payload, status, body] of cases) {
      const r = await s.app.inject({
        method: method as 'GET' | 'PUT',
        url,
        headers: { ...AUTH, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(payload === undefined ? {} : { payload }),
      });
      expect(r.statusCode, `${method} ${url}`).toBe(status);
      expect(r.json(), `${method} ${url}`).toMatchObject(body);
      expect(r.body, `${method} ${url}`).not.toMatch(/ERRORS\.|FST_|INTERNAL_SERVER_ERROR/);
      // A read-only queue takes no method that changes it: an empty Allow.
      if (status === 405) {
        expect(r.headers['allow']).toBe('');
        expect(r.json<{ message: string }>().message).toContain('the dashboard is read-only');
      }
    }
  });

  it('shows the seed queue and the dead-letter queue, read-only, with BullMQ 6', async () => {
    mock = await startTestMock();
    server = await startTestServer({ mockUrl: mock.url, withWorkers: true, listen: true });
    const s = server;
    const posted = await s.app.inject({
      method: 'POST',
      url: '/v1/jobs',
      headers: AUTH,
      payload: {
        jobs: [
          { groupId: 'room-ok', robots: ['bot_a'] },
          { groupId: 'room-gone~10010', robots: ['bot_a'] },
        ],
      },
    });
    expect(posted.statusCode).toBe(202);
    await waitFor('one completed, one dead letter', async () => {
      const st = await s.q.status();
      return st.completed === 1 && st.deadLetter === 1;
    });
    const board = async (query: string): Promise<BoardQueue[]> => {
      const r = await fetch(`${s.url}/admin/api/queues${query}`, { headers: { authorization: basic('ops', TEST_TOKEN) } });
      expect(r.status).toBe(200);
      return ((await r.json()) as { queues: BoardQueue[] }).queues;
    };
    const queues = await board('');
    expect(queues.map((q) => q.name).sort()).toEqual(['dead-letter', 'seed']);
    for (const q of queues) expect(q.readOnlyMode).toBe(true);
    expect(queues.find((q) => q.name === 'seed')?.counts).toMatchObject({ failed: 1, waiting: 0, active: 0 });
    // BullMQ 6 has no 'paused' state: bull-board must not ask for one.
    expect(queues.find((q) => q.name === 'seed')?.counts).not.toHaveProperty('paused');
    expect(queues.find((q) => q.name === 'dead-letter')?.counts).toMatchObject({ waiting: 1 });

    const dead = (await board('?activeQueue=dead-letter&status=waiting&page=1&jobsPerPage=10')).find((q) => q.name === 'dead-letter');
    expect(dead?.jobs.map((j) => j.data)).toEqual([expect.objectContaining({ groupId: 'room-gone~10010', errorCode: 10010 })]);
    const failed = (await board('?activeQueue=seed&status=failed&page=1&jobsPerPage=10')).find((q) => q.name === 'seed');
    expect(failed?.jobs.map((j) => j.data.groupId)).toEqual(['room-gone~10010']);
  });
});
