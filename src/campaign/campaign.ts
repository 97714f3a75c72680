import type { CampaignSchedule } from './schedule/campaign-schedule.js';

/** What a user declares: a name, when it runs, when it ends, and where its rooms came from. */
export interface CampaignSpec {
  readonly name: string;
  readonly schedule: CampaignSchedule;
  /** When the campaign's robots are removed (del_robots) and the campaign ends; null = never. */
  readonly removeAtMs: number | null;
  /** The job file the rooms were read from, shown to people; runs read the stored copy, never the file. */
  readonly source: string;
}

/** A campaign as it is kept in Redis. */
export interface Campaign extends CampaignSpec {
  /** Paused campaigns fire no runs; their end (removeAt) still happens. */
  readonly paused: boolean;
  readonly createdAtMs: number;
  readonly updatedAtMs: number;
  /** Set once the end removed the robots: nothing fires any more. */
  readonly endedAtMs: number | null;
  readonly rooms: number;
  readonly robots: number;
  /** sha256 of the stored rooms, so that `campaign sync` can tell an unchanged file. */
  readonly roomsDigest: string;
  /** The Redis list that holds the rooms now (a new one is written on each change). */
  readonly roomsKey: string;
  /** Runs that re-added the robots so far (the final removal is not counted). */
  readonly runs: number;
  /** When the last of those runs fired; null before the first. */
  readonly lastRunAtMs: number | null;
  /** When the current schedule was set: a `--at` campaign is done once a run fired after this. */
  readonly scheduleSinceMs: number;
}

/** `add` re-adds the robots; `remove` is the end, when the robots are removed. */
export type CampaignRunKind = 'add' | 'remove';

/** One run as `campaign report` shows it. */
export interface CampaignRun {
  readonly runId: string;
  readonly kind: CampaignRunKind;
  readonly firedAtMs: number;
  /** When all the run's jobs were in the seed queue; null while it is still enqueueing (or it crashed). */
  readonly enqueuedAtMs: number | null;
  /** Seed jobs the run submitted (those still pending from an earlier run are not added again). */
  readonly jobs: number;
  /** Of those, jobs that completed. */
  readonly seeded: number;
  /** Of those, jobs that failed for good (see `dlq list`). */
  readonly deadLettered: number;
  /** Robots the completed jobs added (or removed, for a `remove` run). */
  readonly robots: number;
}
