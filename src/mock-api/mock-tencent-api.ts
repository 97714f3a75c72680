import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONTROL_PREFIX, handleControlRequest } from './control-endpoints.js';
import { MAX_BODY_BYTES, readBody, sendAnswer } from './http-io.js';
import { failAnswer, MOCK_CODES, newRequestId } from './mock-answer.js';
import { resolveMockOptions, type MockTencentApiOptions, type ResolvedMockOptions } from './mock-options.js';
import { MockStatsRecorder, type MockStats } from './mock-stats.js';
import { RateWindow } from './rate-window.js';
import { SlidingWindowMax } from './sliding-window-max.js';
import { decideRobotsCall, type CallDecision } from './robots-call.js';
import type { ScriptStep } from './room-directives.js';
import { RoomScripts } from './room-scripts.js';
import { RoomStore } from './room-store.js';
import { VerifiedSigs } from './verified-sigs.js';

export type { MockTencentApiOptions } from './mock-options.js';
export type { MockStats, MockOutcome } from './mock-stats.js';
export type { ScriptStep, FaultAction } from './room-directives.js';
export { parseRoomDirectives } from './room-directives.js';
export { MOCK_CODES } from './mock-answer.js';

/** A running mock of Tencent's add_robots / del_robots REST APIs. */
export interface MockTencentApi {
  /** Base URL to point a client at, e.g. `http://127.0.0.1:43117` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  stats(): MockStats;
  /** The robots the room holds, in the order they were first added. */
  robotsIn(groupId: string): string[];
  /** How many rooms hold at least one robot. */
  rooms(): number;
  /** Gives the room this failure script (replacing any directives in its id), starting from its first step. */
  script(groupId: string, steps: readonly ScriptStep[]): void;
  /** Forgets robots, scripts and their progress, and all counts. */
  reset(): void;
  /** Stops listening and cuts every connection, keep-alive and in-flight ones included. */
  close(): Promise<void>;
}

/** Starts the mock on a real port (0 = a free one) and resolves once it listens. */
export async function startMockTencentApi(options: MockTencentApiOptions): Promise<MockTencentApi> {
  const resolved = resolveMockOptions(options);
  const log = resolved.logger?.child({ component: 'mock-tencent-api' });
  const rateWindow = new RateWindow(resolved.ratePerSecond);
  const sliding = new SlidingWindowMax();
  const recorder = new MockStatsRecorder();
  const scripts = new RoomScripts();
  const store = new RoomStore();
  const sigs = new VerifiedSigs();
  /** Aborted by close(): ends the delays of answers still waiting. */
  const closing = new AbortController();
  // Every answer waiting out its latency listens to this one signal: hundreds at a time is normal.
  setMaxListeners(0, closing.signal);
  /** Sockets still open, so close() can cut keep-alive connections too. */
  const sockets = new Set<Socket>();

  const stats = (): MockStats => recorder.snapshot(rateWindow, sliding);
  const reset = (): void => {
    rateWindow.reset();
    sliding.reset();
    recorder.reset();
    scripts.reset();
    store.clear();
    sigs.clear();
  };

  async function handleApiCall(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // Counted on arrival: Tencent's limit is on calls received, whatever their fate.
    const arrival = rateWindow.record(Date.now());
    sliding.record(performance.now());
    const body = await readBody(req, MAX_BODY_BYTES);
    const refusedForRate = !arrival.allowed;
    const decision: CallDecision = refusedForRate
      ? {
          answer: failAnswer(
            MOCK_CODES.rateExceeded,
            `REST API call frequency exceeds the limit of ${resolved.ratePerSecond} calls per second.`,
          ),
          slow: false,
        }
      : decideRobotsCall(
          { method: req.method ?? 'GET', url, bodyText: body.text, bodyTooLarge: body.tooLarge },
          { options: resolved, scripts, store, sigs },
          Math.floor(Date.now() / 1000),
        );

    const delayMs = decision.slow ? resolved.slowAnswerMs : pickLatencyMs(resolved);
    if (delayMs > 0 && !(await waitMs(delayMs, closing.signal))) return;

    const requestId = newRequestId();
    sendAnswer(req, res, decision.answer, requestId);
    recorder.record(decision.answer, { refusedForRate, slow: decision.slow });
    log?.debug(
      {
        path: url.pathname,
        requestId,
        answer: decision.answer.kind,
        errorCode: decision.answer.kind === 'tencent' ? decision.answer.errorCode : null,
        httpStatus: decision.answer.kind === 'reset' ? null : decision.answer.httpStatus,
        slow: decision.slow,
      },
      'mock call answered',
    );
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://mock.invalid');
    if (!url.pathname.startsWith(CONTROL_PREFIX)) return handleApiCall(req, res, url);
    handleControlRequest(req, res, url, { stats, robotsIn: (id) => store.robotsIn(id), reset });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      // Mostly a client that hung up mid-body: nothing is left to answer.
      log?.debug({ err, path: req.url?.split('?')[0] }, 'mock request failed');
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(resolved.port, resolved.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const hostInUrl = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host;
  const url = `http://${hostInUrl}:${port}`;
  log?.info({ url, ratePerSecond: resolved.ratePerSecond }, 'mock Tencent API listening');

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve, reject) => {
      closing.abort();
      server.close((err) => (err === undefined ? resolve() : reject(err)));
      server.closeAllConnections();
      for (const socket of sockets) socket.destroy();
    });
    return closed;
  };

  return {
    url,
    port,
    stats,
    robotsIn: (groupId) => store.robotsIn(groupId),
    rooms: () => store.roomCount(),
    script: (groupId, steps) => scripts.set(groupId, steps),
    reset,
    close,
  };
}

function pickLatencyMs(options: ResolvedMockOptions): number {
  const { min, max } = options.latencyMs;
  return Math.round(min + Math.random() * (max - min));
}

/** False when the mock closed before the time was up. */
async function waitMs(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
