/**
 * Option checks for the input readers, in one message format:
 * "Expected `name` to be ..., got `value` (type)". They run once, when a reader is created.
 */

function show(value: unknown): string {
  return `\`${String(value)}\` (${typeof value})`;
}

export function expectIntegerInRange(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`Expected \`${name}\` to be an integer from ${min} to ${max}, got ${show(value)}`);
  }
  return value;
}

export function expectOneOf<T extends string>(name: string, value: unknown, allowed: readonly T[]): T {
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) {
    const list = allowed.map((candidate) => `'${candidate}'`).join(' or ');
    throw new TypeError(`Expected \`${name}\` to be ${list}, got ${show(value)}`);
  }
  return match;
}
