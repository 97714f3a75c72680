/** What the mock does to one call instead of (or, for `slow`, besides) its normal work. */
export type FaultAction =
  /** Answer HTTP 200 with this Tencent ErrorCode (e.g. 10002, 10010). Nothing is stored. */
  | { readonly kind: 'error-code'; readonly errorCode: number }
  /** Answer with this HTTP status (e.g. 502) and an HTML body, as a gateway would. Nothing is stored. */
  | { readonly kind: 'http-status'; readonly httpStatus: number }
  /** Destroy the socket without answering. Nothing is stored. */
  | { readonly kind: 'reset' }
  /** Do the work, then answer only after `slowAnswerMs`: the caller may give up on a call that did succeed. */
  | { readonly kind: 'slow' };

/**
 * One step of a room's failure script. A step with `times` acts on that many calls and then
 * hands over to the next step; a step without `times` acts on every call from then on.
 * `max-accounts` is not a step but a standing rule: more accounts than that in one call get 10005.
 */
export type ScriptStep = (FaultAction & { readonly times?: number }) | { readonly kind: 'max-accounts'; readonly maxAccounts: number };

const CODE_DIRECTIVE = /^(\d+)(?:x(\d+))?$/;
const NAMED_DIRECTIVE = /^(reset|slow)(?:x(\d+))?$/;
const MAX_DIRECTIVE = /^max(\d+)$/;

/**
 * Reads the failure script a group id carries after `~`, so that a demo file or a dry run can
 * script failures without code: `room-7~10002x2~slowx1~max2`.
 *
 * - `~NNNNN[xK]` (10000..99999): answer ErrorCode NNNNN (K times, or always without `xK`).
 * - `~NNN[xK]` (400..599): answer HTTP status NNN with an HTML body.
 * - `~reset[xK]`, `~slow[xK]`: destroy the socket / answer after `slowAnswerMs`.
 * - `~maxN` (N >= 1): 10005 whenever a call carries more than N accounts.
 *
 * Steps run in the order written. Anything else after a `~` (including `x0`) is not a
 * directive and is ignored, so an ordinary id that happens to contain `~` still works.
 */
export function parseRoomDirectives(groupId: string): ScriptStep[] {
  const steps: ScriptStep[] = [];
  for (const token of groupId.split('~').slice(1)) {
    const step = parseDirective(token);
    if (step !== null) steps.push(step);
  }
  return steps;
}

function parseDirective(token: string): ScriptStep | null {
  const max = MAX_DIRECTIVE.exec(token);
  if (max?.[1] !== undefined) {
    const maxAccounts = Number(max[1]);
    return maxAccounts >= 1 ? { kind: 'max-accounts', maxAccounts } : null;
  }

  const code = CODE_DIRECTIVE.exec(token);
  if (code?.[1] !== undefined) {
    const times = parseTimes(code[2]);
    if (times === null) return null;
    const n = Number(code[1]);
    if (n >= 400 && n <= 599) return withTimes({ kind: 'http-status', httpStatus: n }, times);
    if (n >= 10000 && n <= 99999) return withTimes({ kind: 'error-code', errorCode: n }, times);
    return null;
  }

  const named = NAMED_DIRECTIVE.exec(token);
  if (named?.[1] === 'reset' || named?.[1] === 'slow') {
    const times = parseTimes(named[2]);
    return times === null ? null : withTimes({ kind: named[1] }, times);
  }
  return null;
}

/** `undefined` = no `xK` (always); `null` = an unusable count. */
function parseTimes(text: string | undefined): number | undefined | null {
  if (text === undefined) return undefined;
  const times = Number(text);
  return Number.isSafeInteger(times) && times >= 1 ? times : null;
}

function withTimes<S extends ScriptStep>(step: S, times: number | undefined): S {
  return times === undefined ? step : { ...step, times };
}
