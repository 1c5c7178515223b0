/**
 * The post-incident record as data: built from an incident document and the journal,
 * in one language, then rendered as Markdown, HTML or JSON. Facts come from the run
 * (times, checks, actions, verification); the words for what a category usually means
 * come from text.ts. Nothing is invented: a fact that is not known is said to be unknown.
 */
import type { JournalEntry, JournalView } from '../shared/journal.js';
import { redact } from '../shared/redact.js';
import type { DependencyPath, IncidentDoc, Lang } from './incident.js';
import { OUTCOME_TEXT, PHASE_TEXT, PREVENTION, RISK_TEXT, STATUS_TEXT, storyFor, type PreventionId } from './text.js';

/** TimelineRow is one rendered timeline row. */
export interface TimelineRow {
  /** `YYYY-MM-DD HH:MM:SS.mmm` (UTC). */
  readonly time: string;
  readonly iso: string;
  readonly event: string;
  readonly evidence: string;
}

/** ActionRow is one action taken (from the journal) or planned. */
export interface ActionRow {
  /** The journal id (the undo id); absent for actions never applied. */
  readonly id?: string;
  readonly action: string;
  readonly command: string;
  readonly status: string;
  readonly statusText: string;
  readonly time?: string;
  readonly actor?: string;
  readonly summary: string;
  readonly risk: string;
  readonly files: readonly string[];
  /** `modrescue undo <id>` while the action stands. */
  readonly undo?: string;
  /** When it was undone, and by which journal entry. */
  readonly undoneBy?: string;
}

/** PreventionRow is one prevention item, marked when it addresses this incident. */
export interface PreventionRow {
  readonly id: PreventionId;
  readonly title: string;
  readonly text: string;
  readonly how: string;
  readonly relevant: boolean;
}

/** ReportModel is the whole record in one language. */
export interface ReportModel {
  readonly lang: Lang;
  readonly id: string;
  readonly title: string;
  readonly notice: string;
  readonly summary: readonly string[];
  readonly timeline: readonly TimelineRow[];
  readonly trigger: readonly string[];
  readonly rootCause: readonly string[];
  readonly detection: readonly string[];
  readonly impact: readonly string[];
  readonly actions: readonly ActionRow[];
  readonly notApplied: readonly ActionRow[];
  readonly verification: readonly string[];
  readonly wentWell: readonly string[];
  readonly wentBadly: readonly string[];
  readonly prevention: readonly PreventionRow[];
  readonly dependencyPath?: DependencyPath;
  /** Journal lines that could not be read (file:line:col: message). */
  readonly journalErrors: readonly string[];
}

/** formatUtcMs renders an ISO time as `YYYY-MM-DD HH:MM:SS.mmm`. */
export function formatUtcMs(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const s = d.toISOString();
  return `${s.slice(0, 10)} ${s.slice(11, 23)}`;
}

/** formatDuration renders milliseconds for people: `850 ms`, `3.2 s`, `4 min 05 s`, `2 h 14 min` (or in Chinese). */
export function formatDuration(ms: number, lang: Lang): string {
  const zh = lang === 'zh';
  if (ms < 1000) return zh ? `${Math.round(ms)} 毫秒` : `${Math.round(ms)} ms`;
  if (ms < 60_000) return zh ? `${(ms / 1000).toFixed(1)} 秒` : `${(ms / 1000).toFixed(1)} s`;
  const totalS = Math.round(ms / 1000);
  if (totalS < 3600) {
    const m = Math.floor(totalS / 60);
    const s = String(totalS % 60).padStart(2, '0');
    return zh ? `${m} 分 ${s} 秒` : `${m} min ${s} s`;
  }
  const totalM = Math.round(totalS / 60);
  const h = Math.floor(totalM / 60);
  const m = String(totalM % 60).padStart(2, '0');
  return zh ? `${h} 小时 ${m} 分` : `${h} h ${m} min`;
}

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

function actorName(e: JournalEntry): string {
  return e.actor?.name ?? '';
}

/**
 * buildReport makes the record of doc in lang, taking the actions' current state from
 * journal (an action undone since is shown as undone). It never throws.
 */
export function buildReport(doc: IncidentDoc, journal: JournalView, lang: Lang): ReportModel {
  const zh = lang === 'zh';
  const L = <K extends Lang>(t: Readonly<Record<K, string>>) => t[lang as K];
  const story = storyFor(doc.diagnosis.actedOn || doc.diagnosis.category);
  const byId = new Map(journal.entries.map((e) => [e.id, e]));
  const undoOf = new Map<string, JournalEntry>();
  for (const e of journal.entries) if (e.action === 'undo' && e.undoOf && e.status === 'done') undoOf.set(e.undoOf, e);

  // Actions: the plan's, with the journal's view of each applied one.
  const actions: ActionRow[] = [];
  const notApplied: ActionRow[] = [];
  for (const a of doc.plan) {
    const entry = a.journalId ? byId.get(a.journalId) : undefined;
    const undone = a.journalId ? undoOf.get(a.journalId) : undefined;
    const status = undone ? 'undone' : entry ? (entry.status === 'done' ? 'applied' : entry.status) : a.status;
    const row: ActionRow = {
      ...(a.journalId ? { id: a.journalId } : {}),
      action: a.action,
      command: a.command,
      status,
      statusText: L(STATUS_TEXT[status] ?? { en: status, zh: status }),
      ...(entry ? { time: formatUtcMs(entry.time), actor: actorName(entry) } : {}),
      summary: entry?.summary ?? a.why,
      risk: `${L(RISK_TEXT[a.risk.level] ?? RISK_TEXT['medium']!)}: ${a.risk.note}`,
      files: entry
        ? entry.files.map((f) => `${f.path} (${short(f.before)} → ${short(f.after)})`)
        : a.files.map((f) => `${f.path} (${f.kind})`),
      ...(a.journalId && !undone ? { undo: `modrescue undo ${a.journalId}` } : {}),
      ...(undone ? { undoneBy: `${undone.id} (${formatUtcMs(undone.finished ?? undone.time)})` } : {}),
    };
    if (a.journalId) actions.push(row);
    else notApplied.push({ ...row, ...(a.reason ? { summary: `${row.summary} — ${a.reason}` } : {}) });
  }

  // Timeline: respond's events, plus journal events of these actions that happened later (undo).
  const rows = doc.timeline.map((t) => ({
    iso: t.time,
    time: formatUtcMs(t.time),
    event: zh ? (t.eventZh ?? t.event) : t.event,
    evidence: redact(t.evidence ?? ''),
  }));
  for (const [id, u] of undoOf) {
    if (!doc.plan.some((a) => a.journalId === id)) continue;
    const when = u.finished ?? u.time;
    rows.push({
      iso: when,
      time: formatUtcMs(when),
      event: zh ? `已撤销措施 ${id}` : `action ${id} undone`,
      evidence: `journal ${u.id}${u.actor ? ` (${u.actor.name})` : ''}`,
    });
  }
  rows.sort((a, b) => (a.iso < b.iso ? -1 : a.iso > b.iso ? 1 : 0));

  const interruptionMs = doc.fixedAt ? Date.parse(doc.fixedAt) - Date.parse(doc.interruptionStart) : undefined;
  const outcome = L(OUTCOME_TEXT[doc.outcome] ?? { en: doc.outcome, zh: doc.outcome });
  const phase = L(PHASE_TEXT[doc.phase] ?? { en: doc.phase, zh: doc.phase });
  const cat = doc.diagnosis.category;
  const summary = [
    zh
      ? `事件 ${code(doc.id)}：${code(doc.diagnosis.actedOn)}，${doc.module ? `模块 ${code(doc.module)}，` : ''}结果：${outcome}（阶段：${phase}）。`
      : `Incident ${code(doc.id)}: ${code(doc.diagnosis.actedOn)}${doc.module ? ` in ${code(doc.module)}` : ''}; outcome: ${outcome} (phase: ${phase}).`,
    zh
      ? `响应耗时 ${formatDuration(doc.elapsedMs, lang)}（从 modrescue respond 开始到${doc.outcome === 'fixed' ? '修复验证通过' : '结束'}）。`
      : `Response took ${formatDuration(doc.elapsedMs, lang)} (from the start of modrescue respond to ${doc.outcome === 'fixed' ? 'the verified fix' : 'its end'}).`,
  ];
  if (interruptionMs !== undefined && doc.interruptionFromLog) {
    summary.push(
      zh
        ? `构建中断时长 ${formatDuration(interruptionMs, lang)}（从日志中的首个错误到修复验证通过）。`
        : `Builds were broken for ${formatDuration(interruptionMs, lang)} (from the first error in the log to the verified fix).`,
    );
  }

  // Trigger vs root cause.
  const trigger: string[] = [L(story.trigger)];
  if (doc.trigger) {
    trigger.push(
      zh
        ? `失败前的最后一次变更：提交 ${code(doc.trigger.commit)}「${doc.trigger.subject}」，作者 ${doc.trigger.author}，时间 ${formatUtcMs(doc.trigger.time)} UTC。`
        : `Last change before the failure: commit ${code(doc.trigger.commit)} "${doc.trigger.subject}" by ${doc.trigger.author} at ${formatUtcMs(doc.trigger.time)} UTC.`,
    );
  }
  const rootCause: string[] = [L(story.rootCause)];
  const failing = doc.checks.before.filter((c) => c.status === 'fail');
  if (failing.length > 0) {
    rootCause.push(
      zh ? `诊断时失败的检查项：` : `Checks failing at diagnosis:`,
      ...failing.map((c) => `${code(c.id)}: ${redact(c.summary.split('\n')[0]!)}`),
    );
  }
  if (cat !== doc.diagnosis.actedOn) {
    rootCause.push(
      zh
        ? `日志中的直接现象为 ${code(cat)}；按检查结果处理为 ${code(doc.diagnosis.actedOn)}。`
        : `The log's immediate symptom was ${code(cat)}; the checks showed ${code(doc.diagnosis.actedOn)}.`,
    );
  }

  // Detection.
  const detection: string[] = [];
  if (doc.detection.source) {
    detection.push(
      zh
        ? `由 CI 发现：${code(doc.detection.source)}${doc.detection.line ? ` 第 ${doc.detection.line} 行` : ''}${doc.detection.time ? `，${formatUtcMs(doc.detection.time)} UTC` : ''}${doc.detection.text ? `：${code(redact(doc.detection.text).slice(0, 200))}` : ''}。`
        : `Detected by CI: ${code(doc.detection.source)}${doc.detection.line ? ` line ${doc.detection.line}` : ''}${doc.detection.time ? ` at ${formatUtcMs(doc.detection.time)} UTC` : ''}${doc.detection.text ? `: ${code(redact(doc.detection.text).slice(0, 200))}` : ''}.`,
    );
    detection.push(
      zh
        ? `modrescue triage 判定为 ${code(cat)}（置信度 ${Math.round(doc.diagnosis.confidence * 100)}%${doc.diagnosis.ruleId ? `，规则 ${code(doc.diagnosis.ruleId)}` : ''}）。`
        : `modrescue triage named ${code(cat)} (confidence ${Math.round(doc.diagnosis.confidence * 100)}%${doc.diagnosis.ruleId ? `, rule ${code(doc.diagnosis.ruleId)}` : ''}).`,
    );
  } else {
    detection.push(
      zh
        ? `未提供 CI 日志；由 modrescue doctor 的检查发现。`
        : `No CI log was given; the problem was found by modrescue doctor's checks.`,
    );
  }
  if (doc.interruptionFromLog) {
    const lag = Date.parse(doc.startedAt) - Date.parse(doc.interruptionStart);
    if (lag > 0) {
      detection.push(
        zh
          ? `从首个错误到开始响应经过了 ${formatDuration(lag, lang)}。`
          : `${formatDuration(lag, lang)} passed between the first error and the start of the response.`,
      );
    }
  }

  // Impact.
  const scope = Object.entries(doc.scope).map(([k, v]) => `${k} ${code(v)}`);
  const impact = [
    zh
      ? `受影响范围：${scope.length > 0 ? scope.join('，') : '失败的 CI 任务（日志未写明任务、流水线或分支）'}。`
      : `Scope: ${scope.length > 0 ? scope.join(', ') : 'the failed CI job (the log does not name the job, pipeline or branch)'}.`,
    zh
      ? `所有需要下载或校验相同模块的构建和发布都受到影响，依赖绿色构建的合并与部署被阻塞。`
      : `Every build and release that downloads or verifies the same modules was affected; merges and deployments that need a green build were blocked.`,
  ];
  if (doc.diagnosis.modules.length > 0) {
    const mods = doc.diagnosis.modules.slice(0, 5).map((m) => code(m.version ? `${m.path}@${m.version}` : m.path));
    impact.push(zh ? `涉及模块：${mods.join('、')}。` : `Modules involved: ${mods.join(', ')}.`);
  }
  if (interruptionMs !== undefined && doc.interruptionFromLog) {
    impact.push(
      zh
        ? `中断时长：${formatDuration(interruptionMs, lang)}。`
        : `Duration of the interruption: ${formatDuration(interruptionMs, lang)}.`,
    );
  }

  // Verification.
  const v = doc.verification;
  const verification: string[] = [];
  for (const c of v.checks)
    verification.push(
      `${code(c.id)}: ${c.before} → ${c.after}${c.summary ? ` (${redact(c.summary.split('\n')[0]!)})` : ''}`,
    );
  if (v.command) {
    verification.push(
      zh
        ? `${code(v.command.command)}：${v.command.timedOut ? '超时' : `退出码 ${v.command.exitCode}`}，耗时 ${formatDuration(v.command.durationMs, lang)}`
        : `${code(v.command.command)}: ${v.command.timedOut ? 'timed out' : `exit ${v.command.exitCode}`} in ${formatDuration(v.command.durationMs, lang)}`,
    );
  } else if (v.commandSkipped) {
    verification.push(zh ? `未运行构建验证命令：${v.commandSkipped}` : `No build command was run: ${v.commandSkipped}`);
  }
  verification.push(
    v.verified
      ? zh
        ? '结论：修复已验证。'
        : 'Result: the fix is verified.'
      : zh
        ? '结论：未能验证修复。'
        : 'Result: the fix is not verified.',
  );

  // What went well / badly, from the facts of the run.
  const well: string[] = [];
  const badly: string[] = [];
  if (doc.detection.source && doc.diagnosis.category !== 'unknown' && doc.diagnosis.confidence >= 0.7) {
    well.push(
      zh
        ? `CI 日志足以直接定位原因（${code(cat)}，置信度 ${Math.round(doc.diagnosis.confidence * 100)}%）。`
        : `The CI log was enough to name the cause (${code(cat)}, confidence ${Math.round(doc.diagnosis.confidence * 100)}%).`,
    );
  }
  if (doc.outcome === 'fixed') {
    well.push(
      zh
        ? `从开始响应到修复验证通过只用了 ${formatDuration(doc.elapsedMs, lang)}。`
        : `The fix was applied and verified ${formatDuration(doc.elapsedMs, lang)} after the response started.`,
    );
  }
  if (actions.length > 0) {
    well.push(
      zh
        ? `每项改动都记录在日志中并附有撤销编号（${actions.map((a) => code(a.id!)).join('、')}），可以逐字节恢复。`
        : `Every change is in the journal with an undo id (${actions.map((a) => code(a.id!)).join(', ')}) and can be reverted byte for byte.`,
    );
  }
  if (cat === 'checksum-mismatch' || doc.diagnosis.actedOn === 'checksum-mismatch') {
    well.push(
      zh
        ? `校验和验证拦下了未经确认的模块内容，安全控制发挥了作用。`
        : `Checksum verification stopped unconfirmed module content from being built: the control worked.`,
    );
  }
  badly.push(L(story.badly));
  if (doc.interruptionFromLog) {
    const lag = Date.parse(doc.startedAt) - Date.parse(doc.interruptionStart);
    if (lag > 15 * 60_000) {
      badly.push(
        zh
          ? `首个错误出现 ${formatDuration(lag, lang)} 后才开始响应：需要在构建失败时及时告警。`
          : `The response started ${formatDuration(lag, lang)} after the first error: failed builds need to alert someone.`,
      );
    }
  }
  const skipped = doc.checks.before.filter((c) => c.status === 'skip');
  if (skipped.length > 0) {
    badly.push(
      zh
        ? `有检查项未能完成：${skipped.map((c) => code(c.id)).join('、')}。`
        : `Some checks did not complete: ${skipped.map((c) => code(c.id)).join(', ')}.`,
    );
  }
  for (const a of notApplied.filter((x) => x.status === 'refused' || x.status === 'failed')) {
    badly.push(
      zh
        ? `措施 ${code(a.command)} ${a.statusText}：${a.summary}`
        : `Action ${code(a.command)} ${a.statusText}: ${a.summary}`,
    );
  }
  if (!v.verified)
    badly.push(zh ? '修复未能得到验证，事件仍未解决。' : 'The fix could not be verified; the incident is not over.');
  if (v.verified && !v.command) {
    badly.push(
      zh
        ? '只重新运行了检查项，没有运行真实构建；请观察下一次 CI 构建。'
        : 'Only the checks were re-run, not a real build: watch the next CI build.',
    );
  }

  const relevant = new Set(story.prevention);
  const prevention: PreventionRow[] = PREVENTION.map((p) => ({
    id: p.id,
    title: L(p.title),
    text: L(p.text),
    how: p.how,
    relevant: relevant.has(p.id),
  })).sort((a, b) => Number(b.relevant) - Number(a.relevant));

  return {
    lang,
    id: doc.id,
    title: zh
      ? `事后复盘记录：${doc.diagnosis.actedOn}（${doc.id}）`
      : `Post-incident record: ${doc.diagnosis.actedOn} (${doc.id})`,
    notice: doc.notices[lang] ?? doc.notices.en,
    summary,
    timeline: rows,
    trigger,
    rootCause,
    detection,
    impact,
    actions,
    notApplied,
    verification,
    wentWell: well,
    wentBadly: badly,
    prevention,
    ...(doc.dependencyPath ? { dependencyPath: doc.dependencyPath } : {}),
    journalErrors: journal.errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`),
  };
}

function short(h: string | null): string {
  return h === null ? 'absent' : h.slice(0, 12);
}
