import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openQueueRuntime, type QueueRuntime } from '../../src/app/queue-runtime.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/app/worker-runtime.js';
import { campaignAccounting, type CampaignAccounting } from '../../src/campaign/runs/campaign-accounting.js';
import { startCampaignWorker, type CampaignWorker } from '../../src/campaign/runs/campaign-worker.js';
import { Campaigns } from '../../src/campaign/campaigns.js';
import { openCampaignParts, type CampaignParts } from '../../src/campaign/campaign-parts.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { SeedRequest } from '../../src/domain/seed-request.js';
import { createLogger } from '../../src/log/logger.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { runCli, startCli, type CliResult } from '../support/cli-process.js';
import { deleteKeys, seederEnv, startTestMock, uniquePrefix, waitFor } from '../support/test-env.js';

const ROBOTS = ['bot_a', 'bot_b'];
const roomsOf = (tag: string, n: number): string[] => Array.from({ length: n }, (_, i) => `room-${tag}-${i + 1}`);

let dir: string;
let mock: MockTencentApi;
let prefix: string;
let env: Record<string, string>;
let q: QueueRuntime;
let campaigns: Campaigns;
/** The parts behind the facade, for looking inside (schedulers, run logs) without changing anything. */
let parts: CampaignParts;
let running: { accounting: CampaignAccounting; seed?: WorkerRuntime; campaign: CampaignWorker } | undefined;

async function roomsFile(name: string, groupIds: readonly string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${groupIds.map((groupId) => JSON.stringify({ groupId, robots: ROBOTS })).join('\n')}\n`);
  return path;
}

/** The in-process equivalent of `robot-seeder worker`: seed worker with campaign accounting, and the campaign worker. */
async function startWorkers(o: { seed: boolean } = { seed: true }): Promise<void> {
  const accounting = campaignAccounting(q);
  const seed = o.seed ? await startWorkerRuntime(q, { events: accounting }) : undefined;
  running = { accounting, ...(seed === undefined ? {} : { seed }), campaign: await startCampaignWorker(q) };
}

async function cli(...args: string[]): Promise<CliResult> {
  return runCli(['campaign', ...args], env);
}

async function cliJson<T>(...args: string[]): Promise<T> {
  const r = await cli(...args, '--json');
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim()) as T;
}

interface RunJson {
  runId: string;
  kind: string;
  firedAt: string;
  jobs: number;
  seeded: number;
  deadLettered: number;
  robots: number;
}
interface CampaignJson {
  name: string;
  state: string;
  runs: number;
  rooms: number;
  nextRunAt: string | null;
  paused: boolean;
}

const seededRooms = (groupIds: readonly string[]): boolean => groupIds.every((g) => mock.robotsIn(g).length === ROBOTS.length);
const emptyRooms = (groupIds: readonly string[]): boolean => groupIds.every((g) => mock.robotsIn(g).length === 0);
const inSeconds = (s: number): string => new Date(Date.now() + s * 1000).toISOString();

async function campaignKeys(): Promise<string[]> {
  return q.redis.keys(`${prefix}:campaigns*`.replace(/[{}]/g, '\\$&'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rs-campaign-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  mock = await startTestMock();
  prefix = uniquePrefix();
  env = seederEnv(prefix, mock.url);
  q = await openQueueRuntime(loadConfig(env, { tencent: true }), createLogger('silent'), 'worker');
  campaigns = new Campaigns(q);
  parts = openCampaignParts(q);
  running = undefined;
});

afterEach(async () => {
  await running?.campaign.close();
  await running?.seed?.close();
  await running?.accounting.flush();
  await campaigns.close();
  await parts.queue.close();
  await q.close();
  await mock.close();
  await deleteKeys(prefix);
});

describe('campaigns (CLI + in-process workers, real Redis, mock API)', () => {
  it('an --every 1s campaign re-adds its robots on each run, reports its runs, pauses, resumes and is removed cleanly', async () => {
    const rooms = roomsOf('pulse', 3);
    const file = await roomsFile('pulse.jsonl', rooms);
    const added = await cliJson<{ outcome: string; campaign: CampaignJson }>('add', 'pulse', '--file', file, '--every', '1s');
    expect(added).toMatchObject({ outcome: 'added', campaign: { name: 'pulse', state: 'active', rooms: 3, runs: 0 } });
    await startWorkers();

    await waitFor('the first run seeded every room', () => seededRooms(rooms));
    // The robots "lapse": only a later run can put them back.
    mock.reset();
    await waitFor('a later run seeded every room again', () => seededRooms(rooms));
    await waitFor('two runs fully counted', async () => (await campaigns.report('pulse')).filter((r) => r.seeded === 3).length >= 2);

    const report = await cliJson<{ name: string; runs: RunJson[] }>('report', 'pulse');
    expect(report.name).toBe('pulse');
    expect(report.runs.length).toBeGreaterThanOrEqual(2);
    const counted = report.runs.filter((r) => r.seeded === 3);
    expect(counted.length).toBeGreaterThanOrEqual(2);
    for (const r of counted) expect(r).toMatchObject({ kind: 'add', jobs: 3, seeded: 3, deadLettered: 0, robots: 6 });
    const fired = report.runs.map((r) => Date.parse(r.firedAt));
    expect(fired).toEqual([...fired].sort((a, b) => b - a));
    const text = await cli('report', 'pulse');
    expect(text.stdout).toMatch(/FIRED\s+KIND\s+JOBS\s+SEEDED\s+DEAD-LETTERED\s+ROBOTS/);

    const [listed] = await cliJson<CampaignJson[]>('list');
    expect(listed).toMatchObject({ name: 'pulse', state: 'active', paused: false, rooms: 3 });
    expect(listed?.runs).toBeGreaterThanOrEqual(2);
    expect(listed?.nextRunAt).not.toBeNull();

    expect((await cli('pause', 'pulse')).code).toBe(0);
    // No run can come any more, which the queue shows without waiting for a run not to happen: the
    // campaign's job scheduler is gone (with the next run it had set), and a run job already due as
    // the pause came is worked off (it finds the campaign paused); after that, nothing fires one.
    expect(await parts.queue.getJobSchedulers()).toEqual([]);
    await waitFor('no run job left in the campaign queue', async () =>
      Object.values(await parts.queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active')).every((n) => n === 0),
    );
    const runsWhenPaused = (await parts.store.get('pulse'))?.runs;
    expect((await cliJson<CampaignJson[]>('list'))[0]).toMatchObject({
      state: 'paused',
      paused: true,
      nextRunAt: null,
      runs: runsWhenPaused,
    });

    expect((await cli('resume', 'pulse')).code).toBe(0);
    await waitFor('a run after resume', async () => ((await parts.store.get('pulse'))?.runs ?? 0) > (runsWhenPaused ?? 0));

    const removed = await cli('remove', 'pulse');
    expect(removed.code, removed.stderr).toBe(0);
    await waitFor('the campaign keys gone', async () => (await campaignKeys()).length === 0, 5000);
    expect(await parts.queue.getJobSchedulers()).toEqual([]);
    expect(await cliJson<CampaignJson[]>('list')).toEqual([]);
    const gone = await cli('report', 'pulse');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain('no campaign named "pulse"');
  });

  it('at --remove-at it removes its robots with del_robots and ends', async () => {
    const rooms = roomsOf('finale', 3);
    const file = await roomsFile('finale.jsonl', rooms);
    await startWorkers();
    // Time for `add` (a process) and the first run to seed the rooms before the end comes.
    const removeAt = inSeconds(4);
    const r = await cli('add', 'finale', '--file', file, '--every', '1h', '--remove-at', removeAt);
    expect(r.code, r.stderr).toBe(0);
    await waitFor('the first run seeded every room', () => seededRooms(rooms));
    await waitFor('the end removed the robots', () => emptyRooms(rooms), 20_000);
    await waitFor('the removal counted', async () => (await parts.runs.list('finale')).some((x) => x.kind === 'remove' && x.seeded === 3));

    const report = await cliJson<{ runs: RunJson[] }>('report', 'finale');
    expect(report.runs.map((x) => x.kind)).toEqual(['remove', 'add']);
    expect(report.runs[0]).toMatchObject({ kind: 'remove', jobs: 3, seeded: 3, robots: 6 });
    expect((await cliJson<CampaignJson[]>('list'))[0]).toMatchObject({ name: 'finale', state: 'ended', nextRunAt: null });
    expect(await parts.queue.getJobSchedulers()).toEqual([]);
    // Declared again as it was (a later `sync`), it stays ended rather than seeding again.
    expect(
      (await cliJson<{ outcome: string }>('add', 'finale', '--file', file, '--every', '1h', '--remove-at', removeAt, '--replace')).outcome,
    ).toBe('unchanged');
    const resume = await cli('resume', 'finale');
    expect(resume.code).toBe(2);
    expect(resume.stderr).toContain('ended');
    expect(resume.stderr).toContain('--replace');
  });

  it('`robot-seeder worker` fires campaign runs and counts them, and stops cleanly on SIGTERM', async () => {
    const rooms = roomsOf('proc', 2);
    expect((await cli('add', 'proc', '--file', await roomsFile('proc.jsonl', rooms), '--every', '1s')).code).toBe(0);
    const worker = startCli(['worker'], env);
    try {
      await waitFor('the worker process seeded every room', () => seededRooms(rooms), 20_000);
      mock.reset();
      await waitFor('a later run seeded them again', () => seededRooms(rooms), 10_000);
      await waitFor('two runs counted', async () => (await parts.runs.list('proc')).filter((r) => r.seeded === 2).length >= 2, 10_000);
    } finally {
      worker.child.kill('SIGTERM');
    }
    const exit = await worker.exited;
    expect(exit.code, exit.stderr.slice(-2000)).toBe(0);
  });

  it('an --at campaign fires once, then is done', async () => {
    const rooms = roomsOf('once', 2);
    await startWorkers();
    const r = await cli('add', 'once', '--file', await roomsFile('once.jsonl', rooms), '--at', inSeconds(3));
    expect(r.code, r.stderr).toBe(0);
    expect(emptyRooms(rooms)).toBe(true);
    await waitFor('the one run seeded every room', () => seededRooms(rooms), 15_000);
    // Once done, no run is due (nextRunAt: null): waiting for that state, not for 2 s, is the barrier.
    await waitFor('the campaign done', async () => (await cliJson<CampaignJson[]>('list'))[0]?.state === 'done', 15_000, 200);
    const [c] = await cliJson<CampaignJson[]>('list');
    expect(c).toMatchObject({ state: 'done', runs: 1, nextRunAt: null });
  });

  it("a run that fires while the previous run's jobs are pending adds no job twice", async () => {
    const rooms = roomsOf('dedupe', 3);
    expect((await cli('add', 'dedupe', '--file', await roomsFile('dedupe.jsonl', rooms), '--every', '1s')).code).toBe(0);
    await startWorkers({ seed: false });
    await waitFor('two runs enqueued', async () => (await parts.runs.list('dedupe')).filter((x) => x.enqueuedAtMs !== null).length >= 2);
    expect((await q.status()).waiting).toBe(3);
    await campaigns.pause('dedupe');

    // Each job still names the first run, so the outcome counts there.
    if (running === undefined) throw new Error('workers not started');
    running.seed = await startWorkerRuntime(q, { events: running.accounting });
    await waitFor('every room seeded', () => seededRooms(rooms));
    await waitFor('counted', async () => (await parts.runs.list('dedupe')).some((x) => x.seeded === 3));
    const runs = await parts.runs.list('dedupe');
    expect(runs.at(-1)).toMatchObject({ jobs: 3, seeded: 3 });
    expect(runs.slice(0, -1).every((x) => x.seeded === 0)).toBe(true);
  });

  it('keeps a campaign of 100k rooms compactly in Redis and streams them back', async () => {
    const n = 100_000;
    function* many(): Generator<SeedRequest> {
      for (let i = 0; i < n; i++) yield { groupId: `@TGS#big-${i}`, robots: ['bot_a'] };
    }
    const { outcome, campaign } = await campaigns.save(
      { name: 'big', schedule: { kind: 'every', everyMs: 86_400_000 }, removeAtMs: null, source: 'generated' },
      { requests: many(), finish: () => undefined },
      { replace: false },
    );
    expect(outcome).toBe('added');
    expect(campaign).toMatchObject({ rooms: n, robots: n });
    expect(await q.redis.llen(campaign.roomsKey)).toBe(200);
    let read = 0;
    let last = '';
    for await (const r of parts.store.rooms(campaign)) {
      read += 1;
      last = r.groupId;
    }
    expect([read, last]).toEqual([n, `@TGS#big-${n - 1}`]);
    await campaigns.remove('big');
  }, 60_000);
});

describe('campaign CLI errors', () => {
  let file: string;
  beforeEach(async () => {
    file = await roomsFile('errors.jsonl', roomsOf('err', 2));
  });

  it.each([
    ['no schedule', ['add', 'x', '--file', '<file>'], /missing the schedule: give one of --cron/],
    [
      'two schedules',
      ['add', 'x', '--file', '<file>', '--every', '1h', '--cron', '0 * * * *'],
      /give only one schedule, got --cron and --every/,
    ],
    ['a bad cron expression', ['add', 'x', '--file', '<file>', '--cron', '61 * * * *'], /--cron: not a valid cron expression/],
    ['a cron of the wrong shape', ['add', 'x', '--file', '<file>', '--cron', 'every day'], /--cron: expected 5 or 6 fields/],
    [
      'an unknown time zone',
      ['add', 'x', '--file', '<file>', '--cron', '0 20 * * *', '--tz', 'Mars/Olympus'],
      /--tz: unknown time zone "Mars\/Olympus"/,
    ],
    ['a bad duration', ['add', 'x', '--file', '<file>', '--every', '5x'], /--every: expected a duration/],
    [
      'an --at in the past',
      ['add', 'x', '--file', '<file>', '--at', '2020-01-01T00:00:00Z'],
      /--at 2020-01-01T00:00:00.000Z is in the past/,
    ],
    ['a bad name', ['add', 'bad name', '--file', '<file>', '--every', '1h'], /campaign name "bad name" is not valid/],
    ['no --file', ['add', 'x', '--every', '1h'], /missing --file FILE/],
    ['no action', [], /missing the campaign action/],
    ['an unknown action', ['start', 'x'], /unknown campaign action "start"/],
    ['an add flag on list', ['list', '--every', '1h'], /--every applies to campaign add only/],
  ])('refuses %s: exit 2 and a clear message, no stack', async (_what, args, message) => {
    const r = await cli(...args.map((a) => (a === '<file>' ? file : a)));
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('hint: ');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses a name that exists unless --replace; --replace with the same content changes nothing', async () => {
    expect((await cli('add', 'dup', '--file', file, '--every', '1h')).code).toBe(0);
    const again = await cli('add', 'dup', '--file', file, '--every', '2h');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('campaign "dup" already exists');
    expect(again.stderr).toContain('--replace');
    expect((await cliJson<{ outcome: string }>('add', 'dup', '--file', file, '--every', '1h', '--replace')).outcome).toBe('unchanged');
    expect((await cliJson<{ outcome: string }>('add', 'dup', '--file', file, '--every', '2h', '--replace')).outcome).toBe('updated');
  });

  it('refuses a job file with an invalid line whole (exit 3) and stores nothing', async () => {
    const bad = join(dir, 'bad.jsonl');
    await writeFile(bad, `${JSON.stringify({ groupId: 'ok', robots: ['a'] })}\nnot json\n`);
    const r = await cli('add', 'bad', '--file', bad, '--every', '1h');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('1 of 2 lines are invalid; the campaign was not saved');
    expect(r.stderr).toContain(`${bad}:2: `);
    expect(await campaignKeys()).toEqual([]);
    expect(await parts.queue.getJobSchedulers()).toEqual([]);
  });

  it('pause, resume, remove and report of an unknown campaign: exit 2 (NOT_FOUND), and how to see the names', async () => {
    for (const action of ['pause', 'resume', 'remove', 'report']) {
      const r = await cli(action, 'ghost');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('hint: campaign list');
      expect(r.stderr).toContain('no campaign named "ghost"');
    }
  });
});

describe('campaign sync', () => {
  it('adds declared campaigns, then reports them unchanged, then updated when a job file changes', async () => {
    const decl = join(dir, 'decl');
    await mkdir(decl, { recursive: true });
    const eveningFile = await roomsFile('evening.jsonl', roomsOf('evening', 2));
    const nightFile = await roomsFile('night.jsonl', roomsOf('night', 3));
    await writeFile(
      join(decl, 'campaigns.json'),
      JSON.stringify({
        campaigns: [
          { name: 'evening', file: eveningFile, every: '6h' },
          { name: 'night', file: nightFile, cron: '0 22 * * *', tz: 'Asia/Shanghai', removeAt: '2099-01-01T00:00:00Z' },
        ],
      }),
    );
    await writeFile(
      join(decl, 'skipped.example.json'),
      JSON.stringify({ campaigns: [{ name: 'example', file: eveningFile, every: '1h' }] }),
    );

    expect(await cliJson<Record<string, string[]>>('sync', decl)).toEqual({ added: ['evening', 'night'], updated: [], unchanged: [] });
    expect(await cliJson<Record<string, string[]>>('sync', decl)).toEqual({ added: [], updated: [], unchanged: ['evening', 'night'] });
    await roomsFile('night.jsonl', roomsOf('night', 4));
    expect(await cliJson<Record<string, string[]>>('sync', decl)).toEqual({ added: [], updated: ['night'], unchanged: ['evening'] });

    const list = await cliJson<Array<CampaignJson & { scheduleText: string; removeAt: string | null }>>('list');
    expect(list.map((c) => [c.name, c.scheduleText, c.rooms, c.removeAt])).toEqual([
      ['evening', 'every 6h', 2, null],
      ['night', 'cron "0 22 * * *" Asia/Shanghai', 4, '2099-01-01T00:00:00.000Z'],
    ]);
    // The replaced rooms list of `night` expires (a run still reading it finishes first); the current ones are kept.
    const roomLists = (await campaignKeys()).filter((k) => k.includes(':rooms:'));
    const ttls = await Promise.all(roomLists.map((k) => q.redis.ttl(k)));
    expect(ttls.filter((t) => t === -1)).toHaveLength(2);
    expect(ttls.filter((t) => t > 0)).toHaveLength(1);
    const schedulers = await parts.queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key).sort()).toEqual(['end.night', 'run.evening', 'run.night']);
  });

  it('refuses invalid declarations whole: exit 3, every problem listed, nothing synced', async () => {
    const decl = join(dir, 'bad-decl.json');
    await writeFile(
      decl,
      JSON.stringify({
        campaigns: [
          { name: 'a', file: 'x.jsonl', every: 'soon' },
          { name: 'b', file: 'x.jsonl', cron: '0 20 * * *', tz: 'Nowhere' },
        ],
      }),
    );
    const r = await cli('sync', decl);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('campaigns[0].every: expected a duration');
    expect(r.stderr).toContain('campaigns[1].tz: unknown time zone "Nowhere"');
    expect(await campaignKeys()).toEqual([]);
  });
});
