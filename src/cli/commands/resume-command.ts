import { resumeFleet } from '../../app/fleet-controls.js';
import { describeAccountProblem } from '../../breaker/account-pause.js';
import { parseCommandArgs } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { RESUME_USAGE } from '../command-help.js';
import { EXIT } from '../exit-codes.js';

/**
 * `resume`: lifts the account pause (the fleet stopped calling after Tencent refused the app's
 * account), once the cause is fixed. Every worker sends again within a second; if the cause is
 * not fixed, the first refused call pauses the fleet again, costing a handful of calls.
 */
export async function resumeCommand(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { ...COMMON_FLAGS, json: { type: 'boolean', default: false } }, RESUME_USAGE);
  const ctx = createCliContext(values, { tencent: false });
  const lifted = await resumeFleet(ctx.config, ctx.logger);
  if (values.json) ctx.out.write(`${JSON.stringify({ lifted })}\n`);
  else
    ctx.out.write(
      lifted === null
        ? 'the fleet was not paused\n'
        : `lifted the pause (${describeAccountProblem(lifted)}); workers call again within a second\n`,
    );
  return EXIT.ok;
}
