import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { AUTH, job, OTHER_TOKEN, postJobs, startTestServer, type TestServer } from '../support/http-server.js';
import { TEST_REDIS_URL } from '../support/test-env.js';

let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function open(o: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  server = await startTestServer(o);
  return server;
}

describe('HTTP API: Idempotency-Key', () => {
  it('replays the first response for a retried request and enqueues once', async () => {
    const s = await open();
    const body = { jobs: [job('room-a'), job('room-b')] };
    const first = await postJobs(s, body, { 'idempotency-key': 'order-42' });
    expect(first.statusCode).toBe(202);
    // The jobs were worked off in the meantime: a replay must not enqueue them again.
    await s.q.seed.obliterate({ force: true });
    const again = await postJobs(s, body, { 'idempotency-key': 'order-42' });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((await s.q.status()).waiting).toBe(0);

    const redis = new Redis(TEST_REDIS_URL);
    try {
      const keys = await redis.keys(`${s.prefix.replace(/[{}]/g, '\\$&')}:idempotency:*`);
      expect(keys).toHaveLength(1);
      const ttl = await redis.ttl(keys[0] ?? '');
      expect(ttl).toBeGreaterThan(86_000);
      expect(ttl).toBeLessThanOrEqual(86_400);
    } finally {
      redis.disconnect();
    }
  });

  it('lets exactly one of concurrent requests with one key do the work', async () => {
    const s = await open({ listen: true });
    const body = JSON.stringify({ jobs: Array.from({ length: 50 }, (_, i) => job(`room-${i}`)) });
    const send = (): Promise<Response> =>
      fetch(`${s.url}/v1/jobs`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json', 'idempotency-key': 'burst-1' },
        body,
      });
    const answers = await Promise.all(Array.from({ length: 8 }, send));
    const statuses = answers.map((r) => r.status);
    expect(statuses.every((st) => st === 202 || st === 409)).toBe(true);
    const fresh = answers.filter((r) => r.status === 202 && r.headers.get('idempotent-replayed') === null);
    expect(fresh).toHaveLength(1);
    expect((await s.q.status()).waiting).toBe(50);
  });

  it('answers 422 when a key comes back with another body; the first response is kept', async () => {
    const s = await open();
    expect((await postJobs(s, { jobs: [job('room-a')] }, { 'idempotency-key': 'k-1' })).statusCode).toBe(202);
    const other = await postJobs(s, { jobs: [job('room-b')] }, { 'idempotency-key': 'k-1' });
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ error: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await s.q.status()).waiting).toBe(1);
    expect((await postJobs(s, { jobs: [job('room-a')] }, { 'idempotency-key': 'k-1' })).headers['idempotent-replayed']).toBe('true');
  });

  it('stores a 400 too (the same body fails the same way) and refuses a malformed key', async () => {
    const s = await open();
    const bad = { jobs: [{ groupId: '', robots: ['a'] }] };
    const first = await postJobs(s, bad, { 'idempotency-key': 'k-bad' });
    expect(first.statusCode).toBe(400);
    const again = await postJobs(s, bad, { 'idempotency-key': 'k-bad' });
    expect(again.statusCode).toBe(400);
    expect(again.headers['idempotent-replayed']).toBe('true');
    const spaced = await postJobs(s, { jobs: [job('r')] }, { 'idempotency-key': 'has space' });
    expect(spaced.statusCode).toBe(400);
    expect(spaced.json<{ errors: { message: string }[] }>().errors[0]?.message).toMatch(/idempotency-key/);
  });

  describe('storage is bounded per API token (issue 8, observation 10)', () => {
    const escaped = (s: TestServer): string => s.prefix.replace(/[{}]/g, '\\$&');

    it('keeps a few hundred bytes per key however many jobs the answer names, and replays the same answer', async () => {
      const s = await open();
      const body = { jobs: Array.from({ length: 2000 }, (_, i) => job(`@TGS#big-${i}`, [`bot_${i}`])) };
      const first = await postJobs(s, body, { 'idempotency-key': 'big-1' });
      expect(first.statusCode).toBe(202);
      expect(first.body.length).toBeGreaterThan(50_000);
      const redis = new Redis(TEST_REDIS_URL);
      try {
        const [key] = await redis.keys(`${escaped(s)}:idempotency:*`);
        expect(await redis.strlen(key ?? '')).toBeLessThan(500);
      } finally {
        redis.disconnect();
      }
      const again = await postJobs(s, body, { 'idempotency-key': 'big-1' });
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json()).toEqual(first.json());
    });

    it('refuses a new key past IDEMPOTENCY_KEYS_PER_TOKEN in 24 h with 429; replays, other tokens and requests without a key go on', async () => {
      const s = await open({ env: { IDEMPOTENCY_KEYS_PER_TOKEN: '3' } });
      for (const k of ['a', 'b', 'c'])
        expect((await postJobs(s, { jobs: [job(`room-${k}`)] }, { 'idempotency-key': `k-${k}` })).statusCode).toBe(202);
      const refused = await postJobs(s, { jobs: [job('room-d')] }, { 'idempotency-key': 'k-d' });
      expect(refused.statusCode).toBe(429);
      const answer = refused.json<{ error: string; message: string }>();
      expect(answer.error).toBe('IDEMPOTENCY_KEY_LIMIT');
      expect(answer.message).toMatch(/3 Idempotency-Keys .*24 hours.*IDEMPOTENCY_KEYS_PER_TOKEN/);
      expect((await s.q.status()).waiting).toBe(3);
      expect((await postJobs(s, { jobs: [job('room-a')] }, { 'idempotency-key': 'k-a' })).headers['idempotent-replayed']).toBe('true');
      expect((await postJobs(s, { jobs: [job('room-d')] })).statusCode).toBe(202);
      // Keys are kept per token: another client's same key is its own, not a replay of this one's.
      const other = await postJobs(s, { jobs: [job('room-e')] }, { authorization: `Bearer ${OTHER_TOKEN}`, 'idempotency-key': 'k-a' });
      expect(other.statusCode).toBe(202);
      expect(other.headers['idempotent-replayed']).toBeUndefined();
    });
  });
});
