import type { FastifyInstance } from 'fastify';
import type { FleetDeadLetters } from '../app/fleet-dead-letters.js';
import type { DeadLetterFilter } from '../dead-letter/dead-letter-store.js';
import { DEAD_LETTER_ENTRY, PROBLEMS_BODY, UNAUTHORIZED } from './api-schemas.js';
import { APP_QUERY, forApp, UNKNOWN_APP } from './app-query.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** The dead letters of app `name`, or of every app (no name); throws findApp's NOT_FOUND for an unknown name. */
export type DeadLettersOf = (name: string | undefined) => FleetDeadLetters;

interface ListQuery {
  readonly code?: string;
  readonly app?: string;
  readonly offset: number;
  readonly limit: number;
}

interface ReplayQuery {
  readonly app?: string;
}

interface ReplayBody {
  readonly code?: number | null;
}

const CODE_PARAM = {
  type: 'string',
  pattern: '^(\\d{1,6}|none)$',
  description: 'Only entries of this Tencent ErrorCode; `none` for failures without one (HTTP status, network).',
} as const;

const APP_PARAM = { ...APP_QUERY, description: `${APP_QUERY.description} Only this app's dead letters; absent: every app's.` } as const;

/** GET /v1/dead-letters (paged, by code and app) and POST /v1/dead-letters/replay. */
export function registerDeadLetterRoutes(app: FastifyInstance, deadLetters: DeadLettersOf): void {
  app.get<{ Querystring: ListQuery }>(
    '/v1/dead-letters',
    {
      schema: {
        summary: 'Dead letters, oldest first, paged',
        tags: ['dead letters'],
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            code: CODE_PARAM,
            app: APP_PARAM,
            offset: { type: 'integer', minimum: 0, default: 0 },
            limit: { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['total', 'offset', 'limit', 'entries'],
            properties: {
              total: { type: 'integer', description: 'Entries matching the filter, on every page.' },
              offset: { type: 'integer' },
              limit: { type: 'integer' },
              entries: { type: 'array', items: DEAD_LETTER_ENTRY },
            },
          },
          400: PROBLEMS_BODY,
          401: UNAUTHORIZED,
          404: UNKNOWN_APP,
        },
      },
    },
    async (request, reply) => {
      const { offset, limit } = request.query;
      const letters = forApp(reply, () => deadLetters(request.query.app));
      if (letters === null) return reply;
      const all = await letters.list(filterOf(request.query.code));
      return { total: all.length, offset, limit, entries: all.slice(offset, offset + limit) };
    },
  );

  app.post<{ Body: ReplayBody | undefined; Querystring: ReplayQuery }>(
    '/v1/dead-letters/replay',
    {
      // No body at all means {}: replay every dead letter.
      preValidation: (request, _reply, done) => {
        request.body ??= {};
        done();
      },
      schema: {
        summary: 'Send dead letters back to work (all, or those of one code, of one app or all)',
        tags: ['dead letters'],
        querystring: { type: 'object', additionalProperties: false, properties: { app: APP_PARAM } },
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            code: {
              type: ['integer', 'null'],
              minimum: 0,
              description: 'Only this ErrorCode; null for failures without one; absent for all.',
            },
          },
        },
        response: {
          200: { type: 'object', required: ['replayed'], properties: { replayed: { type: 'integer' } } },
          400: PROBLEMS_BODY,
          401: UNAUTHORIZED,
          404: UNKNOWN_APP,
        },
      },
    },
    async (request, reply) => {
      const letters = forApp(reply, () => deadLetters(request.query.app));
      if (letters === null) return reply;
      const code = request.body?.code;
      return { replayed: await letters.replay(code === undefined ? {} : { errorCode: code }) };
    },
  );
}

function filterOf(code: string | undefined): DeadLetterFilter {
  if (code === undefined) return {};
  return { errorCode: code === 'none' ? null : Number(code) };
}
