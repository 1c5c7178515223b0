// Every error code used in src/ is documented in docs/errors.md with a fix, and the doc
// lists no code that the source no longer uses (docs/architecture.md §4).
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './support/shared.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) return name === 'testdata' ? [] : sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

const CODE = /['"`](ERR_[A-Z0-9]+(?:_[A-Z0-9]+)+)['"`]/g;

describe('docs/errors.md', () => {
  const used = new Set<string>();
  for (const f of sourceFiles(path.join(repoRoot, 'src'))) {
    for (const m of readFileSync(f, 'utf8').matchAll(CODE)) used.add(m[1]!);
  }
  const doc = readFileSync(path.join(repoRoot, 'docs', 'errors.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const m of doc.matchAll(/^\|\s*`(ERR_[A-Z0-9_]+)`\s*\|([^|]*)\|([^|]*)\|/gm)) rows.set(m[1]!, m[3]!.trim());

  it('documents every code used in src with a fix', () => {
    const missing = [...used].filter((c) => !rows.has(c)).sort();
    expect(missing, 'add rows to docs/errors.md').toEqual([]);
    const noFix = [...rows].filter(([, fix]) => fix.length === 0).map(([c]) => c);
    expect(noFix, 'every row needs "how to fix"').toEqual([]);
  });

  it('lists no code that src no longer uses', () => {
    const stale = [...rows.keys()].filter((c) => !used.has(c)).sort();
    expect(stale, 'remove stale rows from docs/errors.md').toEqual([]);
  });
});
