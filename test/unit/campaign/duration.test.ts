import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../../src/campaign/schedule/duration.js';
import { isSeederError } from '../../../src/errors/seeder-error.js';

function usageMessage(f: () => unknown): string {
  try {
    f();
  } catch (err) {
    if (isSeederError(err) && err.code === 'USAGE') return err.message;
    throw err;
  }
  throw new Error('expected a USAGE error');
}

describe('parseDuration', () => {
  it.each([
    ['1s', 1000],
    ['30s', 30_000],
    ['15m', 900_000],
    ['6h', 21_600_000],
    ['2d', 172_800_000],
    ['1h30m', 5_400_000],
    ['1d2h3m4s', 93_784_000],
    [' 45s ', 45_000],
    ['365d', 365 * 86_400_000],
  ])('reads %j as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', 'expected a duration'],
    ['6', 'expected a duration'],
    ['h', 'expected a duration'],
    ['1.5h', 'expected a duration'],
    ['-5s', 'expected a duration'],
    ['6 h', 'expected a duration'],
    ['6H', 'expected a duration'],
    ['500ms', 'expected a duration'],
    ['0s', 'from 1s to 365d'],
    ['366d', 'from 1s to 365d'],
    ['30m1h', 'largest to smallest'],
    ['1h1h', 'largest to smallest'],
  ])('refuses %j (%s) with the accepted forms in the hint', (text, why) => {
    const message = usageMessage(() => parseDuration(text));
    expect(message).toContain('--every');
    expect(message).toContain(why);
    expect(message).toContain(JSON.stringify(text));
  });

  it('names the field it reads in its message', () => {
    expect(usageMessage(() => parseDuration('soon', 'campaigns[0].every'))).toMatch(/^campaigns\[0\]\.every: /);
  });
});

describe('formatDuration', () => {
  it.each([
    [1000, '1s'],
    [5_400_000, '1h30m'],
    [172_800_000, '2d'],
    [93_784_000, '1d2h3m4s'],
  ])('writes %i as %s, which reads back the same', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});
