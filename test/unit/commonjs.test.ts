import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { bullmq } from '../../src/commonjs/bullmq.js';
import { ioredis } from '../../src/commonjs/ioredis.js';
import { Pool } from '../../src/commonjs/undici.js';

const require = createRequire(import.meta.url);

describe('CommonJS packages loaded file by file', () => {
  it('are the very values the packages export (an upgrade that moves a file fails here)', () => {
    const index = require('bullmq') as Record<string, unknown>;
    for (const [name, value] of Object.entries(bullmq)) expect(value, name).toBe(index[name]);
    expect(Pool).toBe((require('undici') as { Pool: unknown }).Pool);
    const redis = require('ioredis') as Record<string, unknown>;
    expect(ioredis.Redis).toBe(redis['Redis']);
    expect(ioredis.Cluster).toBe(redis['Cluster']);
  });
});
