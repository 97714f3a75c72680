/** Which robots each room holds, as Tencent would after add_robots / del_robots. */
export class RoomStore {
  /** groupId → robot accounts; a room whose last robot left is removed. */
  readonly #robotsByRoom = new Map<string, Set<string>>();

  add(groupId: string, accounts: readonly string[]): void {
    let robots = this.#robotsByRoom.get(groupId);
    if (robots === undefined) {
      robots = new Set();
      this.#robotsByRoom.set(groupId, robots);
    }
    for (const account of accounts) robots.add(account);
  }

  remove(groupId: string, accounts: readonly string[]): void {
    const robots = this.#robotsByRoom.get(groupId);
    if (robots === undefined) return;
    for (const account of accounts) robots.delete(account);
    if (robots.size === 0) this.#robotsByRoom.delete(groupId);
  }

  /** The room's robots in the order they were first added. */
  robotsIn(groupId: string): string[] {
    return [...(this.#robotsByRoom.get(groupId) ?? [])];
  }

  /** Rooms holding at least one robot. */
  roomCount(): number {
    return this.#robotsByRoom.size;
  }

  clear(): void {
    this.#robotsByRoom.clear();
  }
}
