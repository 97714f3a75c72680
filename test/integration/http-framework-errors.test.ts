import type { InjectOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '../../src/http/api-error-codes.js';
import { AUTH, startTestServer, TEST_TOKEN, type TestServer } from '../support/http-server.js';
import { waitFor } from '../support/test-env.js';
import { rawExchange } from '../support/raw-http.js';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const BASIC = { authorization: `Basic ${Buffer.from(`u:${TEST_TOKEN}`).toString('base64')}` };

/**
 * The answer is one of the API's: a 400 listing problems, or a listed code with the status it is
 * documented with; no fastify `FST_*` code anywhere (issue 9, "fastify's internal codes reach clients").
 */
function expectApiAnswer(what: string, status: number, body: string): void {
  expect(body, what).not.toContain('FST_');
  const parsed = JSON.parse(body) as { error?: string; errors?: unknown[] };
  if (status === 400) {
    expect(parsed.errors?.length, what).toBeGreaterThan(0);
    return;
  }
  const code = parsed.error ?? '';
  expect(Object.keys(API_ERROR_CODES), what).toContain(code);
  expect(API_ERROR_CODES[code as keyof typeof API_ERROR_CODES].status, what).toBe(status);
}

/** Status and body of each HTTP/1.1 answer in `raw` (no chunked encoding: the server sends lengths). */
function answers(raw: string): Array<{ status: number; body: string }> {
  const out: Array<{ status: number; body: string }> = [];
  let rest = raw;
  for (
    let m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n/.exec(rest);
    m !== null;
    m = /^HTTP\/1\.1 (\d{3})[^\r]*\r\n([\s\S]*?)\r\n\r\n/.exec(rest)
  ) {
    const length = Number(/content-length: (\d+)/i.exec(m[2] ?? '')?.[1] ?? 0);
    const start = m[0].length;
    out.push({ status: Number(m[1]), body: rest.slice(start, start + length) });
    rest = rest.slice(start + length);
  }
  return out;
}

describe('HTTP API: no framework code reaches a client', () => {
  it.each<[string, InjectOptions, number, string | null]>([
    [
      'a malformed Content-Type',
      { method: 'POST', url: '/v1/jobs', headers: { ...AUTH, 'content-type': ';;;' }, payload: '{}' },
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    [
      'a body that is not JSON',
      { method: 'POST', url: '/v1/jobs', headers: { ...AUTH, 'content-type': 'application/json' }, payload: '{"jobs": [' },
      400,
      null,
    ],
    [
      'an empty JSON body',
      { method: 'POST', url: '/v1/jobs', headers: { ...AUTH, 'content-type': 'application/json' }, payload: '' },
      400,
      null,
    ],
    [
      'a prototype-poisoning body',
      { method: 'POST', url: '/v1/jobs', headers: { ...AUTH, 'content-type': 'application/json' }, payload: '{"__proto__": {"x": 1}}' },
      400,
      null,
    ],
    ['a method no route is declared with', { method: 'PROPFIND', url: '/v1/jobs', headers: AUTH }, 405, 'METHOD_NOT_ALLOWED'],
    ['a method the route does not take', { method: 'DELETE', url: '/v1/jobs', headers: AUTH }, 405, 'METHOD_NOT_ALLOWED'],
    ['a URL that is not valid percent-encoding', { method: 'GET', url: '/admin/api/queues/%zz', headers: BASIC }, 400, null],
    [
      'a path parameter over 100 characters',
      { method: 'GET', url: `/admin/api/queues/${'q'.repeat(101)}`, headers: BASIC },
      414,
      'URL_TOO_LONG',
    ],
  ])('answers %s with the API’s own code', async (what, request, status, code) => {
    const s = (server = await startTestServer());
    const r = await s.app.inject(request);
    expect(r.statusCode, what).toBe(status);
    expectApiAnswer(what, r.statusCode, r.body);
    if (code !== null) expect(r.json<{ error: string }>().error).toBe(code);
  });

  it('answers a method a path is not served with 405 METHOD_NOT_ALLOWED, the methods it takes in Allow, and a missing path or file 404', async () => {
    const s = (server = await startTestServer());
    const cases: Array<[InjectOptions['method'], string, number, string | undefined, Record<string, string>?]> = [
      ['DELETE', '/v1/jobs', 405, 'POST'],
      ['POST', '/v1/status?app=default', 405, 'GET, HEAD'],
      ['PATCH', '/v1/rate', 405, 'GET, HEAD, PUT'],
      // Matched the way routing matches: a path parameter, and bull-board's routes under /admin.
      ['DELETE', '/admin/api/queues/seed/42', 405, 'GET, HEAD'],
      // Without a token too: which methods a documented path takes is no secret, and no route runs.
      ['PUT', '/healthz', 405, 'GET, HEAD', {}],
      ['GET', '/v1/job', 404, undefined],
      // A route that takes GET here found nothing: a 404, not a 405 offering HEAD.
      ['GET', '/admin/static/js/none.js', 404, undefined, BASIC],
    ];
    for (const [method, url, status, allow, headers = AUTH] of cases) {
      const what = `${method ?? ''} ${url}`;
      const r = await s.app.inject({ method, url, headers });
      expect(r.statusCode, what).toBe(status);
      expect(r.headers['allow'], what).toBe(allow);
      expectApiAnswer(what, r.statusCode, r.body);
      if (status === 405) expect(r.json<{ message: string }>().message, what).toContain(`it takes ${allow ?? ''}`);
    }
  });

  it('answers what the HTTP parser refuses (headers or a URL over 16 KB, bytes that are not HTTP, a smuggling attempt) in the API’s shapes', async () => {
    const s = (server = await startTestServer({ listen: true }));
    const cases: Array<[string, string, number]> = [
      ['a header over 16 KB', `GET /v1/status HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`, 431],
      ['a URL over 16 KB', `GET /v1/${'a'.repeat(17_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
      ['an unknown method', 'BREW /v1/status HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      [
        'Content-Length with Transfer-Encoding',
        `POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        400,
      ],
    ];
    for (const [what, packet, status] of cases) {
      const [answer, ...more] = answers(await rawExchange(s.url, (socket) => socket.write(packet)));
      expect(more, what).toEqual([]);
      expect(answer?.status, what).toBe(status);
      expectApiAnswer(what, status, answer?.body ?? '');
    }
  });

  it('answers a request that arrives while the server closes 503 SHUTTING_DOWN, and finishes the one in flight', async () => {
    const s = (server = await startTestServer({ listen: true }));
    const body = JSON.stringify({ jobs: [{ groupId: '@TGS#closing', robots: ['bot_a'] }] });
    const raw = await rawExchange(s.url, (socket) => {
      // The first request's headers and half its body: in flight when closing begins.
      socket.write(
        `POST /v1/jobs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
      );
      void (async () => {
        await waitFor('the first request to arrive', () => s.logs().includes('incoming request'), 5000, 10);
        const closed = s.app.close();
        // The server stops listening once the preClose hooks (where closing is noted) have run.
        await waitFor('the server to stop listening', () => !s.app.server.listening, 5000, 10);
        // The rest of the first request, and a second one on the same kept-alive connection.
        socket.write(`${body.slice(10)}GET /v1/status HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TEST_TOKEN}\r\n\r\n`);
        await closed;
      })();
    });
    const [first, second] = answers(raw);
    expect(first?.status).toBe(202);
    expect(second?.status).toBe(503);
    expectApiAnswer('a request while closing', 503, second?.body ?? '');
    expect(JSON.parse(second?.body ?? '{}')).toMatchObject({ error: 'SHUTTING_DOWN' });
  });
});
