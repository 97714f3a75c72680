import type { SeederErrorCode } from '../errors/seeder-error.js';

/** Process exit codes, documented in README.md ("Exit codes"). Scripts rely on them. */
export const EXIT = {
  ok: 0,
  failure: 1,
  usage: 2,
  inputInvalid: 3,
  redisUnavailable: 4,
  /** `run`: the Tencent API answered none of its calls for RUN_API_UNREACHABLE_MS; the jobs left stay queued. */
  apiUnreachable: 5,
  /** `run` stopped because Tencent refused the app's account (the fleet is paused); its jobs stay queued. */
  accountRefused: 6,
  /** Stopped by SIGINT/SIGTERM before the work was done (`run`, `enqueue`), or forced by a second signal. */
  interrupted: 130,
} as const;

export function exitCodeOf(code: SeederErrorCode): number {
  switch (code) {
    // NOT_FOUND: naming something that is not there (`campaign pause nosuch`) is a usage error, not a bug.
    case 'USAGE':
    case 'CONFIG_INVALID':
    case 'NOT_FOUND':
      return EXIT.usage;
    case 'INPUT_INVALID':
    case 'INPUT_UNREADABLE':
      return EXIT.inputInvalid;
    case 'REDIS_UNAVAILABLE':
      return EXIT.redisUnavailable;
    case 'API_UNREACHABLE':
      return EXIT.apiUnreachable;
    case 'INTERRUPTED':
      return EXIT.interrupted;
    case 'ACCOUNT_REFUSED':
      return EXIT.accountRefused;
    default:
      return EXIT.failure;
  }
}
