import type { JobsOptions } from 'bullmq';
import type { RobotCommand } from '../domain/robot-command.js';
import { isSeederError, SeederError } from '../errors/seeder-error.js';
import { bufferJobFile } from '../input/buffer-job-file.js';
import { invalidLinesError } from '../input/invalid-lines.js';
import type { IntakeTally, LineProblem } from '../input/job-file-intake.js';
import { jobFileLabel } from '../input/job-file-source.js';
import type { InputFormat } from '../input/read-job-file.js';
import { describeRedisFailure, isRedisFull } from '../redis/redis-failure.js';
import { planJobs } from './plan-jobs.js';
import { NOTHING_WRITTEN, writeJobs, type EnqueueProgress, type JobSink } from './write-jobs.js';

export interface EnqueueJobFileOptions {
  /** A path, or `-` for standard input. */
  readonly file: string;
  readonly command: RobotCommand;
  /** Enqueue the valid lines of a file with invalid ones, instead of refusing it whole. */
  readonly skipInvalid: boolean;
  readonly format: InputFormat | undefined;
  readonly maxRobotsPerLine: number;
  /** The app names a line's `"app"` may give (the apps configured): its jobs go to that app's queue. */
  readonly apps: readonly string[];
  /** Whether each line must name its app (several apps, no default): `sink` routes by the name. */
  readonly appRequired: boolean;
  readonly maxRobotsPerCall: number;
  readonly jobOptions: JobsOptions;
  /** Planned jobs kept in memory up to this many bytes (of their JSON text); the rest wait in a temporary spool file. */
  readonly memoryBytes: number;
  /** `addBulk` calls in flight at once; default DEFAULT_WRITE_DEPTH. */
  readonly depth?: number;
  /** Stops reading or writing; the error then says how far it got (SeederError('INTERRUPTED')). */
  readonly signal?: AbortSignal;
  /** Progress of the first phase: after every line read (`finished` false), and once at its end. */
  readonly onRead?: (tally: IntakeTally, finished: boolean) => void;
  /** Progress of the second phase: after every chunk Redis acknowledged, with the lines to go in all. */
  readonly onWritten?: (written: EnqueueProgress, validLines: number) => void;
}

/** The summary `enqueue --json` prints (one line). */
export interface EnqueueSummary {
  readonly file: string;
  readonly lines: number;
  readonly enqueuedLines: number;
  readonly jobs: number;
  /** Of `jobs`: new work; already waiting or running (left as they were); new work that replaced a dead letter. */
  readonly added: number;
  readonly alreadyQueued: number;
  readonly superseded: number;
  readonly invalidLines: number;
  readonly duplicatesRemoved: number;
  readonly invalid: readonly LineProblem[];
  readonly durationMs: number;
  readonly jobsPerSecond: number;
}

const RUN_AGAIN = 'run the same command again: jobs already in the queue are not added twice';

/**
 * Reads a job file once, validating and planning every line (jobs kept in memory up to a
 * bound, then spooled to a temporary file), and only then writes the jobs to the seed queue,
 * several `addBulk` calls in flight. Without `skipInvalid` a file with any bad line is refused
 * whole before anything is written. If Redis fails half-way the error says how many lines and
 * jobs Redis acknowledged; running the same command again is safe.
 */
export async function enqueueJobFile(sink: JobSink, o: EnqueueJobFileOptions): Promise<EnqueueSummary> {
  const started = Date.now();
  const label = jobFileLabel(o.file);
  const intake = await bufferJobFile(o.file, {
    format: o.format,
    maxRobotsPerLine: o.maxRobotsPerLine,
    apps: o.apps,
    appRequired: o.appRequired,
    signal: o.signal,
    plan: (request) => planJobs(o.command, request, o.maxRobotsPerCall),
    memoryBytes: o.memoryBytes,
    refuseInvalid: !o.skipInvalid,
    onLine: (tally) => o.onRead?.(tally, false),
  }).catch((err: unknown) => {
    throw o.signal?.aborted === true ? interrupted(`interrupted while reading ${label}; nothing was enqueued`, err) : err;
  });
  const { tally } = intake;
  let written: EnqueueProgress = NOTHING_WRITTEN;
  try {
    o.onRead?.(tally, true);
    if (tally.invalid > 0 && !o.skipInvalid) {
      throw invalidLinesError(
        o.file,
        tally,
        'nothing was enqueued',
        'fix these lines and run again, or pass --skip-invalid to enqueue the valid lines and list the rest',
      );
    }
    written = await writeJobs(sink, intake.records.drain(), {
      jobOptions: o.jobOptions,
      depth: o.depth,
      signal: o.signal,
      onProgress: (p) => {
        written = p;
        o.onWritten?.(p, tally.valid);
      },
    });
  } catch (err) {
    throw stoppedError(label, written, tally, err, o.signal);
  } finally {
    await intake.close();
  }
  const durationMs = Date.now() - started;
  return {
    file: o.file,
    lines: tally.lines,
    enqueuedLines: written.requests,
    jobs: written.jobs,
    added: written.added,
    alreadyQueued: written.jobs - written.added,
    superseded: written.superseded,
    invalidLines: tally.invalid,
    duplicatesRemoved: tally.duplicatesRemoved,
    invalid: tally.problems,
    durationMs,
    jobsPerSecond: durationMs > 0 ? Math.round((written.jobs * 1000) / durationMs) : written.jobs,
  };
}

/** Why the writing stopped, with what Redis acknowledged before it did. */
function stoppedError(label: string, written: EnqueueProgress, tally: IntakeTally, err: unknown, signal: AbortSignal | undefined): unknown {
  const inRedis = `${written.jobs} jobs in Redis`;
  if (signal?.aborted === true) {
    return interrupted(`enqueueing ${label} was interrupted after ${written.requests} of ${tally.valid} lines (${inRedis})`, err);
  }
  if (isSeederError(err)) {
    // An input refusal comes before any write; a later failure (the spool) also says how far it got.
    if (written.jobs > 0) err.message += `; enqueueing stopped after ${written.requests} lines (${inRedis})`;
    return err;
  }
  return new SeederError(
    'REDIS_UNAVAILABLE',
    `enqueueing ${label} stopped after ${written.requests} lines (${inRedis}): ${describeRedisFailure(err)}`,
    {
      hint: isRedisFull(err) ? `free memory in Redis or raise its maxmemory, then ${RUN_AGAIN}` : `once Redis answers again, ${RUN_AGAIN}`,
      cause: err,
    },
  );
}

function interrupted(message: string, cause: unknown): SeederError {
  return new SeederError('INTERRUPTED', message, { hint: `to finish, ${RUN_AGAIN}`, cause });
}
