import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { loadSeedRules } from '../callbacks/load-seed-rules.js';
import type { SeedRules } from '../callbacks/seed-rules.js';
import type { AppConfig, HttpConfig, SeederConfig } from '../config/seeder-config.js';
import { buildHttpServer, type CallbackOptions } from '../http/build-http-server.js';
import { cannotListen } from '../http/listen-error.js';
import type { Logger } from '../log/logger.js';
import type { SeederMetrics } from '../metrics/seeder-metrics.js';
import { fleetMetrics, recordingInto } from './fleet-metrics.js';
import { appControls, type AppControls } from './fleet-controls.js';
import { fleetDeadLetters } from './fleet-dead-letters.js';
import { openFleetQueues, type FleetQueues, type QueueRuntime } from './queue-runtime.js';
import { readStatusReport } from './status-report.js';
import { openWorkerProcess, type WorkerProcess } from './worker-process.js';

export interface ServiceOptions {
  /** Also work the queue in this process (`serve --with-workers`). */
  readonly withWorkers: boolean;
  /** Where to listen; default the configured HOST and PORT. false: no socket, requests go through `inject`. */
  readonly listen?: { readonly host: string; readonly port: number } | false;
  /** For tests: seed rules instead of SEED_RULES_FILE's, and the callbacks' pool draws and clock. */
  readonly callbacks?: Partial<Pick<CallbackOptions, 'rules' | 'random' | 'now'>>;
}

/** How Tencent callbacks are let in: a signed token, no check at all (CALLBACK_AUTH=none), or not at all. */
export type CallbackAuth = 'sign' | 'none' | 'refused';

export interface ServiceSummary {
  readonly host: string;
  /** The socket's address, or null when not listening. */
  readonly address: AddressInfo | null;
  readonly withWorkers: boolean;
  readonly callbacks: {
    /** The SDKAppID of each app served, by name: callbacks naming any other are ignored. */
    readonly apps: Readonly<Record<string, number | null>>;
    readonly auth: CallbackAuth;
    readonly autoSeedRobots: number;
    readonly rules: number;
  };
}

/** The running HTTP service of `serve` (and of the service tests). */
export interface Service {
  readonly app: FastifyInstance;
  /** The HTTP side's queues of every app (a `service` connection). */
  readonly fleet: FleetQueues;
  /** The first app's queues: the only app's without APPS_FILE. */
  readonly queue: QueueRuntime;
  readonly metrics: SeederMetrics;
  /** The worker process of `--with-workers`, or null. */
  readonly workers: WorkerProcess | null;
  /** Resolves when the callback enqueues started so far have finished: the tests' barrier for "nothing was enqueued". */
  callbacksSettled(): Promise<void>;
  /** What `serve` says it serves (its 'serving' log line). */
  readonly summary: ServiceSummary;
  /** Stops accepting requests and waits for those in flight, then drains the workers, then closes the connections. */
  close(): Promise<void>;
}

/**
 * The one composition of the HTTP service: every app's queues, the shared state of each app it
 * reports (rate, breaker, account pause), metrics, the fastify app, the optional workers, the
 * socket. `serve` runs it; the service tests run the same, so they exercise what `serve` runs.
 */
export async function startService(config: SeederConfig, logger: Logger, o: ServiceOptions): Promise<Service> {
  const http = requireHttp(config.http);
  const rules = o.callbacks?.rules !== undefined ? o.callbacks.rules : await configuredRules(http, config.maxRobotsPerLine);
  // Not the workers' connection, where a command waits for Redis as long as it takes: an HTTP
  // request sharing it hung until Redis came back (issue 8, observation 11). On a `service`
  // connection it fails at once while Redis is away, and the request answers 503.
  const fleet = await openFleetQueues(config, logger, 'service');
  let workers: WorkerProcess | null = null;
  let app: FastifyInstance | null = null;
  let callbacksSettled = (): Promise<void> => Promise.resolve();
  const closeAll = async (force: boolean): Promise<void> => {
    try {
      await app?.close();
      await workers?.close(force);
    } finally {
      await fleet.close();
    }
  };
  try {
    const [first] = fleet.apps;
    if (first === undefined) throw new Error('no app is configured');
    // Each app's shared state, under its own key prefix: one app's outage or pause is not another's.
    const controls = new Map(fleet.apps.map((q) => [q.app, appControls(q)]));
    const controlsOf = (a: AppConfig): AppControls => {
      const found = controls.get(a);
      if (found === undefined) throw new Error(`app ${a.name} is not one of the service's`);
      return found;
    };
    const metrics = fleetMetrics(
      fleet,
      (q) => controlsOf(q.app),
      logger,
      () => workers,
    );
    ({ app, callbacksSettled } = await buildHttpServer({
      fleet,
      http,
      metrics,
      rate: (a) => controlsOf(a).rate,
      status: () => readStatusReport(config, fleet.apps),
      deadLetters: (name) => fleetDeadLetters(fleet, name),
      logger,
      callbacks: { ...o.callbacks, rules },
    }));
    if (o.withWorkers) {
      workers = await openWorkerProcess(config, logger, recordingInto(metrics));
    }
    let address: AddressInfo | null = null;
    if (o.listen === false) await app.ready();
    else address = await listen(app, o.listen ?? http);
    const callbackAuth: CallbackAuth = http.callbackToken !== null ? 'sign' : http.callbackAuth === 'none' ? 'none' : 'refused';
    if (callbackAuth === 'none')
      logger.warn(
        'CALLBACK_AUTH=none: Tencent callbacks are accepted without authentication; only safe where nothing but Tencent reaches this service',
      );
    if (callbackAuth === 'refused') logger.info('CALLBACK_TOKEN is not set: Tencent callbacks are refused (401)');
    const summary: ServiceSummary = {
      host: http.host,
      address,
      withWorkers: o.withWorkers,
      callbacks: {
        apps: Object.fromEntries(config.apps.map((a) => [a.name, a.sdkAppId])),
        auth: callbackAuth,
        autoSeedRobots: http.autoSeedRobots.length,
        rules: rules?.rules.length ?? 0,
      },
    };
    return { app, fleet, queue: first, metrics, workers, callbacksSettled, summary, close: () => closeAll(false) };
  } catch (err) {
    // Half-built: nothing was accepted yet, so the workers need not drain.
    await closeAll(true);
    throw err;
  }
}

function configuredRules(http: HttpConfig, maxRobotsPerLine: number): Promise<SeedRules | null> {
  return http.seedRulesFile === null ? Promise.resolve(null) : loadSeedRules(http.seedRulesFile, maxRobotsPerLine);
}

async function listen(app: FastifyInstance, at: { readonly host: string; readonly port: number }): Promise<AddressInfo> {
  try {
    await app.listen({ host: at.host, port: at.port });
  } catch (err) {
    throw cannotListen(at, 'PORT (or --port)', err);
  }
  // A TCP listener: address() is a string only for a pipe or a Unix socket.
  return app.server.address() as AddressInfo;
}

function requireHttp(http: HttpConfig | null): HttpConfig {
  if (http === null) throw new Error('the service needs the HTTP configuration: load it with { http: true }');
  return http;
}
