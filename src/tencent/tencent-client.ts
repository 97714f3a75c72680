import { randomInt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { Pool } from '../commonjs/undici.js';
import { SeederError } from '../errors/seeder-error.js';
import type { Logger } from '../log/logger.js';
import type { RobotCommand } from '../domain/robot-command.js';
import { CallNotSentError, type CallObserver, type CallOutcome, type PreparedCall, type RobotsClient } from './call-outcome.js';
import { exchange } from './exchange.js';
import { classifyAnswer, classifyNetworkError, type ClassifiedOutcome } from './classify-outcome.js';
import type { UserSigSource } from './user-sig-source.js';
import { DEFAULT_REQUEST_TIMEOUT_MS } from '../domain/limits.js';

export interface TencentClientOptions {
  /**
   * Where the REST API is: `https://console.tim.qq.com` (see `regionBaseUrl`), a backup
   * domain, or a proxy; a path prefix is kept. No default: the app's region decides.
   */
  readonly baseUrl: string;
  readonly sdkAppId: number;
  /** The app admin account the UserSig belongs to (`identifier`). */
  readonly admin: string;
  readonly userSig: UserSigSource;
  /**
   * Limit in milliseconds for connecting, for the answer's headers, and for each gap in its
   * body. Must exceed Tencent's 3 s back-end timeout. Default: DEFAULT_REQUEST_TIMEOUT_MS.
   */
  readonly requestTimeoutMs?: number;
  /** Keep-alive connections in the pool, the most calls in flight at once. Default: 64. */
  readonly connections?: number;
  /** Each told, in this order, of every call sent, once its outcome is known. */
  readonly observers?: readonly CallObserver[];
  readonly logger: Logger;
}

const DEFAULT_CONNECTIONS = 64;
/** Tencent answers in a few hundred bytes; a bigger body is a proxy page not worth buffering. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
const SERVICE_PATH = '/v4/group_open_avchatroom_http_svc';
const COMMANDS: ReadonlySet<string> = new Set<RobotCommand>(['add_robots', 'del_robots']);
const UINT32_RANGE = 4_294_967_296;
const UNKNOWN_COMMAND: ClassifiedOutcome = {
  kind: 'permanent',
  errorCode: null,
  errorInfo: 'client: unknown robot command',
  httpStatus: null,
  requestId: null,
};

/** A robots API client on one keep-alive pool. `send` never throws for API, HTTP or network failures. */
export function createTencentClient(options: TencentClientOptions): RobotsClient {
  const { origin, pathPrefix } = parseBaseUrl(options.baseUrl);
  const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const connections = options.connections ?? DEFAULT_CONNECTIONS;
  checkOptions(options, requestTimeoutMs, connections);
  const { sdkAppId, admin, userSig, logger } = options;
  const observers = options.observers ?? [];

  const pool = new Pool(origin, {
    connections,
    connectTimeout: requestTimeoutMs,
    headersTimeout: requestTimeoutMs,
    bodyTimeout: requestTimeoutMs,
    maxResponseSize: MAX_RESPONSE_BYTES,
  });
  let closing: Promise<void> | undefined;
  /** The query's fixed part for the current UserSig, encoded once per UserSig rather than once per call. */
  let signed: { readonly sig: string; readonly query: string } | undefined;

  /** The request, all made before the call's slot comes; null for a command this client does not send. */
  function requestOptions(
    command: RobotCommand,
    groupId: string,
    robots: readonly string[],
    sig: string,
  ): Dispatcher.DispatchOptions | null {
    // Job data is untyped at run time: never let it steer the request path.
    if (!COMMANDS.has(command)) return null;
    if (signed?.sig !== sig) {
      signed = { sig, query: `?sdkappid=${sdkAppId}&identifier=${encodeURIComponent(admin)}&usersig=${encodeURIComponent(sig)}` };
    }
    return {
      method: 'POST',
      path: `${pathPrefix}${SERVICE_PATH}/${command}${signed.query}&random=${randomInt(0, UINT32_RANGE)}&contenttype=json`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ GroupId: groupId, Member_Account: robots }),
    };
  }

  async function answerTo(call: Dispatcher.DispatchOptions, sendBy: number | undefined): Promise<ClassifiedOutcome> {
    try {
      const { statusCode, body } = await exchange(pool, call, sendBy);
      return classifyAnswer(statusCode, body);
    } catch (err) {
      // Not sent at all: the limiter books the call again; it is not a failure of the API.
      if (err instanceof CallNotSentError) throw err;
      return classifyNetworkError(err);
    }
  }

  return {
    prepare(command, groupId, robots): PreparedCall {
      const sig = userSig.current();
      const options = requestOptions(command, groupId, robots, sig);
      return {
        async send(sendBy?: number): Promise<CallOutcome> {
          const sentAt = Date.now();
          const startedMs = performance.now();
          const classified = options === null ? UNKNOWN_COMMAND : await answerTo(options, sendBy);
          const outcome: CallOutcome = {
            ...classified,
            // Tencent's ErrorInfo is free text from outside: make sure it cannot carry our UserSig on.
            errorInfo: sig === '' ? classified.errorInfo : classified.errorInfo.split(sig).join('[redacted]'),
            durationMs: Math.round(performance.now() - startedMs),
          };
          for (const observe of observers) observe(outcome, sentAt);
          if (logger.isLevelEnabled('debug')) {
            logger.debug(
              {
                command,
                groupId,
                robots: robots.length,
                kind: outcome.kind,
                errorCode: outcome.errorCode,
                requestId: outcome.requestId,
                durationMs: outcome.durationMs,
              },
              'tencent call',
            );
          }
          return outcome;
        },
      };
    },
    close(): Promise<void> {
      // Calls in flight finish first; a second close() waits for the same shutdown.
      closing ??= pool.close();
      return closing;
    },
  };
}

function parseBaseUrl(baseUrl: string): { origin: string; pathPrefix: string } {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw configError('Expected `baseUrl` to be an absolute http(s) URL, got a string that is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw configError(`Expected \`baseUrl\` to be an http(s) URL, got protocol ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw configError('Expected `baseUrl` without credentials, query or fragment');
  }
  return { origin: url.origin, pathPrefix: url.pathname.replace(/\/+$/, '') };
}

function checkOptions(options: TencentClientOptions, requestTimeoutMs: number, connections: number): void {
  const problems: string[] = [];
  if (!Number.isSafeInteger(options.sdkAppId) || options.sdkAppId <= 0) {
    problems.push(`Expected \`sdkAppId\` to be a positive integer, got ${String(options.sdkAppId)}`);
  }
  if (options.admin === '') problems.push('Expected `admin` to be a non-empty admin account');
  if (!Number.isFinite(requestTimeoutMs) || requestTimeoutMs <= 0) {
    problems.push(`Expected \`requestTimeoutMs\` to be a finite number > 0, got ${String(requestTimeoutMs)}`);
  }
  if (!Number.isSafeInteger(connections) || connections <= 0) {
    problems.push(`Expected \`connections\` to be a positive integer, got ${String(connections)}`);
  }
  if (problems.length > 0) throw configError(problems.join('; '));
}

function configError(message: string): SeederError {
  return new SeederError('CONFIG_INVALID', message);
}
