import { getHeapSpaceStatistics, type HeapSpaceInfo } from 'node:v8';

/** The V8 heap spaces the runtime tuning reads: the young generation and the old one. */
export type HeapSpaceName = 'new_space' | 'old_space';

/** One of V8's heap spaces as V8 reports it now (sizes in bytes; zeros if this V8 has no such space). */
export function heapSpace(name: HeapSpaceName): Pick<HeapSpaceInfo, 'space_size' | 'space_used_size'> {
  return getHeapSpaceStatistics().find((s) => s.space_name === name) ?? { space_size: 0, space_used_size: 0 };
}
