import { producerConfig } from '../config/producer-config.js';
import type { ProducerOptions } from '../config/producer-options.js';
import { isPriority, PRIORITIES, type Priority } from '../domain/priority.js';
import { ROBOT_COMMANDS, type RobotCommand } from '../domain/robot-command.js';
import type { SeedRequest } from '../domain/seed-request.js';
import { SeederError } from '../errors/seeder-error.js';
import { invalidItemsError } from '../input/invalid-items.js';
import { itemLimits, type ItemTally } from '../input/valid-items.js';
import { createLogger } from '../log/logger.js';
import { EnqueueStopped, type EnqueueOutcome } from '../queue/enqueue-checked.js';
import { enqueueItems } from '../queue/enqueue-items.js';
import { enqueueStoppedError } from '../queue/enqueue-stopped-error.js';
import { seedJobOptions } from '../queue/job-options.js';
import type { PlannedJob } from '../queue/plan-jobs.js';
import type { EnqueueProgress } from '../queue/write-jobs.js';
import { describeRedisFailure } from '../redis/redis-failure.js';
import { appRouting } from './app-router.js';
import { openFleetQueues, selectQueues } from './queue-runtime.js';
import type { StatusReport } from '../queue/queue-status.js';
import { readStatusReport } from './status-report.js';

/** What a call applies to the rooms it adds. */
export interface AddOptions {
  /** The app of the rooms that name none; needed (here or on each room) when several apps are configured. */
  readonly app?: string;
  /** The lane of the rooms that give none: `high`, `normal` (the default, as the HTTP API's) or `low`. */
  readonly priority?: Priority;
  /** `add_robots` (the default) or `del_robots`, which takes the robots out again. */
  readonly command?: RobotCommand;
}

/** What `add` did with its room. */
export interface AddResult {
  /** One per job: a room with more robots than one call takes (MAX_ROBOTS_PER_CALL, 500) becomes several. */
  readonly jobIds: readonly string[];
  /** Jobs that were new work. */
  readonly added: number;
  /** Jobs already waiting or running, left as they were. */
  readonly alreadyQueued: number;
  /** Of the added, jobs that replaced a dead letter of the same room and robots. */
  readonly superseded: number;
}

/** What `addMany` did: its rooms, the jobs they became, and of those what was new (as `enqueue --json` counts). */
export interface AddManySummary {
  readonly rooms: number;
  readonly jobs: number;
  readonly added: number;
  readonly alreadyQueued: number;
  readonly superseded: number;
  /** Robots listed twice in one room, dropped. */
  readonly duplicatesRemoved: number;
}

/** A connection to the fleet's queues that enqueues rooms as `enqueue` and the HTTP API do. */
export interface Producer {
  /** Enqueues one room. Throws INPUT_INVALID (nothing enqueued) or REDIS_UNAVAILABLE. */
  add(room: SeedRequest, options?: AddOptions): Promise<AddResult>;
  /**
   * Enqueues rooms from any iterable or async iterable, read once: all of them checked first, and
   * only if every one is valid, their jobs written. Throws INPUT_INVALID (nothing enqueued, the
   * problems by index) or REDIS_UNAVAILABLE (saying how many rooms were in before); adding the same
   * rooms again is safe.
   */
  addMany(rooms: Iterable<SeedRequest> | AsyncIterable<SeedRequest>, options?: AddOptions): Promise<AddManySummary>;
  /** The object `robot-seeder status --json` prints: of every app, or of `app`'s. */
  status(options?: { readonly app?: string }): Promise<StatusReport>;
  /** Closes the connection; calls in flight should be awaited first. Closing twice is harmless. */
  close(): Promise<void>;
}

const MB = 1024 * 1024;
const ADD_OPTIONS = ['app', 'priority', 'command'];
/** How an add or addMany that stopped part-way is told: what it was, and how to finish. */
const STOPPED_WORK = { what: 'the rooms given', items: 'rooms', again: 'add the same rooms again' } as const;

/**
 * Connects to the fleet's Redis (or throws REDIS_UNAVAILABLE at once) and opens the queues of every
 * app configured. Configuration comes from `options` alone (producerConfig); no Tencent secret is
 * needed. The connection is the HTTP service's kind: it reconnects by itself for as long as the
 * process lives, and while Redis is away each call fails at once instead of hanging.
 */
export async function connectProducer(options: ProducerOptions = {}): Promise<Producer> {
  const config = producerConfig(options);
  // A library does not write to its host's stderr: failures reach the caller as errors.
  const fleet = await openFleetQueues(config, createLogger('silent'), 'service');
  let closed = false;
  const open = (): void => {
    if (closed) throw new SeederError('USAGE', 'this producer is closed', { hint: 'connect another with connectProducer' });
  };

  const enqueue = async (
    rooms: unknown,
    o: AddOptions,
    onPlanned?: (jobs: readonly PlannedJob[]) => void,
  ): Promise<{ readonly tally: ItemTally; readonly written: EnqueueProgress }> => {
    open();
    checkAddOptions(o);
    const routing = appRouting(fleet, o.app);
    let outcome: EnqueueOutcome<ItemTally>;
    try {
      outcome = await enqueueItems(routing.jobs, iterableRooms(rooms), {
        limits: itemLimits(config.maxRobotsPerLine, routing),
        command: o.command ?? 'add_robots',
        maxRobotsPerCall: config.maxRobotsPerCall,
        jobOptions: seedJobOptions(config, o.priority ?? 'normal'),
        memoryBytes: config.enqueueMemoryMb * MB,
        onPlanned,
      });
    } catch (err) {
      throw err instanceof EnqueueStopped ? enqueueStoppedError(err, STOPPED_WORK) : err;
    }
    if (outcome.refused) throw invalidItemsError(outcome.tally);
    return outcome;
  };

  return {
    async add(room, o = {}) {
      const jobIds: string[] = [];
      const { written } = await enqueue([room], o, (jobs) => {
        for (const job of jobs) jobIds.push(job.jobId);
      });
      return { jobIds, added: written.added, alreadyQueued: written.jobs - written.added, superseded: written.superseded };
    },
    async addMany(rooms, o = {}) {
      const { tally, written } = await enqueue(rooms, o);
      return {
        rooms: tally.items,
        jobs: written.jobs,
        added: written.added,
        alreadyQueued: written.jobs - written.added,
        superseded: written.superseded,
        duplicatesRemoved: tally.duplicatesRemoved,
      };
    },
    async status(o = {}) {
      open();
      const queues = selectQueues(fleet, o.app);
      try {
        // The very function whose result `status --json` prints.
        return await readStatusReport(config, queues);
      } catch (err) {
        // It only reads Redis: whatever fails is Redis's failure, told as enqueueing tells it.
        throw new SeederError('REDIS_UNAVAILABLE', `cannot read the queues' status: ${describeRedisFailure(err)}`, {
          hint: 'once Redis answers again, ask again',
          cause: err,
        });
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await fleet.close();
    },
  };
}

/** A call's options, checked at run time too: a JavaScript caller's typo must not enqueue into the wrong lane. */
function checkAddOptions(o: AddOptions): void {
  const problems: string[] = [];
  for (const key of Object.keys(o)) {
    if (!ADD_OPTIONS.includes(key)) problems.push(`${key}: not an option; the options are ${ADD_OPTIONS.join(', ')}`);
  }
  if (o.app !== undefined && typeof o.app !== 'string') problems.push(`app: expected an app's name, got ${typeof o.app}`);
  if (o.priority !== undefined && !isPriority(o.priority)) problems.push(`priority: expected one of ${PRIORITIES.join(', ')}`);
  if (o.command !== undefined && !ROBOT_COMMANDS.includes(o.command))
    problems.push(`command: expected one of ${ROBOT_COMMANDS.join(', ')}`);
  if (problems.length > 0) throw new SeederError('USAGE', `invalid options:\n  - ${problems.join('\n  - ')}`);
}

/** `rooms` as the iterable it must be; anything else is refused before any is read. */
function iterableRooms(rooms: unknown): AsyncIterable<unknown> | Iterable<unknown> {
  if (typeof rooms === 'object' && rooms !== null && (Symbol.iterator in rooms || Symbol.asyncIterator in rooms)) {
    return rooms as AsyncIterable<unknown> | Iterable<unknown>;
  }
  throw new SeederError('INPUT_INVALID', `rooms: expected an array, an iterable or an async iterable of rooms, got ${typeof rooms}`);
}
