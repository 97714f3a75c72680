/**
 * Splits a byte stream into lines on LF, dropping a CR before it, without ever holding more
 * than one line of at most `maxLineBytes`: once a line is longer, its bytes are only
 * counted as they stream past, so a 5 GB line costs no more memory than a short one.
 */

const LF = 0x0a;
const CR = 0x0d;

export type RawLine =
  /** A line's bytes without its line ending. */
  | { readonly kind: 'line'; readonly lineNumber: number; readonly bytes: Buffer }
  /** A line over the limit; `byteLength` is its full length without its line ending. */
  | { readonly kind: 'too-long'; readonly lineNumber: number; readonly byteLength: number };

export class LineSplitter {
  readonly #maxLineBytes: number;
  /** Pieces of the current line from earlier chunks; empty once the line is too long. */
  #pieces: Buffer[] = [];
  /** Bytes of the current line seen so far, kept or not. */
  #lineBytes = 0;
  /** The current line is already too long: its bytes are counted, not kept. */
  #discarding = false;
  /** Last byte of the current line so far (-1: none), to tell whether it ends with CR. */
  #lastByte = -1;
  #nextLineNumber = 1;

  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** Bytes of the unfinished current line held in memory: at most maxLineBytes + 1. */
  get bufferedBytes(): number {
    return this.#discarding ? 0 : this.#lineBytes;
  }

  /** The lines that `chunk` completes. The chunk must not be changed afterwards: lines are views of it. */
  push(chunk: Buffer): RawLine[] {
    const lines: RawLine[] = [];
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf(LF, start);
      if (newline === -1) {
        if (start < chunk.length) this.#hold(chunk.subarray(start));
        return lines;
      }
      lines.push(this.#complete(chunk.subarray(start, newline)));
      start = newline + 1;
    }
  }

  /** The last line, when the input did not end with a line ending. */
  end(): RawLine[] {
    return this.#lineBytes > 0 ? [this.#complete(Buffer.alloc(0))] : [];
  }

  #hold(piece: Buffer): void {
    this.#lineBytes += piece.length;
    this.#lastByte = piece[piece.length - 1] ?? this.#lastByte;
    if (this.#discarding) return;
    // + 1: the byte that pushes it over may be the CR of a CRLF, which is not part of the line.
    if (this.#lineBytes > this.#maxLineBytes + 1) {
      this.#discarding = true;
      this.#pieces = [];
      return;
    }
    this.#pieces.push(piece);
  }

  #complete(tail: Buffer): RawLine {
    const lineNumber = this.#nextLineNumber;
    const total = this.#lineBytes + tail.length;
    const lastByte = tail.length > 0 ? tail[tail.length - 1] : this.#lastByte;
    const length = lastByte === CR ? total - 1 : total;
    let line: RawLine;
    if (length > this.#maxLineBytes) {
      line = { kind: 'too-long', lineNumber, byteLength: length };
    } else {
      const whole = this.#pieces.length === 0 ? tail : Buffer.concat([...this.#pieces, tail], total);
      line = { kind: 'line', lineNumber, bytes: whole.subarray(0, length) };
    }
    this.#nextLineNumber += 1;
    this.#pieces = [];
    this.#lineBytes = 0;
    this.#discarding = false;
    this.#lastByte = -1;
    return line;
  }
}
