import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectGeneratedSection, generatedSection } from '../../test/support/docs.js';
import { repoRoot } from '../../test/support/shared.js';
import { precedenceTable, proxyCodeTable, ruleTable } from './docs.js';
import { bundledRuleSet } from './index.js';

const docPath = path.join(repoRoot, 'docs', 'triage.md');

const section = (name: string) => generatedSection(docPath, `<!-- ${name}:begin -->`, `<!-- ${name}:end -->`);

describe('docs/triage.md', () => {
  it('has the rule, precedence and proxy-code tables of the registry (UPDATE_GOLDEN=1 rewrites them)', () => {
    const want = {
      rules: ruleTable(bundledRuleSet().rules),
      precedence: precedenceTable(),
      'proxy-codes': proxyCodeTable(bundledRuleSet().rules),
    };
    for (const [name, table] of Object.entries(want))
      expectGeneratedSection(docPath, `<!-- ${name}:begin -->`, `<!-- ${name}:end -->`, table);
  });

  it('names every rule id exactly once in the table', () => {
    const table = section('rules');
    const rows = table.split('\n');
    for (const r of bundledRuleSet().rules)
      expect(rows.filter((l) => l.startsWith(`| \`${r.id}\` |`)).length, r.id).toBe(1);
  });
});
