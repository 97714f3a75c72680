import type { RedisClient } from '../../redis/redis-client.js';
import type { SeedRequest } from '../../domain/seed-request.js';
import type { Campaign, CampaignSpec } from '../campaign.js';
import type { CampaignKeys } from './campaign-keys.js';
import { ROOMS_GRACE_SECONDS, readRooms, stageRooms, type StagedRooms } from './campaign-rooms.js';
import { parseStoredSchedule } from '../schedule/campaign-schedule.js';

/**
 * Makes the staged rooms the campaign's, in one step: a run never sees a campaign without rooms,
 * and two concurrent `add`s of one name cannot both succeed. Returns the outcome and the
 * rooms list it replaced, which the caller lets expire.
 * KEYS: campaign hash, names set, staged rooms. ARGV: name, replace, now, schedule, removeAt, source, rooms, robots, digest.
 */
const COMMIT = `
local exists = redis.call('EXISTS', KEYS[1]) == 1
if exists and ARGV[2] ~= '1' then return {'exists', ''} end
local old = ''
if exists then
  old = redis.call('HGET', KEYS[1], 'roomsKey') or ''
else
  redis.call('HSET', KEYS[1], 'createdAt', ARGV[3], 'paused', '0', 'runs', '0')
end
if redis.call('HGET', KEYS[1], 'schedule') ~= ARGV[4] then redis.call('HSET', KEYS[1], 'scheduleSince', ARGV[3]) end
redis.call('PERSIST', KEYS[3])
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'updatedAt', ARGV[3], 'schedule', ARGV[4], 'removeAt', ARGV[5],
  'source', ARGV[6], 'rooms', ARGV[7], 'robots', ARGV[8], 'digest', ARGV[9], 'roomsKey', KEYS[3])
redis.call('HDEL', KEYS[1], 'endedAt')
redis.call('SADD', KEYS[2], ARGV[1])
if exists then return {'updated', old} end
return {'added', ''}
`;

/** HSET only on a campaign that still exists, so a late write never resurrects a removed one. */
const HSET_IF_EXISTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`;

export type CommitOutcome = 'added' | 'updated' | 'exists';

/** Campaign definitions and their rooms in Redis. Runs are kept by CampaignRuns. */
export class CampaignStore {
  readonly #redis: RedisClient;
  readonly #keys: CampaignKeys;

  constructor(redis: RedisClient, keys: CampaignKeys) {
    this.#redis = redis;
    this.#keys = keys;
  }

  async get(name: string): Promise<Campaign | undefined> {
    const h = await this.#redis.hgetall(this.#keys.campaign(name));
    return h['name'] === undefined ? undefined : campaignOf(h);
  }

  /** Every campaign, by name. */
  async list(): Promise<Campaign[]> {
    const names = (await this.#redis.smembers(this.#keys.names)).sort();
    const found = await Promise.all(names.map((n) => this.get(n)));
    return found.filter((c): c is Campaign => c !== undefined);
  }

  /** Writes the rooms where nothing reads them yet; `commit` makes them the campaign's. */
  async stage(name: string, requests: AsyncIterable<SeedRequest> | Iterable<SeedRequest>): Promise<StagedRooms> {
    const key = this.#keys.newRooms(name);
    try {
      return await stageRooms(this.#redis, key, requests);
    } catch (err) {
      await this.discard(key);
      throw err;
    }
  }

  async discard(stagedKey: string): Promise<void> {
    await this.#redis.del(stagedKey);
  }

  async commit(spec: CampaignSpec, staged: StagedRooms, o: { replace: boolean; nowMs: number }): Promise<CommitOutcome> {
    const [outcome, old] = (await this.#redis.eval(
      COMMIT,
      3,
      this.#keys.campaign(spec.name),
      this.#keys.names,
      staged.key,
      spec.name,
      o.replace ? '1' : '0',
      o.nowMs,
      JSON.stringify(spec.schedule),
      spec.removeAtMs ?? '',
      spec.source,
      staged.rooms,
      staged.robots,
      staged.digest,
    )) as [CommitOutcome, string];
    // Runs that started on the old rooms keep reading them until they expire.
    if (old !== '' && old !== staged.key) await this.#redis.expire(old, ROOMS_GRACE_SECONDS);
    return outcome;
  }

  /** False when there is no such campaign. */
  async setPaused(name: string, paused: boolean, nowMs: number): Promise<boolean> {
    return this.#hsetIfExists(name, ['paused', paused ? '1' : '0', 'updatedAt', String(nowMs)]);
  }

  async markEnded(name: string, nowMs: number): Promise<boolean> {
    return this.#hsetIfExists(name, ['endedAt', String(nowMs)]);
  }

  /** Deletes the definition and the rooms (runs are CampaignRuns' to delete); false when there was none. */
  async remove(name: string): Promise<boolean> {
    const c = await this.get(name);
    const inSet = await this.#redis.srem(this.#keys.names, name);
    await this.#redis.del(this.#keys.campaign(name), ...(c === undefined ? [] : [c.roomsKey]));
    return c !== undefined || inSet === 1;
  }

  /** The stored rooms, streamed. */
  rooms(c: Campaign): AsyncGenerator<SeedRequest> {
    return readRooms(this.#redis, c.roomsKey);
  }

  async #hsetIfExists(name: string, fields: string[]): Promise<boolean> {
    return (await this.#redis.eval(HSET_IF_EXISTS, 1, this.#keys.campaign(name), ...fields)) === 1;
  }
}

function campaignOf(h: Record<string, string>): Campaign {
  const int = (field: string): number => {
    const n = Number(h[field]);
    if (!Number.isSafeInteger(n)) throw new TypeError(`stored campaign ${h['name'] ?? '?'}: ${field} is not a number: ${String(h[field])}`);
    return n;
  };
  const optionalInt = (field: string): number | null => (h[field] === undefined || h[field] === '' ? null : int(field));
  return {
    name: h['name'] ?? '',
    schedule: parseStoredSchedule(h['schedule']),
    removeAtMs: optionalInt('removeAt'),
    source: h['source'] ?? '',
    paused: h['paused'] === '1',
    createdAtMs: int('createdAt'),
    updatedAtMs: int('updatedAt'),
    endedAtMs: optionalInt('endedAt'),
    rooms: int('rooms'),
    robots: int('robots'),
    roomsDigest: h['digest'] ?? '',
    roomsKey: h['roomsKey'] ?? '',
    runs: int('runs'),
    lastRunAtMs: optionalInt('lastRunAt'),
    scheduleSinceMs: int('scheduleSince'),
  };
}
