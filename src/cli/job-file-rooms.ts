import { SeederError } from '../errors/seeder-error.js';
import type { RoomSource } from '../campaign/campaign-rooms.js';
import type { ReadJobFileOptions } from '../input/read-job-file.js';
import { describeProblems, newTally, validRequests } from './job-file-intake.js';

/**
 * A job file as the rooms of a campaign, under the rules of `enqueue`: the valid lines stream
 * into Redis, and `finish()` refuses the file whole if any line was invalid (the campaign then
 * keeps what it had).
 */
export function jobFileRooms(path: string, options: ReadJobFileOptions): RoomSource {
  const tally = newTally();
  return {
    requests: validRequests(path, options, tally),
    finish() {
      if (tally.invalid === 0) return;
      throw new SeederError('INPUT_INVALID', `${path}: ${tally.invalid} of ${tally.lines} lines are invalid; the campaign was not saved\n${describeProblems(path, tally)}`, {
        hint: 'fix these lines and run again: a campaign takes its job file whole or not at all',
      });
    },
  };
}
