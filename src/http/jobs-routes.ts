import type { FastifyInstance } from 'fastify';
import { ERROR_BODY, PROBLEMS_BODY, SEED_JOB_DOC, UNAUTHORIZED } from './api-schemas.js';
import { sendApiError } from './api-errors.js';
import { acceptJobs, plannedJobIds, type AcceptJobsDeps, type AcceptJobsResult } from './accept-jobs.js';
import { bearerToken } from './bearer-auth.js';
import { bodyFingerprint, type IdempotencyStore, type StoredResponse } from './idempotency-store.js';

interface JobsBody {
  readonly jobs: readonly unknown[];
}

/** 503/507: Redis refused (507: it is full); `enqueued`, when the writing had begun, says what it acknowledged. */
const STORAGE_FAILURE_BODY = {
  type: 'object',
  description:
    'REDIS_FULL (507: maxmemory reached) or REDIS_UNAVAILABLE (503). When Redis failed part-way through the writing, `enqueued` counts the items and jobs it acknowledged before (a few more of the last batch may be in); without it, nothing was written. Sending the same request again adds only what is missing.',
  required: ['error', 'message'],
  properties: {
    error: { type: 'string' },
    message: { type: 'string' },
    enqueued: { type: 'object', required: ['items', 'jobs'], properties: { items: { type: 'integer' }, jobs: { type: 'integer' } } },
  },
} as const;

const IDEMPOTENCY_KEY = {
  type: 'string',
  minLength: 1,
  maxLength: 255,
  pattern: '^[\\x21-\\x7e]+$',
  description: 'Makes a retried request enqueue nothing twice: the first response is kept 24 h and replayed.',
} as const;

/** POST /v1/jobs: enqueue seed jobs, all or nothing, with optional Idempotency-Key. */
export function registerJobsRoutes(app: FastifyInstance, deps: AcceptJobsDeps, idempotency: IdempotencyStore, keysPerToken: number): void {
  app.post<{ Body: JobsBody; Headers: { 'idempotency-key'?: string } }>(
    '/v1/jobs',
    {
      schema: {
        summary: 'Enqueue seed jobs (all or nothing)',
        tags: ['jobs'],
        headers: { type: 'object', properties: { 'idempotency-key': IDEMPOTENCY_KEY } },
        body: {
          type: 'object',
          required: ['jobs'],
          additionalProperties: false,
          properties: { jobs: { type: 'array', minItems: 1, items: SEED_JOB_DOC } },
        },
        response: {
          202: {
            type: 'object',
            description:
              '`accepted`: items enqueued; `added`: jobs that were new work (a job still waiting or running is left as it is); `superseded`: of those, jobs that replaced a dead letter; `jobIds`: one per job (an item with more robots than one call takes becomes several).',
            required: ['accepted', 'added', 'superseded', 'jobIds'],
            properties: {
              accepted: { type: 'integer' },
              added: { type: 'integer' },
              superseded: { type: 'integer' },
              jobIds: { type: 'array', items: { type: 'string' } },
            },
          },
          400: PROBLEMS_BODY,
          401: UNAUTHORIZED,
          409: { ...ERROR_BODY, description: 'IDEMPOTENCY_KEY_IN_USE: a request with this key is still being processed.' },
          413: { ...ERROR_BODY, description: 'BODY_TOO_LARGE: over BODY_LIMIT_BYTES.' },
          422: { ...ERROR_BODY, description: 'IDEMPOTENCY_KEY_REUSED: the key was used with another body.' },
          429: { ...ERROR_BODY, description: 'IDEMPOTENCY_KEY_LIMIT: this token stored IDEMPOTENCY_KEYS_PER_TOKEN keys in the last 24 h.' },
          503: STORAGE_FAILURE_BODY,
          507: STORAGE_FAILURE_BODY,
        },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      if (key === undefined) {
        const r = await acceptJobs(request.body.jobs, deps);
        return reply.code(r.statusCode).send(r.body);
      }
      // The bearer guard let the request in, so it carries a token; keys are kept apart per token.
      const token = bearerToken(request.headers.authorization) ?? '';
      const fingerprint = bodyFingerprint(request.body);
      const claim = await idempotency.claim(token, key, fingerprint);
      switch (claim.kind) {
        case 'replay':
          return reply
            .code(claim.response.statusCode)
            .header('Idempotent-Replayed', 'true')
            .send(replayedBody(claim.response, request.body.jobs, deps));
        case 'mismatch':
          return sendApiError(
            reply,
            'IDEMPOTENCY_KEY_REUSED',
            'this Idempotency-Key was used with a different body in the last 24 hours; use a new key for a new request',
          );
        case 'in-progress':
          return sendApiError(reply, 'IDEMPOTENCY_KEY_IN_USE', 'a request with this Idempotency-Key is being processed; retry in a moment');
        case 'limit':
          return sendApiError(
            reply,
            'IDEMPOTENCY_KEY_LIMIT',
            `this API token stored ${keysPerToken} Idempotency-Keys in the last 24 hours (IDEMPOTENCY_KEYS_PER_TOKEN); send without the header, reuse a key only for a retry, or raise the limit`,
          );
        case 'claimed':
          break;
      }
      let r: AcceptJobsResult;
      try {
        r = await acceptJobs(request.body.jobs, deps);
      } catch (err) {
        await idempotency.release(token, key).catch(() => undefined);
        throw err;
      }
      // A failure of Redis is not an answer to keep: the same key must be able to try again.
      if (r.statusCode >= 500) await idempotency.release(token, key).catch(() => undefined);
      else await idempotency.complete(token, key, fingerprint, storedResponse(r));
      return reply.code(r.statusCode).send(r.body);
    },
  );
}

/** What is kept of an answer: a 202 without its job ids (one per job, ~70 bytes each), which a replay plans again. */
function storedResponse(r: AcceptJobsResult): StoredResponse {
  if (r.statusCode !== 202) return r;
  const { accepted, added, superseded } = r.body;
  return { statusCode: 202, body: { accepted, added, superseded } };
}

function replayedBody(stored: StoredResponse, jobs: readonly unknown[], deps: AcceptJobsDeps): unknown {
  return stored.statusCode === 202 ? { ...(stored.body as object), jobIds: plannedJobIds(jobs, deps) } : stored.body;
}
