/**
 * The figures of `status --json` (a contract scripts rely on: integers, these names). Types and
 * sums only, no I/O: the library's declarations refer to them (read-queue-status.ts reads them).
 */
export interface QueueStatus {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  /** Every job completed since the queue was made, from BullMQ's metrics (completed jobs are not kept). */
  readonly completed: number;
  readonly deadLetter: number;
}

/** The figures of several apps: `status --json` keeps the totals and adds `apps`, each app's own. */
export interface FleetQueueStatus extends QueueStatus {
  readonly apps: Readonly<Record<string, QueueStatus>>;
}

/**
 * What `status --json` and GET /v1/status answer: the totals of the apps, and with APPS_FILE each
 * app's own figures under `apps`. Without APPS_FILE, exactly the five integers of before apps existed.
 */
export type StatusReport = QueueStatus & Partial<Pick<FleetQueueStatus, 'apps'>>;

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
