import Bottleneck from 'bottleneck';
import type { RedisClient } from '../redis/redis-client.js';
import { SeederError } from '../errors/seeder-error.js';
import type { Logger } from '../log/logger.js';

export interface SharedLimiterOptions {
  /**
   * Makes a connection of the limiter's own, connecting by itself (not lazy). Bottleneck defines
   * its scripts as commands on it, so it must not be shared; a rebuilt limiter gets a new one.
   */
  readonly connect: () => RedisClient;
  /** Keys are `b_<id>_…`; put the hash tag first so they share the queues' cluster slot. */
  readonly id: string;
  readonly ratePerSecond: number;
  /**
   * The watchdog declares the limiter stuck when calls have waited this long and none was
   * granted meanwhile, default 15000. A healthy fleet waits at most (queued calls / rate).
   */
  readonly stallAfterMs?: number;
  /** How often the watchdog looks, default 2000. */
  readonly watchdogIntervalMs?: number;
  readonly logger: Logger;
}

/** One limiter per SDKAppID, shared through Redis by every worker process on every machine. */
export interface SharedLimiter {
  schedule<T>(fn: () => Promise<T>): Promise<T>;
  /** Times the watchdog found the limiter stuck and reset it. */
  readonly recoveries: number;
  close(): Promise<void>;
}

interface PendingCall {
  readonly since: number;
  /** The Bottleneck instance the call waits on (a rebuild replaces it). */
  readonly on: Bottleneck;
  readonly reject: (err: Error) => void;
}

/**
 * Bottleneck 2.19.5 clustered on Redis, with guards for its known failure modes:
 * - Its own ioredis client: Bottleneck defines its Lua scripts as commands on the client it gets
 *   (names like `free`, `check`), and ioredis re-sends a script by EVAL when Redis answers
 *   NOSCRIPT, so a restarted Redis with an empty script cache does not break it.
 * - Limiter keys lost with a restart are re-created by Bottleneck (SETTINGS_KEY_NOT_FOUND path);
 *   the settings are re-applied on start so every process runs the configured rate.
 * - Dead clients: without maxConcurrent nothing is held per client, so a killed process never
 *   leaves capacity taken. (No job `expiration` either: it would reject a slow call that is still
 *   in flight and lose its answer.)
 * - Hangs: a watchdog notices calls that wait while nothing is granted (a corrupted or
 *   tampered limiter state, a lost pub/sub message), logs it loudly, fails the waiting calls
 *   with LIMITER_STALLED (their jobs wait and retry without using an attempt) and rebuilds the
 *   limiter from the configured settings, clearing its Redis state.
 * - CROSSSLOT: every key of the limiter carries the same hash tag (`id` starts with it).
 * The spacing is `minTime` = 1000 / rate ms, computed in Redis from its own clock, which keeps any
 * one-second window at or under the cap, where a refilled reservoir could let two bursts meet.
 */
export async function createSharedLimiter(o: SharedLimiterOptions): Promise<SharedLimiter> {
  const log = o.logger.child({ limiter: o.id });
  const minTime = 1000 / o.ratePerSecond;
  const stallAfterMs = o.stallAfterMs ?? 15_000;

  interface Built {
    readonly limiter: Bottleneck;
    readonly connection: Bottleneck.IORedisConnection;
  }
  const build = async (clearDatastore: boolean): Promise<Built> => {
    const connection = new Bottleneck.IORedisConnection({ client: o.connect() });
    const limiter = new Bottleneck({
      id: o.id,
      datastore: 'ioredis',
      connection,
      clearDatastore,
      minTime,
      maxConcurrent: null,
      // Limiter keys expire a day after the last use rather than living forever.
      timeout: 24 * 3600 * 1000,
    });
    limiter.on('error', (err: unknown) => log.error({ err }, 'limiter error'));
    await limiter.ready();
    // The typings say updateSettings returns the limiter; it returns a promise of it (the Redis write).
    await (limiter.updateSettings({ minTime }) as unknown as Promise<Bottleneck>);
    return { limiter, connection };
  };
  const retire = async (b: Built): Promise<void> => {
    await b.limiter.disconnect(false);
    await b.connection.disconnect(false);
  };

  let current = await build(false);
  log.info({ ratePerSecond: o.ratePerSecond, minTimeMs: minTime }, 'shared limiter ready');
  const pending = new Map<number, PendingCall>();
  let nextId = 0;
  let lastGrantAt = Date.now();
  let recoveries = 0;
  let recovering = false;

  const watchdog = setInterval(() => {
    if (recovering || pending.size === 0) return;
    const now = Date.now();
    const oldest = Math.min(...[...pending.values()].map((p) => p.since));
    if (now - oldest < stallAfterMs || now - lastGrantAt < stallAfterMs) return;
    recovering = true;
    recoveries += 1;
    log.error(
      { waitingCalls: pending.size, waitedMs: now - oldest, msSinceLastGrant: now - lastGrantAt },
      'LIMITER STALLED: calls are waiting and nothing was granted; failing them for a later retry and resetting the shared limiter',
    );
    const stalled = new SeederError('LIMITER_STALLED', `the shared limiter granted nothing for ${now - lastGrantAt} ms`);
    const failPendingOn = (limiter: Bottleneck): void => {
      for (const [id, p] of pending) {
        if (p.on !== limiter) continue;
        pending.delete(id);
        p.reject(stalled);
      }
    };
    const old = current;
    failPendingOn(old.limiter);
    build(true)
      .then((fresh) => {
        current = fresh;
        lastGrantAt = Date.now();
        log.warn('shared limiter rebuilt');
        // Calls scheduled while the new limiter was being built went to the old one, which is retired now.
        failPendingOn(old.limiter);
        return retire(old);
      })
      .catch((err: unknown) => log.error({ err }, 'could not rebuild the shared limiter; will try again'))
      .finally(() => (recovering = false));
  }, o.watchdogIntervalMs ?? 2000);
  watchdog.unref();

  return {
    get recoveries() {
      return recoveries;
    },
    schedule<T>(fn: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const id = nextId++;
        // Once the watchdog gave up on a call, its slot may still come: it must not send then.
        let abandoned = false;
        const on = current.limiter;
        pending.set(id, {
          since: Date.now(),
          on,
          reject: (err) => {
            abandoned = true;
            reject(err);
          },
        });
        on
          .schedule(async () => {
            lastGrantAt = Date.now();
            if (!pending.delete(id) || abandoned) return undefined;
            return fn();
          })
          .then(
            (v) => {
              if (!abandoned) resolve(v as T);
            },
            (err: unknown) => {
              pending.delete(id);
              if (!abandoned) reject(err instanceof Error ? err : new Error(String(err)));
            },
          );
      });
    },
    async close() {
      clearInterval(watchdog);
      await retire(current);
    },
  };
}
