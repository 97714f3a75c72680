import { SeederError } from '../errors/seeder-error.js';

/**
 * Why a whole job file is refused before any line is read. Every message names the path;
 * every hint says what to do.
 */

const FORMATS_HINT = 'one JSON object per line (.jsonl) or groupId,robot1,robot2,... per line (.csv)';

function errnoCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/** The error for a failed open/stat/read of `path`, by errno code. */
export function unreadableJobFileError(path: string, err: unknown): SeederError {
  const code = errnoCode(err);
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new SeederError('INPUT_UNREADABLE', `job file ${path} does not exist`, {
        hint: `check the path; a relative path is resolved from ${process.cwd()}`,
        cause: err,
      });
    case 'EISDIR':
      return directoryJobFileError(path);
    // Linux cannot open a socket by path: `/dev/stdin` fails so when stdin is a socket (a parent
    // process's pipe is often one).
    case 'ENXIO':
      return new SeederError('INPUT_UNREADABLE', `job file ${path} cannot be opened: it is a socket or a device with no reader`, {
        hint: 'to read standard input, give - as the file (robot-seeder enqueue - < rooms.jsonl)',
        cause: err,
      });
    case 'EACCES':
    case 'EPERM':
      return new SeederError('INPUT_UNREADABLE', `job file ${path} is not readable: permission denied`, {
        hint: 'make it readable by the user that runs robot-seeder (chmod u+r, or chmod o+r), or run as its owner',
        cause: err,
      });
    default: {
      const reason = err instanceof Error ? err.message : String(err);
      return new SeederError('INPUT_UNREADABLE', `job file ${path} could not be read: ${reason}`, {
        hint: 'check that the path is a readable regular file and that its disk is healthy',
        cause: err,
      });
    }
  }
}

export function directoryJobFileError(path: string): SeederError {
  return new SeederError('INPUT_UNREADABLE', `job file ${path} is a directory`, {
    hint: `give the path of a file inside it: ${FORMATS_HINT}`,
  });
}

export function binaryJobFileError(path: string, nulOffset: number): SeederError {
  return new SeederError('INPUT_UNREADABLE', `job file ${path} looks binary: a NUL byte at offset ${nulOffset}`, {
    hint: `give a UTF-8 text file, ${FORMATS_HINT}; a UTF-16 file (Windows "Unicode") must be saved as UTF-8`,
  });
}
