import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type { Queue } from 'bullmq';
import { adminGuard, type TokenMatcher } from './bearer-auth.js';

export const ADMIN_PATH = '/admin';

/** One app's queues on the dashboard. */
export interface AdminQueues {
  /** Shown before the queues' names (`alpha:seed`); null for the one app without APPS_FILE, whose queues keep their plain names. */
  readonly app: string | null;
  readonly seed: Queue;
  readonly deadLetters: Queue;
}

/** Between an app's name and its queue's: bull-board groups the queues of each app under its name. */
const APP_DELIMITER = ':';

/**
 * bull-board at /admin, showing each app's seed and dead-letter queues, behind the API tokens
 * (Bearer, or HTTP Basic with the token as the password so a browser can log in). Read-only: a
 * job retried or removed here would bypass the dead-letter bookkeeping; use
 * POST /v1/dead-letters/replay (or `robot-seeder dlq`) to act on dead letters.
 */
export async function registerAdminRoutes(app: FastifyInstance, apps: readonly AdminQueues[], tokens: TokenMatcher): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(ADMIN_PATH);
  createBullBoard({
    queues: apps.flatMap((a) => {
      // Every app's queues have the same names: without the app's in front, bull-board would show one of each.
      const named = a.app === null ? {} : { prefix: `${a.app}${APP_DELIMITER}`, delimiter: APP_DELIMITER };
      return [
        new BullMQAdapter(a.seed, { readOnlyMode: true, description: 'seed jobs: one add_robots call each', ...named }),
        new BullMQAdapter(a.deadLetters, {
          readOnlyMode: true,
          description: 'jobs that can no longer succeed, with their reason',
          ...named,
        }),
      ];
    }),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'robot-seeder' } },
  });
  await app.register(async (scope) => {
    scope.addHook('onRequest', adminGuard(tokens));
    await scope.register(serverAdapter.registerPlugin(), { prefix: ADMIN_PATH });
  });
}
