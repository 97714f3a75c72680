import type { JobsOptions } from 'bullmq';
import { QUEUE_PRIORITY, type Priority } from '../domain/priority.js';

export interface RetrySettings {
  readonly jobAttempts: number;
  readonly backoffDelayMs: number;
}

/**
 * Options of every seed job. Completed jobs are removed at once, so that enqueueing the
 * same input again later (a campaign re-adding robots that lapsed) is a new job, not a
 * silent duplicate; the completed count lives in BullMQ's metrics. Failed jobs are kept:
 * they are the other half of each dead-letter entry, and `dlq replay` retries them.
 * `priority` is the job's lane (default low: job files and campaigns).
 */
export function seedJobOptions(s: RetrySettings, priority: Priority = 'low'): JobsOptions {
  return {
    attempts: s.jobAttempts,
    backoff: { type: 'exponential', delay: s.backoffDelayMs, jitter: 0.5 },
    priority: QUEUE_PRIORITY[priority],
    removeOnComplete: true,
    removeOnFail: false,
  };
}
