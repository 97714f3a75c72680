import { describe, expect, it } from 'vitest';
import { parseSeedJobData } from '../../../src/queue/seed-job.js';

const BASE = { command: 'add_robots', groupId: '@TGS#room', robots: ['bot1', 'bot2'] };

describe('parseSeedJobData: job data read back from Redis', () => {
  it('keeps the fields it knows, each only when well typed', () => {
    const full = {
      ...BASE,
      batchSize: 2,
      doneCount: 1,
      verdict: { errorCode: 10010, errorInfo: 'group does not exist' },
      refusedSince: 1_700_000_000_000,
      campaignRun: { campaign: 'nightly', runId: 'r1' },
      app: 'live',
    };
    expect(parseSeedJobData(full)).toEqual(full);
    const odd = { ...BASE, batchSize: '2', verdict: { errorCode: 'x' }, campaignRun: { campaign: 1 }, app: 7, extra: true };
    expect(parseSeedJobData(odd)).toEqual(BASE);
    expect(Object.keys(parseSeedJobData(BASE))).toEqual(['command', 'groupId', 'robots']);
  });

  it('refuses data no retry can make readable, saying what is wrong', () => {
    expect(() => parseSeedJobData(null)).toThrow('job data is not an object');
    expect(() => parseSeedJobData({ ...BASE, command: 'drop_table' })).toThrow('unknown command "drop_table"');
    expect(() => parseSeedJobData({ ...BASE, groupId: 5 })).toThrow('groupId is not a string');
    expect(() => parseSeedJobData({ ...BASE, robots: ['bot1', 2] })).toThrow('robots is not an array of strings');
  });
});
