import { bufferRequests } from '../input/buffer-requests.js';
import { newItemTally, validItems, type ItemTally } from '../input/valid-items.js';
import type { SeedRequestLimits } from '../input/validate-seed-request.js';
import { enqueueChecked, type EnqueueCheckedOptions, type EnqueueOutcome } from './enqueue-checked.js';
import type { JobSink } from './write-jobs.js';

export interface EnqueueItemsOptions extends Omit<EnqueueCheckedOptions<ItemTally>, 'skipInvalid'> {
  /** The rules an item is held to: the job files', with the apps an item may name and whether it may give its `priority`. */
  readonly limits: SeedRequestLimits;
}

/**
 * A list of rooms (the HTTP API's items, the producer library's rooms), all or nothing: every
 * item checked with the job files' rules, and only when all are valid, their jobs written
 * (enqueueChecked, the path of job files too). Items that are invalid are listed in the tally,
 * by index; a write that fails part-way throws EnqueueStopped.
 */
export function enqueueItems(
  sink: JobSink,
  items: AsyncIterable<unknown> | Iterable<unknown>,
  o: EnqueueItemsOptions,
): Promise<EnqueueOutcome<ItemTally>> {
  return enqueueChecked(
    sink,
    (buffering) => {
      const tally = newItemTally();
      return bufferRequests(validItems(items, o.limits, tally), tally, buffering);
    },
    { ...o, skipInvalid: false },
  );
}
