import { fastify, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { QueueRuntime } from '../app/queue-runtime.js';
import type { HttpConfig } from '../config/seeder-config.js';
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
import { registerCallbackRoutes } from './callback-routes.js';
import { clientErrorAnswer } from './client-errors.js';
import { registerDeadLetterRoutes } from './dead-letter-routes.js';
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
  /** Our SDKAppID (TIM_SDKAPPID): callbacks naming another app are answered and ignored. */
  readonly sdkAppId: number;
  /** SEED_RULES_FILE, loaded and validated (loadSeedRules), or null. */
  readonly rules: SeedRules | null;
  /** For tests: the pool draws and the clock the Sign's RequestTime is checked against. */
  readonly random?: RandomInt;
  readonly now?: () => number;
}

export interface HttpServerDeps {
  readonly queue: QueueRuntime;
  readonly http: HttpConfig;
  readonly metrics: SeederMetrics;
  /** The app's shared rate (GET/PUT /v1/rate). */
  readonly rate: RateControl;
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
 * the requests in flight and for callback enqueues in progress; the queue runtime stays open
 * (its owner closes it).
 */
export async function buildHttpServer(deps: HttpServerDeps): Promise<HttpServer> {
  const { queue: q, http, logger } = deps;
  const log = logger.child({ component: 'http' }, { serializers: { req: serializeRequest, err: serializeError } });
  // Typed as fastify's logger, so the instance is a plain FastifyInstance for the route modules.
  const loggerInstance: FastifyBaseLogger = log;
  const answerError = errorAnswer({
    bodyLimitBytes: http.bodyLimitBytes,
    logger: log,
    dropRedisConnection: () => q.redis.disconnect(true),
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
  const seeder = new CallbackSeeder({
    jobs: q.jobs,
    redis: q.redis,
    keyPrefix: q.config.keyPrefix,
    maxRobotsPerCall: q.config.maxRobotsPerCall,
    jobOptions: seedJobOptions(q.config),
    logger: log.child({ component: 'callbacks' }),
  });
  app.addHook('onClose', () => seeder.close());

  // Open routes: probes, and the callback (it has its own authentication).
  registerHealthRoutes(app, q.redis);
  await registerCallbackRoutes(app, {
    settings: {
      sdkAppId: deps.callbacks.sdkAppId,
      token: http.callbackToken,
      acceptUnsigned: http.callbackAuth === 'none',
      selection: { everyRoom: http.autoSeedRobots, rules: deps.callbacks.rules },
    },
    seeder,
    replayGuard: new CallbackReplayGuard(q.redis, q.config.keyPrefix),
    logger: log.child({ component: 'callbacks' }),
    ...(deps.callbacks.random === undefined ? {} : { random: deps.callbacks.random }),
    ...(deps.callbacks.now === undefined ? {} : { now: deps.callbacks.now }),
  });

  // Everything else: the bearer token.
  await app.register((api, _opts, done) => {
    api.addHook('onRequest', bearerGuard(tokens));
    // The API speaks JSON only: a text body is a 415, not a string the schema then refuses.
    api.removeContentTypeParser('text/plain');
    registerJobsRoutes(
      api,
      {
        jobs: q.jobs,
        maxRobotsPerCall: q.config.maxRobotsPerCall,
        maxRobotsPerLine: q.config.maxRobotsPerLine,
        jobOptions: seedJobOptions(q.config),
      },
      new IdempotencyStore(q.redis, q.config.keyPrefix, { keysPerToken: http.idempotencyKeysPerToken }),
      http.idempotencyKeysPerToken,
    );
    registerStatusRoutes(api, () => q.status());
    registerRateRoutes(api, deps.rate);
    registerDeadLetterRoutes(api, q.deadLetters);
    registerMetricsRoutes(api, deps.metrics.registry);
    registerOpenApiRoute(api);
    done();
  });
  await registerAdminRoutes(app, { seed: q.seed, deadLetters: q.deadLetters.queue }, tokens);
  return { app, callbacksSettled: () => seeder.settled() };
}
