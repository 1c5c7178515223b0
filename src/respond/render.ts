/**
 * What `modrescue respond` prints for people: the ranked plan (each action with why,
 * risk, undo and the files it touches), progress lines while it runs, and the closing
 * summary with the elapsed time. Plain text; colour is the caller's choice.
 */
import { formatDuration, type IncidentDoc } from '../report/index.js';
import { redact } from '../shared/redact.js';
import type { PlannedAction, RespondEvent } from './types.js';

/** Style colours parts of the output (identity functions when colour is off). */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  green(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
}

/** PLAIN is the style without colour. */
export const PLAIN: Style = { bold: (s) => s, dim: (s) => s, green: (s) => s, red: (s) => s, yellow: (s) => s };

const indent = (text: string, pad: string) =>
  text
    .split('\n')
    .map((l) => (l === '' ? l : pad + l))
    .join('\n');

/** renderAction renders one planned action: command, why, risk, undo, files, notes; with diff when asked. */
export function renderAction(p: PlannedAction, s: Style = PLAIN, withDiff = false): string {
  const out: string[] = [];
  const risk = p.plan ? p.plan.risk.level : 'unknown';
  const riskText =
    risk === 'low' ? s.green(`${risk} risk`) : risk === 'high' ? s.red(`${risk} risk`) : s.yellow(`${risk} risk`);
  out.push(`${s.bold(`${p.rank}. ${p.candidate.spec.action}`)}  ${riskText}  ${p.command}`);
  if (p.error) {
    out.push(`   ${s.red('cannot be planned:')} ${p.error}`);
    return out.join('\n');
  }
  const plan = p.plan!;
  out.push(`   why:   ${plan.why}`);
  out.push(`   risk:  ${plan.risk.note}`);
  out.push(`   undo:  ${plan.undo.replaceAll('<id>', plan.id)}`);
  if (plan.refused) out.push(`   ${s.red('refused:')} ${plan.refused}`);
  if (plan.noop) out.push(`   ${s.dim('nothing to do: already in the wanted state')}`);
  for (const d of plan.diffs) out.push(`   ${d.kind.padEnd(6)} ${d.path}`);
  for (const st of plan.steps) out.push(`   - ${st.description}${st.trust ? s.dim(` [${st.trust}]`) : ''}`);
  for (const n of plan.notes) out.push(`   ${s.dim('note: ' + n)}`);
  if (withDiff) for (const d of plan.diffs) out.push(indent(d.unified.trimEnd(), '   '));
  return redact(out.join('\n'));
}

/** renderPlan renders the ranked plan. */
export function renderPlan(actions: readonly PlannedAction[], s: Style = PLAIN, withDiff = false): string {
  if (actions.length === 0) return s.dim('No fix action applies to what was found.');
  return actions.map((a) => renderAction(a, s, withDiff)).join('\n');
}

/** progressLine returns the stderr line for an event (undefined for events shown elsewhere). */
export function progressLine(e: RespondEvent, s: Style = PLAIN): string | undefined {
  switch (e.type) {
    case 'phase':
      return s.dim(`… ${e.text}`);
    case 'triage':
      return e.result.category === 'unknown'
        ? `triage: no known failure signature in the log`
        : `triage: ${s.bold(e.result.category)} (${Math.round(e.result.confidence * 100)}% confidence)`;
    case 'doctor': {
      const bad = e.report.checks.filter((c) => c.status === 'fail');
      const what = e.stage === 'recheck' ? 're-check' : e.stage === 'focused' ? 'focused checks' : 'checks';
      return `${what}: ${e.report.checks.map((c) => `${c.id} ${c.status === 'fail' ? s.red(c.status) : c.status === 'pass' ? s.green(c.status) : c.status}`).join(', ')}${bad.length === 0 ? '' : ''}`;
    }
    case 'applied':
      return `${s.green('applied')} ${e.action.candidate.spec.action} (journal ${e.entry.id})`;
    case 'skipped':
      return `${s.yellow('skipped')} ${e.action.candidate.spec.action}: ${redact(e.why)}`;
    case 'verify-command':
      return `${e.command}: ${e.timedOut ? s.red('timed out') : e.exitCode === 0 ? s.green('exit 0') : s.red(`exit ${e.exitCode}`)}`;
    case 'plan':
      return undefined;
  }
}

/** renderSummary renders the result block printed before the notice. */
export function renderSummary(doc: IncidentDoc, s: Style = PLAIN): string {
  const out: string[] = [];
  const d = doc.diagnosis;
  out.push(s.bold(`modrescue respond: ${doc.module ?? doc.project}`));
  out.push('');
  out.push(
    `Diagnosis   ${s.bold(d.actedOn)}${d.actedOn !== d.category ? ` (log: ${d.category})` : ''} · ${Math.round(d.confidence * 100)}% confidence${doc.detection.source ? ` · ${doc.detection.source}${doc.detection.line ? ':' + doc.detection.line : ''}` : ''}`,
  );
  if (doc.detection.text) out.push(`            ${s.dim(doc.detection.text.slice(0, 200))}`);
  if (d.modules.length > 0)
    out.push(
      `Modules     ${d.modules
        .slice(0, 4)
        .map((m) => (m.version ? `${m.path}@${m.version}` : m.path))
        .join(', ')}`,
    );
  const problems = doc.verification.checks;
  if (problems.length > 0) {
    out.push('Problem     ' + problems.map((c) => `${c.id}: ${c.before}`).join(', '));
  } else {
    // Checks cut short by the deadline said nothing: that is not "nothing fails".
    const inconclusive = doc.timeline.find((t) => t.kind === 'inconclusive');
    out.push(`Problem     ${inconclusive ? s.yellow(inconclusive.event) : s.dim('no doctor check fails')}`);
  }
  out.push('');
  const applied = doc.plan.filter((a) => a.status === 'applied');
  const other = doc.plan.filter((a) => a.status !== 'applied');
  if (applied.length > 0) {
    out.push('Applied');
    for (const a of applied)
      out.push(
        `  ${s.green('✓')} ${a.command}\n      undo: modrescue undo ${a.journalId}   (${a.risk.level} risk; ${a.undo})`,
      );
  }
  if (other.length > 0) {
    out.push(doc.mode === 'dry-run' ? 'Plan (dry run: nothing was changed)' : 'Not applied');
    for (const a of other) {
      out.push(`  ${a.rank}. ${a.command}  ${s.dim(`[${a.status}${a.reason ? ': ' + a.reason.split('\n')[0] : ''}]`)}`);
      out.push(`     why:  ${a.why}`);
      out.push(`     risk: ${a.risk.level} — ${a.risk.note}`);
      if (a.undo) out.push(`     undo: ${a.undo}`);
    }
  }
  if (doc.mode !== 'dry-run') {
    out.push('', 'Verification');
    for (const c of doc.verification.checks) {
      const ok = c.after === 'pass' || c.after === 'warn';
      out.push(
        `  ${ok ? s.green('✓') : s.red('✗')} ${c.id}: ${c.before} → ${c.after}${ok ? '' : `  ${s.dim(c.summary)}`}`,
      );
    }
    const cmd = doc.verification.command;
    if (cmd) {
      const ok = cmd.exitCode === 0;
      out.push(
        `  ${ok ? s.green('✓') : s.red('✗')} ${cmd.command}: ${cmd.timedOut ? 'timed out' : `exit ${cmd.exitCode}`} (${formatDuration(cmd.durationMs, 'en')})`,
      );
      if (!ok && cmd.output) out.push(indent(s.dim(cmd.output), '      '));
    } else if (doc.verification.commandSkipped) {
      out.push(`  ${s.dim('build not run: ' + doc.verification.commandSkipped)}`);
    }
  }
  if (doc.outcome === 'not-fixed' && applied.length > 0) {
    out.push(
      '',
      s.yellow(
        `${applied.length === 1 ? 'The applied action stays' : `The ${applied.length} applied actions stay`} in place; take ${applied.length === 1 ? 'it' : 'them'} back with: ${applied
          .slice()
          .reverse()
          .map((a) => `modrescue undo ${a.journalId}`)
          .join(' && ')}`,
      ),
    );
  }
  if (doc.aliases) {
    out.push('', 'In this example');
    for (const [real, local] of Object.entries(doc.aliases)) out.push(`  ${real} is played by ${local}`);
  }
  return redact(out.join('\n'));
}

/** closingLine states the outcome and the elapsed time. */
export function closingLine(doc: IncidentDoc): string {
  const t = formatDuration(doc.elapsedMs, 'en');
  if (doc.outcome === 'fixed') {
    return doc.plan.some((a) => a.status === 'applied')
      ? `Fixed and verified in ${t} (incident ${doc.id}).`
      : `Nothing to fix: checks pass (${t}, incident ${doc.id}).`;
  }
  if (doc.outcome === 'planned') return `Planned in ${t} (dry run, nothing changed; incident ${doc.id}).`;
  return `Not fixed after ${t} (incident ${doc.id}): see the plan above and the notice.`;
}
