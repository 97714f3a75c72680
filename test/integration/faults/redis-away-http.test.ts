import { afterEach, describe, expect, it } from 'vitest';
import { SERVICE_COMMAND_TIMEOUT_MS } from '../../../src/redis/redis-connection.js';
import { AUTH, job, startTestServer, type TestServer } from '../../support/http-server.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy.js';

let redis: RedisServer | undefined;
let server: TestServer | undefined;
let proxy: TcpProxy | undefined;

afterEach(async () => {
  // Redis back first: closing the server drains its queues and deletes its keys.
  if (redis !== undefined && !redis.running()) await redis.restart();
  await proxy?.setMode('pass');
  await server?.close();
  await proxy?.close();
  await redis?.close();
  server = undefined;
  redis = undefined;
  proxy = undefined;
});

/** What a Redis-backed route must answer at once while Redis is away. */
const REDIS_AWAY_MS = 2000;

const routes = [
  { method: 'GET', url: '/v1/status' },
  { method: 'GET', url: '/v1/dead-letters' },
  { method: 'POST', url: '/v1/dead-letters/replay', body: {} },
  { method: 'POST', url: '/v1/jobs', body: { jobs: [job('@TGS#away')] } },
  { method: 'POST', url: '/v1/jobs', body: { jobs: [job('@TGS#away2')] }, headers: { 'idempotency-key': 'k-away' } },
  { method: 'GET', url: '/v1/rate' },
  { method: 'PUT', url: '/v1/rate', body: { ceilingPerSecond: 100 } },
  // The dashboard's API (bull-board) too, in the API's own answer.
  { method: 'GET', url: '/admin/api/queues' },
] as const;

describe('Redis-backed routes answer 503 at once while Redis is away (issue 8, observation 11)', () => {
  it.each([
    ['serve', false],
    ['serve --with-workers', true],
  ])('%s', async (_name, withWorkers) => {
    redis = await startRedisServer();
    const s = (server = await startTestServer({ listen: true, withWorkers, env: { REDIS_URL: redis.url } }));
    expect((await fetch(`${s.url}/v1/status`, { headers: AUTH })).status).toBe(200);
    await redis.stop();
    for (const r of routes) {
      const started = Date.now();
      const answer = await fetch(`${s.url}${r.url}`, {
        method: r.method,
        headers: { ...AUTH, ...('headers' in r ? r.headers : {}), ...('body' in r ? { 'content-type': 'application/json' } : {}) },
        ...('body' in r ? { body: JSON.stringify(r.body) } : {}),
        signal: AbortSignal.timeout(10_000),
      });
      const took = Date.now() - started;
      const body = (await answer.json()) as { error?: string; message?: string };
      expect({ route: `${r.method} ${r.url}`, status: answer.status, error: body.error }).toEqual({
        route: `${r.method} ${r.url}`,
        status: 503,
        error: 'REDIS_UNAVAILABLE',
      });
      expect(body.message).toMatch(/Redis/);
      expect(took, `${r.method} ${r.url} took ${took} ms`).toBeLessThan(REDIS_AWAY_MS);
    }
    expect((await fetch(`${s.url}/readyz`)).status).toBe(503);
    // Back again: the same routes work without a restart of the service.
    await redis.restart();
    await expect.poll(async () => (await fetch(`${s.url}/v1/status`, { headers: AUTH })).status, { timeout: 10_000 }).toBe(200);
  });

  it('serve, when Redis goes silent without closing the connection (a network cut): 503 after the command timeout, then back', async () => {
    redis = await startRedisServer();
    const p = (proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: redis.port } }));
    const s = (server = await startTestServer({ listen: true, env: { REDIS_URL: `redis://127.0.0.1:${p.port}` } }));
    expect((await fetch(`${s.url}/v1/status`, { headers: AUTH })).status).toBe(200);
    await p.setMode('stall');
    const started = Date.now();
    const answer = await fetch(`${s.url}/v1/status`, { headers: AUTH, signal: AbortSignal.timeout(20_000) });
    expect(answer.status).toBe(503);
    expect(await answer.json()).toMatchObject({ error: 'REDIS_UNAVAILABLE' });
    expect(Date.now() - started).toBeLessThan(SERVICE_COMMAND_TIMEOUT_MS + 1000);
    // The stalled connection is dropped for a new one: once the network is back, so is the service.
    await p.setMode('pass');
    await expect
      .poll(async () => (await fetch(`${s.url}/v1/status`, { headers: AUTH })).status, { timeout: 15_000, interval: 500 })
      .toBe(200);
  });
});
