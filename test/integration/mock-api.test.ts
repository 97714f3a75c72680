import { afterEach, describe, expect, it, vi } from 'vitest';
import { isSeederError } from '../../src/errors/seeder-error.js';
import {
  parseRoomDirectives,
  startMockTencentApi,
  type MockTencentApi,
  type MockTencentApiOptions,
} from '../../src/mock-api/mock-tencent-api.js';
import { signUserSig } from '../../src/tencent/user-sig.js';
import { waitFor } from '../support/test-env.js';

const SDK_APP_ID = 1400000001;
const SECRET_KEY = 'mock-test-secret-key';
const ADMIN = 'administrator';

interface TencentReply {
  readonly ActionStatus: string;
  readonly ErrorCode: number;
  readonly ErrorInfo: string;
  readonly RequestId: string;
}

const started: MockTencentApi[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((mock) => mock.close()));
});

async function startMock(options: Partial<MockTencentApiOptions> = {}): Promise<MockTencentApi> {
  const mock = await startMockTencentApi({
    sdkAppId: SDK_APP_ID,
    secretKey: SECRET_KEY,
    latencyMs: { min: 0, max: 0 },
    ...options,
  });
  started.push(mock);
  return mock;
}

function userSig(overrides: { identifier?: string; secretKey?: string; timeSeconds?: number; expireSeconds?: number } = {}): string {
  return signUserSig({
    sdkAppId: SDK_APP_ID,
    secretKey: overrides.secretKey ?? SECRET_KEY,
    identifier: overrides.identifier ?? ADMIN,
    timeSeconds: overrides.timeSeconds ?? Math.floor(Date.now() / 1000) - 10,
    expireSeconds: overrides.expireSeconds ?? 86_400,
  });
}

/** Query overrides: a string replaces the parameter, null leaves it out. */
function apiUrl(base: string, command: string, query: Record<string, string | null> = {}): string {
  const params: Record<string, string | null> = {
    sdkappid: String(SDK_APP_ID),
    identifier: ADMIN,
    usersig: userSig(),
    random: String(Math.floor(Math.random() * 4_294_967_295)),
    contenttype: 'json',
    ...query,
  };
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== null) search.set(name, value);
  return `${base}/v4/group_open_avchatroom_http_svc/${command}?${search.toString()}`;
}

async function post(url: string, body: unknown): Promise<{ status: number; reply: TencentReply }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, reply: (await res.json()) as TencentReply };
}

async function addRobots(
  mock: MockTencentApi,
  groupId: string,
  accounts: unknown[],
  query: Record<string, string | null> = {},
): Promise<TencentReply> {
  const { status, reply } = await post(apiUrl(mock.url, 'add_robots', query), { GroupId: groupId, Member_Account: accounts });
  expect(status).toBe(200);
  return reply;
}

describe('mock Tencent API: successful calls', () => {
  it('stores the robots add_robots sets, and answers like Tencent with a RequestId', async () => {
    const mock = await startMock();
    const reply = await addRobots(mock, '@TGS#aROOM1', ['bot1', 'bot2']);
    expect(reply).toMatchObject({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });
    expect(typeof reply.RequestId).toBe('string');
    expect(reply.RequestId.length).toBeGreaterThan(0);
    await addRobots(mock, '@TGS#aROOM1', ['bot2', 'bot3']);
    expect(mock.robotsIn('@TGS#aROOM1')).toEqual(['bot1', 'bot2', 'bot3']);
    expect(mock.rooms()).toBe(1);
  });

  it('removes the robots del_robots names, and forgets an emptied room', async () => {
    const mock = await startMock();
    await addRobots(mock, 'room-del', ['bot1', 'bot2', 'bot3']);
    const del = await post(apiUrl(mock.url, 'del_robots'), { GroupId: 'room-del', Member_Account: ['bot1', 'bot3'] });
    expect(del.reply.ErrorCode).toBe(0);
    expect(mock.robotsIn('room-del')).toEqual(['bot2']);
    await post(apiUrl(mock.url, 'del_robots'), { GroupId: 'room-del', Member_Account: ['bot2'] });
    expect(mock.robotsIn('room-del')).toEqual([]);
    expect(mock.rooms()).toBe(0);
  });

  it('adds the configured latency to every answer', async () => {
    const mock = await startMock({ latencyMs: { min: 60, max: 60 } });
    const t0 = performance.now();
    await addRobots(mock, 'room-latency', ['bot1']);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
  });
});

describe('mock Tencent API: request checks', () => {
  it('answers 60012 without sdkappid and 60006 for another app', async () => {
    const mock = await startMock();
    expect((await addRobots(mock, 'r', ['b'], { sdkappid: null })).ErrorCode).toBe(60012);
    const wrong = await addRobots(mock, 'r', ['b'], { sdkappid: '1400000002' });
    expect(wrong).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 60006 });
    expect(wrong.ErrorInfo).toContain('1400000002');
    expect(typeof wrong.RequestId).toBe('string');
    expect(mock.rooms()).toBe(0);
  });

  it('rejects bad UserSigs with the account error codes', async () => {
    const mock = await startMock();
    const code = async (query: Record<string, string | null>): Promise<number> => (await addRobots(mock, 'r', ['b'], query)).ErrorCode;
    expect(await code({ usersig: userSig({ secretKey: 'another-apps-key' }) })).toBe(70009);
    expect(await code({ usersig: 'not-a-usersig' })).toBe(70003);
    expect(await code({ usersig: null })).toBe(70002);
    expect(await code({ usersig: userSig({ identifier: 'someone-else' }) })).toBe(70013);
    expect(await code({ identifier: null })).toBe(10001);
    // A valid UserSig of an account that is not the App admin.
    expect(await code({ identifier: 'user1', usersig: userSig({ identifier: 'user1' }) })).toBe(60010);
    expect(mock.rooms()).toBe(0);
  });

  it('answers 70001 for an expired UserSig', async () => {
    const mock = await startMock();
    const expired = userSig({ timeSeconds: Math.floor(Date.now() / 1000) - 7200, expireSeconds: 3600 });
    const reply = await addRobots(mock, 'r', ['b'], { usersig: expired });
    expect(reply).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 70001 });
  });

  it('answers 60002 for a bad random or contenttype', async () => {
    const mock = await startMock();
    for (const random of [null, '', 'abc', '-1', '1.5', '4294967296']) {
      expect((await addRobots(mock, 'r', ['b'], { random })).ErrorCode, `random=${String(random)}`).toBe(60002);
    }
    expect((await addRobots(mock, 'r', ['b'], { random: '4294967295' })).ErrorCode).toBe(0);
    expect((await addRobots(mock, 'r2', ['b'], { random: '0' })).ErrorCode).toBe(0);
    expect((await addRobots(mock, 'r3', ['b'], { contenttype: null })).ErrorCode).toBe(60002);
    expect((await addRobots(mock, 'r3', ['b'], { contenttype: 'JSON' })).ErrorCode).toBe(60002);
    expect(mock.robotsIn('r3')).toEqual([]);
  });

  it('answers 60003 for a body that is not JSON and 10004/10015/10005 for a wrong shape', async () => {
    const mock = await startMock({ maxAccountsPerCall: 3 });
    const code = async (body: unknown): Promise<number> => (await post(apiUrl(mock.url, 'add_robots'), body)).reply.ErrorCode;
    expect(await code('{"GroupId": ')).toBe(60003);
    expect(await code([])).toBe(10004);
    expect(await code({ Member_Account: ['b'] })).toBe(10004);
    expect(await code({ GroupId: 42, Member_Account: ['b'] })).toBe(10004);
    expect(await code({ GroupId: '', Member_Account: ['b'] })).toBe(10015);
    expect(await code({ GroupId: 'r' })).toBe(10004);
    expect(await code({ GroupId: 'r', Member_Account: [] })).toBe(10004);
    expect(await code({ GroupId: 'r', Member_Account: ['b', 7] })).toBe(10004);
    expect(await code({ GroupId: 'r', Member_Account: 'b' })).toBe(10004);
    expect(await code({ GroupId: 'r', Member_Account: ['a', 'b', 'c', 'd'] })).toBe(10005);
    expect(await code({ GroupId: 'r', Member_Account: ['a', 'b', 'c'] })).toBe(0);
  });

  it('answers 60002 for GET, 10003 for another command, HTTP 404 (60009) outside /v4/', async () => {
    const mock = await startMock();
    const get = await fetch(apiUrl(mock.url, 'add_robots'));
    expect(((await get.json()) as TencentReply).ErrorCode).toBe(60002);
    const other = await post(apiUrl(mock.url, 'get_members'), { GroupId: 'r', Member_Account: ['b'] });
    expect(other.status).toBe(200);
    expect(other.reply.ErrorCode).toBe(10003);
    const outside = await post(`${mock.url}/v3/whatever`, {});
    expect(outside.status).toBe(404);
    expect(outside.reply.ErrorCode).toBe(60009);
  });
});

describe('mock Tencent API: rate limit', () => {
  it('refuses calls beyond 200 in one wall-clock second with 60007 and counts them', async () => {
    const mock = await startMock();
    const burst = 260;
    // The wall-clock second is the subject: Date alone is faked and stands still, 5 ms into a second, so the whole
    // burst lands in one second by construction (a burst straddling two seconds would prove nothing).
    vi.useFakeTimers({ toFake: ['Date'] });
    let codes: number[];
    try {
      vi.setSystemTime(Math.floor(Date.now() / 1000) * 1000 + 5);
      const replies = await Promise.all(Array.from({ length: burst }, (_, i) => addRobots(mock, 'burst-room', [`bot-${i}`])));
      codes = replies.map((r) => r.ErrorCode);
    } finally {
      vi.useRealTimers();
    }
    const stats = mock.stats();
    expect(stats.perSecond).toHaveLength(1);
    expect(stats.busiestSecond).toBe(burst);
    expect(stats.busiestSlidingSecond).toBe(burst);
    expect(stats.refusedForRate).toBe(burst - 200);
    expect(codes.filter((c) => c === 0)).toHaveLength(200);
    expect(codes.filter((c) => c === 60007)).toHaveLength(burst - 200);
    expect(stats.byCode['60007']).toBe(burst - 200);
    expect(mock.robotsIn('burst-room')).toHaveLength(200);
    for (const s of stats.perSecond) expect(s.calls - s.refused).toBeLessThanOrEqual(200);
  });
});

describe('mock Tencent API: scripted failures', () => {
  it('parses directives from a group id', () => {
    expect(parseRoomDirectives('room-7~10002x2~slowx1~max2~502~resetx3~nonsense~10002x0')).toEqual([
      { kind: 'error-code', errorCode: 10002, times: 2 },
      { kind: 'slow', times: 1 },
      { kind: 'max-accounts', maxAccounts: 2 },
      { kind: 'http-status', httpStatus: 502 },
      { kind: 'reset', times: 3 },
    ]);
    expect(parseRoomDirectives('@TGS#aPLAIN')).toEqual([]);
  });

  it('~10010 answers every call 10010', async () => {
    const mock = await startMock();
    for (let i = 0; i < 3; i += 1) {
      expect(await addRobots(mock, 'room-42~10010', ['bot1'])).toMatchObject({ ActionStatus: 'FAIL', ErrorCode: 10010 });
    }
    expect(mock.robotsIn('room-42~10010')).toEqual([]);
  });

  it('~10002x2 answers 10002 twice, then succeeds', async () => {
    const mock = await startMock();
    const codes: number[] = [];
    for (let i = 0; i < 4; i += 1) codes.push((await addRobots(mock, 'room-7~10002x2', ['bot1'])).ErrorCode);
    expect(codes).toEqual([10002, 10002, 0, 0]);
    expect(mock.robotsIn('room-7~10002x2')).toEqual(['bot1']);
  });

  it('~502x1 answers HTTP 502 with an HTML body once', async () => {
    const mock = await startMock();
    const url = (): string => apiUrl(mock.url, 'add_robots');
    const body = JSON.stringify({ GroupId: 'room~502x1', Member_Account: ['bot1'] });
    const first = await fetch(url(), { method: 'POST', body });
    expect(first.status).toBe(502);
    expect(first.headers.get('content-type')).toContain('text/html');
    expect(await first.text()).toContain('<html>');
    expect(mock.robotsIn('room~502x1')).toEqual([]);
    expect((await post(url(), JSON.parse(body))).reply.ErrorCode).toBe(0);
    expect(mock.stats().byOutcome['http-error']).toBe(1);
  });

  it('~resetx1 cuts the socket once: the client sees a network error', async () => {
    const mock = await startMock();
    await expect(addRobots(mock, 'room~resetx1', ['bot1'])).rejects.toThrow();
    expect(mock.robotsIn('room~resetx1')).toEqual([]);
    expect((await addRobots(mock, 'room~resetx1', ['bot1'])).ErrorCode).toBe(0);
    expect(mock.stats().byOutcome.reset).toBe(1);
  });

  it('~slowx1 answers after slowAnswerMs once', async () => {
    const mock = await startMock({ slowAnswerMs: 300 });
    let t0 = performance.now();
    expect((await addRobots(mock, 'room~slowx1', ['bot1'])).ErrorCode).toBe(0);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
    t0 = performance.now();
    expect((await addRobots(mock, 'room~slowx1', ['bot2'])).ErrorCode).toBe(0);
    expect(performance.now() - t0).toBeLessThan(250);
    expect(mock.stats().slowAnswers).toBe(1);
  });

  it('~max2 answers 10005 to more than 2 accounts', async () => {
    const mock = await startMock();
    expect((await addRobots(mock, 'room~max2', ['a', 'b', 'c'])).ErrorCode).toBe(10005);
    expect((await addRobots(mock, 'room~max2', ['a', 'b'])).ErrorCode).toBe(0);
    expect(mock.robotsIn('room~max2')).toEqual(['a', 'b']);
  });

  it('runs combined directives in the order written, per room', async () => {
    const mock = await startMock({ slowAnswerMs: 100 });
    const room = 'room~10002x1~502x1~10007';
    const other = 'other~10002x1~502x1~10007';
    expect((await addRobots(mock, room, ['a'])).ErrorCode).toBe(10002);
    expect((await addRobots(mock, other, ['a'])).ErrorCode).toBe(10002);
    const second = await fetch(apiUrl(mock.url, 'add_robots'), {
      method: 'POST',
      body: JSON.stringify({ GroupId: room, Member_Account: ['a'] }),
    });
    expect(second.status).toBe(502);
    await second.text();
    expect((await addRobots(mock, room, ['a'])).ErrorCode).toBe(10007);
    expect((await addRobots(mock, room, ['a'])).ErrorCode).toBe(10007);
  });

  it('takes a script from code, replacing the directives in the id', async () => {
    const mock = await startMock();
    mock.script('room~10010', [
      { kind: 'error-code', errorCode: 10015, times: 1 },
      { kind: 'max-accounts', maxAccounts: 1 },
    ]);
    expect((await addRobots(mock, 'room~10010', ['a'])).ErrorCode).toBe(10015);
    expect((await addRobots(mock, 'room~10010', ['a', 'b'])).ErrorCode).toBe(10005);
    expect((await addRobots(mock, 'room~10010', ['a'])).ErrorCode).toBe(0);
  });
});

describe('mock Tencent API: control endpoints and lifecycle', () => {
  it('serves GET /_mock/stats, GET /_mock/rooms/<id> and POST /_mock/reset', async () => {
    const mock = await startMock();
    const groupId = '@TGS#aX~10002x1';
    expect((await addRobots(mock, groupId, ['bot1'])).ErrorCode).toBe(10002);
    expect((await addRobots(mock, groupId, ['bot1', 'bot2'])).ErrorCode).toBe(0);
    expect((await addRobots(mock, 'r', ['b'], { sdkappid: '1' })).ErrorCode).toBe(60006);

    const stats = (await (await fetch(`${mock.url}/_mock/stats`)).json()) as ReturnType<MockTencentApi['stats']>;
    expect(stats).toMatchObject({
      calls: 3,
      byOutcome: { ok: 1, fail: 2, 'http-error': 0, reset: 0 },
      byCode: { '0': 1, '10002': 1, '60006': 1 },
      refusedForRate: 0,
      busiestSecond: expect.any(Number) as number,
    });
    expect(stats.perSecond.reduce((sum, s) => sum + s.calls, 0)).toBe(3);
    expect(stats).toEqual(mock.stats());

    const room = await fetch(`${mock.url}/_mock/rooms/${encodeURIComponent(groupId)}`);
    expect(await room.json()).toEqual({ groupId, robots: ['bot1', 'bot2'] });
    const empty = await fetch(`${mock.url}/_mock/rooms/${encodeURIComponent('nobody-here')}`);
    expect(await empty.json()).toEqual({ groupId: 'nobody-here', robots: [] });
    expect((await fetch(`${mock.url}/_mock/reset`)).status).toBe(405);

    const reset = await fetch(`${mock.url}/_mock/reset`, { method: 'POST' });
    expect(await reset.json()).toEqual({ ok: true });
    expect(mock.rooms()).toBe(0);
    expect(mock.stats()).toMatchObject({ calls: 0, busiestSecond: 0, busiestSlidingSecond: 0, perSecond: [] });
    // The reset also rewinds the room's script.
    expect((await addRobots(mock, groupId, ['bot1'])).ErrorCode).toBe(10002);
  });

  it('close() returns promptly with keep-alive connections and a slow answer still open', async () => {
    const mock = await startMockTencentApi({
      sdkAppId: SDK_APP_ID,
      secretKey: SECRET_KEY,
      latencyMs: { min: 0, max: 0 },
      slowAnswerMs: 30_000,
    });
    // fetch keeps these connections alive in its pool after the answers.
    await Promise.all([addRobots(mock, 'r1', ['a']), addRobots(mock, 'r2', ['a']), addRobots(mock, 'r3', ['a'])]);
    const inFlight = addRobots(mock, 'slow~slow', ['a']);
    inFlight.catch(() => undefined);
    // The slow call has reached the mock (counted on arrival) and is held open there.
    const arrivals = (): number => mock.stats().perSecond.reduce((n, s) => n + s.calls, 0);
    await waitFor('the slow call to arrive', () => arrivals() === 4, 10_000, 5);

    const t0 = performance.now();
    await mock.close();
    expect(performance.now() - t0).toBeLessThan(1000);
    await expect(inFlight).rejects.toThrow();
    await expect(fetch(`${mock.url}/_mock/stats`)).rejects.toThrow();
    await mock.close();
  });

  it('refuses bad options, listing every problem', async () => {
    const err: unknown = await startMockTencentApi({
      sdkAppId: -1,
      secretKey: '',
      ratePerSecond: 0,
      latencyMs: { min: 10, max: 5 },
    }).catch((e: unknown) => e);
    expect(isSeederError(err)).toBe(true);
    if (!isSeederError(err)) return;
    expect(err.code).toBe('CONFIG_INVALID');
    for (const name of ['sdkAppId', 'secretKey', 'ratePerSecond', 'latencyMs.max']) expect(err.message).toContain(name);
  });
});
