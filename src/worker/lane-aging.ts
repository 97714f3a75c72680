import type { Queue } from 'bullmq';
import { QUEUE_PRIORITY } from '../domain/priority.js';
import type { Logger } from '../log/logger.js';
import type { RedisClient } from '../redis/redis-client.js';

export interface LaneAgingOptions {
  readonly queue: Queue;
  readonly redis: RedisClient;
  readonly prefix: string;
  /** The app's calls per second: each second, a twentieth of it moves up from each lower lane. */
  readonly ratePerSecond: number;
  readonly logger: Logger;
  /** How often, default 1000 ms. */
  readonly intervalMs?: number;
}

/** Of the app's rate, the share each lower lane is guaranteed while higher lanes have work waiting. */
export const AGING_SHARE = 0.05;
/**
 * BullMQ orders its prioritized set by `priority × 2^32 + counter` (includes/getPriorityScore.lua),
 * so one lane's jobs, oldest first, are one band of scores. test/integration/priority-lanes.test.ts
 * fails if a BullMQ release changes this.
 */
const BAND = 0x100000000;

/**
 * Priority lanes without starvation. BullMQ's priorities are strict: while high or normal work
 * keeps coming faster than the app's rate, low jobs would wait forever. Each second, while a
 * higher lane has jobs waiting, the oldest few jobs of each lower lane move up one lane (to its
 * end), so every lane gets at least AGING_SHARE of the rate and every job is called in the end.
 * One worker of the fleet does it each second (a lock in Redis), so the share does not grow with
 * the number of workers.
 */
export function startLaneAging(o: LaneAgingOptions): { stop(): Promise<void> } {
  const intervalMs = o.intervalMs ?? 1000;
  const perTick = Math.max(1, Math.round(o.ratePerSecond * AGING_SHARE * (intervalMs / 1000)));
  const lockKey = `${o.prefix}:lanes:aging`;
  const lanes = [QUEUE_PRIORITY.high, QUEUE_PRIORITY.normal, QUEUE_PRIORITY.low];
  let running: Promise<void> | null = null;

  const tick = async (): Promise<void> => {
    // Held a little less than a tick: the next tick, on any worker, may take it.
    if ((await o.redis.set(lockKey, '1', 'PX', Math.max(1, intervalMs - 50), 'NX')) === null) return;
    const counts = await o.queue.getCountsPerPriority(lanes);
    let higherWaiting = 0;
    for (const lane of lanes) {
      const waiting = counts[String(lane)] ?? 0;
      if (higherWaiting > 0 && waiting > 0) await promoteOldest(lane, perTick);
      higherWaiting += waiting;
    }
  };

  const promoteOldest = async (lane: number, n: number): Promise<void> => {
    const ids = await o.redis.zrangebyscore(o.queue.keys['prioritized'] ?? '', lane * BAND, (lane + 1) * BAND - 1, 'LIMIT', 0, n);
    let moved = 0;
    for (const id of ids) {
      const job = await o.queue.getJob(id);
      // Taken by a worker meanwhile: nothing to move.
      if (job === undefined) continue;
      await job.changePriority({ priority: lane - 1 }).then(
        () => (moved += 1),
        () => undefined,
      );
    }
    if (moved > 0)
      o.logger.debug({ from: lane, to: lane - 1, moved }, 'oldest jobs of a lower lane moved up: higher lanes have had work waiting');
  };

  const timer = setInterval(() => {
    // A tick slower than the interval (Redis busy) is not stacked with the next.
    if (running !== null) return;
    running = tick()
      .catch((err: unknown) => o.logger.warn({ err }, 'lane aging: cannot read or move jobs; trying again next second'))
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
