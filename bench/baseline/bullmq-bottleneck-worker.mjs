/**
 * The yardstick for the rate engine: what an engineer would write in an afternoon on the same
 * libraries (BullMQ worker, Bottleneck clustered through Redis at minTime = 1000 / rate, undici).
 * It works the same seed queue as `robot-seeder worker`, so both can be measured on the same jobs
 * by bench/fleet.ts. Plain JavaScript, run with plain `node`: no build, no transpiler.
 *
 *   REDIS_URL KEY_PREFIX TIM_SDKAPPID TIM_USERSIG TIM_ADMIN TIM_BASE_URL RATE_LIMIT_PER_SECOND
 *   WORKER_CONCURRENCY   node bench/baseline/bullmq-bottleneck-worker.mjs
 */
import { randomInt } from 'node:crypto';
import Bottleneck from 'bottleneck';
import { DelayedError, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Pool } from 'undici';

const env = process.env;
const redisUrl = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = env.KEY_PREFIX ?? '{robot-seeder}';
const rate = Number(env.RATE_LIMIT_PER_SECOND ?? 200);
const concurrency = Number(env.WORKER_CONCURRENCY ?? 50);
const base = new URL(env.TIM_BASE_URL ?? 'https://adminapisgp.im.qcloud.com');
const auth = `sdkappid=${env.TIM_SDKAPPID}&identifier=${env.TIM_ADMIN ?? 'administrator'}&usersig=${encodeURIComponent(env.TIM_USERSIG ?? '')}`;

const RETRY = new Set([10002, 60008, 60014, 70017, 70169, 70202, 70500]);
const SLOW_DOWN = new Set([10006, 60007, 60011, 60018, 60019]);

const pool = new Pool(base.origin, { connections: concurrency, headersTimeout: 6000, bodyTimeout: 6000 });
const limiter = new Bottleneck({
  id: `${prefix}-baseline-limiter`,
  datastore: 'ioredis',
  clientOptions: redisUrl,
  minTime: 1000 / rate,
  maxConcurrent: null,
});
limiter.on('error', (err) => console.error('limiter error', err.message));

/** One add_robots / del_robots call: { code, info } or throws on a network failure. */
async function callTencent(command, groupId, robots) {
  const path = `${base.pathname.replace(/\/$/, '')}/v4/group_open_avchatroom_http_svc/${command}?${auth}&random=${randomInt(0, 2 ** 32)}&contenttype=json`;
  const { statusCode, body } = await limiter.schedule(() =>
    pool.request({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ GroupId: groupId, Member_Account: robots }),
    }),
  );
  const text = await body.text();
  if (statusCode === 429) return { code: 60007, info: 'http 429' };
  if (statusCode !== 200) throw new Error(`http ${statusCode}`);
  const answer = JSON.parse(text);
  return { code: answer.ErrorCode, info: answer.ErrorInfo };
}

const worker = new Worker(
  'seed',
  async (job, token) => {
    const { command, groupId, robots } = job.data;
    const { code, info } = await callTencent(command, groupId, robots);
    if (code === 0) return { seeded: robots.length };
    if (SLOW_DOWN.has(code)) {
      await job.moveToDelayed(Date.now() + 1000, token);
      throw new DelayedError();
    }
    if (RETRY.has(code)) throw new Error(`${code}: ${info}`);
    throw new UnrecoverableError(`${code}: ${info}`);
  },
  {
    connection: new Redis(redisUrl, { maxRetriesPerRequest: null }),
    prefix,
    concurrency,
  },
);
worker.on('error', (err) => console.error('worker error', err.message));

async function shutdown() {
  await worker.close();
  await limiter.disconnect(false);
  await pool.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
