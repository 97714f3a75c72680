import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SeederError } from '../errors/seeder-error.js';

type Options = NonNullable<ParseArgsConfig['options']>;
/** Spelt out because the build emits declarations, and @types/node does not export the name of parseArgs's result. */
type ParsedCommandArgs<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

/** util.parseArgs in strict mode, its errors turned into USAGE errors that show the command's usage. */
export function parseCommandArgs<O extends Options>(args: readonly string[], options: O, usage: string): ParsedCommandArgs<O> {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new SeederError('USAGE', err instanceof Error ? err.message : String(err), { hint: `usage: ${usage}` });
  }
}

/** A flag value that must be a whole number in a range. */
export function integerFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new SeederError('USAGE', `--${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** `--code 10010`, or `--code none` for failures that carry no Tencent code. */
export function errorCodeFlag(value: string | undefined): { errorCode?: number | null } {
  if (value === undefined) return {};
  if (value === 'none') return { errorCode: null };
  const n = integerFlag('code', value, 0, 999_999);
  return { errorCode: n ?? null };
}

export function requirePositional(positionals: readonly string[], what: string, usage: string): string {
  const [first, ...extra] = positionals;
  if (first === undefined) throw new SeederError('USAGE', `missing ${what}`, { hint: `usage: ${usage}` });
  if (extra.length > 0) throw new SeederError('USAGE', `unexpected argument ${JSON.stringify(extra[0])}`, { hint: `usage: ${usage}` });
  return first;
}
