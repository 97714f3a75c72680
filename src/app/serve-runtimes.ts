import type { SeederConfig } from '../config/seeder-config.js';
import type { Logger } from '../log/logger.js';
import { openQueueRuntime, type QueueRuntime } from './queue-runtime.js';

/** The queues `serve` opens: one for the HTTP side, and with workers another for them. */
export interface ServeRuntimes {
  /** A `service` connection: while Redis is away its commands fail at once, and a request answers 503. */
  readonly http: QueueRuntime;
  /** A `worker` connection (its commands wait for Redis to come back), or null without workers. */
  readonly workers: QueueRuntime | null;
  close(): Promise<void>;
}

/**
 * Two connections, not one: on the workers' connection a command waits for Redis as long as it
 * takes, and an HTTP request sharing it hung until Redis came back (issue 8, observation 11).
 */
export async function openServeRuntimes(config: SeederConfig, logger: Logger, withWorkers: boolean): Promise<ServeRuntimes> {
  const http = await openQueueRuntime(config, logger, 'service');
  let workers: QueueRuntime | null = null;
  try {
    if (withWorkers) workers = await openQueueRuntime(config, logger, 'worker');
  } catch (err) {
    await http.close();
    throw err;
  }
  return {
    http,
    workers,
    async close() {
      await Promise.all([http.close(), workers?.close()]);
    },
  };
}
