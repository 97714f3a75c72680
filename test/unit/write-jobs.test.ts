import { describe, expect, it } from 'vitest';
import type { PlannedJob } from '../../src/queue/plan-jobs.js';
import { writeJobs, type EnqueueProgress, type JobSink } from '../../src/queue/write-jobs.js';

/** The jobs of one request: `jobs` jobs for room `name`. */
function request(name: string, jobs = 1): PlannedJob[] {
  return Array.from({ length: jobs }, (_, i) => ({
    jobId: `add-${name}-${i}`,
    data: { command: 'add_robots', groupId: name, robots: [`bot-${i}`] },
  }));
}
const list = (n: number, jobsEach = 1): PlannedJob[][] => Array.from({ length: n }, (_, i) => request(`room-${i}`, jobsEach));
/** Requests as writeJobs reads them: in batches of `size` (3 by default, so batches never line up with chunks). */
function inBatches<T>(items: readonly T[], size = 3): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}
const requests = (n: number, jobsEach = 1): PlannedJob[][][] => inBatches(list(n, jobsEach));

type Call = { readonly ids: string[]; resolve: () => void; reject: (err: Error) => void };

/** A stand-in queue whose addBulk calls wait until the test answers them. */
class HeldSink {
  readonly calls: Call[] = [];
  maxInFlight = 0;
  #inFlight = 0;
  readonly sink: JobSink = {
    addBulk: (jobs) =>
      new Promise((resolve, reject) => {
        this.#inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
        const done = (): void => void (this.#inFlight -= 1);
        this.calls.push({
          ids: jobs.map((j) => j.opts?.jobId ?? ''),
          resolve: () => (done(), resolve({ added: jobs.length, superseded: 0 })),
          reject: (err) => (done(), reject(err)),
        });
      }),
  };

  /** Resolves once `n` calls have been made. */
  async waitForCalls(n: number): Promise<void> {
    while (this.calls.length < n) await new Promise((r) => setImmediate(r));
  }
}

/** A stand-in queue that answers at once, recording each call's job ids. */
function recordingSink(): { sink: JobSink; calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    sink: { addBulk: (jobs) => (calls.push(jobs.map((j) => j.opts?.jobId ?? '')), Promise.resolve({ added: jobs.length, superseded: 0 })) },
  };
}

describe('writeJobs', () => {
  it.each([1, 2, 5])(
    'writes chunks of at most chunkSize jobs, never splitting a request, in order, with the job options and ids (batches of %i)',
    async (batchSize) => {
      const { sink, calls } = recordingSink();
      const seen: Array<Parameters<JobSink['addBulk']>[0]> = [];
      const recording: JobSink = { addBulk: (jobs) => (seen.push(jobs), sink.addBulk(jobs)) };
      const input = [request('a', 2), request('b', 2), request('c', 1), request('d', 3), request('e', 5)];
      const r = await writeJobs(recording, inBatches(input, batchSize), { jobOptions: { attempts: 3 }, chunkSize: 4 });
      expect(calls).toEqual([
        ['add-a-0', 'add-a-1', 'add-b-0', 'add-b-1'],
        ['add-c-0', 'add-d-0', 'add-d-1', 'add-d-2'],
        // One request alone may exceed the chunk size.
        ['add-e-0', 'add-e-1', 'add-e-2', 'add-e-3', 'add-e-4'],
      ]);
      expect(seen[0]?.[0]).toEqual({ name: 'seed', data: input[0]?.[0]?.data, opts: { attempts: 3, jobId: 'add-a-0' } });
      expect(r).toEqual({ requests: 5, jobs: 13, added: 13, superseded: 0 });
    },
  );

  it('keeps at most `depth` calls in flight', async () => {
    const held = new HeldSink();
    const written = writeJobs(held.sink, requests(50), { jobOptions: {}, chunkSize: 5, depth: 3 });
    for (let answered = 0; answered < 10; answered += 1) {
      await held.waitForCalls(answered + 1);
      held.calls[answered]?.resolve();
    }
    expect(await written).toEqual({ requests: 50, jobs: 50, added: 50, superseded: 0 });
    expect(held.maxInFlight).toBe(3);
  });

  it('after a failed call starts no more, waits for those in flight and reports only acknowledged calls', async () => {
    const held = new HeldSink();
    const progress: EnqueueProgress[] = [];
    const written = writeJobs(held.sink, requests(100, 2), {
      jobOptions: {},
      chunkSize: 10,
      depth: 4,
      onProgress: (p) => progress.push(p),
    });
    await held.waitForCalls(4);
    held.calls[0]?.resolve();
    await held.waitForCalls(5);
    // The second call fails while the third, fourth and fifth are in flight.
    held.calls[1]?.reject(new Error('Connection is closed.'));
    held.calls[3]?.resolve();
    held.calls[2]?.reject(new Error('Connection is closed.'));
    let settled = false;
    void written.catch(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    held.calls[4]?.resolve();
    await expect(written).rejects.toThrow('Connection is closed.');
    expect(held.calls).toHaveLength(5);
    // Calls 1, 4 and 5 were acknowledged: 15 requests of 2 jobs, whichever order they came in.
    expect(progress.at(-1)).toEqual({ requests: 15, jobs: 30, added: 30, superseded: 0 });
  });

  it('stops at an abort: no new calls, those in flight finish, the abort reason is thrown', async () => {
    const held = new HeldSink();
    const stop = new AbortController();
    const progress: EnqueueProgress[] = [];
    const written = writeJobs(held.sink, requests(100), {
      jobOptions: {},
      chunkSize: 10,
      depth: 2,
      signal: stop.signal,
      onProgress: (p) => progress.push(p),
    });
    await held.waitForCalls(2);
    stop.abort();
    held.calls[0]?.resolve();
    held.calls[1]?.resolve();
    await expect(written).rejects.toMatchObject({ name: 'AbortError' });
    expect(held.calls).toHaveLength(2);
    expect(progress.at(-1)).toEqual({ requests: 20, jobs: 20, added: 20, superseded: 0 });
  });

  it('when reading the requests fails (the spool), waits for the calls in flight before passing the error on', async () => {
    const held = new HeldSink();
    const progress: EnqueueProgress[] = [];
    function* failing(): Generator<PlannedJob[][]> {
      yield* requests(25);
      throw new Error('spool unreadable');
    }
    const written = writeJobs(held.sink, failing(), { jobOptions: {}, chunkSize: 10, depth: 4, onProgress: (p) => progress.push(p) });
    await held.waitForCalls(2);
    let settled = false;
    void written.catch(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    held.calls[0]?.resolve();
    held.calls[1]?.resolve();
    await expect(written).rejects.toThrow('spool unreadable');
    expect(progress.at(-1)).toEqual({ requests: 20, jobs: 20, added: 20, superseded: 0 });
  });

  it('adds up what each call says it added and superseded', async () => {
    // A sink that finds the first job of each call already waiting and the last one dead-lettered.
    const sink: JobSink = { addBulk: (jobs) => Promise.resolve({ added: jobs.length - 1, superseded: jobs.length > 1 ? 1 : 0 }) };
    expect(await writeJobs(sink, requests(25), { jobOptions: {}, chunkSize: 10 })).toEqual({
      requests: 25,
      jobs: 25,
      added: 22,
      superseded: 3,
    });
  });

  it('writes nothing for no requests', async () => {
    const { sink, calls } = recordingSink();
    expect(await writeJobs(sink, [], { jobOptions: {} })).toEqual({ requests: 0, jobs: 0, added: 0, superseded: 0 });
    expect(calls).toEqual([]);
  });
});
