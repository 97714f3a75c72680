import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker, type OutcomeCounts } from '../../src/breaker/circuit-breaker.js';
import { isOutageSignal } from '../../src/breaker/outage-signal.js';
import { createLogger } from '../../src/log/logger.js';
import type { CallOutcome } from '../../src/tencent/call-outcome.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/test-env.js';
import { outcome } from '../support/call-outcomes.js';

const NETWORK = outcome('retry', null, null);
const BAD_GATEWAY = outcome('retry', null, 502);
const GONE_ROOM = outcome('permanent', 10010, 200);
const OK = outcome('success', 0, 200);
/** One sent call's outcome, as the breaker counts it. */
const one = (o: CallOutcome): OutcomeCounts =>
  isOutageSignal(o) ? { calls: 1, outages: 1, lastOutage: o } : { calls: 1, outages: 0, lastOutage: null };

let redis: Redis;
const prefixes: string[] = [];
const breaker = (probeIntervalMs = 300): CircuitBreaker => {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return new CircuitBreaker({ redis, prefix, logger: createLogger('silent'), minCalls: 20, failureRatio: 0.5, probeIntervalMs });
};

beforeAll(() => {
  redis = new Redis(TEST_REDIS_URL);
});
afterAll(async () => {
  redis.disconnect();
  for (const p of prefixes) await deleteKeys(p);
});

describe('circuit breaker shared through Redis', () => {
  it('opens when most calls in the window fail like an outage', async () => {
    const b = breaker();
    for (let i = 0; i < 10; i += 1) await b.record(one(OK), false);
    for (let i = 0; i < 9; i += 1) expect(await b.record(one(i % 2 === 0 ? NETWORK : BAD_GATEWAY), false)).toBe('closed');
    expect(await b.record(one(NETWORK), false)).toBe('open'); // 10 of 20 failed
    expect(await b.state()).toBe('open');
  });

  it('counts outcomes reported together as if reported one by one', async () => {
    const b = breaker();
    expect(await b.record({ calls: 30, outages: 14, lastOutage: NETWORK }, false)).toBe('closed');
    expect(await b.record({ calls: 2, outages: 2, lastOutage: BAD_GATEWAY }, false)).toBe('open'); // 16 of 32 failed
  });

  it('does not open on per-room failures, however many', async () => {
    const b = breaker();
    for (let i = 0; i < 50; i += 1) await b.record(one(GONE_ROOM), false);
    expect(await b.state()).toBe('closed');
  });

  it('does not open before the minimum number of calls', async () => {
    const b = breaker();
    for (let i = 0; i < 19; i += 1) await b.record(one(NETWORK), false);
    expect(await b.state()).toBe('closed');
  });

  it('lets one probe through per interval across instances; a failed probe keeps it open, an answer closes it', async () => {
    const b = breaker(300);
    for (let i = 0; i < 20; i += 1) await b.record(one(NETWORK), false);
    expect(await b.state()).toBe('open');
    const twin = new CircuitBreaker({ redis, prefix: prefixes.at(-1) ?? '', logger: createLogger('silent'), probeIntervalMs: 300 });
    const tokens = await Promise.all([b.tryProbe(), twin.tryProbe(), b.tryProbe(), twin.tryProbe()]);
    expect(tokens.filter(Boolean)).toHaveLength(1);
    expect(await b.record(one(NETWORK), true)).toBe('open');
    // Real time: the probe interval is a Redis PX expiry, which fake timers cannot reach.
    await new Promise((r) => setTimeout(r, 350));
    expect(await twin.tryProbe()).toBe(true);
    expect(await twin.record(one(GONE_ROOM), true)).toBe('closed'); // the API answered: it is up
    expect(await b.state()).toBe('closed');
  });
});
