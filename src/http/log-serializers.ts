import type { FastifyRequest } from 'fastify';
import { stdSerializers } from 'pino';

/**
 * Query parameters whose values are logged as they are: the ones robot-seeder's clients and
 * Tencent send that hold no secret. Any other parameter is cut whole, name and value, since a
 * careless client may put a token anywhere (`?token=…`, `?api_key=…`, `?<token>`).
 */
const LOGGED_QUERY_PARAMS: ReadonlySet<string> = new Set([
  'SdkAppid',
  'CallbackCommand',
  'contenttype',
  'ClientIP',
  'OptPlatform',
  'RequestTime',
  'code',
  'offset',
  'limit',
  'app',
]);

const REDACTED = '[redacted]';

/**
 * What a request log line says about the request: no headers (they carry tokens), and a URL
 * whose query keeps only known harmless parameters (the callback's `Sign` is cut too).
 * The logger's redact paths are the second line of defence.
 */
export function serializeRequest(req: FastifyRequest): Record<string, unknown> {
  return { method: req.method, url: redactQuery(req.url), remoteAddress: req.ip };
}

/** The URL with every query parameter not in LOGGED_QUERY_PARAMS replaced by `[redacted]`. */
export function redactQuery(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  const params = url
    .slice(start + 1)
    .split('&')
    .map((pair) => (LOGGED_QUERY_PARAMS.has(pair.split('=', 1)[0] ?? '') ? pair : REDACTED));
  return `${url.slice(0, start)}?${params.join('&')}`;
}

/**
 * pino's error serializer without `rawPacket`: Node's HTTP parser attaches the bytes of a request
 * it could not parse, Authorization header and callback Sign included, and fastify logs that
 * error (at trace level) as it is.
 */
export function serializeError(err: Error): Record<string, unknown> {
  const out: Record<string, unknown> = { ...stdSerializers.err(err) };
  delete out['rawPacket'];
  return out;
}
