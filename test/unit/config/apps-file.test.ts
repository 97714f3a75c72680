import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appScope } from '../../../src/config/app-config.js';
import { findApp } from '../../../src/config/find-app.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { configProblems } from '../../support/config-problems.js';

const dir = mkdtempSync(join(tmpdir(), 'rs-apps-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function appsFile(content: unknown): string {
  const path = join(dir, `apps-${(files += 1)}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const ALPHA = { name: 'alpha', sdkAppId: 1400000001, secretKeyEnv: 'KEY_ALPHA', region: 'singapore' };
const BETA = { name: 'beta', sdkAppId: 1400000002, secretKeyEnv: 'KEY_BETA', baseUrl: 'http://127.0.0.1:9999/', ratePerSecond: 120 };
const KEYS = { KEY_ALPHA: 'alpha-secret-key', KEY_BETA: 'beta-secret-key' };

const problemsOf = configProblems;

describe('APPS_FILE', () => {
  it('defines each app with its own keys, region, rate and key prefix; the secret comes from the variable the file names', () => {
    const c = loadConfig({ APPS_FILE: appsFile({ apps: [ALPHA, BETA] }), KEY_PREFIX: '{rs}', ...KEYS }, { tencent: true });
    expect(c.apps.map((a) => [a.name, a.sdkAppId, a.keyPrefix, a.rateLimitPerSecond])).toEqual([
      ['alpha', 1400000001, '{rs}-alpha', 200],
      ['beta', 1400000002, '{rs}-beta', 120],
    ]);
    expect(c.apps[0]?.tencent).toMatchObject({
      secretKey: 'alpha-secret-key',
      admin: 'administrator',
      baseUrl: 'https://adminapisgp.im.qcloud.com',
    });
    expect(c.apps[1]?.tencent).toMatchObject({ secretKey: 'beta-secret-key', baseUrl: 'http://127.0.0.1:9999' });
    // The top-level TIM_* settings belong to no app when the file defines them.
    expect(c.tencent).toBeNull();
    const beta = appScope(c, findApp(c, 'beta'));
    expect([beta.keyPrefix, beta.rateLimitPerSecond, beta.sdkAppId, beta.tencent?.secretKey]).toEqual([
      '{rs}-beta',
      120,
      1400000002,
      'beta-secret-key',
    ]);
  });

  it('needs no secret key for commands that do not call Tencent', () => {
    const c = loadConfig({ APPS_FILE: appsFile({ apps: [ALPHA, BETA] }) }, { tencent: false });
    expect(c.apps.map((a) => a.tencent)).toEqual([null, null]);
  });

  it('an app named default keeps KEY_PREFIX itself, so a single-app deployment moves to a file without losing its keys', () => {
    const c = loadConfig({ APPS_FILE: appsFile({ apps: [{ ...ALPHA, name: 'default' }, BETA] }), KEY_PREFIX: '{rs}' }, { tencent: false });
    expect(c.apps.map((a) => a.keyPrefix)).toEqual(['{rs}', '{rs}-beta']);
  });

  it('lists every problem of the file at once, each saying where, and never echoes a secret', () => {
    const message = problemsOf(
      {
        APPS_FILE: appsFile({
          apps: [
            { ...ALPHA, region: 'mars', extra: 1 },
            { ...BETA, name: 'Beta!', sdkAppId: 'x', baseUrl: 'http://10.0.0.1' },
            { ...ALPHA, secretKeyEnv: 'KEY_MISSING' },
          ],
        }),
        ...KEYS,
      },
      { tencent: true },
    );
    expect(message).toContain('apps[0] (alpha): unknown field "extra"');
    expect(message).toContain('apps[0] (alpha).region: expected one of china,');
    expect(message).toContain('apps[1].name: expected 1 to 32 of a-z');
    expect(message).toContain(".sdkAppId: expected the app's SDKAppID");
    expect(message).toContain('.baseUrl: must be https://');
    expect(message).toContain('KEY_MISSING: required: the secret key of app "alpha"');
    expect(message).not.toContain('alpha-secret-key');
  });

  it('refuses two apps of one name or one SDKAppID', () => {
    const message = problemsOf(
      { APPS_FILE: appsFile({ apps: [ALPHA, { ...BETA, name: 'alpha', sdkAppId: ALPHA.sdkAppId }] }) },
      { tencent: false },
    );
    expect(message).toContain('name "alpha" appears twice');
    expect(message).toContain('sdkAppId 1400000001 appears twice');
  });

  it('refuses a file that is missing, not JSON or without apps, and TIM_* app variables beside it', () => {
    expect(problemsOf({ APPS_FILE: join(dir, 'nosuch.json') }, { tencent: false })).toContain('cannot be read (ENOENT); check the path');
    expect(problemsOf({ APPS_FILE: appsFile('{"apps": [') }, { tencent: false })).toContain('not valid JSON');
    expect(problemsOf({ APPS_FILE: appsFile({ apps: [] }) }, { tencent: false })).toContain(
      'expected {"apps": [ ... ]} with at least one app',
    );
    expect(problemsOf({ APPS_FILE: appsFile({ apps: [ALPHA] }), TIM_SDKAPPID: '1400000000' }, { tencent: false })).toContain(
      'TIM_SDKAPPID: not used when APPS_FILE is set',
    );
  });

  it("without APPS_FILE the TIM_* variables define one app, default, with the configuration's own settings", () => {
    const c = loadConfig({ TIM_SDKAPPID: '1400000000', TIM_SECRET_KEY: 'k', RATE_LIMIT_PER_SECOND: '150' }, { tencent: true });
    expect(c.apps).toHaveLength(1);
    expect(c.apps[0]).toMatchObject({ name: 'default', sdkAppId: 1400000000, keyPrefix: '{robot-seeder}', rateLimitPerSecond: 150 });
    expect(c.apps[0]?.tencent).toEqual(c.tencent);
    expect(findApp(c, undefined)).toBe(c.apps[0]);
  });

  it('work names its app: several apps need a name, an unknown one is refused with the list', () => {
    const c = loadConfig({ APPS_FILE: appsFile({ apps: [ALPHA, BETA] }) }, { tencent: false });
    expect(findApp(c, 'beta').sdkAppId).toBe(1400000002);
    expect(() => findApp(c, undefined)).toThrow('several apps are configured (alpha, beta): say which one with --app NAME');
    expect(() => findApp(c, 'gamma')).toThrow('unknown app "gamma"; the apps configured are: alpha, beta');
  });
});

describe('the documented example', () => {
  it('docs/apps.example.json loads as it is shown, each key from the variable it names', () => {
    const path = new URL('../../../docs/apps.example.json', import.meta.url).pathname;
    const c = loadConfig({ APPS_FILE: path, TIM_SECRET_KEY_MAINLAND: 'k1', TIM_SECRET_KEY_INTL: 'k2' }, { tencent: true });
    expect(c.apps.map((a) => [a.name, a.tencent?.secretKey, a.tencent?.baseUrl])).toEqual([
      ['mainland', 'k1', 'https://console.tim.qq.com'],
      ['intl', 'k2', 'https://adminapisgp.im.qcloud.com'],
    ]);
  });
});
