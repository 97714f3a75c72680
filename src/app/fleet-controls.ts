import { AccountPause, type AccountProblem } from '../breaker/account-pause.js';
import { CircuitBreaker } from '../breaker/circuit-breaker.js';
import type { SeederConfig } from '../config/seeder-config.js';
import { appScope } from '../config/app-config.js';
import { findApp, selectApps } from '../config/find-app.js';
import { ledgerPolicy } from '../limiter/ledger-policy.js';
import { SlotLedger, type LedgerState } from '../limiter/slot-ledger.js';
import type { Logger } from '../log/logger.js';
import type { RedisClient } from '../redis/redis-client.js';
import { connectRedis, createRedis } from '../redis/redis-connection.js';
import { openFleetQueues, selectQueues, type QueueRuntime } from './queue-runtime.js';
import type { StatusReport } from '../queue/queue-status.js';
import { readStatusReport } from './status-report.js';

/**
 * The account pause as an operator's process sees it (`status`, `resume`, the service): read or
 * lifted, never set, so it carries no account fingerprint.
 */
export function operatorAccountPause(redis: RedisClient, config: SeederConfig, logger: Logger): AccountPause {
  return new AccountPause({ redis, prefix: config.keyPrefix, logger, configuration: null });
}

/** The app's shared rate as `rate` and the service read or change it (the workers' limiter keeps its own). */
export function appRate(redis: RedisClient, config: SeederConfig, sdkAppId: number): SlotLedger {
  return new SlotLedger(redis, config.keyPrefix, sdkAppId, ledgerPolicy(config.rateLimitPerSecond));
}

/** What the service reports and changes of one app's shared state (each app has its own). */
export interface AppControls {
  readonly breaker: CircuitBreaker;
  readonly accountPause: AccountPause;
  readonly rate: SlotLedger;
}

/** The controls of the app of `q`, on its connection, under its key prefix. */
export function appControls(q: QueueRuntime): AppControls {
  const { sdkAppId } = q.app;
  if (sdkAppId === null) throw new Error(`app ${q.app.name}: its rate needs its SDKAppID: load the config with { http: true }`);
  return {
    breaker: new CircuitBreaker({ redis: q.redis, prefix: q.config.keyPrefix, logger: q.logger }),
    accountPause: operatorAccountPause(q.redis, q.config, q.logger),
    rate: appRate(q.redis, q.config, sdkAppId),
  };
}

export interface FleetStatus {
  readonly queue: StatusReport;
  /** The apps paused because Tencent refused their account, each with why; empty when none is. */
  readonly paused: readonly AppPause[];
}

export interface AppPause {
  readonly app: string;
  readonly problem: AccountProblem;
}

/** `status`: the figures of app `appName` (or of every app) and their account pauses, on a connection that fails fast. */
export async function readFleetStatus(config: SeederConfig, logger: Logger, appName?: string): Promise<FleetStatus> {
  const fleet = await openFleetQueues(config, logger, 'producer');
  try {
    const queues = selectQueues(fleet, appName);
    const [queue, pauses] = await Promise.all([
      readStatusReport(config, queues),
      Promise.all(queues.map(async (q) => ({ app: q.app.name, problem: await operatorAccountPause(q.redis, q.config, logger).read() }))),
    ]);
    return { queue, paused: pauses.flatMap(({ app, problem }) => (problem === null ? [] : [{ app, problem }])) };
  } finally {
    await fleet.close();
  }
}

/**
 * `resume`: lifts the account pause of app `appName`, or of every app; returns, per app, what had
 * paused it, or null when it was not paused.
 */
export function resumeFleet(config: SeederConfig, logger: Logger, appName?: string): Promise<Map<string, AccountProblem | null>> {
  const apps = selectApps(config, appName);
  return withProducer(config, async (redis) => {
    const lifted = await Promise.all(apps.map((app) => operatorAccountPause(redis, appScope(config, app), logger).resume()));
    return new Map(apps.map((app, i) => [app.name, lifted[i] ?? null]));
  });
}

/**
 * `rate`: app `appName`'s shared rate (may be left out with one app), read (`change` undefined), or its ceiling set to N, or given
 * back to the workers' RATE_LIMIT_PER_SECOND (null).
 */
export async function fleetRate(config: SeederConfig, appName: string | undefined, change?: number | null): Promise<LedgerState> {
  const app = findApp(config, appName);
  const { sdkAppId } = app;
  if (sdkAppId === null) throw new Error('the rate is per app: load the config with { app: true }');
  return withProducer(config, (redis) => {
    const ledger = appRate(redis, appScope(config, app), sdkAppId);
    return change === undefined ? ledger.read() : ledger.setCeiling(change);
  });
}

/** One command on a producer connection (it fails at once when Redis is away: REDIS_UNAVAILABLE), then closed. */
async function withProducer<T>(config: SeederConfig, use: (redis: RedisClient) => Promise<T>): Promise<T> {
  const redis = await connectRedis(createRedis(config.redisUrl, 'producer', { cluster: config.redisCluster }), config.redisUrl);
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}
