import type { CallStatsSnapshot } from '../metrics/call-stats.js';
import type { QueueStatus } from '../queue/queue-status.js';
import type { EnqueueSummary } from '../queue/enqueue-job-file.js';

/** What `run` prints at the end (`--json`: this object on one line). */
export interface RunReport {
  readonly file: string;
  readonly lines: number;
  readonly jobs: number;
  readonly seeded: number;
  /** Failed attempts that were retried, by error (code, `http <status>` or `network`). */
  readonly retried: number;
  readonly deadLettered: number;
  readonly deadLetteredByCode: Readonly<Record<string, number>>;
  readonly calls: number;
  readonly callsByError: Readonly<Record<string, number>>;
  /** Calls per second this process achieved between its first and last call. */
  readonly callsPerSecond: number;
  readonly rateLimitPerSecond: number;
  readonly durationMs: number;
  readonly queue: QueueStatus;
}

export function buildRunReport(input: {
  enqueue: EnqueueSummary;
  seeded: number;
  retried: number;
  deadLetteredByCode: ReadonlyMap<string, number>;
  calls: CallStatsSnapshot;
  rateLimitPerSecond: number;
  durationMs: number;
  queue: QueueStatus;
}): RunReport {
  const byCode = Object.fromEntries(input.deadLetteredByCode);
  return {
    file: input.enqueue.file,
    lines: input.enqueue.lines,
    jobs: input.enqueue.jobs,
    seeded: input.seeded,
    retried: input.retried,
    deadLettered: Object.values(byCode).reduce((a, b) => a + b, 0),
    deadLetteredByCode: byCode,
    calls: input.calls.calls,
    callsByError: input.calls.byError,
    callsPerSecond: Math.round(input.calls.callsPerSecond * 10) / 10,
    rateLimitPerSecond: input.rateLimitPerSecond,
    durationMs: input.durationMs,
    queue: input.queue,
  };
}

export function describeRunReport(r: RunReport): string {
  const list = (o: Readonly<Record<string, number>>): string =>
    Object.entries(o)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ×${v}`)
      .join(', ');
  const rows: Array<[string, string]> = [
    ['file', r.file],
    ['jobs', `${r.jobs} (from ${r.lines} lines)`],
    ['seeded', `${r.seeded} jobs`],
    ['retried', `${r.retried} failed attempts retried`],
    ['dead-lettered', r.deadLettered === 0 ? '0' : `${r.deadLettered} jobs: ${list(r.deadLetteredByCode)}  (see: robot-seeder dlq list)`],
    ['calls', `${r.calls} in ${(r.durationMs / 1000).toFixed(1)} s, ${r.callsPerSecond} calls/s (cap ${r.rateLimitPerSecond}/s)`],
    ['call errors', Object.keys(r.callsByError).length === 0 ? 'none' : list(r.callsByError)],
    [
      'queue now',
      `waiting ${r.queue.waiting}, active ${r.queue.active}, delayed ${r.queue.delayed}, completed ${r.queue.completed}, dead-letter ${r.queue.deadLetter}`,
    ],
  ];
  return `run report\n${rows.map(([k, v]) => `  ${k.padEnd(14)} ${v}`).join('\n')}\n`;
}
