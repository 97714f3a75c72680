import type { Logger } from '../log/logger.js';
import type { BottleneckDatastore, DrainableLimiter } from './bottleneck-datastore.js';
import { describeRedisFailure } from '../redis/redis-failure.js';
import { RedisClock } from './redis-clock.js';
import type { LedgerHealing, LedgerReply, SlotLedger } from './slot-ledger.js';
import { timerDelay } from './timer-delay.js';

/** A fleet slot this process holds, in local time (`performance.now()`). */
export interface HeldSlot {
  /** The earliest the slot can be: lateness is measured from here. */
  readonly earliest: number;
  /** The latest the slot can be: a call waits until here, so it is never early. */
  readonly latest: number;
  /** Its name in the ledger, to give it back by. */
  readonly id: string;
}

export interface FleetSlotStoreOptions {
  /** Where slots are booked: the Redis ledger. */
  readonly ledger: Pick<SlotLedger, 'book'>;
  /** A slot more than this late (ms) is not used: the ledger's spacing only makes room for this much. */
  readonly toleranceMs: number;
  /** The ledger's lead (ms): a process asks for more slots when the fleet's next one is this close. */
  readonly leadMs: number;
  readonly logger: Logger;
}

/** What the store has seen, for metrics and reports. */
export interface FleetSlotStats {
  readonly ratePerSecond: number;
  readonly ceilingPerSecond: number;
  /** Slots booked for this process. */
  readonly booked: number;
  /** Round trips to the ledger that returned slots, and those that found none free within the lead. */
  readonly bookings: number;
  readonly emptyBookings: number;
  /** Round trips that only gave stale slots back (asking for none). */
  readonly giveBackTrips: number;
  /** Slots that came too late to use (the call was booked again); each is given back to the ledger. */
  readonly stale: number;
  /** Stale slots the ledger took back in time for the fleet to use their room. */
  readonly givenBack: number;
  /** Times this process found the ledger's state gone and recreated it, by why. */
  readonly recoveries: Readonly<Record<LedgerHealing, number>>;
  /** Bookings that failed (Redis away, full, or refusing the script). */
  readonly bookingErrors: number;
  /** How precisely this process knows Redis's clock, ms. */
  readonly clockUncertaintyMs: number;
}

const STRATEGY_LEAK = 1;
/** Retry delays after a failed booking: first, then doubling up to the last. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 1000;

/**
 * Bottleneck's datastore for the fleet: it books consecutive slots from the Redis ledger in
 * batches (one round trip for several calls), maps them onto the local clock, and lets
 * Bottleneck register a queued job only against a slot it holds, with `wait` = until the slot.
 * Booking failures never fail a job: calls wait, booking is retried, the episode is logged once.
 */
export class FleetSlotStore implements BottleneckDatastore {
  readonly ready = Promise.resolve();
  readonly clients = {};
  readonly clientId = 'fleet-slot-store';

  readonly #o: FleetSlotStoreOptions;
  readonly #clock = new RedisClock();
  readonly #slots: HeldSlot[] = [];
  /** Names of stale slots not yet given back, and whether a booking to give them back is due. */
  #giveBack: string[] = [];
  #givingBack = false;
  #limiter: DrainableLimiter | null = null;
  /** The slot the last successful `__register__` handed out, taken by the limiter's `scheduled` listener. */
  #granted: HeldSlot | null = null;
  #running = 0;
  #booking = false;
  #wake: NodeJS.Timeout | null = null;
  #retryMs = RETRY_FIRST_MS;
  #failingSince: number | null = null;
  /** Since when this process has needed an answer from the ledger and had none (null: it has one, or needs none). */
  #unansweredSince: number | null = null;
  #epoch: string | null = null;
  #closed = false;
  #stats = {
    ratePerSecond: 0,
    ceilingPerSecond: 0,
    booked: 0,
    bookings: 0,
    emptyBookings: 0,
    giveBackTrips: 0,
    stale: 0,
    givenBack: 0,
    bookingErrors: 0,
  };
  readonly #recoveries: Record<LedgerHealing, number> = { missing: 0, unreadable: 0, clock: 0 };

  constructor(o: FleetSlotStoreOptions) {
    this.#o = o;
  }

  attach(limiter: DrainableLimiter): void {
    this.#limiter = limiter;
  }

  /** The slot handed to the job Bottleneck is scheduling right now (its `scheduled` event). */
  takeGranted(): HeldSlot {
    const slot = this.#granted;
    if (slot === null) throw new Error('fleet slot store: a job was scheduled without a slot');
    this.#granted = null;
    return slot;
  }

  /**
   * How long this process has needed an answer from the ledger (a booking sent, failing or not
   * answered) without one, in ms; 0 while it has its answer, waits for its turn, or needs none.
   * A call can wait far longer for its slot when the fleet's rate is low: that is not a stall.
   */
  unansweredForMs(now: number): number {
    return this.#unansweredSince === null ? 0 : now - this.#unansweredSince;
  }

  stats(): FleetSlotStats {
    return { ...this.#stats, recoveries: { ...this.#recoveries }, clockUncertaintyMs: this.#clock.uncertaintyMs };
  }

  /** Updates the rate figures from a reply of another ledger operation (a refusal, an operator's change). */
  observe(reply: LedgerReply): void {
    this.#stats.ratePerSecond = reply.ratePerSecond;
    this.#stats.ceilingPerSecond = reply.ceilingPerSecond;
  }

  __submit__(): Promise<{ reachedHWM: boolean; blocked: boolean; strategy: number }> {
    return Promise.resolve({ reachedHWM: false, blocked: false, strategy: STRATEGY_LEAK });
  }

  __register__(): Promise<{ success: boolean; wait?: number; reservoir?: number | null }> {
    const now = performance.now();
    let slot = this.#slots.shift();
    // Slots gone stale while no job waited for them (or the loop was busy) are no use here now.
    while (slot !== undefined && now - slot.earliest > this.#o.toleranceMs) {
      this.giveBack(slot);
      slot = this.#slots.shift();
    }
    if (slot === undefined) {
      this.#bookSoon();
      return Promise.resolve({ success: false });
    }
    this.#granted = slot;
    this.#running += 1;
    // Bottleneck waits with setTimeout: a timer that fired before the slot took a second one to
    // wait out the rest (shared-limiter's runAtSlot). One timer per call is 5% less CPU per call.
    return Promise.resolve({ success: true, wait: timerDelay(slot.latest - now), reservoir: null });
  }

  __free__(): Promise<{ running: number }> {
    this.#running -= 1;
    return Promise.resolve({ running: this.#running });
  }

  /**
   * A slot came too late to use and its call was not sent: the ledger gets it back, so that the
   * fleet still makes the call its room allowed. Slots going stale together (a late wake-up) go
   * back in one round trip, after the event loop's turn: now, for the fleet's next booker to use;
   * this process asks for slots for their calls at its own next turn, not out of it (where the
   * ledger mostly had none free yet: another process's turn had just taken the batch).
   */
  giveBack(slot: HeldSlot): void {
    this.#stats.stale += 1;
    this.#giveBack.push(slot.id);
    if (this.#givingBack) return;
    this.#givingBack = true;
    setImmediate(() => {
      this.#givingBack = false;
      // A booking made since carried them; one under way takes them once it is back.
      if (this.#giveBack.length === 0 || this.#booking || this.#closed) return;
      void this.#book(this.#wake === null);
    });
  }

  __disconnect__(): Promise<void> {
    this.#closed = true;
    if (this.#wake !== null) clearTimeout(this.#wake);
    return Promise.resolve();
  }

  __running__(): Promise<number> {
    return Promise.resolve(this.#running);
  }

  __queued__(): Promise<number> {
    return Promise.resolve(this.#limiter?.queued() ?? 0);
  }

  __done__(): Promise<number> {
    return Promise.reject(new Error('fleet slot store: done() is not kept'));
  }

  __check__(): Promise<boolean> {
    return Promise.resolve(this.#slots.length > 0);
  }

  __groupCheck__(): Promise<boolean> {
    return Promise.resolve(false);
  }

  __updateSettings__(): Promise<boolean> {
    return Promise.reject(new Error('fleet slot store: the rate lives in the Redis ledger (robot-seeder rate set)'));
  }

  __incrementReservoir__(): Promise<number> {
    return Promise.reject(new Error('fleet slot store: no reservoir'));
  }

  __currentReservoir__(): Promise<number | null> {
    return Promise.resolve(null);
  }

  __publish__(): Promise<void> {
    return Promise.resolve();
  }

  /** Books now unless a booking is under way or already timed. */
  #bookSoon(): void {
    if (this.#booking || this.#wake !== null || this.#closed) return;
    void this.#book();
  }

  #wakeAt(localMs: number): void {
    if (this.#closed) return;
    if (this.#wake !== null) clearTimeout(this.#wake);
    this.#wake = setTimeout(
      () => {
        this.#wake = null;
        this.#bookSoon();
      },
      // Not early: a turn asked for a moment before it comes is answered "none free yet".
      timerDelay(localMs - performance.now()),
    );
  }

  /** One round trip to the ledger: slots given back, and (`ask`) as many asked for as calls wait. */
  async #book(ask = true): Promise<void> {
    const wanted = ask ? Math.max(0, (this.#limiter?.queued() ?? 0) - this.#slots.length) : 0;
    if (wanted === 0 && this.#giveBack.length === 0) {
      this.#unansweredSince = null;
      return;
    }
    const giveBack = this.#giveBack;
    this.#giveBack = [];
    this.#booking = true;
    const sentAt = performance.now();
    this.#unansweredSince ??= sentAt;
    try {
      const reply = await this.#o.ledger.book(wanted, giveBack);
      const receivedAt = performance.now();
      this.#unansweredSince = null;
      this.#clock.sample(sentAt, reply.redisNowMs, receivedAt);
      this.#recovered(receivedAt);
      this.#noteEpoch(reply);
      this.observe(reply);
      for (const { atMs, id } of reply.slots) {
        this.#slots.push({ earliest: this.#clock.earliest(atMs), latest: this.#clock.latest(atMs), id });
      }
      const granted = reply.slots.length;
      this.#stats.booked += granted;
      this.#stats.givenBack += reply.returned;
      if (granted > 0) this.#stats.bookings += 1;
      else if (wanted > 0) this.#stats.emptyBookings += 1;
      else this.#stats.giveBackTrips += 1;
      this.#booking = false;
      if (granted > 0) this.#limiter?.drain();
      if (wanted > 0) this.#wakeAt(this.#clock.latest(this.#nextTurn(reply)));
      // No turn timed: this process's turn came while slots were going back (or it has none yet).
      if (this.#wake === null) this.#bookSoon();
      else if (this.#giveBack.length > 0) void this.#book(false);
    } catch (err) {
      // Slots not given back (Redis away) only cost their room: they were never sent.
      this.#booking = false;
      // Closed while it was under way (shutdown: the connection closes next): nothing failed.
      if (this.#closed) return;
      this.#failed(err);
      this.#wakeAt(performance.now() + this.#retryMs);
      this.#retryMs = Math.min(RETRY_MAX_MS, this.#retryMs * 2);
    }
  }

  /**
   * When to ask again (Redis time). The processes that book take turns, one batch each: after its
   * batch, this one's next turn comes once the others have had theirs. Asked too early (another
   * took the turn), it comes back when the fleet's next slot enters the lead, at a random point of
   * one batch, so that several waiting processes do not all ask at once; and within the lead, so
   * that it is back before that slot (below 20/s a slot is further apart than the lead: at a random
   * point of a whole spacing, six workers at 1/s made 0.7-0.8 calls a second, and four processes
   * at 4/s sent calls 126-473 ms apart instead of 253: test/integration/shared-limiter.test.ts).
   */
  #nextTurn(r: LedgerReply): number {
    const granted = r.slots.length;
    const span = Math.max(1, granted) * r.spacingMs;
    // The others' turns, or only as many slots as they still wait for (fewer at the end of a batch).
    if (granted > 0) return r.freeMs + Math.min((r.bookers - 1) * span, r.othersWaiting * r.spacingMs) - this.#o.leadMs;
    return r.freeMs - this.#o.leadMs + Math.random() * Math.min(span, this.#o.leadMs);
  }

  #failed(err: unknown): void {
    this.#stats.bookingErrors += 1;
    if (this.#failingSince !== null) return;
    this.#failingSince = performance.now();
    this.#o.logger.error(
      { reason: describeRedisFailure(err) },
      'SHARED LIMITER cannot book call slots in Redis; calls wait (no attempt is used) and booking is retried',
    );
  }

  #recovered(now: number): void {
    this.#retryMs = RETRY_FIRST_MS;
    if (this.#failingSince === null) return;
    this.#o.logger.warn({ failedForMs: Math.round(now - this.#failingSince) }, 'shared limiter books call slots again');
    this.#failingSince = null;
  }

  #noteEpoch(reply: LedgerReply): void {
    if (reply.healed !== null && this.#epoch !== null) {
      // This process had booked from the state that is gone: the fleet was running on it.
      this.#recoveries[reply.healed] += 1;
      this.#o.logger.warn(
        { healed: reply.healed, why: HEALING_REASONS[reply.healed] },
        'SHARED LIMITER state was gone from Redis and is recreated; calls resume after one booking lead, no job loses an attempt',
      );
    } else if (reply.healed !== null) {
      this.#o.logger.info({ healed: reply.healed }, 'shared limiter state created in Redis');
    }
    this.#epoch = reply.epoch;
  }
}

const HEALING_REASONS: Readonly<Record<LedgerHealing, string>> = {
  missing: 'its keys were deleted, expired after an idle spell, evicted, or lost in a failover',
  unreadable: 'its key held something else (overwritten or corrupted)',
  clock: "its next slot lay far in the future (Redis's clock stepped back, or the value was tampered with)",
};
