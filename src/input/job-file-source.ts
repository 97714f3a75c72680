import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { isSeederError } from '../errors/seeder-error.js';
import { directoryJobFileError, unreadableJobFileError } from './job-file-errors.js';

/** The FILE that names standard input: `robot-seeder enqueue - < rooms.jsonl`. */
const STDIN_PATH = '-';

/** How messages name a job file: `-` is standard input. */
export function jobFileLabel(path: string): string {
  return path === STDIN_PATH ? 'stdin' : path;
}

/**
 * The bytes of a job file as a stream that is read once, front to back, never sought: so
 * a pipe, a FIFO, `/dev/stdin` or `<(...)` works like a regular file. `-` is this
 * process's standard input. Throws SeederError('INPUT_UNREADABLE') when the path does not
 * exist, is a directory or cannot be opened.
 */
export async function openJobFileStream(path: string, highWaterMark: number): Promise<Readable> {
  if (path === STDIN_PATH) return process.stdin;
  const handle = await openJobFile(path);
  // The stream owns the handle from here on and closes it when it ends or is destroyed.
  return createReadStream(path, { fd: handle, highWaterMark });
}

async function openJobFile(path: string): Promise<FileHandle> {
  let handle: FileHandle;
  try {
    // A FIFO blocks here until a writer opens it, as `cat` would.
    handle = await open(path, 'r');
  } catch (err) {
    throw unreadableJobFileError(path, err);
  }
  try {
    // On Linux, opening a directory read-only succeeds; only reading it fails.
    if ((await handle.stat()).isDirectory()) throw directoryJobFileError(path);
    return handle;
  } catch (err) {
    await handle.close();
    throw isSeederError(err) ? err : unreadableJobFileError(path, err);
  }
}
