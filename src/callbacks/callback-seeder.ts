import type { JobsOptions } from 'bullmq';
import type { RedisClient } from '../redis/redis-client.js';
import type { Logger } from '../log/logger.js';
import type { SeedRequest } from '../domain/seed-request.js';
import { enqueueRequests } from '../queue/enqueue-requests.js';
import type { JobSink } from '../queue/write-jobs.js';

export interface CallbackSeederOptions {
  readonly jobs: JobSink;
  readonly redis: RedisClient;
  readonly keyPrefix: string;
  readonly maxRobotsPerCall: number;
  readonly jobOptions: JobsOptions;
  readonly logger: Logger;
}

/** How long a room counts as seeded by a callback, so a repeated callback adds nothing. */
const DEDUPE_SECONDS = 3600;
/** Waits before the 2nd, 3rd, ... enqueue attempt. Exported for the drain bound the Kubernetes kit is held to. */
export const RETRY_DELAYS_MS: readonly number[] = [1000, 3000];

/**
 * Enqueues the robots of rooms announced by callbacks, after the callback was answered.
 * A room is seeded once per DEDUPE_SECONDS (Tencent may repeat a callback, and a pool draw
 * would differ each time); a failed enqueue is retried, then logged as an error with the
 * group id: nothing is dropped without a trace. `settled()` and `close()` wait for the enqueues in progress.
 */
export class CallbackSeeder {
  readonly #o: CallbackSeederOptions;
  /** Enqueues started and not finished; settled() waits for them. */
  readonly #pending = new Set<Promise<void>>();

  constructor(o: CallbackSeederOptions) {
    this.#o = o;
  }

  /** Starts the enqueue and returns at once; the returned promise (never rejecting) is for tests. */
  seed(request: SeedRequest): Promise<void> {
    const p = this.#seed(request).finally(() => this.#pending.delete(p));
    this.#pending.add(p);
    return p;
  }

  /**
   * Resolves when every enqueue started before the call has finished (enqueued, ignored as a
   * repeat, or given up and logged). A barrier: after it, a callback either enqueued or never will.
   */
  async settled(): Promise<void> {
    await Promise.all([...this.#pending]);
  }

  close(): Promise<void> {
    return this.settled();
  }

  async #seed(request: SeedRequest): Promise<void> {
    const { redis, logger } = this.#o;
    const log = logger.child({ groupId: request.groupId });
    const dedupeKey = `${this.#o.keyPrefix}:callbacks:created:${request.groupId}`;
    try {
      const first = await redis.set(dedupeKey, '1', 'EX', DEDUPE_SECONDS, 'NX');
      if (first === null) {
        log.info('room already seeded by an earlier callback; ignoring the repeat');
        return;
      }
    } catch (err) {
      // Without the check a repeat may seed twice, which is harmless; losing the room is not.
      log.warn({ err }, 'could not record the callback; enqueueing anyway');
    }
    const delays = [0, ...RETRY_DELAYS_MS];
    for (const [attempt, delayMs] of delays.entries()) {
      // The global setTimeout, not timers/promises: the unit tests drive these waits with fake timers.
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      try {
        const r = await enqueueRequests(this.#o.jobs, [request], {
          command: 'add_robots',
          maxRobotsPerCall: this.#o.maxRobotsPerCall,
          jobOptions: this.#o.jobOptions,
        });
        log.info({ robots: request.robots.length, jobs: r.jobs }, 'new live room: robots enqueued');
        return;
      } catch (err) {
        log.warn({ err, attempt: attempt + 1, of: delays.length }, 'enqueueing the robots of a new room failed');
      }
    }
    log.error({ robots: request.robots }, 'new live room NOT seeded: enqueueing failed every time; enqueue it by hand');
    await redis.del(dedupeKey).catch(() => undefined);
  }
}
