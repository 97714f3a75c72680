import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { captureLog } from '../support/capture-log.js';
import { afterEach, describe, it, expect } from 'vitest';
import type { RobotsClient } from '../../src/tencent/call-outcome.js';
import { createTencentClient, type TencentClientOptions } from '../../src/tencent/tencent-client.js';
import { checkUserSig } from '../../src/tencent/user-sig.js';
import { createSigningUserSigSource, createStaticUserSigSource } from '../../src/tencent/user-sig-source.js';

const APP = { sdkAppId: 1400000000, secretKey: 'test-secret-key-0123456789abcdef', identifier: 'administrator' };
const GROUP = '@TGS#a6I4ZUUGO';
const OK_BODY = '{"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":"","RequestId":"req-42"}';

interface Received {
  readonly path: string;
  readonly params: URLSearchParams;
  readonly contentType: string | undefined;
  readonly body: string;
}
/** `later` schedules an answer; the server cancels what is still pending when it closes. */
type Handler = (req: IncomingMessage, res: ServerResponse, received: Received, later: Later) => void;
type Later = (ms: number, fn: () => void) => void;

/** A stand-in for Tencent on port 0; `handler` decides how it answers each request. */
async function startTencent(handler: Handler) {
  const received: Received[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let connections = 0;
  const later: Later = (ms, fn) => {
    const t = setTimeout(() => (timers.delete(t), fn()), ms);
    timers.add(t);
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const r: Received = {
        path: url.pathname,
        params: url.searchParams,
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      handler(req, res, r, later);
    });
  });
  server.on('connection', () => (connections += 1));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    received,
    connections: () => connections,
    async close(): Promise<void> {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(body);
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(handler: Handler, overrides: Partial<TencentClientOptions> = {}) {
  const tencent = await startTencent(handler);
  cleanups.push(() => tencent.close());
  const log = captureLog();
  const userSig = createSigningUserSigSource(APP);
  const client: RobotsClient = createTencentClient({
    baseUrl: tencent.baseUrl,
    sdkAppId: APP.sdkAppId,
    admin: APP.identifier,
    userSig,
    logger: log.logger,
    ...overrides,
  });
  cleanups.push(() => client.close());
  return { tencent, client, log, userSig };
}

function expectNoSecrets(text: string, sigs: readonly string[]): void {
  expect(text).not.toContain(APP.secretKey);
  expect(text.toLowerCase()).not.toContain('usersig=');
  for (const sig of sigs) expect(text).not.toContain(sig);
}

describe('createTencentClient', () => {
  it('calls the documented URL with a valid UserSig and the JSON body, and captures RequestId', async () => {
    const { tencent, client, log } = await setup((_req, res) => answer(res, 200, OK_BODY));
    const outcome = await client.prepare('add_robots', GROUP, ['bot1', 'bot2']).send();

    expect(outcome).toMatchObject({ kind: 'success', errorCode: 0, httpStatus: 200, requestId: 'req-42' });
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
    const [r] = tencent.received;
    expect(r?.path).toBe('/v4/group_open_avchatroom_http_svc/add_robots');
    expect(r?.contentType).toBe('application/json');
    expect(JSON.parse(r?.body ?? '')).toEqual({ GroupId: GROUP, Member_Account: ['bot1', 'bot2'] });
    expect([...(r?.params.keys() ?? [])].sort()).toEqual(['contenttype', 'identifier', 'random', 'sdkappid', 'usersig']);
    expect(r?.params.get('sdkappid')).toBe('1400000000');
    expect(r?.params.get('identifier')).toBe('administrator');
    expect(r?.params.get('contenttype')).toBe('json');
    const check = checkUserSig(r?.params.get('usersig') ?? '', { ...APP, nowSeconds: Date.now() / 1000 });
    expect(check.ok).toBe(true);

    const line: unknown = JSON.parse(log.text().trim());
    expect(line).toMatchObject({
      level: 20,
      msg: 'tencent call',
      command: 'add_robots',
      groupId: GROUP,
      robots: 2,
      kind: 'success',
      errorCode: 0,
      requestId: 'req-42',
    });
    expectNoSecrets(log.text(), [r?.params.get('usersig') ?? '']);
  });

  it('tells its observers of each call sent, with when it left; not of a call whose deadline passed before it was written', async () => {
    const seen: [string, number][] = [];
    const { client } = await setup((_req, res) => answer(res, 502, 'bad gateway'), {
      observers: [(outcome, sentAt) => seen.push([outcome.kind, sentAt])],
    });
    const before = Date.now();
    await client.prepare('add_robots', GROUP, ['bot1']).send();
    expect(seen).toEqual([['retry', expect.any(Number)]]);
    expect(seen[0]?.[1]).toBeGreaterThanOrEqual(before);
    expect(seen[0]?.[1]).toBeLessThanOrEqual(Date.now());
    // A deadline already gone: the request is refused unwritten, and nobody hears of it.
    await expect(client.prepare('add_robots', GROUP, ['bot2']).send(performance.now() - 1)).rejects.toThrow(/not sent/);
    expect(seen).toHaveLength(1);
  });

  it('sends a fresh uint32 random with every call', async () => {
    const { tencent, client } = await setup((_req, res) => answer(res, 200, OK_BODY));
    for (let i = 0; i < 20; i++) await client.prepare('del_robots', GROUP, ['bot1']).send();
    const randoms = tencent.received.map((r) => r.params.get('random') ?? '');
    for (const random of randoms) {
      expect(random).toMatch(/^\d+$/);
      expect(Number(random)).toBeLessThanOrEqual(4_294_967_295);
    }
    expect(new Set(randoms).size).toBe(randoms.length);
    expect(tencent.received[0]?.path).toBe('/v4/group_open_avchatroom_http_svc/del_robots');
  });

  it('keeps a path prefix of the base URL and URL-encodes values', async () => {
    const tencent = await startTencent((_req, res) => answer(res, 200, OK_BODY));
    cleanups.push(() => tencent.close());
    const client = createTencentClient({
      baseUrl: `${tencent.baseUrl}/proxy/tim/`,
      sdkAppId: APP.sdkAppId,
      admin: 'admin user&x=1',
      userSig: createStaticUserSigSource('abc*def-ghi_'),
      logger: captureLog().logger,
    });
    cleanups.push(() => client.close());
    await client.prepare('add_robots', GROUP, ['bot1']).send();
    const [r] = tencent.received;
    expect(r?.path).toBe('/proxy/tim/v4/group_open_avchatroom_http_svc/add_robots');
    expect(r?.params.get('identifier')).toBe('admin user&x=1');
    expect(r?.params.get('usersig')).toBe('abc*def-ghi_');
  });

  it('shares a few keep-alive connections between many calls', async () => {
    const { tencent, client } = await setup((_req, res) => answer(res, 200, OK_BODY), { connections: 4 });
    const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => client.prepare('add_robots', GROUP, [`b${i}`]).send()));
    expect(outcomes.every((o) => o.kind === 'success')).toBe(true);
    expect(tencent.connections()).toBeLessThanOrEqual(4);
  });

  it('turns a 502 into retry', async () => {
    const { client } = await setup((_req, res) => answer(res, 502, '<html>Bad Gateway</html>'));
    expect(await client.prepare('add_robots', GROUP, ['bot1']).send()).toMatchObject({
      kind: 'retry',
      errorCode: null,
      httpStatus: 502,
      errorInfo: 'http 502 Bad Gateway',
    });
  });

  it('passes a Tencent error through the table, without echoing the UserSig', async () => {
    const { tencent, client, log } = await setup((_req, res, r) => {
      const echo = `usersig ${r.params.get('usersig') ?? ''} expired`;
      answer(res, 200, JSON.stringify({ ActionStatus: 'FAIL', ErrorCode: 70001, ErrorInfo: echo, RequestId: 'r-9' }));
    });
    const outcome = await client.prepare('add_robots', GROUP, ['bot1']).send();
    expect(outcome).toMatchObject({ kind: 'resign', errorCode: 70001, requestId: 'r-9' });
    expect(outcome.errorInfo).toBe('usersig [redacted] expired');
    expectNoSecrets(log.text() + JSON.stringify(outcome), [tencent.received[0]?.params.get('usersig') ?? '']);
  });

  it('sends the renewed UserSig after renew()', async () => {
    let nowMs = Date.now();
    const userSig = createSigningUserSigSource({ ...APP, nowMs: () => nowMs });
    const { tencent, client } = await setup((_req, res) => answer(res, 200, OK_BODY), { userSig });
    await client.prepare('add_robots', GROUP, ['bot1']).send();
    nowMs += 2000;
    userSig.renew();
    await client.prepare('add_robots', GROUP, ['bot1']).send();
    const [first, second] = tencent.received.map((r) => r.params.get('usersig'));
    expect(second).not.toBe(first);
    expect(checkUserSig(second ?? '', { ...APP, nowSeconds: nowMs / 1000 }).ok).toBe(true);
  });

  it('turns a destroyed socket into retry with a null code', async () => {
    const { client, log } = await setup((req) => req.socket.destroy());
    const outcome = await client.prepare('add_robots', GROUP, ['bot1']).send();
    expect(outcome).toMatchObject({ kind: 'retry', errorCode: null, httpStatus: null, requestId: null });
    expect(outcome.errorInfo).toMatch(/^network: .+ \((UND_ERR_SOCKET|ECONNRESET)\)$/);
    expectNoSecrets(log.text() + outcome.errorInfo, []);
  });

  it('turns an answer that comes too late into retry', async () => {
    const { client } = await setup((_req, res, _r, later) => later(4000, () => answer(res, 200, OK_BODY)), {
      requestTimeoutMs: 300,
    });
    const outcome = await client.prepare('add_robots', GROUP, ['bot1']).send();
    expect(outcome).toMatchObject({ kind: 'retry', errorCode: null, httpStatus: null });
    expect(outcome.errorInfo).toBe('network: no answer in time (UND_ERR_HEADERS_TIMEOUT)');
    expect(outcome.durationMs).toBeGreaterThanOrEqual(250);
    // undici runs its timeouts on coarse timers: they fire up to ~0.7 s late.
    expect(outcome.durationMs).toBeLessThan(3000);
  });

  it('turns a body that stalls into retry', async () => {
    const { client } = await setup(
      (_req, res, _r, later) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"ActionStatus":"OK",');
        later(4000, () => res.end('"ErrorCode":0}'));
      },
      { requestTimeoutMs: 300 },
    );
    const outcome = await client.prepare('add_robots', GROUP, ['bot1']).send();
    expect(outcome).toMatchObject({ kind: 'retry', errorCode: null });
    expect(outcome.errorInfo).toBe('network: answer body stalled (UND_ERR_BODY_TIMEOUT)');
  });

  it('turns a refused connection into retry', async () => {
    const tencent = await startTencent(() => undefined);
    await tencent.close();
    const client = createTencentClient({
      baseUrl: tencent.baseUrl,
      sdkAppId: APP.sdkAppId,
      admin: APP.identifier,
      userSig: createSigningUserSigSource(APP),
      logger: captureLog().logger,
    });
    cleanups.push(() => client.close());
    expect(await client.prepare('add_robots', GROUP, ['bot1']).send()).toMatchObject({
      kind: 'retry',
      errorCode: null,
      errorInfo: 'network: connection refused (ECONNREFUSED)',
    });
  });

  it('closes idempotently, and a call after close is a retry, not a throw', async () => {
    const { client } = await setup((_req, res) => answer(res, 200, OK_BODY));
    await client.prepare('add_robots', GROUP, ['bot1']).send();
    await Promise.all([client.close(), client.close()]);
    await client.close();
    expect(await client.prepare('add_robots', GROUP, ['bot1']).send()).toMatchObject({ kind: 'retry', errorCode: null });
  });

  it.each([
    ['not a URL', { baseUrl: 'console.tim.qq.com' }],
    ['another protocol', { baseUrl: 'ftp://console.tim.qq.com' }],
    ['a query string', { baseUrl: 'https://console.tim.qq.com/?a=1' }],
    ['credentials', { baseUrl: 'https://user:pw@console.tim.qq.com' }],
    ['a bad sdkAppId', { sdkAppId: -1 }],
    ['an empty admin', { admin: '' }],
    ['a bad timeout', { requestTimeoutMs: 0 }],
    ['a bad pool size', { connections: 0 }],
  ])('rejects %s as CONFIG_INVALID', (_name, bad) => {
    const options: TencentClientOptions = {
      baseUrl: 'https://console.tim.qq.com',
      sdkAppId: APP.sdkAppId,
      admin: APP.identifier,
      userSig: createStaticUserSigSource('sig'),
      logger: captureLog().logger,
      ...bad,
    };
    expect(() => createTencentClient(options)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
