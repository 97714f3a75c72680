import { SeederError } from '../errors/seeder-error.js';
import type { RobotCommand } from '../domain/robot-command.js';
import type { InputFormat } from '../input/read-job-file.js';
import type { QueueRuntime } from '../app/queue-runtime.js';
import { enqueueRequests } from '../queue/enqueue-requests.js';
import { seedJobOptions } from '../queue/job-options.js';
import { checkJobFile, newTally, validRequests, type LineProblem } from './job-file-intake.js';
import { ProgressBar } from './progress-bar.js';

export interface EnqueueFileOptions {
  readonly file: string;
  readonly command: RobotCommand;
  readonly skipInvalid: boolean;
  readonly format: InputFormat | undefined;
  /** Draw progress on stderr. */
  readonly progress: boolean;
}

/** The summary `enqueue --json` prints (one line). */
export interface EnqueueSummary {
  readonly file: string;
  readonly lines: number;
  readonly enqueuedLines: number;
  readonly jobs: number;
  readonly invalidLines: number;
  readonly duplicatesRemoved: number;
  readonly invalid: readonly LineProblem[];
  readonly durationMs: number;
  readonly jobsPerSecond: number;
}

/**
 * Validates, then streams a job file into the seed queue. Without `skipInvalid` the file is
 * read twice: once to refuse it whole if any line is bad, once to enqueue. If Redis fails
 * half-way the error says how far it got; running the same command again is safe.
 */
export async function enqueueFile(q: QueueRuntime, o: EnqueueFileOptions): Promise<EnqueueSummary> {
  const started = Date.now();
  const readOptions = { format: o.format, maxRobotsPerLine: q.config.maxRobotsPerLine };
  let total: number | undefined;
  if (!o.skipInvalid) {
    const check = new ProgressBar(process.stderr, 'checking', o.progress);
    const checked = await checkJobFile(o.file, readOptions, (t) => check.update(t.lines, undefined, 'lines'));
    check.finish(checked.lines, undefined, 'lines');
    total = checked.valid;
  }
  const bar = new ProgressBar(process.stderr, 'enqueue ', o.progress);
  const tally = newTally();
  let written = { requests: 0, jobs: 0 };
  try {
    written = await enqueueRequests(q.seed, validRequests(o.file, readOptions, tally), {
      command: o.command,
      maxRobotsPerCall: q.config.maxRobotsPerCall,
      jobOptions: seedJobOptions(q.config),
      onProgress: (p) => {
        written = p;
        bar.update(p.requests, total, `lines, ${p.jobs.toLocaleString('en-US')} jobs`);
      },
    });
  } catch (err) {
    if (err instanceof SeederError) throw err;
    throw new SeederError('REDIS_UNAVAILABLE', `enqueueing ${o.file} stopped after ${written.requests} lines (${written.jobs} jobs in Redis): ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'once Redis answers again, run the same command again: jobs already in the queue are not added twice',
      cause: err,
    });
  }
  bar.finish(written.requests, total, `lines, ${written.jobs.toLocaleString('en-US')} jobs`);
  const durationMs = Date.now() - started;
  return {
    file: o.file,
    lines: tally.lines,
    enqueuedLines: written.requests,
    jobs: written.jobs,
    invalidLines: tally.invalid,
    duplicatesRemoved: tally.duplicatesRemoved,
    invalid: tally.problems,
    durationMs,
    jobsPerSecond: durationMs > 0 ? Math.round((written.jobs * 1000) / durationMs) : written.jobs,
  };
}
