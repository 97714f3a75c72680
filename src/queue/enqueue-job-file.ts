import type { JobsOptions } from 'bullmq';
import type { RobotCommand } from '../domain/robot-command.js';
import { bufferJobFile } from '../input/buffer-job-file.js';
import { invalidLinesError } from '../input/invalid-lines.js';
import type { IntakeTally, LineProblem } from '../input/job-file-intake.js';
import { jobFileLabel } from '../input/job-file-source.js';
import type { InputFormat } from '../input/read-job-file.js';
import { enqueueChecked, EnqueueStopped, type EnqueueOutcome } from './enqueue-checked.js';
import { enqueueStoppedError, interruptedError } from './enqueue-stopped-error.js';
import type { EnqueueProgress, JobSink } from './write-jobs.js';

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

/** How to finish an enqueue that stopped: the CLI's words. */
const RUN_AGAIN = 'run the same command again';

/**
 * Reads a job file once, validating and planning every line (jobs kept in memory up to a
 * bound, then spooled to a temporary file), and only then writes the jobs to the seed queue,
 * several `addBulk` calls in flight (enqueueChecked, the path the HTTP API and the producer
 * library take too). Without `skipInvalid` a file with any bad line is refused whole before
 * anything is written. If Redis fails half-way the error says how many lines and jobs Redis
 * acknowledged; running the same command again is safe.
 */
export async function enqueueJobFile(sink: JobSink, o: EnqueueJobFileOptions): Promise<EnqueueSummary> {
  const started = Date.now();
  const label = jobFileLabel(o.file);
  let outcome: EnqueueOutcome<IntakeTally>;
  try {
    outcome = await enqueueChecked(
      sink,
      (buffering) =>
        bufferJobFile(o.file, {
          ...buffering,
          format: o.format,
          maxRobotsPerLine: o.maxRobotsPerLine,
          apps: o.apps,
          appRequired: o.appRequired,
          signal: o.signal,
          onLine: (tally) => o.onRead?.(tally, false),
        }),
      {
        command: o.command,
        maxRobotsPerCall: o.maxRobotsPerCall,
        jobOptions: o.jobOptions,
        memoryBytes: o.memoryBytes,
        skipInvalid: o.skipInvalid,
        depth: o.depth,
        signal: o.signal,
        onChecked: (tally) => o.onRead?.(tally, true),
        onWritten: (p, tally) => o.onWritten?.(p, tally.valid),
      },
    );
  } catch (err) {
    if (err instanceof EnqueueStopped) throw enqueueStoppedError(err, { what: label, items: 'lines', again: RUN_AGAIN, signal: o.signal });
    throw o.signal?.aborted === true ? interruptedError(`interrupted while reading ${label}; nothing was enqueued`, err, RUN_AGAIN) : err;
  }
  const { tally } = outcome;
  if (outcome.refused) {
    throw invalidLinesError(
      o.file,
      tally,
      'nothing was enqueued',
      'fix these lines and run again, or pass --skip-invalid to enqueue the valid lines and list the rest',
    );
  }
  const { written } = outcome;
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
