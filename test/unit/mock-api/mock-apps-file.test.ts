import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSeederError } from '../../../src/errors/seeder-error.js';
import { readMockAppsFile } from '../../../src/mock-api/mock-apps-file.js';

const ENV = { TIM_SECRET_KEY_ALPHA: 'alpha-key', TIM_SECRET_KEY_BETA: ' beta-key ', BLANK: '  ' };

let dir: string;
let fileCount = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rs-mock-apps-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the text (a value is written as JSON) to a file of its own and returns its path. */
async function appsFile(content: unknown): Promise<string> {
  fileCount += 1;
  const path = join(dir, `apps-${fileCount}.json`);
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The CONFIG_INVALID message reading the file ends with. */
async function problemsOf(path: string): Promise<string> {
  const err: unknown = await readMockAppsFile(path, ENV).then(
    () => new Error('the file was accepted'),
    (e: unknown) => e,
  );
  if (!isSeederError(err) || err.code !== 'CONFIG_INVALID') throw err;
  return err.message;
}

describe('readMockAppsFile (APPS_FILE for mock-api)', () => {
  it("reads each app's fields and its key from the variable secretKeyEnv names, ignoring the workers' fields", async () => {
    const path = await appsFile({
      apps: [
        {
          name: 'alpha',
          sdkAppId: 1400000001,
          secretKeyEnv: 'TIM_SECRET_KEY_ALPHA',
          admin: 'administrator',
          ratePerSecond: 200,
          region: 'singapore',
          baseUrl: 'https://adminapisgp.im.qcloud.com',
        },
        { name: 'beta', sdkAppId: 1400000002, secretKeyEnv: 'TIM_SECRET_KEY_BETA' },
      ],
    });
    expect(await readMockAppsFile(path, ENV)).toEqual([
      { sdkAppId: 1400000001, secretKey: 'alpha-key', admin: 'administrator', ratePerSecond: 200 },
      { sdkAppId: 1400000002, secretKey: 'beta-key', admin: undefined, ratePerSecond: undefined },
    ]);
  });

  it('lists every problem of every entry in one error that names the file', async () => {
    const path = await appsFile({
      apps: [
        { sdkAppId: '1400000001', secretKeyEnv: 'TIM_SECRET_KEY_ALPHA', admin: 7 },
        { sdkAppId: 1400000002, secretKeyEnv: 'NOT_SET' },
        { sdkAppId: 1400000003, secretKeyEnv: 'BLANK', ratePerSecond: '200' },
        { sdkAppId: 1400000004 },
        'not an app',
        { sdkAppId: 0, secretKeyEnv: 'TIM_SECRET_KEY_ALPHA', ratePerSecond: 0 },
      ],
    });
    const message = await problemsOf(path);
    expect(message).toContain(JSON.stringify(path));
    for (const problem of [
      'Expected `apps[0].sdkAppId` to be a number, got "1400000001"',
      'Expected `apps[0].admin` to be a string, got 7',
      '`apps[1].secretKeyEnv` names NOT_SET, which is not set',
      '`apps[2].secretKeyEnv` names BLANK, which is not set',
      'Expected `apps[2].ratePerSecond` to be a number, got "200"',
      'Expected `apps[3].secretKeyEnv` to be the name of the environment variable holding the secret key, got nothing',
      'Expected `apps[4]` to be an object, got "not an app"',
      'Expected `apps[5].sdkAppId` to be a positive integer, got `0`',
      'Expected `apps[5].ratePerSecond` to be a positive integer, got `0`',
    ]) {
      expect(message).toContain(problem);
    }
    // Keys are never echoed.
    expect(message).not.toContain('alpha-key');
  });

  it('refuses an SDKAppID given twice', async () => {
    const path = await appsFile({
      apps: [
        { sdkAppId: 1400000001, secretKeyEnv: 'TIM_SECRET_KEY_ALPHA' },
        { sdkAppId: 1400000001, secretKeyEnv: 'TIM_SECRET_KEY_BETA' },
      ],
    });
    expect(await problemsOf(path)).toContain('`apps[1].sdkAppId` 1400000001 is also `apps[0].sdkAppId`');
  });

  it('refuses a file without apps, one that is not JSON, and one that is not there', async () => {
    expect(await problemsOf(await appsFile({ apps: [] }))).toContain('Expected `apps` to be a non-empty list of apps, got []');
    expect(await problemsOf(await appsFile([{ sdkAppId: 1 }]))).toContain('Expected `apps` to be a non-empty list of apps, got nothing');
    expect(await problemsOf(await appsFile('{"apps": ['))).toContain('is not valid JSON');
    const missing = join(dir, 'missing.json');
    expect(await problemsOf(missing)).toContain(`cannot read ${JSON.stringify(missing)} (ENOENT)`);
  });
});
