import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface ComposeService {
  image?: string;
  build?: string;
  command?: string[];
  env_file?: string;
  container_name?: string;
  ports?: string[];
  healthcheck?: { test: string[] };
  environment?: Record<string, string>;
}

/** Docker is not available where the tests run: the docker files are checked by reading them. */
describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
  const { redis, worker, service } = compose.services;

  it('runs Redis with AOF and noeviction, as BullMQ requires in production', () => {
    const command = redis?.command?.join(' ') ?? '';
    expect(command).toMatch(/--appendonly yes/);
    expect(command).toMatch(/--maxmemory-policy noeviction/);
    expect(redis?.healthcheck?.test).toContain('ping');
  });

  it('has a worker that can be scaled and a service on 8080, both configured from .env', () => {
    for (const s of [worker, service]) {
      expect(s?.env_file).toBe('.env');
      expect(s?.container_name).toBeUndefined(); // a fixed name would forbid --scale
      expect(s?.environment?.['REDIS_URL']).toBe('redis://redis:6379');
    }
    expect(worker?.command).toEqual(['worker']);
    expect(service?.command?.[0]).toBe('serve');
    expect(service?.ports).toContain('8080:8080');
  });
});

describe('.env.example', () => {
  it('names only variables robot-seeder reads', () => {
    const names = [...read('.env.example').matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1] ?? '');
    expect(names.length).toBeGreaterThan(5);
    const sources = ['src/config/load-config.ts', 'src/cli/cli-context.ts', 'src/cli/commands/serve-command.ts'].map(read).join('\n');
    // An app's secret key is read from the variable APPS_FILE names (secretKeyEnv): those of the documented example.
    const apps = (JSON.parse(read('docs/apps.example.json')) as { apps: { secretKeyEnv: string }[] }).apps.map((a) => a.secretKeyEnv);
    for (const name of names) if (!apps.includes(name)) expect(sources, name).toContain(`'${name}'`);
  });
});

/** Instructions (comments and blank lines dropped) of each `FROM` stage, in order. */
function dockerStages(dockerfile: string): string[][] {
  const stages: string[][] = [];
  for (const line of dockerfile.split('\n').map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('FROM ')) stages.push([]);
    stages.at(-1)?.push(line);
  }
  return stages;
}

const TRANSPILERS = ['tsx', 'typescript', 'esbuild', 'ts-node'];

describe('Dockerfile', () => {
  const stages = dockerStages(read('Dockerfile'));
  const build = stages[0] ?? [];
  const runtime = stages.at(-1) ?? [];

  it('compiles in a build stage that has the dev dependencies', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build[0]).toMatch(/ AS build$/);
    expect(build.filter((l) => l.startsWith('RUN npm ci')).every((l) => !l.includes('--omit=dev'))).toBe(true);
    expect(build).toContain('RUN npm run build');
  });

  it('runs compiled JS in a runtime stage without dev dependencies, sources or a transpiler', () => {
    const installs = runtime.filter((l) => /\bnpm (ci|install|i)\b/.test(l));
    expect(installs.length).toBeGreaterThan(0);
    for (const l of installs) {
      expect(l).toMatch(/^RUN npm ci --omit=dev --ignore-scripts\b/);
      // npm installs typescript as an optional peer of valibot even with --omit=dev.
      expect(l).toMatch(/&& rm -rf node_modules\/typescript$/);
    }
    expect(runtime).toContain('COPY --from=build /app/dist ./dist');
    expect(runtime.filter((l) => /^COPY (src|tsconfig)/.test(l))).toEqual([]);
    expect(runtime.join('\n')).not.toMatch(new RegExp(`\\b(${TRANSPILERS.filter((t) => t !== 'typescript').join('|')})\\b`));
    expect(runtime).toContain('ENTRYPOINT ["node", "bin/robot-seeder.js"]');
  });
});

describe('the production entry point', () => {
  it('runs the compiled CLI with plain node', () => {
    const bin = read('bin/robot-seeder.js');
    expect(bin).toContain("'../dist/bundle/main.js'");
    expect(bin).not.toMatch(/tsx|\.ts'/);
  });

  it('has no transpiler among the runtime dependencies', () => {
    const pkg = JSON.parse(read('package.json')) as { dependencies: Record<string, string> };
    for (const t of TRANSPILERS) expect(Object.keys(pkg.dependencies), t).not.toContain(t);
    // What `npm ci --omit=dev` installs: the lock's packages not marked dev-only.
    const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean }> };
    const installed = Object.entries(lock.packages).filter(([path, p]) => path !== '' && p.dev !== true);
    const transpilers = installed.filter(([path]) => TRANSPILERS.includes(path.replace(/^.*node_modules\//, '')));
    // typescript only as an optional peer (devOptional), which the runtime stage deletes.
    expect(transpilers.map(([path, p]) => [path, p.devOptional])).toEqual([['node_modules/typescript', true]]);
  });
});
