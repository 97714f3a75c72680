import { Writable } from 'node:stream';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { FleetQueues, QueueRuntime } from '../../src/app/queue-runtime.js';
import { startService } from '../../src/app/service.js';
import type { WorkerProcess } from '../../src/app/worker-process.js';
import type { SeedRules } from '../../src/callbacks/seed-rules.js';
import type { RandomInt } from '../../src/callbacks/choose-robots.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/logger.js';
import type { SeederMetrics } from '../../src/metrics/seeder-metrics.js';
import { deleteKeys, seederEnv, uniquePrefix } from './test-env.js';

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
  /** The first app's queues: the only app's without APPS_FILE. */
  readonly q: QueueRuntime;
  /** Every app's queues. */
  readonly fleet: FleetQueues;
  readonly metrics: SeederMetrics;
  readonly prefix: string;
  /** `http://127.0.0.1:<port>` when listening. */
  readonly url: string;
  /** The worker process of `serve --with-workers`. */
  readonly workers: WorkerProcess | null;
  /** Resolves when the callback enqueues started so far have finished (enqueued, ignored or given up). */
  callbacksSettled(): Promise<void>;
  /** Everything logged so far, at trace level. */
  logs(): string;
  close(): Promise<void>;
}

export async function startTestServer(o: TestServerOptions = {}): Promise<TestServer> {
  const prefix = uniquePrefix();
  const env = seederEnv(prefix, o.mockUrl ?? 'http://127.0.0.1:9', {
    API_TOKENS: `${TEST_TOKEN},${OTHER_TOKEN}`,
    LOG_LEVEL: 'trace',
    ...o.env,
  });
  const config = loadConfig(env, { tencent: true, http: true });
  let logText = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logText += chunk.toString();
      callback();
    },
  });
  const logger = createLogger('trace', sink);
  const service = await startService(config, logger, {
    withWorkers: o.withWorkers === true,
    listen: o.listen === true ? { host: '127.0.0.1', port: 0 } : false,
    callbacks: {
      rules: o.rules ?? null,
      ...(o.random === undefined ? {} : { random: o.random }),
      ...(o.now === undefined ? {} : { now: o.now }),
    },
  });
  const { address } = service.summary;
  return {
    app: service.app,
    q: service.queue,
    fleet: service.fleet,
    metrics: service.metrics,
    prefix,
    url: address === null ? '' : `http://127.0.0.1:${address.port}`,
    workers: service.workers,
    callbacksSettled: () => service.callbacksSettled(),
    logs: () => logText,
    async close() {
      await service.close();
      await deleteKeys(prefix, config.redisUrl);
    },
  };
}
