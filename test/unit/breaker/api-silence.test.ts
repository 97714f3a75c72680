import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiSilence } from '../../../src/breaker/api-silence.js';
import type { CallOutcome } from '../../../src/tencent/call-outcome.js';

const T0 = 1_700_000_000_000;
const base = { errorInfo: '', requestId: null, durationMs: 5 } as const;
const refused: CallOutcome = { ...base, kind: 'retry', errorCode: null, httpStatus: null, errorInfo: 'connect ECONNREFUSED' };
const badGateway: CallOutcome = { ...base, kind: 'retry', errorCode: null, httpStatus: 502 };
const roomGone: CallOutcome = { ...base, kind: 'permanent', errorCode: 10010, httpStatus: 200 };
const busy: CallOutcome = { ...base, kind: 'retry', errorCode: 10002, httpStatus: 200 };

describe('how long the API has left calls unanswered', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: T0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is 0 before any call and while calls are answered, whatever the answer', () => {
    const s = new ApiSilence();
    expect(s.silentForMs()).toBe(0);
    s.observe(roomGone, T0);
    s.observe(busy, T0);
    vi.advanceTimersByTime(120_000);
    expect(s.silentForMs()).toBe(0);
  });

  it('counts from the first outage-like failure, and an answer ends it', () => {
    const s = new ApiSilence();
    s.observe(refused, T0);
    vi.advanceTimersByTime(1000);
    s.observe(badGateway, T0 + 1000);
    vi.advanceTimersByTime(4000);
    expect(s.silentForMs()).toBe(5000);
    s.observe(roomGone, T0 + 5000);
    expect(s.silentForMs()).toBe(0);
    vi.advanceTimersByTime(1000);
    s.observe(refused, T0 + 6000);
    vi.advanceTimersByTime(2000);
    expect(s.silentForMs()).toBe(2000);
  });

  it('does not reach back before the latest answer for a call sent earlier that timed out later', () => {
    const s = new ApiSilence();
    vi.advanceTimersByTime(3000);
    s.observe(roomGone, T0 + 2900); // answered at T0 + 3000
    vi.advanceTimersByTime(3000);
    s.observe(refused, T0); // sent at T0, timed out at T0 + 6000
    expect(s.silentForMs()).toBe(3000);
  });
});
