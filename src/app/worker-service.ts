import type { AddressInfo } from 'node:net';
import type { SeederConfig } from '../config/seeder-config.js';
import type { MetricsServer } from '../http/metrics-server.js';
import type { Logger } from '../log/logger.js';
import { openFleetQueues, type FleetQueues } from './queue-runtime.js';
import { openWorkerProcess, type WorkerProcess } from './worker-process.js';

/** `worker`: the worker process, and with METRICS_PORT its /metrics and /healthz listener. */
export interface WorkerService extends WorkerProcess {
  /** Where /metrics listens, or null without METRICS_PORT. */
  readonly metricsAddress: AddressInfo | null;
}

/**
 * A `worker` process. With METRICS_PORT it also reports its calls, retries and limiter to
 * Prometheus, with each app's queue, rate, breaker and pause read on a connection of their own
 * that fails fast (a scrape while Redis is away answers NaN instead of hanging).
 */
export async function openWorkerService(config: SeederConfig, logger: Logger): Promise<WorkerService> {
  if (config.metrics === null) return { ...(await openWorkerProcess(config, logger)), metricsAddress: null };
  let workers: WorkerProcess | null = null;
  let server: MetricsServer | null = null;
  const reads: FleetQueues = await openFleetQueues(config, logger, 'service');
  const closeAll = async (force: boolean): Promise<void> => {
    try {
      await server?.close();
      await workers?.close(force);
    } finally {
      await reads.close();
    }
  };
  try {
    // Loaded only with METRICS_PORT: prom-client and the listener are memory every other worker saves.
    const [{ fleetMetrics, recordingInto }, { startMetricsServer }, { appControls }] = await Promise.all([
      import('./fleet-metrics.js'),
      import('../http/metrics-server.js'),
      import('./fleet-controls.js'),
    ]);
    const metrics = fleetMetrics(reads, appControls, logger, () => workers);
    workers = await openWorkerProcess(config, logger, recordingInto(metrics));
    server = await startMetricsServer({ ...config.metrics, registry: metrics.registry, logger });
    return { runtimes: workers.runtimes, metricsAddress: server.address, close: (force = false) => closeAll(force) };
  } catch (err) {
    await closeAll(true);
    throw err;
  }
}
