import type { Priority } from './priority.js';

/** One unit of work as the user states it: put these robot accounts into this live room. */
export interface SeedRequest {
  readonly groupId: string;
  readonly robots: readonly string[];
  /** The app the room belongs to (its `name`); absent: the app the whole input is for. */
  readonly app?: string;
  /** The lane of this room's jobs (HTTP items); absent: the lane of the whole input. */
  readonly priority?: Priority;
}
