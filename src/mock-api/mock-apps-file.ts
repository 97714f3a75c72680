import { readFile } from 'node:fs/promises';
import { SeederError } from '../errors/seeder-error.js';
import { mockAppProblems, type MockAppOptions, type NamedMockApp } from './mock-options.js';

const HINT = 'fix APPS_FILE (or unset it to serve the one app of TIM_SDKAPPID and TIM_SECRET_KEY), then start again';

/**
 * Reads the apps `mock-api` serves from APPS_FILE, the file the workers read:
 * `{"apps": [{"sdkAppId": 1400000001, "secretKeyEnv": "TIM_SECRET_KEY_ALPHA", "admin": "administrator", "ratePerSecond": 200}]}`,
 * each secret key read from the environment variable its entry names. Only the fields the mock
 * needs are read (others, such as name, region and baseUrl, are the workers' business), so the
 * mock keeps a small reading of its own; every problem is listed in one error, with the path.
 */
export async function readMockAppsFile(path: string, env: Readonly<Record<string, string | undefined>>): Promise<MockAppOptions[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new SeederError('CONFIG_INVALID', `APPS_FILE: cannot read ${JSON.stringify(path)} (${code})`, { hint: HINT, cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new SeederError('CONFIG_INVALID', `APPS_FILE: ${JSON.stringify(path)} is not valid JSON (${detail})`, { hint: HINT });
  }

  const problems: string[] = [];
  const apps = isRecord(value) ? value['apps'] : undefined;
  const entries = Array.isArray(apps) ? (apps as unknown[]) : [];
  if (entries.length === 0) problems.push(expected('apps', 'a non-empty list of apps', apps));
  const named = entries.flatMap((entry, index) => readEntry(entry, `apps[${index}]`, env, problems) ?? []);
  // Values are checked once every entry had the right types, with the rules the mock's options follow.
  problems.push(...mockAppProblems(named));
  if (problems.length > 0) {
    throw new SeederError('CONFIG_INVALID', `APPS_FILE ${JSON.stringify(path)} has problems:\n  - ${problems.join('\n  - ')}`, {
      hint: HINT,
    });
  }
  return named.map(({ app }) => app);
}

/** The entry as an app, or null (its problems listed) when a field has the wrong type or its key is not set. */
function readEntry(entry: unknown, at: string, env: Readonly<Record<string, string | undefined>>, problems: string[]): NamedMockApp | null {
  if (!isRecord(entry)) {
    problems.push(expected(at, 'an object', entry));
    return null;
  }
  const problemsBefore = problems.length;
  const field = <T>(name: string, is: (v: unknown) => v is T, what: string, optional = false): T | undefined => {
    const v = entry[name];
    if (is(v)) return v;
    if (!(optional && v === undefined)) problems.push(expected(`${at}.${name}`, what, v));
    return undefined;
  };
  const sdkAppId = field('sdkAppId', isNumber, 'a number');
  const secretKeyEnv = field('secretKeyEnv', isNonEmptyString, 'the name of the environment variable holding the secret key');
  const admin = field('admin', isString, 'a string', true);
  const ratePerSecond = field('ratePerSecond', isNumber, 'a number', true);

  // Trimmed, as loadConfig reads TIM_SECRET_KEY.
  const secretKey = secretKeyEnv === undefined ? undefined : env[secretKeyEnv]?.trim();
  if (secretKeyEnv !== undefined && (secretKey === undefined || secretKey === '')) {
    problems.push(`\`${at}.secretKeyEnv\` names ${secretKeyEnv}, which is not set: export the app's secret key in it`);
  }
  if (sdkAppId === undefined || secretKey === undefined || problems.length > problemsBefore) return null;
  return { app: { sdkAppId, secretKey, admin, ratePerSecond }, prefix: `${at}.` };
}

function expected(name: string, what: string, got: unknown): string {
  const shown = got === undefined ? 'nothing' : JSON.stringify(got);
  return `Expected \`${name}\` to be ${what}, got ${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown}`;
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNumber(v: unknown): v is number {
  return typeof v === 'number';
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v !== '';
}
