import type { SeedRequest } from '../domain/seed-request.js';
import { readJobFile, type ReadJobFileOptions } from './read-job-file.js';

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

export function newTally(): IntakeTally {
  return { lines: 0, valid: 0, invalid: 0, duplicatesRemoved: 0, problems: [] };
}

/**
 * The valid requests of a job file, streamed in one read; bad lines are tallied, not yielded.
 * `onLine` runs for every line, valid or not (progress). Every job-file consumer (enqueue,
 * run, campaigns) takes its input through here, so they all judge lines alike.
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
