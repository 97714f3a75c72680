/**
 * The most arrivals seen in any window of `windowMs`, wherever it starts: the figure that
 * says whether a rate limit was kept at every instant, not just per calendar second (two
 * bursts at the end of one second and the start of the next pass a per-second count).
 * Keeps only the arrivals of the last window, in a ring buffer that grows as needed.
 */
export class SlidingWindowMax {
  readonly #windowMs: number;
  #times = new Float64Array(1024);
  /** Index of the oldest arrival still inside the window, and how many there are. */
  #head = 0;
  #size = 0;
  #max = 0;

  constructor(windowMs = 1000) {
    this.#windowMs = windowMs;
  }

  /** Counts an arrival at `nowMs` (a monotonic clock, e.g. `performance.now()`). */
  record(nowMs: number): void {
    while (this.#size > 0 && (this.#times[this.#head] ?? 0) <= nowMs - this.#windowMs) {
      this.#head = (this.#head + 1) % this.#times.length;
      this.#size -= 1;
    }
    if (this.#size === this.#times.length) this.#grow();
    this.#times[(this.#head + this.#size) % this.#times.length] = nowMs;
    this.#size += 1;
    if (this.#size > this.#max) this.#max = this.#size;
  }

  /** Most arrivals in any window of `windowMs` since the start (or the last reset). */
  max(): number {
    return this.#max;
  }

  reset(): void {
    this.#head = 0;
    this.#size = 0;
    this.#max = 0;
  }

  #grow(): void {
    const bigger = new Float64Array(this.#times.length * 2);
    for (let i = 0; i < this.#size; i += 1) bigger[i] = this.#times[(this.#head + i) % this.#times.length] ?? 0;
    this.#times = bigger;
    this.#head = 0;
  }
}
