import { createWriteStream } from 'node:fs';
import { chmod, mkdir, mkdtemp, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSeederError } from '../../../src/errors/seeder-error.js';
import { readJobFile, type ParsedLine, type ReadJobFileOptions } from '../../../src/input/read-job-file.js';

let dir: string;
let fileCount = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-job-file-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  fileCount += 1;
  const path = join(dir, `${fileCount}-${name}`);
  await writeFile(path, content);
  return path;
}

async function readAll(path: string, options?: ReadJobFileOptions): Promise<ParsedLine[]> {
  const lines: ParsedLine[] = [];
  for await (const line of readJobFile(path, options)) lines.push(line);
  return lines;
}

/** The error readJobFile throws, and how many lines it yielded before throwing. */
async function refusal(path: string): Promise<{ err: unknown; yielded: number }> {
  const lines = readJobFile(path);
  let yielded = 0;
  try {
    while (!(await lines.next()).done) yielded += 1;
  } catch (err) {
    return { err, yielded };
  }
  throw new Error(`expected ${path} to be refused; it yielded ${yielded} lines`);
}

function summary(lines: readonly ParsedLine[]): string[] {
  return lines.map((line) =>
    line.ok
      ? `${line.lineNumber}: ${line.request.groupId} ${line.request.robots.join(' ')}`
      : `${line.lineNumber}! ${line.problems.join(' | ')}`,
  );
}

const job = (groupId: string, ...robots: string[]): string => JSON.stringify({ groupId, robots });

describe('readJobFile: lines', () => {
  it('reads JSONL, one result per line, problems in place', async () => {
    const path = await file('jobs.jsonl', `${job('g1', 'a', 'b', 'a')}\n{"groupId":"g2"}\nnot json\n${job('g3', 'c')}\n`);
    const lines = await readAll(path);
    expect(summary(lines)).toEqual([
      '1: g1 a b',
      '2! robots: missing; give a non-empty array of robot account ids',
      expect.stringMatching(/^3! not valid JSON \(.+\); write one JSON object per line/) as unknown,
      '4: g3 c',
    ]);
    expect(lines[0]).toMatchObject({ ok: true, duplicatesRemoved: 1 });
  });

  it('reads CSV by extension (any case), skipping a header on the first line', async () => {
    const content = 'groupId,robot1,robot2\nroom-1,a,b,,\n"room,2",c\nroom-3,d e\n';
    for (const name of ['jobs.csv', 'JOBS.CSV']) {
      expect(summary(await readAll(await file(name, content)))).toEqual([
        '2: room-1 a b',
        '3: room,2 c',
        '4! robots[0]: "d e" contains whitespace; account ids are at most 32 bytes without spaces or control characters',
      ]);
    }
  });

  it('follows the format option over the extension', async () => {
    const path = await file('jobs.txt', 'room-1,a\n');
    expect(summary(await readAll(path, { format: 'csv' }))).toEqual(['1: room-1 a']);
    expect((await readAll(path))[0]?.ok).toBe(false);
  });

  it('strips a UTF-8 BOM at the start, in JSONL and before a CSV header', async () => {
    expect(summary(await readAll(await file('bom.jsonl', `\ufeff${job('g', 'a')}\n`)))).toEqual(['1: g a']);
    expect(summary(await readAll(await file('bom.csv', '\ufeffgroupId,robots\ng,a\n')))).toEqual(['2: g a']);
  });

  it('handles CRLF line endings', async () => {
    const path = await file('crlf.csv', 'groupId,robots\r\ng1,a\r\ng2,b,\r\n');
    expect(summary(await readAll(path))).toEqual(['2: g1 a', '3: g2 b']);
  });

  it('reads a last line without a line ending', async () => {
    const path = await file('last.jsonl', `${job('g1', 'a')}\n${job('g2', 'b')}`);
    expect(summary(await readAll(path))).toEqual(['1: g1 a', '2: g2 b']);
  });

  it('skips blank and whitespace-only lines but keeps counting them', async () => {
    const path = await file('blank.jsonl', `\n   \n${job('g1', 'a')}\n\t \r\n\n${job('g2', 'b')}\n\n`);
    expect(summary(await readAll(path))).toEqual(['3: g1 a', '6: g2 b']);
  });

  it('treats the first non-blank CSV line as the only place for a header', async () => {
    const path = await file('header.csv', '\n  \ngroupId,robots\ng,a\ngroupId,robots\n');
    expect(summary(await readAll(path))).toEqual([
      '4: g a',
      '5! a header line (first cell "groupId") after the first line; remove it, only the first line may be a header',
    ]);
  });

  it('reports a 5 MB line without buffering it, then goes on with the right line numbers', async () => {
    const long = `{"groupId":"g","robots":["${'x'.repeat(5 * 1024 * 1024)}"]}`;
    const path = await file('long.jsonl', `${job('g1', 'a')}\n${long}\r\n${job('g3', 'c')}\n\n${job('g5', 'e')}`);
    expect(summary(await readAll(path, { maxLineBytes: 1024 * 1024 }))).toEqual([
      '1: g1 a',
      `2! line is ${Buffer.byteLength(long)} bytes, the maximum is 1048576; split its robots over several lines with the same groupId`,
      '3: g3 c',
      '5: g5 e',
    ]);
  });

  it('reports invalid UTF-8 in a line and reads the others', async () => {
    const bad = Buffer.concat([Buffer.from('{"groupId":"caf'), Buffer.from([0xe9]), Buffer.from('","robots":["a"]}\n')]);
    const path = await file('latin1.jsonl', Buffer.concat([bad, Buffer.from(`${job('g2', 'b')}\n`)]));
    expect(summary(await readAll(path))).toEqual(['1! not valid UTF-8 at byte 15 of the line (0xe9); save the file as UTF-8', '2: g2 b']);
  });

  it('yields nothing for an empty file', async () => {
    expect(await readAll(await file('empty.jsonl', ''))).toEqual([]);
  });

  it('lets a NUL after the first 64 KiB through as a bad line', async () => {
    const filler = `${job('g', 'a')}\n`.repeat(Math.ceil((64 * 1024) / 30));
    const lines = await readAll(await file('late-nul.jsonl', `${filler}{"groupId":"g",\u0000}\n`));
    expect(lines.filter((line) => !line.ok).map((line) => line.lineNumber)).toEqual([lines.length]);
  });
});

describe('readJobFile: files it refuses before yielding anything', () => {
  it.each([
    ['a NUL byte in the first 64 KiB', `${job('g', 'a')}\n`.repeat(2000) + '\u0000\n'],
    ['a UTF-16 file', Buffer.from(`\ufeff${job('g', 'a')}\n`, 'utf16le')],
  ])('refuses %s as binary', async (_name, content) => {
    const path = await file('binary.jsonl', content);
    const { err, yielded } = await refusal(path);
    expect(yielded).toBe(0);
    expect(isSeederError(err) && err.code).toBe('INPUT_UNREADABLE');
    expect(isSeederError(err) && err.message).toMatch(new RegExp(`^job file ${path} looks binary: a NUL byte at offset \\d+$`));
    expect(isSeederError(err) && err.hint).toContain('UTF-8');
  });

  it('searches exactly the first 64 KiB for a NUL', async () => {
    const nulAt = async (offset: number): Promise<string> => file('edge.jsonl', `${'x'.repeat(offset)}\u0000\n`);
    const { err } = await refusal(await nulAt(64 * 1024 - 1));
    expect(isSeederError(err) && err.message).toMatch(/a NUL byte at offset 65535$/);
    expect(await readAll(await nulAt(64 * 1024))).toHaveLength(1);
  });

  it('refuses a missing file', async () => {
    const path = join(dir, 'no-such-file.jsonl');
    const { err } = await refusal(path);
    expect(isSeederError(err) && [err.code, err.message]).toEqual(['INPUT_UNREADABLE', `job file ${path} does not exist`]);
    expect(isSeederError(err) && err.hint).toContain(process.cwd());
  });

  it('refuses a directory', async () => {
    const path = join(dir, 'a-directory.jsonl');
    await mkdir(path);
    const { err } = await refusal(path);
    expect(isSeederError(err) && [err.code, err.message]).toEqual(['INPUT_UNREADABLE', `job file ${path} is a directory`]);
  });

  it.skipIf(process.platform === 'win32' || process.getuid?.() === 0)('refuses a file it may not read', async () => {
    const path = await file('secret.jsonl', `${job('g', 'a')}\n`);
    await chmod(path, 0o000);
    const { err } = await refusal(path);
    expect(isSeederError(err) && [err.code, err.message]).toEqual([
      'INPUT_UNREADABLE',
      `job file ${path} is not readable: permission denied`,
    ]);
  });
});

describe('readJobFile: options and resources', () => {
  it.each<[ReadJobFileOptions, string]>([
    [{ maxLineBytes: 0 }, 'Expected `maxLineBytes` to be an integer from 1 to 268435456, got `0` (number)'],
    [{ maxRobotsPerLine: 1.5 }, 'Expected `maxRobotsPerLine` to be an integer from 1 to 1000000, got `1.5` (number)'],
    [{ format: 'tsv' as 'csv' }, "Expected `format` to be 'jsonl' or 'csv', got `tsv` (string)"],
  ])('checks options at the call, before touching the file: %j', (options, message) => {
    expect(() => readJobFile(join(dir, 'never-opened.jsonl'), options)).toThrow(new TypeError(message));
  });

  describe.skipIf(process.platform !== 'linux')('closes the file', () => {
    async function isOpen(path: string): Promise<boolean> {
      const fds = await readdir('/proc/self/fd');
      const targets = await Promise.all(fds.map((fd) => readlink(`/proc/self/fd/${fd}`).catch(() => '')));
      return targets.includes(path);
    }
    async function expectClosedSoon(path: string): Promise<void> {
      // Closing is asynchronous: give it a moment, not forever.
      for (let tries = 0; tries < 50 && (await isOpen(path)); tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await isOpen(path)).toBe(false);
    }

    it('when the caller stops early', async () => {
      const path = await file('early.jsonl', `${job('g', 'a')}\n`.repeat(10_000));
      for await (const line of readJobFile(path)) {
        expect(line.ok).toBe(true);
        expect(await isOpen(path)).toBe(true);
        break;
      }
      await expectClosedSoon(path);
    });

    it('when it is read to the end', async () => {
      const path = await file('whole.jsonl', `${job('g', 'a')}\n`.repeat(10_000));
      expect(await readAll(path)).toHaveLength(10_000);
      await expectClosedSoon(path);
    });

    it.each([10, 65_535])('when it is refused as binary (%i bytes before the NUL)', async (textBytes) => {
      const path = await file('binary.jsonl', `${'x'.repeat(textBytes)}\u0000${'y'.repeat(100_000)}`);
      await refusal(path);
      await expectClosedSoon(path);
    });
  });

  it('streams a 200,000-line file', async () => {
    const total = 200_000;
    const path = join(dir, 'big.jsonl');
    const out = createWriteStream(path);
    for (let i = 1; i <= total; i += 1) {
      // Every 7th line repeats a robot; every 1000th is invalid.
      const robots = i % 7 === 0 ? [`bot-${i}`, `bot-${i}`] : [`bot-${i}`, `bot-${i}-b`];
      const line = i % 1000 === 0 ? '{"groupId":""}' : JSON.stringify({ groupId: `room-${i % 500}`, robots });
      if (!out.write(`${line}\n`)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    let ok = 0;
    let duplicates = 0;
    let lastLineNumber = 0;
    const invalid: number[] = [];
    for await (const line of readJobFile(path)) {
      expect(line.lineNumber).toBe(lastLineNumber + 1);
      lastLineNumber = line.lineNumber;
      if (line.ok) {
        ok += 1;
        duplicates += line.duplicatesRemoved;
        expect(line.request.robots[0]).toBe(`bot-${line.lineNumber}`);
      } else {
        invalid.push(line.lineNumber);
      }
    }
    const invalidExpected = Array.from({ length: total / 1000 }, (_, k) => (k + 1) * 1000);
    expect(lastLineNumber).toBe(total);
    expect(invalid).toEqual(invalidExpected);
    expect(ok).toBe(total - invalidExpected.length);
    const sevenths = Array.from({ length: total }, (_, k) => k + 1).filter((i) => i % 7 === 0 && i % 1000 !== 0);
    expect(duplicates).toBe(sevenths.length);
  });
});
