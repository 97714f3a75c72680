import { readFleetStatus } from '../../app/fleet-controls.js';
import { ACCOUNT_PAUSE_HINT, describeAccountProblem } from '../../breaker/account-pause.js';
import { reportsApps } from '../../config/app-config.js';
import type { QueueStatus } from '../../queue/queue-status.js';
import { parseCommandArgs } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { STATUS_USAGE } from '../command-help.js';

/**
 * `status`: the queue's figures (of every app, or of --app's); with --json one object of integers
 * (a contract), with APPS_FILE each app's under `apps`. An account pause is told on stderr, naming
 * the app paused.
 */
export async function statusCommand(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    { ...COMMON_FLAGS, json: { type: 'boolean', default: false }, app: { type: 'string' } },
    STATUS_USAGE,
  );
  const ctx = createCliContext(values, { tencent: false });
  const { queue: s, paused } = await readFleetStatus(ctx.config, ctx.logger, values.app);
  // Without APPS_FILE the one app's pause is the fleet's, as it was before apps existed.
  const named = reportsApps(ctx.config);
  for (const p of paused) {
    const who = named ? `APP ${p.app}` : 'THE FLEET';
    ctx.err.write(`robot-seeder status: ${who} IS PAUSED: ${describeAccountProblem(p.problem)}\n  hint: ${ACCOUNT_PAUSE_HINT}\n`);
  }
  if (values.json) {
    ctx.out.write(`${JSON.stringify(s)}\n`);
    return EXIT.ok;
  }
  ctx.out.write(`waiting ${s.waiting}\nactive ${s.active}\ndelayed ${s.delayed}\ncompleted ${s.completed}\ndead-letter ${s.deadLetter}\n`);
  for (const [app, a] of Object.entries(s.apps ?? {})) ctx.out.write(`app ${app}: ${describeApp(a)}\n`);
  return EXIT.ok;
}

function describeApp(a: QueueStatus): string {
  return `waiting ${a.waiting}, active ${a.active}, delayed ${a.delayed}, completed ${a.completed}, dead-letter ${a.deadLetter}`;
}
