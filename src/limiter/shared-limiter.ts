import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { SeederError } from '../errors/seeder-error.js';
import type { Logger } from '../log/logger.js';

export interface SharedLimiterOptions {
  readonly redisUrl: string;
  /** Keys are `b_<id>_…`; put the hash tag first so they share the queues' cluster slot. */
  readonly id: string;
  readonly ratePerSecond: number;
  /**
   * How long a call may wait for its slot before the limiter counts as stalled, default 60000.
   * A call that waits longer is abandoned (it will not run late) and reported as LIMITER_STALLED.
   */
  readonly grantTimeoutMs?: number;
  /** A slot whose call has not finished after this long is freed (a hung call must not hold it), default 30000. */
  readonly callExpirationMs?: number;
  readonly logger: Logger;
}

/** One limiter per SDKAppID, shared through Redis by every worker process on every machine. */
export interface SharedLimiter {
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Bottleneck 2.19.5 clustered on Redis, with guards for its known failure modes:
 * - Its own ioredis client: Bottleneck defines its Lua scripts as commands on the client it gets
 *   (names like `free`, `check`), and ioredis re-sends a script by EVAL when Redis answers
 *   NOSCRIPT, so a restarted Redis with an empty script cache does not break it.
 * - Limiter keys lost with a restart are re-created by Bottleneck (SETTINGS_KEY_NOT_FOUND path);
 *   the settings are re-applied on start so every process runs the configured rate.
 * - Dead clients: heartbeats let Bottleneck drop a killed process's registrations, and every job
 *   has an expiration, so a crash never leaves a slot held.
 * - Hangs: a call that gets no slot within grantTimeoutMs is abandoned with LIMITER_STALLED
 *   instead of waiting forever.
 * - CROSSSLOT: every key of the limiter carries the same hash tag (`id` starts with it).
 * The spacing is `minTime` = 1000 / rate ms, computed in Redis from its own clock, which keeps any
 * one-second window at or under the cap, where a refilled reservoir could let two bursts meet.
 */
export async function createSharedLimiter(o: SharedLimiterOptions): Promise<SharedLimiter> {
  const redis = new Redis(o.redisUrl, { maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000) });
  const connection = new Bottleneck.IORedisConnection({ client: redis });
  const minTime = 1000 / o.ratePerSecond;
  const limiter = new Bottleneck({
    id: o.id,
    datastore: 'ioredis',
    connection,
    clearDatastore: false,
    minTime,
    maxConcurrent: null,
    // Limiter keys expire a day after the last use rather than living forever.
    timeout: 24 * 3600 * 1000,
  });
  const log = o.logger.child({ limiter: o.id });
  limiter.on('error', (err: unknown) => log.error({ err }, 'limiter error'));
  await limiter.ready();
  // The typings say updateSettings returns the limiter; it returns a promise of it (the Redis write).
  await (limiter.updateSettings({ minTime }) as unknown as Promise<Bottleneck>);
  log.info({ ratePerSecond: o.ratePerSecond, minTimeMs: minTime }, 'shared limiter ready');

  const grantTimeoutMs = o.grantTimeoutMs ?? 60_000;
  const expiration = o.callExpirationMs ?? 30_000;

  return {
    schedule<T>(fn: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        let started = false;
        let abandoned = false;
        const timer = setTimeout(() => {
          if (started) return;
          abandoned = true;
          log.error({ grantTimeoutMs }, 'limiter granted no slot in time; abandoning the call');
          reject(new SeederError('LIMITER_STALLED', `the shared limiter granted no slot within ${grantTimeoutMs} ms`));
        }, grantTimeoutMs);
        limiter
          .schedule({ expiration }, async () => {
            // Abandoned calls keep their slot but make no request, so they cannot run late.
            if (abandoned) return undefined;
            started = true;
            clearTimeout(timer);
            return fn();
          })
          .then(
            (v) => {
              if (!abandoned) resolve(v as T);
            },
            (err: unknown) => {
              clearTimeout(timer);
              if (!abandoned) reject(err instanceof Error ? err : new Error(String(err)));
            },
          );
      });
    },
    async close() {
      await limiter.disconnect(true);
      redis.disconnect();
    },
  };
}
