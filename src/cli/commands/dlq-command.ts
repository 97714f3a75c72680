import { SeederError } from '../../errors/seeder-error.js';
import { openQueueRuntime } from '../../app/queue-runtime.js';
import type { DeadLetterEntry } from '../../dead-letter/dead-letter-entry.js';
import { errorCodeFlag, parseCommandArgs } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { DLQ_USAGE } from '../command-help.js';

/** `dlq list|replay|purge`: inspect and act on dead letters, optionally of one error code. */
export async function dlqCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...COMMON_FLAGS, code: { type: 'string' }, json: { type: 'boolean', default: false } },
    DLQ_USAGE,
  );
  const [action, ...extra] = positionals;
  if (action !== 'list' && action !== 'replay' && action !== 'purge') {
    throw new SeederError('USAGE', action === undefined ? 'missing the dlq action' : `unknown dlq action ${JSON.stringify(action)}`, {
      hint: `usage: ${DLQ_USAGE}`,
    });
  }
  if (extra.length > 0) throw new SeederError('USAGE', `unexpected argument ${JSON.stringify(extra[0])}`, { hint: `usage: ${DLQ_USAGE}` });
  const filter = errorCodeFlag(values.code);
  const ctx = createCliContext(values, { tencent: false });
  const q = await openQueueRuntime(ctx.config, ctx.logger, 'producer');
  try {
    if (action === 'list') {
      const entries = await q.deadLetters.list(filter);
      ctx.out.write(values.json ? `${JSON.stringify(entries)}\n` : describeEntries(entries));
      return EXIT.ok;
    }
    const n = action === 'replay' ? await q.deadLetters.replay(filter) : await q.deadLetters.purge(filter);
    ctx.out.write(
      values.json
        ? `${JSON.stringify({ [action === 'replay' ? 'replayed' : 'purged']: n })}\n`
        : `${action === 'replay' ? 'replayed' : 'purged'} ${n} dead letters\n`,
    );
    return EXIT.ok;
  } finally {
    await q.close();
  }
}

function describeEntries(entries: readonly DeadLetterEntry[]): string {
  if (entries.length === 0) return 'no dead letters\n';
  const rows = entries.map(
    (e) =>
      `${e.failedAt}  ${String(e.errorCode ?? '-').padEnd(6)} ${e.groupId}  robots=${e.robots.length} attempts=${e.attempts}  ${e.errorInfo}`,
  );
  return `${rows.join('\n')}\n${entries.length} dead letters\n`;
}
