import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SEED_QUEUE_NAME } from '../../../src/queue/queue-names.js';
import { DEFAULT_CHUNK_JOBS, DEFAULT_WRITE_DEPTH } from '../../../src/queue/write-jobs.js';
import { EXIT } from '../../../src/cli/exit-codes.js';
import { runCli, startCli } from '../../support/cli-process.js';
import { ChildReaper } from '../../support/child-reaper.js';
import { startRedisServer, type RedisServer } from '../../support/redis-server.js';
import { roomIds, writeRoomsFile } from '../../support/rooms-file.js';
import { seederEnv, uniquePrefix, waitFor } from '../../support/test-env.js';

const BIG_FILE_LINES = 50_000;
/** Each line's two robots become two jobs (MAX_ROBOTS_PER_CALL=1), so "a line counts when all its jobs are in" is seen. */
const JOBS_PER_LINE = 2;
const BIG_FILE_JOBS = BIG_FILE_LINES * JOBS_PER_LINE;
/** Kill Redis once this many jobs are in: well into the file, well before its end. */
const KILL_AFTER_JOBS = 30_000;

/** A connection for looking, never left waiting on a Redis that is down. */
function peek(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null, enableOfflineQueue: false, lazyConnect: true });
}

describe('Redis unreachable while enqueueing', () => {
  const reaper = new ChildReaper();
  let server: RedisServer;
  let dir: string;
  let bigFile: string;

  beforeAll(async () => {
    server = await startRedisServer({ appendonly: true });
    dir = await mkdtemp(join(tmpdir(), 'rs-redis-unreachable-'));
    bigFile = join(dir, 'big.jsonl');
    await writeRoomsFile(bigFile, roomIds('big', BIG_FILE_LINES));
  });

  afterEach(() => reaper.killAll());

  afterAll(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The seeder's environment for the private Redis; no worker runs, so the API URL is never called. */
  function env(prefix: string): Record<string, string> {
    return seederEnv(prefix, 'http://127.0.0.1:9', { REDIS_URL: server.url });
  }

  it('nothing listening: exit 4 at once with a message that says what to do, nothing written', async () => {
    await server.stop();
    const small = join(dir, 'small.jsonl');
    await writeRoomsFile(small, roomIds('small', 10));
    const started = Date.now();
    const r = await runCli(['enqueue', small, '--json'], env(uniquePrefix()));
    const tookMs = Date.now() - started;
    console.log(
      `[redis-unreachable] enqueue with nothing listening on ${server.url} exited ${r.code} after ${tookMs} ms (process start included)`,
    );
    expect(r.code).toBe(EXIT.redisUnavailable);
    expect(tookMs).toBeLessThan(15_000);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`robot-seeder enqueue: cannot reach Redis at ${server.url}`);
    expect(r.stderr).toContain('ECONNREFUSED');
    expect(r.stderr).toMatch(/hint: .*run the same command again/);
    expect(r.stderr).not.toMatch(/\n\s+at /);

    await server.restart();
    const redis = peek(server.url);
    await redis.connect();
    try {
      expect(await redis.dbsize()).toBe(0);
    } finally {
      redis.disconnect();
    }
  });

  it('killed half-way through a large file: exit 4 saying how far it got (acknowledged chunks only); the same command later completes it without doubles', async () => {
    if (!server.running()) await server.restart();
    const prefix = uniquePrefix();
    // Job files are the low lane: their jobs wait in BullMQ's prioritized set.
    const waitKey = `${prefix}:${SEED_QUEUE_NAME}:prioritized`;
    const e = { ...env(prefix), MAX_ROBOTS_PER_CALL: '1' };
    const args = ['enqueue', bigFile, '--json'];

    const enqueue = reaper.track(startCli(args, e));
    const poller = peek(server.url);
    await poller.connect();
    try {
      await waitFor(`${KILL_AFTER_JOBS} jobs in the queue`, async () => (await poller.zcard(waitKey)) >= KILL_AFTER_JOBS, 60_000, 20);
    } finally {
      poller.disconnect();
    }
    await server.kill();
    const killedAt = Date.now();
    const r = await enqueue.exited;
    console.log(`[redis-unreachable] enqueue exited ${r.code} ${Date.now() - killedAt} ms after Redis was killed: ${r.stderr.trim()}`);
    expect(r.code).toBe(EXIT.redisUnavailable);
    const got = /stopped after (\d+) lines \((\d+) jobs in Redis\)/.exec(r.stderr);
    expect(got, r.stderr).not.toBeNull();
    const [lines, jobs] = [Number(got?.[1]), Number(got?.[2])];
    // Redis had run at least KILL_AFTER_JOBS / chunk chunks; the answers to the last DEFAULT_WRITE_DEPTH
    // of them may have been on their way when it died, so they are not counted as acknowledged.
    expect(jobs).toBeGreaterThanOrEqual(KILL_AFTER_JOBS - DEFAULT_WRITE_DEPTH * DEFAULT_CHUNK_JOBS);
    expect(lines).toBeLessThan(BIG_FILE_LINES);
    // Only whole acknowledged chunks count, and a line only with all its jobs.
    expect(jobs % DEFAULT_CHUNK_JOBS).toBe(0);
    expect(jobs).toBe(lines * JOBS_PER_LINE);
    expect(r.stderr).toMatch(/hint: .*run the same command again/);
    expect(r.stderr).not.toMatch(/\n\s+at /);

    // With AOF (fsync always) every chunk Redis acknowledged is back; the chunks in flight may be too, in part.
    await server.restart();
    const redis = peek(server.url);
    await redis.connect();
    try {
      const survived = await redis.zcard(waitKey);
      expect(survived).toBeGreaterThanOrEqual(jobs);
      expect(survived).toBeLessThanOrEqual(jobs + DEFAULT_WRITE_DEPTH * DEFAULT_CHUNK_JOBS);

      const again = await runCli(args, e);
      expect(again.code, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout.trim())).toMatchObject({ lines: BIG_FILE_LINES, enqueuedLines: BIG_FILE_LINES, jobs: BIG_FILE_JOBS });
      expect(await redis.zcard(waitKey)).toBe(BIG_FILE_JOBS);
    } finally {
      redis.disconnect();
    }
    const status = await runCli(['status', '--json'], e);
    expect(JSON.parse(status.stdout.trim())).toEqual({ waiting: BIG_FILE_JOBS, active: 0, delayed: 0, completed: 0, deadLetter: 0 });
  });
});
