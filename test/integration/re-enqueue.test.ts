import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { runCli } from '../support/cli-process.js';
import { deleteKeys, seederEnv, startTestMock, uniquePrefix } from '../support/test-env.js';

const OPEN = 60;
const CLOSED = 40;

let mock: MockTencentApi;
let dir: string;
const prefix = uniquePrefix();

beforeAll(async () => {
  mock = await startTestMock();
  dir = await mkdtemp(join(tmpdir(), 'rs-re-enqueue-'));
});

afterAll(async () => {
  await mock.close();
  await deleteKeys(prefix);
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<unknown> {
  const r = await runCli([...args, '--json'], seederEnv(prefix, mock.url));
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '');
}

describe('a room dead-lettered once, enqueued again', () => {
  it('is new work: its dead letter is superseded and the room is seeded; jobs still waiting are not added twice', async () => {
    // `~10010x1`: the mock answers the room's first call "group does not exist" (final), then success:
    // a room closed during the first run and open by the second.
    const rooms = [
      ...Array.from({ length: OPEN }, (_, i) => ({ groupId: `room-open-${i}`, robots: ['bot_a', 'bot_b'] })),
      ...Array.from({ length: CLOSED }, (_, i) => ({ groupId: `room-closed-${i}~10010x1`, robots: ['bot_a', 'bot_b'] })),
    ];
    const file = join(dir, 'rooms.jsonl');
    await writeFile(file, rooms.map((r) => JSON.stringify(r)).join('\n'));

    expect(await cli(['run', file])).toMatchObject({ jobs: OPEN + CLOSED, seeded: OPEN, deadLettered: CLOSED });
    expect(await cli(['status'])).toMatchObject({ deadLetter: CLOSED });
    expect(mock.robotsIn('room-closed-0~10010x1')).toEqual([]);

    // Completed jobs are removed, so the open rooms are new work again (a campaign's next run);
    // the closed rooms' failed jobs would have made BullMQ ignore theirs.
    expect(await cli(['enqueue', file])).toMatchObject({ jobs: OPEN + CLOSED, added: OPEN + CLOSED, alreadyQueued: 0, superseded: CLOSED });
    expect(await cli(['status'])).toMatchObject({ waiting: OPEN + CLOSED, deadLetter: 0 });
    expect(await cli(['dlq', 'list'])).toEqual([]);

    // While they wait, the same input adds nothing and says so.
    expect(await cli(['enqueue', file])).toMatchObject({ jobs: OPEN + CLOSED, added: 0, alreadyQueued: OPEN + CLOSED, superseded: 0 });
    expect(await cli(['status'])).toMatchObject({ waiting: OPEN + CLOSED });

    expect(await cli(['run', file])).toMatchObject({ deadLettered: 0 });
    expect(await cli(['status'])).toMatchObject({ waiting: 0, active: 0, deadLetter: 0 });
    for (let i = 0; i < CLOSED; i += 1) expect(mock.robotsIn(`room-closed-${i}~10010x1`)).toEqual(['bot_a', 'bot_b']);
  });
});
