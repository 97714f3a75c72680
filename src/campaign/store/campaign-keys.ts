import { randomBytes } from 'node:crypto';

/**
 * Where campaigns live in Redis, all under the configured key prefix (a hash tag, so they share
 * the cluster slot of the queues). `<prefix>:campaigns` is the set of names; everything else of a
 * campaign is under `<prefix>:campaigns:<name>`. The BullMQ queue `campaign` uses
 * `<prefix>:campaign:*` (singular), which these never collide with.
 */
export class CampaignKeys {
  readonly #base: string;

  constructor(prefix: string) {
    this.#base = `${prefix}:campaigns`;
  }

  /** SET of every campaign name. */
  get names(): string {
    return this.#base;
  }

  /** HASH: the campaign's definition and state. */
  campaign(name: string): string {
    return `${this.#base}:${name}`;
  }

  /** LIST of chunks of JSON lines, one room each; a fresh version for each change of rooms. */
  newRooms(name: string): string {
    return `${this.#base}:${name}:rooms:${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  }

  /** ZSET of run ids scored by the time they fired. */
  runs(name: string): string {
    return `${this.#base}:${name}:runs`;
  }

  /** HASH: one run's figures. */
  run(name: string, runId: string): string {
    return `${this.#base}:${name}:run:${runId}`;
  }
}
