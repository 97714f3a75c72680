import { describe, expect, it } from 'vitest';
import type { CampaignSpec } from '../../../src/campaign/campaign.js';
import { checkCampaignTimes } from '../../../src/campaign/schedule/campaign-times.js';

const NOW = Date.UTC(2030, 0, 1);
const spec = (o: Partial<CampaignSpec>): CampaignSpec => ({
  name: 'c',
  schedule: { kind: 'every', everyMs: 3_600_000 },
  removeAtMs: null,
  source: 'f',
  ...o,
});
const changed = { scheduleChanged: true, endChanged: true };

describe('checkCampaignTimes', () => {
  it('accepts times ahead, and a remove-at after the at', () => {
    expect(() =>
      checkCampaignTimes(spec({ schedule: { kind: 'at', atMs: NOW + 1000 }, removeAtMs: NOW + 2000 }), NOW, changed),
    ).not.toThrow();
  });

  it.each<[string, Partial<CampaignSpec>, RegExp]>([
    ['an --at in the past', { schedule: { kind: 'at', atMs: NOW - 1 } }, /--at 2029-12-31T23:59:59.999Z is in the past/],
    ['a --remove-at in the past', { removeAtMs: NOW }, /--remove-at 2030-01-01T00:00:00.000Z is in the past/],
    ['a --remove-at before the --at', { schedule: { kind: 'at', atMs: NOW + 5000 }, removeAtMs: NOW + 1000 }, /is not after --at/],
  ])('refuses %s', (_what, o, message) => {
    expect(() => checkCampaignTimes(spec(o), NOW, changed)).toThrow(message);
  });

  it('does not check again times that did not change, so an old declaration re-syncs as unchanged', () => {
    const old = spec({ schedule: { kind: 'at', atMs: NOW - 10_000 }, removeAtMs: NOW - 5000 });
    expect(() => checkCampaignTimes(old, NOW, { scheduleChanged: false, endChanged: false })).not.toThrow();
  });
});
