import type { FastifyInstance } from 'fastify';
import type { StatusReport } from '../queue/queue-status.js';
import { QUEUE_STATUS, UNAUTHORIZED } from './api-schemas.js';

/** GET /v1/status: the same object as `robot-seeder status --json`. */
export function registerStatusRoutes(app: FastifyInstance, status: () => Promise<StatusReport>): void {
  app.get(
    '/v1/status',
    { schema: { summary: 'Queue figures (as `status --json`)', tags: ['queue'], response: { 200: QUEUE_STATUS, 401: UNAUTHORIZED } } },
    () => status(),
  );
}
