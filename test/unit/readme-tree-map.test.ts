import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url);

function folders(url: URL): string[] {
  return readdirSync(url, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/** The README's map of src/ ("How it is built"): its folders by depth (2 spaces: src/x/, 4: src/<parent>/y/). */
function mappedFolders(): { top: string[]; nested: Map<string, string[]> } {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const block = readme.split('## How it is built')[1]?.split('```')[1] ?? '';
  const top: string[] = [];
  const nested = new Map<string, string[]>();
  for (const line of block.split('\n')) {
    const t = /^ {2}([a-z-]+)\//.exec(line);
    const n = /^ {4}([a-z-]+)\//.exec(line);
    if (t?.[1] !== undefined) top.push(t[1]);
    else if (n?.[1] !== undefined) {
      const parent = top.at(-1) ?? '';
      nested.set(parent, [...(nested.get(parent) ?? []), n[1]]);
    }
  }
  return { top: top.sort(), nested };
}

describe("README's map of the tree", () => {
  it('names every folder of src/ and its subfolders, and none that is not there', () => {
    const map = mappedFolders();
    expect(map.top).toEqual(folders(SRC));
    for (const parent of map.top) {
      expect([...(map.nested.get(parent) ?? [])].sort(), `src/${parent}/`).toEqual(folders(new URL(`${parent}/`, SRC)));
    }
  });
});
