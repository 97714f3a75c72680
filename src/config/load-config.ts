import { SeederError } from '../errors/seeder-error.js';
import { REGION_NAMES, regionBaseUrl, type Region } from '../domain/regions.js';
import {
  DEFAULT_MAX_ROBOTS_PER_CALL,
  DEFAULT_MAX_ROBOTS_PER_LINE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_USERSIG_TTL_SECONDS,
  TENCENT_BACKEND_TIMEOUT_MS,
} from '../domain/limits.js';
import { EnvReader } from './env-reader.js';
import { DEFAULT_APP_NAME } from './app-config.js';
import { readAppsFile } from './apps-file.js';
import { checkBaseUrl } from './base-url.js';
import type { AppConfig, HttpConfig, SeederConfig, TencentConfig } from './seeder-config.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
const CALLBACK_AUTH_MODES = ['token', 'none'] as const;
/** Tencent's console takes callback tokens of 1 to 128 characters; we want at least 16 of them. */
const MIN_CALLBACK_TOKEN_LENGTH = 16;
const MAX_CALLBACK_TOKEN_LENGTH = 128;

export interface LoadConfigOptions {
  /** Whether the command calls Tencent, so that the TIM_* settings are required. */
  readonly tencent: boolean;
  /** Whether the command serves HTTP (`serve`), so that API_TOKENS is required. */
  readonly http?: boolean;
  /** Whether the command acts on an app's shared state (`rate`: its limiter), so that TIM_SDKAPPID is required. */
  readonly app?: boolean;
}

/**
 * Resolves the configuration once: defaults < environment < CLI flags (the CLI writes its
 * flags into the record under the variables' names). Every problem is reported in one
 * SeederError('CONFIG_INVALID'); the result is frozen. Secrets are never echoed.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, options: LoadConfigOptions): SeederConfig {
  const r = new EnvReader(env);
  const keyPrefix = r.string('KEY_PREFIX', '{robot-seeder}');
  const rateLimitPerSecond = r.integer('RATE_LIMIT_PER_SECOND', 200, 1, 100_000);
  const appsFile = r.raw('APPS_FILE') ?? null;
  const defaults = { keyPrefix, rateLimitPerSecond };
  const apps = appsFile === null ? [readTimApp(r, options, defaults)] : readAppsFrom(appsFile, r, env, options, defaults);
  // Without APPS_FILE the one app's settings are the configuration's own, as before apps existed.
  const timApp = appsFile === null ? apps[0] : undefined;
  const config: SeederConfig = {
    redisUrl: r.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
    redisCluster: r.boolean('REDIS_CLUSTER', false),
    keyPrefix,
    rateLimitPerSecond,
    workerConcurrency: r.integer('WORKER_CONCURRENCY', 50, 1, 10_000),
    workerMaxConcurrency: r.integer('WORKER_MAX_CONCURRENCY', 500, 1, 10_000),
    workerYoungGenerationMb: r.integer('WORKER_YOUNG_GENERATION_MB', 16, 0, 1024),
    maxRobotsPerCall: r.integer('MAX_ROBOTS_PER_CALL', DEFAULT_MAX_ROBOTS_PER_CALL, 1, 10_000),
    maxRobotsPerLine: r.integer('MAX_ROBOTS_PER_LINE', DEFAULT_MAX_ROBOTS_PER_LINE, 1, 1_000_000),
    enqueueMemoryMb: r.integer('ENQUEUE_MEMORY_MB', 64, 0, 1_048_576),
    jobAttempts: r.integer('JOB_ATTEMPTS', 8, 1, 1000),
    deadLetterRetentionDays: r.integer('DEAD_LETTER_RETENTION_DAYS', 30, 0, 36_500),
    backoffDelayMs: r.integer('BACKOFF_DELAY_MS', 1000, 1, 3_600_000),
    slowDownDelayMs: r.integer('SLOW_DOWN_DELAY_MS', 1000, 1, 3_600_000),
    slowDownGiveUpMs: r.integer('SLOW_DOWN_GIVE_UP_MS', 600_000, 1000, 7 * 86_400_000),
    runApiUnreachableMs: r.integer('RUN_API_UNREACHABLE_MS', 60_000, 1000, 7 * 86_400_000),
    logLevel: r.oneOf('LOG_LEVEL', 'info', LOG_LEVELS),
    sdkAppId: options.app === true ? (timApp?.sdkAppId ?? null) : null,
    tencent: timApp?.tencent ?? null,
    appsFile,
    apps,
    http: options.http === true ? readHttp(r) : null,
    metrics: readMetricsListener(r),
  };
  if (config.workerMaxConcurrency < config.workerConcurrency) {
    r.problems.push(
      `WORKER_MAX_CONCURRENCY: ${config.workerMaxConcurrency} is below WORKER_CONCURRENCY (${config.workerConcurrency}); raise it or lower the other`,
    );
  }
  if (config.redisCluster && !/^[^{]*\{[^}]+\}/.test(config.keyPrefix)) {
    r.problems.push(
      `KEY_PREFIX: with REDIS_CLUSTER=true it must contain a hash tag such as {robot-seeder}, so all keys share one slot; got ${JSON.stringify(config.keyPrefix)}`,
    );
  }
  if (config.keyPrefix.includes(':')) {
    r.problems.push(`KEY_PREFIX: must not contain ":" (BullMQ separates its keys with it), got ${JSON.stringify(config.keyPrefix)}`);
  }
  if (r.problems.length > 0) {
    // A variable read by two sections (TIM_SDKAPPID) reports its problem once.
    const problems = [...new Set(r.problems)];
    throw new SeederError('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`, {
      hint: 'set these environment variables (or the matching flags) and run again; see the configuration table in README.md',
    });
  }
  return deepFreeze(config);
}

/** The TIM_* app: the one app of a deployment without APPS_FILE, exactly as before apps existed. */
function readTimApp(r: EnvReader, options: LoadConfigOptions, { keyPrefix, rateLimitPerSecond }: AppDefaults): AppConfig {
  const needsId = options.tencent || options.http === true || options.app === true;
  const sdkAppId = needsId ? readSdkAppId(r) : null;
  return {
    name: DEFAULT_APP_NAME,
    sdkAppId,
    keyPrefix,
    rateLimitPerSecond,
    tencent: options.tencent ? readTencent(r, sdkAppId ?? 0) : null,
  };
}

/** The variables of the TIM_* app, which APPS_FILE replaces: each app sets its own in the file. */
const TIM_APP_VARIABLES = ['TIM_SDKAPPID', 'TIM_SECRET_KEY', 'TIM_USERSIG', 'TIM_ADMIN', 'TIM_REGION', 'TIM_BASE_URL'] as const;

function readAppsFrom(
  file: string,
  r: EnvReader,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadConfigOptions,
  base: AppDefaults,
): AppConfig[] {
  for (const name of TIM_APP_VARIABLES) {
    if (r.raw(name) !== undefined) {
      r.problems.push(
        `${name}: not used when APPS_FILE is set (each app of the file has its own settings); unset it, or move it into ${file}`,
      );
    }
  }
  return readAppsFile(file, { ...base, env, calls: options.tencent ? readCallSettings(r) : null }, r.problems);
}

interface AppDefaults {
  readonly keyPrefix: string;
  readonly rateLimitPerSecond: number;
}

/** What every app's calls share: the request timeout and the UserSigs' validity. */
function readCallSettings(r: EnvReader): Pick<TencentConfig, 'requestTimeoutMs' | 'userSigTtlSeconds'> {
  const requestTimeoutMs = r.integer('REQUEST_TIMEOUT_MS', DEFAULT_REQUEST_TIMEOUT_MS, 1, 120_000);
  if (requestTimeoutMs <= TENCENT_BACKEND_TIMEOUT_MS) {
    r.problems.push(
      `REQUEST_TIMEOUT_MS: must be more than ${TENCENT_BACKEND_TIMEOUT_MS} (Tencent's own back-end timeout is 3 s: a call given up earlier is sent again while Tencent may still carry it out), got ${requestTimeoutMs}; leave it unset for ${DEFAULT_REQUEST_TIMEOUT_MS}`,
    );
  }
  return { requestTimeoutMs, userSigTtlSeconds: r.integer('USERSIG_TTL_SECONDS', DEFAULT_USERSIG_TTL_SECONDS, 300, 180 * 86_400) };
}

function readTencent(r: EnvReader, sdkAppId: number): TencentConfig {
  const secretKey = r.raw('TIM_SECRET_KEY') ?? null;
  const userSig = r.raw('TIM_USERSIG') ?? null;
  if (secretKey === null && userSig === null) {
    r.problems.push('TIM_SECRET_KEY: required (or a ready TIM_USERSIG): the key from the Chat console, used to sign UserSigs');
  }
  const region: Region = r.oneOf('TIM_REGION', 'china', REGION_NAMES);
  const baseUrl = r.raw('TIM_BASE_URL');
  return {
    sdkAppId,
    secretKey,
    userSig: secretKey === null ? userSig : null,
    admin: r.string('TIM_ADMIN', 'administrator'),
    baseUrl: (baseUrl === undefined ? regionBaseUrl(region) : checkBaseUrl('TIM_BASE_URL', baseUrl, r.problems)) ?? '',
    ...readCallSettings(r),
  };
}

function readSdkAppId(r: EnvReader): number {
  if (r.raw('TIM_SDKAPPID') === undefined) {
    r.problems.push('TIM_SDKAPPID: required: the SDKAppID of your Chat application (Chat console → Applications)');
    return 0;
  }
  return r.integer('TIM_SDKAPPID', 0, 1, 4_294_967_295);
}

function readHttp(r: EnvReader): HttpConfig {
  const apiTokens = list(r.raw('API_TOKENS'));
  if (apiTokens.length === 0) {
    r.problems.push(
      'API_TOKENS: required for serve: one or more comma-separated bearer tokens clients must send (Authorization: Bearer <token>)',
    );
  } else if (apiTokens.some((t) => t.length < 16)) {
    r.problems.push('API_TOKENS: every token must be at least 16 characters (generate one with: openssl rand -hex 24)');
  }
  const autoSeedRobots = list(r.raw('AUTO_SEED_ROBOTS'));
  const seedRulesFile = r.raw('SEED_RULES_FILE') ?? null;
  return {
    host: r.string('HOST', '0.0.0.0'),
    port: r.integer('PORT', 8080, 0, 65_535),
    apiTokens,
    bodyLimitBytes: r.integer('BODY_LIMIT_BYTES', 1_048_576, 1024, 256 * 1_048_576),
    idempotencyKeysPerToken: r.integer('IDEMPOTENCY_KEYS_PER_TOKEN', 10_000, 1, 10_000_000),
    ...readCallbackAuth(r, autoSeedRobots.length > 0 || seedRulesFile !== null),
    autoSeedRobots,
    seedRulesFile,
  };
}

/**
 * CALLBACK_TOKEN and CALLBACK_AUTH: callbacks are authenticated by the token's Sign, or accepted
 * unsigned only when CALLBACK_AUTH=none says so. Seeding from callbacks with neither is refused
 * here, at start; without seeding configured the route refuses unsigned callbacks itself.
 */
function readCallbackAuth(r: EnvReader, seedsFromCallbacks: boolean): Pick<HttpConfig, 'callbackToken' | 'callbackAuth'> {
  const callbackToken = r.raw('CALLBACK_TOKEN') ?? null;
  const callbackAuth = r.oneOf('CALLBACK_AUTH', 'token', CALLBACK_AUTH_MODES);
  if (callbackToken !== null && (callbackToken.length < MIN_CALLBACK_TOKEN_LENGTH || callbackToken.length > MAX_CALLBACK_TOKEN_LENGTH)) {
    r.problems.push(
      `CALLBACK_TOKEN: must be ${MIN_CALLBACK_TOKEN_LENGTH} to ${MAX_CALLBACK_TOKEN_LENGTH} characters (the Chat console takes up to 128); generate one with: openssl rand -hex 24, and set it both in the console (webhook authentication) and here`,
    );
  }
  if (callbackToken !== null && callbackAuth === 'none') {
    r.problems.push(
      'CALLBACK_AUTH: none contradicts CALLBACK_TOKEN, which is set: unset CALLBACK_AUTH to check the Sign of every callback, or unset CALLBACK_TOKEN',
    );
  }
  if (callbackToken === null && callbackAuth === 'token' && seedsFromCallbacks) {
    r.problems.push(
      'CALLBACK_TOKEN: required when callbacks seed rooms (AUTO_SEED_ROBOTS or SEED_RULES_FILE is set), or anyone who reaches /v1/callbacks/tencent could add robots to any group: set the webhook authentication token of the Chat console in CALLBACK_TOKEN, or set CALLBACK_AUTH=none to accept unsigned callbacks (only where nothing but Tencent can reach the service)',
    );
  }
  return { callbackToken, callbackAuth };
}

function readMetricsListener(r: EnvReader): SeederConfig['metrics'] {
  if (r.raw('METRICS_PORT') === undefined) return null;
  return { host: r.string('METRICS_HOST', '0.0.0.0'), port: r.integer('METRICS_PORT', 0, 0, 65_535) };
}

function list(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function deepFreeze<T extends object>(o: T): Readonly<T> {
  for (const v of Object.values(o)) if (typeof v === 'object' && v !== null) deepFreeze(v as object);
  return Object.freeze(o);
}
