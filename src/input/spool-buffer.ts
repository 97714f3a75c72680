import { expectIntegerInRange } from './expect-option.js';
import { SpoolFile } from './spool-file.js';

/** A block (one string in memory) is sealed at this many records... */
const BLOCK_RECORDS = 1000;
/** ...or this many characters, so that records of thousands of robots make no giant strings. */
const BLOCK_CHARS = 256 * 1024;

/**
 * Records kept in order as JSON Lines: in memory while the text stays within `memoryBytes`,
 * then (every record after that, so the order holds) in a SpoolFile. So an input of millions
 * of lines is held in bounded memory until it is known to be valid as a whole. Records must
 * survive a JSON round trip (plain objects, arrays, strings, numbers).
 *
 * Text, not the objects: a 100,000-line file held as objects (~570 bytes each on the heap)
 * cost more in garbage collection than the whole JSON round trip. In memory the lines are
 * kept in blocks of BLOCK_RECORDS (one small string per record cost more collection too), and
 * given back a block at a time: one step of an async iteration per record cost more than
 * parsing it.
 */
export class SpoolBuffer<T> {
  readonly #memoryBytes: number;
  /** The JSON of the records of the block being filled. */
  #block: string[] = [];
  #blockChars = 0;
  /** Sealed blocks: JSON lines joined by '\n' (JSON.stringify never writes a raw newline). */
  #memory: string[] = [];
  #bytes = 0;
  #spool: SpoolFile | undefined;

  /** `memoryBytes` 0 spools every record. */
  constructor(memoryBytes: number) {
    this.#memoryBytes = expectIntegerInRange('memoryBytes', memoryBytes, 0, Number.MAX_SAFE_INTEGER);
  }

  /** The spool file, once records went past the memory bound. */
  get spoolPath(): string | undefined {
    return this.#spool?.path;
  }

  /**
   * Keeps `record`. Its JSON text counts against the memory bound (a character as a byte) once
   * its block is full; only then is a promise returned (the block being stored), to await before
   * the next push: most pushes cost no step of the event loop.
   */
  push(record: T): Promise<void> | undefined {
    const text = JSON.stringify(record);
    this.#block.push(text);
    this.#blockChars += text.length;
    return this.#block.length >= BLOCK_RECORDS || this.#blockChars >= BLOCK_CHARS ? this.#seal() : undefined;
  }

  /** Every record in the order pushed, in batches of at most BLOCK_RECORDS; read once, after the last push. */
  async *drain(): AsyncGenerator<T[]> {
    await this.#seal();
    const memory = this.#memory;
    this.#memory = [];
    this.#bytes = 0;
    // Both hold only what push() wrote, so each line parses back to a T.
    for (const block of memory) yield block.split('\n').map((line) => JSON.parse(line) as T);
    if (this.#spool === undefined) return;
    let batch: T[] = [];
    for await (const line of this.#spool.lines()) {
      batch.push(JSON.parse(line) as T);
      if (batch.length < BLOCK_RECORDS) continue;
      yield batch;
      batch = [];
    }
    if (batch.length > 0) yield batch;
  }

  /** Drops the records and removes the spool file; safe to call more than once. */
  async close(): Promise<void> {
    this.#block = [];
    this.#blockChars = 0;
    this.#memory = [];
    this.#bytes = 0;
    const spool = this.#spool;
    this.#spool = undefined;
    await spool?.remove();
  }

  async #seal(): Promise<void> {
    if (this.#block.length === 0) return;
    const block = this.#block.join('\n');
    this.#block = [];
    this.#blockChars = 0;
    if (this.#spool === undefined && this.#bytes + block.length <= this.#memoryBytes) {
      this.#memory.push(block);
      this.#bytes += block.length;
      return;
    }
    this.#spool ??= await SpoolFile.create();
    await this.#spool.appendLines(block);
  }
}
