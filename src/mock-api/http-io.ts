import type { IncomingMessage, ServerResponse } from 'node:http';
import { gatewayHtml, tencentBody, type MockAnswer } from './mock-answer.js';

/** Far above any real add_robots body (500 accounts of 32 bytes); guards the mock's memory. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole body, keeping at most `maxBytes` of it (the rest is drained so keep-alive still works). */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<{ readonly text: string; readonly tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let sizeBytes = 0;
  // Without setEncoding() a request yields Buffers.
  for await (const chunk of req as AsyncIterable<Buffer>) {
    sizeBytes += chunk.length;
    if (sizeBytes <= maxBytes) chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: sizeBytes > maxBytes };
}

export function sendJson(res: ServerResponse, httpStatus: number, value: unknown): void {
  send(res, httpStatus, 'application/json; charset=utf-8', JSON.stringify(value));
}

/** Sends the answer; a `reset` answer destroys the socket instead. */
export function sendAnswer(req: IncomingMessage, res: ServerResponse, answer: MockAnswer, requestId: string): void {
  switch (answer.kind) {
    case 'tencent':
      send(res, answer.httpStatus, 'application/json; charset=utf-8', tencentBody(answer, requestId));
      return;
    case 'http-status':
      send(res, answer.httpStatus, 'text/html', gatewayHtml(answer.httpStatus));
      return;
    case 'reset':
      req.socket.destroy();
      return;
  }
}

function send(res: ServerResponse, httpStatus: number, contentType: string, body: string): void {
  // The client may have gone away (or the mock closed) while the answer was delayed.
  if (res.destroyed || res.writableEnded) return;
  res.writeHead(httpStatus, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}
