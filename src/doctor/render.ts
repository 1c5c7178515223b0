/**
 * The human form of a doctor report: one block per check in report order — status,
 * id, summary, the detail lines, the fix — and a closing line with the counts. Colour is
 * the caller's choice (pass a picocolors instance, enabled or not).
 */
import pc from 'picocolors';
import type { CheckResult, CheckStatus, DoctorReport } from './types.js';
import { formatMs } from './util.js';

/** Colors is a picocolors instance (createColors(true|false)). */
export type Colors = ReturnType<typeof pc.createColors>;

/** createColors returns colour functions, or identity functions when enabled is false. */
export function createColors(enabled: boolean): Colors {
  return pc.createColors(enabled);
}

/** MAX_DETAILS is how many detail lines a check shows before "… and N more". */
export const MAX_DETAILS = 12;

const LABEL: Record<CheckStatus, string> = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };

/** statusLabel returns the coloured four-letter label of a status. */
export function statusLabel(status: CheckStatus, c: Colors): string {
  const l = LABEL[status];
  switch (status) {
    case 'pass':
      return c.green(l);
    case 'warn':
      return c.yellow(l);
    case 'fail':
      return c.red(c.bold(l));
    case 'skip':
      return c.dim(l);
  }
}

/** indent prefixes every line of text (continuation lines of Go messages included). */
function indent(text: string, prefix: string): string[] {
  return text.split('\n').map((l) => prefix + l.replace(/^\t/, '  '));
}

/** renderCheck returns the lines of one check's block. */
export function renderCheck(r: CheckResult, c: Colors, width = 20): string[] {
  const head = `${statusLabel(r.status, c)}  ${r.id.padEnd(width)}  `;
  const lines = [head + r.summary];
  const pad = ' '.repeat(4 + 2 + width + 2);
  const details = r.details.slice(0, MAX_DETAILS);
  for (const d of details) lines.push(...indent(d, pad).map((l) => c.dim(l)));
  if (r.details.length > MAX_DETAILS)
    lines.push(c.dim(`${pad}… and ${r.details.length - MAX_DETAILS} more (--json shows all)`));
  if (r.fix && (r.status === 'fail' || r.status === 'warn')) {
    lines.push(`${pad}${c.cyan('fix:')} ${c.bold(r.fix.command)} ${c.dim('— ' + r.fix.explanation)}`);
  }
  return lines;
}

/** renderReport returns the whole human report (without a trailing newline). */
export function renderReport(report: DoctorReport, c: Colors): string {
  const p = report.project;
  const about = [p.module ?? '(no module path)', p.go ? `go ${p.go}` : undefined, p.toolchain]
    .filter(Boolean)
    .join(', ');
  const out: string[] = [`${c.bold('modrescue doctor')} ${p.root} (${about})`, ''];
  const width = Math.max(...report.checks.map((r) => r.id.length), 8);
  for (const r of report.checks) out.push(...renderCheck(r, c, width));
  out.push('');
  const n = report.counts;
  const parts = [
    `${n.pass} pass`,
    n.warn ? c.yellow(`${n.warn} warn`) : `${n.warn} warn`,
    n.fail ? c.red(`${n.fail} fail`) : `${n.fail} fail`,
    `${n.skip} skip`,
  ];
  out.push(`${report.checks.length} checks: ${parts.join(', ')} in ${formatMs(report.durationMs)}`);
  if (report.offline) {
    const skipped = report.checks
      .filter((r) => r.status === 'skip' && r.summary.startsWith('offline'))
      .map((r) => r.id);
    if (skipped.length > 0) out.push(`offline: skipped the network checks ${skipped.join(', ')}`);
  }
  return out.join('\n');
}

/** progressLine is the plain (non-TTY) line printed when a check finishes. */
export function progressLine(r: CheckResult, done: number, total: number, c: Colors): string {
  return `doctor [${String(done).padStart(String(total).length)}/${total}] ${statusLabel(r.status, c)} ${r.id}: ${r.summary}`;
}
