import { openQueueRuntime, type QueueRuntime } from '../../src/app/queue-runtime.js';
import { startWorkerRuntime, type WorkerRuntime } from '../../src/app/worker-runtime.js';
import { loadConfig } from '../../src/config/load-config.js';
import { createLogger } from '../../src/log/logger.js';
import type { MockTencentApi } from '../../src/mock-api/mock-tencent-api.js';
import { deleteKeys, seederEnv, startTestMock, uniquePrefix } from './test-env.js';

/**
 * One test's world: the mock API, one app's queues on a worker connection under a prefix of the
 * test's own, and the worker runtime the test starts on them. `close()` (after each test) closes
 * what was opened and deletes the prefix's keys.
 */
export class WorkerRig {
  mock: MockTencentApi | undefined;
  q: QueueRuntime | undefined;
  w: WorkerRuntime | undefined;
  prefix = '';

  /** Starts the mock and opens the queues, the configuration being seederEnv's with `env` over it. */
  async open(env: Record<string, string> = {}): Promise<QueueRuntime> {
    this.mock = await startTestMock();
    this.prefix = uniquePrefix();
    this.q = await openQueueRuntime(
      loadConfig(seederEnv(this.prefix, this.mock.url, env), { tencent: true }),
      createLogger('silent'),
      'worker',
    );
    return this.q;
  }

  async startWorker(): Promise<WorkerRuntime> {
    if (this.q === undefined) throw new Error('open the rig first');
    this.w = await startWorkerRuntime(this.q);
    return this.w;
  }

  async stopWorker(): Promise<void> {
    await this.w?.close();
    this.w = undefined;
  }

  async close(): Promise<void> {
    await this.stopWorker();
    await this.q?.close();
    await this.mock?.close();
    await deleteKeys(this.prefix);
    this.q = this.mock = undefined;
  }
}
