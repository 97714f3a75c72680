import { SeederError } from '../errors/seeder-error.js';
import type { SeedRequest } from '../domain/seed-request.js';
import { readJobFile, type ReadJobFileOptions } from '../input/read-job-file.js';

export interface LineProblem {
  readonly line: number;
  readonly problems: readonly string[];
}

/** What one pass over a job file found. Problems are kept up to MAX_KEPT; all are counted. */
export interface IntakeTally {
  lines: number;
  valid: number;
  invalid: number;
  duplicatesRemoved: number;
  readonly problems: LineProblem[];
}

const MAX_KEPT = 1000;
const MAX_SHOWN = 50;

export function newTally(): IntakeTally {
  return { lines: 0, valid: 0, invalid: 0, duplicatesRemoved: 0, problems: [] };
}

/**
 * The valid requests of a job file, streamed; bad lines are tallied, not yielded.
 * `onLine` runs for every line, valid or not (progress).
 */
export async function* validRequests(
  path: string,
  options: ReadJobFileOptions,
  tally: IntakeTally,
  onLine?: (tally: IntakeTally) => void,
): AsyncGenerator<SeedRequest> {
  for await (const parsed of readJobFile(path, options)) {
    tally.lines += 1;
    if (parsed.ok) {
      tally.valid += 1;
      tally.duplicatesRemoved += parsed.duplicatesRemoved;
      onLine?.(tally);
      yield parsed.request;
    } else {
      tally.invalid += 1;
      if (tally.problems.length < MAX_KEPT) tally.problems.push({ line: parsed.lineNumber, problems: parsed.problems });
      onLine?.(tally);
    }
  }
}

/** Reads the whole file once without enqueueing anything: a file with any bad line is refused whole. */
export async function checkJobFile(path: string, options: ReadJobFileOptions, onLine?: (t: IntakeTally) => void): Promise<IntakeTally> {
  const tally = newTally();
  const requests = validRequests(path, options, tally, onLine);
  // Only the tally matters in this pass.
  while (!(await requests.next()).done);
  if (tally.invalid > 0) {
    throw new SeederError('INPUT_INVALID', `${path}: ${tally.invalid} of ${tally.lines} lines are invalid; nothing was enqueued\n${describeProblems(path, tally)}`, {
      hint: 'fix these lines and run again, or pass --skip-invalid to enqueue the valid lines and list the rest',
    });
  }
  return tally;
}

/** `FILE:LINE: problem` lines, the first MAX_SHOWN of them and a count of the lines not shown. */
export function describeProblems(path: string, tally: IntakeTally): string {
  const out: string[] = [];
  const shown = new Set<number>();
  outer: for (const p of tally.problems) {
    for (const problem of p.problems) {
      if (out.length >= MAX_SHOWN) break outer;
      out.push(`  ${path}:${p.line}: ${problem}`);
      shown.add(p.line);
    }
  }
  const rest = tally.invalid - shown.size;
  if (rest > 0) out.push(`  … and ${rest} more invalid line${rest === 1 ? '' : 's'}`);
  return out.join('\n');
}
