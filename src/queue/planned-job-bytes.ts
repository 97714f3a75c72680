import type { PlannedJob } from './plan-jobs.js';

/** Per job: the objects and arrays around its strings, the id string, and its share of the line's array. */
const JOB_BYTES = 400;
/** Per robot: the string's header and the array slot pointing at it. */
const ROBOT_BYTES = 40;

/**
 * About what the jobs of one line take on the V8 heap, the figure the memory bound of a
 * buffered job file counts. Calibrated on Node 20 (64-bit): 100,000 lines of one job with
 * 3 robots of about 9 characters held 566 bytes a line; this gives about 555 for them, and grows with
 * robots and characters as the heap does.
 */
export function plannedJobsBytes(jobs: readonly PlannedJob[]): number {
  let bytes = 0;
  for (const job of jobs) {
    bytes += JOB_BYTES + job.data.groupId.length;
    for (const robot of job.data.robots) bytes += ROBOT_BYTES + robot.length;
  }
  return bytes;
}
