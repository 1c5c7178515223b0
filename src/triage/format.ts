/**
 * Output formats of a triage result: the human report (default), the `--json` document
 * (schemaVersion 1 is added by the CLI), Markdown for GitHub/GitLab comments, and GitHub
 * workflow annotations (`::error file=…,line=…::`, at most 10 per step).
 */
import type { Evidence, TriageResult } from './types.js';

/** LineLocator maps a line of the triaged stream to a file and line (a run's per-step files). */
export type LineLocator = (line: number) => { file?: string; line: number };

const identity: LineLocator = (line) => ({ line });

/** confidenceWord turns a confidence into high/medium/low. */
export function confidenceWord(c: number): 'high' | 'medium' | 'low' {
  return c >= 0.85 ? 'high' : c >= 0.6 ? 'medium' : 'low';
}

function where(locate: LineLocator, line: number): string {
  const l = locate(line);
  return l.file ? `${l.file}:${l.line}` : `line ${l.line}`;
}

/** jsonDocument returns the `--json` fields (without schemaVersion, which ctx.json adds). */
export function jsonDocument(r: TriageResult, locate: LineLocator = identity): Record<string, unknown> {
  return {
    category: r.category,
    class: r.class,
    confidence: r.confidence,
    ruleId: r.ruleId ?? null,
    secondary: r.secondary.map((s) => s.category),
    evidence: r.evidence.map((e) => {
      const l = locate(e.line);
      return l.file ? { line: e.line, text: e.text, file: l.file, fileLine: l.line } : { line: e.line, text: e.text };
    }),
    modules: r.modules.map((m) => ({ path: m.path, version: m.version ?? null })),
    hosts: r.hosts,
    urls: r.urls,
    goVersion: r.goVersion ?? null,
    firstErrorAt: r.firstErrorAt ?? null,
    firstErrorTime: r.firstErrorTime ?? null,
    summary: r.summary,
    causes: r.causes,
    nextSteps: r.nextSteps.map((s) => ({ title: s.title, command: s.command ?? null })),
    proxy:
      r.proxy === undefined
        ? null
        : {
            code: r.proxy.code,
            kind: r.proxy.kind,
            subject: r.proxy.subject ?? null,
            upstream: r.proxy.upstream ?? null,
            reason: r.proxy.reason,
            url: r.proxy.url ?? null,
            line: r.proxy.line,
          },
  };
}

/** proxyLine describes the modrescue proxy error body of a result in one line. */
function proxyLine(p: NonNullable<TriageResult['proxy']>): string {
  const at = p.url ? ` at ${p.url}` : '';
  const up = p.upstream ? `; upstream ${p.upstream}` : '';
  return `modrescue proxy${at} answered ${p.code} (${p.kind})${up}`;
}

function evidenceBlock(
  evidence: readonly Evidence[],
  locate: LineLocator,
  matches: readonly Evidence[] = [],
): string[] {
  const hit = new Set(matches.map((m) => m.line));
  const out: string[] = [];
  let prev = -1;
  const width = Math.max(...evidence.map((e) => String(locate(e.line).line).length), 1);
  let lastFile: string | undefined;
  for (const e of evidence) {
    const l = locate(e.line);
    if (l.file !== lastFile && l.file) {
      out.push(`  ${l.file}:`);
      lastFile = l.file;
    } else if (prev >= 0 && e.line > prev + 1) out.push(`  ${' '.repeat(width)} ┆`);
    out.push(`${hit.has(e.line) ? '> ' : '  '}${String(l.line).padStart(width)} │ ${e.text}`);
    prev = e.line;
  }
  return out;
}

function moduleList(r: TriageResult): string {
  return r.modules.map((m) => (m.version ? `${m.path}@${m.version}` : m.path)).join(', ');
}

/** formatHuman renders the default report: verdict line, facts, evidence, explanation, numbered steps. */
export function formatHuman(r: TriageResult, locate: LineLocator = identity): string {
  const lines: string[] = [];
  if (r.category === 'unknown') {
    lines.push(`triage: ${r.notFailure ? 'not a failure' : 'unknown'} — ${r.title}`);
    lines.push(`read ${r.lines} lines; ${r.summary}`);
    return lines.join('\n');
  }
  lines.push(`triage: ${r.category} — ${r.title}`);
  const facts = [
    `class: ${r.class}`,
    `confidence: ${confidenceWord(r.confidence)} (${r.confidence.toFixed(2)})`,
    `rule: ${r.ruleId}`,
  ];
  if (r.firstErrorAt !== undefined)
    facts.push(`first error: ${where(locate, r.firstErrorAt)}${r.firstErrorTime ? ` at ${r.firstErrorTime}` : ''}`);
  lines.push(facts.join(' · '));
  if (r.secondary.length > 0)
    lines.push(`also matched: ${r.secondary.map((s) => `${s.category} (${where(locate, s.line)})`).join(', ')}`);
  lines.push('', 'Evidence:', ...evidenceBlock(r.evidence, locate, r.matches));
  if (r.modules.length > 0 || r.hosts.length > 0 || r.goVersion || r.proxy) lines.push('');
  if (r.modules.length > 0) lines.push(`Modules: ${moduleList(r)}`);
  if (r.hosts.length > 0) lines.push(`Hosts:   ${r.hosts.join(', ')}`);
  if (r.goVersion) lines.push(`Go:      ${r.goVersion}`);
  if (r.proxy) lines.push(`Proxy:   ${proxyLine(r.proxy)}`);
  lines.push('', `Why: ${r.summary}`);
  if (r.causes.length > 0) {
    lines.push('', 'Likely causes:');
    for (const c of r.causes) lines.push(`  - ${c}`);
  }
  if (r.nextSteps.length > 0) {
    lines.push('', 'Next steps:');
    r.nextSteps.forEach((s, i) => {
      lines.push(`  ${i + 1}. ${s.title}`);
      if (s.command) lines.push(`     $ ${s.command}`);
    });
  }
  return lines.join('\n');
}

/** formatMarkdown renders the report for a GitHub/GitLab comment or job summary. */
export function formatMarkdown(r: TriageResult, locate: LineLocator = identity): string {
  if (r.category === 'unknown') {
    return `### Triage: ${r.notFailure ? 'not a failure' : 'unknown'}\n\n${r.summary}\n`;
  }
  const lines: string[] = [];
  lines.push(`### Triage: \`${r.category}\` — ${r.title}`, '');
  lines.push('| | |', '|---|---|');
  lines.push(`| class | ${r.class} |`);
  lines.push(`| confidence | ${confidenceWord(r.confidence)} (${r.confidence.toFixed(2)}) |`);
  lines.push(`| rule | \`${r.ruleId}\` |`);
  if (r.firstErrorAt !== undefined)
    lines.push(`| first error | ${where(locate, r.firstErrorAt)}${r.firstErrorTime ? ` (${r.firstErrorTime})` : ''} |`);
  if (r.secondary.length > 0)
    lines.push(`| also matched | ${r.secondary.map((s) => `\`${s.category}\``).join(', ')} |`);
  if (r.modules.length > 0)
    lines.push(
      `| modules | ${r.modules.map((m) => `\`${m.version ? `${m.path}@${m.version}` : m.path}\``).join(', ')} |`,
    );
  if (r.hosts.length > 0) lines.push(`| hosts | ${r.hosts.map((h) => `\`${h}\``).join(', ')} |`);
  if (r.goVersion) lines.push(`| go version | ${r.goVersion} |`);
  if (r.proxy) lines.push(`| proxy | ${proxyLine(r.proxy).replace(/\|/g, '\\|')} |`);
  lines.push(
    '',
    '<details open><summary>Evidence</summary>',
    '',
    '```text',
    ...evidenceBlock(r.evidence, locate, r.matches),
    '```',
    '',
    '</details>',
    '',
  );
  lines.push(`**Why.** ${r.summary}`, '');
  if (r.causes.length > 0) {
    lines.push('**Likely causes**', '');
    for (const c of r.causes) lines.push(`- ${c}`);
    lines.push('');
  }
  if (r.nextSteps.length > 0) {
    lines.push('**Next steps**', '');
    r.nextSteps.forEach((s, i) => {
      lines.push(`${i + 1}. ${s.title}`);
      if (s.command) lines.push('', '   ```sh', `   ${s.command}`, '   ```');
    });
  }
  return lines.join('\n') + '\n';
}

/** Annotations GitHub shows per step; more are dropped by GitHub, so we summarise them. */
export const MAX_ANNOTATIONS = 10;

function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

const SOURCE_POS = /(?:^|\s|\.\/)(\/?(?:[\w.-]+\/)*[\w.-]+\.(?:go|mod|sum|work)):(\d+)(?::(\d+))?/;

/**
 * formatGithub renders GitHub workflow commands: one `::error` (or `::warning`) per hit
 * line, pointing at the source file when the line names one (main.go:12:3, go.mod:5),
 * at most MAX_ANNOTATIONS, then a notice saying how many more there were.
 */
export function formatGithub(r: TriageResult, locate: LineLocator = identity): string {
  if (r.category === 'unknown') return `::notice title=triage::${escapeData(r.summary)}\n`;
  const out: string[] = [];
  const hits = r.matches;
  const title = `triage: ${r.category}`;
  for (const e of hits.slice(0, MAX_ANNOTATIONS)) {
    const m = SOURCE_POS.exec(e.text);
    const props =
      m && !m[1]!.includes('/pkg/mod/')
        ? `file=${escapeProperty(m[1]!)},line=${m[2]}${m[3] ? `,col=${m[3]}` : ''},title=${escapeProperty(title)}`
        : `title=${escapeProperty(title)}`;
    out.push(`::error ${props}::${escapeData(`${r.title} (${where(locate, e.line)}): ${e.text.trim()}`)}`);
  }
  if (hits.length > MAX_ANNOTATIONS) out.push(`::notice title=triage::${hits.length - MAX_ANNOTATIONS} more`);
  const first = r.nextSteps.find((s) => s.command);
  out.push(
    `::notice title=${escapeProperty(title)}::${escapeData(`${r.summary}${first ? `\nNext: ${first.title}: ${first.command}` : ''}`)}`,
  );
  return out.join('\n') + '\n';
}
