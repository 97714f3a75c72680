import type { FastifyError, FastifyInstance } from 'fastify';
import type { Logger } from '../log/logger.js';
import { redisUnreachable } from '../redis/redis-unreachable.js';

/**
 * Error bodies of the API, two shapes:
 * - 400: `{"errors": [{"index"?: i, "message": "..."}]}`, every problem found, `index` naming
 *   the item of a list (absent when the problem is with the request as a whole);
 * - any other status: `{"error": "<STABLE_CODE>", "message": "..."}`; clients branch on `error`.
 */
export interface RequestProblem {
  readonly index?: number;
  readonly message: string;
}

export interface ApiError {
  readonly error: string;
  readonly message?: string;
}

export function badRequest(problems: readonly RequestProblem[]): { errors: readonly RequestProblem[] } {
  return { errors: problems };
}

/**
 * The answer of a route that needs Redis while Redis cannot be reached. Enqueueing may have been
 * cut off part way; job ids make sending the same request again safe.
 */
export const REDIS_UNAVAILABLE: ApiError = Object.freeze({
  error: 'REDIS_UNAVAILABLE',
  message: 'Redis cannot be reached, so the request could not be completed (a POST may have been applied in part); send it again once GET /readyz answers 200: job ids make a repeat safe',
});

/** Maps fastify's and the handlers' errors to the API's error bodies; 5xx are logged, not explained. */
export interface ErrorHandlerOptions {
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
  /** Closes the Redis connection and opens a new one, after a command got no answer in time. */
  readonly dropRedisConnection: () => void;
}

export function installErrorHandlers(app: FastifyInstance, o: ErrorHandlerOptions): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err.validation !== undefined) {
      const where = err.validationContext ?? 'request';
      return reply.code(400).send(badRequest(err.validation.map((v) => ({ message: `${where}${v.instancePath}: ${v.message ?? 'is invalid'}` }))));
    }
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return reply.code(413).send({
          error: 'BODY_TOO_LARGE',
          message: `the body is larger than ${o.bodyLimitBytes} bytes (BODY_LIMIT_BYTES); send fewer jobs per request`,
        } satisfies ApiError);
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return reply.code(415).send({ error: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as JSON with Content-Type: application/json' } satisfies ApiError);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.code(400).send(badRequest([{ message: 'the body is empty; send a JSON object' }]));
      default:
        break;
    }
    const unreachable = redisUnreachable(err);
    if (unreachable !== null) {
      // A connection that swallows commands stays open until TCP gives up (hours): make a new one.
      if (unreachable === 'timeout') o.dropRedisConnection();
      o.logger.warn({ err: { message: err.message }, method: request.method, url: request.routeOptions.url }, 'request refused: Redis cannot be reached');
      return reply.code(503).header('Retry-After', '5').send(REDIS_UNAVAILABLE);
    }
    const status = err.statusCode ?? 500;
    if (status === 400) return reply.code(400).send(badRequest([{ message: `the body is not valid JSON: ${err.message}` }]));
    if (status < 500) return reply.code(status).send({ error: err.code, message: err.message } satisfies ApiError);
    o.logger.error({ err, method: request.method, url: request.routeOptions.url }, 'request failed');
    return reply.code(500).send({ error: 'INTERNAL', message: 'the request failed on the server; see its log' } satisfies ApiError);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` } satisfies ApiError),
  );
}
