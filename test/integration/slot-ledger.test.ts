import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LEDGER_POLICY, ledgerPolicy } from '../../src/limiter/ledger-policy.js';
import { SlotLedger } from '../../src/limiter/slot-ledger.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/test-env.js';

const redis = new Redis(TEST_REDIS_URL);
const prefix = uniquePrefix();
afterAll(async () => {
  redis.disconnect();
  await deleteKeys(prefix);
});

describe('the slot ledger', () => {
  it('spaces slots by the tolerance and the dispatch margin: (1,000 + 10 + 3) / rate ms', async () => {
    const ledger = new SlotLedger(redis, prefix, 1400000000, ledgerPolicy(200));
    const r = await ledger.book(5);
    const slackMs = LEDGER_POLICY.toleranceMs + LEDGER_POLICY.dispatchMarginMs;
    expect(slackMs).toBe(13);
    expect(r.spacingMs).toBeCloseTo((1000 + slackMs) / 200, 6);
  });
});
