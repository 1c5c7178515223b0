import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as prettier from 'prettier';
import { bundleSource } from '../bundle.js';
import { bundledRuleSet, triageText } from '../index.js';
import { CATEGORIES } from '../types.js';
import { PLACEHOLDERS } from '../rank.js';
import { BUNDLED_RULES } from './bundled.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
const yamlFiles = readdirSync(dir)
  .filter((n) => n.endsWith('.yaml'))
  .sort()
  .map((name) => ({ name, text: readFileSync(path.join(dir, name), 'utf8') }));

describe('bundled rules', () => {
  it('bundled.ts carries exactly the YAML files (UPDATE_GOLDEN=1 regenerates it)', async () => {
    const want = yamlFiles.map((f) => ({ file: `src/triage/rules/${f.name}`, text: f.text }));
    if (process.env['UPDATE_GOLDEN'] === '1') {
      const options = (await prettier.resolveConfig(path.join(dir, 'bundled.ts'))) ?? {};
      const src = await prettier.format(bundleSource(yamlFiles), { ...options, parser: 'typescript' });
      writeFileSync(path.join(dir, 'bundled.ts'), src);
      return;
    }
    expect(BUNDLED_RULES).toEqual(want);
  });

  it('has one rule file per category, each with at least one rule', () => {
    const rs = bundledRuleSet();
    for (const c of CATEGORIES) expect(rs.rules.filter((r) => r.category === c).length, c).toBeGreaterThan(0);
  });

  it('guards every pattern with a pre-filter literal of at least 4 characters (no pattern runs on every line)', () => {
    const rs = bundledRuleSet();
    expect(rs.unfiltered).toEqual([]);
    for (const p of rs.patterns) for (const l of p.literals) expect(l.length, p.source).toBeGreaterThanOrEqual(4);
  });

  it('uses only known placeholders in next steps', () => {
    for (const r of bundledRuleSet().rules) {
      for (const s of r.steps) {
        for (const m of `${s.title} ${s.command ?? ''}`.matchAll(/(?<![%$])\{(\w+)\}/g)) {
          expect(PLACEHOLDERS as readonly string[], `${r.id}: {${m[1]}}`).toContain(m[1]);
        }
      }
    }
  });

  // The transcript test of every rule: the real line that motivates it is triaged to the
  // rule's category by that rule (alone, in the middle of unrelated lines).
  it.each(bundledRuleSet().rules.map((r) => [r.id, r] as const))('%s: its example line is recognised', (_id, rule) => {
    const log = [
      'Run go build ./...',
      'go: downloading golang.org/x/text v0.14.0',
      rule.example,
      'Error: Process completed with exit code 1.',
    ].join('\n');
    const res = triageText(log);
    expect(res.category).toBe(rule.category);
    expect(res.ruleId).toBe(rule.id);
    expect(res.evidence.some((e) => rule.example.split('\n').some((l) => l.trimEnd().endsWith(e.text.trim())))).toBe(
      true,
    );
  });
});
