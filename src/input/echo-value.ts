/**
 * How a bad value from a job file is shown back in a problem message. Job files come from
 * anywhere: a value may be megabytes long or hold terminal escapes, so it is cut short
 * and every invisible or line-breaking character is written as an escape.
 */

/** Code points of a value shown before it is cut off with `…`. */
export const MAX_ECHOED_CHARS = 40;

// C0/C1 controls and DEL (\p{Cc}), unpaired surrogates (\p{Cs}), the line separators
// JSON.stringify lets through, and the bidi controls that can make text read differently
// from what it is ("Trojan Source").
const UNSAFE = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/gu;

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

function escapeChar(char: string): string {
  return SHORT_ESCAPES[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `text` with control, bidi and unpaired-surrogate characters escaped; quotes left as they are. */
export function escapeControlCharacters(text: string): string {
  return text.replace(UNSAFE, escapeChar);
}

/**
 * `value` as a JSON-style string literal: quoted, `"` and `\` escaped, control characters
 * escaped, and cut to MAX_ECHOED_CHARS code points with `…` inside the closing quote.
 */
export function echoValue(value: string): string {
  let shown = value;
  // Counts code points without copying: a value can be a whole 1 MiB line.
  let codePoints = 0;
  for (let index = 0; index < value.length; index += 1) {
    const unit = value.charCodeAt(index);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(index + 1);
      if (next >= 0xdc00 && next <= 0xdfff) index += 1;
    }
    codePoints += 1;
    if (codePoints === MAX_ECHOED_CHARS && index + 1 < value.length) {
      shown = `${value.slice(0, index + 1)}…`;
      break;
    }
  }
  return `"${escapeControlCharacters(shown.replace(/["\\]/g, '\\$&'))}"`;
}

/** "a string", "an array", "null", ...: what a JSON value was, for "expected X, got Y". */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const type = typeof value;
  return type === 'object' || type === 'undefined' ? `an ${type}` : `a ${type}`;
}
