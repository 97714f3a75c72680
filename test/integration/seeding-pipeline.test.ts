import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/logger.js';
import { openQueueRuntime, type QueueRuntime } from '../../src/app/queue-runtime.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/app/worker-runtime.js';
import { enqueueRequests } from '../../src/queue/enqueue-requests.js';
import { seedJobOptions } from '../../src/queue/job-options.js';
import { isDrained } from '../../src/queue/queue-status.js';
import { CampaignKeys } from '../../src/campaign/store/campaign-keys.js';
import { endedCampaignGuard } from '../../src/campaign/runs/ended-campaign-guard.js';
import type { SeedRequest } from '../../src/domain/seed-request.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { deleteKeys, seederEnv, startTestMock, uniquePrefix, waitFor } from '../support/test-env.js';

let mock: MockTencentApi;
let prefix: string;
let q: QueueRuntime;
let w: WorkerRuntime | undefined;

async function open(extraEnv: Record<string, string> = {}, mockRate?: number): Promise<void> {
  mock = await startTestMock(mockRate === undefined ? {} : { ratePerSecond: mockRate });
  prefix = uniquePrefix();
  const config = loadConfig(seederEnv(prefix, mock.url, extraEnv), { tencent: true });
  q = await openQueueRuntime(config, createLogger('silent'), 'worker');
}

async function enqueue(requests: SeedRequest[]): Promise<number> {
  const r = await enqueueRequests(q.jobs, requests, {
    command: 'add_robots',
    maxRobotsPerCall: q.config.maxRobotsPerCall,
    jobOptions: seedJobOptions(q.config),
  });
  return r.jobs;
}

async function workUntilDone(jobs: number): Promise<void> {
  w ??= await startWorkerRuntime(q);
  await waitFor('every job completed or dead-lettered', async () => {
    const s = await q.status();
    return isDrained(s) && s.completed + s.deadLetter === jobs;
  });
}

const room = (name: string, robots = ['bot-a', 'bot-b']): SeedRequest => ({ groupId: name, robots });
const rooms = (n: number, suffix: string): SeedRequest[] => Array.from({ length: n }, (_, i) => room(`room-${suffix}-${i}${suffix}`));

beforeEach(() => {
  w = undefined;
});

afterEach(async () => {
  await w?.close();
  await q.close();
  await mock.close();
  await deleteKeys(prefix);
});

describe('seeding through the queue (in-process worker)', () => {
  it('seeds good rooms, retries transient failures to success, dead-letters permanent ones with their reason', async () => {
    await open();
    const good = rooms(30, '');
    const transient = [...rooms(4, '~10002x2'), ...rooms(3, '~502x1'), ...rooms(2, '~resetx1')];
    const permanent = [...rooms(3, '~10010'), ...rooms(2, '~10004'), ...rooms(2, '~10007'), ...rooms(1, '~10015')];
    const jobs = await enqueue([...good, ...transient, ...permanent]);
    expect(jobs).toBe(good.length + transient.length + permanent.length);

    await workUntilDone(jobs);

    const status = await q.status();
    expect(status).toMatchObject({
      completed: good.length + transient.length,
      deadLetter: permanent.length,
      waiting: 0,
      active: 0,
      delayed: 0,
    });
    for (const r of [...good, ...transient]) expect(mock.robotsIn(r.groupId)).toEqual(['bot-a', 'bot-b']);
    for (const r of permanent) expect(mock.robotsIn(r.groupId)).toEqual([]);

    const entries = await q.deadLetters.list();
    const byCode = new Map<number | null, number>();
    for (const e of entries) byCode.set(e.errorCode, (byCode.get(e.errorCode) ?? 0) + 1);
    expect(Object.fromEntries(byCode)).toEqual({ 10010: 3, 10004: 2, 10007: 2, 10015: 1 });
    for (const e of entries) {
      expect(e).toMatchObject({ robots: ['bot-a', 'bot-b'], attempts: 1 });
      expect(e.errorInfo.length).toBeGreaterThan(0);
      expect(e.groupId).toContain(`~${e.errorCode}`);
    }
    // One call per permanently failing room: never called again after the final answer.
    const codes = mock.stats().byCode;
    expect(codes['10010']).toBe(3);
    expect(codes['10004']).toBe(2);
    expect(codes['10002']).toBe(8);
  });

  it('re-signs the UserSig once when Tencent rejects it; a second rejection pauses the fleet instead of dead-lettering', async () => {
    await open({ JOB_ATTEMPTS: '1' });
    await workUntilDone(await enqueue([room('room-expired~70001x1'), room('room-busy~60007x2')]));
    expect(mock.robotsIn('room-expired~70001x1')).toEqual(['bot-a', 'bot-b']);
    expect(mock.robotsIn('room-busy~60007x2')).toEqual(['bot-a', 'bot-b']); // rate-limit answers used no attempt

    // Refused even with a fresh UserSig: the key or the account is wrong, not this room.
    await enqueue([room('room-rejected~70001')]);
    const runtime = w;
    if (runtime === undefined) throw new Error('no worker runtime');
    await waitFor('the fleet to pause', () => runtime.accountPause.holds());
    const pause = await runtime.accountPause.read();
    expect(pause?.errorCode).toBe(70001);
    expect(pause?.errorInfo).toContain('again after a fresh UserSig');
    expect(await q.status()).toMatchObject({ completed: 2, deadLetter: 0, waiting: 0 });
    expect(mock.stats().byCode['70001']).toBe(3); // the expired room once, the rejected room twice
  });

  it('splits a call refused with 10005 into halves instead of dead-lettering it', async () => {
    await open();
    const robots = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7'];
    const jobs = await enqueue([room('room-split~max2', robots)]);
    await workUntilDone(jobs);
    expect(await q.status()).toMatchObject({ completed: 1, deadLetter: 0 });
    expect([...mock.robotsIn('room-split~max2')].sort()).toEqual(robots);
  });

  it('dead-letters a job whose single account is still refused with 10005, saying why (issue 8)', async () => {
    await open();
    // Every call is answered 10005: 3 accounts, then 2, then 1, then the job fails.
    const jobs = await enqueue([room('room-full~10005', ['b1', 'b2', 'b3'])]);
    await workUntilDone(jobs);
    expect(await q.status()).toMatchObject({ completed: 0, deadLetter: 1 });
    expect(mock.stats().byCode['10005']).toBe(3);
    const [entry] = await q.deadLetters.list();
    // Splitting used no attempt: the first attempt ended in the dead letters.
    expect(entry).toMatchObject({ groupId: 'room-full~10005', errorCode: 10005, attempts: 1 });
    expect(entry?.errorInfo).toContain('refused as too many accounts for a call of this one account alone: splitting cannot go further');
  });

  it('adds nothing twice when the same input is enqueued again while pending', async () => {
    await open();
    const input = [...rooms(5, ''), room('room-x', ['b2', 'b1'])];
    const first = await enqueue(input);
    await enqueue([...input, room('room-x', ['b1', 'b2'])]);
    expect((await q.status()).waiting).toBe(first);
    await workUntilDone(first);
    expect(mock.stats().calls).toBe(first);
  });

  it('rate-limit answers delay jobs without using their attempts', async () => {
    // The mock allows 20 calls a second while the limiter allows 200: most first tries get 60007.
    await open({ JOB_ATTEMPTS: '1', SLOW_DOWN_DELAY_MS: '200' }, 20);
    const jobs = await enqueue(rooms(60, ''));
    await workUntilDone(jobs);
    expect(await q.status()).toMatchObject({ completed: 60, deadLetter: 0 });
    expect(mock.stats().refusedForRate).toBeGreaterThan(0);
    // ...and the whole fleet slowed down to what the API took.
    expect(w?.limiter.stats().ratePerSecond).toBeLessThan(200);
  });

  it('dead-letters, with the code, a job Tencent refuses for rate past SLOW_DOWN_GIVE_UP_MS', async () => {
    await open({ SLOW_DOWN_DELAY_MS: '100', SLOW_DOWN_GIVE_UP_MS: '1000' });
    const jobs = await enqueue([room('room-starved~60007'), room('room-fine')]);
    await workUntilDone(jobs);
    expect(await q.status()).toMatchObject({ completed: 1, deadLetter: 1 });
    const [entry] = await q.deadLetters.list();
    expect(entry).toMatchObject({ groupId: 'room-starved~60007', errorCode: 60007 });
    expect(entry?.errorInfo).toMatch(/refused for rate for \d+ s/);
  });

  it('lets an operator list, replay and purge dead letters by error code', async () => {
    await open();
    await mock.close();
    mock = await startTestMock();
    const config = loadConfig(seederEnv(prefix, mock.url), { tencent: true });
    await q.close();
    q = await openQueueRuntime(config, createLogger('silent'), 'worker');
    const jobs = await enqueue([...rooms(2, '~10010'), ...rooms(3, '~10007')]);
    await workUntilDone(jobs);
    expect((await q.deadLetters.list({ errorCode: 10007 })).length).toBe(3);

    // The rooms now exist: replaying the 10010s seeds them; the 10007s are purged.
    for (const r of rooms(2, '~10010')) mock.script(r.groupId, []);
    expect(await q.deadLetters.replay({ errorCode: 10010 })).toBe(2);
    await waitFor('replayed jobs done', async () => (await q.status()).completed === 2);
    for (const r of rooms(2, '~10010')) expect(mock.robotsIn(r.groupId)).toEqual(['bot-a', 'bot-b']);
    expect(await q.deadLetters.purge({ errorCode: 10007 })).toBe(3);
    expect(await q.status()).toMatchObject({ completed: 2, deadLetter: 0 });
    expect(await q.seed.getFailedCount()).toBe(0);
  });

  it('skips, without a call, the adds of a campaign that has ended (its robots were removed)', async () => {
    await open();
    await enqueueRequests(q.jobs, rooms(3, ''), {
      command: 'add_robots',
      maxRobotsPerCall: 500,
      jobOptions: seedJobOptions(q.config),
      campaignRun: { campaign: 'finale', runId: 'add-1' },
    });
    await q.redis.hset(new CampaignKeys(q.config.keyPrefix).campaign('finale'), 'endedAt', Date.now());
    w = await startWorkerRuntime(q, { skip: endedCampaignGuard(q) });
    await workUntilDone(3);
    expect(mock.stats().calls).toBe(0);
    expect(await q.status()).toMatchObject({ completed: 3, deadLetter: 0 });
  });

  it('reconcile writes the entry of a failed job that has none (a worker died between the two)', async () => {
    await open();
    const jobs = await enqueue(rooms(2, '~10004'));
    await workUntilDone(jobs);
    const [entry] = await q.deadLetters.list();
    if (entry === undefined) throw new Error('expected an entry');
    await (await q.deadLetters.queue.getJob(entry.jobId))?.remove();
    expect(await q.deadLetters.count()).toBe(1);
    expect(await q.deadLetters.reconcile()).toEqual({ added: 1, removed: 0 });
    const again = await q.deadLetters.list();
    expect(again.map((e) => e.errorCode)).toEqual([10004, 10004]);
  });
});
