import { setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { CONTROL_PREFIX, handleControlRequest } from './control-endpoints.js';
import { MAX_BODY_BYTES, readBody, sendAnswer } from './http-io.js';
import { failAnswer, MOCK_CODES, newRequestId } from './mock-answer.js';
import { MockApps } from './mock-apps.js';
import { resolveMockOptions, type MockTencentApiOptions, type ResolvedMockOptions } from './mock-options.js';
import { MockStatsRecorder, type MockStats } from './mock-stats.js';
import { decideRobotsCall, type CallDecision } from './robots-call.js';
import type { ScriptStep } from './room-directives.js';

export type { MockAppOptions, MockTencentApiOptions } from './mock-options.js';
export type { MockCallStats, MockStats, MockOutcome } from './mock-stats.js';
export type { ScriptStep, FaultAction } from './room-directives.js';
export { parseRoomDirectives } from './room-directives.js';
export { MOCK_CODES } from './mock-answer.js';

/**
 * A running mock of Tencent's add_robots / del_robots REST APIs. Rooms belong to an app: the
 * methods taking an `sdkAppId` act on that app's rooms, and it may be left out only when the
 * mock serves one app (a SeederError otherwise, or for an app it does not serve).
 */
export interface MockTencentApi {
  /** Base URL to point a client at, e.g. `http://127.0.0.1:43117` (no trailing slash). */
  readonly url: string;
  readonly port: number;
  /** Counts of all calls, and in `apps` of each app's. */
  stats(): MockStats;
  /** The robots the room holds, in the order they were first added. */
  robotsIn(groupId: string, sdkAppId?: number): string[];
  /** How many rooms hold at least one robot. */
  rooms(sdkAppId?: number): number;
  /** Gives the room this failure script (replacing any directives in its id), starting from its first step. */
  script(groupId: string, steps: readonly ScriptStep[], sdkAppId?: number): void;
  /** Forgets robots, scripts and their progress, and all counts. */
  reset(): void;
  /** Stops listening and cuts every connection, keep-alive and in-flight ones included. */
  close(): Promise<void>;
}

/** Starts the mock on a real port (0 = a free one) and resolves once it listens. */
export async function startMockTencentApi(options: MockTencentApiOptions): Promise<MockTencentApi> {
  const resolved = resolveMockOptions(options);
  const log = resolved.logger?.child({ component: 'mock-tencent-api' });
  const apps = new MockApps(resolved.apps);
  /** Every API call, whatever app it names: the apps' rate windows do the refusing. */
  const allCalls = new MockStatsRecorder(Number.POSITIVE_INFINITY);
  /** Aborted by close(): ends the delays of answers still waiting. */
  const closing = new AbortController();
  // Every answer waiting out its latency listens to this one signal: hundreds at a time is normal.
  setMaxListeners(0, closing.signal);
  /** Sockets still open, so close() can cut keep-alive connections too. */
  const sockets = new Set<Socket>();

  const stats = (): MockStats => ({ ...allCalls.snapshot(), apps: apps.stats() });
  const robotsIn = (groupId: string, sdkAppId?: number): string[] => apps.pick(sdkAppId).store.robotsIn(groupId);
  const reset = (): void => {
    allCalls.reset();
    apps.reset();
  };

  async function handleApiCall(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    // A call is its app's, as at Tencent: it counts against that app's limit only. A call naming
    // no app the mock serves is counted in the totals and answered 60012/60006 by the checks.
    const app = apps.named(url.searchParams.get('sdkappid'));
    // Counted on arrival: Tencent's limit is on calls received, whatever their fate.
    const nowMs = Date.now();
    const monotonicMs = performance.now();
    /** The app's limit when this call is beyond it. */
    const overLimit = app !== undefined && !app.recorder.arrive(nowMs, monotonicMs) ? app.settings.ratePerSecond : null;
    const refusedForRate = overLimit !== null;
    allCalls.arrive(nowMs, monotonicMs, refusedForRate);
    const body = await readBody(req, MAX_BODY_BYTES);
    const decision: CallDecision = refusedForRate
      ? {
          answer: failAnswer(MOCK_CODES.rateExceeded, `REST API call frequency exceeds the limit of ${overLimit} calls per second.`),
          slow: false,
        }
      : decideRobotsCall(
          { method: req.method ?? 'GET', url, bodyText: body.text, bodyTooLarge: body.tooLarge },
          { options: resolved, app },
          Math.floor(Date.now() / 1000),
        );

    const delayMs = decision.slow ? resolved.slowAnswerMs : pickLatencyMs(resolved);
    if (delayMs > 0 && !(await waitMs(delayMs, closing.signal))) return;

    const requestId = newRequestId();
    sendAnswer(req, res, decision.answer, requestId);
    const details = { refusedForRate, slow: decision.slow };
    allCalls.record(decision.answer, details);
    app?.recorder.record(decision.answer, details);
    log?.debug(
      {
        path: url.pathname,
        sdkAppId: app?.settings.sdkAppId ?? null,
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
    handleControlRequest(req, res, url, { stats, robotsIn, reset });
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
  log?.info({ url, apps: resolved.apps.map(({ sdkAppId, ratePerSecond }) => ({ sdkAppId, ratePerSecond })) }, 'mock Tencent API listening');

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
    robotsIn,
    rooms: (sdkAppId) => apps.pick(sdkAppId).store.roomCount(),
    script: (groupId, steps, sdkAppId) => apps.pick(sdkAppId).scripts.set(groupId, steps),
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
