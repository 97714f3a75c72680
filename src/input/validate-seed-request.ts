import { DEFAULT_MAX_ROBOTS_PER_LINE, MAX_ACCOUNT_BYTES, MAX_GROUP_ID_BYTES } from '../domain/limits.js';
import type { SeedRequest } from '../domain/seed-request.js';
import { isPriority, PRIORITIES, type Priority } from '../domain/priority.js';
import { describeType, echoValue } from './echo-value.js';
import { expectIntegerInRange } from './expect-option.js';

/** Upper bound of `maxRobotsPerLine`: a line that long is a mistake, not a job. */
export const LIMIT_MAX_ROBOTS_PER_LINE = 1_000_000;
/**
 * A line with 10,000 bad accounts should not print 10,000 messages: the first ones show
 * the pattern, and a last entry says how many more there were.
 */
export const MAX_PROBLEMS_PER_LINE = 20;

export interface SeedRequestLimits {
  /** Most entries `robots` may have on one line, duplicates included. Default: 1000 (Tencent's member-tag limit). */
  readonly maxRobotsPerLine?: number;
  /** The names an `"app"` field may give (the apps configured); absent: no `"app"` field is allowed. */
  readonly apps?: readonly string[];
  /** Whether every line must name its app (several apps configured and no default given). */
  readonly appRequired?: boolean;
  /** Whether a `"priority"` field (high, normal, low) is allowed (HTTP items). */
  readonly priority?: boolean;
}

export type SeedRequestValidation =
  | { readonly ok: true; readonly request: SeedRequest; readonly duplicatesRemoved: number }
  | { readonly ok: false; readonly problems: readonly string[] };

const ACCOUNT_RULE = `account ids are at most ${MAX_ACCOUNT_BYTES} bytes without spaces or control characters`;
const BASE_FIELDS = ['groupId', 'robots'];
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;
// One test for the common case; the separate patterns below only run to name the problem.
const ACCOUNT_SUSPECT = /[\p{Cc}\p{Cs}\s]/u;
const CONTROL = /\p{Cc}/u;
const WHITESPACE = /[^\S\p{Cc}]/u;
const UNPAIRED_SURROGATE = /\p{Cs}/u;

/**
 * Checks that `value` is `{"groupId": string, "robots": string[]}` within Tencent's limits
 * and lists every problem found, each naming the field and the fix. Duplicate robots are
 * not a problem: later copies are dropped (first-seen order kept) and counted.
 */
export function validateSeedRequest(value: unknown, limits: SeedRequestLimits = {}): SeedRequestValidation {
  const maxRobots = expectIntegerInRange(
    'maxRobotsPerLine',
    limits.maxRobotsPerLine ?? DEFAULT_MAX_ROBOTS_PER_LINE,
    1,
    LIMIT_MAX_ROBOTS_PER_LINE,
  );
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      ok: false,
      problems: [`expected an object like {"groupId": "room-1", "robots": ["bot-1"]}, got ${describeType(value)}`],
    };
  }
  const record = value as Record<string, unknown>;
  const problems = new ProblemList();
  const fields = [...BASE_FIELDS, ...(limits.apps === undefined ? [] : ['app']), ...(limits.priority === true ? ['priority'] : [])];
  for (const key of Object.keys(record)) {
    if (!fields.includes(key)) problems.add(unknownFieldProblem(key, fields));
  }
  const groupId = Object.hasOwn(record, 'groupId') ? record.groupId : undefined;
  const robots = Object.hasOwn(record, 'robots') ? record.robots : undefined;
  checkGroupId(groupId, problems);
  checkRobots(robots, maxRobots, problems);
  const app = limits.apps === undefined ? undefined : checkApp(record['app'], limits.apps, limits.appRequired === true, problems);
  const priority = limits.priority === true ? checkPriority(record['priority'], problems) : undefined;

  if (problems.length > 0 || typeof groupId !== 'string' || !Array.isArray(robots)) {
    return { ok: false, problems: problems.toArray() };
  }
  const unique = [...new Set(robots as string[])];
  const request: SeedRequest = {
    groupId,
    robots: unique,
    ...(app === undefined ? {} : { app }),
    ...(priority === undefined ? {} : { priority }),
  };
  return { ok: true, request, duplicatesRemoved: robots.length - unique.length };
}

function unknownFieldProblem(key: string, fields: readonly string[]): string {
  const squashed = key.toLowerCase().replace(/[\s_-]/g, '');
  const guess = fields.find((f) => squashed === f.toLowerCase()) ?? (squashed.startsWith('robot') ? 'robots' : undefined);
  return guess === undefined
    ? `unknown field ${echoValue(key)}; the only fields are ${quotedList(fields)}`
    : `unknown field ${echoValue(key)}; did you mean "${guess}"?`;
}

/** `"a" and "b"`, `"a", "b" and "c"`. */
function quotedList(names: readonly string[]): string {
  const quoted = names.map((n) => `"${n}"`);
  return quoted.length < 2 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted.at(-1) ?? ''}`;
}

function checkApp(app: unknown, apps: readonly string[], required: boolean, problems: ProblemList): string | undefined {
  if (app === undefined) {
    if (required)
      problems.add(`app: missing; several apps are configured (${apps.join(', ')}): name the room's app, or give a default (--app)`);
    return undefined;
  }
  if (typeof app === 'string' && apps.includes(app)) return app;
  problems.add(
    `app: ${typeof app === 'string' ? `unknown app ${echoValue(app)}` : `expected a string, got ${describeType(app)}`}; the apps configured are ${apps.join(', ')}`,
  );
  return undefined;
}

function checkPriority(priority: unknown, problems: ProblemList): Priority | undefined {
  if (priority === undefined || isPriority(priority)) return priority;
  problems.add(
    `priority: expected one of ${PRIORITIES.join(', ')}, got ${typeof priority === 'string' ? echoValue(priority) : describeType(priority)}`,
  );
  return undefined;
}

function checkGroupId(groupId: unknown, problems: ProblemList): void {
  if (groupId === undefined) {
    problems.add(`groupId: missing; give the live room's group ID as a string`);
    return;
  }
  if (typeof groupId !== 'string') {
    problems.add(`groupId: expected a string, got ${describeType(groupId)}`);
    return;
  }
  if (groupId.length === 0) {
    problems.add(`groupId: empty; give the live room's group ID`);
    return;
  }
  const bad = NOT_PRINTABLE_ASCII.exec(groupId);
  if (bad !== null) {
    const char = String.fromCodePoint(groupId.codePointAt(bad.index) ?? 0);
    problems.add(
      `groupId: ${echoValue(groupId)} has ${echoValue(char)} (${codePointName(char)}) at index ${bad.index}; ` +
        `group IDs are printable ASCII only (0x20-0x7e)`,
    );
  }
  const bytes = Buffer.byteLength(groupId);
  if (bytes > MAX_GROUP_ID_BYTES) {
    problems.add(`groupId: ${bytes} bytes, the maximum is ${MAX_GROUP_ID_BYTES}`);
  }
  if (groupId.startsWith(' ') || groupId.endsWith(' ')) {
    problems.add(`groupId: ${echoValue(groupId)} has leading or trailing spaces; remove them`);
  }
}

function checkRobots(robots: unknown, maxRobots: number, problems: ProblemList): void {
  if (robots === undefined) {
    problems.add('robots: missing; give a non-empty array of robot account ids');
    return;
  }
  if (!Array.isArray(robots)) {
    problems.add(`robots: expected an array of account id strings, got ${describeType(robots)}`);
    return;
  }
  if (robots.length === 0) {
    problems.add('robots: empty; give at least one robot account id');
    return;
  }
  if (robots.length > maxRobots) {
    problems.add(
      `robots: ${robots.length} entries, the maximum is ${maxRobots} per line (MAX_ROBOTS_PER_LINE; Tencent allows ` +
        '1,000 members per tag, the tag add_robots sets, so more lines for the room would not help); give the room fewer robots',
    );
  }
  robots.forEach((account: unknown, index) => {
    checkAccount(account, `robots[${index}]`, problems);
  });
}

function checkAccount(account: unknown, field: string, problems: ProblemList): void {
  if (typeof account !== 'string') {
    problems.add(`${field}: expected a string, got ${describeType(account)}`);
    return;
  }
  if (account.length === 0) {
    problems.add(`${field}: empty; remove it or give the account id`);
    return;
  }
  if (ACCOUNT_SUSPECT.test(account)) {
    if (CONTROL.test(account)) problems.add(`${field}: ${echoValue(account)} contains a control character; ${ACCOUNT_RULE}`);
    if (WHITESPACE.test(account)) problems.add(`${field}: ${echoValue(account)} contains whitespace; ${ACCOUNT_RULE}`);
    if (UNPAIRED_SURROGATE.test(account)) {
      problems.add(`${field}: ${echoValue(account)} contains an unpaired surrogate, which is not Unicode; fix its \\u escapes`);
    }
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes, so short ids skip the byte count.
  if (account.length * 3 > MAX_ACCOUNT_BYTES) {
    const bytes = Buffer.byteLength(account);
    if (bytes > MAX_ACCOUNT_BYTES) {
      problems.add(`${field}: ${echoValue(account)} is ${bytes} bytes, the maximum is ${MAX_ACCOUNT_BYTES}`);
    }
  }
}

function codePointName(char: string): string {
  return `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Keeps the first MAX_PROBLEMS_PER_LINE problems and only counts the rest. */
class ProblemList {
  readonly #shown: string[] = [];
  #hidden = 0;

  get length(): number {
    return this.#shown.length + this.#hidden;
  }

  add(problem: string): void {
    if (this.#shown.length < MAX_PROBLEMS_PER_LINE) this.#shown.push(problem);
    else this.#hidden += 1;
  }

  toArray(): string[] {
    if (this.#hidden === 0) return [...this.#shown];
    const shown = this.#shown.slice(0, MAX_PROBLEMS_PER_LINE - 1);
    shown.push(`…and ${this.#hidden + 1} more problems on this line; fix the ones above and check again`);
    return shown;
  }
}
