import { CronExpressionParser } from 'cron-parser';
import { SeederError } from '../../errors/seeder-error.js';

const CRON_HINT =
  'write 5 fields "minute hour day-of-month month day-of-week" (e.g. "0 20 * * *" = 20:00 every day), ' +
  'or 6 with seconds first; quote the expression in the shell';

/** Aliases cron-parser understands; anything else must have 5 or 6 fields. */
const ALIASES = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@hourly',
  '@minutely',
  '@secondly',
  '@weekdays',
  '@weekends',
]);

/**
 * Checks a time zone against the IANA database this Node carries and returns its canonical
 * spelling (`asia/shanghai` → `Asia/Shanghai`), so that what is stored is what BullMQ resolves.
 */
export function validateTimeZone(zone: string, what = '--tz'): string {
  try {
    const canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    if (zone.trim() !== '') return canonical;
  } catch {
    // Intl throws a RangeError for unknown zones: reported below with the fix.
  }
  throw new SeederError('USAGE', `${what}: unknown time zone ${JSON.stringify(zone)}`, {
    hint: 'use an IANA time zone name such as Asia/Shanghai, Europe/Berlin, America/New_York or UTC',
  });
}

/**
 * Checks a cron expression in a time zone (already validated) and returns it normalized
 * (single spaces). Refuses expressions cron-parser would silently complete (4 fields) and
 * ones that never fire (`0 0 30 2 *`), with the parser's reason.
 */
export function validateCron(expression: string, tz: string, what = '--cron'): string {
  const normalized = expression.trim().split(/\s+/).join(' ');
  const fail = (why: string): never => {
    throw new SeederError('USAGE', `${what}: ${why}: ${JSON.stringify(expression)}`, { hint: CRON_HINT });
  };
  const fields = normalized === '' ? 0 : normalized.split(' ').length;
  if (!(ALIASES.has(normalized.toLowerCase()) && fields === 1) && fields !== 5 && fields !== 6) {
    return fail(`expected 5 or 6 fields, got ${fields}`);
  }
  try {
    nextCronTime(normalized, tz, Date.now());
  } catch (err) {
    return fail(`not a valid cron expression (${err instanceof Error ? err.message : String(err)})`);
  }
  return normalized;
}

/** The first time after `fromMs` the expression matches in `tz`; throws when it never does. */
export function nextCronTime(expression: string, tz: string, fromMs: number): number {
  return CronExpressionParser.parse(expression, { tz, currentDate: new Date(fromMs) })
    .next()
    .getTime();
}
