import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import type { Logger } from '../log/logger.js';
import { redisUnreachable } from '../redis/redis-unreachable.js';
import { statusOf, type ApiError, type ApiErrorCode } from './api-error-codes.js';

/**
 * Error bodies of the API, two shapes:
 * - 400: `{"errors": [{"index"?: i, "message": "..."}]}`, every problem found, `index` naming
 *   the item of a list (absent when the problem is with the request as a whole);
 * - any other status: `{"error": "<STABLE_CODE>", "message": "..."}` (api-error-codes.ts); clients branch on `error`.
 */
export interface RequestProblem {
  readonly index?: number;
  readonly message: string;
}

export function badRequest(problems: readonly RequestProblem[]): { errors: readonly RequestProblem[] } {
  return { errors: problems };
}

/** Sets the status `code` is documented with and returns its body, for a hook that replaces a payload. */
export function apiErrorBody(reply: FastifyReply, code: ApiErrorCode, message?: string): ApiError {
  void reply.code(statusOf(code));
  return message === undefined ? { error: code } : { error: code, message };
}

/** Answers `code` with the status it is documented with. */
export function sendApiError(reply: FastifyReply, code: ApiErrorCode, message?: string): FastifyReply {
  return reply.send(apiErrorBody(reply, code, message));
}

/** The message of a 500: the details are in the server's log only. */
export const INTERNAL_MESSAGE = 'the request failed on the server; see its log';

/**
 * The answer of a route that needs Redis while Redis cannot be reached. Enqueueing may have been
 * cut off part way; job ids make sending the same request again safe.
 */
export const REDIS_UNAVAILABLE: ApiError<'REDIS_UNAVAILABLE'> = Object.freeze({
  error: 'REDIS_UNAVAILABLE',
  message:
    'Redis cannot be reached, so the request could not be completed (a POST may have been applied in part); send it again once GET /readyz answers 200: job ids make a repeat safe',
});

/** Maps fastify's and the handlers' errors to the API's error bodies; 5xx are logged, not explained. */
export interface ErrorHandlerOptions {
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
  /** Closes the Redis connection and opens a new one, after a command got no answer in time. */
  readonly dropRedisConnection: () => void;
}

export type ErrorAnswer = (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => FastifyReply;

/**
 * One answer for every error a request meets: the route handlers', fastify's (its body parser and
 * validation through the error handler; a bad URL through `frameworkErrors`). Every fastify code
 * that can reach a client is mapped here, and any other 4xx becomes a 400 with fastify's message:
 * a client never sees an `FST_*` code, which fastify may rename in any release.
 */
export function errorAnswer(o: ErrorHandlerOptions): ErrorAnswer {
  return (err, request, reply) => {
    if (err.validation !== undefined) {
      const where = err.validationContext ?? 'request';
      return reply
        .code(400)
        .send(badRequest(err.validation.map((v) => ({ message: `${where}${v.instancePath}: ${v.message ?? 'is invalid'}` }))));
    }
    switch (err.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendApiError(
          reply,
          'BODY_TOO_LARGE',
          `the body is larger than ${o.bodyLimitBytes} bytes (BODY_LIMIT_BYTES); send fewer jobs per request`,
        );
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendApiError(reply, 'UNSUPPORTED_MEDIA_TYPE', 'send the body as JSON with Content-Type: application/json');
      case 'FST_ERR_MAX_PARAM_LENGTH':
        return sendApiError(
          reply,
          'URL_TOO_LONG',
          'a parameter of the URL path is longer than 100 characters; no route takes one that long',
        );
      case 'FST_ERR_NOT_FOUND':
        return answerNotFound(request, reply);
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return reply.code(400).send(badRequest([{ message: 'the body is empty; send a JSON object' }]));
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
        return reply.code(400).send(badRequest([{ message: 'the body is not valid JSON; send a JSON object' }]));
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return reply
          .code(400)
          .send(badRequest([{ message: 'the body is not as long as its Content-Length header says; send it again whole' }]));
      case 'FST_ERR_BAD_URL':
        return reply
          .code(400)
          .send(badRequest([{ message: 'the URL path is not valid percent-encoding; encode it with encodeURIComponent' }]));
      default:
        break;
    }
    const unreachable = redisUnreachable(err);
    if (unreachable !== null) {
      // A connection that swallows commands stays open until TCP gives up (hours): make a new one.
      if (unreachable === 'timeout') o.dropRedisConnection();
      o.logger.warn(
        { err: { message: err.message }, method: request.method, url: request.routeOptions.url },
        'request refused: Redis cannot be reached',
      );
      return reply.code(statusOf('REDIS_UNAVAILABLE')).header('Retry-After', '5').send(REDIS_UNAVAILABLE);
    }
    // A client error not mapped above (a body cut off mid-way, a code of a newer fastify): its
    // message, never its code, in the 400 shape every other refused request gets.
    if ((err.statusCode ?? 500) < 500) return reply.code(400).send(badRequest([{ message: `the request was refused: ${err.message}` }]));
    o.logger.error({ err, method: request.method, url: request.routeOptions.url }, 'request failed');
    return sendApiError(reply, 'INTERNAL', INTERNAL_MESSAGE);
  };
}

/**
 * No route takes this method at this path: 405 with `Allow` when routes take the path with other
 * methods, 404 when none does. The methods are looked up in fastify's own router, so the answer
 * agrees with routing (parameters, wildcards, HEAD beside GET). A path served with the request's
 * own method is a 404 too: a route that found nothing there (a missing file under /admin/static).
 */
function answerNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { server, method, url } = request;
  const path = url.split('?')[0] ?? '';
  // supportedMethods are the methods a route may be declared with, the ones findRoute takes; its
  // type leaves out the null it returns when no route matches.
  const served = (server.supportedMethods as HTTPMethods[]).filter((m) => (server.findRoute({ method: m, url }) as object | null) !== null);
  if (served.length === 0 || served.includes(method)) return sendApiError(reply, 'NOT_FOUND', `no route ${method} ${path}`);
  const allow = served.join(', ');
  return sendApiError(reply.header('Allow', allow), 'METHOD_NOT_ALLOWED', `${path} does not take ${method}; it takes ${allow}`);
}

export function installErrorHandlers(app: FastifyInstance, answer: ErrorAnswer): void {
  app.setErrorHandler(answer);
  app.setNotFoundHandler(answerNotFound);
}

/**
 * 503 SHUTTING_DOWN to requests that arrive while the server closes (on a connection kept alive):
 * fastify's own `return503OnClosing` answer has a body of its own, with no code of the API's.
 * Requests already in flight when closing began have passed this hook and finish as usual.
 */
export function refuseWhileClosing(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  app.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    void sendApiError(
      reply.header('Connection', 'close'),
      'SHUTTING_DOWN',
      'the server is shutting down; send the request again in a moment (another instance, or this one restarted, will take it)',
    );
  });
}
