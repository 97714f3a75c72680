/**
 * Reads typed values out of an environment-like record and collects every problem instead
 * of stopping at the first, so the user fixes all of them in one go.
 */
export class EnvReader {
  readonly problems: string[] = [];
  readonly #env: Readonly<Record<string, string | undefined>>;

  constructor(env: Readonly<Record<string, string | undefined>>) {
    this.#env = env;
  }

  /** The trimmed value, or undefined when unset or blank. */
  raw(name: string): string | undefined {
    const v = this.#env[name]?.trim();
    return v === undefined || v === '' ? undefined : v;
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const n = /^-?\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      this.problems.push(`${name}: expected a whole number from ${min} to ${max}, got ${quote(v)}`);
      return fallback;
    }
    return n;
  }

  boolean(name: string, fallback: boolean): boolean {
    const v = this.raw(name)?.toLowerCase();
    if (v === undefined) return fallback;
    if (v === 'true' || v === '1' || v === 'yes') return true;
    if (v === 'false' || v === '0' || v === 'no') return false;
    this.problems.push(`${name}: expected true or false, got ${quote(v)}`);
    return fallback;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    const found = allowed.find((a) => a === v);
    if (found === undefined) {
      this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got ${quote(v)}`);
      return fallback;
    }
    return found;
  }

  url(name: string, fallback: string, protocols: readonly string[]): string {
    const v = this.raw(name);
    if (v === undefined) return fallback;
    let parsed: URL;
    try {
      parsed = new URL(v);
    } catch {
      this.problems.push(`${name}: expected a URL such as ${fallback}, got a value that is not a URL`);
      return fallback;
    }
    if (!protocols.includes(parsed.protocol)) {
      this.problems.push(`${name}: expected a ${protocols.join(' or ')} URL, got ${parsed.protocol}`);
      return fallback;
    }
    return v;
  }
}

/** Echoes a user's value safely: short, and with control characters escaped. */
function quote(v: string): string {
  return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
}
