import type { JobsOptions } from 'bullmq';

export interface RetrySettings {
  readonly jobAttempts: number;
  readonly backoffDelayMs: number;
}

/**
 * Options of every seed job. Completed jobs are removed at once, so that enqueueing the
 * same input again later (a campaign re-adding robots that lapsed) is a new job, not a
 * silent duplicate; the completed count lives in BullMQ's metrics. Failed jobs are kept:
 * they are the other half of each dead-letter entry, and `dlq replay` retries them.
 */
export function seedJobOptions(s: RetrySettings): JobsOptions {
  return {
    attempts: s.jobAttempts,
    backoff: { type: 'exponential', delay: s.backoffDelayMs, jitter: 0.5 },
    removeOnComplete: true,
    removeOnFail: false,
  };
}
