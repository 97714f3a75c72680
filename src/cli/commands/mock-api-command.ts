import { startMockTencentApi, type MockAppOptions } from '../../mock-api/mock-tencent-api.js';
import { createLogger } from '../../log/logger.js';
import { loadConfig } from '../../config/load-config.js';
import type { AppConfig } from '../../config/seeder-config.js';
import { integerFlag, parseCommandArgs } from '../cli-args.js';
import { EXIT } from '../exit-codes.js';
import { SeederError } from '../../errors/seeder-error.js';
import { onShutdownSignals } from '../shutdown-signals.js';
import { MOCK_API_USAGE } from '../command-help.js';

/** `mock-api`: the built-in stand-in for Tencent's REST API, for dry runs and the demo. */
export async function mockApiCommand(args: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs(
    args,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      rate: { type: 'string' },
      'latency-ms': { type: 'string' },
      'log-level': { type: 'string' },
    },
    MOCK_API_USAGE,
  );
  const env: Readonly<Record<string, string | undefined>> = {
    ...process.env,
    ...(values['log-level'] === undefined ? {} : { LOG_LEVEL: values['log-level'] }),
  };
  // The mock checks UserSigs the way Tencent does, so it reads the apps the workers read:
  // APPS_FILE when set, else the one app of the TIM_* settings.
  const config = loadConfig(env, { tencent: true });
  const { logLevel } = config;
  // Tencent's quota, 200/s, unless --rate says otherwise; with APPS_FILE, each app's ratePerSecond.
  const rate = integerFlag('rate', values.rate, 1, 1_000_000);
  const apps = config.apps.map((app) => mockApp(app, rate ?? (config.appsFile === null ? TENCENT_RATE : app.rateLimitPerSecond)));
  const logger = createLogger(logLevel);
  const latency = latencyFlag(values['latency-ms']);
  const mock = await startMockTencentApi({
    apps,
    port: integerFlag('port', values.port, 0, 65_535) ?? 0,
    host: values.host ?? '127.0.0.1',
    ...(latency === undefined ? {} : { latencyMs: latency }),
    logger,
  });
  process.stdout.write(`${mock.url}\n`);
  await new Promise<void>((resolve) => onShutdownSignals(() => resolve(), logger));
  await mock.close();
  return EXIT.ok;
}

/** Tencent's documented rate per app. */
const TENCENT_RATE = 200;

function mockApp({ tencent }: AppConfig, ratePerSecond: number): MockAppOptions {
  if (tencent === null || tencent.secretKey === null) {
    throw new SeederError(
      'CONFIG_INVALID',
      'mock-api needs TIM_SECRET_KEY (not a ready TIM_USERSIG), or APPS_FILE: it checks UserSigs the way Tencent does',
      {
        hint: "export TIM_SDKAPPID=1400000000 TIM_SECRET_KEY=any-test-key (the same values the workers use), or set APPS_FILE to the workers' apps file",
      },
    );
  }
  return { sdkAppId: tencent.sdkAppId, secretKey: tencent.secretKey, admin: tencent.admin, ratePerSecond };
}

function latencyFlag(v: string | undefined): { min: number; max: number } | undefined {
  if (v === undefined) return undefined;
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (m === null) throw new SeederError('USAGE', `--latency-ms: expected MIN or MIN-MAX in milliseconds, got ${JSON.stringify(v)}`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (max < min) throw new SeederError('USAGE', `--latency-ms: MAX (${max}) is below MIN (${min})`);
  return { min, max };
}
