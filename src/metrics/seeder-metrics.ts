import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { QueueStatus } from '../queue/queue-status.js';
import type { BreakerState } from '../breaker/circuit-breaker.js';
import type { CallOutcome } from '../tencent/call-outcome.js';
import { codeLabel } from './outcome-labels.js';

export interface SeederMetricsOptions {
  /** The configured cap (`RATE_LIMIT_PER_SECOND`), exported as `robot_seeder_limiter_rate_per_second`. */
  readonly rateLimitPerSecond: number;
  /** Read at scrape time for the queue gauges (one read per scrape). */
  readonly queueStatus: () => Promise<QueueStatus>;
  /** Read at scrape time: the shared circuit breaker's state (it lives in Redis, so any process can report it). */
  readonly breakerState: () => Promise<BreakerState>;
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
  new Gauge({
    name: 'robot_seeder_limiter_rate_per_second',
    help: 'The configured cap on calls per second per SDKAppID, shared by every worker (RATE_LIMIT_PER_SECOND)',
    registers: [registry],
  }).set(o.rateLimitPerSecond);
  new Gauge({
    name: 'robot_seeder_breaker_open',
    help: 'The shared circuit breaker in front of the Tencent API: 1 open (calls held, probing), 0 closed; NaN when Redis cannot be read',
    registers: [registry],
    async collect() {
      this.set(await o.breakerState().then((s) => (s === 'open' ? 1 : 0), () => NaN));
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

/**
 * Both queue gauges collect concurrently within one scrape: they share one read. A failed read
 * yields null (the gauges say NaN, unknown) instead of failing the whole scrape.
 */
function sharedRead(read: () => Promise<QueueStatus>, onError?: (err: unknown) => void): () => Promise<QueueStatus | null> {
  let inFlight: Promise<QueueStatus | null> | null = null;
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
