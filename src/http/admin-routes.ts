import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import { adminGuard, type TokenMatcher } from './bearer-auth.js';

export const ADMIN_PATH = '/admin';

export interface AdminQueues {
  readonly seed: Queue;
  readonly deadLetters: Queue;
}

/**
 * bull-board at /admin, showing the seed and dead-letter queues, behind the API tokens (Bearer,
 * or HTTP Basic with the token as the password so a browser can log in). Read-only: a job
 * retried or removed here would bypass the dead-letter bookkeeping; use
 * POST /v1/dead-letters/replay (or `robot-seeder dlq`) to act on dead letters.
 */
export async function registerAdminRoutes(app: FastifyInstance, queues: AdminQueues, tokens: TokenMatcher): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(ADMIN_PATH);
  createBullBoard({
    queues: [
      new BullMQAdapter(queues.seed, { readOnlyMode: true, description: 'seed jobs: one add_robots call each' }),
      new BullMQAdapter(queues.deadLetters, { readOnlyMode: true, description: 'jobs that can no longer succeed, with their reason' }),
    ],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'robot-seeder' } },
  });
  await app.register(async (scope) => {
    scope.addHook('onRequest', adminGuard(tokens));
    await scope.register(serverAdapter.registerPlugin(), { prefix: ADMIN_PATH });
  });
}
