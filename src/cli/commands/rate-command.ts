import { SeederError } from '../../errors/seeder-error.js';
import { fleetRate } from '../../app/fleet-controls.js';
import type { LedgerState } from '../../limiter/slot-ledger.js';
import { parseCommandArgs } from '../cli-args.js';
import { COMMON_FLAGS, createCliContext } from '../cli-context.js';
import { RATE_USAGE } from '../command-help.js';
import { EXIT } from '../exit-codes.js';

/**
 * `rate`: the fleet's shared rate for the app, read or changed while it runs. `set N` makes N the
 * ceiling of every worker (it outranks their RATE_LIMIT_PER_SECOND, and survives restarts) and
 * starts the rate from it; `reset` gives the ceiling back to the workers' configuration.
 */
export async function rateCommand(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { ...COMMON_FLAGS, app: { type: 'string' }, json: { type: 'boolean', default: false } },
    RATE_USAGE,
  );
  const [action, value, ...extra] = positionals;
  const usage = { hint: `usage: ${RATE_USAGE}` };
  if (action !== 'show' && action !== 'set' && action !== 'reset') {
    throw new SeederError(
      'USAGE',
      action === undefined ? 'missing the rate action' : `unknown rate action ${JSON.stringify(action)}`,
      usage,
    );
  }
  const ceiling = action === 'set' ? ceilingArgument(value, usage) : null;
  const unexpected = action === 'set' ? extra[0] : value;
  if (unexpected !== undefined) throw new SeederError('USAGE', `unexpected argument ${JSON.stringify(unexpected)}`, usage);

  const ctx = createCliContext(values, { tencent: false, app: true });
  const state = await fleetRate(ctx.config, values.app, action === 'show' ? undefined : ceiling);
  ctx.out.write(values.json ? `${JSON.stringify(state)}\n` : describe(state));
  return EXIT.ok;
}

/** Any whole rate from 1 up: the ledger spaces calls to the microsecond, whatever the rate. */
function ceilingArgument(value: string | undefined, usage: { hint: string }): number {
  const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_CEILING) {
    throw new SeederError(
      'USAGE',
      `rate set: expected N, a whole number of calls per second from 1 to ${MAX_CEILING}, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`,
      usage,
    );
  }
  return n;
}

const MAX_CEILING = 100_000;

const SOURCES: Readonly<Record<LedgerState['ceilingSource'], string>> = {
  operator: 'set with `robot-seeder rate set`; `rate reset` gives it back to RATE_LIMIT_PER_SECOND',
  workers: "the workers' RATE_LIMIT_PER_SECOND",
  caller: 'RATE_LIMIT_PER_SECOND here: no worker has called yet',
};

function describe(s: LedgerState): string {
  const rate =
    s.ratePerSecond === null
      ? 'no calls yet'
      : s.ratePerSecond < s.ceilingPerSecond
        ? `${s.ratePerSecond.toFixed(1)} calls/s now (slowed down after Tencent refused calls for rate; climbing back)`
        : `${s.ratePerSecond.toFixed(1)} calls/s now`;
  return `rate     ${rate}\nceiling  ${s.ceilingPerSecond} calls/s (${SOURCES[s.ceilingSource]})\n`;
}
