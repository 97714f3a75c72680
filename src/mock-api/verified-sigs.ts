/**
 * UserSigs the mock has already verified, with when each expires: a worker sends the same
 * UserSig for hours, and inflating and re-signing it on every call made the mock, not the
 * workers, the busiest process of a benchmark. Only good signatures are kept; expiry is still
 * checked on every call.
 */
export class VerifiedSigs {
  /** A fleet uses a handful of UserSigs at a time; a flood of distinct ones just starts over. */
  static readonly MAX_KEPT = 64;
  readonly #expiresAt = new Map<string, number>();

  /** When the UserSig (for this identifier) expires, in Unix seconds, if verified before. */
  expiresAt(userSig: string, identifier: string): number | undefined {
    return this.#expiresAt.get(key(userSig, identifier));
  }

  remember(userSig: string, identifier: string, expiresAtSeconds: number): void {
    if (this.#expiresAt.size >= VerifiedSigs.MAX_KEPT) this.#expiresAt.clear();
    this.#expiresAt.set(key(userSig, identifier), expiresAtSeconds);
  }

  clear(): void {
    this.#expiresAt.clear();
  }
}

function key(userSig: string, identifier: string): string {
  return `${identifier}\n${userSig}`;
}
