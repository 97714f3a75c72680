import type { FastifyRequest } from 'fastify';

/**
 * What a request log line says about the request: no headers (they carry tokens), and the
 * callback's `Sign` cut from the URL. The logger's redact paths are the second line of defence.
 */
export function serializeRequest(req: FastifyRequest): Record<string, unknown> {
  return { method: req.method, url: redactQuery(req.url), remoteAddress: req.ip };
}

/** The URL with the values of `Sign` (any case) replaced. */
export function redactQuery(url: string): string {
  return url.replace(/([?&]sign=)[^&#]*/gi, '$1[redacted]');
}
