import type { SeedRequest } from '../domain/seed-request.js';
import type { InputProblem } from '../errors/seeder-error.js';
import { validateSeedRequest, type SeedRequestLimits } from './validate-seed-request.js';

/** Problems listed at most (an HTTP answer, an error's `problems`); the rest are only counted. */
export const MAX_LISTED_PROBLEMS = 100;

/** What one pass over a list of items (the HTTP API's, the producer library's) found. */
export interface ItemTally {
  items: number;
  valid: number;
  invalid: number;
  duplicatesRemoved: number;
  /** The first MAX_LISTED_PROBLEMS problems, each naming its item's index. */
  readonly problems: InputProblem[];
  /** Problems found beyond those listed. */
  unlisted: number;
}

export function newItemTally(): ItemTally {
  return { items: 0, valid: 0, invalid: 0, duplicatesRemoved: 0, problems: [], unlisted: 0 };
}

/**
 * Checks the next item of a list with the job files' rules (`limits`), counting it in `tally`:
 * its request when valid, undefined (its problems listed) when not.
 */
export function checkItem(item: unknown, limits: SeedRequestLimits, tally: ItemTally): SeedRequest | undefined {
  const index = tally.items;
  tally.items += 1;
  const v = validateSeedRequest(item, limits);
  if (v.ok) {
    tally.valid += 1;
    tally.duplicatesRemoved += v.duplicatesRemoved;
    return v.request;
  }
  tally.invalid += 1;
  for (const message of v.problems) {
    if (tally.problems.length < MAX_LISTED_PROBLEMS) tally.problems.push({ index, message });
    else tally.unlisted += 1;
  }
  return undefined;
}

/** The valid requests of a list of items, in one pass (the list may be a caller's async iterable); bad items are tallied, not yielded. */
export async function* validItems(
  items: AsyncIterable<unknown> | Iterable<unknown>,
  limits: SeedRequestLimits,
  tally: ItemTally,
): AsyncGenerator<SeedRequest> {
  for await (const item of items) {
    const request = checkItem(item, limits, tally);
    if (request !== undefined) yield request;
  }
}

/**
 * The rules of a list's items: a job file line's, and a room may give its own `priority` (a list
 * comes from a program, which may set each room's lane). `apps` and `appRequired` as appRouting gives them.
 */
export function itemLimits(
  maxRobotsPerLine: number,
  routing: { readonly apps: readonly string[]; readonly appRequired: boolean },
): SeedRequestLimits {
  return { maxRobotsPerLine, apps: routing.apps, appRequired: routing.appRequired, priority: true };
}
