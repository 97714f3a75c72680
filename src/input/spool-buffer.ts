import { expectIntegerInRange } from './expect-option.js';
import { SpoolFile } from './spool-file.js';

/**
 * Records kept in order as JSON text: in memory while the text stays within `memoryBytes`,
 * then (every record after that, so the order holds) as lines of a SpoolFile. So an input of
 * millions of lines is held in bounded memory until it is known to be valid as a whole.
 * Records must survive a JSON round trip (plain objects, arrays, strings, numbers).
 *
 * Text, not the objects: a 100,000-line file held as objects (~570 bytes each on the heap)
 * cost more in garbage collection than the whole JSON round trip; a string is one object
 * the collector need not look into.
 */
export class SpoolBuffer<T> {
  readonly #memoryBytes: number;
  #memory: string[] = [];
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

  /** Keeps `record`; its JSON text counts against the memory bound (a character as a byte). */
  async push(record: T): Promise<void> {
    this.#count += 1;
    const text = JSON.stringify(record);
    if (this.#spool === undefined && this.#bytes + text.length <= this.#memoryBytes) {
      this.#memory.push(text);
      this.#bytes += text.length;
      return;
    }
    this.#spool ??= await SpoolFile.create();
    await this.#spool.append(text);
  }

  /** Every record in the order pushed; read once, after the last push. */
  async *drain(): AsyncGenerator<T> {
    const memory = this.#memory;
    this.#memory = [];
    this.#bytes = 0;
    // Both hold only what push() wrote, so each text parses back to a T.
    for (const text of memory) yield JSON.parse(text) as T;
    if (this.#spool === undefined) return;
    for await (const text of this.#spool.lines()) yield JSON.parse(text) as T;
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
