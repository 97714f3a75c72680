import { describe, expect, it } from 'vitest';
import { callbackSign } from '../../src/callbacks/callback-signature.js';
import { decideCallback, type CallbackSettings } from '../../src/callbacks/tencent-callback.js';

const NOW = 1_700_000_000_000;
// CALLBACK_AUTH=none: what happens past authentication.
const settings: CallbackSettings = {
  sdkAppId: 1400000000,
  token: null,
  acceptUnsigned: true,
  selection: { everyRoom: ['bot_a'], rules: null },
};
const query = (extra: Record<string, string> = {}): Record<string, string> => ({
  SdkAppid: '1400000000',
  CallbackCommand: 'Group.CallbackAfterCreateGroup',
  contenttype: 'json',
  ...extra,
});
const body = (o: Record<string, unknown> = {}): string => JSON.stringify({ GroupId: '@TGS#1', Type: 'AVChatRoom', Name: 'live', ...o });

describe('what a Tencent callback leads to', () => {
  it('seeds a new AVChatRoom', () => {
    expect(decideCallback({ query: query(), bodyText: body() }, settings, NOW)).toEqual({
      kind: 'seed',
      groupId: '@TGS#1',
      groupName: 'live',
      robots: ['bot_a'],
    });
  });

  it.each([
    ['another SdkAppid', query({ SdkAppid: '1400000001' }), body(), 'SdkAppid is not ours'],
    ['no SdkAppid', { CallbackCommand: 'Group.CallbackAfterCreateGroup' }, body(), 'SdkAppid is not ours'],
    ['another command', query({ CallbackCommand: 'Group.CallbackAfterGroupDestroyed' }), body(), 'command not handled'],
    ['a Public group', query(), body({ Type: 'Public' }), 'group type "Public" is not AVChatRoom'],
    ['a body that is not JSON', query(), 'GroupId=1', 'body is not a JSON object'],
    ['no GroupId', query(), JSON.stringify({ Type: 'AVChatRoom' }), 'no GroupId in the body'],
  ])('ignores %s', (_what, q: Record<string, string>, text, reason) => {
    expect(decideCallback({ query: q, bodyText: text }, settings, NOW)).toMatchObject({ kind: 'ignored', reason });
  });

  it('ignores a group id robot-seeder could not seed, saying why', () => {
    const d = decideCallback({ query: query(), bodyText: body({ GroupId: 'room\u0007' }) }, settings, NOW);
    expect(d).toMatchObject({ kind: 'ignored', reason: expect.stringContaining('printable ASCII') as unknown });
  });

  it('checks the Sign before anything else when a token is set', () => {
    const signed = { ...settings, token: 'tok' };
    const t = String(NOW / 1000);
    expect(decideCallback({ query: query(), bodyText: body() }, signed, NOW)).toEqual({ kind: 'unauthorized', check: 'missing' });
    expect(decideCallback({ query: query({ RequestTime: t, Sign: callbackSign('other', t) }), bodyText: body() }, signed, NOW)).toEqual({
      kind: 'unauthorized',
      check: 'mismatch',
    });
    // Even for a callback that would be ignored anyway.
    expect(decideCallback({ query: query({ SdkAppid: '1' }), bodyText: body() }, signed, NOW)).toMatchObject({ kind: 'unauthorized' });
    expect(decideCallback({ query: query({ RequestTime: t, Sign: callbackSign('tok', t) }), bodyText: body() }, signed, NOW)).toMatchObject(
      { kind: 'seed' },
    );
  });

  it('refuses every callback when no token is set and unsigned callbacks are not accepted (the default)', () => {
    const unset = { ...settings, acceptUnsigned: false };
    expect(decideCallback({ query: query(), bodyText: body() }, unset, NOW)).toEqual({ kind: 'unauthorized', check: 'no-token' });
    // A Sign means nothing without a token to check it against.
    const t = String(NOW / 1000);
    expect(decideCallback({ query: query({ RequestTime: t, Sign: callbackSign('any', t) }), bodyText: body() }, unset, NOW)).toEqual({
      kind: 'unauthorized',
      check: 'no-token',
    });
  });

  it('takes the command from the body when the URL lacks it', () => {
    const q = { SdkAppid: '1400000000' };
    expect(
      decideCallback({ query: q, bodyText: body({ CallbackCommand: 'Group.CallbackAfterCreateGroup' }) }, settings, NOW),
    ).toMatchObject({ kind: 'seed' });
  });
});
