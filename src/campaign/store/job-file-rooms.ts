import { invalidLinesError } from '../../input/invalid-lines.js';
import { newTally, validRequests } from '../../input/job-file-intake.js';
import type { ReadJobFileOptions } from '../../input/read-job-file.js';
import type { RoomSource } from './campaign-rooms.js';

/**
 * A job file as the rooms of a campaign, under the rules of `enqueue`: the valid lines stream
 * into Redis (staged, where nothing reads them yet) in the one read of the file, and `finish()`
 * refuses the file whole if any line was invalid (the campaign then keeps what it had).
 */
export function jobFileRooms(path: string, options: ReadJobFileOptions): RoomSource {
  const tally = newTally();
  return {
    requests: validRequests(path, options, tally),
    finish() {
      if (tally.invalid === 0) return;
      throw invalidLinesError(
        path,
        tally,
        'the campaign was not saved',
        'fix these lines and run again: a campaign takes its job file whole or not at all',
      );
    },
  };
}
