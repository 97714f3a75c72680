import { randomInt } from 'node:crypto';
import type { SeedRules } from './seed-rules.js';

/** Which robots a new live room gets: the same for every room, and per group-name rules. */
export interface RobotSelection {
  /** AUTO_SEED_ROBOTS: put into every new AVChatRoom. */
  readonly everyRoom: readonly string[];
  /** SEED_RULES_FILE, or null without one. */
  readonly rules: SeedRules | null;
}

/** Picks an integer in [0, max); crypto-random by default, replaceable in tests. */
export type RandomInt = (max: number) => number;

/**
 * The robots for a new room named `groupName`: AUTO_SEED_ROBOTS, plus those of the first rule
 * whose namePattern matches (its `robots`, and `draw` distinct ones drawn from its `pool`).
 * Duplicates are dropped, first-seen order kept. Empty when nothing applies.
 */
export function chooseRobots(selection: RobotSelection, groupName: string, random: RandomInt = randomInt): string[] {
  const chosen = new Set(selection.everyRoom);
  const rule = selection.rules?.rules.find((r) => r.namePattern.test(groupName));
  if (rule !== undefined) {
    for (const robot of rule.robots) chosen.add(robot);
    for (const robot of drawDistinct(rule.pool, rule.draw, random)) chosen.add(robot);
  }
  return [...chosen];
}

/** `n` distinct entries of `pool` (a partial Fisher-Yates shuffle of a copy). */
function drawDistinct(pool: readonly string[], n: number, random: RandomInt): string[] {
  const copy = [...pool];
  const count = Math.min(n, copy.length);
  for (let i = 0; i < count; i += 1) {
    const j = i + random(copy.length - i);
    const a = copy[i];
    const b = copy[j];
    if (a === undefined || b === undefined) break;
    copy[i] = b;
    copy[j] = a;
  }
  return copy.slice(0, count);
}
