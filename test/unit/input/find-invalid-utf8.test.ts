import { describe, it, expect } from 'vitest';
import { findInvalidUtf8 } from '../../../src/input/find-invalid-utf8.js';

describe('findInvalidUtf8', () => {
  it.each<[string, number[], number]>([
    ['valid ASCII', [0x61, 0x62], -1],
    ['valid multi-byte text', [...Buffer.from('é机😀')], -1],
    ['a real U+FFFD', [...Buffer.from('a\ufffdb')], -1],
    ['a Latin-1 é', [0x63, 0x61, 0x66, 0xe9], 3],
    ['a bad byte after multi-byte text and a real U+FFFD', [...Buffer.from('机\ufffd'), 0xff, 0x61], 6],
    ['a truncated sequence at the end', [0x61, 0xe6, 0x9c], 1],
    ['an encoded surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
  ])('%s', (_name, bytes, offset) => {
    expect(findInvalidUtf8(Buffer.from(bytes))).toBe(offset);
  });
});
