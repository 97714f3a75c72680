import { readdirSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferJobFile, type BufferedJobFile } from '../../../src/input/buffer-job-file.js';
import type { SeedRequest } from '../../../src/domain/seed-request.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'buffer-job-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const line = (groupId: string, ...robots: string[]): string => JSON.stringify({ groupId, robots });

async function file(name: string, lines: readonly string[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}

/** Each valid line planned as "groupId:robots", a stand-in for the jobs it becomes. */
function read(path: string, o: { memoryBytes: number; refuseInvalid: boolean }): Promise<BufferedJobFile<string>> {
  return bufferJobFile(path, { ...o, plan: (r: SeedRequest) => `${r.groupId}:${r.robots.join(',')}` });
}

async function drained(b: BufferedJobFile<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of b.records.drain()) out.push(...batch);
  await b.close();
  return out;
}

describe('bufferJobFile', () => {
  const good = Array.from({ length: 2500 }, (_, i) => line(`room-${i}`, 'a', 'b', 'a'));

  it('gives the same records from memory and from the spool, in file order, and removes the spool', async () => {
    const path = await file('good.jsonl', good);
    const inMemory = await read(path, { memoryBytes: 1_000_000, refuseInvalid: true });
    expect(inMemory.records.spoolPath).toBeUndefined();
    // A bound of a few records: the rest of the file is spooled.
    const spooled = await read(path, { memoryBytes: 50, refuseInvalid: true });
    const spool = spooled.records.spoolPath ?? '';
    expect(spool).not.toBe('');
    expect(spooled.tally).toEqual(inMemory.tally);
    expect(inMemory.tally).toMatchObject({ lines: 2500, valid: 2500, invalid: 0, duplicatesRemoved: 2500 });
    const expected = Array.from({ length: 2500 }, (_, i) => `room-${i}:a,b`);
    expect(await drained(inMemory)).toEqual(expected);
    expect(await drained(spooled)).toEqual(expected);
    await expect(stat(spool)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refusing invalid files: keeps nothing once a line is bad, and still reads to the end to list every bad line', async () => {
    const path = await file('bad.jsonl', [...good.slice(0, 1200), 'not json', ...good.slice(1200), '{"groupId": "x"}']);
    const b = await read(path, { memoryBytes: 0, refuseInvalid: true });
    expect(b.tally).toMatchObject({ lines: 2502, valid: 2500, invalid: 2 });
    expect(b.tally.problems.map((p) => p.line)).toEqual([1201, 2502]);
    expect(b.records.spoolPath).toBeUndefined();
    expect(await drained(b)).toEqual([]);
  });

  it('skipping invalid lines: keeps the valid ones', async () => {
    const path = await file('skip.jsonl', [line('r1', 'a'), 'not json', line('r2', 'b')]);
    const b = await read(path, { memoryBytes: 0, refuseInvalid: false });
    expect(b.tally).toMatchObject({ lines: 3, valid: 2, invalid: 1 });
    expect(await drained(b)).toEqual(['r1:a', 'r2:b']);
  });

  it('stops when aborted half-way, and leaves no spool file', async () => {
    const path = await file(
      'abort.jsonl',
      Array.from({ length: 10_000 }, (_, i) => line(`room-${i}`, 'a')),
    );
    const spools = (): string[] => readdirSync(tmpdir()).filter((f) => f.startsWith(`robot-seeder-spool-${process.pid}-`));
    const stop = new AbortController();
    let planned = 0;
    let spooledBeforeAbort: string[] = [];
    const plan = (r: SeedRequest): string => {
      planned += 1;
      if (planned === 2500) {
        spooledBeforeAbort = spools();
        stop.abort();
      }
      return r.groupId;
    };
    await expect(bufferJobFile(path, { memoryBytes: 0, refuseInvalid: true, signal: stop.signal, plan })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(planned).toBeLessThan(10_000);
    expect(spooledBeforeAbort).toHaveLength(1);
    expect(spools()).toEqual([]);
  });
});
