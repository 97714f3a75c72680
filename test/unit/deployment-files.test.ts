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

/** Docker is not available where the tests run: docker-compose.yml is checked by reading it. */
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
    for (const name of names) expect(sources, name).toContain(`'${name}'`);
  });
});
