import type { SeedQueue } from './seed-queue.js';

/** The figures of `status --json` (a contract scripts rely on: integers, these names). */
export interface QueueStatus {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  /** Every job completed since the queue was made, from BullMQ's metrics (completed jobs are not kept). */
  readonly completed: number;
  readonly deadLetter: number;
}

export async function readQueueStatus(seed: SeedQueue, deadLetterCount: () => Promise<number>): Promise<QueueStatus> {
  const [counts, metrics, deadLetter] = await Promise.all([
    seed.getJobCounts('wait', 'prioritized', 'active', 'delayed'),
    seed.getMetrics('completed', 0, 0),
    deadLetterCount(),
  ]);
  const n = (k: string): number => counts[k] ?? 0;
  return {
    waiting: n('wait') + n('prioritized'),
    active: n('active'),
    delayed: n('delayed'),
    completed: metrics.meta.count,
    deadLetter,
  };
}
/** The figures of several apps: `status --json` keeps the totals and adds `apps`, each app's own. */
export interface FleetQueueStatus extends QueueStatus {
  readonly apps: Readonly<Record<string, QueueStatus>>;
}

export function sumQueueStatus(each: readonly QueueStatus[]): QueueStatus {
  const sum = (k: keyof QueueStatus): number => each.reduce((a, s) => a + s[k], 0);
  return {
    waiting: sum('waiting'),
    active: sum('active'),
    delayed: sum('delayed'),
    completed: sum('completed'),
    deadLetter: sum('deadLetter'),
  };
}

/** True when nothing is left to do (no job waiting, active or delayed). */
export function isDrained(s: QueueStatus): boolean {
  return s.waiting + s.active + s.delayed === 0;
}
