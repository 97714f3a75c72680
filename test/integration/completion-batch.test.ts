import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { completionBatch } from '../../src/worker/completion-batch.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix, waitFor } from '../support/test-env.js';

const cleanups: Array<() => Promise<unknown>> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * The socket's writes (each one system call: `_write`, or `_writev` for what was corked) that
 * carry BullMQ's completions, and how many completions each carries: a completion names the
 * queue's completed set.
 */
function completionWrites(redis: Redis, completedKey: string): number[] {
  const socket = redis.stream as unknown as {
    _write: (chunk: unknown, ...rest: unknown[]) => unknown;
    _writev: (chunks: Array<{ chunk: unknown }>, ...rest: unknown[]) => unknown;
  };
  const writes: number[] = [];
  const note = (text: string): void => {
    const completions = text.split(completedKey).length - 1;
    if (completions > 0) writes.push(completions);
  };
  const write = socket._write.bind(socket);
  socket._write = (chunk: unknown, ...rest: unknown[]) => {
    note(String(chunk));
    return write(chunk, ...rest);
  };
  const writev = socket._writev.bind(socket);
  socket._writev = (chunks: Array<{ chunk: unknown }>, ...rest: unknown[]) => {
    note(chunks.map((c) => String(c.chunk)).join(''));
    return writev(chunks, ...rest);
  };
  return writes;
}

describe('completions handed to BullMQ together', () => {
  it.each([
    ['with the batch', true],
    ['without it', false],
  ])('20 jobs finished in one hold: their moveToFinished commands reach Redis %s', async (_, batched) => {
    const prefix = uniquePrefix();
    const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('batch', { connection: redis, prefix });
    cleanups.push(async () => {
      await queue.close();
      redis.disconnect();
      await deleteKeys(prefix);
    });
    await queue.addBulk(Array.from({ length: 20 }, (_, n) => ({ name: 'seed', data: { n } })));
    const batch = completionBatch({ holdMs: 300, socket: () => redis.stream });
    const started: number[] = [];
    let release: () => void = () => undefined;
    const allStarted = new Promise<void>((resolve) => (release = resolve));
    const worker = new Worker<{ n: number }, number>(
      'batch',
      async (job) => {
        const { n } = job.data;
        started.push(n);
        if (started.length === 20) release();
        // Without the batch, the jobs still finish together (once all have started), one write each.
        return batched ? batch.hold(n) : allStarted.then(() => n);
      },
      { connection: redis, prefix, concurrency: 20, autorun: false },
    );
    cleanups.push(() => worker.close());
    const completed: number[] = [];
    worker.on('completed', (job) => completed.push(job.data.n));
    void worker.run();
    await allStarted;
    const writes = completionWrites(redis, `${prefix}:batch:completed`);
    await waitFor('the 20 jobs to complete', () => completed.length === 20, 10_000, 10);
    expect(new Set(completed).size).toBe(20);
    expect(await queue.getCompletedCount()).toBe(20);
    // Each job's completion is a command of its own: all in one write, or one write each.
    expect(writes).toEqual(batched ? [20] : Array.from({ length: 20 }, () => 1));
  });
});
