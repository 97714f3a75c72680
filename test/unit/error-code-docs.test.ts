import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { SEEDER_ERROR_CODES } from '../../src/errors/seeder-error-codes.js';
import { API_ERROR_CODES } from '../../src/http/api-error-codes.js';

function read(path: string): string {
  return readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
}

/** The rows of the first table under `heading` (up to the next heading), each split into its cells. */
function tableRows(text: string, heading: string): string[][] {
  const section = text.split(`\n${heading}\n`)[1]?.split(/\n#{2,3} /)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    .filter((cells) => !cells.every((c) => /^-+$/.test(c)));
}

/** A code cell, `` `CODE` ``, as the code; header rows have none. */
function codeOf(cell: string | undefined): string | null {
  return /^`([A-Z_]+)`$/.exec(cell ?? '')?.[1] ?? null;
}

describe('the documented error codes are the listed ones', () => {
  it('README, "Error codes of robot-seeder": every SeederErrorCode with its exit code, meaning and what to do, and no other', () => {
    const documented: Record<string, unknown> = {};
    for (const [code, exit, meaning, action] of tableRows(read('README.md'), '### Error codes of robot-seeder')) {
      const name = codeOf(code);
      if (name !== null) documented[name] = { exitCode: Number(exit), meaning, action };
    }
    const listed = Object.fromEntries(
      Object.entries(SEEDER_ERROR_CODES).map(([code, c]) => [code, { exitCode: EXIT[c.exit], meaning: c.meaning, action: c.action }]),
    );
    expect(documented).toEqual(listed);
  });

  it('README, "Exit codes": exactly the exit codes the CLI uses', () => {
    const documented = tableRows(read('README.md'), '### Exit codes')
      .map(([code]) => code ?? '')
      .filter((code) => /^\d+$/.test(code))
      .map(Number);
    expect(documented.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });

  it('docs/http-api.md, "Errors": every API error code with its status and when it is answered, and no other', () => {
    const documented: Record<string, unknown> = {};
    for (const [status, code, when] of tableRows(read('docs/http-api.md'), '## Errors')) {
      const name = codeOf(code);
      if (name !== null) documented[name] = { status: Number(status), when };
    }
    expect(documented).toEqual(API_ERROR_CODES);
  });
});
