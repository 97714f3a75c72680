import { SeederError } from '../../errors/seeder-error.js';

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses an ISO 8601 date-time into epoch milliseconds. The offset (`Z` or `+08:00`) is
 * required: a time without one would mean whatever zone the process happens to run in.
 * Impossible dates (February 30th, 24:00) are refused rather than rolled over as `Date` does.
 */
export function parseInstant(text: string, what: string): number {
  const m = ISO.exec(text.trim());
  const fail = (why: string): never => {
    throw new SeederError('USAGE', `${what}: ${why}, got ${JSON.stringify(text)}`, {
      hint: 'write an ISO 8601 date-time with its offset, e.g. 2025-06-01T20:00:00+08:00 or 2025-06-01T12:00:00Z',
    });
  };
  if (m === null) return fail('expected an ISO 8601 date-time with an offset');
  const [, y, mo, d, h, mi, s = '0', frac = '', zone = 'Z'] = m;
  const fields = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = fields;
  const local = Date.UTC(year, month - 1, day, hour, minute, second, frac === '' ? 0 : Math.round(Number(`0${frac}`) * 1000));
  const check = new Date(local);
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day || hour > 23 || minute > 59 || second > 59) {
    return fail('no such date or time');
  }
  return local - offsetMs(zone);
}

function offsetMs(zone: string): number {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const [hh = '0', mm = '0'] = zone.slice(1).split(':');
  return sign * (Number(hh) * 60 + Number(mm)) * 60_000;
}
