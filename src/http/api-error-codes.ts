/** What a client is told about one API error code. */
export interface ApiErrorCodeInfo {
  readonly status: number;
  /** When it is answered: the text of docs/http-api.md's table, held to it by a test. */
  readonly when: string;
}

/**
 * The HTTP API's error codes (the `error` of every error body but a 400), the one list of them:
 * docs/http-api.md's table is held to it by a test, and the body types below take only these, so a
 * handler cannot answer a code no client was told about. Fastify's own `FST_*` codes (api-errors.ts,
 * client-errors.ts) and bull-board's error keys under /admin (admin-routes.ts) are mapped to these
 * and never reach a client.
 */
export const API_ERROR_CODES = {
  UNAUTHORIZED: { status: 401, when: 'no valid token (no message)' },
  NOT_FOUND: { status: 404, when: 'no route at this path, or an app (`?app=`) that is not configured' },
  METHOD_NOT_ALLOWED: {
    status: 405,
    when: 'routes take this path, but not with this method: `Allow` lists the methods they take; under `/admin`, any change to a queue or job (the dashboard is read-only: `Allow` is empty)',
  },
  REQUEST_TIMEOUT: { status: 408, when: 'the request did not arrive in full within 30 s' },
  IDEMPOTENCY_KEY_IN_USE: { status: 409, when: 'a request with the same `Idempotency-Key` is still being processed: retry in a moment' },
  BODY_TOO_LARGE: { status: 413, when: 'the body is over `BODY_LIMIT_BYTES`' },
  URL_TOO_LONG: { status: 414, when: 'a parameter of the URL path (under `/admin`) is longer than 100 characters' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, when: 'the body is not sent as `application/json`' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, when: 'the `Idempotency-Key` was used in the last 24 h with another body' },
  IDEMPOTENCY_KEY_LIMIT: {
    status: 429,
    when: 'this token stored `IDEMPOTENCY_KEYS_PER_TOKEN` new `Idempotency-Key`s in the last 24 h: send without the header, or raise the limit',
  },
  HEADERS_TOO_LARGE: { status: 431, when: "the request line and headers (a very long URL too) are over Node's limit of 16 KB" },
  INTERNAL: { status: 500, when: 'a failure on the server (details in its log only)' },
  REDIS_UNAVAILABLE: {
    status: 503,
    when: 'Redis cannot be reached (down, restarting, or silent for 5 s): answered at once, with `Retry-After: 5`; a `POST` may have been applied in part, and sending it again is safe (job ids, `Idempotency-Key`). `GET /readyz` says when Redis is back',
  },
  SHUTTING_DOWN: {
    status: 503,
    when: 'the server is shutting down (a request that arrived on a kept-alive connection after the first SIGTERM): send it again',
  },
  REDIS_FULL: {
    status: 507,
    when: '`POST /v1/jobs`: Redis is full (`maxmemory` reached under `noeviction`); `enqueued` says what it took',
  },
} as const satisfies Record<string, ApiErrorCodeInfo>;

export type ApiErrorCode = keyof typeof API_ERROR_CODES;

/** The body of every error answer but a 400: a listed code to branch on, and a message for people. */
export interface ApiError<C extends ApiErrorCode = ApiErrorCode> {
  readonly error: C;
  readonly message?: string;
}

/** The status a code is documented with: handlers answer `reply.code(statusOf(code))`, never a second number. */
export function statusOf<C extends ApiErrorCode>(code: C): (typeof API_ERROR_CODES)[C]['status'] {
  return API_ERROR_CODES[code].status;
}
