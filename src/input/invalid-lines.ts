import { SeederError } from '../errors/seeder-error.js';
import type { IntakeTally, LineProblem } from './job-file-intake.js';
import { jobFileLabel } from './job-file-source.js';

/** Problems a refusal's message shows at most: enough to see the pattern, short enough to read. */
export const MAX_PROBLEMS_SHOWN = 50;

/**
 * The refusal of a job file with invalid lines: how many, then `FILE:LINE: problem` for each.
 * `consequence` says what did not happen ("nothing was enqueued"); `hint` what to do.
 */
export function invalidLinesError(path: string, tally: IntakeTally, consequence: string, hint: string): SeederError {
  const label = jobFileLabel(path);
  const message = `${label}: ${tally.invalid} of ${tally.lines} lines are invalid; ${consequence}\n${describeProblems(label, tally.problems, tally.invalid)}`;
  return new SeederError('INPUT_INVALID', message, { hint });
}

/** `FILE:LINE: problem` lines, the first MAX_PROBLEMS_SHOWN of them and a count of the invalid lines not shown. */
export function describeProblems(label: string, problems: readonly LineProblem[], invalidLines: number): string {
  const out: string[] = [];
  const shown = new Set<number>();
  outer: for (const p of problems) {
    for (const problem of p.problems) {
      if (out.length >= MAX_PROBLEMS_SHOWN) break outer;
      out.push(`  ${label}:${p.line}: ${problem}`);
      shown.add(p.line);
    }
  }
  const rest = invalidLines - shown.size;
  if (rest > 0) out.push(`  … and ${rest} more invalid line${rest === 1 ? '' : 's'}`);
  return out.join('\n');
}
