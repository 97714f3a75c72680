import type { RedisClient } from '../../redis/redis-client.js';
import type { CampaignRunRef } from '../../queue/seed-job.js';
import type { CampaignRun, CampaignRunKind } from '../campaign.js';
import type { CampaignKeys } from '../store/campaign-keys.js';

/** Runs kept per campaign; older ones are dropped (a campaign every minute keeps the last ~16 hours). */
export const MAX_RUNS_KEPT = 1000;

/**
 * Records a run once: a run job retried after a crash finds its record and keeps the first
 * firing time. Only `add` runs count in the campaign's `runs`.
 * KEYS: run hash, runs zset, campaign hash. ARGV: runId, kind, now.
 */
const START = `
if redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
if redis.call('HSETNX', KEYS[1], 'firedAt', ARGV[3]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'runId', ARGV[1], 'kind', ARGV[2], 'jobs', 0, 'seeded', 0, 'deadLettered', 0, 'robots', 0)
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
if ARGV[2] == 'add' then
  redis.call('HINCRBY', KEYS[3], 'runs', 1)
  redis.call('HSET', KEYS[3], 'lastRunAt', ARGV[3])
end
return 1
`;

/** Counts only into a run that is still kept: a trimmed or removed run is not re-created by a late job. */
const COUNT = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 1, #ARGV, 2 do redis.call('HINCRBY', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
`;

const SET = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

export interface RunOutcomeCounts {
  readonly seeded?: number;
  readonly deadLettered?: number;
  readonly robots?: number;
}

/** Per-run records: when each run fired, how many jobs it enqueued, and how they ended. */
export class CampaignRuns {
  readonly #redis: RedisClient;
  readonly #keys: CampaignKeys;

  constructor(redis: RedisClient, keys: CampaignKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  /** 'started' the first time, 'again' for a retried run job, 'no-campaign' when the campaign is gone. */
  async start(name: string, runId: string, kind: CampaignRunKind, nowMs: number): Promise<'started' | 'again' | 'no-campaign'> {
    const r = await this.#redis.eval(
      START,
      3,
      this.#keys.run(name, runId),
      this.#keys.runs(name),
      this.#keys.campaign(name),
      runId,
      kind,
      nowMs,
    );
    if (r === 1) await this.#trim(name);
    return r === 1 ? 'started' : r === 0 ? 'again' : 'no-campaign';
  }

  /** The run's jobs are all in the seed queue. */
  async enqueued(name: string, runId: string, jobs: number, nowMs: number): Promise<void> {
    await this.#redis.eval(SET, 1, this.#keys.run(name, runId), 'jobs', jobs, 'enqueuedAt', nowMs);
  }

  /** Adds a job's outcome to its run. */
  async count(ref: CampaignRunRef, c: RunOutcomeCounts): Promise<void> {
    const args = Object.entries(c).flatMap(([field, n]) => (typeof n === 'number' && n !== 0 ? [field, n] : []));
    if (args.length > 0) await this.#redis.eval(COUNT, 1, this.#keys.run(ref.campaign, ref.runId), ...args);
  }

  /** Newest first. */
  async list(name: string, limit = MAX_RUNS_KEPT): Promise<CampaignRun[]> {
    const ids = await this.#redis.zrevrange(this.#keys.runs(name), 0, limit - 1);
    const pipeline = this.#redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.#keys.run(name, id));
    const rows = (await pipeline.exec()) ?? [];
    return rows.flatMap(([err, h]) => (err === null && isFilled(h) ? [runOf(h)] : []));
  }

  async removeAll(name: string): Promise<void> {
    const ids = await this.#redis.zrange(this.#keys.runs(name), 0, '-1');
    for (let i = 0; i < ids.length; i += 500) {
      await this.#redis.del(...ids.slice(i, i + 500).map((id) => this.#keys.run(name, id)));
    }
    await this.#redis.del(this.#keys.runs(name));
  }

  async #trim(name: string): Promise<void> {
    const excess = (await this.#redis.zcard(this.#keys.runs(name))) - MAX_RUNS_KEPT;
    if (excess <= 0) return;
    const old = await this.#redis.zrange(this.#keys.runs(name), 0, String(excess - 1));
    await this.#redis
      .multi()
      .zrem(this.#keys.runs(name), ...old)
      .del(...old.map((id) => this.#keys.run(name, id)))
      .exec();
  }
}

function isFilled(h: unknown): h is Record<string, string> {
  return typeof h === 'object' && h !== null && typeof (h as Record<string, unknown>)['runId'] === 'string';
}

function runOf(h: Record<string, string>): CampaignRun {
  const n = (field: string): number => Number(h[field] ?? 0) || 0;
  return {
    runId: h['runId'] ?? '',
    kind: h['kind'] === 'remove' ? 'remove' : 'add',
    firedAtMs: n('firedAt'),
    enqueuedAtMs: h['enqueuedAt'] === undefined ? null : n('enqueuedAt'),
    jobs: n('jobs'),
    seeded: n('seeded'),
    deadLettered: n('deadLettered'),
    robots: n('robots'),
  };
}
