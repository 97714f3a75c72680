import { readFile } from 'node:fs/promises';
import { SeederError } from '../errors/seeder-error.js';
import { validateSeedRules, type SeedRules } from './seed-rules.js';

const HINT = 'fix SEED_RULES_FILE (format in docs/http-api.md, "Rules file") or unset it, then start again';

/** Reads and validates SEED_RULES_FILE at start, so a bad file stops `serve` with every problem listed. */
export async function loadSeedRules(path: string, maxRobotsPerLine: number): Promise<SeedRules> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new SeederError('CONFIG_INVALID', `SEED_RULES_FILE: cannot read ${JSON.stringify(path)} (${code})`, { hint: HINT, cause: err });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new SeederError('CONFIG_INVALID', `SEED_RULES_FILE: ${JSON.stringify(path)} is not valid JSON (${detail})`, { hint: HINT });
  }
  const result = validateSeedRules(value, maxRobotsPerLine);
  if (!result.ok) {
    throw new SeederError(
      'CONFIG_INVALID',
      `SEED_RULES_FILE ${JSON.stringify(path)} has problems:\n  - ${result.problems.join('\n  - ')}`,
      { hint: HINT },
    );
  }
  return result.value;
}
