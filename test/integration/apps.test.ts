import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openFleetQueues, type FleetQueues } from '../../src/app/queue-runtime.js';
import { routeJobsByApp } from '../../src/app/app-router.js';
import { openWorkerProcess, type WorkerProcess } from '../../src/app/worker-process.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { SeedRequest } from '../../src/domain/seed-request.js';
import { createLogger } from '../../src/log/logger.js';
import { startMockTencentApi, type MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { enqueueRequests } from '../../src/queue/enqueue-requests.js';
import { seedJobOptions } from '../../src/queue/job-options.js';
import { isDrained } from '../../src/queue/queue-status.js';
import { runCli } from '../support/cli-process.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix, waitFor } from '../support/test-env.js';
import { mostInWindow, wholeSeconds } from '../support/call-rate.js';

const ALPHA = { name: 'alpha', sdkAppId: 1400000001, secretKey: 'alpha-key-5bd2850fff3ecb11d7c8' };
const BETA = { name: 'beta', sdkAppId: 1400000002, secretKey: 'beta-key-05251c51ee46e2a41b7f' };
/** Each app's cap: low enough for a short test, the same logic as 200/s. */
const RATE = 100;

let mock: MockTencentApi | undefined;
let fleet: FleetQueues | undefined;
let workers: WorkerProcess | undefined;
let prefix = '';
let dir = '';

afterEach(async () => {
  await workers?.close();
  await fleet?.close();
  await mock?.close();
  await deleteKeys(prefix);
  rmSync(dir, { recursive: true, force: true });
  workers = fleet = mock = undefined;
});

/** A mock serving both apps, and the environment of a fleet serving them (APPS_FILE with each app's base URL). */
async function twoApps(o: { betaBaseUrl?: string; mockRate?: number } = {}): Promise<Record<string, string>> {
  mock = await startMockTencentApi({
    apps: [ALPHA, BETA].map((a) => ({ sdkAppId: a.sdkAppId, secretKey: a.secretKey, ratePerSecond: o.mockRate ?? RATE })),
    latencyMs: { min: 1, max: 5 },
  });
  prefix = uniquePrefix();
  dir = mkdtempSync(join(tmpdir(), 'rs-apps-'));
  const appsFile = join(dir, 'apps.json');
  writeFileSync(
    appsFile,
    JSON.stringify({
      apps: [
        { name: ALPHA.name, sdkAppId: ALPHA.sdkAppId, secretKeyEnv: 'KEY_ALPHA', baseUrl: mock.url, ratePerSecond: RATE },
        { name: BETA.name, sdkAppId: BETA.sdkAppId, secretKeyEnv: 'KEY_BETA', baseUrl: o.betaBaseUrl ?? mock.url, ratePerSecond: RATE },
      ],
    }),
  );
  return {
    REDIS_URL: TEST_REDIS_URL,
    KEY_PREFIX: prefix,
    APPS_FILE: appsFile,
    KEY_ALPHA: ALPHA.secretKey,
    KEY_BETA: BETA.secretKey,
    BACKOFF_DELAY_MS: '50',
    SLOW_DOWN_DELAY_MS: '100',
    LOG_LEVEL: 'warn',
  };
}

const rooms = (app: string, n: number): SeedRequest[] =>
  Array.from({ length: n }, (_, i) => ({ groupId: `room-${i}`, robots: ['bot-a'], app }));

async function enqueue(requests: readonly SeedRequest[]): Promise<void> {
  if (fleet === undefined) throw new Error('no fleet');
  await enqueueRequests(routeJobsByApp(fleet.apps, null), requests, {
    command: 'add_robots',
    maxRobotsPerCall: 500,
    jobOptions: seedJobOptions(fleet.config),
  });
}

describe('two apps, one fleet', () => {
  it('both run near their own cap at once through the same worker process, each call signed with its own key, every room seeded in its own app', async () => {
    const env = await twoApps();
    const config = loadConfig(env, { tencent: true });
    fleet = await openFleetQueues(config, createLogger('silent'), 'worker');
    // The same group ids in both apps: at Tencent they are different rooms.
    await enqueue([...rooms('alpha', 400), ...rooms('beta', 400)]);
    const status = await fleet.status();
    expect(status.apps['alpha']?.waiting).toBe(400);
    expect(status.apps['beta']?.waiting).toBe(400);
    expect(status.waiting).toBe(800);

    const from = Date.now();
    // When each call left (the limiter's promise is about sends: arrivals add the network's jitter).
    const sentAt = new Map<string, number[]>([
      ['alpha', []],
      ['beta', []],
    ]);
    workers = await openWorkerProcess(config, createLogger('silent'), {
      observers: (app) => [(_outcome, at) => sentAt.get(app.name)?.push(at)],
    });
    await waitFor('both apps drained', async () => isDrained(await (fleet as FleetQueues).status()), 60_000);
    const to = Date.now();

    const stats = (mock as MockTencentApi).stats();
    for (const app of [ALPHA, BETA]) {
      const s = stats.apps[String(app.sdkAppId)];
      // Each call passed the mock's check of its UserSig against this app's own key: none refused.
      expect(s?.byOutcome.ok).toBe(400);
      expect(s?.refusedForRate).toBe(0);
      expect(mostInWindow(sentAt.get(app.name) ?? [], 1000)).toBeLessThanOrEqual(RATE);
      expect((mock as MockTencentApi).robotsIn('room-399', app.sdkAppId)).toEqual(['bot-a']);
      // Near the cap, both at once: the whole seconds while both had work saw most of each app's rate.
      const seconds = wholeSeconds(s?.perSecond ?? [], from, to).slice(0, 2);
      expect(seconds.length).toBeGreaterThan(0);
      for (const second of seconds) expect(second.calls).toBeGreaterThanOrEqual(RATE * 0.8);
    }
    expect((await fleet.status()).apps['alpha']?.completed).toBe(400);
  });

  it("one app's outage holds only its own calls: the other app's rooms are all seeded meanwhile, and nothing of the first is lost", async () => {
    // beta's base URL is a port nothing listens on: every call of beta fails at the network.
    const env = await twoApps({ betaBaseUrl: 'http://127.0.0.1:1' });
    const config = loadConfig(env, { tencent: true });
    fleet = await openFleetQueues(config, createLogger('silent'), 'worker');
    await enqueue([...rooms('beta', 50), ...rooms('alpha', 300)]);
    workers = await openWorkerProcess(config, createLogger('silent'));
    await waitFor(
      'alpha drained',
      async () =>
        isDrained(
          (await (fleet as FleetQueues).status()).apps['alpha'] ?? { waiting: 1, active: 0, delayed: 0, completed: 0, deadLetter: 0 },
        ),
      30_000,
    );
    const s = await fleet.status();
    expect(s.apps['alpha']).toMatchObject({ completed: 300, deadLetter: 0 });
    // beta's jobs are still there, waiting or being retried; none seeded, none lost.
    const beta = s.apps['beta'];
    expect((beta?.waiting ?? 0) + (beta?.active ?? 0) + (beta?.delayed ?? 0) + (beta?.deadLetter ?? 0)).toBe(50);
    expect((mock as MockTencentApi).stats().apps[String(BETA.sdkAppId)]?.calls).toBe(0);
  });
});

describe('work names its app', () => {
  it('enqueue routes each JSON line to the queue of the app it names, and --app gives the app of lines that name none', async () => {
    const env = await twoApps();
    const file = join(dir, 'rooms.jsonl');
    writeFileSync(
      file,
      [
        '{"groupId":"r1","robots":["b"],"app":"alpha"}',
        '{"groupId":"r2","robots":["b"],"app":"beta"}',
        '{"groupId":"r3","robots":["b"]}',
      ].join('\n'),
    );
    const r = await runCli(['enqueue', file, '--app', 'beta', '--json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ lines: 3, jobs: 3, added: 3 });
    fleet = await openFleetQueues(loadConfig(env, { tencent: false }), createLogger('silent'), 'producer');
    const s = await fleet.status();
    expect([s.apps['alpha']?.waiting, s.apps['beta']?.waiting]).toEqual([1, 2]);
  });

  it('refuses an unknown app, or a line without one when several apps are configured, with the list of apps', async () => {
    const env = await twoApps();
    const file = join(dir, 'rooms.jsonl');
    writeFileSync(file, ['{"groupId":"r1","robots":["b"],"app":"gamma"}', '{"groupId":"r2","robots":["b"]}'].join('\n'));
    const unknownFlag = await runCli(['enqueue', file, '--app', 'gamma'], env);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain('unknown app "gamma"; the apps configured are: alpha, beta');
    const lines = await runCli(['enqueue', file], env);
    expect(lines.code).toBe(3);
    expect(lines.stderr).toContain('app: unknown app "gamma"; the apps configured are alpha, beta');
    expect(lines.stderr).toContain('app: missing; several apps are configured (alpha, beta)');
    fleet = await openFleetQueues(loadConfig(env, { tencent: false }), createLogger('silent'), 'producer');
    expect((await fleet.status()).waiting).toBe(0);
  });

  it('a campaign belongs to its app: added with --app, listed under it, its runs seeded through that app alone', async () => {
    const env = await twoApps();
    const file = join(dir, 'campaign.jsonl');
    writeFileSync(file, ['{"groupId":"c1","robots":["b"]}', '{"groupId":"c2","robots":["b"]}'].join('\n'));
    const added = await runCli(['campaign', 'add', 'nightly', '--file', file, '--every', '6h', '--app', 'beta'], env);
    expect(added.code, added.stderr).toBe(0);
    expect((await runCli(['campaign', 'list', '--app', 'beta', '--json'], env)).stdout).toContain('nightly');
    expect((await runCli(['campaign', 'list', '--app', 'alpha', '--json'], env)).stdout).not.toContain('nightly');
    const unnamed = await runCli(['campaign', 'list'], env);
    expect([unnamed.code, unnamed.stderr.includes('several apps are configured (alpha, beta)')]).toEqual([2, true]);
    // An --every campaign runs as soon as a worker sees it: in beta, never in alpha.
    workers = await openWorkerProcess(loadConfig(env, { tencent: true }), createLogger('silent'));
    await waitFor('the campaign run seeded in beta', () => (mock as MockTencentApi).robotsIn('c2', BETA.sdkAppId).length > 0, 30_000);
    expect((mock as MockTencentApi).robotsIn('c1', BETA.sdkAppId)).toEqual(['b']);
    expect((mock as MockTencentApi).stats().apps[String(ALPHA.sdkAppId)]?.calls).toBe(0);
  });
});
