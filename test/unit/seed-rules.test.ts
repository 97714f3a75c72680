import { describe, expect, it } from 'vitest';
import { chooseRobots } from '../../src/callbacks/choose-robots.js';
import { validateSeedRules, type SeedRules } from '../../src/callbacks/seed-rules.js';

function problemsOf(value: unknown): readonly string[] {
  const r = validateSeedRules(value, 100);
  return r.ok ? [] : r.problems;
}

function rulesOf(value: unknown): SeedRules {
  const r = validateSeedRules(value, 100);
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.value;
}

describe('SEED_RULES_FILE validation', () => {
  it('accepts fixed robots, a pool draw, or both', () => {
    const rules = rulesOf({
      rules: [
        { namePattern: '^game-', robots: ['a', 'b'] },
        { namePattern: 'talk', robots: ['host_bot'], pool: ['p1', 'p2'], draw: 1 },
        { namePattern: '.*', pool: ['r1', 'r2', 'r3'], draw: 3 },
      ],
    });
    expect(rules.rules).toHaveLength(3);
    expect(rules.rules[1]).toMatchObject({ robots: ['host_bot'], pool: ['p1', 'p2'], draw: 1 });
  });

  it.each([
    ['not an object', [], /expected an object like \{"rules"/],
    ['no rules', {}, /^rules: expected a non-empty array of rules .* got nothing$/],
    ['an empty list', { rules: [] }, /^rules: expected a non-empty array/],
    [
      'an unknown top-level field',
      { rules: [{ namePattern: '.*', robots: ['a'] }], rule: [] },
      /unknown field "rule"; the only field is "rules"/,
    ],
    ['a rule that is not an object', { rules: ['a'] }, /^rules\[0\]: expected an object/],
    [
      'no namePattern',
      { rules: [{ robots: ['a'] }] },
      /^rules\[0\]\.namePattern: expected a regular expression as a string \("\.\*" matches every name\), got nothing$/,
    ],
    [
      'a broken pattern',
      { rules: [{ namePattern: '[a-', robots: ['a'] }] },
      /^rules\[0\]\.namePattern: "\[a-" is not a valid regular expression/,
    ],
    ['neither robots nor pool', { rules: [{ namePattern: '.*' }] }, /^rules\[0\]: give "robots" .* and\/or "pool" with "draw"/],
    ['a pool without draw', { rules: [{ namePattern: '.*', pool: ['a'] }] }, /^rules\[0\]\.draw: missing/],
    ['draw without a pool', { rules: [{ namePattern: '.*', robots: ['a'], draw: 1 }] }, /^rules\[0\]\.draw: needs a "pool"/],
    [
      'draw larger than the pool',
      { rules: [{ namePattern: '.*', pool: ['a', 'b'], draw: 3 }] },
      /^rules\[0\]\.draw: expected a whole number from 1 to the pool size \(2\), got 3$/,
    ],
    ['draw zero', { rules: [{ namePattern: '.*', pool: ['a'], draw: 0 }] }, /pool size \(1\), got 0/],
    ['draw as a string', { rules: [{ namePattern: '.*', pool: ['a'], draw: '1' }] }, /got a string/],
    [
      'a bad account id',
      { rules: [{ namePattern: '.*', robots: ['ok', 'has space'] }] },
      /^rules\[0\]\.robots\[1\]: "has space" contains whitespace/,
    ],
    ['an empty pool', { rules: [{ namePattern: '.*', pool: [], draw: 1 }] }, /^rules\[0\]\.pool: empty/],
    [
      'a robot listed twice',
      { rules: [{ namePattern: '.*', pool: ['a', 'a', 'b'], draw: 1 }] },
      /^rules\[0\]\.pool: lists 1 account\(s\) more than once/,
    ],
    [
      'a robot in both lists',
      { rules: [{ namePattern: '.*', robots: ['a'], pool: ['a', 'b'], draw: 1 }] },
      /^rules\[0\]\.pool: "a" is also in "robots"/,
    ],
    ['a misspelt field', { rules: [{ namePattern: '.*', robot: ['a'] }] }, /^rules\[0\]: unknown field "robot"/],
  ])('names the rule, the field and the fix for %s', (_what, value, message) => {
    const problems = problemsOf(value);
    expect(
      problems.some((p) => message.test(p)),
      problems.join('\n'),
    ).toBe(true);
  });

  it('lists the problems of every rule at once', () => {
    const problems = problemsOf({
      rules: [{ namePattern: '(', robots: ['a'] }, { namePattern: '.*', pool: ['a'], draw: 2 }, { robots: [] }],
    });
    expect(problems.map((p) => p.slice(0, 8))).toEqual(['rules[0]', 'rules[1]', 'rules[2]', 'rules[2]']);
  });
});

describe('choosing the robots of a new room', () => {
  const rules = rulesOf({
    rules: [
      { namePattern: '^game-', robots: ['g1', 'g2'] },
      { namePattern: '.*', pool: ['p1', 'p2', 'p3', 'p4'], draw: 2 },
    ],
  });

  it('gives AUTO_SEED_ROBOTS plus the robots of the first matching rule, without duplicates', () => {
    expect(chooseRobots({ everyRoom: ['bot_a', 'g1'], rules }, 'game-night')).toEqual(['bot_a', 'g1', 'g2']);
  });

  it('draws distinct robots from the pool with the given random source', () => {
    // Always the first remaining entry: a Fisher-Yates draw keeps the order.
    expect(chooseRobots({ everyRoom: [], rules }, 'talk', () => 0)).toEqual(['p1', 'p2']);
    // Always the last remaining entry: p4 swaps with p1, then the (moved) p1 is last.
    expect(chooseRobots({ everyRoom: [], rules }, 'talk', (max) => max - 1)).toEqual(['p4', 'p1']);
    for (let i = 0; i < 50; i += 1) {
      const drawn = chooseRobots({ everyRoom: [], rules }, 'talk');
      expect(new Set(drawn).size).toBe(2);
    }
  });

  it('gives AUTO_SEED_ROBOTS only without a rules file or a matching rule, and nothing without either', () => {
    expect(chooseRobots({ everyRoom: ['bot_a'], rules: null }, 'x')).toEqual(['bot_a']);
    expect(chooseRobots({ everyRoom: ['bot_a'], rules: rulesOf({ rules: [{ namePattern: '^vip', robots: ['v'] }] }) }, 'x')).toEqual([
      'bot_a',
    ]);
    expect(chooseRobots({ everyRoom: [], rules: null }, 'x')).toEqual([]);
  });
});
