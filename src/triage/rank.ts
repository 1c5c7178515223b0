/**
 * Ranking: from the raw hits of a scan to one verdict. A hit counts when its rule's
 * conditions hold (captures, co-occurring and negative patterns). Hits inside a quoted
 * server response are consequences and are demoted. Among the rest the root cause wins:
 * error before warning, then the higher rank (PRECEDENCE + rule priority), then the
 * earlier line. Everything else that matched is reported as secondary.
 */
import { CONTEXT_AFTER, type LineHit, type Scan } from './engine.js';
import { createRefs, extractRefs, moduleRootOf, isVersionLike, rootKind } from './extract.js';
import { indentOf } from './normalize.js';
import type { Category, Evidence, Rule, SecondaryFinding, Step, TriageResult } from './types.js';

interface Candidate {
  rule: Rule;
  hits: LineHit[];
  quoted: boolean;
}

const near = (lines: number[], line: number, window: number) => lines.some((l) => Math.abs(l - line) <= window);

function isQuoted(scan: Scan, hit: LineHit): boolean {
  for (const sr of scan.serverResponses) {
    if (sr.line === hit.line && sr.index < hit.index) return true;
    if (sr.line < hit.line && hit.line - sr.line <= 8 && sr.indent > 0 && indentOf(hit.text) >= sr.indent) return true;
  }
  return false;
}

function holds(scan: Scan, ruleIndex: number, rule: Rule, hit: LineHit): boolean {
  for (const [name, cond] of Object.entries(rule.where)) {
    const v = hit.captures[name] ?? '';
    if (cond.match && !cond.match.test(v)) return false;
    if (cond.notMatch && cond.notMatch.test(v)) return false;
  }
  for (const lines of scan.withLines[ruleIndex]!) if (!near(lines, hit.line, rule.window)) return false;
  for (const lines of scan.notLines[ruleIndex]!) if (near(lines, hit.line, rule.window)) return false;
  return true;
}

function better(a: Candidate, b: Candidate): boolean {
  if (a.quoted !== b.quoted) return !a.quoted;
  if (a.rule.severity !== b.rule.severity) return a.rule.severity === 'error';
  if (a.rule.rank !== b.rule.rank) return a.rule.rank > b.rule.rank;
  return a.hits[0]!.line < b.hits[0]!.line;
}

/** PLACEHOLDERS are the `{name}`s rule steps may use; they are filled from the evidence. */
export const PLACEHOLDERS = [
  'module',
  'modulePath',
  'version',
  'host',
  'goVersion',
  'privatePattern',
  'url',
  'test',
] as const;

function fill(text: string, values: Record<string, string | undefined>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? (values[k] ?? `<${k}>`) : m));
}

/** decide turns a scan into the triage result. */
export function decide(scan: Scan): TriageResult {
  const rules = scan.ruleSet.rules;
  const candidates: Candidate[] = [];
  rules.forEach((rule, i) => {
    const valid = scan.mainHits[i]!.filter((h) => holds(scan, i, rule, h));
    if (valid.length === 0) return;
    const unquoted = rule.quotable ? valid.filter((h) => !isQuoted(scan, h)) : valid;
    candidates.push({ rule, hits: unquoted.length > 0 ? unquoted : valid, quoted: unquoted.length === 0 });
  });
  const success = scan.success;
  if (candidates.length === 0) {
    return {
      category: 'unknown',
      class: 'unknown',
      confidence: 0,
      title: success ? 'No failure: the log reports success' : 'Unknown: no rule matched this log',
      secondary: [],
      evidence: [],
      matches: [],
      modules: [],
      hosts: [],
      urls: [],
      summary: success
        ? 'The log reports success and no known failure signature was found.'
        : 'No known failure signature was found. Read the log from the first error; if it is a go mod failure, add a rule (--rules <dir>).',
      causes: [],
      nextSteps: [],
      notFailure: success,
      lines: scan.lines,
      context: { ...scan.context },
    };
  }
  let primary = candidates[0]!;
  for (const c of candidates) if (better(c, primary)) primary = c;
  const sorted = [...candidates].sort((a, b) => (better(a, b) ? -1 : better(b, a) ? 1 : 0));
  const secondary: SecondaryFinding[] = [];
  const seenCat = new Set<Category>([primary.rule.category]);
  for (const c of sorted) {
    if (seenCat.has(c.rule.category)) continue;
    seenCat.add(c.rule.category);
    secondary.push({ category: c.rule.category, ruleId: c.rule.id, line: c.hits[0]!.line });
  }
  const rule = primary.rule;
  // The primary rule's hits first, then those of other rules of the same category (the
  // same failure told in other words, e.g. `checksum mismatch` above `SECURITY ERROR`).
  const same = candidates.filter(
    (c) => c !== primary && c.rule.category === rule.category && c.quoted === primary.quoted,
  );
  const seenLines = new Set(primary.hits.map((h) => h.line));
  const hits = [...primary.hits];
  for (const h of same.flatMap((c) => c.hits).sort((a, b) => a.line - b.line)) {
    if (seenLines.has(h.line)) continue;
    seenLines.add(h.line);
    hits.push(h);
  }
  hits.sort((a, b) => a.line - b.line);
  // Evidence: each hit with two lines before and after, merged, at most 24 lines.
  const ev = new Map<number, string>();
  for (const h of hits.slice(0, 6)) {
    for (const b of h.before.slice(-2)) ev.set(b.line, b.text);
    ev.set(h.line, h.text);
    for (const a of h.after.slice(0, Math.min(2, CONTEXT_AFTER))) ev.set(a.line, a.text);
  }
  const evidence: Evidence[] = [...ev.entries()]
    .sort((a, b) => a[0] - b[0])
    .slice(0, 24)
    .map(([line, text]) => ({ line, text: text.length > 500 ? text.slice(0, 500) + '…' : text }));
  // Modules, hosts, URLs: from the primary's hits and their context.
  const refs = createRefs();
  for (const h of hits.slice(0, 20)) {
    for (const b of h.before) extractRefs(b.text, refs);
    extractRefs(h.text, refs);
    for (const a of h.after) extractRefs(a.text, refs);
    for (const [k, v] of Object.entries(h.captures)) {
      if (k === 'host') refs.hosts.add(v.toLowerCase());
    }
  }
  // The target of the go command that failed (`go get x@latest`, `go install x@v`).
  const firstLine = hits[0]!.line;
  const cmd = [...scan.commands].reverse().find((c) => c.line <= firstLine);
  if (cmd) {
    for (const arg of cmd.args.split(/\s+/)) {
      const m = /^"?([a-z0-9][a-z0-9.-]*\.[a-z]{2,}(?:\/[^\s@"]+)*)(?:@([^\s"]+))?"?$/.exec(arg);
      if (!m) continue;
      const root = moduleRootOf(m[1]!.replace(/\/\.\.\.$/, ''));
      if (!root) continue;
      const v = m[2] !== undefined && isVersionLike(m[2]) ? m[2] : scan.downloads.get(root);
      refs.modules.add(root, v, rootKind(root));
    }
  }
  const modules = refs.modules
    .list()
    .map((m) =>
      m.version === undefined && scan.downloads.has(m.path)
        ? { path: m.path, version: scan.downloads.get(m.path)! }
        : m,
    );
  const goVersion = [primary, ...candidates]
    .flatMap((c) => c.hits)
    .map((h) => h.captures['goversion'])
    .find((v) => v !== undefined);
  const firstError = candidates.filter((c) => c.rule.severity === 'error').flatMap((c) => c.hits.map((h) => h.line));
  const firstErrorAt = firstError.length > 0 ? Math.min(...firstError) : undefined;
  const firstHit = hits[0]!;
  const firstErrorTime =
    firstHit.timestamp ??
    [...firstHit.before].reverse().find((b) => b.timestamp)?.timestamp ??
    firstHit.after.find((a) => a.timestamp)?.timestamp ??
    scan.lastTimestamp;
  const mod = modules.find((m) => m.version !== undefined) ?? modules[0];
  const host = firstHit.captures['host'] ?? [...refs.hosts][0];
  const values: Record<string, string | undefined> = {
    module: mod ? (mod.version ? `${mod.path}@${mod.version}` : mod.path) : undefined,
    modulePath: mod?.path,
    version: mod?.version,
    host,
    goVersion,
    privatePattern: privatePattern(mod?.path ?? host),
    url: firstHit.captures['url'] ?? [...refs.urls][0],
    test: firstHit.captures['test'],
  };
  const nextSteps: Step[] = rule.steps.map((s) =>
    s.command === undefined
      ? { title: fill(s.title, values) }
      : { title: fill(s.title, values), command: fill(s.command, values) },
  );
  let confidence = rule.confidence;
  if (primary.quoted) confidence *= 0.6;
  if (rule.severity === 'warning') confidence *= 0.8;
  const notFailure = success && rule.severity === 'warning' && !candidates.some((c) => c.rule.severity === 'error');
  const detail = [values.module, host && !values.module?.startsWith(host) ? host : undefined]
    .filter(Boolean)
    .join(', ');
  return {
    category: rule.category,
    class: rule.class,
    confidence: Math.round(confidence * 100) / 100,
    ruleId: rule.id,
    title: rule.summary,
    secondary,
    evidence,
    matches: hits.map((h) => ({ line: h.line, text: h.text.length > 500 ? h.text.slice(0, 500) + '…' : h.text })),
    modules,
    hosts: [...refs.hosts],
    urls: [...refs.urls],
    ...(goVersion === undefined ? {} : { goVersion }),
    ...(firstErrorAt === undefined ? {} : { firstErrorAt }),
    ...(firstErrorTime === undefined ? {} : { firstErrorTime }),
    summary: detail ? `${rule.summary} (${detail}). ${rule.explanation}` : `${rule.summary}. ${rule.explanation}`,
    causes: rule.causes,
    nextSteps,
    notFailure,
    lines: scan.lines,
    context: { ...scan.context },
  };
}

/** privatePattern suggests a GOPRIVATE/GONOSUMDB glob for a module path or host (`corp.example.com/*`). */
function privatePattern(p: string | undefined): string | undefined {
  if (!p) return undefined;
  const el = p.split('/');
  if (/^(github\.com|gitlab\.com|bitbucket\.org)$/.test(el[0]!) && el.length >= 2) return `${el[0]}/${el[1]}/*`;
  return `${el[0]}/*`;
}
