import { SeederError } from '../errors/seeder-error.js';
import type { Campaign, CampaignRun, CampaignSpec } from './campaign.js';
import type { RoomSource } from './store/campaign-rooms.js';
import { sameSchedule } from './schedule/campaign-schedule.js';
import { openCampaignParts, type CampaignParts, type CampaignsDeps } from './campaign-parts.js';
import { checkCampaignTimes } from './schedule/campaign-times.js';

export type SaveOutcome = 'added' | 'updated' | 'unchanged';

/** A campaign as `campaign list` shows it. */
export interface CampaignView extends Campaign {
  readonly nextRunAtMs: number | null;
}

/**
 * The campaign operations the CLI (and `sync`) use. Its parts (store, scheduler, run log) stay
 * inside: every operation keeps them consistent with each other, which a caller reaching a part
 * directly could not.
 */
export class Campaigns {
  readonly #parts: CampaignParts;

  constructor(deps: CampaignsDeps) {
    this.#parts = openCampaignParts(deps);
  }

  /**
   * Adds or (with `replace`) redefines a campaign. The rooms are stored before the campaign
   * points at them, so an input refused half-way (`rooms.finish()` throws) changes nothing.
   * A redefinition keeps the run history and the paused flag; changing an ended campaign starts it again.
   */
  async save(spec: CampaignSpec, rooms: RoomSource, o: { replace: boolean }): Promise<{ outcome: SaveOutcome; campaign: Campaign }> {
    const nowMs = Date.now();
    const existing = await this.#parts.store.get(spec.name);
    if (existing !== undefined && !o.replace) throw alreadyExists(spec.name);
    const scheduleChanged = existing === undefined || !sameSchedule(existing.schedule, spec.schedule);
    const endChanged = existing === undefined || existing.removeAtMs !== spec.removeAtMs;
    checkCampaignTimes(spec, nowMs, { scheduleChanged, endChanged });
    const staged = await this.#parts.store.stage(spec.name, rooms.requests);
    let committed = false;
    try {
      rooms.finish();
      if (staged.rooms === 0) {
        throw new SeederError('INPUT_INVALID', `${spec.source}: no rooms; a campaign needs at least one`, {
          hint: 'give a job file with one {"groupId": ..., "robots": [...]} per line',
        });
      }
      // An ended campaign declared as it was stays ended: `sync` must not restart it on every deploy.
      if (existing !== undefined && !scheduleChanged && !endChanged && existing.roomsDigest === staged.digest) {
        await this.#parts.store.discard(staged.key);
        return { outcome: 'unchanged', campaign: existing };
      }
      // Changing an ended campaign starts it again, so its end must lie ahead once more.
      if (existing?.endedAtMs != null) checkCampaignTimes(spec, nowMs, { scheduleChanged, endChanged: true });
      const outcome = await this.#parts.store.commit(spec, staged, { replace: o.replace, nowMs });
      if (outcome === 'exists') throw alreadyExists(spec.name);
      committed = true;
      const campaign = await this.#require(spec.name);
      await this.#parts.scheduler.apply(campaign, { restart: scheduleChanged });
      return { outcome, campaign };
    } catch (err) {
      if (!committed) await this.#parts.store.discard(staged.key);
      throw err;
    }
  }

  /** Stops the runs; a `--remove-at` end still happens. */
  async pause(name: string): Promise<Campaign> {
    await this.#require(name);
    await this.#parts.store.setPaused(name, true, Date.now());
    await this.#parts.scheduler.stopRuns(name);
    return this.#require(name);
  }

  /** Starts the runs again; an `--every` campaign fires at once, then at its interval. */
  async resume(name: string): Promise<Campaign> {
    const before = await this.#require(name);
    if (before.endedAtMs !== null) {
      throw new SeederError(
        'USAGE',
        `campaign ${JSON.stringify(name)} ended at ${new Date(before.endedAtMs).toISOString()} (its robots were removed)`,
        {
          hint: `to start it over, add it again: campaign add ${name} --file FILE ... --replace`,
        },
      );
    }
    await this.#parts.store.setPaused(name, false, Date.now());
    const c = await this.#require(name);
    await this.#parts.scheduler.apply(c, { restart: false });
    return c;
  }

  /** Removes the schedulers, the rooms and the run history. Robots already in rooms stay (use --remove-at for that). */
  async remove(name: string): Promise<void> {
    await this.#require(name);
    await this.#parts.scheduler.stopAll(name);
    // The definition goes first: a run that starts now finds no campaign and records nothing.
    await this.#parts.store.remove(name);
    await this.#parts.runs.removeAll(name);
  }

  async list(): Promise<CampaignView[]> {
    const all = await this.#parts.store.list();
    return Promise.all(all.map(async (c) => ({ ...c, nextRunAtMs: await this.#parts.scheduler.nextRunAtMs(c) })));
  }

  async view(name: string): Promise<CampaignView> {
    const c = await this.#require(name);
    return { ...c, nextRunAtMs: await this.#parts.scheduler.nextRunAtMs(c) };
  }

  /** Newest first. */
  async report(name: string): Promise<CampaignRun[]> {
    await this.#require(name);
    return this.#parts.runs.list(name);
  }

  async close(): Promise<void> {
    await this.#parts.queue.close();
  }

  async #require(name: string): Promise<Campaign> {
    const c = await this.#parts.store.get(name);
    if (c === undefined) {
      throw new SeederError('NOT_FOUND', `no campaign named ${JSON.stringify(name)}`, {
        hint: 'campaign list shows the campaigns there are',
      });
    }
    return c;
  }
}

function alreadyExists(name: string): SeederError {
  return new SeederError('USAGE', `campaign ${JSON.stringify(name)} already exists`, {
    hint: `pass --replace to redefine it (its run history is kept), or pick another name; campaign list shows them`,
  });
}
