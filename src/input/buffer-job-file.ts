import { bufferRequests, type BufferedInput, type BufferRequestsOptions } from './buffer-requests.js';
import { newTally, validRequests, type IntakeTally } from './job-file-intake.js';
import type { ReadJobFileOptions } from './read-job-file.js';

export interface BufferJobFileOptions<T> extends ReadJobFileOptions, BufferRequestsOptions<T> {
  /** Called after every line, valid or not (progress). */
  readonly onLine?: (tally: IntakeTally) => void;
}

/** A job file read once: what its lines were, and the records of its valid lines. */
export type BufferedJobFile<T> = BufferedInput<T, IntakeTally>;

/**
 * Reads a job file once, validating every line and keeping what each valid line is planned
 * into (bufferRequests): a file changed behind our back cannot slip bad lines in.
 */
export function bufferJobFile<T>(path: string, o: BufferJobFileOptions<T>): Promise<BufferedJobFile<T>> {
  const tally = newTally();
  return bufferRequests(validRequests(path, o, tally, o.onLine), tally, o);
}
