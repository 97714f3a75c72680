/**
 * How a CLI command failing with a code exits, by name: the numbers are the CLI's (`EXIT` in
 * src/cli/exit-codes.ts, which must give each name one), since errors/ imports nothing above it.
 */
export type ExitStatus = 'usage' | 'inputInvalid' | 'redisUnavailable' | 'apiUnreachable' | 'accountRefused' | 'interrupted';

/** What a user is told about one SeederErrorCode. */
export interface SeederErrorCodeInfo {
  /** The exit status of a CLI command that fails with it. */
  readonly exit: ExitStatus;
  readonly meaning: string;
  readonly action: string;
}

/**
 * robot-seeder's own error codes, the one list of them: the README's "Error codes of
 * robot-seeder" table is held to it by a test, and the CLI's exit code is read from it, so a
 * new code cannot be added without saying what it means, how the process exits and what to do.
 */
export const SEEDER_ERROR_CODES = {
  USAGE: {
    exit: 'usage',
    meaning: 'a command, flag or argument is wrong or missing',
    action: 'the message says which; `robot-seeder <command> --help` shows the usage',
  },
  CONFIG_INVALID: {
    exit: 'usage',
    meaning: 'the configuration (environment variables, flags, `SEED_RULES_FILE`, a campaign file) has problems',
    action: 'fix every problem the message lists, then run the command again',
  },
  NOT_FOUND: {
    exit: 'usage',
    meaning: 'the command names something that is not there (`campaign pause nosuch`)',
    action: 'check the name (`campaign list` lists the campaigns)',
  },
  INPUT_INVALID: {
    exit: 'inputInvalid',
    meaning:
      'the job file has invalid lines (or the rooms given to the library, `err.problems`): each is listed with its line number (index), nothing was enqueued',
    action: 'fix the lines listed, or enqueue the valid ones with `--skip-invalid`',
  },
  INPUT_UNREADABLE: {
    exit: 'inputInvalid',
    meaning: 'a file cannot be read or written (missing, a directory, no permission, the disk full for the spool file)',
    action: 'check the path, its permissions and the free space of `$TMPDIR`',
  },
  REDIS_UNAVAILABLE: {
    exit: 'redisUnavailable',
    meaning: 'Redis cannot be reached; the message says how far the command got',
    action: 'start Redis or fix `REDIS_URL`, then run the same command again: it is safe',
  },
  API_UNREACHABLE: {
    exit: 'apiUnreachable',
    meaning: '`run`: the Tencent API answered none of its calls for `RUN_API_UNREACHABLE_MS`; the jobs left stay queued',
    action: 'check `TIM_BASE_URL`, `TIM_REGION` and the network, then run the same command again or start a `worker`',
  },
  ACCOUNT_REFUSED: {
    exit: 'accountRefused',
    meaning:
      "`run`: Tencent refused the app's account (a wrong key, admin or SDKAppID, an expired package, a blocked IP); the fleet is paused, the jobs stay queued",
    action: 'fix the cause, then restart the workers or run `robot-seeder resume` ("A wrong key" under Operations)',
  },
  INTERRUPTED: {
    exit: 'interrupted',
    meaning: 'stopped by SIGINT/SIGTERM before the work was done; the message says how far it got',
    action: 'run the same command again to finish: jobs already queued are not added twice',
  },
} as const satisfies Record<string, SeederErrorCodeInfo>;

export type SeederErrorCode = keyof typeof SEEDER_ERROR_CODES;
