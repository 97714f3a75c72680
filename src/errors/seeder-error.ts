/**
 * The one error type robot-seeder raises on purpose. `code` is stable and documented
 * (README, "Error codes of robot-seeder"): callers branch on it, never on the message.
 * `hint` tells the user what to do about it; user-facing errors print message and hint,
 * never a stack trace.
 */
export type SeederErrorCode =
  | 'CONFIG_INVALID'
  | 'INPUT_INVALID'
  | 'INPUT_UNREADABLE'
  | 'USAGE'
  | 'REDIS_UNAVAILABLE'
  | 'NOT_FOUND'
  /** `run`: the Tencent API answered no call for RUN_API_UNREACHABLE_MS; the jobs left stay queued. */
  | 'API_UNREACHABLE'
  /** Stopped by SIGINT/SIGTERM before the work was done; the message says how far it got. */
  | 'INTERRUPTED'
  /** Tencent refused the app's account (a wrong key, an expired package): the fleet is paused, the jobs kept. */
  | 'ACCOUNT_REFUSED';

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
