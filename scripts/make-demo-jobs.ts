/**
 * Writes jobs/demo.jsonl: 2,000 live rooms, 3 to 8 robots each, a few with scripted failures
 * the mock API plays (see "Mock Tencent API" in README.md). Deterministic, so the file in git
 * can be re-made: `npx tsx scripts/make-demo-jobs.ts`.
 */
import { writeFileSync } from 'node:fs';

const ROOMS = 2000;
const FAULTS: ReadonlyArray<readonly [every: number, directive: string]> = [
  [37, '~10002x1'],
  [83, '~502x1'],
  [131, '~resetx1'],
  [97, '~10010'],
  [211, '~10004'],
  [293, '~10007'],
  [401, '~max2'],
];

const lines: string[] = [];
for (let i = 1; i <= ROOMS; i += 1) {
  const fault = FAULTS.find(([every]) => i % every === 0);
  const groupId = `live-${String(i).padStart(4, '0')}${fault?.[1] ?? ''}`;
  const count = 3 + (i % 6);
  const robots = Array.from({ length: count }, (_, k) => `robot_${String(((i * 7 + k * 13) % 500) + 1).padStart(3, '0')}`);
  lines.push(JSON.stringify({ groupId, robots: [...new Set(robots)] }));
}
writeFileSync(new URL('../jobs/demo.jsonl', import.meta.url), `${lines.join('\n')}\n`);
process.stdout.write(`wrote jobs/demo.jsonl: ${ROOMS} rooms\n`);
