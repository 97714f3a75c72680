import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueStatus } from '../queue/queue-status.js';
import type { BreakerState } from '../breaker/circuit-breaker.js';
import type { CallOutcome } from '../tencent/call-outcome.js';
import type { LedgerState } from '../limiter/slot-ledger.js';
import type { LimiterStats } from '../limiter/shared-limiter.js';
import { codeLabel } from './outcome-labels.js';

export interface SeederMetricsOptions {
  /** Read at scrape time: the fleet's shared rate and ceiling (they live in Redis, so any process can report them). */
  readonly rate: () => Promise<LedgerState>;
  /** This process's part in the shared limiter, when it runs workers (null until then). */
  readonly limiter?: () => LimiterStats | null;
  /** Read at scrape time for the queue gauges (one read per scrape). */
  readonly queueStatus: () => Promise<QueueStatus>;
  /** Read at scrape time: the shared circuit breaker's state (it lives in Redis, so any process can report it). */
  readonly breakerState: () => Promise<BreakerState>;
  /** Whether the fleet is paused because Tencent refused the app's account (read at scrape time). */
  readonly accountPaused: () => Promise<boolean>;
  /** Called when the queue figures cannot be read; the queue gauges are then NaN (unknown) in that scrape. */
  readonly onCollectError?: (err: unknown) => void;
  /** Node.js process metrics (CPU, memory, event loop, ...), default true. */
  readonly processMetrics?: boolean;
}

/** What the worker side records. */
export interface CallMetricsRecorder {
  recordCall(outcome: CallOutcome): void;
  recordRetry(): void;
}

/** The Prometheus metrics of one robot-seeder process, in a registry of its own. */
export interface SeederMetrics extends CallMetricsRecorder {
  readonly registry: Registry;
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'completed', 'dead_letter'] as const;

/** Call latency buckets, in seconds: Tencent answers in tens of ms, times out at 3 s (ours at 6 s). */
const DURATION_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export function createSeederMetrics(o: SeederMetricsOptions): SeederMetrics {
  const registry = new Registry();
  if (o.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const calls = new Counter({
    name: 'robot_seeder_calls_total',
    help: 'Calls to the Tencent robot APIs made by this process, by outcome (success, retry, slow-down, resign, split, permanent) and code (Tencent ErrorCode, http_4xx, http_5xx or network)',
    labelNames: ['outcome', 'code'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'robot_seeder_call_duration_seconds',
    help: 'Duration of the calls to the Tencent robot APIs made by this process, by outcome',
    labelNames: ['outcome'] as const,
    buckets: DURATION_BUCKETS,
    registers: [registry],
  });
  const retries = new Counter({
    name: 'robot_seeder_retries_total',
    help: 'Seed jobs of this process that failed transiently and were scheduled for another attempt',
    registers: [registry],
  });
  const readRate = sharedRead(o.rate, o.onCollectError);
  new Gauge({
    name: 'robot_seeder_limiter_rate_per_second',
    help: "Calls per second the whole fleet may send now: the ceiling, or less while it recovers from Tencent's rate refusals; read from Redis at scrape time",
    registers: [registry],
    async collect() {
      const r = await readRate();
      this.set(r === null ? NaN : (r.ratePerSecond ?? r.ceilingPerSecond));
    },
  });
  new Gauge({
    name: 'robot_seeder_limiter_ceiling_per_second',
    help: 'The most calls per second the fleet may send: RATE_LIMIT_PER_SECOND, or what `robot-seeder rate set` made it; read from Redis at scrape time',
    registers: [registry],
    async collect() {
      this.set((await readRate())?.ceilingPerSecond ?? NaN);
    },
  });
  if (o.limiter !== undefined) registerLimiterMetrics(registry, o.limiter);
  new Gauge({
    name: 'robot_seeder_breaker_open',
    help: 'The shared circuit breaker in front of the Tencent API: 1 open (calls held, probing), 0 closed; NaN when Redis cannot be read',
    registers: [registry],
    async collect() {
      this.set(
        await o.breakerState().then(
          (s) => (s === 'open' ? 1 : 0),
          () => NaN,
        ),
      );
    },
  });

  new Gauge({
    name: 'robot_seeder_account_paused',
    help: "1 while the whole fleet holds its calls because Tencent refused the app's account (a wrong key, an expired package; `robot-seeder status` says why), 0 otherwise; NaN when Redis cannot be read",
    registers: [registry],
    async collect() {
      this.set(
        await o.accountPaused().then(
          (p) => (p ? 1 : 0),
          () => NaN,
        ),
      );
    },
  });

  const readStatus = sharedRead(o.queueStatus, o.onCollectError);
  new Gauge({
    name: 'robot_seeder_queue_jobs',
    help: 'Seed jobs by state, read from Redis at scrape time (completed: the all-time count)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const s = await readStatus();
      const values: Record<(typeof QUEUE_STATES)[number], number> = {
        waiting: s?.waiting ?? NaN,
        active: s?.active ?? NaN,
        delayed: s?.delayed ?? NaN,
        completed: s?.completed ?? NaN,
        dead_letter: s?.deadLetter ?? NaN,
      };
      for (const state of QUEUE_STATES) this.set({ state }, values[state]);
    },
  });
  new Gauge({
    name: 'robot_seeder_dead_letters',
    help: 'Dead letters waiting for an operator (replay or purge), read from Redis at scrape time',
    registers: [registry],
    async collect() {
      this.set((await readStatus())?.deadLetter ?? NaN);
    },
  });

  return {
    registry,
    recordCall(outcome) {
      calls.inc({ outcome: outcome.kind, code: codeLabel(outcome) });
      duration.observe({ outcome: outcome.kind }, outcome.durationMs / 1000);
    },
    recordRetry() {
      retries.inc();
    },
  };
}

/** This process's part in the shared limiter: counters that follow its running totals. */
function registerLimiterMetrics(registry: Registry, read: () => LimiterStats | null): void {
  followTotals(
    registry,
    'robot_seeder_limiter_recoveries_total',
    'Times this process found the shared limiter state gone from Redis (keys lost, unreadable, clock stepped) and recreated it',
    'reason',
    (s) => s.recoveries,
    read,
  );
  followTotals(
    registry,
    'robot_seeder_limiter_booking_errors_total',
    'Slot bookings in Redis that failed (Redis away, full, or refusing the script); calls waited, no attempt was used',
    null,
    (s) => ({ '': s.bookingErrors }),
    read,
  );
  followTotals(
    registry,
    'robot_seeder_limiter_slots_total',
    'Call slots this process booked, and of those how many came too late to use (booked again instead of sent late)',
    'fate',
    (s) => ({ booked: s.booked, stale: s.stale }),
    read,
  );
  followTotals(
    registry,
    'robot_seeder_limiter_sends_total',
    'Calls sent at their slot, by how late they left after it (at most 1, 2, 5 or 10 ms)',
    'late_ms',
    (s) => s.lateness,
    read,
  );
}

/** A counter whose value is a running total kept elsewhere (read at scrape time). */
function followTotals(
  registry: Registry,
  name: string,
  help: string,
  label: string | null,
  pick: (s: LimiterStats) => Readonly<Record<string, number>>,
  read: () => LimiterStats | null,
): void {
  const seen = new Map<string, number>();
  new Counter({
    name,
    help,
    labelNames: label === null ? [] : [label],
    registers: [registry],
    collect() {
      const stats = read();
      if (stats === null) return;
      for (const [value, total] of Object.entries(pick(stats))) {
        const before = seen.get(value);
        seen.set(value, total);
        // A series shows from the first scrape, at 0: alert rules need it to exist.
        if (before === undefined || total > before) this.inc(label === null ? {} : { [label]: value }, total - (before ?? 0));
      }
    },
  });
}

/**
 * Both queue gauges collect concurrently within one scrape: they share one read. A failed read
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
