import type { SeedRequest } from '../domain/seed-request.js';
import { SpoolBuffer } from './spool-buffer.js';

/** What buffering needs of an input's tally: whether an item was invalid so far. */
export interface InvalidCount {
  readonly invalid: number;
}

export interface BufferRequestsOptions<T> {
  /** What a valid item is kept as (for enqueueing, the jobs it becomes). */
  readonly plan: (request: SeedRequest) => T;
  /** Records are kept in memory up to this many bytes of their JSON text, the rest in a temporary spool file. */
  readonly memoryBytes: number;
  /**
   * True when the caller refuses an input with any invalid item: from the first one on, nothing
   * is kept (what was is dropped), and the input is still read to its end to list every bad item.
   */
  readonly refuseInvalid: boolean;
}

/** An input read once: its tally, and the records of its valid items. */
export interface BufferedInput<T, Tally> {
  readonly tally: Tally;
  /** In input order. Empty when `refuseInvalid` and an item was invalid. */
  readonly records: SpoolBuffer<T>;
  /** Drops the records and removes the spool file. */
  close(): Promise<void>;
}

/**
 * Reads the valid requests of an input once (`tally` counts the invalid ones as they are passed
 * over), keeping what each is planned into, so that nothing is written anywhere until the whole
 * input is known: input that can be read only once (a pipe, a caller's async iterable) is enough.
 * On an error (unreadable input, abort, a full disk) nothing is left behind.
 */
export async function bufferRequests<T, Tally extends InvalidCount>(
  requests: AsyncIterable<SeedRequest> | Iterable<SeedRequest>,
  tally: Tally,
  o: BufferRequestsOptions<T>,
): Promise<BufferedInput<T, Tally>> {
  const records = new SpoolBuffer<T>(o.memoryBytes);
  const refused = (): boolean => o.refuseInvalid && tally.invalid > 0;
  try {
    for await (const request of requests) {
      if (refused()) {
        await records.close();
        continue;
      }
      const storing = records.push(o.plan(request));
      if (storing !== undefined) await storing;
    }
    if (refused()) await records.close();
  } catch (err) {
    await records.close();
    throw err;
  }
  return { tally, records, close: () => records.close() };
}
