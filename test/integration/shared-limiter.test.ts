import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { LEDGER_POLICY } from '../../src/limiter/ledger-policy.js';
import { createSharedLimiter, type HeldBack, type SharedLimiter, type SharedLimiterOptions } from '../../src/limiter/shared-limiter.js';
import { createLogger } from '../../src/log/logger.js';
import { CallNotSentError } from '../../src/tencent/call-outcome.js';
import { captureLog } from '../support/capture-log.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix, waitFor } from '../support/test-env.js';
import { mostInWindow } from '../support/call-rate.js';

const APP = 1400000000;
const opened: Array<{ limiter: SharedLimiter; redis: Redis; closing: AbortController }> = [];
const prefixes: string[] = [];
const servers: RedisServer[] = [];

/** A limiter as one worker process has it: its own connection (worker role: commands wait out a restart). */
function limiter(prefix: string, ceilingPerSecond: number, extra: Partial<SharedLimiterOptions> & { url?: string } = {}): SharedLimiter {
  const redis = new Redis(extra.url ?? TEST_REDIS_URL, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  // A fault test stops its Redis: the reconnect attempts are expected.
  redis.on('error', () => undefined);
  const closing = new AbortController();
  const l = createSharedLimiter({
    redis,
    prefix,
    appId: APP,
    ceilingPerSecond,
    signal: closing.signal,
    logger: createLogger('silent'),
    ...extra,
  });
  opened.push({ limiter: l, redis, closing });
  return l;
}

function newPrefix(): string {
  const p = uniquePrefix();
  prefixes.push(p);
  return p;
}

afterEach(async () => {
  for (const o of opened.splice(0)) {
    o.closing.abort();
    await o.limiter.close();
    o.redis.disconnect();
  }
  for (const p of prefixes.splice(0)) await deleteKeys(p);
  for (const s of servers.splice(0)) await s.close();
});

/** Sends `n` calls through the limiters in turn (as processes would), recording when each left. */
async function sendThrough(
  limiters: readonly SharedLimiter[],
  n: number,
): Promise<{ sentAt: number[]; results: Array<number | HeldBack> }> {
  const sentAt: number[] = [];
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) =>
      (limiters[i % limiters.length] as SharedLimiter).schedule(() => {
        sentAt.push(performance.now());
        return Promise.resolve(i);
      }),
    ),
  );
  return { sentAt, results };
}

describe('shared limiter: the fleet slot ledger in Redis', () => {
  it('keeps two limiters of one app (two processes) together at or under the cap in every sliding second', async () => {
    const prefix = newPrefix();
    const [a, b] = [limiter(prefix, 40), limiter(prefix, 40)];
    const { sentAt, results } = await sendThrough([a, b], 100);
    expect(results).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // Slots are (1 s + tolerance) / 40 apart: a send within the tolerance of its slot keeps any 1 s at 40.
    expect(mostInWindow(sentAt, 1000)).toBeLessThanOrEqual(40);
    // ...and the cap is used: 100 calls at (1010 / 40) ms apart take about 2.5 s, not much more.
    const span = Math.max(...sentAt) - Math.min(...sentAt);
    expect(span).toBeGreaterThanOrEqual(99 * (1000 / 40));
    expect(a.stats().sent + b.stats().sent).toBe(100);
  });

  it('keeps a rate whose spacing is not a whole number of milliseconds (150/s: 6.73 ms)', async () => {
    const prefix = newPrefix();
    const l = limiter(prefix, 150);
    const { sentAt, results } = await sendThrough([l], 300);
    expect(results).toHaveLength(300);
    expect(mostInWindow(sentAt, 1000)).toBeLessThanOrEqual(150);
    expect(Math.max(...sentAt) - Math.min(...sentAt)).toBeGreaterThanOrEqual(299 * (1000 / 150));
  });

  it('uses a low rate to the full from several processes: each slot is booked, none passes while calls wait', async () => {
    // At 4/s a slot is 253 ms apart, five times the lead: a process that asked a moment too early
    // must come back within the lead, not at a random point of a whole spacing (after the slot).
    const prefix = newPrefix();
    const fleet = [limiter(prefix, 4), limiter(prefix, 4), limiter(prefix, 4), limiter(prefix, 4)];
    const { sentAt } = await sendThrough(fleet, 16);
    const spacingMs = (1000 + LEDGER_POLICY.toleranceMs + LEDGER_POLICY.dispatchMarginMs) / 4;
    const gaps = sentAt.slice(1).map((t, k) => t - (sentAt[k] ?? 0));
    // Each call a spacing after the one before (plus a timer's lateness), never a slot skipped. Before
    // 2026-12-01 (coming back at a random point of a whole spacing) the gaps were 126-473 ms.
    for (const gap of gaps) expect(gap).toBeLessThan(1.5 * spacingMs);
  });

  it('keeps working after Redis loses its script cache (NOSCRIPT)', async () => {
    const l = limiter(newPrefix(), 200);
    await sendThrough([l], 5);
    const admin = new Redis(TEST_REDIS_URL);
    await admin.script('FLUSH');
    admin.disconnect();
    expect((await sendThrough([l], 5)).results).toEqual([0, 1, 2, 3, 4]);
  });

  it('heals when its keys are deleted mid-run: calls resume within 2 s, none is lost, the event is counted and logged once', async () => {
    const prefix = newPrefix();
    const log = captureLog();
    const l = limiter(prefix, 100, { logger: log.logger });
    const admin = new Redis(TEST_REDIS_URL);
    const sentAt: number[] = [];
    let deletedAt = 0;
    const all = Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        l.schedule(async () => {
          sentAt.push(performance.now());
          if (i === 50) {
            await admin.del(...l.ledger.keys);
            deletedAt = performance.now();
          }
          return i;
        }),
      ),
    );
    expect(await all).toEqual(Array.from({ length: 150 }, (_, i) => i));
    admin.disconnect();
    const firstAfter = Math.min(...sentAt.filter((t) => t > deletedAt));
    expect(firstAfter - deletedAt).toBeLessThan(2000);
    expect(l.stats().recoveries.missing).toBe(1);
    expect(log.lines().filter((x) => x['msg']?.toString().startsWith('SHARED LIMITER state was gone'))).toHaveLength(1);
    // The new schedule starts after every slot handed out before the loss: the cap held throughout.
    expect(mostInWindow(sentAt, 1000)).toBeLessThanOrEqual(100);
  });

  it('heals after idling past the keys expiry, then sends at once', async () => {
    const prefix = newPrefix();
    const l = limiter(prefix, 100, { idleExpiryMs: 300 });
    await sendThrough([l], 3);
    const admin = new Redis(TEST_REDIS_URL);
    // Real time: the expiry is Redis's own (PEXPIRE on its clock), which fake timers cannot reach.
    await sleep(500);
    expect(await admin.exists(l.ledger.keys[0])).toBe(0);
    admin.disconnect();
    const started = performance.now();
    expect((await sendThrough([l], 3)).results).toEqual([0, 1, 2]);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(l.stats().recoveries.missing).toBe(1);
  });

  it('heals a key overwritten with another type, and a next slot pushed an hour away', async () => {
    const prefix = newPrefix();
    const l = limiter(prefix, 100);
    const admin = new Redis(TEST_REDIS_URL);
    await sendThrough([l], 2);
    await admin.set(l.ledger.keys[0], 'not a hash');
    expect((await sendThrough([l], 2)).results).toEqual([0, 1]);
    await admin.hset(l.ledger.keys[0], 'next', String((Date.now() + 3_600_000) * 1000));
    expect((await sendThrough([l], 2)).results).toEqual([0, 1]);
    // The bookers' waiting counts, overwritten, are only started again.
    await admin.set(l.ledger.keys[4], 'not a hash');
    expect((await sendThrough([l], 2)).results).toEqual([0, 1]);
    admin.disconnect();
    expect(l.stats().recoveries).toMatchObject({ unreadable: 1, clock: 1 });
  });

  it('waits, without failing a call, while Redis refuses writes (OOM), and sends once it takes them again', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const prefix = newPrefix();
    const l = limiter(prefix, 100, { url: server.url });
    await sendThrough([l], 2);
    const admin = new Redis(server.url);
    await admin.config('SET', 'maxmemory', '1');
    let sent = false;
    const pending = l.schedule(() => {
      sent = true;
      return Promise.resolve('sent');
    });
    // The fault's duration (Redis refuses writes for 0.7 s), not a wait for a result: no call may go out during it.
    await sleep(700);
    expect(sent).toBe(false);
    expect(l.stats().bookingErrors).toBeGreaterThan(0);
    await admin.config('SET', 'maxmemory', '0');
    admin.disconnect();
    await expect(pending).resolves.toBe('sent');
  });

  it('holds a call back (no send, no failure) when no slot comes within stallAfterMs', async () => {
    const server = await startRedisServer();
    servers.push(server);
    const l = limiter(newPrefix(), 100, { url: server.url, stallAfterMs: 1000 });
    await sendThrough([l], 1);
    await server.stop();
    let sent = false;
    const result = await l.schedule(() => {
      sent = true;
      return Promise.resolve('sent');
    });
    expect(sent).toBe(false);
    expect(result).toMatchObject({ heldBack: expect.stringContaining('no call slot') as string });
  });

  it('lets a call wait longer than stallAfterMs for its slot while the ledger answers: a low rate is no stall', async () => {
    // 2 calls/s and 4 calls in hand: the last one's slot is about 1.5 s away, past the 1 s stall bound.
    const l = limiter(newPrefix(), 2, { stallAfterMs: 1000 });
    const results = await Promise.all([0, 1, 2, 3].map((i) => l.schedule(() => Promise.resolve(i))));
    expect(results).toEqual([0, 1, 2, 3]);
  });

  it('slows the whole fleet down on a rate refusal, climbs back, and follows the operator’s ceiling', async () => {
    const prefix = newPrefix();
    const [a, b] = [limiter(prefix, 200), limiter(prefix, 200)];
    await sendThrough([a, b], 2);
    a.refused();
    // refused() reports in the background: wait for the ledger to show the cut, not for 50 ms.
    let cut = await b.ledger.read();
    await waitFor('the cut in the ledger', async () => (cut = await b.ledger.read()).ratePerSecond !== 200, 10_000, 5);
    expect(cut.ratePerSecond).toBeCloseTo(200 * LEDGER_POLICY.decreaseFactor, 0);
    // Real time: the climb back is computed by the ledger script on Redis's clock (TIME), which fake timers cannot reach.
    await sleep(1000);
    const climbed = await b.ledger.read();
    expect(climbed.ratePerSecond ?? 0).toBeGreaterThan(cut.ratePerSecond ?? 0);
    expect(await a.ledger.setCeiling(37)).toEqual({ ratePerSecond: 37, ceilingPerSecond: 37, ceilingSource: 'operator' });
    const { sentAt } = await sendThrough([a, b], 60);
    expect(mostInWindow(sentAt, 1000)).toBeLessThanOrEqual(37);
    expect(await b.ledger.setCeiling(null)).toMatchObject({ ceilingPerSecond: 200, ceilingSource: 'workers' });
  });

  it('sends a more urgent call before the calls queued ahead of it', async () => {
    const l = limiter(newPrefix(), 50);
    const order: string[] = [];
    const send = (name: string) => () => {
      order.push(name);
      return Promise.resolve(name);
    };
    const normal = Array.from({ length: 40 }, (_, i) => l.schedule(send(`normal-${i}`)));
    // Sending has begun: the urgent call arrives while the others wait their turn.
    await waitFor('the first normal call sent', () => order.length > 0, 10_000, 5);
    const urgent = l.schedule(send('urgent'), 1);
    await Promise.all([...normal, urgent]);
    expect(order.indexOf('urgent')).toBeLessThan(15);
  });

  it("books a call again when its request could not be written by the slot's deadline, and sends it at a later slot", async () => {
    const l = limiter(newPrefix(), 50);
    const deadlines: number[] = [];
    let tries = 0;
    const result = await l.schedule((sendBy) => {
      deadlines.push(sendBy);
      tries += 1;
      // The first time the connection was not ready in time (as a new connection opening would).
      return tries === 1 ? Promise.reject(new CallNotSentError('not sent')) : Promise.resolve('sent');
    });
    expect(result).toBe('sent');
    expect(tries).toBe(2);
    // Each try had its own slot's deadline, the second a later one; the first counts as a stale slot, not a send.
    expect(deadlines[1]).toBeGreaterThan(deadlines[0] ?? Infinity);
    expect(l.stats()).toMatchObject({ sent: 1, stale: 1 });
  });

  it('releases the calls waiting for a slot at shutdown', async () => {
    const prefix = newPrefix();
    const l = limiter(prefix, 5);
    const entry = opened.at(-1);
    const calls = Array.from({ length: 20 }, () => l.schedule(() => Promise.resolve('sent')));
    // The limiter is granting (5/s: the other calls wait for slots) when shutdown comes.
    await waitFor('the first call sent', () => l.stats().sent > 0, 10_000, 5);
    entry?.closing.abort();
    const results = await Promise.all(calls);
    expect(results.filter((r) => r === 'sent').length).toBeLessThan(5);
    expect(results.filter((r) => typeof r === 'object')).not.toHaveLength(0);
  });
});
