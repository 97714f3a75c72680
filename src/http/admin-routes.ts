import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Queue } from 'bullmq';
import { apiErrorBody, badRequest, INTERNAL_MESSAGE } from './api-errors.js';
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
  // bull-board answers what its routes throw with the error's own message (ioredis's, fastify's)
  // under its own key; thrown on, the error reaches the API's handler (api-errors.ts) instead: 503
  // REDIS_UNAVAILABLE while Redis is away, a 400 for a body that is not JSON, a 500 logged, not explained.
  serverAdapter.setErrorHandler((err) => {
    throw err;
  });
  await app.register(async (scope) => {
    scope.addHook('onRequest', adminGuard(tokens));
    scope.addHook('preSerialization', async (request, reply, payload: unknown) =>
      isBoardError(payload) ? asApiError(payload, request, reply) : payload,
    );
    await scope.register(serverAdapter.registerPlugin(), { prefix: ADMIN_PATH });
  });
}

/** An error answer of bull-board's routes: a translation key for its UI (`ERRORS.QUEUE_NOT_FOUND`) and the values the text names. */
interface BoardError {
  readonly error: { readonly key: string; readonly options?: Readonly<Record<string, unknown>> };
}

function isBoardError(payload: unknown): payload is BoardError {
  if (typeof payload !== 'object' || payload === null || !('error' in payload)) return false;
  const { error } = payload;
  return typeof error === 'object' && error !== null && 'key' in error && typeof error.key === 'string';
}

const READ_ONLY =
  'the dashboard is read-only: a job retried or removed there would bypass the dead-letter bookkeeping; use POST /v1/dead-letters/replay (or `robot-seeder dlq`)';

/**
 * bull-board's own error answer in the API's shapes, so that a client of /admin meets the codes of
 * docs/http-api.md and no key of bull-board's: a 400 listing the problem, 404 NOT_FOUND (a queue or
 * job that is not there), 405 METHOD_NOT_ALLOWED (any change: every queue is read-only, so no
 * method changes anything and `Allow` is empty). bull-board's UI shows the code and the message.
 * It answers no other status for read-only queues; should a version do, that is a 500 to look into.
 */
function asApiError({ error: { key, options = {} } }: BoardError, request: FastifyRequest, reply: FastifyReply): object {
  // `ERRORS.INVALID_QUERY_PARAM` with { field: 'page' } → `invalid query param (field: page)`.
  const named = Object.entries(options).map(([name, value]) => `${name}: ${String(value)}`);
  const said = key
    .replace(/^ERRORS\./, '')
    .toLowerCase()
    .replaceAll('_', ' ');
  const words = named.length === 0 ? said : `${said} (${named.join(', ')})`;
  const path = request.url.split('?')[0] ?? '';
  switch (reply.statusCode) {
    case 400:
      return badRequest([{ message: `${request.method} ${path}: ${words}` }]);
    case 404:
      return apiErrorBody(reply, 'NOT_FOUND', `${request.method} ${path}: ${words}`);
    case 405:
      return apiErrorBody(reply.header('Allow', ''), 'METHOD_NOT_ALLOWED', key === 'ERRORS.QUEUE_READ_ONLY' ? READ_ONLY : words);
    default:
      request.log.error(
        { status: reply.statusCode, key, method: request.method, url: path },
        'bull-board answered an error the API has no code for',
      );
      return apiErrorBody(reply, 'INTERNAL', INTERNAL_MESSAGE);
  }
}
