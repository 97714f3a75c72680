import type { RedisOptions } from 'ioredis';
import { ioredis } from '../commonjs/ioredis.js';
import { SeederError } from '../errors/seeder-error.js';
import { redactUrl } from '../config/redact-url.js';
import type { RedisClient } from './redis-client.js';
import { describeRedisFailure } from './redis-failure.js';

/**
 * How a connection behaves when Redis goes away (BullMQ's production checklist):
 * - `worker`: commands wait for the reconnect however long it takes (`maxRetriesPerRequest: null`),
 *   so a Redis restart pauses work instead of failing jobs.
 * - `producer`: fails fast, so an operator enqueueing a file learns at once that Redis is down.
 * - `service`: reconnects forever like a worker, but a command fails at once while Redis is away,
 *   and after SERVICE_COMMAND_TIMEOUT_MS when Redis went silent without closing the connection
 *   (a network cut), so an HTTP request answers 503 instead of hanging (`serve`'s HTTP side).
 */
export type ConnectionRole = 'worker' | 'producer' | 'service';

/** How long a `service` command waits for its answer; its longest scripts (a chunk of 1,000 jobs) take well under a second. */
export const SERVICE_COMMAND_TIMEOUT_MS = 5000;

export interface RedisConnectionOptions {
  /** `REDIS_CLUSTER`: the URL names one node of a Redis Cluster, the others are discovered. */
  readonly cluster: boolean;
  /** Connect only on `connectRedis` (default true). Bottleneck needs a client that connects by itself. */
  readonly lazyConnect?: boolean;
}

/** How long a closing connection's socket may take to close before it is destroyed. */
const DISCONNECT_TIMEOUT_MS = 200;

export function createRedis(url: string, role: ConnectionRole, o: RedisConnectionOptions): RedisClient {
  const lazyConnect = o.lazyConnect ?? true;
  const reconnect = role === 'producer' ? (): null => null : (times: number): number => Math.min(times * 200, 2000);
  // disconnectTimeout is short for every role: ioredis keeps a timer that long for a socket Redis
  // has already closed, and that timer held a failed `enqueue` open 2 s after its error (and a
  // library producer's process after a failed connect); a healthy socket closes in far less.
  const base: RedisOptions =
    role === 'worker'
      ? { maxRetriesPerRequest: null, enableReadyCheck: true, disconnectTimeout: DISCONNECT_TIMEOUT_MS }
      : {
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 3000,
          disconnectTimeout: DISCONNECT_TIMEOUT_MS,
          ...(role === 'producer' ? {} : { commandTimeout: SERVICE_COMMAND_TIMEOUT_MS }),
        };
  if (!o.cluster) return new ioredis.Redis(url, { lazyConnect, ...base, retryStrategy: reconnect });
  const u = new URL(url);
  return new ioredis.Cluster([{ host: u.hostname, port: u.port === '' ? 6379 : Number(u.port) }], {
    lazyConnect,
    enableOfflineQueue: role === 'worker',
    clusterRetryStrategy: reconnect,
    redisOptions: {
      ...base,
      ...(u.username === '' ? {} : { username: decodeURIComponent(u.username) }),
      ...(u.password === '' ? {} : { password: decodeURIComponent(u.password) }),
      ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
}

/** Connects, or throws REDIS_UNAVAILABLE naming the (password-free) URL and what to do. */
export async function connectRedis(redis: RedisClient, url: string): Promise<RedisClient> {
  if (redis.status === 'ready') return redis;
  // An unreachable server otherwise reports one 'error' event per retry on top of the rejection.
  // The event says why (ECONNREFUSED, ENOTFOUND, NOAUTH); the rejection only "Connection is closed."
  let reason: unknown;
  const swallow = (err: unknown): void => {
    reason = err;
  };
  redis.on('error', swallow);
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new SeederError('REDIS_UNAVAILABLE', `cannot reach Redis at ${redactUrl(url)}: ${describeRedisFailure(reason ?? err)}`, {
      hint: 'start Redis (for example `redis-server --appendonly yes`) or point REDIS_URL at a running one, then run the same command again: job ids make it safe to repeat',
      cause: reason ?? err,
    });
  } finally {
    redis.off('error', swallow);
  }
}
