import { SeederError } from '../../errors/seeder-error.js';
import type { CampaignSpec } from '../campaign.js';

/**
 * Times that must lie ahead when they are set: a new `--at` (a past one would fire at once,
 * which is `enqueue`'s job) and a new `--remove-at`, which must also come after the `--at`.
 * Unchanged times are not checked again, so re-syncing an old declaration stays "unchanged".
 */
export function checkCampaignTimes(spec: CampaignSpec, nowMs: number, changed: { scheduleChanged: boolean; endChanged: boolean }): void {
  const { schedule, removeAtMs } = spec;
  if (changed.scheduleChanged && schedule.kind === 'at' && schedule.atMs <= nowMs) {
    throw new SeederError('USAGE', `--at ${new Date(schedule.atMs).toISOString()} is in the past`, {
      hint: 'give a time ahead of now, or use `robot-seeder enqueue FILE` to seed at once',
    });
  }
  if (removeAtMs === null || !(changed.endChanged || changed.scheduleChanged)) return;
  if (changed.endChanged && removeAtMs <= nowMs) {
    throw new SeederError('USAGE', `--remove-at ${new Date(removeAtMs).toISOString()} is in the past`, {
      hint: 'give a time ahead of now, or remove the robots at once with `robot-seeder enqueue FILE --remove`',
    });
  }
  if (schedule.kind === 'at' && removeAtMs <= schedule.atMs) {
    throw new SeederError(
      'USAGE',
      `--remove-at ${new Date(removeAtMs).toISOString()} is not after --at ${new Date(schedule.atMs).toISOString()}`,
      {
        hint: 'the robots can only be removed after the run that adds them',
      },
    );
  }
}
