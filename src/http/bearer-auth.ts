import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import { sendApiError } from './api-errors.js';

/** The realm browsers show in their password prompt for /admin. */
export const REALM = 'robot-seeder';

/**
 * Checks a presented token against API_TOKENS in constant time: every token is compared (no
 * early exit), over SHA-256 digests so lengths leak nothing either.
 */
export class TokenMatcher {
  readonly #digests: readonly Buffer[];

  constructor(tokens: readonly string[]) {
    this.#digests = tokens.map(digest);
  }

  matches(presented: string | null): boolean {
    if (presented === null || presented === '') return false;
    const given = digest(presented);
    let found = false;
    for (const d of this.#digests) found = timingSafeEqual(given, d) || found;
    return found;
  }
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** The token of `Authorization: Bearer <token>`, or null. */
export function bearerToken(header: string | undefined): string | null {
  const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(header ?? '');
  return m?.[1] ?? null;
}

/** The password of `Authorization: Basic base64(user:password)`, or null. The user name is ignored. */
export function basicPassword(header: string | undefined): string | null {
  const m = /^Basic[ ]+([A-Za-z0-9+/=]+)[ ]*$/i.exec(header ?? '');
  if (m?.[1] === undefined) return null;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

/** 401 with nothing said but that: no hint whether a token was sent, malformed or unknown. */
function unauthorized(reply: FastifyReply, challenge: string): FastifyReply {
  return sendApiError(reply.header('WWW-Authenticate', challenge), 'UNAUTHORIZED');
}

/** onRequest hook of the API routes: `Authorization: Bearer <token>` with a token of API_TOKENS. */
export function bearerGuard(tokens: TokenMatcher): onRequestHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, done) => {
    if (tokens.matches(bearerToken(request.headers.authorization))) return done();
    void unauthorized(reply, `Bearer realm="${REALM}"`);
  };
}

/**
 * onRequest hook of /admin: a browser cannot send a bearer header, so HTTP Basic auth with the
 * token as the password (any user name) is accepted too, and the 401 asks the browser to prompt.
 */
export function adminGuard(tokens: TokenMatcher): onRequestHookHandler {
  return (request: FastifyRequest, reply: FastifyReply, done) => {
    const header = request.headers.authorization;
    if (tokens.matches(bearerToken(header)) || tokens.matches(basicPassword(header))) return done();
    void unauthorized(reply, `Basic realm="${REALM}", charset="UTF-8"`);
  };
}
