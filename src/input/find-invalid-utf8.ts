const REPLACEMENT = '\ufffd';

/**
 * Byte offset of the first invalid UTF-8 sequence in `bytes`, or -1. Only for the error
 * message: callers first ask the fast `isUtf8` whether there is one at all.
 */
export function findInvalidUtf8(bytes: Buffer): number {
  const text = bytes.toString('utf8');
  let offset = 0;
  let from = 0;
  for (;;) {
    const found = text.indexOf(REPLACEMENT, from);
    if (found === -1) return -1;
    // Everything before `found` decoded cleanly, so its UTF-8 length is its byte length.
    offset += Buffer.byteLength(text.slice(from, found));
    // A U+FFFD that was in the file is EF BF BD; one made by the decoder is not.
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) return offset;
    offset += 3;
    from = found + 1;
  }
}
