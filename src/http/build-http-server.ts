import { fastify, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { FleetQueues, QueueRuntime } from '../app/queue-runtime.js';
import { appRouting } from '../app/app-router.js';
import type { StatusReport } from '../queue/queue-status.js';
import { reportsApps } from '../config/app-config.js';
import type { AppConfig, HttpConfig } from '../config/seeder-config.js';
import type { Logger } from '../log/logger.js';
import { CallbackReplayGuard } from '../callbacks/callback-replay-guard.js';
import { CallbackSeeder } from '../callbacks/callback-seeder.js';
import type { RandomInt } from '../callbacks/choose-robots.js';
import type { SeedRules } from '../callbacks/seed-rules.js';
import { seedJobOptions } from '../queue/job-options.js';
import type { SeederMetrics } from '../metrics/seeder-metrics.js';
import { registerAdminRoutes } from './admin-routes.js';
import { errorAnswer, installErrorHandlers, refuseWhileClosing } from './api-errors.js';
import { bearerGuard, TokenMatcher } from './bearer-auth.js';
import { registerCallbackRoutes, type CallbackApp } from './callback-routes.js';
import { clientErrorAnswer } from './client-errors.js';
import { registerDeadLetterRoutes, type DeadLettersOf } from './dead-letter-routes.js';
import { registerHealthRoutes } from './health-routes.js';
import { IdempotencyStore } from './idempotency-store.js';
import { registerJobsRoutes } from './jobs-routes.js';
import { serializeError, serializeRequest } from './log-serializers.js';
import { registerMetricsRoutes } from './metrics-routes.js';
import { registerOpenApi, registerOpenApiRoute } from './openapi.js';
import { registerRateRoutes, type RateControl } from './rate-routes.js';
import { registerStatusRoutes } from './status-routes.js';
import { createValidatorCompiler } from './validator-compiler.js';

/** How long a request may take to arrive in full. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface CallbackOptions {
  /** SEED_RULES_FILE, loaded and validated (loadSeedRules), or null. */
  readonly rules: SeedRules | null;
  /** For tests: the pool draws and the clock the Sign's RequestTime is checked against. */
  readonly random?: RandomInt;
  readonly now?: () => number;
}

export interface HttpServerDeps {
  /** Every app's queues, and the connection the API's own keys (idempotency, callback Signs) use under KEY_PREFIX. */
  readonly fleet: FleetQueues;
  readonly http: HttpConfig;
  readonly metrics: SeederMetrics;
  /** Each app's shared rate (GET/PUT /v1/rate?app=). */
  readonly rate: (app: AppConfig) => RateControl;
  /** GET /v1/status. */
  readonly status: () => Promise<StatusReport>;
  /** The dead letters of one app or all (the dead-letter routes). */
  readonly deadLetters: DeadLettersOf;
  readonly logger: Logger;
  readonly callbacks: CallbackOptions;
  /** Shown in the OpenAPI document, default 0.1.0. */
  readonly version?: string;
}

/** The HTTP surface and a barrier on the callback enqueues it started. */
export interface HttpServer {
  readonly app: FastifyInstance;
  /** Resolves when the callback enqueues started so far have finished (CallbackSeeder.settled). */
  readonly callbacksSettled: () => Promise<void>;
}

/**
 * The HTTP surface, ready to `listen()`: health, the job API, status, dead letters, Tencent
 * callbacks, metrics, the OpenAPI document and the bull-board dashboard. Closing it waits for
 * the requests in flight and for callback enqueues in progress; the queues stay open (their
 * owner closes them).
 */
export async function buildHttpServer(deps: HttpServerDeps): Promise<HttpServer> {
  const { fleet, http, logger } = deps;
  const { config } = fleet;
  const log = logger.child({ component: 'http' }, { serializers: { req: serializeRequest, err: serializeError } });
  // Typed as fastify's logger, so the instance is a plain FastifyInstance for the route modules.
  const loggerInstance: FastifyBaseLogger = log;
  const answerError = errorAnswer({
    bodyLimitBytes: http.bodyLimitBytes,
    logger: log,
    dropRedisConnection: () => fleet.redis.disconnect(true),
  });
  const app = fastify({
    loggerInstance,
    bodyLimit: http.bodyLimitBytes,
    // A client that never finishes sending its request must not hold a connection forever.
    requestTimeout: REQUEST_TIMEOUT_MS,
    // refuseWhileClosing answers instead, with the API's code.
    return503OnClosing: false,
    // Errors met before routing (a bad URL) and refusals of the HTTP parser get the API's codes too.
    frameworkErrors: (err, request, reply) => void answerError(err, request, reply),
    clientErrorHandler: clientErrorAnswer(log),
  });
  app.setValidatorCompiler(createValidatorCompiler());
  installErrorHandlers(app, answerError);
  refuseWhileClosing(app);
  await registerOpenApi(app, deps.version ?? '0.1.0');

  const tokens = new TokenMatcher(http.apiTokens);
  const callbackLog = log.child({ component: 'callbacks' });
  const callbackApps = nonEmpty(fleet.apps.map((q) => callbackApp(q, callbackLog)));
  const settled = async (): Promise<void> => {
    await Promise.all(callbackApps.map((a) => a.seeder.settled()));
  };
  app.addHook('onClose', settled);

  // Open routes: probes, and the callback (it has its own authentication).
  registerHealthRoutes(app, fleet.redis);
  await registerCallbackRoutes(app, {
    apps: callbackApps,
    settings: {
      token: http.callbackToken,
      acceptUnsigned: http.callbackAuth === 'none',
      selection: { everyRoom: http.autoSeedRobots, rules: deps.callbacks.rules },
    },
    // One Sign is one callback, whichever app it names: the guard is the deployment's, under KEY_PREFIX.
    replayGuard: new CallbackReplayGuard(fleet.redis, config.keyPrefix),
    logger: callbackLog,
    ...(deps.callbacks.random === undefined ? {} : { random: deps.callbacks.random }),
    ...(deps.callbacks.now === undefined ? {} : { now: deps.callbacks.now }),
  });

  // Everything else: the bearer token.
  await app.register((api, _opts, done) => {
    api.addHook('onRequest', bearerGuard(tokens));
    // The API speaks JSON only: a text body is a 415, not a string the schema then refuses.
    api.removeContentTypeParser('text/plain');
    // With one app an item may leave its app out: its jobs go to that app's queue.
    registerJobsRoutes(
      api,
      {
        ...appRouting(fleet, undefined),
        maxRobotsPerCall: config.maxRobotsPerCall,
        maxRobotsPerLine: config.maxRobotsPerLine,
        jobOptions: seedJobOptions(config, 'normal'),
      },
      // The client's keys are the deployment's, whatever apps its items name: under KEY_PREFIX.
      new IdempotencyStore(fleet.redis, config.keyPrefix, { keysPerToken: http.idempotencyKeysPerToken }),
      http.idempotencyKeysPerToken,
    );
    registerStatusRoutes(api, deps.status);
    registerRateRoutes(api, { config, rate: deps.rate });
    registerDeadLetterRoutes(api, deps.deadLetters);
    registerMetricsRoutes(api, deps.metrics.registry);
    registerOpenApiRoute(api);
    done();
  });
  const named = reportsApps(config);
  await registerAdminRoutes(
    app,
    fleet.apps.map((q) => ({ app: named ? q.app.name : null, seed: q.seed, deadLetters: q.deadLetters.queue })),
    tokens,
  );
  return { app, callbacksSettled: settled };
}

/** An app's callbacks: its new rooms are enqueued into its queue, in the high lane, seeded once per room of the app. */
function callbackApp(q: QueueRuntime, logger: Logger): CallbackApp {
  const { sdkAppId } = q.app;
  if (sdkAppId === null) throw new Error(`app ${q.app.name}: callbacks need its SDKAppID: load the config with { http: true }`);
  return {
    name: q.app.name,
    sdkAppId,
    seeder: new CallbackSeeder({
      jobs: q.jobs,
      redis: q.redis,
      keyPrefix: q.config.keyPrefix,
      maxRobotsPerCall: q.config.maxRobotsPerCall,
      jobOptions: seedJobOptions(q.config, 'high'),
      logger: logger.child({ app: q.app.name }),
    }),
  };
}

function nonEmpty<T>(list: readonly T[]): readonly [T, ...T[]] {
  const [first, ...rest] = list;
  if (first === undefined) throw new Error('no app is configured');
  return [first, ...rest];
}
