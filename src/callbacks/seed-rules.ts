import { validateSeedRequest } from '../input/validate-seed-request.js';
import { describeType, echoValue } from '../input/echo-value.js';

/** One rule of SEED_RULES_FILE: which robots go into a new live room whose name matches. */
export interface SeedRule {
  /** Matched against the group's `Name` (JavaScript regular expression, unanchored). */
  readonly namePattern: RegExp;
  /** Robots every matching room gets. */
  readonly robots: readonly string[];
  /** Robots to draw `draw` distinct ones from, at random, for each room. */
  readonly pool: readonly string[];
  readonly draw: number;
}

/** The rules of SEED_RULES_FILE, first match wins. */
export interface SeedRules {
  readonly rules: readonly SeedRule[];
}

export type SeedRulesValidation =
  { readonly ok: true; readonly value: SeedRules } | { readonly ok: false; readonly problems: readonly string[] };

const EXAMPLE =
  '{"rules": [{"namePattern": "^game-", "robots": ["bot_a"]}, {"namePattern": ".*", "pool": ["bot_1", "bot_2", "bot_3"], "draw": 2}]}';
const RULE_FIELDS = new Set(['namePattern', 'robots', 'pool', 'draw']);

/**
 * Validates the parsed JSON of a rules file and lists every problem, each naming the rule
 * index, the field and the fix. Account ids are checked by the same rules as job files.
 */
export function validateSeedRules(value: unknown, maxRobotsPerLine: number): SeedRulesValidation {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, problems: [`expected an object like ${EXAMPLE}, got ${describeType(value)}`] };
  }
  const record = value as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(record)) if (key !== 'rules') problems.push(`unknown field ${echoValue(key)}; the only field is "rules"`);
  const rawRules = record['rules'];
  if (!Array.isArray(rawRules) || rawRules.length === 0) {
    problems.push(`rules: expected a non-empty array of rules like ${EXAMPLE}, got ${got(rawRules)}`);
    return { ok: false, problems };
  }
  const rules: SeedRule[] = [];
  rawRules.forEach((raw: unknown, index) => {
    const rule = validateRule(raw, `rules[${index}]`, maxRobotsPerLine, problems);
    if (rule !== null) rules.push(rule);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: { rules } };
}

function validateRule(raw: unknown, at: string, maxRobots: number, problems: string[]): SeedRule | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problems.push(`${at}: expected an object with "namePattern" and "robots" and/or "pool" + "draw", got ${describeType(raw)}`);
    return null;
  }
  const r = raw as Record<string, unknown>;
  const before = problems.length;
  for (const key of Object.keys(r)) {
    if (!RULE_FIELDS.has(key))
      problems.push(`${at}: unknown field ${echoValue(key)}; a rule has "namePattern", "robots", "pool" and "draw"`);
  }
  const namePattern = patternOf(r['namePattern'], `${at}.namePattern`, problems);
  const robots = r['robots'] === undefined ? [] : accountsOf(r['robots'], `${at}.robots`, maxRobots, problems);
  const pool = r['pool'] === undefined ? [] : accountsOf(r['pool'], `${at}.pool`, maxRobots, problems);
  const draw = drawOf(r, at, pool, problems);
  if (r['robots'] === undefined && r['pool'] === undefined) {
    problems.push(`${at}: give "robots" (put in every matching room) and/or "pool" with "draw" (that many drawn at random)`);
  }
  for (const robot of robots) {
    if (pool.includes(robot)) problems.push(`${at}.pool: ${echoValue(robot)} is also in "robots"; list it in one of the two`);
  }
  if (problems.length > before || namePattern === null) return null;
  return { namePattern, robots, pool, draw };
}

function patternOf(v: unknown, at: string, problems: string[]): RegExp | null {
  if (typeof v !== 'string' || v === '') {
    problems.push(`${at}: expected a regular expression as a string (".*" matches every name), got ${got(v)}`);
    return null;
  }
  try {
    return new RegExp(v, 'u');
  } catch (err) {
    problems.push(`${at}: ${echoValue(v)} is not a valid regular expression (${err instanceof Error ? err.message : String(err)})`);
    return null;
  }
}

function accountsOf(v: unknown, at: string, maxRobots: number, problems: string[]): string[] {
  // The same account rules as job files: validateSeedRequest reports them as robots[i].
  const result = validateSeedRequest({ groupId: 'rules', robots: v }, { maxRobotsPerLine: maxRobots });
  if (!result.ok) {
    for (const p of result.problems) problems.push(`${at}${p.replace(/^robots/, '')}`);
    return [];
  }
  if (result.duplicatesRemoved > 0)
    problems.push(`${at}: lists ${result.duplicatesRemoved} account(s) more than once; list each robot once`);
  return [...result.request.robots];
}

function drawOf(r: Record<string, unknown>, at: string, pool: readonly string[], problems: string[]): number {
  const v = r['draw'];
  if (v === undefined) {
    if (r['pool'] !== undefined) problems.push(`${at}.draw: missing; say how many robots to draw from "pool" for each room`);
    return 0;
  }
  if (r['pool'] === undefined) {
    problems.push(`${at}.draw: needs a "pool" to draw from; add "pool" or remove "draw"`);
    return 0;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || (pool.length > 0 && v > pool.length)) {
    problems.push(
      `${at}.draw: expected a whole number from 1 to the pool size (${pool.length}), got ${typeof v === 'number' ? v : describeType(v)}`,
    );
    return 0;
  }
  return v;
}

function got(v: unknown): string {
  return v === undefined ? 'nothing' : describeType(v);
}
