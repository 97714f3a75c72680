import { writeFile } from 'node:fs/promises';

export const TEST_ROBOTS: readonly string[] = ['bot_1', 'bot_2'];

/** `<prefix>-1` … `<prefix>-<count>` */
export function roomIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
}

/** Writes a JSON Lines job file: one line per room, each with the same robots. */
export async function writeRoomsFile(path: string, groupIds: readonly string[], robots: readonly string[] = TEST_ROBOTS): Promise<void> {
  const robotsJson = JSON.stringify(robots);
  await writeFile(path, `${groupIds.map((g) => `{"groupId":${JSON.stringify(g)},"robots":${robotsJson}}`).join('\n')}\n`);
}
