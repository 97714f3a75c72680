import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { bullmq } from '../../src/commonjs/bullmq.js';
import { ioredis } from '../../src/commonjs/ioredis.js';
import { Pool, request } from '../../src/commonjs/undici.js';

const require = createRequire(import.meta.url);

describe('CommonJS packages loaded file by file', () => {
  it('are the very values the packages export (an upgrade that moves a file fails here)', () => {
    const index = require('bullmq') as Record<string, unknown>;
    for (const [name, value] of Object.entries(bullmq)) expect(value, name).toBe(index[name]);
    const undici = require('undici') as { Pool: { prototype: { request: unknown } }; request: unknown };
    expect(Pool).toBe(undici.Pool);
    // The index makes the API a method of every dispatcher: `request` calls that very function.
    expect(require('undici/lib/api/index.js')).toHaveProperty('request', undici.Pool.prototype.request);
    expect(typeof request).toBe('function');
    const redis = require('ioredis') as Record<string, unknown>;
    expect(ioredis.Redis).toBe(redis['Redis']);
    expect(ioredis.Cluster).toBe(redis['Cluster']);
  });
});
