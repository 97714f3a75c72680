import { describe, it, expect } from 'vitest';
import { LineSplitter, type RawLine } from '../../../src/input/line-splitter.js';

/** Lines as `n:text` or `n:too-long:bytes`, easy to compare. */
function show(lines: readonly RawLine[]): string[] {
  return lines.map((line) =>
    line.kind === 'line' ? `${line.lineNumber}:${line.bytes.toString('latin1')}` : `${line.lineNumber}:too-long:${line.byteLength}`,
  );
}

function split(chunks: readonly string[], maxLineBytes = 100): string[] {
  const splitter = new LineSplitter(maxLineBytes);
  const lines = chunks.flatMap((chunk) => splitter.push(Buffer.from(chunk, 'latin1')));
  return show([...lines, ...splitter.end()]);
}

/** `input` cut into one-byte chunks (inputs here are ASCII). */
function bytewise(input: string): string[] {
  return Array.from({ length: input.length }, (_, index) => input.slice(index, index + 1));
}

describe('LineSplitter', () => {
  it.each<[string, string[]]>([
    ['a\nb\n', ['1:a', '2:b']],
    ['a\nb', ['1:a', '2:b']],
    ['a\r\nb\r\n', ['1:a', '2:b']],
    ['a\r\nb', ['1:a', '2:b']],
    ['\n\n', ['1:', '2:']],
    ['a\rb\n', ['1:a\rb']],
    ['', []],
    ['only', ['1:only']],
  ])('splits %j', (input, expected) => {
    expect(split([input])).toEqual(expected);
  });

  it('gives the same lines wherever the chunks are cut', () => {
    const input = 'first\r\nsecond line\n\r\nthird\rstill\nlast';
    const expected = split([input]);
    for (let cut = 0; cut <= input.length; cut += 1) {
      expect(split([input.slice(0, cut), input.slice(cut)]), `cut at ${cut}`).toEqual(expected);
    }
    expect(split(bytewise(input))).toEqual(expected);
  });

  it.each<[string, string[]]>([
    ['a line of exactly the limit', ['12345\n', '1:12345']],
    ['a line of exactly the limit with CRLF', ['12345\r\n', '1:12345']],
    ['a line one byte over', ['123456\n', '1:too-long:6']],
    ['a line one byte over with CRLF', ['123456\r\n', '1:too-long:6']],
    ['a last line over the limit without a line ending', ['1234567', '1:too-long:7']],
  ])('at maxLineBytes 5: %s', (_name, [input = '', expected = '']) => {
    const expectedLines = [expected];
    expect(split([input], 5)).toEqual(expectedLines);
    expect(split(bytewise(input), 5)).toEqual(expectedLines);
  });

  it('counts a long CRLF line exactly while discarding it byte by byte', () => {
    expect(split(bytewise('1234567890\r\nok\n'), 5)).toEqual(['1:too-long:10', '2:ok']);
  });

  it('never holds more than maxLineBytes + 1 bytes of a long line, and numbers the lines after it', () => {
    const maxLineBytes = 1024 * 1024;
    const splitter = new LineSplitter(maxLineBytes);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let mostBuffered = 0;
    const lines: RawLine[] = [];
    for (let sent = 0; sent < 5 * 1024 * 1024; sent += chunk.length) {
      lines.push(...splitter.push(chunk));
      mostBuffered = Math.max(mostBuffered, splitter.bufferedBytes);
    }
    lines.push(...splitter.push(Buffer.from('\nnext\n')), ...splitter.end());
    expect(mostBuffered).toBeGreaterThan(0);
    expect(mostBuffered).toBeLessThanOrEqual(maxLineBytes + 1);
    expect(show(lines)).toEqual([`1:too-long:${5 * 1024 * 1024}`, '2:next']);
  });
});
