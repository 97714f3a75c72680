import { expectIntegerInRange } from './expect-option.js';
import { SpoolFile } from './spool-file.js';

/**
 * Records kept in order: in memory while their estimated size stays within `memoryBytes`,
 * then (every record after that, so the order holds) as JSON lines in a SpoolFile. So an input
 * of millions of lines is held in bounded memory until it is known to be valid as a whole.
 * Records must survive a JSON round trip (plain objects, arrays, strings, numbers).
 */
export class SpoolBuffer<T> {
  readonly #memoryBytes: number;
  #memory: T[] = [];
  #bytes = 0;
  #spool: SpoolFile | undefined;
  #count = 0;

  /** `memoryBytes` 0 spools every record. */
  constructor(memoryBytes: number) {
    this.#memoryBytes = expectIntegerInRange('memoryBytes', memoryBytes, 0, Number.MAX_SAFE_INTEGER);
  }

  /** Records pushed. */
  get count(): number {
    return this.#count;
  }

  /** The spool file, once records went past the memory bound. */
  get spoolPath(): string | undefined {
    return this.#spool?.path;
  }

  /** Keeps `record`, whose size on the heap the caller estimates as `bytes`. */
  async push(record: T, bytes: number): Promise<void> {
    this.#count += 1;
    if (this.#spool === undefined && this.#bytes + bytes <= this.#memoryBytes) {
      this.#memory.push(record);
      this.#bytes += bytes;
      return;
    }
    this.#spool ??= await SpoolFile.create();
    await this.#spool.append(JSON.stringify(record));
  }

  /** Every record in the order pushed; read once, after the last push. */
  async *drain(): AsyncGenerator<T> {
    const memory = this.#memory;
    this.#memory = [];
    this.#bytes = 0;
    yield* memory;
    if (this.#spool === undefined) return;
    // The spool holds only what push() wrote, so each line parses back to a T.
    for await (const line of this.#spool.lines()) yield JSON.parse(line) as T;
  }

  /** Drops the records and removes the spool file; safe to call more than once. */
  async close(): Promise<void> {
    this.#memory = [];
    this.#bytes = 0;
    const spool = this.#spool;
    this.#spool = undefined;
    await spool?.remove();
  }
}
