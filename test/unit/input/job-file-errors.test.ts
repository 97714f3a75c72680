import { describe, it, expect } from 'vitest';
import { SeederError } from '../../../src/errors/seeder-error.js';
import { unreadableJobFileError } from '../../../src/input/job-file-errors.js';

function errno(code: string): Error {
  return Object.assign(new Error(`${code}: something`), { code });
}

// Mapped here rather than through the file system: tests run as root in CI, and root can
// read a chmod 000 file.
describe('unreadableJobFileError', () => {
  it.each([
    ['ENOENT', 'job file jobs.jsonl does not exist', 'check the path'],
    ['ENOTDIR', 'job file jobs.jsonl does not exist', 'check the path'],
    ['EISDIR', 'job file jobs.jsonl is a directory', 'give the path of a file inside it'],
    ['EACCES', 'job file jobs.jsonl is not readable: permission denied', 'make it readable'],
    ['EPERM', 'job file jobs.jsonl is not readable: permission denied', 'make it readable'],
    [
      'ENXIO',
      'job file jobs.jsonl cannot be opened: it is a socket or a device with no reader',
      'to read standard input, give - as the file',
    ],
    ['EIO', 'job file jobs.jsonl could not be read: EIO: something', 'check that the path'],
  ])('%s', (code, message, hintStart) => {
    const err = unreadableJobFileError('jobs.jsonl', errno(code));
    expect(err).toBeInstanceOf(SeederError);
    expect(err.code).toBe('INPUT_UNREADABLE');
    expect(err.message).toBe(message);
    expect(err.hint?.startsWith(hintStart)).toBe(true);
  });
});
