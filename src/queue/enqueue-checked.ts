import type { JobsOptions } from 'bullmq';
import type { RobotCommand } from '../domain/robot-command.js';
import type { SeedRequest } from '../domain/seed-request.js';
import type { BufferedInput, BufferRequestsOptions, InvalidCount } from '../input/buffer-requests.js';
import { planJobs, type PlannedJob } from './plan-jobs.js';
import { NOTHING_WRITTEN, writeJobs, type EnqueueProgress, type JobSink } from './write-jobs.js';

/** What the core needs of an input's tally: how many items were invalid, how many valid. */
export interface CheckedCount extends InvalidCount {
  readonly valid: number;
}

/**
 * Reads the caller's input once with these settings (bufferJobFile for a job file,
 * bufferRequests over validItems for a list): each item validated and planned as it is read.
 */
export type ReadInput<Tally> = (o: BufferRequestsOptions<PlannedJob[]>) => Promise<BufferedInput<PlannedJob[], Tally>>;

export interface EnqueueCheckedOptions<Tally> {
  readonly command: RobotCommand;
  readonly maxRobotsPerCall: number;
  readonly jobOptions: JobsOptions;
  /** Planned jobs kept in memory up to this many bytes (of their JSON text); the rest wait in a temporary spool file. */
  readonly memoryBytes: number;
  /** Enqueue the valid items of an input with invalid ones, instead of refusing it whole. */
  readonly skipInvalid: boolean;
  /** `addBulk` calls in flight at once; default DEFAULT_WRITE_DEPTH. */
  readonly depth?: number;
  /** Stops reading or writing. */
  readonly signal?: AbortSignal;
  /** The jobs of each valid item as it is planned, in input order (for answers that list job ids; meaningless if refused). */
  readonly onPlanned?: (jobs: readonly PlannedJob[]) => void;
  /** Once, when the whole input was read, before anything is written or the input refused. */
  readonly onChecked?: (tally: Tally) => void;
  /** After every chunk Redis acknowledged, with the running totals. */
  readonly onWritten?: (written: EnqueueProgress, tally: Tally) => void;
}

export type EnqueueOutcome<Tally> =
  { readonly refused: true; readonly tally: Tally } | { readonly refused: false; readonly tally: Tally; readonly written: EnqueueProgress };

/**
 * The writing stopped part-way (Redis failed, the signal fired, the spool could not be read back):
 * `written` is what Redis acknowledged before, nothing else, so that a caller says truthfully how
 * far it got; `cause` is why.
 */
export class EnqueueStopped extends Error {
  override readonly name = 'EnqueueStopped';
  readonly written: EnqueueProgress;
  /** The valid items whose jobs were being written. */
  readonly planned: number;

  constructor(written: EnqueueProgress, planned: number, cause: unknown) {
    super('enqueueing stopped', { cause });
    this.written = written;
    this.planned = planned;
  }
}

/**
 * The one enqueue path of job files (`enqueue`, `run`), the HTTP API and the producer library:
 * the whole input read and checked first, each valid item planned into jobs (kept in memory up
 * to a bound, then spooled); an input with any invalid item refused whole unless `skipInvalid`,
 * nothing written; then the jobs written through `sink` (QueueRuntime.jobs or routeJobsByApp: a
 * dead-lettered job enqueued again supersedes its dead letter), several `addBulk` calls in
 * flight. Job ids are content hashes, so enqueueing the same input again adds nothing twice.
 * Reading errors are thrown as they are (nothing was written); writing errors as EnqueueStopped.
 */
export async function enqueueChecked<Tally extends CheckedCount>(
  sink: JobSink,
  read: ReadInput<Tally>,
  o: EnqueueCheckedOptions<Tally>,
): Promise<EnqueueOutcome<Tally>> {
  const plan = (request: SeedRequest): PlannedJob[] => {
    const jobs = planJobs(o.command, request, o.maxRobotsPerCall);
    o.onPlanned?.(jobs);
    return jobs;
  };
  const input = await read({ plan, memoryBytes: o.memoryBytes, refuseInvalid: !o.skipInvalid });
  const { tally } = input;
  try {
    o.onChecked?.(tally);
    if (tally.invalid > 0 && !o.skipInvalid) return { refused: true, tally };
    let written = NOTHING_WRITTEN;
    try {
      written = await writeJobs(sink, input.records.drain(), {
        jobOptions: o.jobOptions,
        depth: o.depth,
        signal: o.signal,
        onProgress: (p) => {
          written = p;
          o.onWritten?.(p, tally);
        },
      });
    } catch (err) {
      throw new EnqueueStopped(written, tally.valid, err);
    }
    return { refused: false, tally, written };
  } finally {
    await input.close();
  }
}
