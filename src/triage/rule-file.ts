/**
 * Loading the knowledge base: rule files (YAML or JSON) are parsed with positions,
 * validated with zod, and compiled. Every problem is collected with its `file:line:col`
 * (a rule file with an error is reported where it is, never half-loaded).
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { CodedError } from '../shared/errors.js';
import { yamlOffset } from '../shared/yaml-position.js';
import { literalsOf } from './literals.js';
import { PROXY_ERROR_CODES, proxyCodePattern } from './proxy-body.js';
import { CATEGORIES, CLASSES, PRECEDENCE, type CaptureCondition, type Pattern, type Rule } from './types.js';

const patternSchema = z.union([
  z.string().min(1),
  z
    .object({
      re: z.string().min(1),
      literal: z.union([z.string(), z.array(z.string())]).optional(),
      ignoreCase: z.boolean().optional(),
    })
    .strict(),
]);

const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'rule id must be kebab-case (a-z, 0-9, -)'),
    summary: z.string().min(1),
    class: z.enum(CLASSES).optional(),
    severity: z.enum(['error', 'warning']).default('error'),
    confidence: z.number().min(0).max(1).default(0.8),
    priority: z.number().int().min(-9).max(9).default(0),
    patterns: z.array(patternSchema).min(1).optional(),
    proxyCodes: z.array(z.enum(PROXY_ERROR_CODES)).min(1).optional(),
    with: z.array(patternSchema).default([]),
    not: z.array(patternSchema).default([]),
    window: z.number().int().min(0).max(200).default(8),
    quotable: z.boolean().optional(),
    where: z
      .record(z.string(), z.object({ match: z.string().optional(), notMatch: z.string().optional() }).strict())
      .default({}),
    example: z.string().min(1),
    explanation: z.string().min(1),
    causes: z.array(z.string().min(1)).min(1),
    steps: z.array(z.object({ title: z.string().min(1), command: z.string().min(1).optional() }).strict()).min(1),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (r.patterns === undefined && r.proxyCodes === undefined)
      ctx.addIssue({ code: 'custom', message: 'a rule needs patterns (or proxyCodes)', path: ['patterns'] });
    if (r.patterns !== undefined && r.proxyCodes !== undefined)
      ctx.addIssue({ code: 'custom', message: 'a rule has patterns or proxyCodes, not both', path: ['proxyCodes'] });
    if (r.proxyCodes !== undefined && r.quotable === true)
      ctx.addIssue({
        code: 'custom',
        message: 'a proxyCodes rule matches the server response itself: it cannot be quotable',
        path: ['quotable'],
      });
  });

const fileSchema = z
  .object({
    category: z.enum(CATEGORIES),
    class: z.enum(CLASSES),
    rules: z.array(ruleSchema).min(1),
  })
  .strict();

/** RuleFileError is one problem in a rule file, with its location. */
export interface RuleFileError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** RuleSource is the text of one rule file and the name it is reported under. */
export interface RuleSource {
  readonly file: string;
  readonly text: string;
}

/** formatRuleFileError renders `file:line:col: message`. */
export function formatRuleFileError(e: RuleFileError): string {
  return `${e.file}:${e.line}:${e.col}: ${e.message}`;
}

const FORBIDDEN_SYNTAX = /\(\?<?[=!]|\\[1-9]|\\k</;

function compilePattern(
  raw: z.infer<typeof patternSchema>,
  at: () => { line: number; col: number },
  errors: string[],
): Pattern | undefined {
  const src = typeof raw === 'string' ? raw : raw.re;
  const ignoreCase = typeof raw === 'string' ? false : raw.ignoreCase === true;
  if (FORBIDDEN_SYNTAX.test(src)) {
    errors.push('lookaround and back-references are not allowed in patterns (they defeat the streaming pre-filter)');
    return undefined;
  }
  let re: RegExp;
  try {
    re = new RegExp(src, ignoreCase ? 'i' : '');
  } catch (e) {
    errors.push(`invalid regular expression: ${(e as Error).message}`);
    return undefined;
  }
  void at;
  const explicit = typeof raw === 'string' ? undefined : raw.literal;
  const literals =
    explicit === undefined
      ? literalsOf(src)
      : (Array.isArray(explicit) ? explicit : [explicit]).map((l) => l.toLowerCase());
  if (explicit !== undefined) {
    for (const l of literals) {
      if (l.length < 3) errors.push(`literal "${l}" is shorter than 3 characters`);
    }
  }
  return { source: src, re, literals };
}

/**
 * parseRuleFile parses and validates one rule file. It returns the compiled rules and
 * every error found (with file:line:col); on any error the file contributes no rules.
 */
export function parseRuleFile(source: RuleSource): { rules: Rule[]; errors: RuleFileError[] } {
  const lc = new LineCounter();
  const doc: Document = parseDocument(source.text, { lineCounter: lc, prettyErrors: false });
  const errors: RuleFileError[] = [];
  const pos = (offset: number) => {
    const p = lc.linePos(offset);
    return { line: p.line, col: p.col };
  };
  for (const e of doc.errors) {
    const p = pos(e.pos[0]);
    errors.push({ file: source.file, ...p, message: e.message.split('\n')[0]! });
  }
  if (errors.length > 0) return { rules: [], errors };
  const at = (p: readonly PropertyKey[]) => pos(yamlOffset(doc, p));
  const parsed = fileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = issue.path.length > 0 ? ` (at ${issue.path.join('.')})` : '';
      errors.push({ file: source.file, ...at(issue.path), message: issue.message + where });
    }
    return { rules: [], errors };
  }
  const rules: Rule[] = [];
  parsed.data.rules.forEach((r, i) => {
    const base = ['rules', i];
    const problems: Array<{ path: PropertyKey[]; message: string }> = [];
    const compileAll = (key: 'patterns' | 'with' | 'not') =>
      (r[key] ?? []).flatMap((p, j) => {
        const errs: string[] = [];
        const c = compilePattern(p, () => at([...base, key, j]), errs);
        for (const m of errs) problems.push({ path: [...base, key, j], message: m });
        return c ? [c] : [];
      });
    const proxyCodes = r.proxyCodes ?? [];
    const patterns =
      proxyCodes.length > 0
        ? [
            {
              source: proxyCodePattern(proxyCodes),
              re: new RegExp(proxyCodePattern(proxyCodes)),
              literals: proxyCodes.map((c) => `[${c.toLowerCase()}]`),
            },
          ]
        : compileAll('patterns');
    const withP = compileAll('with');
    const notP = compileAll('not');
    const where: Record<string, CaptureCondition> = {};
    for (const [name, cond] of Object.entries(r.where)) {
      try {
        where[name] = {
          match: cond.match === undefined ? undefined : new RegExp(cond.match),
          notMatch: cond.notMatch === undefined ? undefined : new RegExp(cond.notMatch),
        };
      } catch (e) {
        problems.push({
          path: [...base, 'where', name],
          message: `invalid regular expression: ${(e as Error).message}`,
        });
      }
    }
    for (const pr of problems) errors.push({ file: source.file, ...at(pr.path), message: pr.message });
    if (problems.length > 0) return;
    const p = at(base);
    rules.push({
      id: r.id,
      category: parsed.data.category,
      class: r.class ?? parsed.data.class,
      summary: r.summary,
      severity: r.severity,
      confidence: r.confidence,
      rank: PRECEDENCE[parsed.data.category] + r.priority,
      patterns,
      proxyCodes,
      with: withP,
      not: notP,
      window: r.window,
      quotable: proxyCodes.length > 0 ? false : (r.quotable ?? true),
      where,
      example: r.example,
      explanation: r.explanation.trim(),
      causes: r.causes,
      steps: r.steps,
      origin: `${source.file}:${p.line}:${p.col}`,
    });
  });
  return { rules: errors.length > 0 ? [] : rules, errors };
}

/**
 * loadRules parses every source and checks that rule ids are unique across them. It
 * returns the rules and all errors; callers decide whether any error is fatal.
 */
export function loadRules(sources: readonly RuleSource[]): { rules: Rule[]; errors: RuleFileError[] } {
  const rules: Rule[] = [];
  const errors: RuleFileError[] = [];
  const seen = new Map<string, string>();
  for (const s of sources) {
    const r = parseRuleFile(s);
    errors.push(...r.errors);
    for (const rule of r.rules) {
      const prev = seen.get(rule.id);
      if (prev !== undefined) {
        const [line, col] = rule.origin
          .slice(s.file.length + 1)
          .split(':')
          .map(Number);
        errors.push({
          file: s.file,
          line: line ?? 1,
          col: col ?? 1,
          message: `duplicate rule id "${rule.id}" (first defined at ${prev})`,
        });
        continue;
      }
      seen.set(rule.id, rule.origin);
      rules.push(rule);
    }
  }
  return { rules, errors };
}

/**
 * readRuleDir reads the `*.yaml`, `*.yml` and `*.json` files of dir (sorted by name) as
 * rule sources. A missing or unreadable directory throws ERR_TRIAGE_RULES_DIR.
 */
export async function readRuleDir(dir: string): Promise<RuleSource[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
  } catch (e) {
    throw new CodedError(
      'ERR_TRIAGE_RULES_DIR',
      `cannot read rules directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      { dir },
    );
  }
  return Promise.all(
    names.map(async (n) => ({ file: path.join(dir, n), text: await readFile(path.join(dir, n), 'utf8') })),
  );
}
