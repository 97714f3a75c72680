import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Pool } from '../../src/commonjs/undici.js';
import { CallNotSentError } from '../../src/tencent/call-outcome.js';
import { exchange } from '../../src/tencent/exchange.js';

let server: Server | undefined;
let pool: InstanceType<typeof Pool> | undefined;

afterEach(async () => {
  await pool?.close();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = pool = undefined;
});

const OK = '{"ActionStatus":"OK","ErrorCode":0}';
const POST = { method: 'POST', path: '/v4/x', body: '{}' } as const;

/** An HTTP server answering with `answer`, counting the connections opened to it and the requests it received. */
async function countingServer(answer: RequestListener = (_req, res) => res.end(OK)) {
  let connections = 0;
  let requests = 0;
  server = createServer((req, res) => {
    requests += 1;
    answer(req, res);
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  pool = new Pool(`http://127.0.0.1:${port}`, { connections: 1 });
  return { pool, connections: () => connections, requests: () => requests };
}

describe('exchange: one request, its answer read whole', () => {
  it('a request whose deadline passed before its connection was ready is not written, and the connection stays open for the next', async () => {
    const s = await countingServer();
    // The pool has no connection yet: the request waits for one to open, then finds its deadline gone.
    await expect(exchange(s.pool, POST, performance.now())).rejects.toBeInstanceOf(CallNotSentError);
    expect(s.requests()).toBe(0);
    await expect(exchange(s.pool, POST, performance.now() + 5_000)).resolves.toEqual({ statusCode: 200, body: OK });
    expect(s.requests()).toBe(1);
    // Refusing to write did not close the connection: the second request used it.
    expect(s.connections()).toBe(1);
  });

  it('joins a body that arrives in pieces, and gives an error status with its body', async () => {
    const s = await countingServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.write('bad ');
      setTimeout(() => res.end('gateway, 网关'), 20);
    });
    await expect(exchange(s.pool, POST)).resolves.toEqual({ statusCode: 502, body: 'bad gateway, 网关' });
  });

  it('rejects with the network error when the connection drops before the answer', async () => {
    const s = await countingServer((req) => req.socket.destroy());
    await expect(exchange(s.pool, POST)).rejects.toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(s.requests()).toBe(1);
  });
});
