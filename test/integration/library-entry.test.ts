import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/test-env.js';

const run = promisify(execFile);
/** What `import … from 'robot-seeder'` loads (package.json "exports"), as built by test/build-dist.ts. */
const ENTRY = fileURLToPath(new URL('../../dist/producer.js', import.meta.url));
const DIST = dirname(ENTRY);
/** Block comments and whole-line comments of compiled JS, which may well mention process.env. */
const COMMENTS = /\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm;

/** The modules a static import of `file` loads, itself included: relative imports followed, packages not. */
function importGraph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const [, target] of readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom '([^']+)'/gm)) {
    if (target?.startsWith('.') === true) importGraph(resolve(dirname(file), target), seen);
  }
  return seen;
}

/** Every variable robot-seeder's configuration reads, as loadConfig asks for them. */
function seederVariables(): Set<string> {
  const read = new Set<string>();
  const env = new Proxy<Record<string, string | undefined>>(
    {},
    {
      get(_target, key) {
        if (typeof key === 'string') read.add(key);
        return undefined;
      },
    },
  );
  try {
    loadConfig(env, { tencent: true, http: true, app: true });
  } catch {
    // CONFIG_INVALID: nothing is set. The names it asked for are what this wants.
  }
  return read;
}

/** Imports the library in a process of its own, recording each variable read from process.env, then uses it. */
const CHILD = `
const read = new Set();
process.env = new Proxy(process.env, { get(t, k) { if (typeof k === 'string') read.add(k); return Reflect.get(t, k); } });
const [entry, redisUrl, keyPrefix] = process.argv.slice(2);
const { connectProducer } = await import(entry);
const atImport = [...read];
read.clear();
const producer = await connectProducer({ redisUrl, keyPrefix });
await producer.add({ groupId: 'room-1', robots: ['bot_a'] });
const status = await producer.status();
await producer.close();
console.log(JSON.stringify({ atImport, atUse: [...read], status }));
`;

let dir: string;
const prefix = uniquePrefix();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rs-library-entry-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await deleteKeys(prefix);
});

describe("the library's entry point (robot-seeder's package export)", () => {
  it('loads no part of the CLI, nothing that reads process.env, and no module by a dynamic import', () => {
    const modules = [...importGraph(ENTRY)].map((f) => relative(DIST, f));
    expect(modules).toContain('app/connect-producer.js');
    expect(modules.filter((m) => m.startsWith('cli/') || m.startsWith('mock-api/'))).toEqual([]);
    for (const m of modules) {
      const code = readFileSync(join(DIST, m), 'utf8').replace(COMMENTS, '');
      expect(code, m).not.toContain('process.env');
      expect(code, m).not.toMatch(/\bimport\(/);
    }
  });

  it("reads none of robot-seeder's variables when imported or used, and leaves nothing running once closed", async () => {
    const script = join(dir, 'child.mjs');
    await writeFile(script, CHILD);
    // The child must exit by itself: a timer or socket left open would hold it until the timeout.
    const { stdout } = await run(process.execPath, [script, ENTRY, TEST_REDIS_URL, prefix], { timeout: 20_000 });
    const out = JSON.parse(stdout) as { atImport: string[]; atUse: string[]; status: { waiting: number } };
    const ours = seederVariables();
    expect(ours).toContain('KEY_PREFIX');
    expect(ours).toContain('TIM_SECRET_KEY');
    expect(out.atImport.filter((v) => ours.has(v))).toEqual([]);
    expect(out.atUse.filter((v) => ours.has(v))).toEqual([]);
    expect(out.status.waiting).toBe(1);
  });
});
