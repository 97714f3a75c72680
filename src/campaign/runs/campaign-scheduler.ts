import type { RepeatOptions } from 'bullmq';
import type { Campaign } from '../campaign.js';
import { MAX_EVERY_MS } from '../schedule/duration.js';
import { endSchedulerId, runSchedulerId, RUN_JOB_OPTIONS, type CampaignQueue, type CampaignJobData } from './campaign-queue.js';

/**
 * A one-shot is an `every` scheduler that starts at the time and stops after one iteration.
 * The interval only has to be longer than any wait for the first iteration to be alone.
 */
const ONE_SHOT_EVERY_MS = MAX_EVERY_MS;

/** True when a `--at` campaign already fired for its current time: it has nothing left to run. */
export function atDone(c: Campaign): boolean {
  return c.schedule.kind === 'at' && c.lastRunAtMs !== null && c.lastRunAtMs >= c.scheduleSinceMs;
}

/** Keeps BullMQ's job schedulers in line with what the store says about a campaign. */
export class CampaignScheduler {
  readonly #queue: CampaignQueue;

  constructor(queue: CampaignQueue) {
    this.#queue = queue;
  }

  /**
   * Makes the schedulers match the campaign. `restart` (the schedule changed) drops the old
   * scheduler first; otherwise an `every` scheduler keeps its rhythm across updates.
   */
  async apply(c: Campaign, o: { restart: boolean }): Promise<void> {
    if (c.endedAtMs !== null) return this.stopAll(c.name);
    if (c.paused || atDone(c)) {
      await this.stopRuns(c.name);
    } else {
      // A one-shot's start time is only read when its scheduler is created.
      if (o.restart || c.schedule.kind === 'at') await this.stopRuns(c.name);
      await this.#upsert(runSchedulerId(c.name), runRepeat(c), { campaign: c.name, kind: 'add' });
    }
    await this.#remove(endSchedulerId(c.name));
    if (c.removeAtMs !== null) {
      await this.#upsert(endSchedulerId(c.name), oneShot(c.removeAtMs), { campaign: c.name, kind: 'remove' });
    }
  }

  /** No more runs (a run job already in a worker's hands finds the campaign paused or gone and does nothing). */
  async stopRuns(name: string): Promise<void> {
    await this.#remove(runSchedulerId(name));
  }

  async stopAll(name: string): Promise<void> {
    await Promise.all([this.stopRuns(name), this.#remove(endSchedulerId(name))]);
  }

  /** When the next run fires, as BullMQ has it; null when none will. */
  async nextRunAtMs(c: Campaign): Promise<number | null> {
    if (c.endedAtMs !== null || c.paused || atDone(c)) return null;
    const s = await this.#queue.getJobScheduler(runSchedulerId(c.name));
    return s?.next ?? null;
  }

  async #remove(id: string): Promise<void> {
    const s = await this.#queue.getJobScheduler(id);
    await this.#queue.removeJobScheduler(id);
    // removeJobScheduler drops the next job only while it is delayed; one already due would
    // wait in the queue until a worker skipped it. `repeat:<id>:<ms>` is how BullMQ names it;
    // a job that is running (locked) is not removed.
    if (typeof s?.next === 'number') await this.#queue.remove(`repeat:${id}:${s.next}`);
  }

  async #upsert(id: string, repeat: Omit<RepeatOptions, 'key'>, data: CampaignJobData): Promise<void> {
    await this.#queue.upsertJobScheduler(id, repeat, { name: data.kind, data, opts: RUN_JOB_OPTIONS });
  }
}

function runRepeat(c: Campaign): Omit<RepeatOptions, 'key'> {
  // Runs stop at the end even if the end's own job is late.
  const end = c.removeAtMs === null ? {} : { endDate: c.removeAtMs };
  switch (c.schedule.kind) {
    case 'cron':
      return { pattern: c.schedule.cron, tz: c.schedule.tz, ...end };
    case 'every':
      return { every: c.schedule.everyMs, ...end };
    case 'at':
      return oneShot(c.schedule.atMs);
  }
}

function oneShot(atMs: number): Omit<RepeatOptions, 'key'> {
  return { every: ONE_SHOT_EVERY_MS, startDate: atMs, limit: 1 };
}
