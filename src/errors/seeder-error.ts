import type { SeederErrorCode } from './seeder-error-codes.js';

/** One problem of one item of a list of rooms: `index` is the item's position in the list (from 0). */
export interface InputProblem {
  readonly index: number;
  readonly message: string;
}

/**
 * The one error type robot-seeder raises on purpose. `code` is stable, listed once in
 * seeder-error-codes.ts and documented (README, "Error codes of robot-seeder"): callers branch
 * on it, never on the message.
 * `hint` tells the user what to do about it; user-facing errors print message and hint,
 * never a stack trace.
 */
export class SeederError extends Error {
  override readonly name = 'SeederError';
  readonly code: SeederErrorCode;
  readonly hint: string | undefined;
  /**
   * INPUT_INVALID of a list of rooms (the producer library): each problem of each invalid room, by
   * the room's index, so that a program can point at them. Empty for every other error (a job
   * file's problems are in the message, by line).
   */
  readonly problems: readonly InputProblem[];

  constructor(code: SeederErrorCode, message: string, options?: { hint?: string; cause?: unknown; problems?: readonly InputProblem[] }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options?.hint;
    this.problems = options?.problems ?? [];
  }
}

export function isSeederError(err: unknown): err is SeederError {
  return err instanceof SeederError;
}
