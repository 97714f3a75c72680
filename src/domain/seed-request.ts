/** One unit of work as the user states it: put these robot accounts into this live room. */
export interface SeedRequest {
  readonly groupId: string;
  readonly robots: readonly string[];
}
