import { appRouting } from '../app/app-router.js';
import type { FleetQueues } from '../app/queue-runtime.js';
import type { Priority } from '../domain/priority.js';
import type { RobotCommand } from '../domain/robot-command.js';
import type { InputFormat } from '../input/read-job-file.js';
import { enqueueJobFile, type EnqueueSummary } from '../queue/enqueue-job-file.js';
import { seedJobOptions } from '../queue/job-options.js';
import { ProgressBar } from './progress-bar.js';
import { onShutdownSignals } from './shutdown-signals.js';

export interface EnqueueFileOptions {
  /** A path, or `-` for standard input. */
  readonly file: string;
  readonly command: RobotCommand;
  readonly skipInvalid: boolean;
  readonly format: InputFormat | undefined;
  /** `--app`: the app of the lines that name none (may be left out with one app configured). */
  readonly app: string | undefined;
  /** `--priority`, default low: the lane of the file's jobs. */
  readonly priority: Priority;
  /** Draw progress on stderr. */
  readonly progress: boolean;
}

const MB = 1024 * 1024;

/**
 * `enqueue`'s work for the CLI (also the first step of `run`): progress in two phases,
 * "reading" then "enqueue", and SIGINT/SIGTERM stopping it cleanly with a message that says
 * how far it got (a second signal exits at once).
 */
export async function enqueueFile(fleet: FleetQueues, o: EnqueueFileOptions): Promise<EnqueueSummary> {
  const { config } = fleet;
  // An unknown --app is refused before the file is read. With several apps and no --app, each line names its own.
  const routing = appRouting(fleet, o.app);
  const reading = new ProgressBar(process.stderr, 'reading ', o.progress);
  const writing = new ProgressBar(process.stderr, 'enqueue ', o.progress);
  const stop = new AbortController();
  const removeSignals = onShutdownSignals(() => stop.abort(), fleet.logger);
  try {
    const summary = await enqueueJobFile(routing.jobs, {
      file: o.file,
      command: o.command,
      skipInvalid: o.skipInvalid,
      format: o.format,
      maxRobotsPerLine: config.maxRobotsPerLine,
      apps: routing.apps,
      appRequired: routing.appRequired,
      maxRobotsPerCall: config.maxRobotsPerCall,
      jobOptions: seedJobOptions(config, o.priority),
      memoryBytes: config.enqueueMemoryMb * MB,
      signal: stop.signal,
      onRead: (t, finished) => {
        if (finished) reading.finish(t.lines, undefined, 'lines');
        else reading.update(t.lines, undefined, 'lines');
      },
      onWritten: (p, total) => writing.update(p.requests, total, `lines, ${p.jobs.toLocaleString('en-US')} jobs`),
    });
    writing.finish(summary.enqueuedLines, summary.lines - summary.invalidLines, `lines, ${summary.jobs.toLocaleString('en-US')} jobs`);
    return summary;
  } finally {
    removeSignals();
  }
}
