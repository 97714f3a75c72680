import { isSeederError } from '../errors/seeder-error.js';
import { campaignCommand, CAMPAIGN_USAGE } from './commands/campaign-command.js';
import { dlqCommand, DLQ_USAGE } from './commands/dlq-command.js';
import { enqueueCommand, ENQUEUE_USAGE } from './commands/enqueue-command.js';
import { mockApiCommand, MOCK_API_USAGE } from './commands/mock-api-command.js';
import { rateCommand, RATE_USAGE } from './commands/rate-command.js';
import { runCommand, RUN_USAGE } from './commands/run-command.js';
import { serveCommand, SERVE_USAGE } from './commands/serve-command.js';
import { statusCommand, STATUS_USAGE } from './commands/status-command.js';
import { workerCommand, WORKER_USAGE } from './commands/worker-command.js';
import { EXIT, exitCodeOf } from './exit-codes.js';

interface Command {
  readonly run: (args: readonly string[]) => Promise<number>;
  readonly usage: string;
  readonly summary: string;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  run: { run: runCommand, usage: RUN_USAGE, summary: 'enqueue a job file, work it off in this process, print a report' },
  enqueue: { run: enqueueCommand, usage: ENQUEUE_USAGE, summary: 'validate a job file and add its jobs to the queue' },
  worker: { run: workerCommand, usage: WORKER_USAGE, summary: 'work the queue until SIGTERM/SIGINT (start as many as you like)' },
  status: { run: statusCommand, usage: STATUS_USAGE, summary: 'waiting, active, delayed, completed and dead-letter counts' },
  dlq: { run: dlqCommand, usage: DLQ_USAGE, summary: 'list, replay or purge dead letters' },
  serve: { run: serveCommand, usage: SERVE_USAGE, summary: 'HTTP API, Tencent callbacks, /metrics and /admin (with --with-workers, work the queue too)' },
  rate: { run: rateCommand, usage: RATE_USAGE, summary: "show or change the fleet's shared rate while it runs (set N overrides RATE_LIMIT_PER_SECOND)" },
  campaign: { run: campaignCommand, usage: CAMPAIGN_USAGE, summary: 'add, list, pause, resume, remove, report or sync campaigns that re-add robots on a schedule' },
  'mock-api': { run: mockApiCommand, usage: MOCK_API_USAGE, summary: 'start the built-in stand-in for the Tencent API' },
};

function help(): string {
  const rows = Object.values(COMMANDS).map((c) => `  ${c.usage}\n      ${c.summary}`);
  return `robot-seeder: seed robot accounts into Tencent Cloud Chat live rooms at the full API rate\n\nCommands:\n${rows.join('\n')}\n\nEvery command takes --redis-url URL and --log-level LEVEL; configuration is read from the environment (see README.md).\n`;
}

/** Runs one CLI invocation and returns its exit code; user errors print message and hint, no stack. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`robot-seeder: unknown command ${JSON.stringify(name)}\n\n${help()}`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`usage: ${command.usage}\n  ${command.summary}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(args);
  } catch (err) {
    if (isSeederError(err)) {
      process.stderr.write(`robot-seeder ${name}: ${err.message}\n${err.hint === undefined ? '' : `  hint: ${err.hint}\n`}`);
      return exitCodeOf(err.code);
    }
    process.stderr.write(`robot-seeder ${name}: unexpected error (please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.failure;
  }
}
