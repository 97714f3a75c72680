import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { ConnectionError } from 'fastify';
import type { Logger } from '../log/logger.js';
import { statusOf, type ApiError } from './api-error-codes.js';
import { badRequest } from './api-errors.js';

/**
 * Fastify's `clientErrorHandler`: answers a request Node's HTTP parser refused before fastify saw it
 * (headers over Node's limit, a request not in full within the request timeout, bytes that are not
 * HTTP) in the API's error shapes; fastify's default writes bodies of its own (`"error":"Bad Request"`).
 * Logged at trace level, as fastify does: they are mostly scanners and broken proxies.
 */
export function clientErrorAnswer(logger: Logger): (err: ConnectionError, socket: Socket) => void {
  return (err, socket) => {
    // A reset connection has nobody left to answer.
    if (err.code === 'ECONNRESET' || socket.destroyed) return;
    const [status, body] = answerOf(err);
    // The logger's err serializer drops `rawPacket`: the refused bytes may hold a token.
    logger.trace({ err }, 'client error: the HTTP parser refused the request');
    if (socket.writable) {
      const text = JSON.stringify(body);
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
      );
    }
    socket.destroy(err);
  };
}

function answerOf(err: ConnectionError): [number, unknown] {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [
        statusOf('REQUEST_TIMEOUT'),
        { error: 'REQUEST_TIMEOUT', message: 'the request did not arrive in full in time; send it again' } satisfies ApiError,
      ];
    case 'HPE_HEADER_OVERFLOW':
      return [
        statusOf('HEADERS_TOO_LARGE'),
        { error: 'HEADERS_TOO_LARGE', message: 'the request headers are too large; send fewer or shorter headers' } satisfies ApiError,
      ];
    default:
      return [400, badRequest([{ message: `the request is not valid HTTP/1.1 (${err.message})` }])];
  }
}
