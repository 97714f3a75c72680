import { describe, expect, it } from 'vitest';
import {
  describeSchedule,
  parseSchedule,
  parseStoredSchedule,
  type ScheduleInput,
} from '../../../src/campaign/schedule/campaign-schedule.js';
import { nextCronTime, validateCron, validateTimeZone } from '../../../src/campaign/schedule/cron-expression.js';
import { parseInstant } from '../../../src/campaign/schedule/instant.js';
import { SeederError } from '../../../src/errors/seeder-error.js';

function usageError(f: () => unknown): SeederError {
  try {
    f();
  } catch (err) {
    if (err instanceof SeederError && err.code === 'USAGE') return err;
    throw err;
  }
  throw new Error('expected a USAGE error');
}

describe('parseSchedule', () => {
  it('reads each of the three forms', () => {
    expect(parseSchedule({ every: '6h' })).toEqual({ kind: 'every', everyMs: 21_600_000 });
    expect(parseSchedule({ cron: ' 0  20 * * * ', tz: 'asia/shanghai' })).toEqual({
      kind: 'cron',
      cron: '0 20 * * *',
      tz: 'Asia/Shanghai',
    });
    expect(parseSchedule({ at: '2030-06-01T20:00:00+08:00' })).toEqual({ kind: 'at', atMs: Date.UTC(2030, 5, 1, 12) });
  });

  it('reads cron times in UTC unless a zone is given', () => {
    expect(parseSchedule({ cron: '0 20 * * *' })).toEqual({ kind: 'cron', cron: '0 20 * * *', tz: 'UTC' });
  });

  it.each<[string, ScheduleInput, RegExp]>([
    ['no schedule', {}, /missing the schedule: give one of --cron EXPR \[--tz ZONE\], --every DURATION or --at TIME/],
    ['two schedules', { cron: '* * * * *', every: '1h' }, /give only one schedule, got --cron and --every/],
    ['three schedules', { cron: '* * * * *', every: '1h', at: '2030-01-01T00:00Z' }, /got --cron and --every and --at/],
    ['--tz without --cron', { every: '1h', tz: 'UTC' }, /--tz applies to --cron only/],
    ['an unknown zone', { cron: '0 20 * * *', tz: 'Mars/Olympus' }, /--tz: unknown time zone "Mars\/Olympus"/],
    ['an out-of-range field', { cron: '61 * * * *' }, /--cron: not a valid cron expression \(.*61.*\): "61 \* \* \* \*"/],
    ['a word', { cron: 'daily at eight' }, /--cron: expected 5 or 6 fields, got 3/],
    ['four fields', { cron: '* * * *' }, /expected 5 or 6 fields, got 4/],
    ['seven fields', { cron: '0 0 0 * * * *' }, /expected 5 or 6 fields, got 7/],
    ['an empty expression', { cron: '  ' }, /expected 5 or 6 fields, got 0/],
    ['a day that never comes', { cron: '0 0 30 2 *' }, /--cron: not a valid cron expression/],
    ['a bad duration', { every: 'often' }, /--every: expected a duration/],
    ['a time without offset', { at: '2030-06-01T20:00' }, /--at: expected an ISO 8601 date-time with an offset/],
  ])('refuses %s with a message that names the fix', (_what, input, message) => {
    const e = usageError(() => parseSchedule(input));
    expect(e.message).toMatch(message);
    expect(e.hint?.length ?? 0).toBeGreaterThan(10);
  });

  it('names declaration fields in its messages when given their labels', () => {
    const labels = {
      cron: 'f.json: campaigns[1].cron',
      tz: 'f.json: campaigns[1].tz',
      every: 'f.json: campaigns[1].every',
      at: 'f.json: campaigns[1].at',
    };
    expect(usageError(() => parseSchedule({ every: '1h', at: '2030-01-01T00:00Z' }, labels)).message).toContain(
      'f.json: campaigns[1].every and f.json: campaigns[1].at',
    );
  });

  it('describes and stores schedules round trip', () => {
    for (const s of [
      parseSchedule({ every: '1h30m' }),
      parseSchedule({ cron: '0 20 * * *', tz: 'Europe/Berlin' }),
      parseSchedule({ at: '2030-01-01T00:00:00Z' }),
    ]) {
      expect(parseStoredSchedule(JSON.stringify(s))).toEqual(s);
    }
    expect(describeSchedule({ kind: 'every', everyMs: 5_400_000 })).toBe('every 1h30m');
    expect(describeSchedule({ kind: 'cron', cron: '0 20 * * *', tz: 'UTC' })).toBe('cron "0 20 * * *" UTC');
    expect(() => parseStoredSchedule('{"kind":"weekly"}')).toThrow(TypeError);
  });
});

describe('cron and time zones', () => {
  it('fires in the zone it is given', () => {
    const from = Date.UTC(2030, 0, 1, 0, 0);
    expect(new Date(nextCronTime('0 20 * * *', 'Asia/Shanghai', from)).toISOString()).toBe('2030-01-01T12:00:00.000Z');
    expect(new Date(nextCronTime('0 20 * * *', 'UTC', from)).toISOString()).toBe('2030-01-01T20:00:00.000Z');
  });

  it('accepts seconds as a sixth field and the @ aliases', () => {
    expect(validateCron('*/5 * * * * *', 'UTC')).toBe('*/5 * * * * *');
    expect(validateCron('@daily', 'UTC')).toBe('@daily');
  });

  it('returns the canonical zone name', () => {
    expect(validateTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(() => validateTimeZone('')).toThrow(/unknown time zone ""/);
    expect(() => validateTimeZone('GMT+25')).toThrow(/unknown time zone/);
  });
});

describe('parseInstant', () => {
  it.each([
    ['2030-06-01T12:00:00Z', Date.UTC(2030, 5, 1, 12)],
    ['2030-06-01T12:00Z', Date.UTC(2030, 5, 1, 12)],
    ['2030-06-01t20:00:00.250+08:00', Date.UTC(2030, 5, 1, 12, 0, 0, 250)],
    ['2030-06-01T07:00:00-05:00', Date.UTC(2030, 5, 1, 12)],
  ])('reads %s', (text, ms) => {
    expect(parseInstant(text, '--at')).toBe(ms);
  });

  it.each([
    '2030-06-01',
    '2030-06-01T12:00:00',
    '2030-02-30T00:00Z',
    '2030-01-01T24:00Z',
    '2030-13-01T00:00Z',
    'tomorrow',
    '1717243200000',
  ])('refuses %j', (text) => {
    expect(usageError(() => parseInstant(text, '--remove-at')).message).toMatch(/^--remove-at: /);
  });
});
