/**
 * The slot ledger's policy alone, under lateness made on purpose: P processes of one fleet, each
 * a real FleetSlotStore booking from the real Redis ledger in this one Node process, always with
 * calls waiting. Each slot is "sent" at its time plus a lateness drawn at random: a share of the
 * slots (`--stale`) come later than the tolerance and are given back, as a starved process's would;
 * the answers to a share of the bookings (`--late-turns`) reach their store up to 40 ms late. No HTTP, no BullMQ, no other
 * process: what the fleet keeps of the spacing's ceiling, and how bunched, depends on the ledger
 * alone: runs of one setting move by about a point with 16 processes and half a point with one,
 * where fleet runs move by several. Reports
 * the slots kept per second (after the first 3 s), their share of the ceiling, the most in any
 * 1,013 ms (the log's bound: never above the rate) and in any 100 ms (evenness). Asserts nothing.
 *
 *   npm run bench:ledger-sim -- [--processes 16] [--stale 0.1] [--late-turns 0] [--seconds 12] [--seed 1]
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { FleetSlotStore, type HeldSlot } from '../src/limiter/fleet-slot-store.js';
import { LEDGER_POLICY, ledgerPolicy } from '../src/limiter/ledger-policy.js';
import { SlotLedger } from '../src/limiter/slot-ledger.js';
import { createLogger } from '../src/log/logger.js';
import { SlidingWindowMax } from '../src/mock-api/sliding-window-max.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../test/support/test-env.js';
import { round } from './support/numbers.js';

const { values } = parseArgs({
  options: {
    processes: { type: 'string', default: '16' },
    stale: { type: 'string', default: '0.1' },
    'late-turns': { type: 'string', default: '0' },
    seconds: { type: 'string', default: '12' },
    seed: { type: 'string', default: '1' },
  },
});
const processes = Number(values.processes);
const staleShare = Number(values.stale);
const lateTurnShare = Number(values['late-turns']);
const seconds = Number(values.seconds);
if (!(seconds > 4)) throw new Error(`bench:ledger-sim: --seconds must be more than 4 (the first 3 s are left out), got ${values.seconds}`);
const RATE = 200;
/** Calls each process has waiting: a worker's concurrency. */
const WAITING = 50;

// A small LCG, so that a seed gives the same draws.
let state = Number(values.seed);
const random = (): number => {
  state = (state * 1103515245 + 12345) % 2147483648;
  return state / 2147483648;
};
/** How late a slot's call leaves: past the tolerance (given back) for `--stale` of them, else 1-7 ms. */
const slotLateness = (): number => (random() < staleShare ? LEDGER_POLICY.toleranceMs + 0.5 + random() * 30 : 1 + random() * 6);

const redis = new Redis(TEST_REDIS_URL);
const prefix = uniquePrefix();
const kept: number[] = [];
let stale = 0;
let running = true;

function startProcess(appId: number): FleetSlotStore {
  const ledger = new SlotLedger(redis, prefix, appId, ledgerPolicy(RATE));
  // A busy process: the ledger's answer reaches the store late.
  const lateLedger = {
    book: async (wanted: number, giveBack?: readonly string[]) => {
      const reply = await ledger.book(wanted, giveBack);
      if (wanted > 0 && random() < lateTurnShare) await sleep(random() * 40);
      return reply;
    },
  };
  const store = new FleetSlotStore({
    ledger: lateLedger,
    toleranceMs: LEDGER_POLICY.toleranceMs,
    leadMs: LEDGER_POLICY.leadMs,
    logger: createLogger('silent'),
  });
  let inHand = 0;
  const send = (slot: HeldSlot): void => {
    inHand -= 1;
    void store.__free__();
    if (performance.now() - slot.earliest > LEDGER_POLICY.toleranceMs) {
      stale += 1;
      store.giveBack(slot);
    } else kept.push(Number(slot.id) / 1000);
    drain();
  };
  const drain = (): void => {
    if (!running) return;
    void store.__register__().then((r) => {
      if (!r.success) return;
      const slot = store.takeGranted();
      inHand += 1;
      setTimeout(() => send(slot), (r.wait ?? 0) + slotLateness());
      drain();
    });
  };
  store.attach({ queued: () => (running ? WAITING - inHand : 0), drain });
  drain();
  return store;
}

const appId = 1_600_000_000 + Math.floor(Math.random() * 1_000_000);
const stores = Array.from({ length: processes }, () => startProcess(appId));
await sleep(seconds * 1000);
running = false;
await Promise.all(stores.map((s) => s.__disconnect__()));
await sleep(200);

kept.sort((a, b) => a - b);
const from = (kept[0] ?? 0) + 3000;
const to = (kept[0] ?? 0) + (seconds - 1) * 1000;
const keptPerSecond = kept.filter((t) => t >= from && t < to).length / ((to - from) / 1000);
const ceiling = (RATE * 1000) / (1000 + LEDGER_POLICY.toleranceMs + LEDGER_POLICY.dispatchMarginMs);
process.stdout.write(
  `${JSON.stringify({
    processes,
    staleShare,
    lateTurnShare,
    seed: Number(values.seed),
    keptPerSecond: round(keptPerSecond, 1),
    ofCeilingPercent: round((keptPerSecond * 100) / ceiling, 2),
    givenBackPercent: round((stale * 100) / Math.max(1, stale + kept.length), 1),
    mostIn1013Ms: mostWithin(kept, 1000 + LEDGER_POLICY.toleranceMs + LEDGER_POLICY.dispatchMarginMs),
    mostIn100Ms: mostWithin(kept, 100),
  })}\n`,
);
redis.disconnect();
await deleteKeys(prefix);

/** The most times within any window of `ms` (the mock API's sliding-window count). */
function mostWithin(times: readonly number[], ms: number): number {
  const window = new SlidingWindowMax(ms);
  for (const t of times) window.record(t);
  return window.max();
}
