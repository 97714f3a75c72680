import { failAnswer, MOCK_CODES, OK_ANSWER, scriptedFailAnswer, type MockAnswer } from './mock-answer.js';
import type { MockApp } from './mock-app.js';
import type { ResolvedMockOptions } from './mock-options.js';
import { checkCallQuery, parseRobotsBody } from './request-checks.js';

const ROBOTS_PATH = /^\/v4\/group_open_avchatroom_http_svc\/(add_robots|del_robots)$/;

export interface RobotsCallRequest {
  readonly method: string;
  readonly url: URL;
  readonly bodyText: string;
  /** The body was longer than the mock reads; `bodyText` is then incomplete. */
  readonly bodyTooLarge: boolean;
}

export interface RobotsCallDeps {
  readonly options: ResolvedMockOptions;
  /** The app the call's `sdkappid` names, undefined when the mock serves no such app. */
  readonly app: MockApp | undefined;
}

export interface CallDecision {
  readonly answer: MockAnswer;
  /** Answer after `slowAnswerMs` instead of the normal latency. */
  readonly slow: boolean;
}

/**
 * Decides the answer to one API request the rate window let through, and does its work
 * (stores or removes robots) when it succeeds. Checks run as Tencent's would: path, method,
 * URL parameters, body, then the room (its script, then its own account limit).
 */
export function decideRobotsCall(req: RobotsCallRequest, deps: RobotsCallDeps, nowSeconds: number): CallDecision {
  const plain = (answer: MockAnswer): CallDecision => ({ answer, slow: false });
  const { pathname } = req.url;

  if (!pathname.startsWith('/v4/')) {
    return plain(failAnswer(MOCK_CODES.pathNotFound, `No such resource: ${pathname}. REST APIs live under /v4/.`, 404));
  }
  const command = ROBOTS_PATH.exec(pathname)?.[1];
  if (command !== 'add_robots' && command !== 'del_robots') {
    return plain(
      failAnswer(MOCK_CODES.unknownCommand, `Invalid request command: ${pathname} (the mock serves add_robots and del_robots).`),
    );
  }
  if (req.method !== 'POST') {
    return plain(failAnswer(MOCK_CODES.urlMalformed, `REST APIs accept POST only, got ${req.method}.`));
  }
  const caller = checkCallQuery(req.url.searchParams, deps.app, nowSeconds);
  if (!caller.ok) return plain(caller.answer);
  const { scripts, store } = caller.app;
  if (req.bodyTooLarge) return plain(failAnswer(MOCK_CODES.invalidParameters, 'The request body is too large.'));

  const parsed = parseRobotsBody(req.bodyText, deps.options);
  if (!parsed.ok) return plain(parsed.answer);
  const { groupId, accounts } = parsed.body;

  const fault = scripts.nextFault(groupId);
  if (fault?.kind === 'error-code') return plain(scriptedFailAnswer(fault.errorCode));
  if (fault?.kind === 'http-status') return plain({ kind: 'http-status', httpStatus: fault.httpStatus });
  if (fault?.kind === 'reset') return plain({ kind: 'reset' });
  const slow = fault?.kind === 'slow';

  const roomMax = scripts.maxAccounts(groupId);
  if (roomMax !== null && accounts.length > roomMax) {
    return {
      answer: failAnswer(
        MOCK_CODES.tooManyAccounts,
        `Too many accounts in the request body: ${accounts.length}, this room takes at most ${roomMax}. (mock: scripted max${roomMax})`,
      ),
      slow,
    };
  }

  if (command === 'add_robots') store.add(groupId, accounts);
  else store.remove(groupId, accounts);
  return { answer: OK_ANSWER, slow };
}
