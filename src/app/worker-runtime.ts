import type { TencentConfig } from '../config/seeder-config.js';
import { createSharedLimiter } from '../limiter/shared-limiter.js';
import { rateLimitedApi } from '../limiter/rate-limited-api.js';
import { createTencentClient } from '../tencent/tencent-client.js';
import { createSigningUserSigSource, createStaticUserSigSource, type UserSigSource } from '../tencent/user-sig-source.js';
import { CallStats } from '../stats/call-stats.js';
import { countingApi } from '../stats/counting-api.js';
import { createSeedProcessor } from '../worker/seed-processor.js';
import { startSeedWorker, type SeedWorker, type SeedWorkerEvents } from '../worker/seed-worker.js';
import type { QueueRuntime } from './queue-runtime.js';

export interface WorkerRuntime {
  readonly worker: SeedWorker;
  /** Calls this process made. */
  readonly stats: CallStats;
  /** First call drains (jobs in hand finish), `force` abandons them to the stalled checker. */
  close(force?: boolean): Promise<void>;
}

export interface WorkerRuntimeOptions {
  readonly concurrency?: number;
  readonly events?: SeedWorkerEvents;
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
}

/** Wires client → counting → shared limiter → processor → BullMQ worker for one process. */
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
    logger,
  });
  const limiter = await createSharedLimiter({
    redisUrl: config.redisUrl,
    id: `${config.keyPrefix}-limiter-${tencent.sdkAppId}`,
    ratePerSecond: config.rateLimitPerSecond,
    callExpirationMs: tencent.requestTimeoutMs * 2,
    logger,
  });
  const api = rateLimitedApi(countingApi(client, stats), limiter);
  const processor = createSeedProcessor({ api, userSig, logger, slowDownDelayMs: config.slowDownDelayMs });
  const worker = await startSeedWorker(
    {
      redis: q.redis,
      prefix: config.keyPrefix,
      concurrency: o.concurrency ?? config.workerConcurrency,
      processor,
      deadLetters: q.deadLetters,
      logger,
      ...(o.lockDurationMs === undefined ? {} : { lockDurationMs: o.lockDurationMs }),
      ...(o.stalledIntervalMs === undefined ? {} : { stalledIntervalMs: o.stalledIntervalMs }),
    },
    o.events,
  );
  return {
    worker,
    stats,
    async close(force = false) {
      await worker.close(force);
      await Promise.all([limiter.close(), api.close()]);
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
    });
  }
  return createStaticUserSigSource(t.userSig ?? '');
}
