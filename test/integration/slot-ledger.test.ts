import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LEDGER_POLICY, ledgerPolicy } from '../../src/limiter/ledger-policy.js';
import { SlotLedger, type LedgerReply, type LedgerSlot } from '../../src/limiter/slot-ledger.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/test-env.js';

const redis = new Redis(TEST_REDIS_URL);
const prefix = uniquePrefix();
afterAll(async () => {
  redis.disconnect();
  await deleteKeys(prefix);
});

let nextAppId = 1400000000;
const ledgerAt = (rate: number): SlotLedger => new SlotLedger(redis, prefix, (nextAppId += 1), ledgerPolicy(rate));

/** Three processes of one fleet (one app, each its own ledger client), each having booked once. */
async function threeBookersAt(rate: number): Promise<[SlotLedger, SlotLedger, SlotLedger]> {
  const appId = (nextAppId += 1);
  const client = (): SlotLedger => new SlotLedger(redis, prefix, appId, ledgerPolicy(rate));
  const fleet: [SlotLedger, SlotLedger, SlotLedger] = [client(), client(), client()];
  await Promise.all(fleet.map((l) => l.book(1)));
  return fleet;
}

/** Books until the ledger hands out slots (a new state starts one lead plus one batch ahead). */
async function bookSome(ledger: SlotLedger, wanted: number, giveBack: readonly string[] = []): Promise<LedgerReply> {
  for (let tries = 0; tries < 100; tries += 1) {
    const r = await ledger.book(wanted, tries === 0 ? giveBack : []);
    if (r.slots.length > 0) return r;
    await sleep(5);
  }
  throw new Error('the ledger handed out no slot in 100 tries');
}

/** The most slots in any half-open window of `windowMs` (slots sorted by time). */
function mostInWindow(slots: readonly LedgerSlot[], windowMs: number): number {
  let most = 0;
  let first = 0;
  for (let last = 0; last < slots.length; last += 1) {
    while ((slots[first]?.atMs ?? 0) <= (slots[last]?.atMs ?? 0) - windowMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

describe('the slot ledger', () => {
  it('spaces slots by the tolerance and the dispatch margin: (1,000 + 10 + 3) / rate ms', async () => {
    const r = await bookSome(ledgerAt(200), 5);
    const slackMs = LEDGER_POLICY.toleranceMs + LEDGER_POLICY.dispatchMarginMs;
    expect(slackMs).toBe(13);
    expect(r.spacingMs).toBeCloseTo((1000 + slackMs) / 200, 6);
    const gaps = r.slots.slice(1).map((s, k) => s.atMs - (r.slots[k]?.atMs ?? 0));
    expect(gaps.length).toBeGreaterThan(0);
    for (const gap of gaps) expect(gap).toBeCloseTo(r.spacingMs, 3);
  });

  it('uses the room of a slot given back: the next slot comes half a spacing after the last instead of a whole one', async () => {
    const ledger = ledgerAt(100);
    const first = await bookSome(ledger, 2);
    const [a, b] = first.slots;
    if (a === undefined || b === undefined) throw new Error('expected two slots');
    const back = await ledger.book(0, [a.id]);
    expect(back.returned).toBe(1);
    expect(back.slots).toEqual([]);
    const [c, d] = (await bookSome(ledger, 2)).slots;
    expect((c?.atMs ?? 0) - b.atMs).toBeCloseTo(first.spacingMs / 2, 2);
    // The room is used once: then the grid again.
    expect((d?.atMs ?? 0) - b.atMs).toBeCloseTo(first.spacingMs, 2);
    // A slot given back twice, or unknown, frees nothing more.
    expect((await ledger.book(0, [a.id, 'not-a-slot'])).returned).toBe(0);
  });

  it('uses the room of a slot given back at 1 call a second too: half a window is one slot there', async () => {
    const ledger = ledgerAt(1);
    const [a] = (await bookSome(ledger, 1)).slots;
    if (a === undefined) throw new Error('expected a slot');
    expect((await ledger.book(0, [a.id])).returned).toBe(1);
    const again = await bookSome(ledger, 1);
    // Half a spacing after the slot given back, not a whole one (the grid).
    expect((again.slots[0]?.atMs ?? 0) - a.atMs).toBeCloseTo(again.spacingMs / 2, 2);
  });

  it('keeps the room of a slot given back in the windows after: a fleet always booking keeps rate slots in each', async () => {
    const ledger = ledgerAt(100);
    const first = await bookSome(ledger, 4);
    const start = first.slots[0]?.atMs ?? 0;
    const windowMs = first.spacingMs * 100;
    expect((await ledger.book(0, [first.slots[0]?.id ?? ''])).returned).toBe(1);
    const kept = first.slots.slice(1);
    // Books every slot as soon as the ledger hands it out, for two windows and a bit.
    while ((kept.at(-1)?.atMs ?? 0) < start + 2 * windowMs + 100) {
      const r = await ledger.book(8);
      kept.push(...r.slots);
      if (r.slots.length === 0) await sleep(5);
    }
    const within = (from: number): number => kept.filter((s) => s.atMs >= from && s.atMs < from + windowMs).length;
    // The slot given back was made up for in the first window; one window later the log pushes the
    // grid back where its room was, and the slot is made up for again where the first one came.
    expect(within(start)).toBe(100);
    expect(within(start + windowMs)).toBe(100);
  });

  it('makes up for the slots of a batch given back evenly: never more than an eighth of the rate in a tenth of the window', async () => {
    const rate = 200;
    const ledger = ledgerAt(rate);
    const first = await bookSome(ledger, 10);
    const windowMs = first.spacingMs * rate;
    const start = first.slots[0]?.atMs ?? 0;
    // A process that stalled gives back a whole batch (50 ms of slots); the fleet books on.
    let giveBack = first.slots.map((s) => s.id);
    const kept: LedgerSlot[] = [];
    while ((kept.at(-1)?.atMs ?? 0) < start + 2 * windowMs + 100) {
      const r = await ledger.book(10, giveBack);
      giveBack = [];
      kept.push(...r.slots);
      if (r.slots.length === 0) await sleep(2);
    }
    // Made up for at once (half a spacing apart), the batch put 29 slots in a tenth of the window.
    expect(mostInWindow(kept, windowMs / 10 - 0.001)).toBe(Math.ceil(rate / 8));
    // The room is kept: each window from the first slot given back holds `rate` slots.
    expect(kept.filter((s) => s.atMs < start + windowMs).length).toBe(rate);
    expect(kept.filter((s) => s.atMs >= start + windowMs && s.atMs < start + 2 * windowMs).length).toBe(rate);
  });

  it('makes up for slots nobody booked in time, faster than the grid', async () => {
    const ledger = ledgerAt(100);
    const first = await bookSome(ledger, 1);
    await sleep(300);
    const later: LedgerSlot[] = [];
    while (later.length < 8) later.push(...(await bookSome(ledger, 8 - later.length)).slots);
    // Eight slots at half the spacing: 3.5 spacings from first to last, not 7 (the grid).
    const span = (later.at(-1)?.atMs ?? 0) - (later[0]?.atMs ?? 0);
    expect(span).toBeLessThan(first.spacingMs * 5);
    expect(span).toBeGreaterThanOrEqual(first.spacingMs * 3.5 - 0.01);
  });

  it('counts as bookers the processes still taking turns: one not seen for two rounds has stopped', async () => {
    const [a, b] = await threeBookersAt(100);
    // A round of three turns is three batches (150 ms); within two rounds (and the lead) all three count.
    await sleep(50);
    expect((await a.book(1)).bookers).toBe(3);
    // B and C have not booked for more than two rounds (their work ran out): A books alone now
    // instead of waiting out their turns.
    await sleep(400);
    expect((await a.book(1)).bookers).toBe(1);
    expect((await b.book(1)).bookers).toBe(2);
  });

  it('tells each booker how many calls the others still wait for beyond their slots, as each said last', async () => {
    const [a, b, c] = await threeBookersAt(100);
    const rb = await b.book(50);
    const rc = await c.book(3);
    const ra = await a.book(1);
    expect(ra.bookers).toBe(3);
    // Its own calls are not counted: a process waits out the others' turns, not its own.
    expect(ra.othersWaiting).toBe(50 - rb.slots.length + (3 - rc.slots.length));
    // A round trip that only gives slots back says nothing of what a process waits for.
    await b.book(
      0,
      rb.slots.slice(0, 1).map((s) => s.id),
    );
    expect((await a.book(1)).othersWaiting).toBe(50 - rb.slots.length + (3 - rc.slots.length));
  });

  it('at a low rate, a turn is one slot: processes waiting out turns that long still count as bookers', async () => {
    // At 5/s a slot is 202 ms apart, more than a batch (50 ms): a round of three turns is 606 ms.
    const [a] = await threeBookersAt(5);
    await sleep(450);
    expect((await a.book(1)).bookers).toBe(3);
  });

  it('never holds more than rate slots in any window of 1,013 ms: the room of a slot given back is used once', async () => {
    const rate = 20;
    const ledger = ledgerAt(rate);
    const live: LedgerSlot[] = [];
    let giveBack: string[] = [];
    let givenBack = 0;
    // Work for longer than two windows, asking all the time; two early slots come back unused.
    const until = performance.now() + 2600;
    while (performance.now() < until) {
      const r = await ledger.book(3, giveBack);
      giveBack = [];
      for (const slot of r.slots) {
        if (givenBack < 2 && live.length >= 4) {
          giveBack.push(slot.id);
          givenBack += 1;
        } else live.push(slot);
      }
      await sleep(10);
    }
    live.sort((x, y) => x.atMs - y.atMs);
    const windowMs = 1000 + LEDGER_POLICY.toleranceMs + LEDGER_POLICY.dispatchMarginMs;
    // The grid alone would be full in every window: the slots made up for the two given back
    // must not make a later window hold more.
    expect(mostInWindow(live, windowMs)).toBe(rate);
    const gaps = live.slice(1).map((slot, k) => slot.atMs - (live[k]?.atMs ?? 0));
    expect(gaps.filter((gap) => gap < windowMs / rate / 2 + 0.01).length).toBeGreaterThanOrEqual(givenBack);
  });

  it('starts again after every slot it held when its log of slots is lost or overwritten, and says so', async () => {
    const ledger = ledgerAt(200);
    const before = await bookSome(ledger, 5);
    const logKey = ledger.keys[3];
    await redis.del(logKey);
    const lost = await ledger.book(5);
    expect(lost.healed).toBe('missing');
    expect(lost.slots).toEqual([]);
    const after = await bookSome(ledger, 5);
    expect(after.slots[0]?.atMs).toBeGreaterThan(before.slots.at(-1)?.atMs ?? Infinity);
    await redis.set(logKey, 'garbage');
    expect((await ledger.book(5)).healed).toBe('unreadable');
    expect(await redis.type(logKey)).toBe('zset');
  });
  // Redis's clock stepped back, or a value was tampered with: none may hold the fleet until then.
  it.each([
    ["the grid's next slot", 'next'],
    ['the last slot handed out', 'last'],
    ['a slot in the log', 'log'],
  ])('pulls %s stamped an hour ahead back to now, and says so', async (_what, field) => {
    const ledger = ledgerAt(200);
    const [stateKey, , , logKey] = ledger.keys;
    const before = await bookSome(ledger, 5);
    const hourAheadUs = ((before.redisNowMs + 3_600_000) * 1000).toFixed(3);
    if (field === 'log') await redis.zadd(logKey, hourAheadUs, hourAheadUs);
    else await redis.hset(stateKey, field, hourAheadUs);
    expect((await ledger.book(5)).healed).toBe('clock');
    const after = await bookSome(ledger, 5);
    expect(after.slots[0]?.atMs).toBeLessThanOrEqual(after.redisNowMs + LEDGER_POLICY.leadMs + LEDGER_POLICY.batchMs);
    expect(await redis.zcount(logKey, `(${(after.redisNowMs + 60_000) * 1000}`, '+inf')).toBe(0);
  });

  it('still slows the fleet down when its last decrease is stamped in the future', async () => {
    const ledger = ledgerAt(200);
    const before = await bookSome(ledger, 5);
    await redis.hset(ledger.keys[0], 'cut', ((before.redisNowMs + 3_600_000) * 1000).toFixed(3));
    const refused = await ledger.refused();
    expect(refused.ratePerSecond).toBeCloseTo(200 * LEDGER_POLICY.decreaseFactor, 0);
  });

  it.each(['0', '-5', 'inf', 'nan', 'fast'])("ignores an operator ceiling of %s: the workers' rate holds", async (value) => {
    const ledger = ledgerAt(200);
    await bookSome(ledger, 1);
    await redis.set(ledger.keys[1], value);
    const r = await bookSome(ledger, 5);
    expect(r.ceilingPerSecond).toBe(200);
    expect(r.ratePerSecond).toBe(200);
    expect(await ledger.read()).toEqual({ ratePerSecond: 200, ceilingPerSecond: 200, ceilingSource: 'workers' });
  });
});
