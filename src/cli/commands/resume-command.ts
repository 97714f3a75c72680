import { resumeFleet } from '../../app/fleet-controls.js';
import { describeAccountProblem, type AccountProblem } from '../../breaker/account-pause.js';
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
  const { values } = parseCommandArgs(
    args,
    { ...COMMON_FLAGS, app: { type: 'string' }, json: { type: 'boolean', default: false } },
    RESUME_USAGE,
  );
  const ctx = createCliContext(values, { tencent: false });
  const byApp = await resumeFleet(ctx.config, ctx.logger, values.app);
  // One app (the TIM_* one, or --app): today's output; several: one line (one JSON field) per app.
  if (byApp.size === 1) {
    const [lifted = null] = byApp.values();
    ctx.out.write(values.json ? `${JSON.stringify({ lifted })}\n` : describeLift('the fleet', lifted));
  } else if (values.json) {
    ctx.out.write(`${JSON.stringify({ apps: Object.fromEntries([...byApp].map(([app, lifted]) => [app, { lifted }])) })}\n`);
  } else {
    for (const [app, lifted] of byApp) ctx.out.write(describeLift(`app ${app}`, lifted));
  }
  return EXIT.ok;
}

function describeLift(what: string, lifted: AccountProblem | null): string {
  return lifted === null
    ? `${what} was not paused\n`
    : `lifted the pause of ${what} (${describeAccountProblem(lifted)}); workers call again within a second\n`;
}
