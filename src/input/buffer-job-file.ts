import type { SeedRequest } from '../domain/seed-request.js';
import { newTally, validRequests, type IntakeTally } from './job-file-intake.js';
import type { ReadJobFileOptions } from './read-job-file.js';
import { SpoolBuffer } from './spool-buffer.js';

export interface BufferJobFileOptions<T> extends ReadJobFileOptions {
  /** What a valid line is kept as (for `enqueue`, the jobs it becomes). */
  readonly plan: (request: SeedRequest) => T;
  /** Records are kept in memory up to this many bytes of their JSON text, the rest in a temporary spool file. */
  readonly memoryBytes: number;
  /**
   * True when the caller refuses a file with any invalid line: from the first one on, nothing
   * is kept (what was is dropped), and the file is still read to its end to list every bad line.
   */
  readonly refuseInvalid: boolean;
  /** Called after every line, valid or not (progress). */
  readonly onLine?: (tally: IntakeTally) => void;
}

/** A job file read once: what its lines were, and the records of its valid lines. */
export interface BufferedJobFile<T> {
  readonly tally: IntakeTally;
  /** In file order. Empty when `refuseInvalid` and a line was invalid. */
  readonly records: SpoolBuffer<T>;
  /** Drops the records and removes the spool file. */
  close(): Promise<void>;
}

/**
 * Reads a job file once, validating every line and keeping what each valid line is planned
 * into, so that nothing is written anywhere until the whole input is known: input that can be
 * read only once (a pipe, stdin) is enough, and a file changed behind our back cannot slip bad
 * lines in. On an error (unreadable input, abort, a full disk) nothing is left behind.
 */
export async function bufferJobFile<T>(path: string, o: BufferJobFileOptions<T>): Promise<BufferedJobFile<T>> {
  const tally = newTally();
  const records = new SpoolBuffer<T>(o.memoryBytes);
  const refused = (): boolean => o.refuseInvalid && tally.invalid > 0;
  try {
    for await (const request of validRequests(path, o, tally, o.onLine)) {
      if (refused()) {
        await records.close();
        continue;
      }
      await records.push(o.plan(request));
    }
    if (refused()) await records.close();
  } catch (err) {
    await records.close();
    throw err;
  }
  return { tally, records, close: () => records.close() };
}
