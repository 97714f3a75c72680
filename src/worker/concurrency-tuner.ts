import type { Logger } from '../log/logger.js';

export interface ConcurrencyTunerOptions {
  /** Reads and sets the worker's concurrency (BullMQ's `worker.concurrency`). */
  readonly target: { concurrency: number };
  /** Recent call latency in ms. */
  readonly latencyMs: () => number;
  /** How long a job stays in hand after its call's answer, in ms (the completion batch's hold). */
  readonly heldMs: number;
  readonly ratePerSecond: number;
  /** Never below this (the configured WORKER_CONCURRENCY). */
  readonly min: number;
  /** Never above this (WORKER_MAX_CONCURRENCY). */
  readonly max: number;
  /** How often to adjust, default 2000. */
  readonly intervalMs?: number;
  readonly logger: Logger;
}

/**
 * Little's law: keeping `rate` calls per second going when each job is in hand `latency` seconds
 * (its call, and the completion batch's hold after it) needs rate × latency jobs in hand. When
 * the API slows down, a fixed concurrency would cap the rate below the limiter's; this raises it
 * (with 50% headroom), and lowers it again after.
 */
export function neededConcurrency(ratePerSecond: number, latencyMs: number, min: number, max: number): number {
  const needed = Math.ceil((ratePerSecond * latencyMs * 1.5) / 1000);
  return Math.max(min, Math.min(max, needed));
}

export function startConcurrencyTuner(o: ConcurrencyTunerOptions): { stop(): void } {
  const timer = setInterval(() => {
    const latency = o.latencyMs();
    if (latency <= 0) return;
    const next = neededConcurrency(o.ratePerSecond, latency + o.heldMs, o.min, o.max);
    if (next !== o.target.concurrency) {
      o.logger.info(
        { from: o.target.concurrency, to: next, latencyMs: Math.round(latency) },
        'worker concurrency adjusted to the API latency',
      );
      o.target.concurrency = next;
    }
  }, o.intervalMs ?? 2000);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
