import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { waitFor } from './test-env.js';

const run = promisify(execFile);

/** A private three-master Redis Cluster on free ports (no replicas), for tests. */
export interface RedisCluster {
  /** `redis://127.0.0.1:<port>` of the first node: with REDIS_CLUSTER=true the others are discovered. */
  readonly url: string;
  readonly nodes: readonly RedisServer[];
  close(): Promise<void>;
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i += 1) {
      nodes.push(
        await startRedisServer({
          extraArgs: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '2000'],
        }),
      );
    }
    await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await waitFor(
      'cluster_state:ok on every node',
      async () => {
        for (const n of nodes) {
          const r = new Redis(n.url);
          const info = await r.cluster('INFO');
          r.disconnect();
          if (!info.includes('cluster_state:ok')) return false;
        }
        return true;
      },
      20_000,
      200,
    );
  } catch (err) {
    for (const n of nodes) await n.close();
    throw err;
  }
  return {
    url: nodes[0]?.url ?? '',
    nodes,
    async close() {
      for (const n of nodes) await n.close();
    },
  };
}
