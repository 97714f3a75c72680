import { SeederError } from '../errors/seeder-error.js';
import type { Logger } from '../log/logger.js';

/** One Chat application the mock serves: as at Tencent, each has its own key, admin and rate limit. */
export interface MockAppOptions {
  /** The app's SDKAppID; calls carrying it in their `sdkappid` URL parameter are this app's. Required. */
  readonly sdkAppId: number;
  /** The console secret key the app's UserSigs are checked with. Required. */
  readonly secretKey: string;
  /** The App admin account `identifier` must name. Default `'administrator'`. */
  readonly admin?: string;
  /**
   * The app's calls accepted per wall-clock second (`Math.floor(Date.now() / 1000)`); the app's
   * calls beyond it in the same second get ErrorCode 60007. Default 200, Tencent's documented limit.
   */
  readonly ratePerSecond?: number;
}

/** What the whole mock shares, whichever apps it serves. */
export interface MockServerOptions {
  /** Delay added before every answer, drawn uniformly from [min, max]. Default `{ min: 5, max: 20 }`. */
  readonly latencyMs?: { readonly min: number; readonly max: number };
  /** How late a scripted `slow` answer comes, in place of the normal latency. Default 8000 (beyond Tencent's own 3 s). */
  readonly slowAnswerMs?: number;
  /** Accounts accepted in one call; more get ErrorCode 10005. Default 500 (the member-tags API's limit). */
  readonly maxAccountsPerCall?: number;
  /** Interface to listen on. Default `'127.0.0.1'`. */
  readonly host?: string;
  /** Port to listen on; 0 picks a free one. Default 0. */
  readonly port?: number;
  /** Where the mock logs; silent when absent. */
  readonly logger?: Logger;
}

/** With `apps`, the single-app fields are left out. */
type WithoutSingleApp = { readonly [K in keyof MockAppOptions]?: never };

/**
 * Either one app given by its fields at the top (`{ sdkAppId, secretKey, ... }`), or several in
 * `apps` (`{ apps: [{ sdkAppId, secretKey, ... }, ...] }`, SDKAppIDs all different). The first
 * form allows `apps` beside the single-app fields only so that spreading a
 * `Partial<MockTencentApiOptions>` over a single app's fields (as tests do) type-checks;
 * resolveMockOptions refuses such a mix.
 */
export type MockTencentApiOptions = MockServerOptions &
  ((MockAppOptions & { readonly apps?: readonly MockAppOptions[] }) | (WithoutSingleApp & { readonly apps: readonly MockAppOptions[] }));

export interface ResolvedMockApp {
  readonly sdkAppId: number;
  readonly secretKey: string;
  readonly admin: string;
  readonly ratePerSecond: number;
}

export interface ResolvedMockOptions {
  /** At least one; a single-app mock is a list of one. */
  readonly apps: readonly ResolvedMockApp[];
  readonly latencyMs: { readonly min: number; readonly max: number };
  readonly slowAnswerMs: number;
  readonly maxAccountsPerCall: number;
  readonly host: string;
  readonly port: number;
  readonly logger: Logger | undefined;
}

/** An app and the prefix its fields are named with in problems (`''` or `'apps[2].'`). */
export interface NamedMockApp {
  readonly app: MockAppOptions;
  readonly prefix: string;
}

/** Applies the defaults and lists every bad option in one error, so a user fixes them in one go. */
export function resolveMockOptions(options: MockTencentApiOptions): ResolvedMockOptions {
  const latencyMs = options.latencyMs ?? { min: 5, max: 20 };
  const named = namedApps(options);
  const resolved: ResolvedMockOptions = {
    apps: Object.freeze(named.map(({ app }) => resolveApp(app))),
    latencyMs: Object.freeze({ min: latencyMs.min, max: latencyMs.max }),
    slowAnswerMs: options.slowAnswerMs ?? 8000,
    maxAccountsPerCall: options.maxAccountsPerCall ?? 500,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    logger: options.logger,
  };

  const problems = [...appsShapeProblems(options), ...mockAppProblems(named)];
  const expect = (ok: boolean, name: string, what: string, got: unknown): void => {
    if (!ok) problems.push(expected(name, what, got));
  };
  expect(isNonNegative(latencyMs.min), 'latencyMs.min', 'a finite number >= 0', latencyMs.min);
  expect(
    isNonNegative(latencyMs.max) && latencyMs.max >= latencyMs.min,
    'latencyMs.max',
    'a finite number >= latencyMs.min',
    latencyMs.max,
  );
  expect(isNonNegative(resolved.slowAnswerMs), 'slowAnswerMs', 'a finite number >= 0', resolved.slowAnswerMs);
  expect(isPositiveInt(resolved.maxAccountsPerCall), 'maxAccountsPerCall', 'a positive integer', resolved.maxAccountsPerCall);
  expect(
    Number.isInteger(resolved.port) && resolved.port >= 0 && resolved.port <= 65535,
    'port',
    'an integer from 0 to 65535',
    resolved.port,
  );

  if (problems.length > 0) {
    throw new SeederError('CONFIG_INVALID', `Invalid mock Tencent API options: ${problems.join('; ')}`, {
      hint: 'Fix the options passed to startMockTencentApi.',
    });
  }
  return Object.freeze(resolved);
}

/**
 * What is wrong with the apps' own settings, and SDKAppIDs given twice. Exported for the CLI's
 * APPS_FILE, whose fields carry the same names.
 */
export function mockAppProblems(apps: readonly NamedMockApp[]): string[] {
  const problems: string[] = [];
  const firstWith = new Map<number, string>();
  for (const { app, prefix } of apps) {
    const { sdkAppId, secretKey, admin, ratePerSecond } = resolveApp(app);
    if (!isPositiveInt(sdkAppId)) problems.push(expected(`${prefix}sdkAppId`, 'a positive integer', sdkAppId));
    if (secretKey.length === 0) problems.push(expected(`${prefix}secretKey`, 'a non-empty string', '(empty)'));
    if (admin.length === 0) problems.push(expected(`${prefix}admin`, 'a non-empty string', '(empty)'));
    if (!isPositiveInt(ratePerSecond)) problems.push(expected(`${prefix}ratePerSecond`, 'a positive integer', ratePerSecond));

    const first = firstWith.get(sdkAppId);
    if (first === undefined) firstWith.set(sdkAppId, prefix);
    else problems.push(`\`${prefix}sdkAppId\` ${sdkAppId} is also \`${first}sdkAppId\`: each app needs its own SDKAppID`);
  }
  return problems;
}

function namedApps(options: MockTencentApiOptions): NamedMockApp[] {
  if (isSingleApp(options)) return [{ app: options, prefix: '' }];
  return options.apps.map((app, i) => ({ app, prefix: `apps[${i}].` }));
}

/** Only the single-app form may leave `apps` out (TypeScript does not narrow the union on it by itself). */
function isSingleApp(options: MockTencentApiOptions): options is MockServerOptions & MockAppOptions {
  return options.apps === undefined;
}

/** `apps` and the single-app fields together would leave it unclear which apps to serve. */
function appsShapeProblems(options: MockTencentApiOptions): string[] {
  if (options.apps === undefined) return [];
  const problems: string[] = [];
  if (options.apps.length === 0) problems.push(expected('apps', 'a non-empty list', '[]'));
  const mixed = (['sdkAppId', 'secretKey', 'admin', 'ratePerSecond'] as const).filter((name) => options[name] !== undefined);
  if (mixed.length > 0) problems.push(`\`apps\` replaces ${mixed.map((name) => `\`${name}\``).join(', ')}: give one or the other`);
  return problems;
}

function resolveApp(app: MockAppOptions): ResolvedMockApp {
  return Object.freeze({
    sdkAppId: app.sdkAppId,
    secretKey: app.secretKey,
    admin: app.admin ?? 'administrator',
    ratePerSecond: app.ratePerSecond ?? 200,
  });
}

function expected(name: string, what: string, got: unknown): string {
  return `Expected \`${name}\` to be ${what}, got \`${String(got)}\``;
}

function isPositiveInt(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0;
}

function isNonNegative(n: number): boolean {
  return Number.isFinite(n) && n >= 0;
}
