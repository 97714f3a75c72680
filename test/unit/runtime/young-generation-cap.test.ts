import { describe, expect, it, vi } from 'vitest';
import { capYoungGeneration } from '../../../src/runtime/young-generation-cap.js';
import { runModuleScript, srcSpecifier } from '../../support/module-script.js';

const MB = 1024 * 1024;

describe('capYoungGeneration', () => {
  it('stops the growth once the young generation reaches the cap, and lets it grow again when V8 shrank it', () => {
    let young = 8 * MB;
    const factors: number[] = [];
    let collected: (() => void) | null = null;
    const cap = capYoungGeneration(16, {
      nodeOptions: [],
      youngBytes: () => young,
      setGrowthFactor: (f) => factors.push(f),
      afterEachCollection: (listener) => {
        collected = listener;
        return () => (collected = null);
      },
    });
    const collection = (): void => collected?.();
    expect(cap.active).toBe(true);
    expect(factors).toEqual([]);
    young = 16 * MB;
    collection();
    expect(factors).toEqual([1]);
    collection();
    expect(factors).toEqual([1]);
    young = 4 * MB;
    collection();
    expect(factors).toEqual([1, 2]);
    young = 16 * MB;
    collection();
    cap.stop();
    expect(factors).toEqual([1, 2, 1, 2]);
    expect(collected).toBeNull();
  });

  it('does nothing with 0, or when the process was started with its own --max-semi-space-size', () => {
    const set = vi.fn();
    const youngBytes = (): number => 64 * MB;
    expect(capYoungGeneration(0, { nodeOptions: [], youngBytes, setGrowthFactor: set }).active).toBe(false);
    expect(capYoungGeneration(16, { nodeOptions: ['--max-semi-space-size=4'], youngBytes, setGrowthFactor: set }).active).toBe(false);
    expect(set).not.toHaveBeenCalled();
  });

  // V8 itself: a process that keeps many short-lived objects alive for a while grows its young
  // generation to 32 MB; capped at 16, it stays there. Its own process, so this one's V8 is untouched.
  it.each([
    [0, 32],
    [16, 16],
  ])('holds the young generation of a real process (cap %i MB: %i MB)', (capMb, expectedMb) => {
    const script = `
      const { capYoungGeneration } = await import(${srcSpecifier('../../../src/runtime/young-generation-cap.ts', import.meta.url)});
      const v8 = await import('node:v8');
      capYoungGeneration(${capMb}, { nodeOptions: [] });
      const keep = new Array(100000);
      for (let round = 0; round < 150; round++) {
        for (let i = 0; i < 20000; i++) keep[(round * 20000 + i) % keep.length] = { i, s: 'x' + i };
        await new Promise((r) => setTimeout(r, 5));
      }
      const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      process.stdout.write(String(young / ${MB}));
      process.exit(0);
    `;
    const r = runModuleScript(script);
    expect({ stderr: r.stderr, youngMb: Number(r.stdout) }).toEqual({ stderr: '', youngMb: expectedMb });
  });
});
