import { describe, expect, it } from 'vitest';
import { baselineOf, beyond, describeLeftovers, openedBy, type Snapshot } from '../support/live-resources.js';

const counts = (o: Record<string, number>): Map<string, number> => new Map(Object.entries(o));
const at = (after: string, servers: number): Snapshot => ({ after, counts: counts({ TCPServerWrap: servers }) });

describe('the leftover-handle check of every test file (test/setup/no-leftovers.ts)', () => {
  it('never counts a timer seen before the file as allowed: a timer the file leaks is always beyond the baseline', () => {
    const baseline = baselineOf(counts({ PipeWrap: 4, Timeout: 1 }));
    expect(beyond(counts({ PipeWrap: 4 }), baseline)).toEqual(new Map());
    expect(beyond(counts({ PipeWrap: 4, Timeout: 1, TCPServerWrap: 2 }), baseline)).toEqual(counts({ Timeout: 1, TCPServerWrap: 2 }));
  });

  it('names what opened a leftover: the test after which its count never fell back, not a fixture’s come-and-go', () => {
    const run = [
      at('the import', 0),
      at('a hook before "a"', 1),
      at('test "a"', 1),
      at('a hook before "b"', 1),
      at('test "b"', 2),
      at('a hook before "c"', 1),
      at('test "c"', 2),
    ];
    expect(openedBy('TCPServerWrap', 2, run)).toBe('test "c"');
    // A fixture (beforeAll) no afterAll closed.
    expect(openedBy('TCPServerWrap', 1, run)).toBe('a hook before "a"');
    expect(openedBy('TCPServerWrap', 3, run)).toBe('an afterAll hook');
    expect(describeLeftovers(counts({ TCPServerWrap: 1, Timeout: 1 }), counts({ TCPServerWrap: 2, Timeout: 1 }), run)).toEqual([
      '1 × TCPServerWrap (a listening server), opened by test "c"',
      '1 × Timeout (a ref’ed setTimeout/setInterval), set by a test or hook that counts cannot tell: run the file one test at a time (-t) to find it',
    ]);
  });
});
