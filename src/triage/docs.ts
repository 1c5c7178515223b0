/**
 * The tables of docs/triage.md, generated from the rule registry so that the document
 * and the knowledge base cannot drift apart (src/triage/docs.test.ts compares them).
 */
import { STATUS_BY_CODE } from '../proxy/errors.js';
import { PROXY_ERROR_CODES } from './proxy-body.js';
import type { Rule } from './types.js';
import { PRECEDENCE, type Category } from './types.js';

function cell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function code(s: string): string {
  const t = cell(s.trim());
  return t.includes('`') ? '`` ' + t + ' ``' : '`' + t + '`';
}

/** exampleLine returns the line of a rule's example that its patterns match (the first line otherwise). */
export function exampleLine(rule: Rule): string {
  const lines = rule.example.split('\n');
  return lines.find((l) => rule.patterns.some((p) => p.re.test(l))) ?? lines[0]!;
}

/** ruleTable renders the rule table: id, category, what it detects, a real example line, the fix. */
export function ruleTable(rules: readonly Rule[]): string {
  const out = ['| id | category | detects | example line | fix |', '| --- | --- | --- | --- | --- |'];
  const sorted = [...rules].sort(
    (a, b) => b.rank - a.rank || a.category.localeCompare(b.category) || a.id.localeCompare(b.id),
  );
  for (const r of sorted) {
    const step = r.steps.find((s) => s.command) ?? r.steps[0]!;
    const fix = step.command ? `${cell(step.title)}: ${code(step.command)}` : cell(step.title);
    const severity = r.severity === 'warning' ? ' (warning)' : '';
    out.push(`| \`${r.id}\` | \`${r.category}\` | ${cell(r.summary)}${severity} | ${code(exampleLine(r))} | ${fix} |`);
  }
  return out.join('\n');
}

/** precedenceTable renders the category precedence (higher wins as the root cause). */
export function precedenceTable(): string {
  const out = ['| rank | category |', '| --- | --- |'];
  const cats = (Object.entries(PRECEDENCE) as Array<[Category, number]>).sort((a, b) => b[1] - a[1]);
  for (const [c, n] of cats) out.push(`| ${n} | \`${c}\` |`);
  return out.join('\n');
}

/**
 * proxyCodeTable renders, for every modrescue proxy error code, its HTTP status and body
 * kind and the proxy-body rules that classify it, with their categories and what each
 * detects (a rule with `where` conditions takes only the bodies they select).
 */
export function proxyCodeTable(rules: readonly Rule[]): string {
  const out = ['| code | status | kind | rules (category) |', '| --- | --- | --- | --- |'];
  for (const code of PROXY_ERROR_CODES) {
    const { status, kind } = STATUS_BY_CODE[code];
    const by = rules
      .filter((r) => r.proxyCodes.includes(code))
      .map((r) => `\`${r.id}\` (\`${r.category}\`): ${cell(r.summary)}`);
    out.push(`| \`${code}\` | ${status} | ${kind} | ${by.length > 0 ? by.join('<br>') : '—'} |`);
  }
  return out.join('\n');
}
