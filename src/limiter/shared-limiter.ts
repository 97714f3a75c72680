import { setTimeout as sleep } from 'node:timers/promises';
import type { RedisClient } from '../redis/redis-client.js';
import type { Logger } from '../log/logger.js';
import { describeRedisFailure } from '../redis/redis-failure.js';
import { bottleneckOn } from './bottleneck-datastore.js';
import { FleetSlotStore, type FleetSlotStats, type HeldSlot } from './fleet-slot-store.js';
import { LEDGER_POLICY, ledgerPolicy } from './ledger-policy.js';
import { SlotLedger } from './slot-ledger.js';
import { CallNotSentError } from '../tencent/call-outcome.js';
import { timerDelay } from './timer-delay.js';

export interface SharedLimiterOptions {
  /** A connection that waits out Redis restarts (the worker role); the ledger's script is defined on it. */
  readonly redis: RedisClient;
  /** Key prefix (with the cluster hash tag): one limiter per prefix and app. */
  readonly prefix: string;
  /** The SDKAppID: Tencent's 200 calls/s is per app. */
  readonly appId: number;
  /** `RATE_LIMIT_PER_SECOND`: the most calls per second the API may see from the fleet. */
  readonly ceilingPerSecond: number;
  /** Aborted at shutdown: calls still waiting for a slot are released (their jobs wait in the queue). */
  readonly signal: AbortSignal;
  readonly logger: Logger;
  /**
   * Calls waiting while the ledger has not answered for this many ms (Redis away, refusing the
   * script, or not replying) are released, default 15000. A call may wait longer than this for its
   * slot when the fleet's rate is low and many calls are in hand: that is no stall.
   */
  readonly stallAfterMs?: number;
  /** The ledger's keys expire after this long unused, default a day (tests shorten it). */
  readonly idleExpiryMs?: number;
}

/** What a call released without being sent says (its job waits and retries without using an attempt). */
export interface HeldBack {
  readonly heldBack: string;
}

/** The buckets of `LimiterStats.lateness`: upper bounds in ms (`robot_seeder_limiter_sends_total{late_ms}`). */
export const LATENESS_BUCKETS_MS = ['1', '2', '5', '10'] as const;
export type LatenessBucket = (typeof LATENESS_BUCKETS_MS)[number];

export interface LimiterStats extends FleetSlotStats {
  /** Calls sent at their slot. */
  readonly sent: number;
  /** How late calls left after the earliest moment of their slot: counts per bucket (upper bounds in ms). */
  readonly lateness: Readonly<Record<LatenessBucket, number>>;
}

/** Bottleneck priorities: 0 is served first. A call whose slot came too late goes one step ahead. */
export const DEFAULT_PRIORITY = 5;

/** One limiter per SDKAppID, shared through Redis by every worker process on every machine. */
export interface SharedLimiter {
  /** Sends at one of the fleet's slots (never early, never more than the tolerance late); or holds back. */
  /**
   * `send` gets the instant (`performance.now()`) its request must be written by; throwing
   * CallNotSentError (not written) books the call again, one priority step ahead.
   */
  schedule<T>(send: (sendBy: number) => Promise<T>, priority?: number): Promise<T | HeldBack>;
  /** Tencent refused a call for rate: the whole fleet slows down, then climbs back. */
  refused(): void;
  stats(): LimiterStats;
  readonly ledger: SlotLedger;
  close(): Promise<void>;
}

/** Refusals reported to the ledger at most this often per process: one overshoot brings many. */
const REFUSAL_REPORT_MS = 100;

interface Ticket {
  slot: HeldSlot | null;
  readonly since: number;
  /** Set once the call is released (shutdown, stall): a slot that still comes is not used. */
  released: boolean;
  release(reason: string): void;
}

/** How late after its slot's earliest instant a request may be written: the spacing's whole slack, less the write itself. */
const WIRE_SLACK_MS = LEDGER_POLICY.toleranceMs + LEDGER_POLICY.dispatchMarginMs - 0.5;

const LATE = Symbol('late');
const SKIPPED = Symbol('skipped');
type Ran<T> = { readonly value: T } | typeof LATE | typeof SKIPPED;

export function createSharedLimiter(o: SharedLimiterOptions): SharedLimiter {
  const log = o.logger.child({ component: 'limiter', appId: o.appId });
  const ledger = new SlotLedger(o.redis, o.prefix, o.appId, ledgerPolicy(o.ceilingPerSecond, o.idleExpiryMs));
  const store = new FleetSlotStore({ ledger, toleranceMs: LEDGER_POLICY.toleranceMs, leadMs: LEDGER_POLICY.leadMs, logger: log });
  const bottleneck = bottleneckOn(store, `${o.prefix}-limiter-${o.appId}`);
  bottleneck.on('error', (err: unknown) => log.error({ err }, 'limiter error'));
  // Bottleneck announces each job it registered, synchronously, right after the store granted it.
  bottleneck.on('scheduled', (info) => {
    (info.args[0] as Ticket).slot = store.takeGranted();
  });
  const stallAfterMs = o.stallAfterMs ?? 15_000;
  const waiting = new Set<Ticket>();
  const lateness: Record<LatenessBucket, number> = { '1': 0, '2': 0, '5': 0, '10': 0 };
  let sent = 0;
  let lastRefusalReport = Number.NEGATIVE_INFINITY;

  async function runAtSlot<T>(ticket: Ticket, send: (sendBy: number) => Promise<T>): Promise<Ran<T>> {
    waiting.delete(ticket);
    const slot = ticket.slot;
    if (ticket.released || slot === null) return SKIPPED;
    let now = performance.now();
    // Timers run on the loop's cached clock and may fire a little early: a call never leaves before its slot.
    while (now < slot.latest) {
      await sleep(timerDelay(slot.latest - now));
      now = performance.now();
    }
    const late = now - slot.earliest;
    if (late > LEDGER_POLICY.toleranceMs) {
      store.giveBack(slot);
      return LATE;
    }
    try {
      // The request itself must be on the wire within the spacing's slack (tolerance and dispatch
      // margin): a connection still opening, or a busy loop, must not make it leave beside the next.
      const value = await send(slot.earliest + WIRE_SLACK_MS);
      sent += 1;
      lateness[late <= 1 ? '1' : late <= 2 ? '2' : late <= 5 ? '5' : '10'] += 1;
      return { value };
    } catch (err) {
      if (!(err instanceof CallNotSentError)) throw err;
      store.giveBack(slot);
      return LATE;
    }
  }

  const releaseAll = (reason: string): void => {
    for (const t of waiting) t.release(reason);
  };
  o.signal.addEventListener('abort', () => releaseAll('shutting down before the call was sent'), { once: true });
  const sweep = setInterval(() => {
    const now = performance.now();
    const unansweredMs = store.unansweredForMs(now);
    if (unansweredMs < stallAfterMs) return;
    for (const t of waiting) {
      if (now - t.since < stallAfterMs) continue;
      const { bookingErrors } = store.stats();
      log.error(
        { waitedMs: Math.round(now - t.since), unansweredMs: Math.round(unansweredMs), waitingCalls: waiting.size, bookingErrors },
        'LIMITER STALLED: no answer from the shared limiter in Redis; waiting calls go back to the queue without using an attempt',
      );
      releaseAll(`no call slot for ${stallAfterMs} ms (the shared limiter cannot book in Redis)`);
      break;
    }
  }, 1000);
  sweep.unref();

  return {
    ledger,
    schedule<T>(send: (sendBy: number) => Promise<T>, priority = DEFAULT_PRIORITY): Promise<T | HeldBack> {
      return new Promise<T | HeldBack>((resolve, reject) => {
        const attempt = (p: number): void => {
          if (o.signal.aborted) return resolve({ heldBack: 'shutting down before the call was sent' });
          const ticket: Ticket = {
            slot: null,
            since: performance.now(),
            released: false,
            release(reason) {
              if (ticket.released) return;
              ticket.released = true;
              waiting.delete(ticket);
              resolve({ heldBack: reason });
            },
          };
          waiting.add(ticket);
          bottleneck.schedule({ priority: p }, runAtSlot<T>, ticket, send).then(
            (ran) => {
              if (ran === LATE) attempt(Math.max(0, p - 1));
              else if (ran !== SKIPPED) resolve(ran.value);
            },
            (err: unknown) => {
              waiting.delete(ticket);
              reject(err instanceof Error ? err : new Error(String(err)));
            },
          );
        };
        attempt(priority);
      });
    },
    refused() {
      const now = performance.now();
      if (now - lastRefusalReport < REFUSAL_REPORT_MS) return;
      lastRefusalReport = now;
      ledger.refused().then(
        (reply) => {
          store.observe(reply);
          log.info(
            { ratePerSecond: Number(reply.ratePerSecond.toFixed(1)), ceilingPerSecond: reply.ceilingPerSecond },
            'Tencent refused a call for rate: the fleet slows down',
          );
        },
        (err: unknown) => log.warn({ reason: describeRedisFailure(err) }, 'could not slow the fleet down; the next refusal tries again'),
      );
    },
    stats: () => ({ ...store.stats(), sent, lateness: { ...lateness } }),
    async close() {
      clearInterval(sweep);
      releaseAll('shutting down before the call was sent');
      await bottleneck.stop({ dropWaitingJobs: true }).catch(() => undefined);
      await bottleneck.disconnect(false);
    },
  };
}
