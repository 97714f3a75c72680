import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallbackSeeder } from '../../../src/callbacks/callback-seeder.js';
import { createLogger } from '../../../src/log/logger.js';
import type { BulkJob, JobSink } from '../../../src/queue/write-jobs.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../../support/test-env.js';

/** A stand-in seed queue: each addBulk call is recorded, and fails while `failures` is above zero. */
class FakeSink implements JobSink {
  readonly calls: BulkJob[][] = [];
  failures = 0;
  addBulk(jobs: BulkJob[]): Promise<{ added: number; superseded: number }> {
    this.calls.push(jobs);
    if (this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new Error('Redis is away'));
    }
    return Promise.resolve({ added: jobs.length, superseded: 0 });
  }
}

/** Lets I/O and promise chains run (setImmediate is not faked) until `check` holds, or fails after `rounds` turns. */
async function until(what: string, check: () => boolean, rounds = 2000): Promise<void> {
  for (let i = 0; i < rounds; i += 1) {
    if (check()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`never happened: ${what}`);
}

/** A few turns of the event loop: what is going to happen without a timer firing has happened. */
async function turns(n = 50): Promise<void> {
  for (let i = 0; i < n; i += 1) await new Promise((r) => setImmediate(r));
}

let prefix: string;
let redis: Redis;
let sink: FakeSink;
let logText: string;

function seeder(client: Redis = redis): CallbackSeeder {
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logText += chunk.toString();
      callback();
    },
  });
  return new CallbackSeeder({
    jobs: sink,
    redis: client,
    keyPrefix: prefix,
    maxRobotsPerCall: 500,
    jobOptions: { attempts: 1 },
    logger: createLogger('trace', out),
  });
}

const logLines = (): Array<Record<string, unknown>> =>
  logText
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const dedupeKey = (groupId: string): string => `${prefix}:callbacks:created:${groupId}`;
const groupsOf = (calls: BulkJob[][]): string[] => calls.flat().map((j) => (j.data as { groupId: string }).groupId);

beforeEach(async () => {
  prefix = uniquePrefix();
  redis = new Redis(TEST_REDIS_URL);
  await redis.ping();
  sink = new FakeSink();
  logText = '';
  // Only the timers: Redis round trips stay real I/O, and setImmediate drives the tests' waits.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});

afterEach(async () => {
  vi.useRealTimers();
  redis.disconnect();
  await deleteKeys(prefix);
});

describe('CallbackSeeder', () => {
  it('enqueues the robots of a new room once, and records the room for an hour', async () => {
    const s = seeder();
    await s.seed({ groupId: '@TGS#a', robots: ['bot_a', 'bot_b'] });
    expect(groupsOf(sink.calls)).toEqual(['@TGS#a']);
    expect(sink.calls[0]?.[0]?.data).toMatchObject({ command: 'add_robots', groupId: '@TGS#a', robots: ['bot_a', 'bot_b'] });
    const ttl = await redis.ttl(dedupeKey('@TGS#a'));
    expect(ttl).toBeGreaterThan(3590);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('adds nothing for a repeated callback of the same room, but seeds another room', async () => {
    const s = seeder();
    await s.seed({ groupId: '@TGS#a', robots: ['bot_a'] });
    await s.seed({ groupId: '@TGS#a', robots: ['bot_z'] });
    await s.seed({ groupId: '@TGS#b', robots: ['bot_a'] });
    expect(groupsOf(sink.calls)).toEqual(['@TGS#a', '@TGS#b']);
    expect(logLines().filter((l) => l['msg'] === 'room already seeded by an earlier callback; ignoring the repeat')).toHaveLength(1);
  });

  it('retries a failed enqueue after 1 s, and not before', async () => {
    sink.failures = 1;
    const s = seeder();
    let done = false;
    void s.seed({ groupId: '@TGS#a', robots: ['bot_a'] }).then(() => (done = true));
    await until('the first attempt', () => sink.calls.length === 1);
    await vi.advanceTimersByTimeAsync(999);
    await turns();
    expect(sink.calls).toHaveLength(1);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await until('the second attempt', () => done);
    expect(sink.calls).toHaveLength(2);
    expect(logLines().filter((l) => l['level'] === 50)).toEqual([]);
    expect(await redis.exists(dedupeKey('@TGS#a'))).toBe(1);
  });

  it('tries three times (at 0, 1 s and 4 s), then logs an error with the robots and forgets the room so a later callback seeds it', async () => {
    sink.failures = 3;
    const s = seeder();
    let done = false;
    void s.seed({ groupId: '@TGS#a', robots: ['bot_a', 'bot_b'] }).then(() => (done = true));
    await until('the first attempt', () => sink.calls.length === 1);
    await vi.advanceTimersByTimeAsync(1000);
    await until('the second attempt', () => sink.calls.length === 2);
    await vi.advanceTimersByTimeAsync(2999);
    await turns();
    expect(sink.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    await until('the seeder gives up', () => done);
    expect(sink.calls).toHaveLength(3);
    const errors = logLines().filter((l) => l['level'] === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ groupId: '@TGS#a', robots: ['bot_a', 'bot_b'] });
    expect(await redis.exists(dedupeKey('@TGS#a'))).toBe(0);
    await s.seed({ groupId: '@TGS#a', robots: ['bot_a', 'bot_b'] });
    expect(sink.calls).toHaveLength(4);
  });

  it('enqueues anyway when Redis cannot record the room', async () => {
    const offline = new Redis(TEST_REDIS_URL, { lazyConnect: true, enableOfflineQueue: false });
    try {
      await seeder(offline).seed({ groupId: '@TGS#a', robots: ['bot_a'] });
    } finally {
      offline.disconnect();
    }
    expect(groupsOf(sink.calls)).toEqual(['@TGS#a']);
    expect(logLines().some((l) => l['msg'] === 'could not record the callback; enqueueing anyway')).toBe(true);
  });

  it('settled() and close() wait for the enqueues in progress, retries included', async () => {
    sink.failures = 1;
    const s = seeder();
    void s.seed({ groupId: '@TGS#a', robots: ['bot_a'] });
    let settled = false;
    let closed = false;
    void s.settled().then(() => (settled = true));
    void s.close().then(() => (closed = true));
    await until('the first attempt', () => sink.calls.length === 1);
    await turns();
    expect([settled, closed]).toEqual([false, false]);
    await vi.advanceTimersByTimeAsync(1000);
    await until('settled and closed', () => settled && closed);
    expect(sink.calls).toHaveLength(2);
    // Nothing in progress: it resolves at once.
    await expect(s.settled()).resolves.toBeUndefined();
  });
});
