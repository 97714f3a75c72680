/** How many past seconds `perSecond()` reports; older ones are dropped so a long dry run stays small. */
export const PER_SECOND_HISTORY = 3600;

export interface SecondCount {
  /** Unix second (`Math.floor(Date.now() / 1000)`). */
  readonly second: number;
  /** Calls received in that second, refused ones included. */
  readonly calls: number;
  /** Of those, how many were refused for the rate. */
  readonly refused: number;
}

/**
 * Tencent's "200 calls/s" as a fixed wall-clock-second window: the call that arrives as the
 * (limit + 1)-th of its second is refused, whatever happened in the second before.
 */
export class RateWindow {
  readonly #limitPerSecond: number;
  /** Unix second → counts, in arrival order (Maps keep insertion order, so the oldest is first). */
  readonly #seconds = new Map<number, { calls: number; refused: number }>();
  #busiestSecondCalls = 0;

  constructor(limitPerSecond: number) {
    this.#limitPerSecond = limitPerSecond;
  }

  /**
   * Counts one arriving call; `allowed` is false when it is over the limit of its second, or
   * when `alreadyRefused` (the whole mock's window counts the refusals of the apps' windows).
   */
  record(nowMs: number, alreadyRefused = false): { readonly second: number; readonly allowed: boolean } {
    const second = Math.floor(nowMs / 1000);
    let entry = this.#seconds.get(second);
    if (entry === undefined) {
      entry = { calls: 0, refused: 0 };
      this.#seconds.set(second, entry);
      this.#prune(second);
    }
    entry.calls += 1;
    const allowed = !alreadyRefused && entry.calls <= this.#limitPerSecond;
    if (!allowed) entry.refused += 1;
    if (entry.calls > this.#busiestSecondCalls) this.#busiestSecondCalls = entry.calls;
    return { second, allowed };
  }

  /** Most calls received in any one second since the start (or the last reset). */
  busiestSecond(): number {
    return this.#busiestSecondCalls;
  }

  perSecond(): SecondCount[] {
    return [...this.#seconds].map(([second, c]) => ({ second, calls: c.calls, refused: c.refused }));
  }

  reset(): void {
    this.#seconds.clear();
    this.#busiestSecondCalls = 0;
  }

  #prune(newestSecond: number): void {
    for (const second of this.#seconds.keys()) {
      if (second > newestSecond - PER_SECOND_HISTORY) break;
      this.#seconds.delete(second);
    }
  }
}
