import type { RedisClient } from '../redis/redis-client.js';
import type { AppConfig, SeederConfig } from '../config/seeder-config.js';
import { appScope } from '../config/app-config.js';
import { findApp, selectApps } from '../config/find-app.js';
import type { Logger } from '../log/logger.js';
import { connectRedis, createRedis, type ConnectionRole } from '../redis/redis-connection.js';
import { openSeedQueue, type SeedQueue } from '../queue/seed-queue.js';
import { DeadLetterStore } from '../dead-letter/dead-letter-store.js';
import { supersedingSink } from '../dead-letter/superseding-sink.js';
import type { JobSink } from '../queue/write-jobs.js';
import { sumQueueStatus, type FleetQueueStatus, type QueueStatus } from '../queue/queue-status.js';
import { readQueueStatus } from '../queue/read-queue-status.js';

/** One app's queues as every command sees them: its seed queue and its dead letters. */
export interface QueueRuntime {
  /** The configuration scoped to this app (`appScope`): its key prefix, rate and Tencent settings. */
  readonly config: SeederConfig;
  readonly app: AppConfig;
  readonly logger: Logger;
  readonly redis: RedisClient;
  readonly seed: SeedQueue;
  readonly deadLetters: DeadLetterStore;
  /** Where enqueueing writes: the seed queue, a dead-lettered job enqueued again superseding its dead letter. */
  readonly jobs: JobSink;
  status(): Promise<QueueStatus>;
  close(): Promise<void>;
}

/** Every app's queues, on one connection: what the service and the workers of several apps hold. */
export interface FleetQueues {
  readonly config: SeederConfig;
  readonly logger: Logger;
  readonly redis: RedisClient;
  /** One per app, in the order of `config.apps`. */
  readonly apps: readonly QueueRuntime[];
  /** The queues of app `name`; the name may be left out when one app is configured. Throws NOT_FOUND / USAGE. */
  app(name?: string): QueueRuntime;
  /** The totals of every app, and each app's own figures. */
  status(): Promise<FleetQueueStatus>;
  close(): Promise<void>;
}

/** Connects (or throws REDIS_UNAVAILABLE at once) and opens every app's queues. */
export async function openFleetQueues(config: SeederConfig, logger: Logger, role: ConnectionRole): Promise<FleetQueues> {
  const redis = await connect(config, logger, role);
  const apps = config.apps.map((app) => appQueues(redis, appScope(config, app), app, logger));
  return {
    config,
    logger,
    redis,
    apps,
    app(name) {
      const wanted = findApp(config, name);
      return apps.find((q) => q.app === wanted) as QueueRuntime;
    },
    status: () => readAppsStatus(apps),
    async close() {
      await Promise.all(apps.map((q) => q.close()));
      redis.disconnect();
    },
  };
}

/** The queues of the app named, or of every app (no name): what commands that act on all apps by default work on. */
export function selectQueues(fleet: FleetQueues, name: string | undefined): readonly QueueRuntime[] {
  const apps = selectApps(fleet.config, name);
  return fleet.apps.filter((q) => apps.includes(q.app));
}

/** The totals of these apps' queues: the figures of one app, or of several added up. */
export async function readQueuesTotal(queues: readonly QueueRuntime[]): Promise<QueueStatus> {
  return sumQueueStatus(await Promise.all(queues.map((q) => q.status())));
}

/** The figures of these apps: their totals, and each app's own under its name. */
export async function readAppsStatus(queues: readonly QueueRuntime[]): Promise<FleetQueueStatus> {
  const each = await Promise.all(queues.map(async (q) => [q.app.name, await q.status()] as const));
  return { ...sumQueueStatus(each.map(([, s]) => s)), apps: Object.fromEntries(each) };
}

/**
 * One app's queues on a connection of their own (closed with them): app `appName`, which may be
 * left out when one app is configured, as it is without APPS_FILE.
 */
export async function openQueueRuntime(
  config: SeederConfig,
  logger: Logger,
  role: ConnectionRole,
  appName?: string,
): Promise<QueueRuntime> {
  const app = findApp(config, appName);
  const redis = await connect(config, logger, role);
  const q = appQueues(redis, appScope(config, app), app, logger);
  return {
    ...q,
    async close() {
      await q.close();
      redis.disconnect();
    },
  };
}

async function connect(config: SeederConfig, logger: Logger, role: ConnectionRole): Promise<RedisClient> {
  const redis = await connectRedis(createRedis(config.redisUrl, role, { cluster: config.redisCluster }), config.redisUrl);
  if (role !== 'producer') {
    redis.on('error', (err: Error) => logger.warn({ err: { message: err.message } }, 'redis connection error; reconnecting'));
  }
  return redis;
}

/** An app's queues on a shared connection: closing them leaves the connection to its owner. */
function appQueues(redis: RedisClient, config: SeederConfig, app: AppConfig, logger: Logger): QueueRuntime {
  const seed = openSeedQueue(redis, config.keyPrefix);
  const deadLetters = new DeadLetterStore(redis, config.keyPrefix, seed);
  return {
    config,
    app,
    logger,
    redis,
    seed,
    deadLetters,
    jobs: supersedingSink(redis, seed, deadLetters),
    status: () => readQueueStatus(seed, () => deadLetters.count()),
    async close() {
      await Promise.all([seed.close(), deadLetters.close()]);
    },
  };
}
