// docs/doctor.md's check table is the registry's: every check (id, network, what it
// detects, one real example line, the fix) in report order. UPDATE_GOLDEN=1 rewrites it.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGeneratedSection } from '../../test/support/docs.js';
import { repoRoot } from '../../test/support/shared.js';
import { CHECKS, CHECK_IDS } from './index.js';

const BEGIN =
  '<!-- checks:begin (generated from src/doctor/registry.ts; UPDATE_GOLDEN=1 npx vitest run src/doctor/docs.test.ts) -->';
const END = '<!-- checks:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n\t*/g, ' ⏎ ');

function table(): string {
  const rows = CHECKS.map(
    (c) =>
      `| \`${c.id}\` | ${c.network ? 'network' : 'local'} | ${cell(c.doc.detects)} | \`${cell(c.doc.example)}\` | ${cell(c.doc.fix)} |`,
  );
  return ['| id | kind | what it detects | example | fix |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

describe('docs/doctor.md', () => {
  const file = path.join(repoRoot, 'docs', 'doctor.md');
  it('lists every check of the registry, in order, with its doc', () => {
    expectGeneratedSection(file, BEGIN, END, table());
  });
  it('registers every check id once, each with a doc', () => {
    expect(CHECKS.map((c) => c.id)).toEqual([...CHECK_IDS]);
    for (const c of CHECKS) {
      expect(c.doc.detects.length, c.id).toBeGreaterThan(20);
      expect(c.doc.example.length, c.id).toBeGreaterThan(10);
      expect(c.doc.fix, c.id).toMatch(/modrescue fix [a-z]+|`go |go clean|go mod vendor/);
    }
  });
});
