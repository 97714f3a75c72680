import { openFleetQueues } from '../../app/queue-runtime.js';
import { parseCommandArgs, requirePositional } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { describeProblems } from '../../input/invalid-lines.js';
import { jobFileLabel } from '../../input/job-file-source.js';
import type { EnqueueSummary } from '../../queue/enqueue-job-file.js';
import { enqueueFile } from '../enqueue-file.js';
import { EXIT } from '../exit-codes.js';
import { enqueueFileOptions, FILE_FLAGS } from '../file-flags.js';
import { ENQUEUE_USAGE } from '../command-help.js';

/** `enqueue FILE`: validate a job file and put its jobs in the seed queue. */
export async function enqueueCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { ...COMMON_FLAGS, ...FILE_FLAGS }, ENQUEUE_USAGE);
  const file = requirePositional(positionals, 'FILE (a JSON Lines or CSV job file, or - for standard input)', ENQUEUE_USAGE);
  const ctx = createCliContext(values, { tencent: false });
  const options = enqueueFileOptions(file, values);
  const q = await openFleetQueues(ctx.config, ctx.logger, 'producer');
  try {
    const summary = await enqueueFile(q, options);
    ctx.out.write(values.json ? `${JSON.stringify(summary)}\n` : describeSummary(summary));
    return EXIT.ok;
  } finally {
    await q.close();
  }
}

function describeSummary(s: EnqueueSummary): string {
  const lines = [
    `enqueued ${s.enqueuedLines} of ${s.lines} lines as ${s.jobs} jobs in ${(s.durationMs / 1000).toFixed(1)} s (${s.jobsPerSecond} jobs/s)`,
  ];
  if (s.alreadyQueued > 0) lines.push(`${s.alreadyQueued} of the jobs were already waiting or running, and were left as they were`);
  if (s.superseded > 0) lines.push(`${s.superseded} jobs replaced dead letters of the same rooms and robots (those dead letters are gone)`);
  if (s.duplicatesRemoved > 0) lines.push(`removed ${s.duplicatesRemoved} duplicate robots within lines`);
  if (s.invalidLines > 0) {
    lines.push(`skipped ${s.invalidLines} invalid lines:`);
    lines.push(describeProblems(jobFileLabel(s.file), s.invalid, s.invalidLines));
  }
  return `${lines.join('\n')}\n`;
}
