import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { AUTH, startTestServer, type TestServer } from '../support/http-server.js';
import { parsePrometheusText, sampleValue, type Sample } from '../support/prometheus-text.js';
import { startTestMock, waitFor } from '../support/test-env.js';

let mock: MockTencentApi | undefined;
let server: TestServer | undefined;

afterEach(async () => {
  await server?.close();
  await mock?.close();
  server = undefined;
  mock = undefined;
});

async function scrape(s: TestServer): Promise<Sample[]> {
  const r = await fetch(`${s.url}/metrics`, { headers: AUTH });
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await r.text());
}

describe('GET /metrics', () => {
  it('reflects a run: calls by outcome and code, latency, retries, queue gauges, dead letters', async () => {
    mock = await startTestMock();
    server = await startTestServer({ mockUrl: mock.url, withWorkers: true, listen: true });
    const s = server;
    const jobs = [
      ...['room-1', 'room-2', 'room-3'].map((g) => ({ groupId: g, robots: ['bot_a'] })),
      { groupId: 'room-gone~10010', robots: ['bot_a'] },
      { groupId: 'room-flaky~10002x1', robots: ['bot_a'] },
    ];
    const posted = await fetch(`${s.url}/v1/jobs`, {
      method: 'POST',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ jobs }),
    });
    expect(posted.status).toBe(202);
    await waitFor('4 completed and 1 dead-lettered', async () => {
      const st = await s.q.status();
      return st.completed === 4 && st.deadLetter === 1 && st.waiting + st.active + st.delayed === 0;
    });

    const m = await scrape(s);
    expect(sampleValue(m, 'robot_seeder_calls_total', { outcome: 'success', code: '0' })).toBe(4);
    expect(sampleValue(m, 'robot_seeder_calls_total', { outcome: 'permanent', code: '10010' })).toBe(1);
    expect(sampleValue(m, 'robot_seeder_calls_total', { outcome: 'retry', code: '10002' })).toBe(1);
    const callSeries = m.filter((x) => x.name === 'robot_seeder_calls_total');
    expect(callSeries.reduce((a, x) => a + x.value, 0)).toBe(6);
    // Small label sets: no group id ever becomes a label.
    for (const x of m) for (const v of Object.values(x.labels)) expect(v).not.toMatch(/room-/);

    expect(sampleValue(m, 'robot_seeder_call_duration_seconds_count', { outcome: 'success' })).toBe(4);
    expect(sampleValue(m, 'robot_seeder_call_duration_seconds_bucket', { outcome: 'success', le: '+Inf' })).toBe(4);
    expect(sampleValue(m, 'robot_seeder_call_duration_seconds_sum', { outcome: 'success' })).toBeGreaterThan(0);
    expect(sampleValue(m, 'robot_seeder_retries_total')).toBe(1);

    expect(sampleValue(m, 'robot_seeder_queue_jobs', { state: 'completed' })).toBe(4);
    expect(sampleValue(m, 'robot_seeder_queue_jobs', { state: 'dead_letter' })).toBe(1);
    for (const state of ['waiting', 'active', 'delayed']) expect(sampleValue(m, 'robot_seeder_queue_jobs', { state })).toBe(0);
    expect(sampleValue(m, 'robot_seeder_dead_letters')).toBe(1);
    expect(sampleValue(m, 'robot_seeder_limiter_rate_per_second')).toBe(200);
    expect(sampleValue(m, 'robot_seeder_limiter_ceiling_per_second')).toBe(200);
    // This process's part in the shared limiter: every call it sent had a slot.
    expect(sampleValue(m, 'robot_seeder_limiter_slots_total', { fate: 'booked' })).toBeGreaterThanOrEqual(6);
    const sends = m.filter((x) => x.name === 'robot_seeder_limiter_sends_total');
    expect(sends.reduce((a, x) => a + x.value, 0)).toBe(6);
    expect(sampleValue(m, 'robot_seeder_limiter_recoveries_total', { reason: 'missing' })).toBe(0);
    // Its round trips to the ledger: at least one answered with slots, never more than one per slot.
    const bookings = sampleValue(m, 'robot_seeder_limiter_bookings_total', { answer: 'slots' }) ?? 0;
    expect(bookings).toBeGreaterThanOrEqual(1);
    expect(bookings).toBeLessThanOrEqual(sampleValue(m, 'robot_seeder_limiter_slots_total', { fate: 'booked' }) ?? 0);
    expect(sampleValue(m, 'robot_seeder_limiter_bookings_total', { answer: 'none' })).toBeGreaterThanOrEqual(0);
    // An operator's ceiling shows at the next scrape.
    await fetch(`${s.url}/v1/rate`, {
      method: 'PUT',
      headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ ceilingPerSecond: 120 }),
    });
    const after = await scrape(s);
    expect(sampleValue(after, 'robot_seeder_limiter_ceiling_per_second')).toBe(120);
    expect(sampleValue(after, 'robot_seeder_limiter_rate_per_second')).toBe(120);
    // Process metrics from prom-client's defaults.
    expect(sampleValue(m, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // The shared breaker's state is read from Redis at scrape time.
    expect(sampleValue(m, 'robot_seeder_breaker_open')).toBe(0);
    await s.q.redis.hset(`${s.q.config.keyPrefix}:breaker:state`, 'state', 'open');
    expect(sampleValue(await scrape(s), 'robot_seeder_breaker_open')).toBe(1);

    // Queue gauges are read at scrape time: a replay shows at once.
    await s.q.deadLetters.purge();
    expect(sampleValue(await scrape(s), 'robot_seeder_dead_letters')).toBe(0);
  });

  it('still answers when Redis does not: the queue gauges say NaN (unknown) in that scrape, and their values once it answers', async () => {
    server = await startTestServer({ listen: true });
    const s = server;
    expect(sampleValue(await scrape(s), 'robot_seeder_queue_jobs', { state: 'waiting' })).toBe(0);
    // ioredis keeps the status 'ready' until the socket's close event, and refuses connect() before it.
    const ended = once(s.q.redis, 'end');
    s.q.redis.disconnect();
    const m = await scrape(s);
    expect(sampleValue(m, 'robot_seeder_queue_jobs', { state: 'waiting' })).toBeNaN();
    expect(sampleValue(m, 'robot_seeder_dead_letters')).toBeNaN();
    expect(sampleValue(m, 'robot_seeder_limiter_rate_per_second')).toBeNaN();
    // Connected again, as the service's reconnecting connection would be. (Closing the server with its
    // connection ended by hand would also leave ioredis's 2 s disconnect timer running.)
    await ended;
    await s.q.redis.connect();
    const back = await scrape(s);
    expect(sampleValue(back, 'robot_seeder_queue_jobs', { state: 'waiting' })).toBe(0);
    expect(sampleValue(back, 'robot_seeder_dead_letters')).toBe(0);
  });
});
