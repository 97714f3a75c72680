import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';
import { LEDGER_SCRIPT } from './ledger-script.js';

/** How the ledger spaces slots and adapts the rate; every process of a fleet must use the same. */
export interface LedgerPolicy {
  /** Calls per second each process is configured for (`RATE_LIMIT_PER_SECOND`); an operator's `rate set` overrides it. */
  readonly ceilingPerSecond: number;
  /** How late a call may leave after its slot and still count as on time, in ms (the spacing makes room for it). */
  readonly toleranceMs: number;
  /**
   * Room the spacing leaves beyond the tolerance, in ms: a call checked on time still takes a
   * moment to reach the socket (the client's dispatch, the event loop), and must not use it up.
   */
  readonly dispatchMarginMs: number;
  /** Slots are handed out while the fleet's next slot is at most this far ahead of Redis's clock, in ms. */
  readonly leadMs: number;
  /** A process books consecutive slots spanning at most this long at once, in ms (at least one slot). */
  readonly batchMs: number;
  /** The ledger's keys expire after this long unused, in ms. */
  readonly idleExpiryMs: number;
  /** Additive increase: the rate climbs back by this share of the ceiling each second. */
  readonly increasePerSecond: number;
  /** Multiplicative decrease: a rate refusal from Tencent multiplies the rate by this. */
  readonly decreaseFactor: number;
  /** At most one decrease per this many ms: the refusals of one overshoot arrive together. */
  readonly decreaseCooldownMs: number;
  /** The rate never goes below this (calls/s), so a refused fleet still probes. */
  readonly floorPerSecond: number;
}

/** Why the ledger's state was created again: lost keys, an unreadable value, or a clock step. */
export type LedgerHealing = 'missing' | 'unreadable' | 'clock';

/** A slot handed out: when (Redis's clock, ms) and its name in the ledger, to give it back by. */
export interface LedgerSlot {
  readonly atMs: number;
  readonly id: string;
}

/** What a `book` (or any write) answered: times are Redis's clock, in ms with µs precision. */
export interface LedgerReply {
  readonly redisNowMs: number;
  /** When the fleet's next slot is, after this booking. */
  readonly freeMs: number;
  readonly spacingMs: number;
  /** The slots handed out, in order. */
  readonly slots: readonly LedgerSlot[];
  /** How many of the slots given back the ledger took (the others had left its window). */
  readonly returned: number;
  readonly ratePerSecond: number;
  readonly ceilingPerSecond: number;
  /** Changes whenever the state is created again. */
  readonly epoch: string;
  readonly healed: LedgerHealing | null;
  /**
   * Processes booking now (this one included; those seen within two rounds of turns): they take
   * turns, one batch each.
   */
  readonly bookers: number;
  /**
   * Calls the other bookers still wait for beyond the slots they hold, as each said at its last
   * booking: when they run dry (the end of a batch of work), this one need not wait out their turns.
   */
  readonly othersWaiting: number;
}

/** The ledger as an operator sees it (`rate show`, `GET /v1/rate`). */
export interface LedgerState {
  /** Calls per second the fleet may send now; null until a worker has booked a call. */
  readonly ratePerSecond: number | null;
  readonly ceilingPerSecond: number;
  /** Whose the ceiling is: the operator's (`rate set`), the workers' `RATE_LIMIT_PER_SECOND`, or (no worker yet) this process's. */
  readonly ceilingSource: 'operator' | 'workers' | 'caller';
}

type LedgerCommand = (
  stateKey: string,
  ceilingKey: string,
  bookersKey: string,
  logKey: string,
  waitingKey: string,
  ...args: Array<string | number>
) => Promise<[string, string, string, number, string, string, string, string, number, number, string[], number]>;

const COMMAND = 'robotSeederSlotLedger';

/**
 * The Redis side of the shared limiter: one ledger per app (SDKAppID), shared by every worker
 * process. See `ledger-script.ts` for what the script keeps and why.
 */
export class SlotLedger {
  readonly #run: LedgerCommand;
  readonly #stateKey: string;
  readonly #ceilingKey: string;
  readonly #bookersKey: string;
  readonly #logKey: string;
  readonly #waitingKey: string;
  /** Names this process among the fleet's bookers. */
  readonly #booker = randomUUID();
  readonly #policy: LedgerPolicy;

  /** `prefix` carries the hash tag, so the ledger shares the queues' cluster slot. */
  constructor(redis: RedisClient, prefix: string, appId: number, policy: LedgerPolicy) {
    // A defined command runs by EVALSHA and falls back to EVAL when Redis lost its script cache.
    redis.defineCommand(COMMAND, { numberOfKeys: 5, lua: LEDGER_SCRIPT });
    const commands = redis as unknown as Record<typeof COMMAND, LedgerCommand>;
    this.#run = commands[COMMAND].bind(redis);
    this.#stateKey = `${prefix}:limiter:${appId}`;
    this.#ceilingKey = `${prefix}:limiter:${appId}:ceiling`;
    this.#bookersKey = `${prefix}:limiter:${appId}:bookers`;
    this.#logKey = `${prefix}:limiter:${appId}:slots`;
    this.#waitingKey = `${prefix}:limiter:${appId}:waiting`;
    this.#policy = policy;
  }

  /** The keys the ledger keeps (for tests and operators: deleting them is safe, the ledger heals). */
  get keys(): readonly [string, string, string, string, string] {
    return [this.#stateKey, this.#ceilingKey, this.#bookersKey, this.#logKey, this.#waitingKey];
  }

  /**
   * Takes back the slots named in `giveBack` (never sent: the fleet may use their room again),
   * then hands out up to `wanted` slots (at most one batch), or none while the fleet's next slot
   * is more than the lead ahead: `freeMs` says when it is.
   */
  book(wanted: number, giveBack: readonly string[] = []): Promise<LedgerReply> {
    return this.#call('book', wanted, giveBack);
  }

  /** Tencent refused a call for rate: the whole fleet slows down (once per cooldown). */
  refused(): Promise<LedgerReply> {
    return this.#call('refused', 0);
  }

  /** Sets the operator's ceiling for the whole fleet, or removes it (`null`); the rate starts again from it. */
  async setCeiling(ceilingPerSecond: number | null): Promise<LedgerState> {
    await this.#call('set', ceilingPerSecond ?? 0);
    return this.read();
  }

  async read(): Promise<LedgerState> {
    const reply = await this.#run(...this.keys, ...this.#args('read', 0));
    return {
      ratePerSecond: reply[4] === '' ? null : Number(reply[4]),
      ceilingPerSecond: Number(reply[5]),
      ceilingSource: reply[7] as LedgerState['ceilingSource'],
    };
  }

  async #call(op: 'book' | 'refused' | 'set', arg: number, giveBack: readonly string[] = []): Promise<LedgerReply> {
    const [now, free, spacing, , rate, ceiling, epoch, healed, bookers, returned, slots, othersWaiting] = await this.#run(
      ...this.keys,
      ...this.#args(op, arg),
      ...giveBack,
    );
    return {
      redisNowMs: Number(now) / 1000,
      freeMs: Number(free) / 1000,
      spacingMs: Number(spacing) / 1000,
      slots: slots.map((id) => ({ atMs: Number(id) / 1000, id })),
      returned,
      ratePerSecond: Number(rate),
      ceilingPerSecond: Number(ceiling),
      epoch,
      healed: healed === '' ? null : (healed as LedgerHealing),
      bookers: Math.max(1, bookers),
      othersWaiting,
    };
  }

  #args(op: string, arg: number): Array<string | number> {
    const p = this.#policy;
    return [
      op,
      p.ceilingPerSecond,
      // The spacing's slack: the tolerance, and the margin for the dispatch after the check.
      Math.round((p.toleranceMs + p.dispatchMarginMs) * 1000),
      Math.round(p.leadMs * 1000),
      Math.max(1, Math.round(p.idleExpiryMs)),
      p.increasePerSecond,
      p.decreaseFactor,
      Math.round(p.decreaseCooldownMs * 1000),
      p.floorPerSecond,
      arg,
      Math.round(p.batchMs * 1000),
      this.#booker,
    ];
  }
}
