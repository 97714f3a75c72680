import { openQueueRuntime } from '../../app/queue-runtime.js';
import { ACCOUNT_PAUSE_HINT, AccountPause, describeAccountProblem } from '../../breaker/account-pause.js';
import { parseCommandArgs } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { STATUS_USAGE } from '../command-help.js';

/** `status`: the queue's figures; with --json one object of integers (a contract). An account pause is told on stderr. */
export async function statusCommand(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { ...COMMON_FLAGS, json: { type: 'boolean', default: false } }, STATUS_USAGE);
  const ctx = createCliContext(values, { tencent: false });
  const q = await openQueueRuntime(ctx.config, ctx.logger, 'producer');
  try {
    const [s, paused] = await Promise.all([q.status(), new AccountPause({ redis: q.redis, prefix: ctx.config.keyPrefix, logger: ctx.logger, configuration: null }).read()]);
    if (paused !== null) ctx.err.write(`robot-seeder status: THE FLEET IS PAUSED: ${describeAccountProblem(paused)}\n  hint: ${ACCOUNT_PAUSE_HINT}\n`);
    ctx.out.write(
      values.json
        ? `${JSON.stringify(s)}\n`
        : `waiting ${s.waiting}\nactive ${s.active}\ndelayed ${s.delayed}\ncompleted ${s.completed}\ndead-letter ${s.deadLetter}\n`,
    );
    return EXIT.ok;
  } finally {
    await q.close();
  }
}
