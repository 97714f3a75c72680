import { readFleetStatus } from '../../app/fleet-controls.js';
import { ACCOUNT_PAUSE_HINT, describeAccountProblem } from '../../breaker/account-pause.js';
import { parseCommandArgs } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { STATUS_USAGE } from '../command-help.js';

/** `status`: the queue's figures; with --json one object of integers (a contract). An account pause is told on stderr. */
export async function statusCommand(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { ...COMMON_FLAGS, json: { type: 'boolean', default: false } }, STATUS_USAGE);
  const ctx = createCliContext(values, { tencent: false });
  const { queue: s, paused } = await readFleetStatus(ctx.config, ctx.logger);
  if (paused !== null)
    ctx.err.write(`robot-seeder status: THE FLEET IS PAUSED: ${describeAccountProblem(paused)}\n  hint: ${ACCOUNT_PAUSE_HINT}\n`);
  ctx.out.write(
    values.json
      ? `${JSON.stringify(s)}\n`
      : `waiting ${s.waiting}\nactive ${s.active}\ndelayed ${s.delayed}\ncompleted ${s.completed}\ndead-letter ${s.deadLetter}\n`,
  );
  return EXIT.ok;
}
