// docs/respond.md's table of the checks run first is FOCUS, row for row.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/support/shared.js';
import { FOCUS } from './focus.js';
import { CHECK_IDS } from '../doctor/index.js';
import { CATEGORIES } from '../triage/index.js';

describe('docs/respond.md', () => {
  const doc = readFileSync(path.join(repoRoot, 'docs', 'respond.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Checks run first, per category'), doc.indexOf('## Actions proposed'));
  const rows = [...section.matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)].map((m) => [
    m[1]!,
    [...m[2]!.matchAll(/`([^`]+)`/g)].map((x) => x[1]!),
  ]);

  it('lists FOCUS exactly, in order', () => {
    expect(rows).toEqual(Object.entries(FOCUS).map(([k, v]) => [k, [...v]]));
  });

  it('names only real categories and check ids', () => {
    for (const [cat, checks] of Object.entries(FOCUS)) {
      expect(CATEGORIES as readonly string[]).toContain(cat);
      for (const c of checks) expect(CHECK_IDS as readonly string[]).toContain(c);
    }
  });
});
