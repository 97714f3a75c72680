import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueStatus } from '../queue/queue-status.js';
import type { BreakerState } from '../breaker/circuit-breaker.js';
import type { CallOutcome } from '../tencent/call-outcome.js';
import type { LedgerState } from '../limiter/slot-ledger.js';
import type { LimiterStats } from '../limiter/shared-limiter.js';
import { codeLabel } from './outcome-labels.js';

/** What the metrics read of one app at scrape time: its series carry `app`, its name. */
export interface AppMetricsSource {
  readonly app: string;
  /** The app's shared rate and ceiling (they live in Redis, so any process can report them). */
  readonly rate: () => Promise<LedgerState>;
  /** This process's part in the app's shared limiter, when it runs workers (null until then). */
  readonly limiter?: () => LimiterStats | null;
  /** The app's queue figures (one read per scrape). */
  readonly queueStatus: () => Promise<QueueStatus>;
  /** The app's shared circuit breaker (it lives in Redis, so any process can report it). */
  readonly breakerState: () => Promise<BreakerState>;
  /** Whether the app's calls are paused because Tencent refused its account. */
  readonly accountPaused: () => Promise<boolean>;
}

export interface SeederMetricsOptions {
  /** Every app served, each reported under its name. */
  readonly apps: readonly AppMetricsSource[];
  /** Called when figures cannot be read from Redis; the gauges are then NaN (unknown) in that scrape. */
  readonly onCollectError?: (err: unknown) => void;
  /** Node.js process metrics (CPU, memory, event loop, ...), default true. */
  readonly processMetrics?: boolean;
}

/** What the worker side records, for the app whose runtime made the call or scheduled the retry. */
export interface CallMetricsRecorder {
  recordCall(app: string, outcome: CallOutcome): void;
  recordRetry(app: string): void;
}

/**
 * How often the event-loop lag (`nodejs_eventloop_lag_*`) is sampled. prom-client's default, a
 * timer every 10 ms, woke every worker process 100 times a second whether it had work or not:
 * sixteen workers on two cores spent 4.58 ms of CPU per call with it, 3.91 ms with 100 ms
 * (BENCHMARKS.md, "The lag monitor's timer"). A stall still shows: the timer due during it is late.
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

/** The Prometheus metrics of one robot-seeder process, in a registry of its own. */
export interface SeederMetrics extends CallMetricsRecorder {
  readonly registry: Registry;
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'completed', 'dead_letter'] as const;

/** Call latency buckets, in seconds: Tencent answers in tens of ms, times out at 3 s (ours at 6 s). */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * Every robot_seeder_* series is labelled `app`: each app has its own quota, queue, breaker and
 * pause at Tencent and here, and an alert on one app must not be averaged away by another.
 */
export function createSeederMetrics(o: SeederMetricsOptions): SeederMetrics {
  const registry = new Registry();
  if (o.processMetrics ?? true) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const calls = new Counter({
    name: 'robot_seeder_calls_total',
    help: 'Calls to the Tencent robot APIs made by this process, by app, outcome (success, retry, slow-down, resign, split, permanent) and code (Tencent ErrorCode, http_4xx, http_5xx or network)',
    labelNames: ['app', 'outcome', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'robot_seeder_call_duration_seconds',
    help: 'Duration of the calls to the Tencent robot APIs made by this process, by app and outcome',
    labelNames: ['app', 'outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'robot_seeder_retries_total',
    help: 'Seed jobs of this process that failed transiently and were scheduled for another attempt, by app',
    labelNames: ['app'] as const,
    registers: [registry],
  });
  const apps = o.apps.map((a) => ({
    ...a,
    readRate: sharedRead(a.rate, o.onCollectError),
    readStatus: sharedRead(a.queueStatus, o.onCollectError),
  }));
  perApp(registry, apps, {
    name: 'robot_seeder_limiter_rate_per_second',
    help: "Calls per second the app's whole fleet may send now: the ceiling, or less while it recovers from Tencent's rate refusals; read from Redis at scrape time",
    value: async (a) => {
      const r = await a.readRate();
      return r === null ? NaN : (r.ratePerSecond ?? r.ceilingPerSecond);
    },
  });
  perApp(registry, apps, {
    name: 'robot_seeder_limiter_ceiling_per_second',
    help: "The most calls per second the app's fleet may send: its rate (RATE_LIMIT_PER_SECOND, or ratePerSecond in APPS_FILE), or what `robot-seeder rate set` made it; read from Redis at scrape time",
    value: async (a) => (await a.readRate())?.ceilingPerSecond ?? NaN,
  });
  const limiters = o.apps.flatMap((a) => (a.limiter === undefined ? [] : [{ app: a.app, read: a.limiter }]));
  if (limiters.length > 0) registerLimiterMetrics(registry, limiters);
  perApp(registry, apps, {
    name: 'robot_seeder_breaker_open',
    help: "The app's shared circuit breaker in front of the Tencent API: 1 open (calls held, probing), 0 closed; NaN when Redis cannot be read",
    value: (a) =>
      a.breakerState().then(
        (s) => (s === 'open' ? 1 : 0),
        () => NaN,
      ),
  });
  perApp(registry, apps, {
    name: 'robot_seeder_account_paused',
    help: "1 while the app's whole fleet holds its calls because Tencent refused the app's account (a wrong key, an expired package; `robot-seeder status` says why), 0 otherwise; NaN when Redis cannot be read",
    value: (a) =>
      a.accountPaused().then(
        (p) => (p ? 1 : 0),
        () => NaN,
      ),
  });
  new Gauge({
    name: 'robot_seeder_queue_jobs',
    help: "Seed jobs of the app's queue by state, read from Redis at scrape time (completed: the all-time count)",
    labelNames: ['app', 'state'] as const,
    registers: [registry],
    async collect() {
      await Promise.all(
        apps.map(async (a) => {
          const s = await a.readStatus();
          const values: Record<(typeof QUEUE_STATES)[number], number> = {
            waiting: s?.waiting ?? NaN,
            active: s?.active ?? NaN,
            delayed: s?.delayed ?? NaN,
            completed: s?.completed ?? NaN,
            dead_letter: s?.deadLetter ?? NaN,
          };
          for (const state of QUEUE_STATES) this.set({ app: a.app, state }, values[state]);
        }),
      );
    },
  });
  perApp(registry, apps, {
    name: 'robot_seeder_dead_letters',
    help: "The app's dead letters waiting for an operator (replay or purge), read from Redis at scrape time",
    value: async (a) => (await a.readStatus())?.deadLetter ?? NaN,
  });

  return {
    registry,
    recordCall(app, outcome) {
      calls.inc({ app, outcome: outcome.kind, code: codeLabel(outcome) });
      duration.observe({ app, outcome: outcome.kind }, outcome.durationMs / 1000);
    },
    recordRetry(app) {
      retries.inc({ app });
    },
  };
}

/** A gauge with one series per app, each read at scrape time (all apps at once). */
function perApp<A extends { readonly app: string }>(
  registry: Registry,
  apps: readonly A[],
  g: { readonly name: string; readonly help: string; readonly value: (app: A) => Promise<number> },
): void {
  new Gauge({
    name: g.name,
    help: g.help,
    labelNames: ['app'] as const,
    registers: [registry],
    async collect() {
      await Promise.all(apps.map(async (a) => this.set({ app: a.app }, await g.value(a))));
    },
  });
}

/** One app's part of this process in the shared limiter. */
interface LimiterSource {
  readonly app: string;
  readonly read: () => LimiterStats | null;
}

/** This process's part in each app's shared limiter: counters that follow its running totals. */
function registerLimiterMetrics(registry: Registry, limiters: readonly LimiterSource[]): void {
  followTotals(
    registry,
    'robot_seeder_limiter_recoveries_total',
    "Times this process found an app's shared limiter state gone from Redis (keys lost, unreadable, clock stepped) and recreated it",
    'reason',
    (s) => s.recoveries,
    limiters,
  );
  followTotals(
    registry,
    'robot_seeder_limiter_booking_errors_total',
    'Slot bookings in Redis that failed (Redis away, full, or refusing the script); calls waited, no attempt was used',
    null,
    (s) => ({ '': s.bookingErrors }),
    limiters,
  );
  followTotals(
    registry,
    'robot_seeder_limiter_slots_total',
    'Call slots this process booked; of those, how many came too late to use (booked again instead of sent late), and how many of these the fleet could use again (given back in time)',
    'fate',
    (s) => ({ booked: s.booked, stale: s.stale, given_back: s.givenBack }),
    limiters,
  );
  followTotals(
    registry,
    'robot_seeder_limiter_bookings_total',
    "Round trips this process made to an app's ledger, by answer: slots, none free yet (its turn had not come), or none asked for (it only gave stale slots back)",
    'answer',
    (s) => ({ slots: s.bookings, none: s.emptyBookings, gave_back_only: s.giveBackTrips }),
    limiters,
  );
  followTotals(
    registry,
    'robot_seeder_limiter_sends_total',
    'Calls sent at their slot, by how late they left after it (at most 1, 2, 5 or 10 ms)',
    'late_ms',
    (s) => s.lateness,
    limiters,
  );
}

/** A counter, per app, whose value is a running total kept elsewhere (read at scrape time). */
function followTotals(
  registry: Registry,
  name: string,
  help: string,
  label: string | null,
  pick: (s: LimiterStats) => Readonly<Record<string, number>>,
  limiters: readonly LimiterSource[],
): void {
  const seen = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames: label === null ? ['app'] : ['app', label],
    registers: [registry],
    collect() {
      for (const { app, read } of limiters) {
        const stats = read();
        if (stats === null) continue;
        for (const [value, total] of Object.entries(pick(stats))) {
          const key = JSON.stringify([app, value]);
          const before = seen.get(key);
          seen.set(key, total);
          // A series shows from the first scrape, at 0: alert rules need it to exist.
          if (before === undefined || total > before) this.inc(label === null ? { app } : { app, [label]: value }, total - (before ?? 0));
        }
      }
    },
  });
}

/**
 * The gauges of one source collect concurrently within one scrape: they share one read. A failed read
 * yields null (the gauges say NaN, unknown) instead of failing the whole scrape.
 */
function sharedRead<T>(read: () => Promise<T>, onError?: (err: unknown) => void): () => Promise<T | null> {
  let inFlight: Promise<T | null> | null = null;
  return () => {
    inFlight ??= read()
      .catch((err: unknown) => {
        onError?.(err);
        return null;
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
}
