/**
 * The post-incident record as Markdown (for a wiki page, an issue or a chat message):
 * the notice first, then the record's sections with the timeline as a table.
 */
import type { DependencyPath } from './incident.js';
import type { ReportModel } from './record.js';
import { HEADINGS } from './text.js';

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** pathLines renders requirement paths as `main → a v1 → b v2` lines. */
export function pathLines(p: DependencyPath): string[] {
  return p.paths.map((steps) => steps.map((s) => (s.version ? `${s.path} ${s.version}` : s.path)).join(' → '));
}

/** renderMarkdown returns the record as one Markdown document. */
export function renderMarkdown(m: ReportModel): string {
  const L = m.lang;
  const h = (k: keyof typeof HEADINGS) => HEADINGS[k][L];
  const out: string[] = [`# ${m.title}`, ''];
  out.push(...m.summary.map((s) => `- ${s}`), '');
  out.push(`## ${h('notice')}`, '');
  // The notice is a Markdown document of its own: demote its headings one level.
  out.push(m.notice.trimEnd().replace(/^# /gm, '### '), '');
  out.push(`## ${h('timeline')}`, '', `| ${h('time')} | ${h('event')} | ${h('evidence')} |`, '| --- | --- | --- |');
  for (const r of m.timeline) out.push(`| ${r.time} | ${cell(r.event)} | ${cell(r.evidence)} |`);
  out.push('');
  out.push(`## ${h('triggerRoot')}`, '', `**${h('trigger')}:** ${m.trigger.join(' ')}`, '');
  out.push(`**${h('rootCause')}:** ${m.rootCause[0]}`);
  for (const l of m.rootCause.slice(1)) out.push(l.endsWith(':') || l.endsWith('：') ? `\n${l}` : `- ${l}`);
  out.push('');
  out.push(`## ${h('detection')}`, '', ...m.detection.map((s) => `- ${s}`), '');
  out.push(`## ${h('impact')}`, '', ...m.impact.map((s) => `- ${s}`), '');
  out.push(`## ${h('actions')}`, '');
  if (m.actions.length === 0) out.push(L === 'zh' ? '未执行任何措施。' : 'No action was applied.');
  for (const a of m.actions) {
    out.push(`- **${a.action}** (${a.statusText}) — \`${a.command}\``);
    out.push(`  - ${a.summary}`);
    if (a.time)
      out.push(
        `  - ${L === 'zh' ? '时间' : 'time'}: ${a.time} UTC${a.actor ? ` · ${L === 'zh' ? '执行者' : 'by'} ${a.actor}` : ''}`,
      );
    out.push(`  - ${a.risk}`);
    for (const f of a.files) out.push(`  - ${f}`);
    if (a.undo) out.push(`  - ${L === 'zh' ? '撤销' : 'undo'}: \`${a.undo}\``);
    if (a.undoneBy) out.push(`  - ${L === 'zh' ? '已被撤销' : 'undone by'}: ${a.undoneBy}`);
  }
  out.push('');
  if (m.notApplied.length > 0) {
    out.push(`## ${h('notApplied')}`, '');
    for (const a of m.notApplied) out.push(`- **${a.action}** (${a.statusText}) — \`${a.command}\`: ${a.summary}`);
    out.push('');
  }
  out.push(`## ${h('verification')}`, '', ...m.verification.map((s) => `- ${s}`), '');
  if (m.dependencyPath && m.dependencyPath.paths.length > 0) {
    out.push(`## ${h('path')}`, '', '```text', ...pathLines(m.dependencyPath), '```', '');
  }
  out.push(`## ${h('well')}`, '', ...m.wentWell.map((s) => `- ${s}`), '');
  out.push(`## ${h('badly')}`, '', ...m.wentBadly.map((s) => `- ${s}`), '');
  out.push(`## ${h('prevention')}`, '');
  for (const p of m.prevention) {
    const mark = p.relevant ? (L === 'zh' ? '（与本次事件直接相关）' : ' (addresses this incident)') : '';
    out.push(`- [ ] **${p.title}**${mark}: ${p.text} — \`${p.how}\``);
  }
  if (m.journalErrors.length > 0) {
    out.push(
      '',
      L === 'zh' ? '日志文件中无法读取的行：' : 'Unreadable journal lines:',
      ...m.journalErrors.map((e) => `- ${e}`),
    );
  }
  return out.join('\n') + '\n';
}
