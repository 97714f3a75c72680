import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { Pool, request } from '../../src/commonjs/undici.js';
import { CallNotSentError } from '../../src/tencent/call-outcome.js';
import { sendingBy } from '../../src/tencent/send-by.js';

let server: Server | undefined;
let pool: InstanceType<typeof Pool> | undefined;

afterEach(async () => {
  await pool?.close();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = pool = undefined;
});

/** An HTTP server counting the connections opened to it and the requests it received. */
async function countingServer(): Promise<{ url: string; connections: () => number; requests: () => number }> {
  let connections = 0;
  let requests = 0;
  server = createServer((_req, res) => {
    requests += 1;
    res.end('{"ActionStatus":"OK","ErrorCode":0}');
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, connections: () => connections, requests: () => requests };
}

describe('sendingBy: a request is written by its deadline or not at all', () => {
  it('a request whose deadline passed before its connection was ready is not written, and the connection stays open for the next', async () => {
    const s = await countingServer();
    pool = new Pool(s.url, { connections: 1 });
    // The pool has no connection yet: the request waits for one to open, then finds its deadline gone.
    const late = request(sendingBy(pool, performance.now()), { method: 'POST', path: '/v4/x', body: '{}' });
    await expect(late).rejects.toBeInstanceOf(CallNotSentError);
    expect(s.requests()).toBe(0);
    const ok = await request(sendingBy(pool, performance.now() + 5_000), { method: 'POST', path: '/v4/x', body: '{}' });
    await ok.body.text();
    expect(ok.statusCode).toBe(200);
    expect(s.requests()).toBe(1);
    // Refusing to write did not close the connection: the second request used it.
    expect(s.connections()).toBe(1);
  });
});
