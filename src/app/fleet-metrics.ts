import type { Logger } from '../log/logger.js';
import type { LimiterStats } from '../limiter/shared-limiter.js';
import { createSeederMetrics, type SeederMetrics } from '../metrics/seeder-metrics.js';
import type { AppControls } from './fleet-controls.js';
import type { FleetQueues, QueueRuntime } from './queue-runtime.js';
import type { WorkerProcess, WorkerProcessOptions } from './worker-process.js';

/**
 * The Prometheus metrics of a process serving `fleet`'s apps (the service, or a worker with
 * METRICS_PORT): each app's rate, breaker, account pause (`controlsOf`: the process's own, when
 * it has them already) and queue read from Redis at scrape time, and this process's part in each
 * app's limiter once `workers()` has started.
 */
export function fleetMetrics(
  fleet: FleetQueues,
  controlsOf: (q: QueueRuntime) => AppControls,
  logger: Logger,
  workers: () => WorkerProcess | null,
): SeederMetrics {
  const limiterOf = (q: QueueRuntime): LimiterStats | null =>
    workers()
      ?.runtimes.find((r) => r.app === q.app)
      ?.limiter.stats() ?? null;
  return createSeederMetrics({
    apps: fleet.apps.map((q) => {
      const controls = controlsOf(q);
      return {
        app: q.app.name,
        rate: () => controls.rate.read(),
        queueStatus: () => q.status(),
        breakerState: () => controls.breaker.state(),
        accountPaused: async () => (await controls.accountPause.read()) !== null,
        limiter: () => limiterOf(q),
      };
    }),
    onCollectError: (err) => logger.warn({ err }, 'metrics: cannot read figures from Redis'),
  });
}

/** What the workers report to `metrics`: each call and each retry, under the app that made it. */
export function recordingInto(metrics: SeederMetrics): Pick<WorkerProcessOptions, 'observers' | 'events'> {
  return {
    observers: (a) => [(outcome) => metrics.recordCall(a.name, outcome)],
    events: (a) => ({ onRetry: () => metrics.recordRetry(a.name) }),
  };
}
