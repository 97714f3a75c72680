import type { FastifyInstance } from 'fastify';
import type { RedisClient } from '../redis/redis-client.js';

/** How long /readyz waits for Redis's PONG before answering 503. */
export const READY_TIMEOUT_MS = 1000;

const STATUS_BODY = { type: 'object', required: ['status'], properties: { status: { type: 'string' } } } as const;

/** GET /healthz (the process is up) and GET /readyz (Redis answers); no authentication. */
export function registerHealthRoutes(app: FastifyInstance, redis: RedisClient): void {
  app.get(
    '/healthz',
    {
      logLevel: 'warn',
      schema: { summary: 'The process is up', tags: ['health'], security: [], response: { 200: STATUS_BODY } },
    },
    () => ({ status: 'ok' }),
  );
  app.get(
    '/readyz',
    {
      logLevel: 'warn',
      schema: {
        summary: 'Redis answers: ready to take jobs',
        tags: ['health'],
        security: [],
        response: { 200: STATUS_BODY, 503: STATUS_BODY },
      },
    },
    async (_request, reply) => ((await redisAnswers(redis)) ? { status: 'ready' } : reply.code(503).send({ status: 'redis unavailable' })),
  );
}

async function redisAnswers(redis: RedisClient): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), READY_TIMEOUT_MS);
  });
  try {
    return await Promise.race([redis.ping().then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
