import { constants as bufferConstants } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import { createReadStream, rmSync } from 'node:fs';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeederError } from '../errors/seeder-error.js';
import { LineSplitter } from './line-splitter.js';

/** Lines are written in blocks of about this size: one write per line would cost more than the line. */
const WRITE_BLOCK_BYTES = 256 * 1024;
const READ_BLOCK_BYTES = 256 * 1024;

/**
 * A temporary file of text lines under `os.tmpdir()`, readable by this user only (0600),
 * written front to back, then read back once. `remove()` deletes it; so does the process's
 * exit if it is still there (a second Ctrl-C forces an exit past every `finally`).
 * I/O errors become SeederError('INPUT_UNREADABLE') naming the file and what to do.
 */
export class SpoolFile {
  readonly path: string;
  /** Open for writing until `lines()` starts; undefined after. */
  #handle: FileHandle | undefined;
  /** Text appended and not yet written, each piece followed by its '\n'. */
  #pending: string[] = [];
  #pendingChars = 0;
  readonly #removeAtExit = (): void => rmSync(this.path, { force: true });

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
    process.on('exit', this.#removeAtExit);
  }

  static async create(): Promise<SpoolFile> {
    const path = join(tmpdir(), `robot-seeder-spool-${process.pid}-${randomBytes(6).toString('hex')}.jsonl`);
    // 'wx' fails rather than follow a link someone planted at the path.
    const handle = await open(path, 'wx', 0o600).catch((err: unknown) => {
      throw spoolError(path, 'create', err);
    });
    return new SpoolFile(path, handle);
  }

  /** Adds lines: `text` is one or more lines joined by '\n', without a last one. */
  async appendLines(text: string): Promise<void> {
    this.#pending.push(text, '\n');
    // String length, not bytes: close enough to size a block.
    this.#pendingChars += text.length + 1;
    if (this.#pendingChars >= WRITE_BLOCK_BYTES) await this.#flush();
  }

  /** The lines appended, in order. Appending ends when reading starts. */
  async *lines(): AsyncGenerator<string> {
    await this.#flush();
    await this.#handle?.close();
    this.#handle = undefined;
    // Any line fits: each was a string this process held.
    const splitter = new LineSplitter(bufferConstants.MAX_STRING_LENGTH);
    try {
      for await (const chunk of createReadStream(this.path, { highWaterMark: READ_BLOCK_BYTES }) as AsyncIterable<Buffer>) {
        for (const raw of splitter.push(chunk)) {
          if (raw.kind === 'too-long') throw new Error(`spool line of ${raw.byteLength} bytes is longer than any string`);
          yield raw.bytes.toString('utf8');
        }
      }
    } catch (err) {
      throw spoolError(this.path, 'read', err);
    }
  }

  async remove(): Promise<void> {
    process.off('exit', this.#removeAtExit);
    await this.#handle?.close().catch(() => undefined);
    this.#handle = undefined;
    await rm(this.path, { force: true });
  }

  async #flush(): Promise<void> {
    if (this.#pending.length === 0 || this.#handle === undefined) return;
    const text = this.#pending.join('');
    this.#pending = [];
    this.#pendingChars = 0;
    try {
      await this.#handle.write(text);
    } catch (err) {
      throw spoolError(this.path, 'write', err);
    }
  }
}

function spoolError(path: string, what: 'create' | 'write' | 'read', err: unknown): SeederError {
  const reason = err instanceof Error ? err.message : String(err);
  return new SeederError('INPUT_UNREADABLE', `could not ${what} the spool file ${path} (planned jobs past the memory bound): ${reason}`, {
    hint: 'free space in the temporary directory, point TMPDIR at a larger disk, or raise ENQUEUE_MEMORY_MB to keep more jobs in memory',
    cause: err,
  });
}
