import { validateSeedRequest } from '../input/validate-seed-request.js';
import { checkCallbackSignature, type SignatureCheck } from './callback-signature.js';
import { chooseRobots, type RandomInt, type RobotSelection } from './choose-robots.js';

/** The answer Tencent expects to every callback, whatever robot-seeder does with it. */
export const CALLBACK_OK = Object.freeze({ ActionStatus: 'OK', ErrorCode: 0, ErrorInfo: '' });

export const AFTER_CREATE_GROUP = 'Group.CallbackAfterCreateGroup';
export const LIVE_GROUP_TYPE = 'AVChatRoom';

export interface CallbackSettings {
  /** The SDKAppID of the app the callback is taken for: a callback naming another is ignored. */
  readonly sdkAppId: number;
  /** CALLBACK_TOKEN: every callback must carry its Sign; null = none set. */
  readonly token: string | null;
  /** CALLBACK_AUTH=none: without a token, callbacks are accepted unsigned; otherwise they are refused. */
  readonly acceptUnsigned: boolean;
  readonly selection: RobotSelection;
  readonly maxSkewSeconds?: number;
}

export interface CallbackRequest {
  /** The URL's query parameters (SdkAppid, CallbackCommand, Sign, RequestTime, ...). */
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly bodyText: string;
}

export type CallbackDecision =
  | { readonly kind: 'unauthorized'; readonly check: Exclude<SignatureCheck, 'ok'> | 'no-token' }
  | { readonly kind: 'ignored'; readonly command: string; readonly reason: string; readonly groupId?: string }
  | { readonly kind: 'seed'; readonly groupId: string; readonly groupName: string; readonly robots: string[] };

/**
 * Decides what one callback leads to, without side effects: the caller answers CALLBACK_OK
 * (or 401 for `unauthorized`) at once, and enqueues for `seed` afterwards.
 * Order: authentication, then our SdkAppid, then the command and the group type. Without a token,
 * only `acceptUnsigned` lets a callback through: unsigned callbacks are refused by default.
 */
export function decideCallback(req: CallbackRequest, s: CallbackSettings, nowMs: number, random?: RandomInt): CallbackDecision {
  if (s.token !== null) {
    const check = checkCallbackSignature({
      token: s.token,
      sign: req.query['Sign'],
      requestTime: req.query['RequestTime'],
      nowMs,
      ...(s.maxSkewSeconds === undefined ? {} : { maxSkewSeconds: s.maxSkewSeconds }),
    });
    if (check !== 'ok') return { kind: 'unauthorized', check };
  } else if (!s.acceptUnsigned) {
    return { kind: 'unauthorized', check: 'no-token' };
  }
  const body = parseBody(req.bodyText);
  const command = req.query['CallbackCommand'] ?? stringField(body, 'CallbackCommand') ?? '(none)';
  const ignore = (reason: string, groupId?: string): CallbackDecision => ({
    kind: 'ignored',
    command,
    reason,
    ...(groupId === undefined ? {} : { groupId }),
  });

  if (req.query['SdkAppid'] !== String(s.sdkAppId)) return ignore('SdkAppid is not ours');
  if (command !== AFTER_CREATE_GROUP) return ignore('command not handled');
  if (body === null) return ignore('body is not a JSON object');
  const groupId = stringField(body, 'GroupId');
  if (groupId === undefined) return ignore('no GroupId in the body');
  const type = stringField(body, 'Type');
  if (type !== LIVE_GROUP_TYPE) return ignore(`group type ${JSON.stringify(type ?? null)} is not ${LIVE_GROUP_TYPE}`, groupId);
  const groupName = stringField(body, 'Name') ?? '';
  const robots = chooseRobots(s.selection, groupName, random);
  if (robots.length === 0) return ignore('no robots configured for this room (AUTO_SEED_ROBOTS, SEED_RULES_FILE)', groupId);
  const valid = validateSeedRequest({ groupId, robots });
  if (!valid.ok) return ignore(`not a valid seed request: ${valid.problems.join('; ')}`, groupId);
  return { kind: 'seed', groupId, groupName, robots: [...valid.request.robots] };
}

function parseBody(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function stringField(body: Record<string, unknown> | null, name: string): string | undefined {
  const v = body?.[name];
  return typeof v === 'string' ? v : undefined;
}
