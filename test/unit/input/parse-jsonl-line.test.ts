import { describe, it, expect } from 'vitest';
import { parseJsonlLine } from '../../../src/input/parse-jsonl-line.js';

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const FIX = 'write one JSON object per line, like {"groupId": "room-1", "robots": ["bot-1", "bot-2"]}';

describe('parseJsonlLine', () => {
  it.each<[string, unknown]>([
    ['{"groupId":"g","robots":["a"]}', { groupId: 'g', robots: ['a'] }],
    ['  {"groupId": "g", "robots": ["a"]}  ', { groupId: 'g', robots: ['a'] }],
    ['[1,2]', [1, 2]],
    ['"text"', 'text'],
  ])('parses %s', (line, value) => {
    expect(parseJsonlLine(line)).toEqual({ kind: 'value', value });
  });

  it.each(['{"groupId":"g",', "{'groupId':'g'}", '{"a":1}{"a":2}', '{"robots":["a",]}', ''])(
    'reports bad JSON %j with the reason and the fix',
    (line) => {
      // V8 words the reason itself; the frame around it is ours.
      expect(parseJsonlLine(line)).toEqual({
        kind: 'problem',
        problem: expect.stringMatching(new RegExp(`^not valid JSON \\(.+\\); ${escapeRegExp(FIX)}$`)) as unknown,
      });
    },
  );

  it('escapes control characters that the JSON error quotes back', () => {
    const result = parseJsonlLine('[\u0001x');
    expect(result).toEqual({ kind: 'problem', problem: expect.stringContaining('\\u0001') as unknown });
    expect(result.kind === 'problem' && result.problem.includes('\u0001')).toBe(false);
  });

  it('quotes only a short part of a long bad line', () => {
    const result = parseJsonlLine(`x${'y'.repeat(100_000)}`);
    expect(result.kind === 'problem' && result.problem.length).toBeLessThan(300);
  });
});
