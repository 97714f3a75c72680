import perfHooks from 'node:perf_hooks';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSeederMetrics, EVENT_LOOP_SAMPLE_MS } from '../../src/metrics/seeder-metrics.js';
import { parsePrometheusText } from '../support/prometheus-text.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('process metrics', () => {
  it('sample the event-loop lag every EVENT_LOOP_SAMPLE_MS, not every 10 ms, and still report it', async () => {
    const monitor = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    const metrics = createSeederMetrics({ apps: [] });
    // prom-client's default timer, every 10 ms, woke each worker process 100 times a second.
    expect(monitor.mock.calls.map(([o]) => o?.resolution)).toEqual([EVENT_LOOP_SAMPLE_MS]);
    expect(EVENT_LOOP_SAMPLE_MS).toBeGreaterThanOrEqual(100);
    const names = new Set(parsePrometheusText(await metrics.registry.metrics()).map((s) => s.name));
    expect(names).toContain('nodejs_eventloop_lag_p99_seconds');
  });

  it('start no event-loop monitor when process metrics are off', () => {
    const monitor = vi.spyOn(perfHooks, 'monitorEventLoopDelay');
    createSeederMetrics({ apps: [], processMetrics: false });
    expect(monitor).not.toHaveBeenCalled();
  });
});
