import { execFile } from 'node:child_process';
import { lstat, mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { startCli } from '../support/cli-process.js';
import { deleteKeys, seederEnv, startTestMock, TEST_REDIS_URL, uniquePrefix, waitFor } from '../support/test-env.js';

const execFileAsync = promisify(execFile);
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const TSC = join(REPO, 'node_modules/.bin/tsc');
const TSX = join(REPO, 'node_modules/.bin/tsx');
const ROOMS = 6;
const ROBOTS = ['bot_1', 'bot_2'];

/**
 * The environment of the npm processes: this run's, without what an enclosing `npm test` sets for
 * its own scripts (npm_config_*), which would steer the scratch project's install.
 */
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));

/** Runs a command; its output is in the error when it fails. */
async function run(command: string, args: readonly string[], cwd: string): Promise<string> {
  try {
    return (await execFileAsync(command, args, { cwd, env: npmEnv, maxBuffer: 16 * 1024 * 1024 })).stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`, { cause: err });
  }
}

/**
 * What a service using the library would write, type-checked against the package's own
 * declarations only (no @types/node, libraries' declarations checked too): one room in the high
 * lane, the rest from an async generator, an invalid room refused, the status.
 */
function consumerSource(keyPrefix: string): string {
  return `import { connectProducer, isSeederError, type AddManySummary, type Priority, type ProducerOptions, type SeedRequest, type StatusReport } from 'robot-seeder';

const options: ProducerOptions = { redisUrl: ${JSON.stringify(TEST_REDIS_URL)}, keyPrefix: ${JSON.stringify(keyPrefix)} };
const lane: Priority = 'high';
const producer = await connectProducer(options);
try {
  const { jobIds } = await producer.add({ groupId: 'pkg-room-0', robots: ${JSON.stringify(ROBOTS)} }, { priority: lane });
  async function* rooms(): AsyncGenerator<SeedRequest> {
    for (let i = 1; i < ${ROOMS}; i += 1) yield { groupId: \`pkg-room-\${i}\`, robots: ${JSON.stringify(ROBOTS)} };
  }
  const summary: AddManySummary = await producer.addMany(rooms());
  let invalid: { code: string; indexes: number[] } | null = null;
  try {
    await producer.addMany([{ groupId: 'pkg-room-x', robots: ['bot_1'] }, { groupId: '', robots: [] }]);
  } catch (err) {
    if (!isSeederError(err)) throw err;
    invalid = { code: err.code, indexes: err.problems.map((p) => p.index) };
  }
  const status: StatusReport = await producer.status();
  console.log(JSON.stringify({ jobIds, summary, invalid, status }));
} finally {
  await producer.close();
}
`;
}

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    types: [],
  },
  files: ['consumer.ts', 'readme-example.ts'],
};

/** The README's example of the library (type-checked, not run: it names the default Redis and key prefix). */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(REPO, 'README.md'), 'utf8');
  const section = readme.split('## Use it from your own services')[1] ?? '';
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (example === undefined) throw new Error('README.md: no ```ts block under "Use it from your own services"');
  return example;
}

interface ConsumerOutput {
  readonly jobIds: string[];
  readonly summary: Record<string, number>;
  readonly invalid: { code: string; indexes: number[] } | null;
  readonly status: Record<string, number>;
}

let dir: string;
let mock: MockTencentApi;
const prefixes: string[] = [];

beforeAll(async () => {
  // Outside the repository, as a user's project is: nothing of the checkout is on its resolution path.
  dir = await mkdtemp(join(tmpdir(), 'rs-package-'));
  mock = await startTestMock();
});

afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
  for (const p of prefixes) await deleteKeys(p);
});

/** A new project in the scratch directory with robot-seeder installed from `source` (a tarball or a path), and the consumer in it. */
async function consumerProject(name: string, source: string, keyPrefix: string): Promise<string> {
  const project = join(dir, name);
  await mkdir(project);
  await writeFile(join(project, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  // The dependencies come from npm's cache, which the checkout's `npm ci` filled.
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', source], project);
  await writeFile(join(project, 'consumer.ts'), consumerSource(keyPrefix));
  await writeFile(join(project, 'readme-example.ts'), await readmeExample());
  await writeFile(join(project, 'tsconfig.json'), JSON.stringify(TSCONFIG));
  return project;
}

/** Type-checks the consumer and the README's example with the repository's TypeScript, then runs the consumer (tsx: TypeScript as it is written). */
async function typeCheckAndRun(project: string): Promise<ConsumerOutput> {
  await run(TSC, ['-p', project], project);
  return JSON.parse(await run(TSX, ['consumer.ts'], project)) as ConsumerOutput;
}

function expectEnqueued(out: ConsumerOutput): void {
  expect(out.jobIds).toHaveLength(1);
  expect(out.summary).toEqual({
    rooms: ROOMS - 1,
    jobs: ROOMS - 1,
    added: ROOMS - 1,
    alreadyQueued: 0,
    superseded: 0,
    duplicatesRemoved: 0,
  });
  expect(out.invalid).toEqual({ code: 'INPUT_INVALID', indexes: [1, 1] });
  expect(out.status).toEqual({ waiting: ROOMS, active: 0, delayed: 0, completed: 0, deadLetter: 0 });
}

describe('the package as a dependency of another project', () => {
  it("npm pack ships dist/ and the bin only; installed from the tarball, a typed consumer enqueues rooms, and the package's own worker seeds them", async () => {
    const keyPrefix = uniquePrefix();
    prefixes.push(keyPrefix);
    // `npm pack` runs `prepare` (the build) first, so the tarball holds what src/ compiles to now.
    const [packed] = JSON.parse(await run('npm', ['pack', '--json', '--pack-destination', dir], REPO)) as [
      { filename: string; files: { path: string }[] },
    ];
    const files = packed.files.map((f) => f.path);
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'bin/robot-seeder.js', 'dist/producer.js', 'dist/producer.d.ts']),
    );
    expect(files.filter((f) => !/^(dist\/.+\.(js|d\.ts)|bin\/robot-seeder\.js|package\.json|README\.md)$/.test(f))).toEqual([]);

    const project = await consumerProject('from-tarball', join(dir, packed.filename), keyPrefix);
    // A copy of the package, its dist/ included: nothing is built on install.
    expect((await lstat(join(project, 'node_modules/robot-seeder'))).isSymbolicLink()).toBe(false);
    expectEnqueued(await typeCheckAndRun(project));

    const worker = startCli(['worker'], seederEnv(keyPrefix, mock.url), {
      bin: join(project, 'node_modules/robot-seeder/bin/robot-seeder.js'),
    });
    try {
      const groupIds = Array.from({ length: ROOMS }, (_, i) => `pkg-room-${i}`);
      await waitFor('every room seeded', () => groupIds.every((g) => mock.robotsIn(g).length === ROBOTS.length));
    } finally {
      worker.child.kill('SIGTERM');
    }
    expect((await worker.exited).code, worker.stderr()).toBe(0);
  }, 180_000);

  it("installed from the checkout's path: a link to the checkout, whose dist/ it uses as it is", async () => {
    const keyPrefix = uniquePrefix();
    prefixes.push(keyPrefix);
    const project = await consumerProject('from-path', REPO, keyPrefix);
    expect(await realpath(join(project, 'node_modules/robot-seeder'))).toBe(await realpath(REPO));
    expectEnqueued(await typeCheckAndRun(project));
  }, 60_000);
});
