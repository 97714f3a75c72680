import { openQueueRuntime } from '../../app/queue-runtime.js';
import { parseCommandArgs } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { STATUS_USAGE } from '../command-help.js';

/** `status`: the queue's figures; with --json one object of integers (a contract). */
export async function statusCommand(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(args, { ...COMMON_FLAGS, json: { type: 'boolean', default: false } }, STATUS_USAGE);
  const ctx = createCliContext(values, { tencent: false });
  const q = await openQueueRuntime(ctx.config, ctx.logger, 'producer');
  try {
    const s = await q.status();
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
