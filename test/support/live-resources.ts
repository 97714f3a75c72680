/**
 * What holds this process's event loop open, counted by kind: `process.getActiveResourcesInfo()`
 * lists the handles and timers that are ref'ed (an unref'ed timer or socket is left out, as it
 * does not keep the process alive) and the requests in flight (a connect, an fs call, a DNS lookup).
 */
export type ResourceCounts = ReadonlyMap<string, number>;

export function liveResources(): ResourceCounts {
  const counts = new Map<string, number>();
  for (const type of process.getActiveResourcesInfo()) counts.set(type, (counts.get(type) ?? 0) + 1);
  return counts;
}

/**
 * Kinds a test runner keeps only for moments: vitest's one ref'ed timer batches its progress
 * reports (100 ms); its test and hook timeouts are unref'ed. A count of these seen at the start is
 * therefore never an allowance: it would let a timer the test file leaks pass unseen.
 */
const TRANSIENT = new Set(['Timeout', 'Immediate']);

/** The runner's own resources before the file is loaded (its stdio and IPC pipes): what may be left at the end. */
export function baselineOf(counts: ResourceCounts): ResourceCounts {
  return new Map([...counts].filter(([type]) => !TRANSIENT.has(type)));
}

/** Of `now`, what is beyond `baseline`: each kind with how many more there are. */
export function beyond(now: ResourceCounts, baseline: ResourceCounts): ResourceCounts {
  const extra = new Map<string, number>();
  for (const [type, n] of now) if (n > (baseline.get(type) ?? 0)) extra.set(type, n - (baseline.get(type) ?? 0));
  return extra;
}

/** The resources counted at one point of a test file's run, and what ran just before it (`test "x"`). */
export interface Snapshot {
  readonly after: string;
  readonly counts: ResourceCounts;
}

/**
 * What opened a kind left over at the end: what ran before the first snapshot from which its
 * count never fell below the final one. A leak stays, so this names the test (or hook) that made
 * it, while resources that come and go (a fixture's connections, timers) reset the search.
 */
export function openedBy(type: string, final: number, snapshots: readonly Snapshot[]): string {
  let by: string | null = null;
  for (const s of snapshots) {
    if ((s.counts.get(type) ?? 0) < final) by = null;
    else by ??= s.after;
  }
  return by ?? 'an afterAll hook';
}

/** What the kinds seen most in tests are, for a message a newcomer can act on. */
const MEANING: Readonly<Record<string, string>> = {
  TCPServerWrap: 'a listening server',
  TCPSocketWrap: 'an open TCP connection: a client never closed, or a kept-alive one of a server never closed',
  Timeout: 'a ref’ed setTimeout/setInterval',
  ProcessWrap: 'a child process',
  PipeWrap: 'a pipe (a child process’s stdio)',
  FSReqCallback: 'an fs call still pending',
  GetAddrInfoReqWrap: 'a DNS lookup still pending',
  ConnectWrap: 'a connection attempt still pending',
};

/** One line per kind left over: how many, what it is, and what opened it (when counts can tell). */
export function describeLeftovers(extra: ResourceCounts, final: ResourceCounts, snapshots: readonly Snapshot[]): string[] {
  return [...extra].map(([type, n]) => {
    const meaning = MEANING[type] === undefined ? '' : ` (${MEANING[type]})`;
    // vitest's own timer is in some snapshots and not in others: a count of timers cannot say which test set one.
    const by = TRANSIENT.has(type)
      ? 'set by a test or hook that counts cannot tell: run the file one test at a time (-t) to find it'
      : `opened by ${openedBy(type, final.get(type) ?? 0, snapshots)}`;
    return `${n} × ${type}${meaning}, ${by}`;
  });
}
