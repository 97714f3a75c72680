import type { IncomingMessage, ServerResponse } from 'node:http';
import { isSeederError } from '../errors/seeder-error.js';
import { sendJson } from './http-io.js';
import type { MockStats } from './mock-stats.js';

/** The part of the mock the control endpoints read and reset. */
export interface MockControlView {
  stats(): MockStats;
  /** Throws a SeederError for an app the mock does not serve, or none named when it serves several. */
  robotsIn(groupId: string, sdkAppId: number | undefined): string[];
  reset(): void;
}

export const CONTROL_PREFIX = '/_mock/';
const ROOM_PREFIX = `${CONTROL_PREFIX}rooms/`;

/**
 * Lets a process that did not start the mock (the CLI in a dry run, a shell script) read it:
 * `GET /_mock/stats`, `GET /_mock/rooms/<urlencoded groupId>[?sdkappid=N]` (the app may be left
 * out when the mock serves one), `POST /_mock/reset`. Answered at once, and not counted as calls.
 */
export function handleControlRequest(req: IncomingMessage, res: ServerResponse, url: URL, view: MockControlView): void {
  const { pathname } = url;
  const method = req.method ?? 'GET';

  if (pathname === `${CONTROL_PREFIX}stats`) {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    return sendJson(res, 200, view.stats());
  }
  if (pathname === `${CONTROL_PREFIX}reset`) {
    if (method !== 'POST') return methodNotAllowed(res, 'POST');
    view.reset();
    return sendJson(res, 200, { ok: true });
  }
  if (pathname.startsWith(ROOM_PREFIX) && pathname.length > ROOM_PREFIX.length) {
    if (method !== 'GET') return methodNotAllowed(res, 'GET');
    let groupId: string;
    try {
      groupId = decodeURIComponent(pathname.slice(ROOM_PREFIX.length));
    } catch {
      return sendJson(res, 400, { error: 'The group id in the path is not valid URL encoding.' });
    }
    return sendRoom(res, groupId, url.searchParams.get('sdkappid'), view);
  }
  sendJson(res, 404, {
    error: `No control endpoint ${pathname}; there are GET /_mock/stats, GET /_mock/rooms/<groupId>[?sdkappid=N], POST /_mock/reset.`,
  });
}

function sendRoom(res: ServerResponse, groupId: string, sdkAppIdParam: string | null, view: MockControlView): void {
  if (sdkAppIdParam !== null && !/^\d+$/.test(sdkAppIdParam)) {
    return sendJson(res, 400, { error: `The sdkappid parameter must be an SDKAppID, got ${JSON.stringify(sdkAppIdParam)}.` });
  }
  let robots: string[];
  try {
    robots = view.robotsIn(groupId, sdkAppIdParam === null ? undefined : Number(sdkAppIdParam));
  } catch (err) {
    if (!isSeederError(err)) throw err;
    return sendJson(res, err.code === 'NOT_FOUND' ? 404 : 400, { error: err.message });
  }
  sendJson(res, 200, { groupId, robots });
}

function methodNotAllowed(res: ServerResponse, allowed: string): void {
  res.setHeader('allow', allowed);
  sendJson(res, 405, { error: `Use ${allowed}.` });
}
