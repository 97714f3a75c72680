import type { SeederErrorCode } from './seeder-error-codes.js';

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

  constructor(code: SeederErrorCode, message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options?.hint;
  }
}

export function isSeederError(err: unknown): err is SeederError {
  return err instanceof SeederError;
}
