import { describe, expect, it } from 'vitest';
import { CallStats } from '../../src/metrics/call-stats.js';
import type { CallOutcome } from '../../src/tencent/call-outcome.js';

const outcome = (kind: CallOutcome['kind'], errorCode: number | null = 0, httpStatus: number | null = 200): CallOutcome => ({
  kind,
  errorCode,
  errorInfo: '',
  httpStatus,
  requestId: null,
  durationMs: 1,
});

describe('CallStats', () => {
  it('measures the rate over the span of call start stamps, in any order', () => {
    const stats = new CallStats();
    // 11 calls 100 ms apart, recorded out of order: 10 intervals in 1 s → 10 calls/s.
    for (const i of [3, 0, 10, 5, 1, 2, 4, 6, 7, 9, 8]) stats.record(outcome('success'), 1_000 + i * 100);
    const s = stats.snapshot();
    expect(s.calls).toBe(11);
    expect(s.elapsedMs).toBe(1000);
    expect(s.callsPerSecond).toBe(10);
  });

  it('counts failures by code, HTTP status or network', () => {
    const stats = new CallStats();
    stats.record(outcome('retry', 10002), 1);
    stats.record(outcome('retry', 10002), 2);
    stats.record(outcome('retry', null, 502), 3);
    stats.record(outcome('retry', null, null), 4);
    stats.record(outcome('permanent', 10010), 5);
    stats.record(outcome('success'), 6);
    expect(stats.snapshot().byError).toEqual({ '10002': 2, 'http 502': 1, network: 1, '10010': 1 });
    expect(stats.snapshot().byKind).toMatchObject({ retry: 4, permanent: 1, success: 1 });
  });
});
