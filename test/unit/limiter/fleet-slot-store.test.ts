import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FleetSlotStore } from '../../../src/limiter/fleet-slot-store.js';
import type { LedgerReply } from '../../../src/limiter/slot-ledger.js';
import { captureLog } from '../../support/capture-log.js';

/** Redis's clock is the local clock plus this. */
const OFFSET = 1_000_000;
const TOLERANCE = 10;
const LEAD = 50;

/** A ledger reply read "now" (the fake clock), with `granted` slots starting `inMs` from now, `spacingMs` apart. */
function reply(inMs: number, over: Partial<LedgerReply> & { granted?: number }): LedgerReply {
  const now = performance.now() + OFFSET;
  const { granted = 0, spacingMs = 5, ...rest } = over;
  const slots = Array.from({ length: granted }, (_, k) => now + inMs + k * spacingMs);
  return {
    redisNowMs: now,
    freeMs: now + inMs + granted * spacingMs,
    spacingMs,
    slots: slots.map((atMs) => ({ atMs, id: (atMs * 1000).toFixed(3) })),
    returned: 0,
    ratePerSecond: 200,
    ceilingPerSecond: 200,
    epoch: 'e1',
    healed: null,
    bookers: 1,
    othersWaiting: 1000,
    ...rest,
  };
}

function setup(book: (wanted: number, giveBack: readonly string[]) => Promise<LedgerReply>) {
  const log = captureLog();
  const ledger = { book: vi.fn(book) };
  const store = new FleetSlotStore({ ledger, toleranceMs: TOLERANCE, leadMs: LEAD, logger: log.logger });
  let queued = 0;
  const drain = vi.fn();
  store.attach({ queued: () => queued, drain });
  return { store, ledger, drain, log, setQueued: (n: number) => (queued = n) };
}

/** Ms from the store's first booking to its second, the ledger answering each with `over`, calls always waiting. */
async function secondAskAfter(over: Parameters<typeof reply>[1]): Promise<number> {
  const askedAt: number[] = [];
  const t = setup(() => {
    askedAt.push(performance.now());
    return Promise.resolve(reply(0, over));
  });
  t.setQueued(10);
  await t.store.__register__();
  await vi.advanceTimersByTimeAsync(300);
  return (askedAt[1] ?? Number.POSITIVE_INFINITY) - (askedAt[0] ?? 0);
}

const messages = (t: ReturnType<typeof setup>): string[] => t.log.lines().map((l) => String(l['msg']));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('FleetSlotStore (Bottleneck datastore over the slot ledger)', () => {
  it('books for the jobs waiting, lets Bottleneck drain, and registers each job against a slot with the wait until it', async () => {
    const t = setup((wanted) => Promise.resolve(reply(20, { granted: Math.min(wanted, 4) })));
    t.setQueued(3);
    expect(await t.store.__register__()).toEqual({ success: false });
    await vi.advanceTimersByTimeAsync(0);
    expect(t.ledger.book).toHaveBeenCalledWith(3, []);
    expect(t.drain).toHaveBeenCalledOnce();
    const untilSlot: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const now = performance.now();
      const r = await t.store.__register__();
      expect(r.success).toBe(true);
      const slot = t.store.takeGranted();
      expect(slot.earliest).toBeLessThanOrEqual(slot.latest);
      // A whole millisecond more than the slot is away (and less than two): Bottleneck's timer runs
      // on the event loop's cached clock, which may lag behind performance.now() by up to that.
      const wait = r.wait ?? -1;
      expect(wait).toBeGreaterThanOrEqual(slot.latest - now + 1);
      expect(wait).toBeLessThan(slot.latest - now + 2);
      expect(Number.isInteger(wait)).toBe(true);
      untilSlot.push(Math.round(slot.latest - now));
    }
    expect(untilSlot).toEqual([20, 25, 30]);
    expect(() => t.store.takeGranted()).toThrow(/without a slot/);
    expect(t.store.stats()).toMatchObject({ booked: 3, stale: 0, ratePerSecond: 200 });
  });

  it('gives slots gone stale beyond the tolerance back to the ledger, together, instead of handing them out late', async () => {
    const booked = reply(0, { granted: 3 });
    const t = setup((_wanted, giveBack) => Promise.resolve(giveBack.length > 0 ? reply(60, { returned: 2 }) : booked));
    t.setQueued(3);
    await t.store.__register__();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.ledger.book).toHaveBeenCalledTimes(1);
    t.setQueued(1);
    vi.advanceTimersByTime(TOLERANCE + 15);
    expect(await t.store.__register__()).toEqual({ success: false });
    // At once, not at this process's next turn: the fleet can still use their room.
    await vi.advanceTimersByTimeAsync(0);
    expect(t.ledger.book).toHaveBeenCalledTimes(2);
    expect(t.ledger.book).toHaveBeenLastCalledWith(
      1,
      booked.slots.map((s) => s.id),
    );
    expect(t.store.stats()).toMatchObject({ stale: 3, givenBack: 2 });
  });

  it('with its next turn timed, gives a late slot back at once but asks for slots for its call only at that turn', async () => {
    // Two slots (at most), 40 ms apart: the next free one is 80 ms away and enters the lead in 30 ms.
    const t = setup((wanted) => Promise.resolve(reply(0, { granted: Math.min(wanted, 2), spacingMs: 40 })));
    t.setQueued(2);
    await t.store.__register__();
    await vi.advanceTimersByTimeAsync(0);
    void t.store.__register__();
    const slot = t.store.takeGranted();
    await vi.advanceTimersByTimeAsync(TOLERANCE + 5);
    t.store.giveBack(slot);
    await vi.advanceTimersByTimeAsync(0);
    // The room goes back now; out of turn, the ledger would have had no slot free for the call.
    expect(t.ledger.book).toHaveBeenCalledTimes(2);
    expect(t.ledger.book).toHaveBeenLastCalledWith(0, [slot.id]);
    expect(t.store.stats()).toMatchObject({ bookings: 1, emptyBookings: 0, giveBackTrips: 1 });
    await vi.advanceTimersByTimeAsync(30 - TOLERANCE - 5);
    expect(t.ledger.book).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(2);
    expect(t.ledger.book).toHaveBeenCalledTimes(3);
    // Its turn: the call of the slot given back, and the one still waiting, less the slot it holds.
    expect(t.ledger.book).toHaveBeenLastCalledWith(1, []);
  });

  it('gives back a slot its call could not use (late at the slot), in one booking with the others of that turn', async () => {
    const t = setup(() => Promise.resolve(reply(0, { granted: 2 })));
    t.setQueued(2);
    await t.store.__register__();
    await vi.advanceTimersByTimeAsync(0);
    const slots = [0, 1].map(() => {
      void t.store.__register__();
      return t.store.takeGranted();
    });
    // Both calls were late: they queue again, and their slots go back with the booking for them.
    for (const slot of slots) t.store.giveBack(slot);
    expect(t.ledger.book).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.ledger.book).toHaveBeenCalledTimes(2);
    expect(t.ledger.book).toHaveBeenLastCalledWith(
      2,
      slots.map((s) => s.id),
    );
    expect(t.store.stats().stale).toBe(2);
  });

  it('asks the ledger again when the fleet’s next slot enters the lead, not before', async () => {
    const t = setup(() => Promise.resolve(reply(0, { granted: 2, spacingMs: 40 })));
    t.setQueued(10);
    await t.store.__register__();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.ledger.book).toHaveBeenCalledTimes(1);
    // Next free slot: 80 ms away; it enters the 50 ms lead in 30 ms.
    await vi.advanceTimersByTimeAsync(25);
    expect(t.ledger.book).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10);
    expect(t.ledger.book).toHaveBeenCalledTimes(2);
  });

  it('waits out the other bookers’ turns, but only as many slots as they still wait for', async () => {
    // Three bookers: after its batch of 2 slots (80 ms), this one's turn comes two batches later.
    const turns = await secondAskAfter({ granted: 2, spacingMs: 40, bookers: 3 });
    expect(turns).toBeGreaterThan(190);
    expect(turns).toBeLessThanOrEqual(200);
    // The others wait for one call between them (their work ran out): one slot, not two batches.
    const dry = await secondAskAfter({ granted: 2, spacingMs: 40, bookers: 3, othersWaiting: 1 });
    expect(dry).toBeGreaterThan(65);
    expect(dry).toBeLessThanOrEqual(75);
  });

  it('never asks for its turn before it comes, whole milliseconds or not: asked early, the ledger has none free yet', async () => {
    const askedAt: number[] = [];
    const t = setup(() => {
      askedAt.push(performance.now());
      return Promise.resolve(reply(0, { granted: 2, spacingMs: 40.2 }));
    });
    t.setQueued(10);
    await t.store.__register__();
    await vi.advanceTimersByTimeAsync(200);
    // Each reply's next free slot was 80.4 ms after it: the lead takes it in 30.4 ms.
    expect(askedAt.length).toBeGreaterThan(2);
    for (let k = 1; k < askedAt.length; k += 1) expect((askedAt[k] ?? 0) - (askedAt[k - 1] ?? 0)).toBeGreaterThanOrEqual(30.4);
  });

  it('rides out failed bookings: logs the episode once, retries with backoff, logs the recovery; jobs only wait', async () => {
    let failures = 2;
    const t = setup(() =>
      failures-- > 0
        ? Promise.reject(new Error("OOM command not allowed when used memory > 'maxmemory'."))
        : Promise.resolve(reply(0, { granted: 1 })),
    );
    t.setQueued(1);
    expect((await t.store.__register__()).success).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(t.ledger.book).toHaveBeenCalledTimes(1);
    // 50 ms, then 100 (each waited out in whole milliseconds, and one more: never early).
    await vi.advanceTimersByTimeAsync(51);
    expect(t.ledger.book).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(100);
    expect(t.ledger.book).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(t.ledger.book).toHaveBeenCalledTimes(3);
    expect(t.drain).toHaveBeenCalledOnce();
    expect(messages(t).filter((m) => m.startsWith('SHARED LIMITER cannot book'))).toHaveLength(1);
    expect(t.log.lines().find((l) => String(l['msg']).startsWith('SHARED LIMITER cannot book'))?.['reason']).toMatch(/^Redis is full/);
    expect(messages(t)).toContain('shared limiter books call slots again');
    expect(t.store.stats().bookingErrors).toBe(2);
  });

  it('says nothing of a booking that fails after the store closed (shutdown closes its connection next)', async () => {
    let fail: (err: Error) => void = () => undefined;
    const t = setup(() => new Promise<LedgerReply>((_, reject) => (fail = reject)));
    t.setQueued(1);
    await t.store.__register__();
    await vi.advanceTimersByTimeAsync(0);
    expect(t.ledger.book).toHaveBeenCalledOnce();
    await t.store.__disconnect__();
    fail(new Error('Connection is closed.'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(messages(t)).toEqual([]);
    expect(t.store.stats().bookingErrors).toBe(0);
    expect(t.ledger.book).toHaveBeenCalledOnce();
  });

  it('counts and logs a lost state only when it had booked from the one that is gone', async () => {
    const replies = [
      reply(0, { granted: 1, healed: 'missing', epoch: 'e1' }),
      reply(0, { granted: 1, epoch: 'e1' }),
      reply(0, { granted: 1, healed: 'missing', epoch: 'e2' }),
    ];
    const t = setup(() => Promise.resolve(replies.shift() ?? reply(0, { granted: 1, epoch: 'e2' })));
    for (let i = 0; i < 3; i += 1) {
      t.setQueued(1);
      await t.store.__register__();
      await vi.advanceTimersByTimeAsync(0);
      expect((await t.store.__register__()).success).toBe(true);
      t.store.takeGranted();
    }
    expect(t.store.stats().recoveries).toEqual({ missing: 1, unreadable: 0, clock: 0 });
    expect(messages(t).filter((m) => m.startsWith('SHARED LIMITER state was gone'))).toHaveLength(1);
    expect(messages(t)).toContain('shared limiter state created in Redis');
  });
});
