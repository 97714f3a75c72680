import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SpoolBuffer } from '../../../src/input/spool-buffer.js';
import { runModuleScript, srcSpecifier } from '../../support/module-script.js';

interface Rec {
  readonly id: number;
  readonly robots: readonly string[];
}

const rec = (id: number): Rec => ({ id, robots: [`bot-${id}`, 'bot-\u00e9\u4e2d'] });

async function drainAll<T>(b: SpoolBuffer<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of b.drain()) out.push(...batch);
  return out;
}

const buffers: Array<SpoolBuffer<Rec>> = [];
afterEach(async () => {
  for (const b of buffers.splice(0)) await b.close();
});

function buffer(memoryBytes: number): SpoolBuffer<Rec> {
  const b = new SpoolBuffer<Rec>(memoryBytes);
  buffers.push(b);
  return b;
}

describe('SpoolBuffer', () => {
  it('keeps records within the bound in memory, with no file', async () => {
    const b = buffer(1_000_000);
    for (let i = 0; i < 100; i += 1) await b.push(rec(i));
    expect(b.spoolPath).toBeUndefined();
    expect(await drainAll(b)).toEqual(Array.from({ length: 100 }, (_, i) => rec(i)));
  });

  it('spools every record past the bound to a 0600 file under the temporary directory, and gives them all back in order', async () => {
    const oneRecord = JSON.stringify(rec(10)).length;
    const b = buffer(oneRecord * 10);
    // Large enough to need several write blocks.
    const total = 20_000;
    for (let i = 0; i < total; i += 1) await b.push(rec(i));
    const path = b.spoolPath;
    expect(path?.startsWith(join(tmpdir(), 'robot-seeder-spool-'))).toBe(true);
    expect((await stat(path ?? '')).mode & 0o777).toBe(0o600);
    const back = await drainAll(b);
    expect(back).toHaveLength(total);
    expect(back).toEqual(Array.from({ length: total }, (_, i) => rec(i)));
    await b.close();
    await expect(stat(path ?? '')).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('gives the records back in batches of at most 1,000, from memory and from the spool alike', async () => {
    const oneRecord = JSON.stringify(rec(10)).length;
    const b = buffer(oneRecord * 2_500);
    for (let i = 0; i < 5_500; i += 1) await b.push(rec(i));
    expect(b.spoolPath).toBeDefined();
    const sizes: number[] = [];
    let next = 0;
    for await (const batch of b.drain()) {
      sizes.push(batch.length);
      for (const r of batch) expect(r.id).toBe(next++);
    }
    expect(next).toBe(5_500);
    expect(Math.max(...sizes)).toBe(1_000);
    expect(sizes.reduce((a, n) => a + n, 0)).toBe(5_500);
  });

  it('spools everything with a bound of 0, and close() is safe twice', async () => {
    const b = buffer(0);
    await b.push(rec(1));
    expect(await drainAll(b)).toEqual([rec(1)]);
    expect(b.spoolPath).toBeDefined();
    await b.close();
    await b.close();
  });

  it('seals a block early when its records are long, so no string grows without bound', async () => {
    const b = buffer(0);
    const long = { id: 1, robots: Array.from({ length: 20_000 }, (_, i) => `robot-${i}`) };
    await b.push(long);
    // Over 256 Ki characters: sealed (and so spooled) at once, not after 1,000 records.
    expect(b.spoolPath).toBeDefined();
    expect(await drainAll(b)).toEqual([long]);
  });

  it('refuses a bound that is not a whole number of bytes', () => {
    expect(() => new SpoolBuffer(-1)).toThrow(/Expected `memoryBytes` to be an integer from 0/);
  });

  it('leaves no file behind when the process exits without closing it', async () => {
    const script = `import { SpoolBuffer } from ${srcSpecifier('../../../src/input/spool-buffer.ts', import.meta.url)};
      const b = new SpoolBuffer(0); for (let i = 0; i < 1000; i += 1) await b.push({ a: i }); console.log(b.spoolPath); process.exit(0);`;
    const r = runModuleScript(script);
    expect(r.status, r.stderr).toBe(0);
    const path = r.stdout.trim();
    expect(path.startsWith(join(tmpdir(), 'robot-seeder-spool-'))).toBe(true);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
