import { readFileSync } from 'node:fs';
import { REGION_NAMES, regionBaseUrl, type Region } from '../domain/regions.js';
import { appKeyPrefix } from './app-config.js';
import { checkBaseUrl } from './base-url.js';
import type { AppConfig, TencentConfig } from './seeder-config.js';

/** What every app of the file shares, from the environment. */
export interface AppsFileContext {
  /** KEY_PREFIX: each app's keys go under KEY_PREFIX-NAME (`default`: KEY_PREFIX itself). */
  readonly keyPrefix: string;
  /** RATE_LIMIT_PER_SECOND: the rate of an app without `ratePerSecond`. */
  readonly rateLimitPerSecond: number;
  /** The Tencent settings that are not per app (timeouts, UserSig validity), or null when the command calls no one. */
  readonly calls: Pick<TencentConfig, 'requestTimeoutMs' | 'userSigTtlSeconds'> | null;
  /** Where the secret keys are read, by the variable names the file gives. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

const FIELDS = ['name', 'sdkAppId', 'secretKeyEnv', 'admin', 'region', 'baseUrl', 'ratePerSecond'] as const;
/** Lower-case, so that it is safe in Redis keys, metric labels, URLs and file names alike. */
const NAME = /^[a-z][a-z0-9_-]{0,31}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_SDKAPPID = 4_294_967_295;
const MAX_RATE = 100_000;

/**
 * Reads APPS_FILE: `{"apps": [{"name", "sdkAppId", "secretKeyEnv", "admin"?, "region"?, "baseUrl"?,
 * "ratePerSecond"?}]}`. The secret key is read from the variable `secretKeyEnv` names, never from
 * the file. Every problem is pushed to `problems`, each saying where (file, app, field).
 */
export function readAppsFile(path: string, ctx: AppsFileContext, problems: string[]): AppConfig[] {
  const where = `APPS_FILE (${path})`;
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    problems.push(
      e.code === undefined
        ? `${where}: not valid JSON (${e.message}); expected {"apps": [{"name": ..., "sdkAppId": ..., "secretKeyEnv": ...}]}`
        : `${where}: cannot be read (${e.code}); check the path`,
    );
    return [];
  }
  const list = isRecord(doc) ? doc['apps'] : undefined;
  if (!Array.isArray(list) || list.length === 0) {
    problems.push(`${where}: expected {"apps": [ ... ]} with at least one app`);
    return [];
  }
  const apps = list.flatMap((item: unknown, i) => {
    const app = readApp(item, `${where}: apps[${i}]`, ctx, problems);
    return app === null ? [] : [app];
  });
  for (const [field, pick] of [
    ['name', (a: AppConfig) => a.name],
    ['sdkAppId', (a: AppConfig) => a.sdkAppId],
  ] as const) {
    const seen = new Set<unknown>();
    for (const a of apps) {
      const v = pick(a);
      if (seen.has(v)) problems.push(`${where}: ${field} ${JSON.stringify(v)} appears twice; each app must have its own`);
      seen.add(v);
    }
  }
  return apps;
}

function readApp(item: unknown, at: string, ctx: AppsFileContext, problems: string[]): AppConfig | null {
  if (!isRecord(item)) {
    problems.push(`${at}: expected an object such as {"name": "alpha", "sdkAppId": 1400000001, "secretKeyEnv": "TIM_SECRET_KEY_ALPHA"}`);
    return null;
  }
  const before = problems.length;
  const name = item['name'];
  if (typeof name !== 'string' || !NAME.test(name)) {
    problems.push(`${at}.name: expected 1 to 32 of a-z, 0-9, _ and - starting with a letter, got ${show(name)}`);
  }
  const at2 = typeof name === 'string' ? `${at} (${name})` : at;
  for (const key of Object.keys(item)) {
    if (!(FIELDS as readonly string[]).includes(key))
      problems.push(`${at2}: unknown field ${JSON.stringify(key)}; the fields are ${FIELDS.join(', ')}`);
  }
  const sdkAppId = item['sdkAppId'];
  if (typeof sdkAppId !== 'number' || !Number.isSafeInteger(sdkAppId) || sdkAppId < 1 || sdkAppId > MAX_SDKAPPID) {
    problems.push(`${at2}.sdkAppId: expected the app's SDKAppID, a whole number from 1 to ${MAX_SDKAPPID}, got ${show(sdkAppId)}`);
  }
  const rate = item['ratePerSecond'] ?? ctx.rateLimitPerSecond;
  if (typeof rate !== 'number' || !Number.isSafeInteger(rate) || rate < 1 || rate > MAX_RATE) {
    problems.push(`${at2}.ratePerSecond: expected a whole number from 1 to ${MAX_RATE}, got ${show(rate)}`);
  }
  const admin = item['admin'] ?? 'administrator';
  if (typeof admin !== 'string' || admin === '') problems.push(`${at2}.admin: expected an App admin account, got ${show(admin)}`);
  const region = item['region'] ?? 'china';
  if (typeof region !== 'string' || !(REGION_NAMES as readonly string[]).includes(region)) {
    problems.push(`${at2}.region: expected one of ${REGION_NAMES.join(', ')}, got ${show(region)}`);
  }
  const baseUrl = readBaseUrl(item['baseUrl'], region, `${at2}.baseUrl`, problems);
  const secretKeyEnv = item['secretKeyEnv'];
  let secretKey: string | null = null;
  if (typeof secretKeyEnv !== 'string' || !ENV_NAME.test(secretKeyEnv)) {
    problems.push(
      `${at2}.secretKeyEnv: expected the name of the environment variable holding the app's secret key, got ${show(secretKeyEnv)}`,
    );
  } else if (ctx.calls !== null) {
    const value = ctx.env[secretKeyEnv]?.trim() ?? '';
    if (value === '') {
      problems.push(
        `${secretKeyEnv}: required: the secret key of app ${show(name)} (its secretKeyEnv in APPS_FILE), from the Chat console`,
      );
    } else {
      secretKey = value;
    }
  }
  if (problems.length > before) return null;
  const n = name as string;
  const id = sdkAppId as number;
  return {
    name: n,
    sdkAppId: id,
    keyPrefix: appKeyPrefix(ctx.keyPrefix, n),
    rateLimitPerSecond: rate as number,
    tencent:
      ctx.calls === null ? null : { sdkAppId: id, secretKey, userSig: null, admin: admin as string, baseUrl: baseUrl ?? '', ...ctx.calls },
  };
}

function readBaseUrl(value: unknown, region: unknown, at: string, problems: string[]): string | null {
  if (value === undefined) {
    return (REGION_NAMES as readonly unknown[]).includes(region) ? regionBaseUrl(region as Region) : null;
  }
  if (typeof value !== 'string') {
    problems.push(`${at}: expected a URL such as https://adminapisgp.im.qcloud.com, got ${show(value)}`);
    return null;
  }
  return checkBaseUrl(at, value, problems);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const s = v === undefined ? 'nothing' : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
