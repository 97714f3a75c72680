import { describe, it, expect } from 'vitest';
import { MAX_PROBLEMS_PER_LINE, validateSeedRequest } from '../../../src/input/validate-seed-request.js';

const RULE = 'account ids are at most 32 bytes without spaces or control characters';

function problemsOf(value: unknown, maxRobotsPerLine?: number): readonly string[] {
  const result = validateSeedRequest(value, maxRobotsPerLine === undefined ? {} : { maxRobotsPerLine });
  if (result.ok) throw new Error(`expected problems, got a valid request: ${JSON.stringify(result.request)}`);
  return result.problems;
}

describe('validateSeedRequest: valid requests', () => {
  it.each([
    ['a plain request', { groupId: 'room-1', robots: ['bot-1', 'bot-2'] }],
    ['a Tencent-made group id', { groupId: '@TGS#aJ5DOBEJX', robots: ['bot_1'] }],
    ['a group id of exactly 48 bytes with inner spaces', { groupId: `a ${'b'.repeat(45)}c`, robots: ['x'] }],
    ['an account of exactly 32 bytes', { groupId: 'g', robots: ['a'.repeat(32)] }],
    ['a non-ASCII account within 32 bytes', { groupId: 'g', robots: ['机器人一号'] }],
    ['an account with an emoji (surrogate pair)', { groupId: 'g', robots: ['bot😀'] }],
  ])('accepts %s', (_name, value) => {
    expect(validateSeedRequest(value)).toEqual({ ok: true, request: value, duplicatesRemoved: 0 });
  });

  it('removes duplicate robots, keeps first-seen order, and counts them', () => {
    const result = validateSeedRequest({ groupId: 'g', robots: ['b', 'a', 'b', 'c', 'a', 'b'] });
    expect(result).toEqual({ ok: true, request: { groupId: 'g', robots: ['b', 'a', 'c'] }, duplicatesRemoved: 3 });
  });

  it('does not share the robots array with its input', () => {
    const robots = ['a', 'b'];
    const result = validateSeedRequest({ groupId: 'g', robots });
    robots.push('c');
    expect(result.ok && result.request.robots).toEqual(['a', 'b']);
  });

  it('allows exactly maxRobotsPerLine entries', () => {
    expect(validateSeedRequest({ groupId: 'g', robots: ['a', 'b', 'c'] }, { maxRobotsPerLine: 3 }).ok).toBe(true);
  });
});

describe('validateSeedRequest: one rule at a time', () => {
  it.each<[string, unknown, string[]]>([
    ['null', null, ['expected an object like {"groupId": "room-1", "robots": ["bot-1"]}, got null']],
    ['an array', [1], ['expected an object like {"groupId": "room-1", "robots": ["bot-1"]}, got an array']],
    ['a string', 'room', ['expected an object like {"groupId": "room-1", "robots": ["bot-1"]}, got a string']],
    ['an unknown field', { groupId: 'g', robots: ['a'], note: 1 }, ['unknown field "note"; the only fields are "groupId" and "robots"']],
    [
      'a misspelt field',
      { group_id: 'g', robots: ['a'] },
      ['unknown field "group_id"; did you mean "groupId"?', "groupId: missing; give the live room's group ID as a string"],
    ],
    [
      'a singular robot field',
      { groupId: 'g', robot: ['a'] },
      ['unknown field "robot"; did you mean "robots"?', 'robots: missing; give a non-empty array of robot account ids'],
    ],
    ['groupId missing', { robots: ['a'] }, ["groupId: missing; give the live room's group ID as a string"]],
    ['groupId a number', { groupId: 12, robots: ['a'] }, ['groupId: expected a string, got a number']],
    ['groupId empty', { groupId: '', robots: ['a'] }, ["groupId: empty; give the live room's group ID"]],
    [
      'groupId non-ASCII',
      { groupId: 'roomé', robots: ['a'] },
      ['groupId: "roomé" has "é" (U+00E9) at index 4; group IDs are printable ASCII only (0x20-0x7e)'],
    ],
    [
      'groupId with a tab',
      { groupId: 'a\tb', robots: ['a'] },
      ['groupId: "a\\tb" has "\\t" (U+0009) at index 1; group IDs are printable ASCII only (0x20-0x7e)'],
    ],
    ['groupId of 49 bytes', { groupId: 'g'.repeat(49), robots: ['a'] }, ['groupId: 49 bytes, the maximum is 48']],
    ['groupId with a leading space', { groupId: ' g', robots: ['a'] }, ['groupId: " g" has leading or trailing spaces; remove them']],
    ['groupId with a trailing space', { groupId: 'g ', robots: ['a'] }, ['groupId: "g " has leading or trailing spaces; remove them']],
    ['robots missing', { groupId: 'g' }, ['robots: missing; give a non-empty array of robot account ids']],
    ['robots a string', { groupId: 'g', robots: 'a' }, ['robots: expected an array of account id strings, got a string']],
    ['robots empty', { groupId: 'g', robots: [] }, ['robots: empty; give at least one robot account id']],
    [
      'robots over the limit',
      { groupId: 'g', robots: ['a', 'b', 'c', 'd', 'e'] },
      [
        'robots: 5 entries, the maximum is 4 per line (MAX_ROBOTS_PER_LINE; Tencent allows 1,000 members per tag, the tag add_robots sets, so more lines for the room would not help); give the room fewer robots',
      ],
    ],
    ['an account not a string', { groupId: 'g', robots: ['a', 7] }, ['robots[1]: expected a string, got a number']],
    ['an account null', { groupId: 'g', robots: [null] }, ['robots[0]: expected a string, got null']],
    ['an empty account', { groupId: 'g', robots: [''] }, ['robots[0]: empty; remove it or give the account id']],
    ['an account with a space', { groupId: 'g', robots: ['a', 'b', 'c', 'bot 4'] }, [`robots[3]: "bot 4" contains whitespace; ${RULE}`]],
    [
      'an account with a no-break space',
      { groupId: 'g', robots: ['bot\u00a04'] },
      [`robots[0]: "bot\u00a04" contains whitespace; ${RULE}`],
    ],
    ['an account with NUL', { groupId: 'g', robots: ['bot\u0000'] }, [`robots[0]: "bot\\u0000" contains a control character; ${RULE}`]],
    ['an account with a newline', { groupId: 'g', robots: ['a\nb'] }, [`robots[0]: "a\\nb" contains a control character; ${RULE}`]],
    ['an account with DEL', { groupId: 'g', robots: ['a\u007f'] }, [`robots[0]: "a\\u007f" contains a control character; ${RULE}`]],
    [
      'an account with an unpaired surrogate',
      { groupId: 'g', robots: ['a\ud800'] },
      ['robots[0]: "a\\ud800" contains an unpaired surrogate, which is not Unicode; fix its \\u escapes'],
    ],
    [
      'an account of 33 bytes',
      { groupId: 'g', robots: ['a'.repeat(33)] },
      [`robots[0]: "${'a'.repeat(33)}" is 33 bytes, the maximum is 32`],
    ],
    [
      'an account of 11 chars, 33 bytes',
      { groupId: 'g', robots: ['机'.repeat(11)] },
      [`robots[0]: "${'机'.repeat(11)}" is 33 bytes, the maximum is 32`],
    ],
  ])('%s', (_name, value, expected) => {
    expect(problemsOf(value, 4)).toEqual(expected);
  });
});

describe('validateSeedRequest: many problems', () => {
  it('lists every problem of a line, not just the first', () => {
    expect(problemsOf({ groupId: ` ${'é'.repeat(30)}`, robots: ['ok', 'a b', 5], extra: true })).toEqual([
      'unknown field "extra"; the only fields are "groupId" and "robots"',
      `groupId: " ${'é'.repeat(30)}" has "é" (U+00E9) at index 1; group IDs are printable ASCII only (0x20-0x7e)`,
      'groupId: 61 bytes, the maximum is 48',
      `groupId: " ${'é'.repeat(30)}" has leading or trailing spaces; remove them`,
      `robots[1]: "a b" contains whitespace; ${RULE}`,
      'robots[2]: expected a string, got a number',
    ]);
  });

  it(`shows at most ${MAX_PROBLEMS_PER_LINE} problems and counts the rest`, () => {
    const robots = Array.from({ length: 100 }, () => '');
    const problems = problemsOf({ groupId: 'g', robots });
    expect(problems).toHaveLength(MAX_PROBLEMS_PER_LINE);
    expect(problems[0]).toBe('robots[0]: empty; remove it or give the account id');
    expect(problems.at(-1)).toBe(
      `…and ${100 - (MAX_PROBLEMS_PER_LINE - 1)} more problems on this line; fix the ones above and check again`,
    );
  });

  it('echoes at most 40 characters of a bad value, with control characters escaped', () => {
    const [problem] = problemsOf({ groupId: 'g', robots: [`\u001b[31m${'x'.repeat(100)}`] });
    expect(problem).toBe(`robots[0]: "\\u001b[31m${'x'.repeat(35)}…" contains a control character; ${RULE}`);
  });
});

describe('validateSeedRequest: options', () => {
  it.each([0, -1, 1.5, Number.NaN, 2_000_000])('refuses maxRobotsPerLine %s with a message that names it', (bad) => {
    expect(() => validateSeedRequest({}, { maxRobotsPerLine: bad })).toThrow(
      new TypeError(`Expected \`maxRobotsPerLine\` to be an integer from 1 to 1000000, got \`${bad}\` (number)`),
    );
  });

  it("defaults maxRobotsPerLine to 1000, Tencent's limit of members per tag (issue 8: a line could carry 10,000)", () => {
    const robots = (n: number) => Array.from({ length: n }, (_, i) => `bot-${i}`);
    expect(validateSeedRequest({ groupId: 'g', robots: robots(1000) }).ok).toBe(true);
    expect(problemsOf({ groupId: 'g', robots: robots(1001) })).toEqual([
      'robots: 1001 entries, the maximum is 1000 per line (MAX_ROBOTS_PER_LINE; Tencent allows 1,000 members per tag, the tag add_robots sets, so more lines for the room would not help); give the room fewer robots',
    ]);
  });
});
