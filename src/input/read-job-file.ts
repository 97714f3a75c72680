import { isUtf8 } from 'node:buffer';
import { extname } from 'node:path';
import { addAbortSignal } from 'node:stream';
import { DEFAULT_MAX_ROBOTS_PER_LINE } from '../domain/limits.js';
import type { SeedRequest } from '../domain/seed-request.js';
import { isSeederError } from '../errors/seeder-error.js';
import { expectIntegerInRange, expectOneOf } from './expect-option.js';
import { findInvalidUtf8 } from './find-invalid-utf8.js';
import { binaryJobFileError, unreadableJobFileError } from './job-file-errors.js';
import { jobFileLabel, openJobFileStream } from './job-file-source.js';
import { LineSplitter, type RawLine } from './line-splitter.js';
import type { LineParseResult } from './line-parse-result.js';
import { parseCsvLine } from './parse-csv-line.js';
import { parseJsonlLine } from './parse-jsonl-line.js';
import { LIMIT_MAX_ROBOTS_PER_LINE, validateSeedRequest, type SeedRequestLimits } from './validate-seed-request.js';

export type InputFormat = 'jsonl' | 'csv';

export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
/** Upper bound of `maxLineBytes`, well below V8's longest string. */
const LIMIT_MAX_LINE_BYTES = 256 * 1024 * 1024;
/** How much of the file's start is searched for a NUL byte, the mark of a binary or UTF-16 file. */
const BINARY_SNIFF_BYTES = 64 * 1024;

export interface ReadJobFileOptions extends SeedRequestLimits {
  /** How lines are written. Default: from the extension, `.csv` (any case) → 'csv', anything else → 'jsonl'. */
  readonly format?: InputFormat;
  /**
   * Longest line accepted, in bytes without its line ending. A longer line is reported as a
   * problem and its bytes are discarded as they stream past. Default: 1 MiB (1_048_576).
   */
  readonly maxLineBytes?: number;
  /** Stops the reading: the stream is destroyed and `next()` rejects with the signal's AbortError. */
  readonly signal?: AbortSignal;
}

export type ParsedLine =
  | {
      readonly lineNumber: number;
      readonly ok: true;
      readonly request: SeedRequest;
      readonly duplicatesRemoved: number;
    }
  | { readonly lineNumber: number; readonly ok: false; readonly problems: readonly string[] };

interface Settings {
  readonly format: InputFormat;
  readonly maxLineBytes: number;
  readonly maxRobotsPerLine: number;
  readonly apps: readonly string[] | undefined;
  readonly appRequired: boolean;
  readonly signal: AbortSignal | undefined;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const NOT_BLANK = /\S/;

/**
 * Streams the jobs of a JSONL or CSV file, one ParsedLine per non-blank line, in constant
 * memory, reading the input once (`-` is standard input; pipes and FIFOs work). Options are
 * checked now (TypeError); the file is opened on the first `next()`, which throws
 * SeederError('INPUT_UNREADABLE') before any line when the file does not exist, is a
 * directory, is not readable, or has a NUL byte in its first 64 KiB.
 * Problems in single lines are yielded, never thrown.
 */
export function readJobFile(path: string, options: ReadJobFileOptions = {}): AsyncGenerator<ParsedLine> {
  const settings: Settings = {
    format: expectOneOf('format', options.format ?? formatFromExtension(path), ['jsonl', 'csv']),
    maxLineBytes: expectIntegerInRange('maxLineBytes', options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES, 1, LIMIT_MAX_LINE_BYTES),
    maxRobotsPerLine: expectIntegerInRange(
      'maxRobotsPerLine',
      options.maxRobotsPerLine ?? DEFAULT_MAX_ROBOTS_PER_LINE,
      1,
      LIMIT_MAX_ROBOTS_PER_LINE,
    ),
    apps: options.apps,
    appRequired: options.appRequired === true,
    signal: options.signal,
  };
  return streamJobFile(path, settings);
}

function formatFromExtension(path: string): InputFormat {
  return extname(path).toLowerCase() === '.csv' ? 'csv' : 'jsonl';
}

async function* streamJobFile(path: string, settings: Settings): AsyncGenerator<ParsedLine> {
  const label = jobFileLabel(path);
  // `for await` destroys the stream (closing the file) when the caller stops early.
  const stream = await openJobFileStream(path, BINARY_SNIFF_BYTES);
  if (settings.signal !== undefined) addAbortSignal(settings.signal, stream);
  const splitter = new LineSplitter(settings.maxLineBytes);
  const interpret = lineInterpreter(settings);
  // Chunks are held back until the first 64 KiB are known to be text, so that a binary
  // file is refused before a single line is yielded.
  let head: Buffer[] | undefined = [];
  let headBytes = 0;
  let lastLineNumber = 0;

  function* linesOf(chunk: Buffer): Generator<ParsedLine> {
    for (const raw of splitter.push(chunk)) {
      lastLineNumber = raw.lineNumber;
      const parsed = interpret(raw);
      if (parsed !== undefined) yield parsed;
    }
  }
  function startOf(chunks: Buffer[]): Buffer {
    const start = Buffer.concat(chunks);
    const nul = start.subarray(0, BINARY_SNIFF_BYTES).indexOf(0);
    if (nul !== -1) throw binaryJobFileError(label, nul);
    return start.subarray(0, 3).equals(UTF8_BOM) ? start.subarray(3) : start;
  }

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (head === undefined) {
        for (const parsed of linesOf(chunk)) yield parsed;
        continue;
      }
      head.push(chunk);
      headBytes += chunk.length;
      if (headBytes < BINARY_SNIFF_BYTES) continue;
      const start = startOf(head);
      head = undefined;
      for (const parsed of linesOf(start)) yield parsed;
    }
    if (head !== undefined) {
      for (const parsed of linesOf(startOf(head))) yield parsed;
    }
    for (const raw of splitter.end()) {
      const parsed = interpret(raw);
      if (parsed !== undefined) yield parsed;
    }
  } catch (err) {
    if (isSeederError(err) || !isErrnoError(err) || err.name === 'AbortError') throw err;
    const failure = unreadableJobFileError(label, err);
    failure.message += lastLineNumber > 0 ? ` (after line ${lastLineNumber})` : '';
    throw failure;
  }
}

function isErrnoError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

/** Turns raw lines into ParsedLines; undefined for lines that are skipped (blank, CSV header). */
function lineInterpreter(settings: Settings): (raw: RawLine) => ParsedLine | undefined {
  const limits = {
    maxRobotsPerLine: settings.maxRobotsPerLine,
    appRequired: settings.appRequired,
    ...(settings.apps === undefined ? {} : { apps: settings.apps }),
  };
  let firstLine = true;
  return (raw) => {
    const { lineNumber } = raw;
    if (raw.kind === 'too-long') {
      firstLine = false;
      const problem =
        `line is ${raw.byteLength} bytes, the maximum is ${settings.maxLineBytes}; ` +
        'split its robots over several lines with the same groupId';
      return { lineNumber, ok: false, problems: [problem] };
    }
    if (!isUtf8(raw.bytes)) {
      firstLine = false;
      const offset = findInvalidUtf8(raw.bytes);
      const byte = (raw.bytes[offset] ?? 0).toString(16).padStart(2, '0');
      const problem = `not valid UTF-8 at byte ${offset} of the line (0x${byte}); save the file as UTF-8`;
      return { lineNumber, ok: false, problems: [problem] };
    }
    const text = raw.bytes.toString('utf8');
    if (!NOT_BLANK.test(text)) return undefined;
    const result: LineParseResult = settings.format === 'csv' ? parseCsvLine(text, { firstLine }) : parseJsonlLine(text);
    firstLine = false;
    if (result.kind === 'header') return undefined;
    if (result.kind === 'problem') return { lineNumber, ok: false, problems: [result.problem] };
    const validation = validateSeedRequest(result.value, limits);
    return validation.ok
      ? { lineNumber, ok: true, request: validation.request, duplicatesRemoved: validation.duplicatesRemoved }
      : { lineNumber, ok: false, problems: validation.problems };
  };
}
