import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { createSharedLimiter, type SharedLimiter } from '../../src/limiter/shared-limiter.js';
import { createLogger } from '../../src/log/logger.js';
import { isSeederError } from '../../src/errors/seeder-error.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/test-env.js';

const logger = createLogger('silent');
const opened: SharedLimiter[] = [];
let prefix = '';

async function limiter(id: string, ratePerSecond: number, extra: { stallAfterMs?: number; watchdogIntervalMs?: number } = {}): Promise<SharedLimiter> {
  const l = await createSharedLimiter({ connect: () => new Redis(TEST_REDIS_URL), id, ratePerSecond, logger, ...extra });
  opened.push(l);
  return l;
}

/** Most calls whose start falls in any window of `ms`. */
function busiestWindow(starts: number[], ms: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi += 1) {
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) >= ms) lo += 1;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

afterEach(async () => {
  for (const l of opened.splice(0)) await l.close();
  await deleteKeys(prefix);
});

describe('shared limiter (Bottleneck clustered on Redis)', () => {
  it('keeps two limiters of the same id, as in two processes, together under the cap in every 1 s window', async () => {
    prefix = uniquePrefix();
    const id = `${prefix}-limiter-1`;
    const [a, b] = [await limiter(id, 40), await limiter(id, 40)];
    const starts: number[] = [];
    const call = (l: SharedLimiter): Promise<void> =>
      l.schedule(() => {
        starts.push(Date.now());
        return Promise.resolve();
      });
    await Promise.all(Array.from({ length: 90 }, (_, i) => call(i % 2 === 0 ? a : b)));
    expect(starts).toHaveLength(90);
    // minTime 25 ms between grants: a 1 s window holds 40 grants, 41 when both ends fall in it.
    expect(busiestWindow(starts, 1000)).toBeLessThanOrEqual(41);
  });

  it('keeps working after Redis loses its script cache (NOSCRIPT)', async () => {
    prefix = uniquePrefix();
    const l = await limiter(`${prefix}-limiter-2`, 200);
    await Promise.all(Array.from({ length: 5 }, () => l.schedule(() => Promise.resolve(1))));
    const admin = new Redis(TEST_REDIS_URL);
    await admin.script('FLUSH');
    admin.disconnect();
    const results = await Promise.all(Array.from({ length: 5 }, () => l.schedule(() => Promise.resolve(2))));
    expect(results).toEqual([2, 2, 2, 2, 2]);
  });

  it('watchdog: notices calls waiting while nothing is granted, fails them as LIMITER_STALLED and rebuilds the limiter', async () => {
    prefix = uniquePrefix();
    const id = `${prefix}-limiter-3`;
    const l = await limiter(id, 100, { stallAfterMs: 1000, watchdogIntervalMs: 200 });
    await l.schedule(() => Promise.resolve());
    // Another process (or a bug) pushed the next allowed request an hour away: nothing is granted.
    const admin = new Redis(TEST_REDIS_URL);
    await admin.hset(`b_${id}_settings`, 'nextRequest', Date.now() + 3_600_000);
    admin.disconnect();
    let sent = 0;
    const stuck = await Promise.allSettled(Array.from({ length: 3 }, () => l.schedule(() => Promise.resolve(sent++))));
    for (const r of stuck) {
      expect(r.status).toBe('rejected');
      if (r.status === 'rejected') expect(isSeederError(r.reason) && r.reason.code).toBe('LIMITER_STALLED');
    }
    expect(sent).toBe(0);
    expect(l.recoveries).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    await expect(l.schedule(() => Promise.resolve('flows again'))).resolves.toBe('flows again');
  });
});
