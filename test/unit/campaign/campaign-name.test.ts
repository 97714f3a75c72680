import { describe, expect, it } from 'vitest';
import { validateCampaignName } from '../../../src/campaign/campaign-name.js';
import { SeederError } from '../../../src/errors/seeder-error.js';

describe('validateCampaignName', () => {
  it.each(['evening', 'Evening-2025.06_rooms', 'a', '0', 'x'.repeat(64), '...', '-lead'])('accepts %j', (name) => {
    expect(validateCampaignName(name)).toBe(name);
  });

  it.each([
    ['', 'it is empty'],
    ['x'.repeat(65), 'it is 65 characters long'],
    ['has space', 'other characters'],
    ['a:b', 'other characters'],
    ['{tag}', 'other characters'],
    ['a/b', 'other characters'],
    ['ünïcode', 'other characters'],
    ['new\nline', 'other characters'],
  ])('refuses %j (%s) as a USAGE error with the rule in the hint', (name, why) => {
    let caught: unknown;
    try {
      validateCampaignName(name);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SeederError);
    const e = caught as SeederError;
    expect(e.code).toBe('USAGE');
    expect(e.message).toContain(why);
    expect(e.hint).toContain('1 to 64 characters');
  });
});
