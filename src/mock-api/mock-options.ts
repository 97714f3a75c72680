import { SeederError } from '../errors/seeder-error.js';
import type { Logger } from '../log/logger.js';

export interface MockTencentApiOptions {
  /** The SDKAppID the mock belongs to; calls carrying another one are refused. Required. */
  readonly sdkAppId: number;
  /** The console secret key the mock checks UserSigs with. Required. */
  readonly secretKey: string;
  /** The App admin account `identifier` must name. Default `'administrator'`. */
  readonly admin?: string;
  /**
   * Calls accepted per wall-clock second (`Math.floor(Date.now() / 1000)`); the calls beyond it
   * in the same second get ErrorCode 60007. Default 200, Tencent's documented limit.
   */
  readonly ratePerSecond?: number;
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

export interface ResolvedMockOptions {
  readonly sdkAppId: number;
  readonly secretKey: string;
  readonly admin: string;
  readonly ratePerSecond: number;
  readonly latencyMs: { readonly min: number; readonly max: number };
  readonly slowAnswerMs: number;
  readonly maxAccountsPerCall: number;
  readonly host: string;
  readonly port: number;
  readonly logger: Logger | undefined;
}

/** Applies the defaults and lists every bad option in one error, so a user fixes them in one go. */
export function resolveMockOptions(options: MockTencentApiOptions): ResolvedMockOptions {
  const latencyMs = options.latencyMs ?? { min: 5, max: 20 };
  const resolved: ResolvedMockOptions = {
    sdkAppId: options.sdkAppId,
    secretKey: options.secretKey,
    admin: options.admin ?? 'administrator',
    ratePerSecond: options.ratePerSecond ?? 200,
    latencyMs: Object.freeze({ min: latencyMs.min, max: latencyMs.max }),
    slowAnswerMs: options.slowAnswerMs ?? 8000,
    maxAccountsPerCall: options.maxAccountsPerCall ?? 500,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    logger: options.logger,
  };

  const problems: string[] = [];
  const expect = (ok: boolean, name: string, what: string, got: unknown): void => {
    if (!ok) problems.push(`Expected \`${name}\` to be ${what}, got \`${String(got)}\``);
  };
  const isPositiveInt = (n: number): boolean => Number.isSafeInteger(n) && n > 0;
  const isNonNegative = (n: number): boolean => Number.isFinite(n) && n >= 0;

  expect(isPositiveInt(resolved.sdkAppId), 'sdkAppId', 'a positive integer', resolved.sdkAppId);
  expect(resolved.secretKey.length > 0, 'secretKey', 'a non-empty string', '(empty)');
  expect(resolved.admin.length > 0, 'admin', 'a non-empty string', '(empty)');
  expect(isPositiveInt(resolved.ratePerSecond), 'ratePerSecond', 'a positive integer', resolved.ratePerSecond);
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
