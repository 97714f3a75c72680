import type { CliProcess } from './cli-process.js';

/**
 * Remembers the processes a test starts so that afterEach can SIGKILL the ones still running,
 * whether the test passed or not: a failed fault test must not leave workers behind.
 */
export class ChildReaper {
  readonly #children = new Set<CliProcess>();

  track(p: CliProcess): CliProcess {
    this.#children.add(p);
    void p.exited.then(() => this.#children.delete(p));
    return p;
  }

  /** SIGKILLs every tracked process still running and waits for their exits. */
  async killAll(): Promise<void> {
    const running = [...this.#children];
    for (const p of running) p.child.kill('SIGKILL');
    await Promise.all(running.map((p) => p.exited));
    this.#children.clear();
  }
}
