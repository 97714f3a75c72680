import { connect, createServer, type AddressInfo, type Socket } from 'node:net';

/**
 * What the proxy does with connections:
 * - `pass`: forwards both ways to the target.
 * - `refuse`: does not listen, so connects fail with ECONNREFUSED (the API process is down);
 *   live connections are destroyed when switching to it.
 * - `cut`: accepts, then resets the connection at once (ECONNRESET); live connections are reset
 *   when switching to it.
 * - `stall`: accepts and reads, but never forwards nor answers (a black hole); live connections
 *   stop forwarding when switching to it and stay stalled until the client gives up.
 */
export type ProxyMode = 'pass' | 'refuse' | 'cut' | 'stall';

export const PROXY_MODES: readonly ProxyMode[] = ['pass', 'refuse', 'cut', 'stall'];

export interface ProxyModeStats {
  /** Connections accepted while in this mode (refused ones never reach the proxy: 0 for `refuse`). */
  connections: number;
  /** Bytes read from clients while in this mode. */
  bytesFromClients: number;
  /** Bytes sent back to clients while in this mode. */
  bytesToClients: number;
}

export interface TcpProxyOptions {
  /** Where `pass` forwards to. */
  readonly target: { readonly host: string; readonly port: number };
  /** Mode at start, default `pass`. */
  readonly mode?: ProxyMode;
  /** Port to listen on (127.0.0.1), default a free one; kept when `refuse` stops and restarts listening. */
  readonly port?: number;
}

export interface TcpProxy {
  readonly port: number;
  /** `http://127.0.0.1:<port>`: point an HTTP client at it. */
  readonly url: string;
  mode(): ProxyMode;
  /** Switches mode; resolves once the listening socket is closed (`refuse`) or open again. */
  setMode(mode: ProxyMode): Promise<void>;
  /** Counts per mode since the start (a copy). */
  stats(): Record<ProxyMode, ProxyModeStats>;
  /** Connections open right now (client side). */
  openConnections(): number;
  /** Stops listening and destroys every connection. */
  close(): Promise<void>;
}

interface Connection {
  readonly client: Socket;
  /** The target socket while forwarding; null once stalled or when never forwarded. */
  upstream: Socket | null;
}

/** A TCP proxy in front of `target` whose behaviour tests switch at run time to inject network faults. */
export async function startTcpProxy(o: TcpProxyOptions): Promise<TcpProxy> {
  let current: ProxyMode = o.mode ?? 'pass';
  let closed = false;
  const counts = Object.fromEntries(PROXY_MODES.map((m) => [m, { connections: 0, bytesFromClients: 0, bytesToClients: 0 }])) as Record<
    ProxyMode,
    ProxyModeStats
  >;
  const connections = new Set<Connection>();

  const stall = (c: Connection): void => {
    if (c.upstream !== null) {
      c.upstream.removeAllListeners('data');
      c.upstream.destroy();
      c.upstream = null;
    }
    c.client.resume();
  };

  const forward = (c: Connection): void => {
    const up = connect({ host: o.target.host, port: o.target.port });
    c.upstream = up;
    up.on('data', (chunk: Buffer) => {
      counts[current].bytesToClients += chunk.length;
      if (!c.client.write(chunk)) up.pause();
    });
    c.client.on('drain', () => up.resume());
    up.on('drain', () => c.client.resume());
    up.on('end', () => c.client.end());
    // The target going away looks to the client like the connection being cut.
    up.on('error', () => c.client.destroy());
    up.on('close', () => {
      if (c.upstream === up) c.client.destroy();
    });
  };

  const onConnection = (client: Socket): void => {
    const mode = current;
    counts[mode].connections += 1;
    if (closed || mode === 'refuse' || mode === 'cut') {
      // `refuse` only reaches here for a connect that raced the listener closing.
      client.resetAndDestroy();
      return;
    }
    const c: Connection = { client, upstream: null };
    connections.add(c);
    client.on('data', (chunk: Buffer) => {
      counts[current].bytesFromClients += chunk.length;
      if (c.upstream !== null && !c.upstream.write(chunk)) client.pause();
    });
    client.on('end', () => c.upstream?.end());
    client.on('error', () => undefined);
    client.on('close', () => {
      connections.delete(c);
      c.upstream?.destroy();
    });
    if (mode === 'pass') forward(c);
  };

  // One server, closed for `refuse` and listening again on the same port afterwards.
  const server = createServer(onConnection);
  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const stopListening = (): Promise<void> => new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  const destroyAll = (how: 'destroy' | 'reset'): void => {
    for (const c of connections) {
      c.upstream?.destroy();
      if (how === 'reset') c.client.resetAndDestroy();
      else c.client.destroy();
    }
    connections.clear();
  };

  const port = await listen(o.port ?? 0);
  if (current === 'refuse') await stopListening();

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    mode: () => current,
    async setMode(mode) {
      if (closed) throw new Error('tcp proxy is closed');
      const previous = current;
      current = mode;
      if (mode === 'cut') destroyAll('reset');
      if (mode === 'stall') for (const c of connections) stall(c);
      if (mode === 'refuse' && previous !== 'refuse') {
        const stopped = stopListening();
        destroyAll('reset');
        await stopped;
      }
      if (mode !== 'refuse' && previous === 'refuse') await listen(port);
    },
    stats: () => Object.fromEntries(PROXY_MODES.map((m) => [m, { ...counts[m] }])) as Record<ProxyMode, ProxyModeStats>,
    openConnections: () => connections.size,
    async close() {
      if (closed) return;
      closed = true;
      const stopped = stopListening();
      destroyAll('destroy');
      await stopped;
    },
  };
}
