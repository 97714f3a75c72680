import { SeederError } from '../../errors/seeder-error.js';
import { fleetDeadLetters, type AppDeadLetter } from '../../app/fleet-dead-letters.js';
import { openFleetQueues } from '../../app/queue-runtime.js';
import { reportsApps } from '../../config/app-config.js';
import { errorCodeFlag, parseCommandArgs } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { EXIT } from '../exit-codes.js';
import { DLQ_USAGE } from '../command-help.js';

/** `dlq list|replay|purge`: inspect and act on dead letters, of every app or of --app's, optionally of one error code. */
export async function dlqCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...COMMON_FLAGS, code: { type: 'string' }, app: { type: 'string' }, json: { type: 'boolean', default: false } },
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
  const fleet = await openFleetQueues(ctx.config, ctx.logger, 'producer');
  try {
    const deadLetters = fleetDeadLetters(fleet, values.app);
    if (action === 'list') {
      const entries = await deadLetters.list(filter);
      ctx.out.write(values.json ? `${JSON.stringify(entries)}\n` : describeEntries(entries, reportsApps(ctx.config)));
      return EXIT.ok;
    }
    const n = action === 'replay' ? await deadLetters.replay(filter) : await deadLetters.purge(filter);
    ctx.out.write(
      values.json
        ? `${JSON.stringify({ [action === 'replay' ? 'replayed' : 'purged']: n })}\n`
        : `${action === 'replay' ? 'replayed' : 'purged'} ${n} dead letters\n`,
    );
    return EXIT.ok;
  } finally {
    await fleet.close();
  }
}

/** One line per entry; with APPS_FILE each names its app. */
function describeEntries(entries: readonly AppDeadLetter[], named: boolean): string {
  if (entries.length === 0) return 'no dead letters\n';
  const rows = entries.map(
    (e) =>
      `${e.failedAt}  ${named ? `${e.app}  ` : ''}${String(e.errorCode ?? '-').padEnd(6)} ${e.groupId}  robots=${e.robots.length} attempts=${e.attempts}  ${e.errorInfo}`,
  );
  return `${rows.join('\n')}\n${entries.length} dead letters\n`;
}
