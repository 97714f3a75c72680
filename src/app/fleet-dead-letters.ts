import type { DeadLetterEntry } from '../dead-letter/dead-letter-entry.js';
import type { DeadLetterFilter } from '../dead-letter/dead-letter-store.js';
import { selectQueues, type FleetQueues } from './queue-runtime.js';

/** A dead letter and the app whose queue holds it (each app has its own dead letters). */
export interface AppDeadLetter extends DeadLetterEntry {
  /** The app's name (`default` without APPS_FILE): `dlq --app` and `?app=` take it. */
  readonly app: string;
}

/** The dead letters of one app or of all: what `dlq` and the HTTP dead-letter routes act on. */
export interface FleetDeadLetters {
  /** Every entry matching the filter, oldest first across the apps. */
  list(filter?: DeadLetterFilter): Promise<AppDeadLetter[]>;
  /** Sends matching entries back to work, app by app; how many. */
  replay(filter?: DeadLetterFilter): Promise<number>;
  /** Deletes matching entries and their failed jobs, app by app; how many. */
  purge(filter?: DeadLetterFilter): Promise<number>;
}

/**
 * The dead letters of app `name`, or of every app when no name is given. Throws findApp's
 * NOT_FOUND (listing the apps) for a name that is not configured.
 */
export function fleetDeadLetters(fleet: FleetQueues, name: string | undefined): FleetDeadLetters {
  const queues = selectQueues(fleet, name);
  const sum = async (each: (q: (typeof queues)[number]) => Promise<number>): Promise<number> =>
    (await Promise.all(queues.map(each))).reduce((a, n) => a + n, 0);
  return {
    async list(filter = {}) {
      const lists = await Promise.all(
        queues.map(async (q) => (await q.deadLetters.list(filter)).map((e): AppDeadLetter => ({ app: q.app.name, ...e }))),
      );
      // ISO 8601 times of one clock sort as text; the sort is stable, so one app's own order stays.
      return lists.flat().sort((a, b) => (a.failedAt < b.failedAt ? -1 : a.failedAt > b.failedAt ? 1 : 0));
    },
    replay: (filter = {}) => sum((q) => q.deadLetters.replay(filter)),
    purge: (filter = {}) => sum((q) => q.deadLetters.purge(filter)),
  };
}
