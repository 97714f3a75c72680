import { setMaxListeners } from 'node:events';
import type { TencentConfig } from '../config/seeder-config.js';
import type { AppConfig } from '../config/seeder-config.js';
import { createSharedLimiter, type SharedLimiter } from '../limiter/shared-limiter.js';
import { rateLimitedApi } from '../limiter/rate-limited-api.js';
import { createTencentClient } from '../tencent/tencent-client.js';
import { createSigningUserSigSource, createStaticUserSigSource, type UserSigSource } from '../tencent/user-sig-source.js';
import type { SeedJobData } from '../queue/seed-job.js';
import { CallStats } from '../metrics/call-stats.js';
import type { CallObserver } from '../tencent/call-outcome.js';
import { CircuitBreaker } from '../breaker/circuit-breaker.js';
import { breakerGate } from '../breaker/breaker-gate.js';
import { AccountPause } from '../breaker/account-pause.js';
import { accountGate } from '../breaker/account-gate.js';
import { accountFingerprint } from '../tencent/account-fingerprint.js';
import { createSeedProcessor } from '../worker/seed-processor.js';
import { completionBatch } from '../worker/completion-batch.js';
import { startConcurrencyTuner } from '../worker/concurrency-tuner.js';
import { startLaneAging } from '../worker/lane-aging.js';
import { startSeedWorker, type SeedWorker, type SeedWorkerEvents } from '../worker/seed-worker.js';
import type { QueueRuntime } from './queue-runtime.js';

export interface WorkerRuntime {
  /** The app this runtime calls for. */
  readonly app: AppConfig;
  readonly worker: SeedWorker;
  /** Calls this process made. */
  readonly stats: CallStats;
  /** The circuit breaker this process shares with every other worker. */
  readonly breaker: CircuitBreaker;
  /** The fleet's pause for answers about the app or account (a wrong key, an expired package). */
  readonly accountPause: AccountPause;
  /** The fleet's shared limiter, as this process takes part in it. */
  readonly limiter: SharedLimiter;
  /** First call drains (jobs in hand finish), `force` abandons them to the stalled checker. */
  close(force?: boolean): Promise<void>;
}

export interface WorkerRuntimeOptions {
  readonly concurrency?: number;
  readonly events?: SeedWorkerEvents;
  /** Asked before each attempt of a job: a reason to complete it without calling, or null. */
  readonly skip?: (data: SeedJobData) => Promise<string | null>;
  /** See every call that was sent (e.g. to feed metrics), besides this runtime's own counting. */
  readonly observers?: readonly CallObserver[];
}

/**
 * How long a finished job's result may wait for others, so that their completions share one write
 * to Redis: 20–23% less CPU per call at 150 calls/s per process, 8–12% at 33/s, 5–6% at 12/s
 * (BENCHMARKS.md, "Completions handed to BullMQ together").
 */
const COMPLETION_HOLD_MS = 100;

/**
 * Wires one worker process: Tencent client (and its call observers) → shared limiter, behind the shared
 * circuit breaker → processor → BullMQ worker, with concurrency following the API's latency.
 */
export async function startWorkerRuntime(q: QueueRuntime, o: WorkerRuntimeOptions = {}): Promise<WorkerRuntime> {
  const { config, logger } = q;
  const tencent = requireTencent(config.tencent);
  const userSig = userSigSourceOf(tencent);
  const stats = new CallStats();
  const client = createTencentClient({
    baseUrl: tencent.baseUrl,
    sdkAppId: tencent.sdkAppId,
    admin: tencent.admin,
    userSig,
    requestTimeoutMs: tencent.requestTimeoutMs,
    // As many sockets as jobs in hand: a call granted by the limiter must not queue in the pool
    // (it would leave later, in a burst with others, over the cap).
    connections: config.workerMaxConcurrency,
    observers: [(outcome, sentAt) => stats.record(outcome, sentAt), ...(o.observers ?? [])],
    logger,
  });
  // Aborted at close: calls held by an open breaker or waiting for a slot stop waiting, so shutdown never hangs.
  const closing = new AbortController();
  // Every call held by the breaker waits on this one signal: hundreds at a time is normal.
  setMaxListeners(0, closing.signal);
  const limiter = createSharedLimiter({
    redis: q.redis,
    prefix: config.keyPrefix,
    appId: tencent.sdkAppId,
    ceilingPerSecond: config.rateLimitPerSecond,
    signal: closing.signal,
    logger,
  });
  const breaker = new CircuitBreaker({ redis: q.redis, prefix: config.keyPrefix, logger });
  const breakerCalls = breakerGate(breaker);
  const accountPause = new AccountPause({ redis: q.redis, prefix: config.keyPrefix, logger, configuration: accountFingerprint(tencent) });
  const gate = accountGate(breakerCalls, accountPause);
  const api = rateLimitedApi(client, { limiter, gate, signal: closing.signal });
  const processor = createSeedProcessor({
    api,
    userSig,
    logger,
    slowDownDelayMs: config.slowDownDelayMs,
    slowDownGiveUpMs: config.slowDownGiveUpMs,
    pauseAccount: (outcome, note) => accountPause.pause(outcome, note),
    ...(o.skip === undefined ? {} : { skip: o.skip }),
  });
  // BullMQ completes jobs on this connection: results handed over together leave in one write.
  // ioredis's `stream` is the current socket (a reconnect replaces it; none before the first connect).
  const completions = completionBatch({
    holdMs: COMPLETION_HOLD_MS,
    socket: () => ('stream' in q.redis ? q.redis.stream : null),
  });
  const concurrency = o.concurrency ?? config.workerConcurrency;
  const worker = await startSeedWorker(
    {
      redis: q.redis,
      prefix: config.keyPrefix,
      concurrency,
      processor: (job, token) => processor(job, token).then((result) => completions.hold(result)),
      deadLetters: q.deadLetters,
      deadLetterRetentionDays: config.deadLetterRetentionDays,
      logger,
    },
    o.events,
  );
  const tuner = startConcurrencyTuner({
    target: worker.worker,
    latencyMs: () => stats.snapshot().recentLatencyMs,
    heldMs: COMPLETION_HOLD_MS,
    ratePerSecond: config.rateLimitPerSecond,
    min: concurrency,
    max: Math.max(concurrency, config.workerMaxConcurrency),
    logger,
  });
  const aging = startLaneAging({
    queue: q.seed,
    redis: q.redis,
    prefix: config.keyPrefix,
    ratePerSecond: config.rateLimitPerSecond,
    logger,
  });
  return {
    app: q.app,
    worker,
    stats,
    breaker,
    accountPause,
    limiter,
    async close(force = false) {
      tuner.stop();
      await aging.stop();
      closing.abort();
      completions.close();
      await worker.close(force);
      await Promise.all([limiter.close(), breakerCalls.close(), api.close()]);
    },
  };
}

function requireTencent(t: TencentConfig | null): TencentConfig {
  if (t === null) throw new Error('worker runtime needs the Tencent configuration: load it with { tencent: true }');
  return t;
}

function userSigSourceOf(t: TencentConfig): UserSigSource {
  if (t.secretKey !== null) {
    return createSigningUserSigSource({
      sdkAppId: t.sdkAppId,
      secretKey: t.secretKey,
      identifier: t.admin,
      ttlSeconds: t.userSigTtlSeconds,
      // Renew an hour before expiry, or half-way through a shorter validity.
      renewBeforeSeconds: Math.min(3600, Math.floor(t.userSigTtlSeconds / 2)),
    });
  }
  return createStaticUserSigSource(t.userSig ?? '');
}
