/**
 * Priority lanes. A live room created a second ago should get its robots now, not after tonight's
 * bulk file: callbacks are high, the HTTP API normal, job files and campaigns low.
 */
export const PRIORITIES = ['high', 'normal', 'low'] as const;
export type Priority = (typeof PRIORITIES)[number];

/**
 * BullMQ's priority of each lane (1 is taken first). Every job has one: BullMQ takes the jobs of
 * its plain wait list before all prioritized ones, and puts a job back after a retry with its
 * priority, so a lane holds for retries too only if no job is left without.
 */
export const QUEUE_PRIORITY: Readonly<Record<Priority, number>> = Object.freeze({ high: 1, normal: 2, low: 3 });

/**
 * The limiter's priority of each lane (Bottleneck's: 0 is served first; a call that came too late
 * for its slot goes one step ahead). A high job taken while a worker holds low ones waiting for
 * slots goes ahead of them.
 */
export const LIMITER_PRIORITY: Readonly<Record<Priority, number>> = Object.freeze({ high: 1, normal: 3, low: 5 });

/** The lane of a job from its BullMQ priority; a job without one (enqueued before lanes existed) is low. */
export function laneOfQueuePriority(priority: number | undefined): Priority {
  return priority === QUEUE_PRIORITY.high ? 'high' : priority === QUEUE_PRIORITY.normal ? 'normal' : 'low';
}

export function isPriority(v: unknown): v is Priority {
  return (PRIORITIES as readonly unknown[]).includes(v);
}
