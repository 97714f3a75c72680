import { setTimeout as realSleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BREAKER_REFRESH_MS, breakerGate } from '../../../src/breaker/breaker-gate.js';
import type { BreakerState, CircuitBreaker, OutcomeCounts } from '../../../src/breaker/circuit-breaker.js';
import { outcome } from '../../support/call-outcomes.js';

const OK = outcome('success', 0, 200);
const GONE_ROOM = outcome('permanent', 10010, 200);
const NETWORK = outcome('retry', null, null);

/** A breaker whose Redis side is a variable: what the gate reads and reports is recorded. */
function fakeBreaker() {
  let state: BreakerState = 'closed';
  const recorded: Array<{ counts: OutcomeCounts; probe: boolean }> = [];
  const breaker = {
    probeIntervalMs: 100,
    state: vi.fn(() => Promise.resolve(state)),
    tryProbe: vi.fn(() => Promise.resolve(true)),
    record: vi.fn((counts: OutcomeCounts, probe: boolean) => {
      recorded.push({ counts, probe });
      if (counts.outages > 0 && !probe) state = 'open';
      if (probe && counts.outages === 0) state = 'closed';
      return Promise.resolve(state);
    }),
  };
  return { breaker: breaker as unknown as CircuitBreaker, fake: breaker, recorded, set: (s: BreakerState) => (state = s) };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('breakerGate', () => {
  it('reads the shared state once per interval for all calls of the process', async () => {
    const f = fakeBreaker();
    const gate = breakerGate(f.breaker, { stateMaxAgeMs: 200 });
    const signal = new AbortController().signal;
    await Promise.all(Array.from({ length: 50 }, () => gate.admit(signal)));
    expect(f.fake.state).toHaveBeenCalledOnce();
    vi.advanceTimersByTime(250);
    expect(await gate.admit(signal)).toBe('send');
    expect(f.fake.state).toHaveBeenCalledTimes(2);
    await gate.close();
  });

  it('reports ordinary outcomes together once per flush interval, not one round trip each', async () => {
    const f = fakeBreaker();
    const gate = breakerGate(f.breaker, { flushIntervalMs: 200 });
    for (let i = 0; i < 30; i += 1) expect(await gate.settle(i % 3 === 0 ? GONE_ROOM : OK, false)).toBe('report');
    expect(f.recorded).toEqual([]);
    await vi.advanceTimersByTimeAsync(200);
    expect(f.recorded).toEqual([{ counts: { calls: 30, outages: 0, lastOutage: null }, probe: false }]);
    await gate.close();
  });

  it('by default reports and reads once a second: one round trip a second per process, its reply the fresh state', async () => {
    const f = fakeBreaker();
    const gate = breakerGate(f.breaker);
    const signal = new AbortController().signal;
    expect(await gate.admit(signal)).toBe('send');
    await gate.settle(OK, false);
    await vi.advanceTimersByTimeAsync(BREAKER_REFRESH_MS - 1);
    expect(f.recorded).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(f.recorded).toEqual([{ counts: { calls: 1, outages: 0, lastOutage: null }, probe: false }]);
    // The report's reply was the state: no read of its own for another second.
    f.set('open');
    expect(await gate.admit(signal)).toBe('send');
    expect(f.fake.state).toHaveBeenCalledOnce();
    await gate.close();
  });

  it('reports an outage-like failure at once, with the counts before it, and holds it when that opens the breaker', async () => {
    const f = fakeBreaker();
    const gate = breakerGate(f.breaker, { flushIntervalMs: 200 });
    for (let i = 0; i < 5; i += 1) await gate.settle(OK, false);
    expect(await gate.settle(NETWORK, false)).toBe('hold');
    expect(f.recorded).toEqual([{ counts: { calls: 6, outages: 1, lastOutage: NETWORK }, probe: false }]);
    // At the slot, a call that was admitted before the breaker opened does not go out.
    expect(gate.mayStillSend()).toBe(false);
    await gate.close();
  });

  it('while open, lets the probe winner through and holds the others until a probe closes it', async () => {
    const f = fakeBreaker();
    f.set('open');
    f.fake.tryProbe.mockResolvedValueOnce(true).mockResolvedValue(false);
    const gate = breakerGate(f.breaker, { stateMaxAgeMs: 0 });
    const signal = new AbortController().signal;
    expect(await gate.admit(signal)).toBe('probe');
    const waiting = gate.admit(signal);
    await vi.advanceTimersByTimeAsync(50);
    expect(await gate.settle(GONE_ROOM, true)).toBe('report'); // an answer: the API is up
    await vi.advanceTimersByTimeAsync(100);
    expect(await waiting).toBe('send');
    await gate.close();
  });

  it('by default, while open, reads the state often enough to resume within a moment of a probe closing it', async () => {
    const f = fakeBreaker();
    f.set('open');
    f.fake.tryProbe.mockResolvedValue(false);
    const gate = breakerGate(f.breaker);
    const waiting = gate.admit(new AbortController().signal);
    // Another process's probe is answered: the breaker closes in Redis; 300 ms on, the waiting
    // call has seen it (read no more often than the closed breaker's, once a second, it had not).
    f.set('closed');
    await vi.advanceTimersByTimeAsync(300);
    expect(await Promise.race([waiting, realSleep(100, 'still waiting')])).toBe('send');
    await gate.close();
  });

  it('stops admitting at shutdown', async () => {
    const f = fakeBreaker();
    f.set('open');
    f.fake.tryProbe.mockResolvedValue(false);
    const gate = breakerGate(f.breaker, { stateMaxAgeMs: 0 });
    const closing = new AbortController();
    const waiting = gate.admit(closing.signal);
    await vi.advanceTimersByTimeAsync(10);
    closing.abort();
    expect(await waiting).toBe('stop');
    await gate.close();
  });
});
