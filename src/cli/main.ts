import { isSeederError } from '../errors/seeder-error.js';
import { COMMAND_HELP, isCommandName, type CommandName } from './command-help.js';
import { EXIT, exitCodeOf } from './exit-codes.js';

type CommandRun = (args: readonly string[]) => Promise<number>;

/**
 * Each command's module is imported only when that command runs: together they pull in fastify,
 * bull-board, prom-client, the worker and the campaign machinery, which `--help` or `status`
 * would otherwise load (and wait for) on every start.
 */
const LOAD_COMMAND: Readonly<Record<CommandName, () => Promise<CommandRun>>> = {
  run: async () => (await import('./commands/run-command.js')).runCommand,
  enqueue: async () => (await import('./commands/enqueue-command.js')).enqueueCommand,
  worker: async () => (await import('./commands/worker-command.js')).workerCommand,
  status: async () => (await import('./commands/status-command.js')).statusCommand,
  dlq: async () => (await import('./commands/dlq-command.js')).dlqCommand,
  serve: async () => (await import('./commands/serve-command.js')).serveCommand,
  rate: async () => (await import('./commands/rate-command.js')).rateCommand,
  resume: async () => (await import('./commands/resume-command.js')).resumeCommand,
  campaign: async () => (await import('./commands/campaign-command.js')).campaignCommand,
  'mock-api': async () => (await import('./commands/mock-api-command.js')).mockApiCommand,
};

function help(): string {
  const rows = Object.values(COMMAND_HELP).map((c) => `  ${c.usage}\n      ${c.summary}`);
  return `robot-seeder: seed robot accounts into Tencent Cloud Chat live rooms at the full API rate\n\nCommands:\n${rows.join('\n')}\n\nEvery command takes --redis-url URL and --log-level LEVEL; configuration is read from the environment (see README.md).\n`;
}

/** Runs one CLI invocation and returns its exit code; user errors print message and hint, no stack. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(help());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (!isCommandName(name)) {
    process.stderr.write(`robot-seeder: unknown command ${JSON.stringify(name)}\n\n${help()}`);
    return EXIT.usage;
  }
  if (args.includes('--help') || args.includes('-h')) {
    const { usage, summary } = COMMAND_HELP[name];
    process.stdout.write(`usage: ${usage}\n  ${summary}\n`);
    return EXIT.ok;
  }
  try {
    const run = await LOAD_COMMAND[name]();
    return await run(args);
  } catch (err) {
    if (isSeederError(err)) {
      process.stderr.write(`robot-seeder ${name}: ${err.message}\n${err.hint === undefined ? '' : `  hint: ${err.hint}\n`}`);
      return exitCodeOf(err.code);
    }
    process.stderr.write(
      `robot-seeder ${name}: unexpected error (please report it): ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    return EXIT.failure;
  }
}
