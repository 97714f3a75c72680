import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callbackSign } from '../../src/callbacks/callback-signature.js';
import { validateSeedRules } from '../../src/callbacks/seed-rules.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { startTestServer, type TestServer } from '../support/http-server.js';
import { startTestMock, TEST_SDKAPPID, waitFor } from '../support/test-env.js';

let mock: MockTencentApi;
let server: TestServer | undefined;

beforeEach(async () => {
  mock = await startTestMock();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await mock.close();
});

async function open(env: Record<string, string>, o: Omit<Parameters<typeof startTestServer>[0] & object, 'env'> = {}): Promise<TestServer> {
  server = await startTestServer({ mockUrl: mock.url, withWorkers: true, listen: true, env, ...o });
  return server;
}

interface Callback {
  readonly command?: string;
  readonly sdkAppId?: number;
  readonly body: Record<string, unknown>;
  readonly auth?: { readonly token: string; readonly requestTime?: number } | { readonly sign: string; readonly requestTime: number };
}

/** Sends a callback the way Tencent does: the parameters in the URL, the event as a JSON body. */
async function callback(s: TestServer, c: Callback): Promise<{ status: number; body: unknown }> {
  const command = c.command ?? 'Group.CallbackAfterCreateGroup';
  const params = new URLSearchParams({
    SdkAppid: String(c.sdkAppId ?? TEST_SDKAPPID),
    CallbackCommand: command,
    contenttype: 'json',
    ClientIP: '203.0.113.7',
    OptPlatform: 'RESTAPI',
  });
  if (c.auth !== undefined) {
    const requestTime = c.auth.requestTime ?? Math.floor(Date.now() / 1000);
    params.set('RequestTime', String(requestTime));
    params.set('Sign', 'sign' in c.auth ? c.auth.sign : callbackSign(c.auth.token, String(requestTime)));
  }
  const r = await fetch(`${s.url}/v1/callbacks/tencent?${params.toString()}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ CallbackCommand: command, ...c.body }),
  });
  return { status: r.status, body: await r.json() };
}

const OK = { ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' };
const REFUSED = { status: 401, body: { ActionStatus: 'FAIL', ErrorCode: 1, ErrorInfo: 'callback authentication failed' } };
/** The operator accepts unsigned callbacks (a private network): the tests of what follows authentication. */
const UNSIGNED = { CALLBACK_AUTH: 'none' } as const;
const created = (groupId: string, type = 'AVChatRoom', name = 'a live room'): Record<string, unknown> => ({
  GroupId: groupId,
  Type: type,
  Owner_Account: 'host_1',
  Name: name,
  MemberList: [{ Member_Account: 'host_1' }],
});

const jobsInQueue = async (s: TestServer): Promise<number> => Object.values(await s.q.seed.getJobCounts()).reduce((a, b) => a + b, 0);

/**
 * Nothing was enqueued. A callback starts its enqueue before its answer is written, so once the
 * answers are in, callbacksSettled() is a barrier: every enqueue started has finished, and any job
 * it made is in the queue (any state) or counted as completed (BullMQ moves it atomically).
 */
async function expectNothingEnqueued(s: TestServer): Promise<void> {
  await s.callbacksSettled();
  expect(await jobsInQueue(s)).toBe(0);
  expect((await s.q.status()).completed).toBe(0);
  expect(mock.rooms()).toBe(0);
}

/** Every callback enqueue started has finished, and the workers have worked every job it made: the mock's figures are final. */
async function settleAndWork(s: TestServer): Promise<void> {
  await s.callbacksSettled();
  await waitFor('the queue to be empty', async () => (await jobsInQueue(s)) === 0);
}

describe('Tencent callbacks, end to end to the mock API', () => {
  it('puts AUTO_SEED_ROBOTS into a new AVChatRoom announced by Group.CallbackAfterCreateGroup', async () => {
    const s = await open({ ...UNSIGNED, AUTO_SEED_ROBOTS: 'bot_a, bot_b' });
    const r = await callback(s, { body: created('@TGS#aLIVE1') });
    expect(r).toEqual({ status: 200, body: OK });
    await waitFor('robots in the new room', () => mock.robotsIn('@TGS#aLIVE1').length === 2);
    expect(mock.robotsIn('@TGS#aLIVE1')).toEqual(['bot_a', 'bot_b']);
    // Tencent may repeat a callback: the room is seeded once.
    expect(await callback(s, { body: created('@TGS#aLIVE1') })).toEqual({ status: 200, body: OK });
    await settleAndWork(s);
    expect(mock.stats().calls).toBe(1);
    expect((await s.q.status()).completed).toBe(1);
  });

  it('answers other group types and other commands OK and ignores them', async () => {
    const s = await open({ ...UNSIGNED, AUTO_SEED_ROBOTS: 'bot_a' });
    expect(await callback(s, { body: created('@TGS#public', 'Public') })).toEqual({ status: 200, body: OK });
    expect(await callback(s, { body: created('@TGS#work', 'Work') })).toEqual({ status: 200, body: OK });
    expect(await callback(s, { command: 'Group.CallbackAfterNewMemberJoin', body: { GroupId: '@TGS#x', Type: 'AVChatRoom' } })).toEqual({
      status: 200,
      body: OK,
    });
    expect(await callback(s, { command: 'State.StateChange', body: { Info: { Action: 'Login', To_Account: 'u1' } } })).toEqual({
      status: 200,
      body: OK,
    });
    await expectNothingEnqueued(s);
  });

  it('ignores a callback for another SdkAppid, and one whose body is not JSON', async () => {
    const s = await open({ ...UNSIGNED, AUTO_SEED_ROBOTS: 'bot_a' });
    expect(await callback(s, { sdkAppId: 1400999999, body: created('@TGS#other') })).toEqual({ status: 200, body: OK });
    const garbled = await fetch(`${s.url}/v1/callbacks/tencent?SdkAppid=${TEST_SDKAPPID}&CallbackCommand=Group.CallbackAfterCreateGroup`, {
      method: 'POST',
      body: '<xml/>',
    });
    expect(garbled.status).toBe(200);
    expect(await garbled.json()).toEqual(OK);
    await expectNothingEnqueued(s);
  });

  it('with CALLBACK_TOKEN set, refuses a bad or stale Sign with 401 and seeds on a good one', async () => {
    const token = 'console-callback-token';
    const s = await open({ AUTO_SEED_ROBOTS: 'bot_a', CALLBACK_TOKEN: token });
    const refused = REFUSED;
    expect(await callback(s, { body: created('@TGS#nosign') })).toEqual(refused);
    expect(await callback(s, { body: created('@TGS#badsign'), auth: { token: 'another-token' } })).toEqual(refused);
    expect(
      await callback(s, { body: created('@TGS#forged'), auth: { sign: 'f'.repeat(64), requestTime: Math.floor(Date.now() / 1000) } }),
    ).toEqual(refused);
    // A genuine Sign replayed later than a minute is refused too.
    expect(await callback(s, { body: created('@TGS#stale'), auth: { token, requestTime: Math.floor(Date.now() / 1000) - 120 } })).toEqual(
      refused,
    );
    await expectNothingEnqueued(s);
    expect(await callback(s, { body: created('@TGS#signed'), auth: { token } })).toEqual({ status: 200, body: OK });
    await waitFor('robots in the signed room', () => mock.robotsIn('@TGS#signed').length === 1);
  });

  it('accepts a signed callback once: its Sign and RequestTime replayed with another room are refused (issue 8, observation 9)', async () => {
    const token = 'console-callback-token';
    const s = await open({ AUTO_SEED_ROBOTS: 'bot_a', CALLBACK_TOKEN: token });
    const requestTime = Math.floor(Date.now() / 1000);
    const sign = callbackSign(token, String(requestTime));
    expect(await callback(s, { body: created('@TGS#genuine'), auth: { sign, requestTime } })).toEqual({ status: 200, body: OK });
    await waitFor('robots in the genuine room', () => mock.robotsIn('@TGS#genuine').length === 1);
    const replayed = {
      status: 401,
      body: { ActionStatus: 'FAIL', ErrorCode: 1, ErrorInfo: 'callback refused: its Sign and RequestTime were already used' },
    };
    expect(await callback(s, { body: created('@TGS#replayed'), auth: { sign, requestTime } })).toEqual(replayed);
    // The Sign is compared without regard to case: upper case is the same Sign, not a new one.
    expect(await callback(s, { body: created('@TGS#upper'), auth: { sign: sign.toUpperCase(), requestTime } })).toEqual(replayed);
    await settleAndWork(s);
    expect((await s.q.status()).completed).toBe(1);
    expect(mock.robotsIn('@TGS#replayed')).toEqual([]);
    expect(mock.robotsIn('@TGS#upper')).toEqual([]);
    const refusals = s
      .logs()
      .split('\n')
      .filter((l) => l.includes('already used'));
    expect(refusals).toHaveLength(2);
    expect(refusals[0]).toContain('@TGS#replayed');
    expect(s.logs()).not.toContain(sign);
    expect(s.logs().toLowerCase()).not.toContain(sign);
  });

  it('applies the rules file: first matching name pattern wins, a pool draw gives distinct robots', async () => {
    const rules = validateSeedRules(
      {
        rules: [
          { namePattern: '^game-', robots: ['game_bot_1', 'game_bot_2'] },
          { namePattern: '.*', pool: ['p1', 'p2', 'p3', 'p4', 'p5'], draw: 3 },
        ],
      },
      100,
    );
    if (!rules.ok) throw new Error(rules.problems.join('\n'));
    const s = await open({ ...UNSIGNED, AUTO_SEED_ROBOTS: 'bot_a' }, { rules: rules.value });
    await callback(s, { body: created('@TGS#game', 'AVChatRoom', 'game-night') });
    await callback(s, { body: created('@TGS#talk', 'AVChatRoom', 'talk show') });
    await waitFor('both rooms seeded', () => mock.robotsIn('@TGS#game').length > 0 && mock.robotsIn('@TGS#talk').length > 0);
    expect(mock.robotsIn('@TGS#game')).toEqual(['bot_a', 'game_bot_1', 'game_bot_2']);
    const talk = mock.robotsIn('@TGS#talk');
    expect(talk[0]).toBe('bot_a');
    const drawn = talk.slice(1);
    expect(drawn).toHaveLength(3);
    expect(new Set(drawn).size).toBe(3);
    for (const r of drawn) expect(['p1', 'p2', 'p3', 'p4', 'p5']).toContain(r);
  });

  it('answers OK and enqueues nothing when no robots are configured', async () => {
    const s = await open({ ...UNSIGNED });
    expect(await callback(s, { body: created('@TGS#empty') })).toEqual({ status: 200, body: OK });
    await expectNothingEnqueued(s);
  });

  it('refuses every callback with 401 when neither CALLBACK_TOKEN nor CALLBACK_AUTH=none is set (issue 8: unsigned callbacks seeded rooms by default)', async () => {
    const s = await open({});
    expect(await callback(s, { body: created('@TGS#unsigned') })).toEqual(REFUSED);
    expect(await callback(s, { body: created('@TGS#signed-for-nothing'), auth: { token: 'a-token-nobody-configured' } })).toEqual(REFUSED);
    await expectNothingEnqueued(s);
    expect(s.logs()).toContain('callback refused: CALLBACK_TOKEN is not set');
  });
});
