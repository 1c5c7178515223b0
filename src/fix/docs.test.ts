// docs/fix.md's action table is the registry's: every action (id, command, what it does,
// risk, undo, the checks that verify it) in ACTION_IDS order. UPDATE_GOLDEN=1 rewrites it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGeneratedSection } from '../../test/support/docs.js';
import { repoRoot } from '../../test/support/shared.js';
import { CHECK_IDS } from '../doctor/index.js';
import { ACTIONS, ACTION_IDS } from './index.js';

const BEGIN =
  '<!-- actions:begin (generated from src/fix/registry.ts; UPDATE_GOLDEN=1 npx vitest run src/fix/docs.test.ts) -->';
const END = '<!-- actions:end -->';
const cell = (s: string) => s.replace(/\|/g, '\\|');

function table(): string {
  const rows = ACTIONS.map(
    (a) =>
      `| \`${a.id}\` | \`${cell(a.usage)}\` | ${cell(a.summary)} | ${a.risk} | ${cell(a.undo)} | ${a.verify.map((v) => `\`${v}\``).join(', ')} |`,
  );
  return [
    '| action | command | what it does | risk | undo | verified by |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

describe('docs/fix.md', () => {
  const file = path.join(repoRoot, 'docs', 'fix.md');
  it('lists every action of the registry, in order, with its metadata', () => {
    expectGeneratedSection(file, BEGIN, END, table());
  });
  it('registers every action id once; each is verified by real doctor checks and documented in its source file', () => {
    expect(ACTIONS.map((a) => a.id)).toEqual([...ACTION_IDS]);
    for (const a of ACTIONS) {
      expect(a.usage.startsWith(`fix ${a.id}`), a.id).toBe(true);
      for (const v of a.verify) expect(CHECK_IDS as readonly string[], a.id).toContain(v);
      const src = readFileSync(path.join(repoRoot, 'src/fix/actions', `${a.id}.ts`), 'utf8');
      expect(src, a.id).toMatch(/What it does:/);
      expect(src, a.id).toMatch(/\n \* Risk: /);
      expect(src, a.id).toMatch(/\n \* Undo: /);
    }
  });
});
