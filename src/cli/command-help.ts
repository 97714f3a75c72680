/**
 * Each command's usage line and one-line summary: what `--help` prints. Kept apart from the
 * command modules so that help text costs no imports; the commands read their usage from here.
 */
export const RUN_USAGE =
  'robot-seeder run FILE|- [--json] [--skip-invalid] [--format jsonl|csv] [--remove] [--app NAME] [--priority high|normal|low] [--concurrency N]';
export const ENQUEUE_USAGE =
  'robot-seeder enqueue FILE|- [--json] [--skip-invalid] [--format jsonl|csv] [--remove] [--app NAME] [--priority high|normal|low]';
export const WORKER_USAGE = 'robot-seeder worker [--concurrency N] [--metrics-port N]';
export const STATUS_USAGE = 'robot-seeder status [--json] [--app NAME]';
export const DLQ_USAGE = 'robot-seeder dlq list|replay|purge [--code N|none] [--app NAME] [--json]';
export const SERVE_USAGE = 'robot-seeder serve [--with-workers] [--port N] [--host H]';
export const RATE_USAGE = 'robot-seeder rate show|set N|reset [--app NAME] [--json]   (uses TIM_SDKAPPID, or the app of APPS_FILE)';
export const RESUME_USAGE = 'robot-seeder resume [--app NAME] [--json]';
export const CAMPAIGN_USAGE =
  'robot-seeder campaign add NAME --file FILE (--cron EXPR [--tz ZONE] | --every DURATION | --at TIME) [--remove-at TIME] [--replace]\n' +
  '      | list | pause|resume|remove NAME | report NAME | sync [DIR|FILE]   (each takes --json, and --app NAME with several apps)';
export const MOCK_API_USAGE =
  'robot-seeder mock-api [--port N] [--host H] [--rate N] [--latency-ms MIN-MAX] [--log-level L]\n' +
  "      (serves the apps of APPS_FILE, each at its ratePerSecond; without it, TIM_SDKAPPID, TIM_SECRET_KEY, TIM_ADMIN at 200/s; --rate sets every app's)";

export interface CommandHelp {
  readonly usage: string;
  readonly summary: string;
}

/** In the order `--help` lists them. */
export const COMMAND_HELP = {
  run: { usage: RUN_USAGE, summary: 'enqueue a job file, work it off in this process, print a report' },
  enqueue: { usage: ENQUEUE_USAGE, summary: 'validate a job file and add its jobs to the queue' },
  worker: { usage: WORKER_USAGE, summary: 'work the queue until SIGTERM/SIGINT (start as many as you like)' },
  status: { usage: STATUS_USAGE, summary: "waiting, active, delayed, completed and dead-letter counts (of every app, and each app's)" },
  dlq: { usage: DLQ_USAGE, summary: 'list, replay or purge dead letters (of every app, or of one)' },
  serve: { usage: SERVE_USAGE, summary: 'HTTP API, Tencent callbacks, /metrics and /admin (with --with-workers, work the queue too)' },
  rate: { usage: RATE_USAGE, summary: "show or change the fleet's shared rate while it runs (set N overrides RATE_LIMIT_PER_SECOND)" },
  resume: {
    usage: RESUME_USAGE,
    summary: "lift the fleet's pause after Tencent refused the app's account (a wrong key, an expired package), once fixed",
  },
  campaign: {
    usage: CAMPAIGN_USAGE,
    summary: 'add, list, pause, resume, remove, report or sync campaigns that re-add robots on a schedule',
  },
  'mock-api': { usage: MOCK_API_USAGE, summary: 'start the built-in stand-in for the Tencent API' },
} as const satisfies Readonly<Record<string, CommandHelp>>;

export type CommandName = keyof typeof COMMAND_HELP;

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(COMMAND_HELP, name);
}
