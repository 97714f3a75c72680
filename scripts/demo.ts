/**
 * `npm run demo`: the main job end to end on this machine. Starts the mock Tencent API,
 * finds Redis (REDIS_URL, else a private redis-server on a free port), and runs
 * `robot-seeder run jobs/demo.jsonl`: 2,000 rooms, some with scripted failures.
 */
import { spawnSync } from 'node:child_process';
import { startMockTencentApi } from '../src/mock-api/mock-tencent-api.js';
import type * as CliModule from '../src/cli/main.js';
import { redactUrl } from '../src/config/redact-url.js';
import { connectRedis, createRedis } from '../src/redis/redis-connection.js';
import { startRedisServer, type RedisServer } from '../test/support/redis-server.js';
import { deleteKeys } from '../test/support/test-env.js';

const DEMO_SDKAPPID = '1400000000';
const DEMO_SECRET_KEY = 'demo-secret-key-not-a-real-one';
const DEMO_PREFIX = '{robot-seeder-demo}';

async function answers(url: string): Promise<boolean> {
  try {
    (await connectRedis(createRedis(url, 'producer', { cluster: false }), url)).disconnect();
    return true;
  } catch {
    return false;
  }
}

const wanted = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
let redisUrl = wanted;
let ownRedis: RedisServer | undefined;
if (!(await answers(wanted))) {
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    process.stderr.write(
      `demo: no Redis answers at ${redactUrl(wanted)} and redis-server is not installed.\n` +
        '  Start one (docker compose up -d redis, or apt-get install redis-server), or set REDIS_URL, then run npm run demo again.\n',
    );
    process.exit(4);
  }
  ownRedis = await startRedisServer();
  redisUrl = ownRedis.url;
  process.stderr.write(`demo: no Redis at ${redactUrl(wanted)}; started a private redis-server at ${redisUrl}\n`);
}

await deleteKeys(DEMO_PREFIX, redisUrl);
const mock = await startMockTencentApi({ sdkAppId: Number(DEMO_SDKAPPID), secretKey: DEMO_SECRET_KEY, latencyMs: { min: 20, max: 60 } });
process.stderr.write(`demo: mock Tencent API at ${mock.url}; seeding jobs/demo.jsonl (2,000 rooms) at up to 200 calls/s\n`);
Object.assign(process.env, {
  REDIS_URL: redisUrl,
  KEY_PREFIX: DEMO_PREFIX,
  TIM_SDKAPPID: DEMO_SDKAPPID,
  TIM_SECRET_KEY: DEMO_SECRET_KEY,
  TIM_BASE_URL: mock.url,
  BACKOFF_DELAY_MS: process.env['BACKOFF_DELAY_MS'] ?? '200',
  LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'error',
});
// The compiled CLI, as production runs it (`npm run demo` builds dist/ first).
const compiled = new URL('../dist/cli/main.js', import.meta.url).href;
const { main } = (await import(compiled)) as typeof CliModule;
const code = await main(['run', 'jobs/demo.jsonl']);
const s = mock.stats();
process.stdout.write(
  `  mock API saw  ${s.calls} calls, busiest second ${s.busiestSecond} calls, ${s.refusedForRate} refused for rate, ${mock.rooms()} rooms hold robots\n`,
);
if (ownRedis === undefined) {
  process.stdout.write(`  next          KEY_PREFIX='${DEMO_PREFIX}' npm run -s cli -- dlq list   shows the dead letters and why\n`);
}
await mock.close();
await ownRedis?.close();
process.exit(code);
