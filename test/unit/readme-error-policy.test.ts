import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_CODE_POLICY } from '../../src/tencent/classify-outcome.js';

/** The README's "What happens to each answer" table: outcome → the Tencent codes it lists. */
function documentedCodes(): Map<string, number[]> {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.split('## What happens to each answer')[1]?.split('\n## ')[0] ?? '';
  const rows = new Map<string, number[]>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    const [, kind, codes] = cells;
    if (kind === undefined || codes === undefined || !/^[a-z-]+$/.test(kind) || kind === 'outcome') continue;
    rows.set(
      kind,
      [...codes.matchAll(/\b\d{5}\b/g)].map((m) => Number(m[0])),
    );
  }
  return rows;
}

describe('README error-code table', () => {
  it('lists exactly the codes the classifier knows, under the outcome it gives them', () => {
    const documented = documentedCodes();
    const fromCode = new Map<string, number[]>();
    for (const [code, policy] of ERROR_CODE_POLICY) fromCode.set(policy.kind, [...(fromCode.get(policy.kind) ?? []), code]);
    expect(documented.size).toBeGreaterThan(0);
    for (const kind of new Set([...documented.keys(), ...fromCode.keys()])) {
      if (kind === 'success') continue;
      expect([...(documented.get(kind) ?? [])].sort(), `outcome ${kind}`).toEqual([...(fromCode.get(kind) ?? [])].sort());
    }
  });
});
