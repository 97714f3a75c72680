import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from '../log/logger.js';
import { cannotListen } from './listen-error.js';

export interface MetricsServer {
  readonly address: AddressInfo;
  close(): Promise<void>;
}

/**
 * A worker process's own small HTTP listener (METRICS_PORT): `GET /metrics` (Prometheus text, no
 * token: it carries figures, never secrets; keep the port on a private network) and `GET /healthz`
 * (the event loop answers: a liveness probe). Plain node:http, not the service's fastify: a worker
 * needs two routes, not a framework in its memory.
 */
export async function startMetricsServer(o: { host: string; port: number; registry: Registry; logger: Logger }): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return json(405, { error: 'METHOD_NOT_ALLOWED', message: 'only GET is served here' });
    if (path === '/healthz') return json(200, { status: 'ok' });
    if (path !== '/metrics') return json(404, { error: 'NOT_FOUND', message: 'a worker serves GET /metrics and GET /healthz only' });
    o.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': o.registry.contentType }).end(text),
      (err: unknown) => {
        o.logger.warn({ err }, 'metrics: cannot collect');
        json(500, { error: 'INTERNAL', message: 'the metrics could not be collected; see the worker log' });
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    const refused = (err: Error): void => reject(cannotListen(o, 'METRICS_PORT (or --metrics-port)', err));
    server.once('error', refused);
    server.listen(o.port, o.host, () => {
      server.off('error', refused);
      resolve();
    });
  });
  return {
    address: server.address() as AddressInfo,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
