import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../test/support/shared.js';
import { precedenceTable, proxyCodeTable, ruleTable } from './docs.js';
import { bundledRuleSet } from './index.js';

const docPath = path.join(repoRoot, 'docs', 'triage.md');

function section(doc: string, name: string): string {
  const m = new RegExp(`<!-- ${name}:begin -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(doc);
  if (!m) throw new Error(`docs/triage.md has no ${name} section`);
  return m[1]!;
}

describe('docs/triage.md', () => {
  it('has the rule, precedence and proxy-code tables of the registry (UPDATE_GOLDEN=1 rewrites them)', () => {
    let doc = readFileSync(docPath, 'utf8');
    const want = {
      rules: ruleTable(bundledRuleSet().rules),
      precedence: precedenceTable(),
      'proxy-codes': proxyCodeTable(bundledRuleSet().rules),
    };
    if (process.env['UPDATE_GOLDEN'] === '1') {
      for (const [name, table] of Object.entries(want)) {
        doc = doc.replace(
          new RegExp(`(<!-- ${name}:begin -->\\n)[\\s\\S]*?(\\n<!-- ${name}:end -->)`),
          (_m, a: string, b: string) => a + table + b,
        );
      }
      writeFileSync(docPath, doc);
    }
    expect(section(doc, 'rules')).toBe(want.rules);
    expect(section(doc, 'precedence')).toBe(want.precedence);
    expect(section(doc, 'proxy-codes')).toBe(want['proxy-codes']);
  });

  it('names every rule id exactly once in the table', () => {
    const table = section(readFileSync(docPath, 'utf8'), 'rules');
    const rows = table.split('\n');
    for (const r of bundledRuleSet().rules)
      expect(rows.filter((l) => l.startsWith(`| \`${r.id}\` |`)).length, r.id).toBe(1);
  });
});
