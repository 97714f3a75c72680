import { createServer, type AddressInfo } from 'node:net';

/** Redis the developer runs (and other tests share): a fault test must never stop it. */
export const SHARED_REDIS_PORT = 6379;

/**
 * A TCP port on 127.0.0.1 that nothing listened on a moment ago (the OS picks it), never the
 * shared Redis port. The port is released before it is returned, so a process started right
 * after can bind it; another process taking it in between is possible but rare.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as AddressInfo;
        server.close(() => resolve(p));
      });
    });
    if (port !== SHARED_REDIS_PORT) return port;
  }
}
