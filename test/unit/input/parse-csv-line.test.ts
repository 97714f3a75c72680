import { describe, it, expect } from 'vitest';
import { parseCsvLine, splitCsvLine } from '../../../src/input/parse-csv-line.js';

const QUOTING = 'quote the whole cell and double every quote inside it, like "bot ""one"""';

describe('splitCsvLine', () => {
  it.each<[string, string[]]>([
    ['g,a,b', ['g', 'a', 'b']],
    ['g', ['g']],
    ['', ['']],
    ['g,,b,', ['g', '', 'b', '']],
    ['"g,1",a', ['g,1', 'a']],
    ['g,"a ""x"" b",c', ['g', 'a "x" b', 'c']],
    ['g,""', ['g', '']],
    ['g,"",', ['g', '', '']],
    ['"""",x', ['"', 'x']],
    ['"",""', ['', '']],
    ['g,"a\tb"', ['g', 'a\tb']],
  ])('splits %j', (line, cells) => {
    expect(splitCsvLine(line)).toEqual({ ok: true, cells });
  });

  it.each([
    [
      'g,"a,b',
      `column 2: quote not closed before the end of the line; multi-line quoted cells are not supported, so keep each job on one line and ${QUOTING}`,
    ],
    ['g,"a"b', `column 2: text after the closing quote of "a"; ${QUOTING}`],
    ['"g" ,a', `column 1: text after the closing quote of "g"; ${QUOTING}`],
    ['g,a"b', `column 2: "a\\"b" has a quote inside an unquoted cell; ${QUOTING}`],
    ['g, "a"', `column 2: " \\"a\\"" has a quote inside an unquoted cell; ${QUOTING}`],
  ])('reports %j', (line, problem) => {
    expect(splitCsvLine(line)).toEqual({ ok: false, problem });
  });
});

describe('parseCsvLine', () => {
  it.each<[string, unknown]>([
    ['room-1,bot-1,bot-2', { groupId: 'room-1', robots: ['bot-1', 'bot-2'] }],
    ['room-1,bot-1,,,', { groupId: 'room-1', robots: ['bot-1'] }],
    ['room-1,bot-1,,bot-2', { groupId: 'room-1', robots: ['bot-1', '', 'bot-2'] }],
    ['room-1', { groupId: 'room-1', robots: [] }],
    ['room-1,,', { groupId: 'room-1', robots: [] }],
    ['"room,1","bot ""q"""', { groupId: 'room,1', robots: ['bot "q"'] }],
    ['GroupId,a', { groupId: 'GroupId', robots: ['a'] }],
  ])('turns %j into a request to validate', (line, value) => {
    expect(parseCsvLine(line, { firstLine: false })).toEqual({ kind: 'value', value });
  });

  it.each(['groupId,robots', 'groupId', '"groupId",robot1,robot2'])('skips the header %j on the first line', (line) => {
    expect(parseCsvLine(line, { firstLine: true })).toEqual({ kind: 'header' });
  });

  it('reports a header that is not on the first line', () => {
    expect(parseCsvLine('groupId,robots', { firstLine: false })).toEqual({
      kind: 'problem',
      problem: 'a header line (first cell "groupId") after the first line; remove it, only the first line may be a header',
    });
  });

  it('passes quoting problems on', () => {
    expect(parseCsvLine('g,"a', { firstLine: true }).kind).toBe('problem');
  });
});
