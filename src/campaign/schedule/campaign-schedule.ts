import { SeederError } from '../../errors/seeder-error.js';
import { validateCron, validateTimeZone } from './cron-expression.js';
import { formatDuration, parseDuration } from './duration.js';
import { parseInstant } from './instant.js';

/** When a campaign's runs fire. Cron times are read in `tz`, which is UTC unless one is given. */
export type CampaignSchedule =
  | { readonly kind: 'cron'; readonly cron: string; readonly tz: string }
  | { readonly kind: 'every'; readonly everyMs: number }
  | { readonly kind: 'at'; readonly atMs: number };

/** The schedule as a user writes it: flags on the command line, fields in a declaration file. */
export interface ScheduleInput {
  readonly cron?: string | undefined;
  readonly tz?: string | undefined;
  readonly every?: string | undefined;
  readonly at?: string | undefined;
}

/** How each input is named in messages: `--cron` on the command line, `campaigns[2].cron` in a file. */
export type ScheduleLabels = Readonly<Record<keyof ScheduleInput, string>>;

export const FLAG_LABELS: ScheduleLabels = { cron: '--cron', tz: '--tz', every: '--every', at: '--at' };

export const DEFAULT_TZ = 'UTC';

/** Exactly one of cron / every / at, each validated; USAGE errors that say which and how to fix it. */
export function parseSchedule(input: ScheduleInput, labels: ScheduleLabels = FLAG_LABELS): CampaignSchedule {
  const given = (['cron', 'every', 'at'] as const).filter((k) => input[k] !== undefined);
  const choices = `${labels.cron} EXPR [${labels.tz} ZONE], ${labels.every} DURATION or ${labels.at} TIME`;
  if (given.length === 0) {
    throw new SeederError('USAGE', `missing the schedule: give one of ${choices}`, {
      hint: `e.g. ${labels.every} 6h to re-add the robots every 6 hours (they lapse after about 3 days)`,
    });
  }
  if (given.length > 1) {
    throw new SeederError('USAGE', `give only one schedule, got ${given.map((k) => labels[k]).join(' and ')}`, {
      hint: `a campaign has one schedule: ${choices}`,
    });
  }
  if (input.tz !== undefined && input.cron === undefined) {
    throw new SeederError('USAGE', `${labels.tz} applies to ${labels.cron} only`, {
      hint: `${labels.every} repeats by elapsed time and ${labels.at} carries its own offset, so neither needs a zone`,
    });
  }
  if (input.cron !== undefined) {
    const tz = input.tz === undefined ? DEFAULT_TZ : validateTimeZone(input.tz, labels.tz);
    return { kind: 'cron', cron: validateCron(input.cron, tz, labels.cron), tz };
  }
  if (input.every !== undefined) return { kind: 'every', everyMs: parseDuration(input.every, labels.every) };
  return { kind: 'at', atMs: parseInstant(input.at ?? '', labels.at) };
}

/** One line for people: `every 6h`, `cron "0 20 * * *" Asia/Shanghai`, `at 2025-06-01T12:00:00.000Z`. */
export function describeSchedule(s: CampaignSchedule): string {
  switch (s.kind) {
    case 'cron':
      return `cron "${s.cron}" ${s.tz}`;
    case 'every':
      return `every ${formatDuration(s.everyMs)}`;
    case 'at':
      return `at ${new Date(s.atMs).toISOString()}`;
  }
}

export function sameSchedule(a: CampaignSchedule, b: CampaignSchedule): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Reads a schedule back from Redis, where another version may have written something else. */
export function parseStoredSchedule(text: string | undefined): CampaignSchedule {
  const v = JSON.parse(text ?? 'null') as unknown;
  if (typeof v === 'object' && v !== null) {
    const o = v as Record<string, unknown>;
    if (o['kind'] === 'cron' && typeof o['cron'] === 'string' && typeof o['tz'] === 'string')
      return { kind: 'cron', cron: o['cron'], tz: o['tz'] };
    if (o['kind'] === 'every' && typeof o['everyMs'] === 'number') return { kind: 'every', everyMs: o['everyMs'] };
    if (o['kind'] === 'at' && typeof o['atMs'] === 'number') return { kind: 'at', atMs: o['atMs'] };
  }
  throw new TypeError(`stored campaign schedule is not valid: ${String(text)}`);
}
