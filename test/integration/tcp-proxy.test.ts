import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestMock } from '../support/test-env.js';

/** What a client saw of one exchange: the bytes it got back, and how the connection ended. */
interface Exchange {
  readonly data: string;
  readonly error: string | null;
  readonly closed: boolean;
}

/** Connects, writes `text`, and reports what came back within `waitMs`. */
function exchange(port: number, text: string, waitMs = 300): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    let error: string | null = null;
    let closed = false;
    socket.on('data', (d: Buffer) => (data += d.toString()));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.on('close', () => (closed = true));
    socket.on('connect', () => socket.write(text));
    setTimeout(() => {
      socket.destroy();
      resolve({ data, error, closed });
    }, waitMs);
  });
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('tcp proxy (fault injection in front of the mock API)', () => {
  let echo: Server;
  let echoSockets: Set<Socket>;
  let received: string;
  let proxy: TcpProxy;

  beforeEach(async () => {
    received = '';
    echoSockets = new Set();
    echo = createServer((s) => {
      echoSockets.add(s);
      s.on('data', (d: Buffer) => {
        received += d.toString();
        s.write(d);
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await startTcpProxy({ target: { host: '127.0.0.1', port: (echo.address() as AddressInfo).port } });
  });

  afterEach(async () => {
    await proxy.close();
    for (const s of echoSockets) s.destroy();
    await new Promise<void>((resolve) => echo.close(() => resolve()));
  });

  it('pass forwards both ways and counts connections and bytes', async () => {
    const r = await exchange(proxy.port, 'hello');
    expect(r).toMatchObject({ data: 'hello', error: null });
    expect(proxy.stats().pass).toEqual({ connections: 1, bytesFromClients: 5, bytesToClients: 5 });
  });

  it('refuse stops listening (ECONNREFUSED, live connections dropped) and listens again on the same port', async () => {
    const live = await openSocket(proxy.port);
    const liveClosed = new Promise<void>((resolve) => live.on('close', () => resolve()));
    live.on('error', () => undefined);
    await proxy.setMode('refuse');
    await liveClosed;
    expect((await exchange(proxy.port, 'x')).error).toBe('ECONNREFUSED');
    await proxy.setMode('pass');
    expect((await exchange(proxy.port, 'back')).data).toBe('back');
  });

  it('cut accepts then resets at once, and resets live connections when switched to', async () => {
    const live = await openSocket(proxy.port);
    const liveClosed = new Promise<void>((resolve) => live.on('close', () => resolve()));
    live.on('error', () => undefined);
    await proxy.setMode('cut');
    await liveClosed;
    const r = await exchange(proxy.port, 'lost');
    expect(r.data).toBe('');
    expect(r.closed).toBe(true);
    expect(received).toBe('');
    expect(proxy.stats().cut.connections).toBe(1);
  });

  it('stall reads but never forwards nor answers, live connections included', async () => {
    const live = await openSocket(proxy.port);
    live.on('error', () => undefined);
    let liveData = '';
    live.on('data', (d: Buffer) => (liveData += d.toString()));
    await proxy.setMode('stall');
    live.write('late');
    const r = await exchange(proxy.port, 'never');
    expect(r).toMatchObject({ data: '', error: null, closed: false });
    expect(liveData).toBe('');
    expect(received).toBe('');
    expect(proxy.stats().stall).toMatchObject({ connections: 1, bytesFromClients: 'late'.length + 'never'.length, bytesToClients: 0 });
    live.destroy();
  });

  it('close() ends live connections and stops listening', async () => {
    const live = await openSocket(proxy.port);
    const liveClosed = new Promise<void>((resolve) => live.on('close', () => resolve()));
    live.on('error', () => undefined);
    await proxy.close();
    await liveClosed;
    expect((await exchange(proxy.port, 'x')).error).toBe('ECONNREFUSED');
  });

  it('in front of the mock API: an HTTP client on a keep-alive connection sees each fault', async () => {
    const mock = await startTestMock();
    const http = await startTcpProxy({ target: { host: '127.0.0.1', port: mock.port } });
    const agent = new Agent({ keepAliveTimeout: 60_000 });
    const get = async (): Promise<string> => {
      try {
        const r = await request(`${http.url}/_mock/stats`, { dispatcher: agent, signal: AbortSignal.timeout(500) });
        await r.body.dump();
        return String(r.statusCode);
      } catch (err) {
        // undici errors carry a string code; an aborted request is a DOMException whose code is a number.
        const { code, name } = err as { code?: unknown; name: string };
        return typeof code === 'string' ? code : name;
      }
    };
    try {
      expect(await get()).toBe('200');
      expect(await get()).toBe('200');
      expect(http.openConnections()).toBeGreaterThan(0);
      await http.setMode('stall');
      expect(await get()).toMatch(/Abort|Timeout/);
      await http.setMode('cut');
      expect(await get()).toMatch(/^UND_ERR_SOCKET$|ECONNRESET/);
      await http.setMode('refuse');
      expect(await get()).toBe('ECONNREFUSED');
      await http.setMode('pass');
      expect(await get()).toBe('200');
    } finally {
      await agent.close();
      await http.close();
      await mock.close();
    }
  });
});
