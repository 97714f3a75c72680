import { SEEDER_ERROR_CODES, type ExitStatus, type SeederErrorCode } from '../errors/seeder-error-codes.js';

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
} as const satisfies Record<ExitStatus | 'ok' | 'failure', number>;

/** The exit code of a command failing with `code`: the one its entry in SEEDER_ERROR_CODES names. */
export function exitCodeOf(code: SeederErrorCode): number {
  return EXIT[SEEDER_ERROR_CODES[code].exit];
}
