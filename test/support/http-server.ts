import { ledgerPolicy } from '../../src/limiter/ledger-policy.js';
import { SlotLedger } from '../../src/limiter/slot-ledger.js';
import { CircuitBreaker } from '../../src/breaker/circuit-breaker.js';
import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { QueueRuntime } from '../../src/app/queue-runtime.js';
import { openServeRuntimes } from '../../src/app/serve-runtimes.js';
import { startWorkerProcess, type WorkerProcess } from '../../src/app/worker-process.js';
import type { SeedRules } from '../../src/callbacks/seed-rules.js';
import type { RandomInt } from '../../src/callbacks/choose-robots.js';
import { loadConfig } from '../../src/config/load-config.js';
import { buildHttpServer } from '../../src/http/build-http-server.js';
import { createLogger } from '../../src/log/logger.js';
import { AccountPause } from '../../src/breaker/account-pause.js';
import { createSeederMetrics, type SeederMetrics } from '../../src/metrics/seeder-metrics.js';
import { deleteKeys, seederEnv, TEST_SDKAPPID, uniquePrefix } from './test-env.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const OTHER_TOKEN = 'other-token-fedcba9876543210';
export const AUTH = { authorization: `Bearer ${TEST_TOKEN}` } as const;

/** One item of POST /v1/jobs. */
export const job = (groupId: string, robots = ['bot_a', 'bot_b']): { groupId: string; robots: string[] } => ({ groupId, robots });

/** POST /v1/jobs through `inject`, with the test token. */
export function postJobs(s: TestServer, body: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return s.app.inject({ method: 'POST', url: '/v1/jobs', headers: { ...AUTH, ...headers }, payload: body as object });
}

export interface TestServerOptions {
  /** Environment on top of seederEnv (API_TOKENS is set). */
  readonly env?: Record<string, string>;
  /** Base URL of the mock Tencent API, for tests that run workers; a dead URL otherwise. */
  readonly mockUrl?: string;
  /** Start an in-process worker runtime fed into the metrics. */
  readonly withWorkers?: boolean;
  /** Listen on 127.0.0.1:0 (a real socket), not only `inject`. */
  readonly listen?: boolean;
  readonly rules?: SeedRules | null;
  readonly random?: RandomInt;
  readonly now?: () => number;
}

/** A server on a unique key prefix, its queues, metrics and log lines; `close()` removes its keys. */
export interface TestServer {
  readonly app: FastifyInstance;
  readonly q: QueueRuntime;
  readonly metrics: SeederMetrics;
  readonly prefix: string;
  /** `http://127.0.0.1:<port>` when listening. */
  readonly url: string;
  /** The worker process `serve --with-workers` runs, wired the same way. */
  workers: WorkerProcess | null;
  /** Everything logged so far, at trace level. */
  logs(): string;
  close(): Promise<void>;
}

export async function startTestServer(o: TestServerOptions = {}): Promise<TestServer> {
  const prefix = uniquePrefix();
  const env = seederEnv(prefix, o.mockUrl ?? 'http://127.0.0.1:9', { API_TOKENS: `${TEST_TOKEN},${OTHER_TOKEN}`, LOG_LEVEL: 'trace', ...o.env });
  const config = loadConfig(env, { tencent: true, http: true });
  let logText = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logText += chunk.toString();
      callback();
    },
  });
  const logger = createLogger('trace', sink);
  // As `serve` does: the HTTP side on a `service` connection, workers on their own.
  const runtimes = await openServeRuntimes(config, logger, o.withWorkers === true);
  const q = runtimes.http;
  const breaker = new CircuitBreaker({ redis: q.redis, prefix: config.keyPrefix, logger: createLogger('silent') });
  const rate = new SlotLedger(q.redis, config.keyPrefix, TEST_SDKAPPID, ledgerPolicy(config.rateLimitPerSecond));
  const metrics = createSeederMetrics({
    rate: () => rate.read(),
    limiter: () => server.workers?.runtime.limiter.stats() ?? null,
    queueStatus: () => q.status(),
    breakerState: () => breaker.state(),
    accountPaused: async () => (await new AccountPause({ redis: q.redis, prefix: config.keyPrefix, logger, configuration: null }).read()) !== null,
    processMetrics: true,
  });
  const http = config.http;
  if (http === null) throw new Error('no http config');
  const app = await buildHttpServer({
    queue: q,
    http,
    metrics,
    rate,
    logger,
    callbacks: {
      sdkAppId: TEST_SDKAPPID,
      rules: o.rules ?? null,
      ...(o.random === undefined ? {} : { random: o.random }),
      ...(o.now === undefined ? {} : { now: o.now }),
    },
  });
  let url = '';
  if (o.listen === true) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  } else {
    await app.ready();
  }
  const server: TestServer = {
    app,
    q,
    metrics,
    prefix,
    url,
    workers: null,
    logs: () => logText,
    async close() {
      await app.close();
      await server.workers?.close();
      await runtimes.close();
      await deleteKeys(prefix, config.redisUrl);
    },
  };
  if (runtimes.workers !== null) {
    server.workers = await startWorkerProcess(runtimes.workers, {
      observers: [(outcome) => metrics.recordCall(outcome)],
      events: { onRetry: () => metrics.recordRetry() },
    });
  }
  return server;
}
