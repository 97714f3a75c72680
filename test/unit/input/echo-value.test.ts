import { describe, it, expect } from 'vitest';
import { describeType, echoValue, escapeControlCharacters, MAX_ECHOED_CHARS } from '../../../src/input/echo-value.js';

describe('echoValue', () => {
  it.each([
    ['plain', '"plain"'],
    ['say "hi" \\ bye', '"say \\"hi\\" \\\\ bye"'],
    ['a\nb\tc\rd', '"a\\nb\\tc\\rd"'],
    ['\u0000\u001b\u007f\u0085', '"\\u0000\\u001b\\u007f\\u0085"'],
    ['line\u2028sep', '"line\\u2028sep"'],
    ['bidi\u202eevil', '"bidi\\u202eevil"'],
    ['lone\ud800', '"lone\\ud800"'],
    ['机器人😀', '"机器人😀"'],
  ])('shows %j as %s', (value, shown) => {
    expect(echoValue(value)).toBe(shown);
  });

  it(`keeps a value of exactly ${MAX_ECHOED_CHARS} code points whole`, () => {
    expect(echoValue('x'.repeat(MAX_ECHOED_CHARS))).toBe(`"${'x'.repeat(MAX_ECHOED_CHARS)}"`);
  });

  it('cuts a longer value with … and never splits a surrogate pair', () => {
    expect(echoValue('x'.repeat(MAX_ECHOED_CHARS + 1))).toBe(`"${'x'.repeat(MAX_ECHOED_CHARS)}…"`);
    expect(echoValue('😀'.repeat(100))).toBe(`"${'😀'.repeat(MAX_ECHOED_CHARS)}…"`);
  });

  it('cuts before escaping, so an escape is never cut in half', () => {
    expect(echoValue('\u0000'.repeat(100))).toBe(`"${'\\u0000'.repeat(MAX_ECHOED_CHARS)}…"`);
  });
});

describe('escapeControlCharacters', () => {
  it('escapes controls but leaves quotes alone', () => {
    expect(escapeControlCharacters('token \'\u0001\', "[\u0001x" is not')).toBe('token \'\\u0001\', "[\\u0001x" is not');
  });
});

describe('describeType', () => {
  it.each<[unknown, string]>([
    [null, 'null'],
    [[], 'an array'],
    [{}, 'an object'],
    ['', 'a string'],
    [1, 'a number'],
    [true, 'a boolean'],
    [undefined, 'an undefined'],
  ])('%j is %s', (value, name) => {
    expect(describeType(value)).toBe(name);
  });
});
