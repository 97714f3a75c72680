import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { bottleneckOn, type BottleneckDatastore, type DrainableLimiter } from '../../../src/limiter/bottleneck-datastore.js';

/** A datastore that grants a slot whenever it holds one, recording what Bottleneck asked of it. */
class ScriptedStore implements BottleneckDatastore {
  readonly ready = Promise.resolve();
  readonly clients = {};
  readonly clientId = 'test';
  readonly calls: string[] = [];
  slots = 0;
  limiter: DrainableLimiter | null = null;
  attach(l: DrainableLimiter): void {
    this.limiter = l;
  }
  __submit__() {
    this.calls.push('submit');
    return Promise.resolve({ reachedHWM: false, blocked: false, strategy: 1 });
  }
  __register__() {
    this.calls.push('register');
    if (this.slots === 0) return Promise.resolve({ success: false });
    this.slots -= 1;
    return Promise.resolve({ success: true, wait: 0, reservoir: null });
  }
  __free__() {
    this.calls.push('free');
    return Promise.resolve({ running: 0 });
  }
  __disconnect__() {
    return Promise.resolve();
  }
  __running__() {
    return Promise.resolve(0);
  }
  __queued__() {
    return Promise.resolve(0);
  }
  __done__() {
    return Promise.resolve(0);
  }
  __check__() {
    return Promise.resolve(this.slots > 0);
  }
  __groupCheck__() {
    return Promise.resolve(false);
  }
  __updateSettings__() {
    return Promise.resolve(true);
  }
  __incrementReservoir__() {
    return Promise.resolve(0);
  }
  __currentReservoir__() {
    return Promise.resolve(null);
  }
  __publish__() {
    return Promise.resolve();
  }
}

describe('the Bottleneck datastore seam robot-seeder plugs into', () => {
  it('is the Bottleneck version the seam was written against (pinned exactly)', () => {
    const require = createRequire(import.meta.url);
    const pkg = require('../../../package.json') as { dependencies: Record<string, string> };
    expect(pkg.dependencies['bottleneck']).toBe('2.19.5');
    expect((require('bottleneck/package.json') as { version: string }).version).toBe('2.19.5');
  });

  it('queues a job until the store grants it, announces it (scheduled) right after the grant, and frees it', async () => {
    const store = new ScriptedStore();
    const limiter = bottleneckOn(store, 'test');
    const order: string[] = [];
    limiter.on('scheduled', () => order.push(`scheduled after ${store.calls.at(-1) ?? ''}`));
    const done = limiter.schedule(() => {
      order.push('ran');
      return Promise.resolve('result');
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(store.calls).toEqual(['submit', 'register']);
    expect(limiter.queued()).toBe(1);
    store.slots = 1;
    store.limiter?.drain();
    expect(await done).toBe('result');
    expect(order).toEqual(['scheduled after register', 'ran']);
    expect(store.calls).toEqual(['submit', 'register', 'register', 'free']);
    await limiter.disconnect(false);
  });

  it('serves a more urgent job first among those waiting for a grant', async () => {
    const store = new ScriptedStore();
    const limiter = bottleneckOn(store, 'test');
    const ran: string[] = [];
    const job = (name: string, priority: number) => limiter.schedule({ priority }, () => Promise.resolve(ran.push(name)));
    const all = [job('low', 8), job('normal', 5), job('high', 1)];
    await new Promise((r) => setTimeout(r, 20));
    store.slots = 3;
    store.limiter?.drain();
    await Promise.all(all);
    expect(ran).toEqual(['high', 'normal', 'low']);
    await limiter.disconnect(false);
  });
});
