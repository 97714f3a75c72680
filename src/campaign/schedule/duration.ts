import { SeederError } from '../../errors/seeder-error.js';

const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 } as const;
type Unit = keyof typeof UNIT_MS;

/** Shortest interval a campaign may repeat at: runs re-enqueue every room, so sub-second makes no sense. */
export const MIN_EVERY_MS = 1000;
/** Longest: a year. Robots lapse after about 3 days, so anything near this is a mistake. */
export const MAX_EVERY_MS = 365 * UNIT_MS.d;

const WHOLE = /^(?:\d+[dhms])+$/;
const PART = /(\d+)([dhms])/g;

/**
 * Parses `30s`, `15m`, `6h`, `2d`, or a sum of those in falling units (`1h30m`), into milliseconds.
 * USAGE error, with the accepted forms, for anything else or outside 1s..365d.
 */
export function parseDuration(text: string, what = '--every'): number {
  const trimmed = text.trim();
  const fail = (why: string): never => {
    throw new SeederError('USAGE', `${what}: ${why}, got ${JSON.stringify(text)}`, {
      hint: 'write a whole number and a unit: 30s, 15m, 6h, 2d (or a sum like 1h30m); from 1s to 365d',
    });
  };
  if (!WHOLE.test(trimmed)) return fail('expected a duration such as 30s, 15m, 6h or 2d');
  let ms = 0;
  let lastUnit: Unit | undefined;
  for (const [, digits = '', unit = ''] of trimmed.matchAll(PART)) {
    const u = unit as Unit;
    if (lastUnit !== undefined && UNIT_MS[u] >= UNIT_MS[lastUnit]) return fail('units must go from largest to smallest, each once');
    lastUnit = u;
    ms += Number(digits) * UNIT_MS[u];
  }
  if (!Number.isSafeInteger(ms) || ms < MIN_EVERY_MS || ms > MAX_EVERY_MS) return fail('expected from 1s to 365d');
  return ms;
}

/** The shortest text parseDuration reads back as the same value, e.g. 5_400_000 → `1h30m`. */
export function formatDuration(ms: number): string {
  let rest = ms;
  let out = '';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const n = Math.floor(rest / UNIT_MS[unit]);
    if (n > 0) out += `${n}${unit}`;
    rest -= n * UNIT_MS[unit];
  }
  if (rest > 0) out += `${rest}ms`;
  return out === '' ? '0s' : out;
}
