import { SeederError } from '../errors/seeder-error.js';
import { MAX_PROBLEMS_SHOWN } from './invalid-lines.js';
import { MAX_LISTED_PROBLEMS, type ItemTally } from './valid-items.js';

/**
 * The refusal of a list of rooms with invalid items (the producer library): how many, then
 * `rooms[INDEX]: problem` for each shown; `problems` carries the first MAX_LISTED_PROBLEMS for a
 * program to act on. Nothing was enqueued.
 */
export function invalidItemsError(tally: ItemTally): SeederError {
  const shown = tally.problems.slice(0, MAX_PROBLEMS_SHOWN).map((p) => `  rooms[${p.index}]: ${p.message}`);
  const rest = tally.problems.length - shown.length + tally.unlisted;
  if (rest > 0) shown.push(`  … and ${rest} more problems (the error's problems list the first ${MAX_LISTED_PROBLEMS})`);
  return new SeederError(
    'INPUT_INVALID',
    `${tally.invalid} of ${tally.items} rooms are invalid; nothing was enqueued\n${shown.join('\n')}`,
    {
      hint: "fix the rooms listed (each problem is in the error's problems, with the index of its room) and add them again",
      problems: tally.problems,
    },
  );
}
