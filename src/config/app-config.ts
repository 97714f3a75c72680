import type { AppConfig, SeederConfig } from './seeder-config.js';

/**
 * The name of the app the TIM_* variables define (no APPS_FILE). An app of APPS_FILE with this
 * name keeps the keys of KEY_PREFIX itself, so a single-app deployment moves to an apps file
 * without losing its queue, dead letters, campaigns or rate.
 */
export const DEFAULT_APP_NAME = 'default';

/** The keys of app `name` under KEY_PREFIX `base`: the hash tag stays first, so a Redis Cluster keeps them in one slot. */
export function appKeyPrefix(base: string, name: string): string {
  return name === DEFAULT_APP_NAME ? base : `${base}-${name}`;
}

/**
 * The configuration as one app's machinery reads it: the key prefix, rate, SDKAppID and Tencent
 * settings are the app's. A worker, a queue or a campaign store built from it serves that app
 * alone, exactly as a single-app deployment does.
 */
export function appScope(config: SeederConfig, app: AppConfig): SeederConfig {
  return Object.freeze({
    ...config,
    keyPrefix: app.keyPrefix,
    rateLimitPerSecond: app.rateLimitPerSecond,
    sdkAppId: app.sdkAppId,
    tencent: app.tencent,
    apps: Object.freeze([app]),
  });
}

/**
 * Whether what robot-seeder reports names each app (`status --json`'s and GET /v1/status's `apps`,
 * the dashboard's queue names, `dlq list`'s app column): with APPS_FILE. Without it the one app,
 * `default`, is reported in the shapes of before apps existed, which scripts rely on.
 */
export function reportsApps(config: SeederConfig): boolean {
  return config.appsFile !== null;
}
