import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log/logger.js';
import type { CallbackReplayGuard } from '../callbacks/callback-replay-guard.js';
import type { CallbackSeeder } from '../callbacks/callback-seeder.js';
import type { RandomInt } from '../callbacks/choose-robots.js';
import { CALLBACK_OK, decideCallback, type CallbackSettings } from '../callbacks/tencent-callback.js';
import { CALLBACK_ANSWER } from './api-schemas.js';

/**
 * The answer to a callback whose authentication fails. Group.CallbackAfterCreateGroup is an
 * after-event callback whose answer Tencent ignores, so a 401 changes nothing for the room; it
 * does show up in Tencent's list of failed callbacks ("HTTP return code is not 200"), which is
 * where a token set differently in the console and in CALLBACK_TOKEN should be seen.
 */
export const CALLBACK_UNAUTHORIZED = Object.freeze({ ActionStatus: 'FAIL', ErrorCode: 1, ErrorInfo: 'callback authentication failed' });

/**
 * The answer to a signed callback whose Sign and RequestTime were used before: a replay, or a
 * second callback stamped with the same second (the Sign cannot tell them apart). A 401 like a
 * failed check, so that a genuine one shows in Tencent's list of failed callbacks.
 */
export const CALLBACK_REPLAYED = Object.freeze({
  ActionStatus: 'FAIL',
  ErrorCode: 1,
  ErrorInfo: 'callback refused: its Sign and RequestTime were already used',
});

const QUERY_PARAM = { type: 'string' } as const;

/** An app whose callbacks are taken: the SDKAppID they name, and what enqueues its new rooms. */
export interface CallbackApp {
  readonly name: string;
  readonly sdkAppId: number;
  /** Enqueues into the app's queue, in the high lane. */
  readonly seeder: CallbackSeeder;
}

export interface CallbackRouteDeps {
  readonly settings: Omit<CallbackSettings, 'sdkAppId'>;
  /** The apps served: a callback is for the one its SdkAppid names; one naming none of them is answered and ignored. */
  readonly apps: readonly [CallbackApp, ...CallbackApp[]];
  /** Used when callbacks are signed (CALLBACK_TOKEN): a Sign seeds once. */
  readonly replayGuard: CallbackReplayGuard;
  readonly logger: Logger;
  readonly random?: RandomInt;
  readonly now?: () => number;
}

/**
 * POST /v1/callbacks/tencent: Tencent Chat's callbacks. Not behind the bearer token (Tencent
 * cannot send one): authenticated by the Sign of CALLBACK_TOKEN; without a token they are refused,
 * unless CALLBACK_AUTH=none. Every command is answered at once; robots for a new AVChatRoom are
 * enqueued after the answer.
 */
export async function registerCallbackRoutes(app: FastifyInstance, deps: CallbackRouteDeps): Promise<void> {
  await app.register((scope, _opts, done) => {
    // The body is read as text, whatever its declared type: a callback is always answered, so a
    // body that is not JSON must not turn into a 400 before the handler sees it.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, next) => {
      next(null, body);
    });
    scope.post<{ Querystring: Record<string, string | undefined>; Body: unknown }>(
      '/v1/callbacks/tencent',
      {
        schema: {
          summary: 'Tencent Chat callbacks (set this URL in the Chat console)',
          description:
            'Answers {"ActionStatus":"OK","ErrorCode":0,"ErrorInfo":""} to every command at once. On Group.CallbackAfterCreateGroup for an ' +
            "AVChatRoom of an app served (its SdkAppid) it enqueues the robots of AUTO_SEED_ROBOTS and SEED_RULES_FILE into that app's queue, " +
            'ahead of other work. Sign must be sha256(CALLBACK_TOKEN + RequestTime) ' +
            'and RequestTime within 60 s of now, else 401; without CALLBACK_TOKEN every callback gets 401, unless CALLBACK_AUTH=none.',
          tags: ['callbacks'],
          security: [],
          querystring: {
            type: 'object',
            properties: {
              SdkAppid: QUERY_PARAM,
              CallbackCommand: QUERY_PARAM,
              contenttype: QUERY_PARAM,
              ClientIP: QUERY_PARAM,
              OptPlatform: QUERY_PARAM,
              RequestTime: QUERY_PARAM,
              Sign: QUERY_PARAM,
            },
          },
          response: { 200: CALLBACK_ANSWER, 401: CALLBACK_ANSWER },
        },
      },
      async (request, reply) => {
        const bodyText = typeof request.body === 'string' ? request.body : '';
        // A callback naming no app of ours is checked against the first app's SdkAppid, which it
        // does not name either: it is authenticated, then ignored as not ours, as with one app.
        const target = deps.apps.find((a) => String(a.sdkAppId) === request.query['SdkAppid']) ?? deps.apps[0];
        const settings = { ...deps.settings, sdkAppId: target.sdkAppId };
        const decision = decideCallback({ query: request.query, bodyText }, settings, (deps.now ?? Date.now)(), deps.random);
        const log = deps.logger;
        switch (decision.kind) {
          case 'unauthorized':
            if (decision.check === 'no-token') {
              log.warn(
                { clientIp: request.ip },
                "callback refused: CALLBACK_TOKEN is not set (set the console's webhook token in it, or CALLBACK_AUTH=none on a private network)",
              );
            } else {
              log.warn(
                { check: decision.check, clientIp: request.ip },
                'callback refused: authentication failed (check CALLBACK_TOKEN and the clock)',
              );
            }
            return reply.code(401).send(CALLBACK_UNAUTHORIZED);
          case 'ignored': {
            const fields = { command: decision.command, reason: decision.reason, groupId: decision.groupId };
            if (decision.reason === 'SdkAppid is not ours')
              log.warn({ ...fields, sdkAppId: request.query['SdkAppid'] }, 'callback ignored');
            else log.debug(fields, 'callback ignored');
            return reply.send(CALLBACK_OK);
          }
          case 'seed': {
            const { groupId, groupName, robots } = decision;
            if (deps.settings.token !== null && !(await firstUse(deps, request.query, log))) {
              log.warn(
                { groupId, clientIp: request.ip },
                'callback refused: its Sign and RequestTime were already used (a replay, or a second callback in the same second)',
              );
              return reply.code(401).send(CALLBACK_REPLAYED);
            }
            log.info(
              { app: target.name, groupId, groupName, robots: robots.length },
              'new live room announced; enqueueing its robots after the answer',
            );
            void reply.send(CALLBACK_OK);
            // Started after the answer is written; the seeder logs every failure with the group id.
            void target.seeder.seed({ groupId, robots });
            return reply;
          }
        }
      },
    );
    done();
  });
}

/**
 * Whether the callback's Sign is used for the first time. When Redis cannot say, the callback is
 * let through: the seeder needs Redis too and retries, and losing a real room is worse.
 */
async function firstUse(deps: CallbackRouteDeps, query: Readonly<Record<string, string | undefined>>, log: Logger): Promise<boolean> {
  try {
    return await deps.replayGuard.firstUse(query['Sign'] ?? '', query['RequestTime'] ?? '');
  } catch (err) {
    log.warn(
      { err: { message: err instanceof Error ? err.message : String(err) } },
      'could not record the callback Sign; accepting it without the replay check',
    );
    return true;
  }
}
