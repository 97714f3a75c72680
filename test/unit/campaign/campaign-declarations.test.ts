import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeclarations, readDeclarations } from '../../../src/campaign/campaign-declarations.js';
import { SeederError } from '../../../src/errors/seeder-error.js';

const parse = (doc: unknown): { declarations: ReturnType<typeof parseDeclarations>; problems: string[] } => {
  const problems: string[] = [];
  const declarations = parseDeclarations(typeof doc === 'string' ? doc : JSON.stringify(doc), 'c.json', problems);
  return { declarations, problems };
};

describe('parseDeclarations', () => {
  it('reads valid entries with every schedule form', () => {
    const { declarations, problems } = parse({
      campaigns: [
        { name: 'evening', file: 'jobs/evening.jsonl', every: '6h' },
        { name: 'daily', file: 'jobs/d.csv', cron: '0 20 * * *', tz: 'Asia/Shanghai', removeAt: '2031-01-01T00:00:00Z', format: 'csv' },
        { name: 'launch', file: 'jobs/l.jsonl', at: '2030-06-01T12:00:00Z' },
      ],
    });
    expect(problems).toEqual([]);
    expect(declarations).toEqual([
      {
        name: 'evening',
        source: 'jobs/evening.jsonl',
        schedule: { kind: 'every', everyMs: 21_600_000 },
        removeAtMs: null,
        declaredIn: 'c.json',
      },
      {
        name: 'daily',
        source: 'jobs/d.csv',
        schedule: { kind: 'cron', cron: '0 20 * * *', tz: 'Asia/Shanghai' },
        removeAtMs: Date.UTC(2031, 0, 1),
        format: 'csv',
        declaredIn: 'c.json',
      },
      {
        name: 'launch',
        source: 'jobs/l.jsonl',
        schedule: { kind: 'at', atMs: Date.UTC(2030, 5, 1, 12) },
        removeAtMs: null,
        declaredIn: 'c.json',
      },
    ]);
  });

  it('lists every problem of every entry, each with where it is', () => {
    const { declarations, problems } = parse({
      campaigns: [
        { name: 'bad name', file: 'a.jsonl', every: '6h' },
        { name: 'ok', every: '6h' },
        { name: 'two', file: 'a.jsonl', every: '6h', cron: '* * * * *' },
        { name: 'none', file: 'a.jsonl' },
        { name: 'tz', file: 'a.jsonl', cron: '0 20 * * *', tz: 'Nowhere/City' },
        { name: 'typo', file: 'a.jsonl', evry: '6h', every: '1h' },
        { name: 'end', file: 'a.jsonl', every: '1h', removeAt: 'next week', format: 'xml' },
        { name: 7, file: 'a.jsonl', every: '1h' },
        'not an object',
      ],
    });
    expect(declarations).toEqual([]);
    expect(problems).toEqual([
      expect.stringMatching(/campaign name "bad name" is not valid/),
      'c.json: campaigns[1].file: required',
      expect.stringMatching(/^give only one schedule, got c\.json: campaigns\[2\]\.cron and c\.json: campaigns\[2\]\.every$/),
      expect.stringMatching(/^missing the schedule: give one of c\.json: campaigns\[3\]\.cron EXPR/),
      'c.json: campaigns[4].tz: unknown time zone "Nowhere/City"',
      expect.stringMatching(/^c\.json: campaigns\[5\]\.evry: unknown field/),
      expect.stringMatching(/^c\.json: campaigns\[6\]\.removeAt: expected an ISO 8601 date-time/),
      'c.json: campaigns[6].format: expected "jsonl" or "csv"',
      'c.json: campaigns[7].name: expected a non-empty string',
      'c.json: campaigns[8]: expected an object',
    ]);
  });

  it.each([
    ['{', /c\.json: not valid JSON/],
    [[], /expected an object with a "campaigns" array/],
    [{ campaign: [] }, /expected an object with a "campaigns" array/],
  ])('refuses a file that is not a declaration: %j', (doc, message) => {
    expect(parse(doc).problems).toEqual([expect.stringMatching(message)]);
  });
});

describe('readDeclarations', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rs-decl-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the *.json files of a directory in name order, skipping *.example.json and other files', async () => {
    const d = join(dir, 'ok');
    await rm(d, { recursive: true, force: true });
    await mkdir(d);
    await writeFile(join(d, 'b.json'), JSON.stringify({ campaigns: [{ name: 'b', file: 'b.jsonl', every: '1h' }] }));
    await writeFile(join(d, 'a.json'), JSON.stringify({ campaigns: [{ name: 'a', file: 'a.jsonl', every: '1h' }] }));
    await writeFile(join(d, 'x.example.json'), JSON.stringify({ campaigns: [{ name: 'x', file: 'x.jsonl', every: '1h' }] }));
    await writeFile(join(d, 'rooms.jsonl'), '{}');
    expect((await readDeclarations(d)).map((x) => x.name)).toEqual(['a', 'b']);
    // Named on its own, an example file is read.
    expect((await readDeclarations(join(d, 'x.example.json'))).map((x) => x.name)).toEqual(['x']);
  });

  it('refuses a name declared twice, and all problems come in one INPUT_INVALID error', async () => {
    const d = join(dir, 'dup');
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'one.json'), JSON.stringify({ campaigns: [{ name: 'same', file: 'a.jsonl', every: '1h' }] }));
    await writeFile(
      join(d, 'two.json'),
      JSON.stringify({
        campaigns: [
          { name: 'same', file: 'b.jsonl', every: '2h' },
          { name: 'x', file: 'b.jsonl' },
        ],
      }),
    );
    const err = await readDeclarations(d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeederError);
    expect((err as SeederError).code).toBe('INPUT_INVALID');
    expect((err as SeederError).message).toContain('nothing was synced');
    expect((err as SeederError).message).toContain(`campaign "same" is also declared in ${join(d, 'one.json')}`);
    expect((err as SeederError).message).toContain('campaigns[1]');
  });

  it('says what to give when the path does not exist', async () => {
    const err = await readDeclarations(join(dir, 'missing')).catch((e: unknown) => e);
    expect((err as SeederError).code).toBe('INPUT_UNREADABLE');
  });
});

describe('jobs/campaigns.example.json', () => {
  it('is a valid declaration whose job files exist', async () => {
    const declarations = await readDeclarations('jobs/campaigns.example.json');
    expect(declarations.map((d) => d.name)).toEqual(['example-every-6h', 'example-evenings']);
    for (const d of declarations) await expect(stat(d.source)).resolves.toBeDefined();
  });
});
