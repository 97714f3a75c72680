import { describe, expect, it } from 'vitest';
import { isSeederError } from '../../../src/errors/seeder-error.js';
import { resolveMockOptions, type MockTencentApiOptions } from '../../../src/mock-api/mock-options.js';

/** The message of the CONFIG_INVALID error resolveMockOptions throws for these options. */
function problemsOf(options: MockTencentApiOptions): string {
  try {
    resolveMockOptions(options);
  } catch (err) {
    if (isSeederError(err) && err.code === 'CONFIG_INVALID') return err.message;
    throw err;
  }
  throw new Error('resolveMockOptions accepted the options');
}

describe('resolveMockOptions: the apps the mock serves', () => {
  it('makes the single-app options a list of one app, with the defaults', () => {
    const resolved = resolveMockOptions({ sdkAppId: 1400000001, secretKey: 'key-a' });
    expect(resolved.apps).toEqual([{ sdkAppId: 1400000001, secretKey: 'key-a', admin: 'administrator', ratePerSecond: 200 }]);
    expect(resolved).toMatchObject({ latencyMs: { min: 5, max: 20 }, slowAnswerMs: 8000, maxAccountsPerCall: 500, port: 0 });
  });

  it('takes several apps in `apps`, each with its own admin and rate, and the defaults where they give none', () => {
    const resolved = resolveMockOptions({
      apps: [
        { sdkAppId: 1400000001, secretKey: 'key-a' },
        { sdkAppId: 1400000002, secretKey: 'key-b', admin: 'boss', ratePerSecond: 50 },
      ],
      port: 8080,
    });
    expect(resolved.apps).toEqual([
      { sdkAppId: 1400000001, secretKey: 'key-a', admin: 'administrator', ratePerSecond: 200 },
      { sdkAppId: 1400000002, secretKey: 'key-b', admin: 'boss', ratePerSecond: 50 },
    ]);
    expect(resolved.port).toBe(8080);
  });

  it("lists every bad app field in one error, named by the app's place in the list", () => {
    const message = problemsOf({
      apps: [
        { sdkAppId: 0, secretKey: '' },
        { sdkAppId: 1400000002, secretKey: 'key-b', admin: '', ratePerSecond: 1.5 },
      ],
      latencyMs: { min: 10, max: 5 },
    });
    for (const name of ['apps[0].sdkAppId', 'apps[0].secretKey', 'apps[1].admin', 'apps[1].ratePerSecond', 'latencyMs.max']) {
      expect(message).toContain(`\`${name}\``);
    }
    expect(message).not.toContain('apps[1].sdkAppId');
  });

  it('refuses an SDKAppID given twice, naming both places', () => {
    const message = problemsOf({
      apps: [
        { sdkAppId: 1400000001, secretKey: 'key-a' },
        { sdkAppId: 1400000002, secretKey: 'key-b' },
        { sdkAppId: 1400000001, secretKey: 'key-c' },
      ],
    });
    expect(message).toContain('`apps[2].sdkAppId` 1400000001 is also `apps[0].sdkAppId`');
  });

  it('refuses an empty list of apps', () => {
    expect(problemsOf({ apps: [] })).toContain('Expected `apps` to be a non-empty list');
  });

  it('refuses `apps` beside the single-app fields, which it replaces', () => {
    const message = problemsOf({ sdkAppId: 1400000001, secretKey: 'key-a', apps: [{ sdkAppId: 1400000002, secretKey: 'key-b' }] });
    expect(message).toContain('`apps` replaces `sdkAppId`, `secretKey`');
  });

  it('keeps naming the single-app fields without a prefix', () => {
    const message = problemsOf({ sdkAppId: -1, secretKey: '', ratePerSecond: 0 });
    for (const name of ['sdkAppId', 'secretKey', 'ratePerSecond']) expect(message).toContain(`\`${name}\``);
  });
});
