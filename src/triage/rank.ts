/**
 * Ranking: from the raw hits of a scan to one verdict. A hit counts when its rule's
 * conditions hold (captures, co-occurring and negative patterns). Hits inside a quoted
 * server response are consequences and are demoted. Among the rest the root cause wins:
 * error before warning, then the higher rank (PRECEDENCE + rule priority), then the
 * earlier line. Everything else that matched is reported as secondary.
 *
 * A modrescue proxy error body (a proxy-body rule's hit) absorbs the other matches of the
 * same failure: the go command's `reading <url>: <status>` line it answers and any other
 * match on the body's own line. The body names the cause (its code) and the upstream
 * more precisely than the status line or words quoted in its reason.
 */
import { CONTEXT_AFTER, type LineHit, type Scan } from './engine.js';
import { createRefs, extractRefs, moduleRootOf, isVersionLike, rootKind } from './extract.js';
import { indentOf } from './normalize.js';
import type { Category, Evidence, ProxyFinding, Rule, SecondaryFinding, Step, TriageResult } from './types.js';

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
  'upstream',
  'proxy',
] as const;

function fill(text: string, values: Record<string, string | undefined>): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? (values[k] ?? `<${k}>`) : m));
}

/** decide turns a scan into the triage result. */
export function decide(scan: Scan): TriageResult {
  const rules = scan.ruleSet.rules;
  const candidates: Candidate[] = [];
  const validHits = rules.map((rule, i) => scan.mainHits[i]!.filter((h) => holds(scan, i, rule, h)));
  // Lines absorbed by a proxy error body: the body's line and the request line it answers.
  const absorbed = new Set<number>();
  rules.forEach((rule, i) => {
    if (rule.proxyCodes.length === 0) return;
    for (const h of validHits[i]!) {
      absorbed.add(h.line);
      if (h.proxy?.requestLine !== undefined) absorbed.add(h.proxy.requestLine);
    }
  });
  rules.forEach((rule, i) => {
    let valid = validHits[i]!;
    if (rule.proxyCodes.length === 0 && absorbed.size > 0) valid = valid.filter((h) => !absorbed.has(h.line));
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
    if (h.proxy !== undefined) {
      // The upstream a proxy body names comes first: it is the host that failed.
      const up = h.proxy.body.upstream;
      if (up !== undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(up)) refs.urls.add(up);
      if (h.captures['host'] !== undefined) refs.hosts.add(h.captures['host']);
      const m = h.captures['module'];
      if (m !== undefined) refs.modules.add(m, h.captures['version'], 'exact');
    }
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
  // A proxy body's error starts at the go command's request line it answers.
  const firstError = candidates
    .filter((c) => c.rule.severity === 'error')
    .flatMap((c) => c.hits.map((h) => Math.min(h.line, h.proxy?.requestLine ?? h.line)));
  const firstErrorAt = firstError.length > 0 ? Math.min(...firstError) : undefined;
  const firstHit = hits[0]!;
  const firstErrorTime =
    firstHit.timestamp ??
    [...firstHit.before].reverse().find((b) => b.timestamp)?.timestamp ??
    firstHit.after.find((a) => a.timestamp)?.timestamp ??
    scan.lastTimestamp;
  const mod = modules.find((m) => m.version !== undefined) ?? modules[0];
  const host = firstHit.captures['host'] ?? [...refs.hosts][0];
  const proxy = proxyFinding(hits, candidates);
  const values: Record<string, string | undefined> = {
    module: mod ? (mod.version ? `${mod.path}@${mod.version}` : mod.path) : undefined,
    modulePath: mod?.path,
    version: mod?.version,
    host,
    goVersion,
    privatePattern: privatePattern(mod?.path ?? host),
    url: firstHit.captures['url'] ?? [...refs.urls][0],
    test: firstHit.captures['test'],
    upstream: firstHit.captures['upstream'] ?? proxy?.upstream,
    proxy: firstHit.captures['proxy'] ?? proxy?.url,
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
  const upstream = firstHit.proxy?.body.upstream;
  const detail = [
    values.module,
    upstream !== undefined ? `upstream ${upstream}` : host && !values.module?.startsWith(host) ? host : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const explanation = fill(rule.explanation, values);
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
    summary: detail ? `${rule.summary} (${detail}). ${explanation}` : `${rule.summary}. ${explanation}`,
    causes: rule.causes,
    nextSteps,
    notFailure,
    lines: scan.lines,
    context: { ...scan.context },
    ...(proxy === undefined ? {} : { proxy }),
  };
}

/**
 * proxyFinding returns the proxy error body behind the verdict: the first among the
 * primary's hits, else the first anywhere in the log (a body that is not the root cause
 * still says which upstream failed).
 */
function proxyFinding(hits: readonly LineHit[], candidates: readonly Candidate[]): ProxyFinding | undefined {
  const h =
    hits.find((x) => x.proxy !== undefined) ??
    candidates
      .flatMap((c) => c.hits)
      .filter((x) => x.proxy !== undefined)
      .sort((a, b) => a.line - b.line)[0];
  if (h?.proxy === undefined) return undefined;
  const { body, baseUrl } = h.proxy;
  return {
    code: body.code,
    kind: body.kind,
    ...(body.subject === undefined ? {} : { subject: body.subject }),
    ...(body.upstream === undefined ? {} : { upstream: body.upstream }),
    reason: body.reason,
    ...(baseUrl === undefined ? {} : { url: baseUrl }),
    line: h.line,
  };
}

/** privatePattern suggests a GOPRIVATE/GONOSUMDB glob for a module path or host (`corp.example.com/*`). */
function privatePattern(p: string | undefined): string | undefined {
  if (!p) return undefined;
  const el = p.split('/');
  if (/^(github\.com|gitlab\.com|bitbucket\.org)$/.test(el[0]!) && el.length >= 2) return `${el[0]}/${el[1]}/*`;
  return `${el[0]}/*`;
}
