import { createHash } from 'node:crypto';
import type { RedisClient } from '../../redis/redis-client.js';
import type { SeedRequest } from '../../domain/seed-request.js';

/** Rooms on their way in: streamed requests, and a verdict on the input as a whole once they are read. */
export interface RoomSource {
  readonly requests: AsyncIterable<SeedRequest> | Iterable<SeedRequest>;
  /** Called after the last request: throws when the input is refused (a job file with any invalid line). */
  finish(): void;
}

/** Rooms written to a list that nothing points at yet; it expires unless a commit keeps it. */
export interface StagedRooms {
  readonly key: string;
  readonly rooms: number;
  readonly robots: number;
  readonly digest: string;
}

/** Rooms per list element: 100k rooms are 200 elements, read back 10 at a time. */
const ROOMS_PER_CHUNK = 500;
/** A chunk is written early once this big, so one element never grows past a few hundred KB. */
const CHUNK_BYTES = 256 * 1024;
const CHUNKS_PER_READ = 10;
/** A staged list left behind by a crash disappears after this; so does a replaced one (runs still reading it finish first). */
export const ROOMS_GRACE_SECONDS = 3600;

/** Streams requests into `key` as chunks of JSON lines; returns the counts and a digest of the content. */
export async function stageRooms(
  redis: RedisClient,
  key: string,
  requests: AsyncIterable<SeedRequest> | Iterable<SeedRequest>,
): Promise<StagedRooms> {
  const hash = createHash('sha256');
  let rooms = 0;
  let robots = 0;
  let lines: string[] = [];
  let bytes = 0;
  const flush = async (): Promise<void> => {
    if (lines.length === 0) return;
    await redis.multi().rpush(key, lines.join('\n')).expire(key, ROOMS_GRACE_SECONDS).exec();
    lines = [];
    bytes = 0;
  };
  for await (const r of requests) {
    const line = JSON.stringify({ groupId: r.groupId, robots: r.robots });
    hash.update(line).update('\n');
    lines.push(line);
    bytes += line.length;
    rooms += 1;
    robots += r.robots.length;
    if (lines.length >= ROOMS_PER_CHUNK || bytes >= CHUNK_BYTES) await flush();
  }
  await flush();
  return { key, rooms, robots, digest: hash.digest('hex') };
}

/** The rooms stored under `key`, in file order, a few chunks in memory at a time. */
export async function* readRooms(redis: RedisClient, key: string): AsyncGenerator<SeedRequest> {
  const chunks = await redis.llen(key);
  for (let start = 0; start < chunks; start += CHUNKS_PER_READ) {
    for (const chunk of await redis.lrange(key, start, start + CHUNKS_PER_READ - 1)) {
      for (const line of chunk.split('\n')) yield parseRoom(line);
    }
  }
}

function parseRoom(line: string): SeedRequest {
  const v = JSON.parse(line) as unknown;
  if (typeof v === 'object' && v !== null) {
    const { groupId, robots } = v as Record<string, unknown>;
    if (typeof groupId === 'string' && Array.isArray(robots) && robots.every((r): r is string => typeof r === 'string')) {
      return { groupId, robots };
    }
  }
  throw new TypeError(`stored campaign room is not valid: ${line.slice(0, 200)}`);
}
