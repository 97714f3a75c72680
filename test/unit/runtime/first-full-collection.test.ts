import { afterEach, describe, expect, it, vi } from 'vitest';
import { collectOnceAt } from '../../../src/runtime/first-full-collection.js';
import { runModuleScript, srcSpecifier } from '../../support/module-script.js';

const MB = 1024 * 1024;

describe('collectOnceAt', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('collects once, when the old generation first holds the threshold', () => {
    vi.useFakeTimers();
    let old = 8 * MB;
    const collect = vi.fn(() => {
      old = 10 * MB;
    });
    const reports: unknown[] = [];
    collectOnceAt(20, { oldBytes: () => old, collect, onCollected: (r) => reports.push(r) });
    old = 19 * MB;
    vi.advanceTimersByTime(1000);
    expect(collect).not.toHaveBeenCalled();
    old = 21 * MB;
    vi.advanceTimersByTime(1000);
    expect(collect).toHaveBeenCalledTimes(1);
    expect(reports).toEqual([{ beforeMb: 21, afterMb: 10, pauseMs: expect.any(Number) as number }]);
    old = 40 * MB;
    vi.advanceTimersByTime(10_000);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  // V8 itself: garbage that outlived the young generation stays in the old one until a full
  // collection; the default collector (V8's gc(), reached at run time) frees it. Its own process.
  it('frees the old generation of a real process', () => {
    const script = `
      const { collectOnceAt } = await import(${srcSpecifier('../../../src/runtime/first-full-collection.ts', import.meta.url)});
      let kept = [];
      for (let i = 0; i < 300000; i++) { kept.push({ i, s: 'x' + i }); if (i % 1000 === 0) await null; }
      for (let i = 0; i < 5; i++) { const young = []; for (let j = 0; j < 200000; j++) young.push({ j }); }
      kept = null;
      collectOnceAt(1, { onCollected: (r) => { process.stdout.write(JSON.stringify(r)); process.exit(0); } });
      setTimeout(() => process.exit(1), 5000);
    `;
    const r = runModuleScript(script);
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout) as { beforeMb: number; afterMb: number };
    expect(report.beforeMb - report.afterMb).toBeGreaterThan(10);
  });
});
