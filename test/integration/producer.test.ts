import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openFleetQueues, type FleetQueues } from '../../src/app/queue-runtime.js';
import { loadConfig } from '../../src/config/load-config.js';
import { QUEUE_PRIORITY } from '../../src/domain/priority.js';
import { createLogger } from '../../src/log/logger.js';
import { planJobs } from '../../src/queue/plan-jobs.js';
import { connectProducer, isSeederError, type Producer, type SeedRequest, type SeederError } from '../../src/producer.js';
import { runCli, startCli } from '../support/cli-process.js';
import { freePort } from '../support/free-port.js';
import { startRedisServer } from '../support/redis-server.js';
import { deleteKeys, seederEnv, startTestMock, TEST_REDIS_URL, uniquePrefix, waitFor } from '../support/test-env.js';
import { ALPHA, BETA, writeTwoAppsFile } from '../support/two-apps.js';

let dir: string;
let appsFile: string;
let prefix = '';
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rs-producer-'));
  // The apps' API address is never called: a producer only enqueues.
  appsFile = await writeTwoAppsFile(dir, 'http://127.0.0.1:9');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
  await deleteKeys(prefix);
});

/** A producer on a prefix of this test's own, closed after it. */
async function producer(options: { appsFile?: string } = {}): Promise<Producer> {
  prefix = uniquePrefix();
  const p = await connectProducer({ redisUrl: TEST_REDIS_URL, keyPrefix: prefix, ...options });
  open.push(p);
  return p;
}

/** The queues the producer wrote to, as the fleet opens them, to look at the jobs. */
async function fleet(options: { appsFile?: string } = {}): Promise<FleetQueues> {
  const env = { REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: prefix, ...(options.appsFile === undefined ? {} : { APPS_FILE: options.appsFile }) };
  const f = await openFleetQueues(loadConfig(env, { tencent: false }), createLogger('silent'), 'producer');
  open.push(f);
  return f;
}

/** The environment of a CLI process on this test's prefix. */
function cliEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { REDIS_URL: TEST_REDIS_URL, KEY_PREFIX: prefix, LOG_LEVEL: 'warn', ...extra };
}

async function rejection(p: Promise<unknown>): Promise<SeederError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isSeederError(err)) throw new Error(`expected a SeederError, got ${String(err)}`);
  return err;
}

const room = (groupId: string, robots: readonly string[] = ['bot_a', 'bot_b']): SeedRequest => ({ groupId, robots });
const rooms = (name: string, n: number): SeedRequest[] => Array.from({ length: n }, (_, i) => room(`${name}-${i}`));

describe('producer: add and addMany', () => {
  it("add: a room becomes enqueue's jobs (split at MAX_ROBOTS_PER_CALL, duplicate robots dropped) in the normal lane; the same room again adds nothing", async () => {
    const p = await producer();
    const robots = Array.from({ length: 700 }, (_, i) => `bot_${i}`);
    const first = await p.add(room('room-big', [...robots, 'bot_0', 'bot_1']));
    const ids = planJobs('add_robots', room('room-big', robots), 500).map((j) => j.jobId);
    expect(first).toEqual({ jobIds: ids, added: 2, alreadyQueued: 0, superseded: 0 });

    const { seed } = (await fleet()).app();
    const jobs = await Promise.all(ids.map((id) => seed.getJob(id)));
    expect(jobs.map((j) => j?.data)).toEqual([
      { command: 'add_robots', groupId: 'room-big', robots: robots.slice(0, 500) },
      { command: 'add_robots', groupId: 'room-big', robots: robots.slice(500) },
    ]);
    expect(jobs.map((j) => [j?.opts.priority, j?.opts.attempts])).toEqual([
      [QUEUE_PRIORITY.normal, 8],
      [QUEUE_PRIORITY.normal, 8],
    ]);
    expect(await p.add(room('room-big', robots))).toEqual({ jobIds: ids, added: 0, alreadyQueued: 2, superseded: 0 });
    expect(await p.status()).toEqual({ waiting: 2, active: 0, delayed: 0, completed: 0, deadLetter: 0 });
  });

  it('addMany takes an array, a generator or an async generator, each read once, and counts rooms, jobs, new work and duplicates', async () => {
    const p = await producer();
    async function* later(): AsyncGenerator<SeedRequest> {
      for (const r of rooms('async', 3)) {
        await new Promise((resolve) => setImmediate(resolve));
        yield r;
      }
    }
    function* generated(): Generator<SeedRequest> {
      yield* rooms('sync', 2);
      yield room('sync-dup', ['bot_a', 'bot_a', 'bot_b']);
    }
    expect(await p.addMany(rooms('array', 4))).toEqual({
      rooms: 4,
      jobs: 4,
      added: 4,
      alreadyQueued: 0,
      superseded: 0,
      duplicatesRemoved: 0,
    });
    expect(await p.addMany(generated())).toEqual({ rooms: 3, jobs: 3, added: 3, alreadyQueued: 0, superseded: 0, duplicatesRemoved: 1 });
    expect(await p.addMany(later())).toEqual({ rooms: 3, jobs: 3, added: 3, alreadyQueued: 0, superseded: 0, duplicatesRemoved: 0 });
    expect(await p.addMany([...rooms('array', 4), room('new')])).toMatchObject({ rooms: 5, jobs: 5, added: 1, alreadyQueued: 4 });
    expect(await p.addMany([])).toMatchObject({ rooms: 0, jobs: 0, added: 0 });
    expect((await p.status()).waiting).toBe(11);
  });

  it('the rooms of a job file enqueued by the CLI are the same jobs: adding them adds nothing (add_robots and del_robots alike)', async () => {
    const p = await producer();
    const file = join(dir, `rooms-${prefix}.jsonl`);
    const list = rooms('file', 5);
    await writeFile(file, list.map((r) => JSON.stringify(r)).join('\n'));
    for (const [args, command] of [
      [[], 'add_robots'],
      [['--remove'], 'del_robots'],
    ] as const) {
      const r = await runCli(['enqueue', file, '--json', ...args], cliEnv());
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ jobs: 5, added: 5 });
      expect(await p.addMany(list, { command })).toMatchObject({ jobs: 5, added: 0, alreadyQueued: 5 });
    }
    expect((await p.status()).waiting).toBe(10);
  });

  it('a dead-lettered room added again supersedes its dead letter and is seeded, as with enqueue', async () => {
    const p = await producer();
    const mock = await startTestMock();
    open.push(mock);
    const worker = startCli(['worker'], seederEnv(prefix, mock.url));
    open.push({
      async close() {
        worker.child.kill('SIGTERM');
        await worker.exited;
      },
    });
    // `~10010x1`: "group does not exist" once (final), then success: a room closed, then open again.
    const closed = room('room-closed~10010x1', ['bot_a']);
    const first = await p.add(closed);
    await waitFor('the room dead-lettered', async () => (await p.status()).deadLetter === 1);
    expect(await p.add(closed)).toEqual({ ...first, superseded: 1 });
    await waitFor('the room seeded', () => mock.robotsIn(closed.groupId).length === 1);
    await waitFor('the work done', async () => (await p.status()).active === 0);
    expect(await p.status()).toMatchObject({ waiting: 0, deadLetter: 0 });
  });

  it('status() is the object `status --json` prints, with one app and with APPS_FILE', async () => {
    for (const options of [{}, { appsFile }]) {
      const p = await producer(options);
      const extra: Record<string, string> = options.appsFile === undefined ? {} : { APPS_FILE: appsFile };
      await p.addMany(options.appsFile === undefined ? rooms('r', 3) : rooms('r', 3).map((r) => ({ ...r, app: BETA.name })));
      const r = await runCli(['status', '--json'], cliEnv(extra));
      expect(r.code, r.stderr).toBe(0);
      expect(await p.status()).toEqual(JSON.parse(r.stdout));
      await deleteKeys(prefix);
    }
  });
});

describe('producer: invalid input', () => {
  it('addMany: one invalid room and nothing is written; INPUT_INVALID lists every problem with its room index', async () => {
    const p = await producer();
    const err = await rejection(
      p.addMany([room('ok-1'), { groupId: '', robots: [] }, room('ok-2'), { groupID: 'x', robots: ['a b'] } as unknown as SeedRequest]),
    );
    expect(err.code).toBe('INPUT_INVALID');
    expect([...new Set(err.problems.map((x) => x.index))]).toEqual([1, 3]);
    expect(err.problems).toContainEqual({ index: 3, message: 'unknown field "groupID"; did you mean "groupId"?' });
    expect(err.message).toMatch(/^2 of 4 rooms are invalid; nothing was enqueued\n {2}rooms\[1\]: groupId: empty/);
    // Not even the valid rooms before the first invalid one.
    const { seed } = (await fleet()).app();
    expect(await seed.getJob(planJobs('add_robots', room('ok-1'), 500)[0]?.jobId ?? '')).toBeUndefined();
    expect(await p.status()).toMatchObject({ waiting: 0 });
  });

  it("add: the room's problems at index 0; a room may also give its app and priority, and nothing else", async () => {
    const p = await producer();
    const err = await rejection(
      p.add({ groupId: 'r', robots: ['a'], priority: 'urgent', command: 'del_robots' } as unknown as SeedRequest),
    );
    expect(err.problems).toEqual([
      { index: 0, message: 'unknown field "command"; the only fields are "groupId", "robots", "app" and "priority"' },
      { index: 0, message: 'priority: expected one of high, normal, low, got "urgent"' },
    ]);
    expect(
      (
        await rejection(
          p.add(
            room(
              'r',
              Array.from({ length: 1001 }, (_, i) => `b${i}`),
            ),
          ),
        )
      ).problems[0]?.message,
    ).toMatch(/^robots: 1001 entries, the maximum is 1000/);
    expect((await p.status()).waiting).toBe(0);
  });

  it('lists the first 100 problems and counts the rest', async () => {
    const p = await producer();
    const err = await rejection(p.addMany(Array.from({ length: 150 }, () => ({ groupId: 'r', robots: [''] }))));
    expect(err.problems).toHaveLength(100);
    expect(err.problems.at(-1)?.index).toBe(99);
    expect(err.message).toContain("… and 100 more problems (the error's problems list the first 100)");
  });

  it('refuses what is not a list of rooms (INPUT_INVALID), wrong call options (USAGE) and wrong connect options (CONFIG_INVALID)', async () => {
    const p = await producer();
    expect(await rejection(p.addMany(room('r') as unknown as SeedRequest[]))).toMatchObject({ code: 'INPUT_INVALID' });
    expect(await rejection(p.add(room('r'), { priority: 'urgent' } as never))).toMatchObject({ code: 'USAGE' });
    expect(await rejection(p.add(room('r'), { lane: 'high' } as never))).toMatchObject({ code: 'USAGE' });
    expect(await rejection(p.add(room('r'), { app: 'nosuch' }))).toMatchObject({ code: 'NOT_FOUND' });
    const config = await rejection(connectProducer({ keyprefix: 'x', redisCluster: 'yes', keyPrefix: 'a:b' } as never));
    expect(config.code).toBe('CONFIG_INVALID');
    expect(config.message).toContain('keyprefix: not an option');
    expect(config.message).toContain('redisCluster: expected a boolean, got string');
    expect((await rejection(connectProducer({ keyPrefix: 'a:b' }))).message).toContain('KEY_PREFIX: must not contain ":"');
    expect((await p.status()).waiting).toBe(0);
  });
});

describe('producer: apps and lanes', () => {
  it("with the fleet's APPS_FILE (no secret key needed): each room goes to its app's queue, or the call's app; one naming none or an unknown app is refused", async () => {
    const p = await producer({ appsFile });
    const missing = await rejection(p.add(room('r')));
    expect(missing.problems[0]?.message).toMatch(/^app: missing; several apps are configured \(alpha, beta\)/);
    const unknown = await rejection(p.addMany([{ ...room('r'), app: 'gamma' }]));
    expect(unknown.problems[0]?.message).toBe('app: unknown app "gamma"; the apps configured are alpha, beta');

    const a = await p.add({ ...room('room-a'), app: ALPHA.name });
    await p.addMany([room('room-b1'), room('room-b2'), { ...room('room-a2'), app: ALPHA.name }], { app: BETA.name });
    const f = await fleet({ appsFile });
    expect((await f.app(ALPHA.name).seed.getJob(a.jobIds[0] ?? ''))?.data).toEqual({
      ...room('room-a'),
      command: 'add_robots',
      app: 'alpha',
    });
    const idle = { active: 0, delayed: 0, completed: 0, deadLetter: 0 };
    expect(await p.status()).toEqual({
      waiting: 4,
      ...idle,
      apps: { alpha: { waiting: 2, ...idle }, beta: { waiting: 2, ...idle } },
    });
    expect(await p.status({ app: BETA.name })).toEqual({ waiting: 2, ...idle, apps: { beta: { waiting: 2, ...idle } } });
    expect(await rejection(p.status({ app: 'gamma' }))).toMatchObject({ code: 'NOT_FOUND' });
  });

  it("puts jobs in the normal lane by default, the call's lane if given, a room's own lane over the call's", async () => {
    const p = await producer();
    const { seed } = (await fleet()).app();
    const lane = async (r: Promise<{ jobIds: readonly string[] }>): Promise<number | undefined> =>
      (await seed.getJob((await r).jobIds[0] ?? ''))?.opts.priority;
    expect(await lane(p.add(room('default')))).toBe(QUEUE_PRIORITY.normal);
    expect(await lane(p.add(room('call-high'), { priority: 'high' }))).toBe(QUEUE_PRIORITY.high);
    expect(await lane(p.add({ ...room('own-low'), priority: 'low' }, { priority: 'high' }))).toBe(QUEUE_PRIORITY.low);
  });
});

describe('producer: connection', () => {
  it('Redis unreachable: REDIS_UNAVAILABLE at connect; gone later, each call fails at once saying how far it got, and works again once Redis is back', async () => {
    expect(await rejection(connectProducer({ redisUrl: `redis://127.0.0.1:${await freePort()}` }))).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
    });
    const redis = await startRedisServer({ appendonly: true });
    open.push(redis);
    const p = await connectProducer({ redisUrl: redis.url });
    open.push(p);
    expect(await p.add(room('before'))).toMatchObject({ added: 1 });
    await redis.stop();
    const err = await rejection(p.addMany(rooms('away', 3)));
    expect(err.code).toBe('REDIS_UNAVAILABLE');
    expect(err.message).toMatch(/^enqueueing the rooms given stopped after 0 rooms \(0 jobs in Redis\): /);
    expect(err.hint).toBe('once Redis answers again, add the same rooms again: jobs already in the queue are not added twice');
    expect(await rejection(p.status())).toMatchObject({ code: 'REDIS_UNAVAILABLE' });
    await redis.restart();
    await waitFor('the producer reconnected', async () => (await p.addMany(rooms('away', 3)).catch(() => null)) !== null);
    expect((await p.status()).waiting).toBe(4);
  });

  it("takes its configuration from its options alone: robot-seeder's variables in the environment change nothing", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      REDIS_URL: 'redis://127.0.0.1:1',
      KEY_PREFIX: '{not-this-one}',
      APPS_FILE: join(dir, 'nosuch.json'),
      MAX_ROBOTS_PER_CALL: '1',
      JOB_ATTEMPTS: '1',
    });
    try {
      const p = await producer();
      const { jobIds } = await p.add(room('r', ['a', 'b', 'c']));
      expect(jobIds).toHaveLength(1);
      expect((await (await fleet()).app().seed.getJob(jobIds[0] ?? ''))?.opts.attempts).toBe(8);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) Reflect.deleteProperty(process.env, key);
      Object.assign(process.env, saved);
    }
  });

  it('close: twice is harmless; a call after it is refused with USAGE', async () => {
    const p = await producer();
    await p.close();
    await p.close();
    expect(await rejection(p.add(room('r')))).toMatchObject({ code: 'USAGE', message: 'this producer is closed' });
    expect(await rejection(p.status())).toMatchObject({ code: 'USAGE' });
  });
});
