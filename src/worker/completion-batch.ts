/** What the batch corks while it hands results over: the Redis connection's socket. */
export interface Corkable {
  cork(): void;
  uncork(): void;
}

export interface CompletionBatchOptions {
  /** The longest a finished job's result is held before BullMQ gets it, in ms. */
  readonly holdMs: number;
  /**
   * The socket BullMQ's completions are written to (ioredis's `stream`, which a reconnect
   * replaces: read at each hand-over); null for a Redis Cluster (several sockets, none corked),
   * undefined before the first connection.
   */
  readonly socket: () => Corkable | null | undefined;
}

export interface CompletionBatch {
  /** Resolves with `value` when the batch is handed over: at most `holdMs` from the first result held. */
  hold<T>(value: T): Promise<T>;
  /** Hands over what is held and holds nothing from now on (shutdown). */
  close(): void;
}

/**
 * Finished jobs' results, handed to BullMQ together. BullMQ completes each job with its own
 * `moveToFinished` script (which also fetches the next job); written one by one, each is a socket
 * write and a reply read, the largest share of a worker's system calls after the requests
 * themselves. Results resolved in one turn of the event loop make BullMQ issue their commands in
 * that turn, and with the socket corked they leave in one write and come back in one read.
 *
 * The price is `holdMs` more per job in hand: nothing a job waits for (its call has been answered);
 * a worker killed meanwhile leaves those jobs to stall and be worked again, as a kill after the
 * answer and before BullMQ's write already does (add_robots is idempotent).
 */
export function completionBatch(o: CompletionBatchOptions): CompletionBatch {
  let held: Array<() => void> = [];
  let timer: NodeJS.Timeout | null = null;
  let closed = false;

  const handOver = (): void => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    const release = held;
    held = [];
    if (release.length === 0) return;
    const socket = release.length > 1 ? (o.socket() ?? null) : null;
    socket?.cork();
    for (const r of release) r();
    // BullMQ writes after a few promise steps, all within this turn; setImmediate runs after them.
    if (socket !== null) setImmediate(() => socket.uncork());
  };

  return {
    hold<T>(value: T): Promise<T> {
      if (closed) return Promise.resolve(value);
      return new Promise<T>((resolve) => {
        held.push(() => resolve(value));
        timer ??= setTimeout(handOver, o.holdMs);
      });
    },
    close() {
      closed = true;
      handOver();
    },
  };
}
