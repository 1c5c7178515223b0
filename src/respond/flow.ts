/**
 * runRespond: the emergency flow in one call.
 *
 *   triage (when a log is given) → the doctor checks that matter for that category, then
 *   the rest within the deadline → a ranked plan of fix actions, each with why, risk and
 *   undo → confirm each step (interactive) / apply the top plan (--yes) / only plan
 *   (--dry-run) → after each action, re-run the checks that were part of the problem;
 *   stop once they pass → the verification command (when a go binary is present) → the
 *   incident notice and timeline, written to `.modrescue/incidents/<id>/`.
 *
 * Everything is recorded as it happens on a UTC timeline; every change goes through
 * src/fix (journalled, reversible with `modrescue undo <id>`).
 */
import { execFile, spawn } from 'node:child_process';
import { access } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  CHECK_IDS,
  createSession,
  isUnfinished,
  runDoctor,
  type CheckId,
  type CheckResult,
  type DoctorOptions,
  type DoctorReport,
} from '../doctor/index.js';
import { applyPlan, planAction, type FixContext } from '../fix/index.js';
import {
  dependencyPathFromGoMod,
  dependencyPathFromGraph,
  newIncidentId,
  writeIncident,
  type ActionRecord,
  type DependencyPath,
  type IncidentDoc,
  type IncidentPhase,
  type TimelineEvent,
  type VerifyCommandResult,
} from '../report/index.js';
import { isCodedError } from '../shared/errors.js';
import type { GoEnv } from '../shared/goenv.js';
import { redact } from '../shared/redact.js';
import { bundledRuleSet, triageStream, type TriageResult } from '../triage/index.js';
import { renderNotice } from '../triage/notice.js';
import { focusFor, isProblem, isResolved } from './focus.js';
import { candidates, commandFor, specKey } from './planner.js';
import type { Candidate, PlannedAction, RespondOptions, RespondResult } from './types.js';

const run = promisify(execFile);

/** CHECK_CATEGORY names the failure category a failing check stands for (when there is no log). */
const CHECK_CATEGORY: Readonly<Record<string, string>> = {
  'gomod-syntax': 'gomod-syntax',
  'go-env': 'proxy-unreachable',
  'goproxy-reachable': 'proxy-unreachable',
  'sumdb-reachable': 'proxy-unreachable',
  'private-modules': 'private-auth',
  credentials: 'private-auth',
  'go-version': 'go-version',
  'gosum-complete': 'missing-gosum',
  'gosum-verified': 'checksum-mismatch',
  'modcache-integrity': 'disk-or-cache',
  'retracted-deprecated': 'retracted-or-deprecated',
  'vendor-consistency': 'vendor-inconsistent',
  'disk-space': 'disk-or-cache',
};

/** mergeReports combines the focused and the remaining doctor runs into one report (CHECK_IDS order). */
export function mergeReports(a: DoctorReport, b: DoctorReport | undefined): DoctorReport {
  if (!b) return a;
  const all = new Map<string, CheckResult>();
  for (const c of [...a.checks, ...b.checks]) all.set(c.id, c);
  const checks = CHECK_IDS.filter((id) => all.has(id)).map((id) => all.get(id)!);
  const counts = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  return { ...a, checks, counts, durationMs: a.durationMs + b.durationMs };
}

/** diagnosisFromChecks stands in for a triage result when there is no log: the first failing check names the category. */
function diagnosisFromChecks(report: DoctorReport, problems: readonly CheckResult[]): TriageResult {
  const first = problems[0];
  const category = first ? (CHECK_CATEGORY[first.id] ?? 'unknown') : 'unknown';
  return {
    category: category as TriageResult['category'],
    class: first ? 'dependency' : 'unknown',
    confidence: first ? 0.8 : 0,
    title: first ? `${first.id}: ${first.summary.split('\n')[0]}` : 'no failure found',
    secondary: [],
    evidence: problems.map((c, i) => ({ line: i + 1, text: `${c.id}: ${c.summary.split('\n')[0]}` })),
    matches: [],
    modules: [],
    hosts: [],
    urls: [],
    ...(first ? { firstErrorAt: 1 } : {}),
    summary: first ? first.summary : 'every check passes',
    causes: [],
    nextSteps: problems.filter((c) => c.fix).map((c) => ({ title: c.fix!.explanation, command: c.fix!.command })),
    notFailure: !first,
    lines: 0,
    context: { ...(report.project.module ? { module: report.project.module } : {}) },
  };
}

/** goOnPath reports whether a `go` executable is on PATH of env. */
export async function goOnPath(env: Readonly<Record<string, string | undefined>>): Promise<boolean> {
  for (const dir of (env['PATH'] ?? '').split(':')) {
    if (dir === '') continue;
    try {
      await access(path.join(dir, 'go'), 1);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/**
 * runVerifyCommand runs command with `sh -c` in dir under a timeout (the whole process
 * group is killed when it passes) and returns its exit status and the last lines of its
 * output, redacted.
 */
export async function runVerifyCommand(
  command: string,
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<VerifyCommandResult> {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', command], {
      cwd: dir,
      env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    const keep = (d: Buffer) => {
      chunks.push(d);
      size += d.length;
      while (size > 64 * 1024 && chunks.length > 1) size -= chunks.shift()!.length;
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const onAbort = () => kill();
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (code: number | null) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const text = Buffer.concat(chunks).toString('utf8');
      const tail = text.split('\n').slice(-20).join('\n').trimEnd();
      resolve({
        command,
        exitCode: timedOut ? null : code,
        timedOut,
        durationMs: Math.round(performance.now() - start),
        output: redact(tail),
      });
    };
    child.on('error', () => finish(127));
    child.on('close', (code) => finish(code));
  });
}

/** lastCommit returns the project's HEAD commit (the likely trigger), or undefined outside git. */
async function lastCommit(
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<IncidentDoc['trigger'] | undefined> {
  try {
    const { stdout } = await run('git', ['log', '-1', '--format=%h%x00%s%x00%cI%x00%an <%ae>'], {
      cwd: dir,
      env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined)),
      timeout: 5_000,
    });
    const [commit, subject, time, author] = stdout.trim().split('\0');
    if (!commit || !time) return undefined;
    return { commit, subject: subject ?? '', time: new Date(time).toISOString(), author: author ?? '' };
  } catch {
    return undefined;
  }
}

/** checkLine renders one check result for the timeline: `id: status — summary`. */
function checkLine(c: CheckResult): string {
  return `${c.id}: ${c.status} — ${c.summary.split('\n')[0]!.slice(0, 240)}`;
}

/**
 * runRespond runs the flow (see the package doc) and writes the incident. It rejects
 * only when it cannot do its job (no project: ERR_DOCTOR_NO_PROJECT; the log cannot be
 * read; the incident cannot be written; the caller's signal): failures to fix are results.
 */
export async function runRespond(o: RespondOptions): Promise<RespondResult> {
  const now = o.now ?? (() => new Date());
  const emit = o.onEvent ?? (() => undefined);
  const startedAt = now();
  const t0 = performance.now();
  const deadlineMs = o.deadlineMs ?? 10_000;
  const timeline: TimelineEvent[] = [];
  const at = (d: Date = now()) => d.toISOString();
  const mark = (kind: string, event: string, eventZh: string, evidence?: string, time?: string) =>
    timeline.push({ time: time ?? at(), kind, event, eventZh, ...(evidence ? { evidence: redact(evidence) } : {}) });

  mark(
    'respond-start',
    'modrescue respond started',
    'modrescue respond 开始响应',
    o.log ? `log: ${o.log.name}` : `project: ${o.dir}`,
  );

  // 1. Triage.
  let triage: TriageResult | undefined;
  if (o.log) {
    emit({ type: 'phase', text: `triage: reading ${o.log.name}` });
    const r = await triageStream(o.log.chunks, o.ruleSet ?? bundledRuleSet(), o.signal);
    triage = { ...r, context: { ...(o.log.context ?? {}), ...r.context } };
    emit({ type: 'triage', result: triage });
    const first = triage.evidence.find((e) => e.line === triage!.firstErrorAt) ?? triage.evidence[0];
    if (triage.firstErrorTime) {
      mark(
        'ci-failed',
        'CI job failed (first error in the log)',
        'CI 任务失败（日志中的首个错误）',
        first ? `${o.log.name}:${first.line}: ${first.text.trim()}` : o.log.name,
        new Date(triage.firstErrorTime).toISOString(),
      );
    }
    mark(
      'triage',
      triage.category === 'unknown'
        ? 'triage: no known failure signature in the log'
        : `triage: ${triage.category} (${Math.round(triage.confidence * 100)}% confidence)${triage.secondary.length ? `, also ${triage.secondary.map((s) => s.category).join(', ')}` : ''}`,
      triage.category === 'unknown'
        ? '日志分析：未发现已知的故障特征'
        : `日志分析：${triage.category}（置信度 ${Math.round(triage.confidence * 100)}%）`,
      first ? `${o.log.name}:${first.line}${triage.ruleId ? ` (rule ${triage.ruleId})` : ''}` : undefined,
    );
  }
  const categories =
    triage && triage.category !== 'unknown' ? [triage.category, ...triage.secondary.map((s) => s.category)] : [];
  const modules = triage?.modules ?? [];

  // 2. Doctor: the focused checks first, then the rest within what is left of the deadline.
  let env: GoEnv = await o.loadEnv();
  const doctorOptions = (e: GoEnv, extra: Partial<DoctorOptions>): DoctorOptions => ({
    ...o.doctor,
    dir: o.dir,
    env: e,
    ...(o.fetch ? { fetch: o.fetch } : {}),
    processEnv: o.processEnv,
    timeoutMs: deadlineMs,
    ...(o.signal ? { signal: o.signal } : {}),
    ...extra,
  });
  const focus = focusFor(categories);
  let before: DoctorReport;
  if (focus.length > 0) {
    emit({ type: 'phase', text: `doctor: ${focus.join(', ')}` });
    const dStart = performance.now();
    const focused = await runDoctor(doctorOptions(env, { only: focus }));
    emit({ type: 'doctor', stage: 'focused', report: focused });
    mark(
      'doctor',
      `focused checks: ${focused.counts.fail} failing of ${focused.checks.length} (${focus.join(', ')})`,
      `重点检查：${focused.checks.length} 项中 ${focused.counts.fail} 项失败`,
      focused.checks
        .filter((c) => isProblem(c, modules))
        .map(checkLine)
        .join('; ') || 'all pass',
    );
    const unfinished = focused.checks.filter(isUnfinished);
    if (unfinished.length > 0) {
      const ids = unfinished.map((c) => c.id).join(', ');
      mark(
        'inconclusive',
        `the checks that matter did not finish within the deadline (${ids}): nothing can be verified; re-run with a longer --timeout`,
        `关键检查未在时限内完成（${ids}）：无法验证；请用更长的 --timeout 重新运行`,
        unfinished.map((c) => `${c.id}: ${c.summary}`).join('; '),
      );
    }
    const left = Math.max(1_000, deadlineMs - (performance.now() - dStart));
    emit({ type: 'phase', text: 'doctor: the other checks' });
    const rest = await runDoctor(doctorOptions(env, { skip: focus, timeoutMs: left }));
    emit({ type: 'doctor', stage: 'rest', report: rest });
    before = mergeReports(focused, rest);
    mark(
      'doctor',
      `other checks: ${rest.counts.fail} failing of ${rest.checks.length}`,
      `其余检查：${rest.checks.length} 项中 ${rest.counts.fail} 项失败`,
      rest.checks
        .filter((c) => isProblem(c, modules))
        .map(checkLine)
        .join('; ') || 'no further problem',
    );
  } else {
    emit({ type: 'phase', text: 'doctor: every check' });
    before = await runDoctor(doctorOptions(env, {}));
    emit({ type: 'doctor', stage: 'rest', report: before });
    mark(
      'doctor',
      `checks: ${before.counts.fail} failing of ${before.checks.length}`,
      `检查：${before.checks.length} 项中 ${before.counts.fail} 项失败`,
      before.checks
        .filter((c) => isProblem(c, modules))
        .map(checkLine)
        .join('; ') || 'all pass',
    );
  }
  const root = before.project.root;
  const problemsBefore = before.checks.filter((c) => isProblem(c, modules));
  const diagnosis = triage && triage.category !== 'unknown' ? triage : diagnosisFromChecks(before, problemsBefore);
  const actedOn =
    diagnosis.category === 'proxy-http-error' && diagnosis.secondary.some((s) => s.category === 'unknown-revision')
      ? 'unknown-revision'
      : diagnosis.category;

  // 3. Plan: every candidate planned now (planning changes nothing), shown ranked.
  const fixCtx = (e: GoEnv): FixContext => ({
    dir: o.dir,
    env: e,
    processEnv: o.processEnv,
    ...(o.fetch ? { fetch: o.fetch } : {}),
    ...(o.journal ? { journal: o.journal } : {}),
    now,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.doctor?.installedGo !== undefined ? { installedGo: o.doctor.installedGo } : {}),
    // respond re-runs the checks that were part of the problem itself, after each action.
    verify: false,
  });
  const planOne = async (c: Candidate, rank: number, e: GoEnv): Promise<PlannedAction> => {
    const command = commandFor(c.spec);
    try {
      return { rank, candidate: c, command, plan: await planAction(c.spec, fixCtx(e)) };
    } catch (err) {
      if (o.signal?.aborted) throw err;
      return { rank, candidate: c, command, error: redact(err instanceof Error ? err.message : String(err)) };
    }
  };
  const records: ActionRecord[] = [];
  const recordOf = (
    p: PlannedAction,
    status: ActionRecord['status'],
    extra: Partial<ActionRecord> = {},
  ): ActionRecord => ({
    rank: p.rank,
    action: p.candidate.spec.action,
    args: p.plan?.args ?? (({ action: _a, ...rest }) => rest)(p.candidate.spec as unknown as Record<string, unknown>),
    command: p.command,
    why: p.plan?.why ?? p.candidate.reason,
    risk: p.plan?.risk ?? { level: 'medium', note: 'not planned' },
    undo: (p.plan?.undo ?? '').replaceAll('<id>', extra.journalId ?? '<id>'),
    status,
    files: (p.plan?.diffs ?? []).map((d) => ({ path: d.path, kind: d.kind })),
    notes: [...(p.plan?.notes ?? [])],
    ...(p.error ? { reason: p.error } : p.plan?.refused ? { reason: p.plan.refused } : {}),
    ...extra,
  });

  const tried = new Set<string>();
  let planned: PlannedAction[] = [];
  const first = candidates({ triage, report: before, env, ...(o.scope ? { scope: o.scope } : {}) });
  emit({
    type: 'phase',
    text: first.length > 0 ? `planning ${first.map((c) => c.spec.action).join(', ')}` : 'nothing to plan',
  });
  for (const c of first) planned.push(await planOne(c, planned.length + 1, env));
  emit({ type: 'plan', actions: planned });
  mark(
    'plan',
    planned.length > 0
      ? `plan: ${planned.map((p) => `${p.rank}. ${p.candidate.spec.action} (${p.plan?.risk.level ?? 'not plannable'} risk)`).join(', ')}`
      : 'plan: no fix action applies',
    planned.length > 0
      ? `修复计划：${planned.map((p) => `${p.rank}. ${p.candidate.spec.action}`).join('，')}`
      : '修复计划：没有适用的修复措施',
    planned.map((p) => p.command).join('; ') || undefined,
  );

  // 4. Apply (or only plan), re-checking the problem after each action.
  let current = before;
  const problemIds = problemsBefore.map((c) => c.id as CheckId);
  let resolved = problemIds.length === 0;
  let aborted = false;
  let applied = 0;
  const maxActions = o.maxActions ?? 4;
  if (o.mode === 'dry-run') {
    for (const p of planned)
      records.push(recordOf(p, p.error ? 'failed' : p.plan?.refused ? 'refused' : p.plan?.noop ? 'noop' : 'planned'));
  } else {
    let queue = [...planned];
    let round = 0;
    while (!resolved && !aborted && applied < maxActions) {
      const next = queue.shift();
      if (!next) {
        // New candidates from what the checks say now (an action can reveal the next problem).
        if (round++ > 0 || current === before) break;
        const more = candidates({ triage, report: current, env, ...(o.scope ? { scope: o.scope } : {}) }).filter(
          (c) => !tried.has(specKey(c.spec)),
        );
        if (more.length === 0) break;
        const extra: PlannedAction[] = [];
        for (const c of more) extra.push(await planOne(c, planned.length + extra.length + 1, env));
        planned = [...planned, ...extra];
        emit({ type: 'plan', actions: extra });
        queue = extra;
        continue;
      }
      tried.add(specKey(next.candidate.spec));
      // The state may have changed since the plan was shown: plan again against it.
      const p = applied > 0 || records.length > 0 ? await planOne(next.candidate, next.rank, env) : next;
      if (p.error || !p.plan) {
        records.push(recordOf(p, 'failed'));
        emit({ type: 'skipped', action: p, why: p.error ?? 'could not be planned' });
        mark(
          'skip',
          `${p.candidate.spec.action} could not be planned`,
          `${p.candidate.spec.action} 无法制定计划`,
          p.error,
        );
        continue;
      }
      if (p.plan.refused) {
        records.push(recordOf(p, 'refused'));
        emit({ type: 'skipped', action: p, why: p.plan.refused });
        mark(
          'skip',
          `${p.candidate.spec.action} refused: ${p.plan.refused}`,
          `${p.candidate.spec.action} 被拒绝执行：${p.plan.refused}`,
        );
        continue;
      }
      if (p.plan.noop) {
        records.push(recordOf(p, 'noop'));
        emit({ type: 'skipped', action: p, why: 'nothing to do' });
        continue;
      }
      if (o.mode === 'interactive' && o.confirm) {
        const d = await o.confirm(p);
        if (d !== 'apply') {
          records.push(recordOf(p, 'declined'));
          mark('decline', `${p.command} declined by the engineer`, `值班工程师拒绝执行 ${p.command}`);
          emit({ type: 'skipped', action: p, why: 'declined' });
          if (d === 'abort') aborted = true;
          continue;
        }
        mark('confirm', `${p.command} confirmed by the engineer`, `值班工程师确认执行 ${p.command}`);
      }
      let entry;
      try {
        entry = await applyPlan(p.plan, fixCtx(env));
      } catch (err) {
        if (o.signal?.aborted) throw err;
        const msg = redact(err instanceof Error ? err.message : String(err));
        records.push(recordOf(p, 'failed', { reason: msg }));
        emit({ type: 'skipped', action: p, why: msg });
        mark(
          'apply-failed',
          `${p.command} failed`,
          `${p.command} 执行失败`,
          `${isCodedError(err) ? err.code + ': ' : ''}${msg}`,
        );
        continue;
      }
      applied++;
      records.push(recordOf(p, 'applied', { journalId: entry.id }));
      emit({ type: 'applied', action: p, entry });
      mark(
        'apply',
        `applied ${p.candidate.spec.action}: ${entry.summary}`,
        `已执行 ${p.candidate.spec.action}：${entry.summary}`,
        `journal ${entry.id}; ${[...entry.files.map((f) => path.relative(root, f.path) || f.path), ...entry.git.map((g) => `git ${g.kind}`), ...entry.env.map((x) => `${x.name} (${x.scope})`)].join(', ')}`,
      );
      env = await o.loadEnv();
      if (problemIds.length > 0) {
        const recheck = await runDoctor(doctorOptions(env, { only: problemIds }));
        emit({ type: 'doctor', stage: 'recheck', report: recheck });
        current = mergeReports(current, recheck);
        const after = recheck.checks;
        resolved = after.every((c) => isResolved(c, modules));
        mark(
          'recheck',
          resolved ? 'the checks that failed now pass' : 'some checks still fail',
          resolved ? '之前失败的检查项现已通过' : '仍有检查项未通过',
          after
            .map((c) => `${c.id}: ${problemsBefore.find((b) => b.id === c.id)?.status ?? '?'} → ${c.status}`)
            .join('; '),
        );
      }
    }
    for (const p of planned) {
      if (!records.some((r) => r.rank === p.rank)) records.push(recordOf(p, 'planned'));
    }
  }
  records.sort((a, b) => a.rank - b.rank);

  // 5. Verification: the checks, then the build command when a go binary is present.
  let command: VerifyCommandResult | undefined;
  let commandSkipped: string | undefined;
  if (o.verifyCmd) {
    if (o.mode === 'dry-run') commandSkipped = 'dry run';
    else if (!(await goOnPath(o.processEnv))) commandSkipped = 'no go command on PATH';
    else {
      emit({ type: 'phase', text: `verifying: ${o.verifyCmd}` });
      command = await runVerifyCommand(o.verifyCmd, root, o.processEnv, o.verifyTimeoutMs ?? 120_000, o.signal);
      emit({
        type: 'verify-command',
        command: command.command,
        exitCode: command.exitCode,
        timedOut: command.timedOut,
      });
      mark(
        'verify-command',
        `${command.command}: ${command.timedOut ? 'timed out' : `exit ${command.exitCode}`}`,
        `${command.command}：${command.timedOut ? '超时' : `退出码 ${command.exitCode}`}`,
        command.output.split('\n').slice(-3).join(' | ') || `${command.durationMs} ms`,
      );
    }
  } else {
    commandSkipped = 'no --verify-cmd given';
  }
  const afterChecks = problemIds.map((id) => current.checks.find((c) => c.id === id)!).filter(Boolean);
  const noFailureSeen = problemsBefore.length === 0 && (!triage || triage.category === 'unknown' || triage.notFailure);
  const checksOk = problemsBefore.length > 0 ? resolved && applied > 0 : noFailureSeen;
  const commandOk = command ? command.exitCode === 0 : true;
  const verified =
    o.mode !== 'dry-run' &&
    (problemsBefore.length === 0 && !noFailureSeen ? command?.exitCode === 0 : checksOk && commandOk);
  const finishedAt = now();
  if (verified) {
    mark(
      'verified',
      noFailureSeen && applied === 0 ? 'no failure found: the project checks pass' : 'fix verified',
      noFailureSeen && applied === 0 ? '未发现故障：项目检查全部通过' : '修复已验证',
      afterChecks.map((c) => `${c.id}: ${c.status}`).join('; ') || (command ? `${command.command}: exit 0` : undefined),
    );
  } else if (o.mode !== 'dry-run') {
    mark('not-verified', 'the fix could not be verified', '未能验证修复');
  }

  // 6. The incident.
  const phase: IncidentPhase = verified
    ? command
      ? 'resolved'
      : 'monitoring'
    : diagnosis.category === 'unknown'
      ? 'investigating'
      : 'identified';
  const outcome: IncidentDoc['outcome'] = o.mode === 'dry-run' ? 'planned' : verified ? 'fixed' : 'not-fixed';
  const failingModule = modules.find((m) => m.version) ?? modules[0];
  let dependencyPath: DependencyPath | undefined;
  if (failingModule) {
    try {
      const session = createSession(doctorOptions(env, {}));
      const g = await session.graph();
      if (g.mg) dependencyPath = dependencyPathFromGraph(g.mg, failingModule.path);
      if (!dependencyPath) {
        const main = await session.mainModule();
        dependencyPath = dependencyPathFromGoMod(
          main.path,
          main.file.require.map((r) => r.mod),
          failingModule.path,
          failingModule.version,
        );
      }
    } catch {
      // The report then has no drawing; nothing else depends on it.
    }
  }
  const id = newIncidentId(startedAt, actedOn);
  const actionLines = (lang: 'en' | 'zh') => {
    const zh = lang === 'zh';
    const lines: string[] = [];
    for (const r of records) {
      if (r.status === 'applied')
        lines.push(
          zh
            ? `已执行 \`${r.command}\`（撤销：\`modrescue undo ${r.journalId}\`）`
            : `Applied \`${r.command}\` (undo: \`modrescue undo ${r.journalId}\`)`,
        );
      else if (r.status === 'planned' && o.mode === 'dry-run')
        lines.push(
          zh ? `计划执行 \`${r.command}\`（${r.risk.level} 风险）` : `Planned \`${r.command}\` (${r.risk.level} risk)`,
        );
    }
    if (verified) {
      const checks = afterChecks.map((c) => `\`${c.id}\``).join(zh ? '、' : ', ');
      if (checks) lines.push(zh ? `复查通过：${checks}` : `Re-checked and passing: ${checks}`);
      if (command)
        lines.push(zh ? `验证命令 \`${command.command}\` 成功` : `Verification \`${command.command}\` succeeded`);
    } else if (o.mode !== 'dry-run') {
      lines.push(zh ? '修复尚未验证通过，仍在处理中。' : 'The fix is not verified yet; work continues.');
    }
    return lines;
  };
  const noticeFor = (lang: 'en' | 'zh') =>
    renderNotice(diagnosis, {
      lang,
      phase,
      now: finishedAt,
      ...(o.notice?.nextUpdateMinutes !== undefined ? { nextUpdateMinutes: o.notice.nextUpdateMinutes } : {}),
      ...(o.notice?.job ? { job: o.notice.job } : {}),
      ...(o.notice?.pipeline ? { pipeline: o.notice.pipeline } : {}),
      ...(o.notice?.branch ? { branch: o.notice.branch } : {}),
      ...(o.notice?.service
        ? { service: o.notice.service }
        : before.project.module
          ? { service: before.project.module }
          : {}),
      ...(o.log ? { source: o.log.name } : {}),
      actions: actionLines(lang),
    });
  const notices = { en: redact(noticeFor('en')), zh: redact(noticeFor('zh')) };
  const scope: Record<string, string> = {};
  for (const k of ['job', 'pipeline', 'branch', 'service'] as const) {
    const v = o.notice?.[k] ?? diagnosis.context[k] ?? (k === 'service' ? before.project.module : undefined);
    if (v) scope[k] = v;
  }
  const firstEvidence = triage
    ? (triage.evidence.find((e) => e.line === triage!.firstErrorAt) ?? triage.evidence[0])
    : undefined;
  const trigger = await lastCommit(root, o.processEnv);
  const elapsedMs = Math.round(performance.now() - t0);
  mark(
    'notice',
    `notice written (phase ${phase}); response took ${(elapsedMs / 1000).toFixed(1)} s`,
    `事件通告已生成（阶段：${phase}）；响应耗时 ${(elapsedMs / 1000).toFixed(1)} 秒`,
    `.modrescue/incidents/${id}/`,
  );
  timeline.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const doc: IncidentDoc = {
    schemaVersion: 1,
    id,
    project: root,
    ...(before.project.module ? { module: before.project.module } : {}),
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    elapsedMs,
    interruptionStart: triage?.firstErrorTime ? new Date(triage.firstErrorTime).toISOString() : startedAt.toISOString(),
    interruptionFromLog: triage?.firstErrorTime !== undefined,
    ...(verified ? { fixedAt: finishedAt.toISOString() } : {}),
    detection: {
      ...(o.log ? { source: o.log.name } : {}),
      ...(firstEvidence ? { line: firstEvidence.line, text: redact(firstEvidence.text.trim()) } : {}),
      ...(triage?.firstErrorTime ? { time: new Date(triage.firstErrorTime).toISOString() } : {}),
    },
    diagnosis: {
      category: diagnosis.category,
      class: diagnosis.class,
      confidence: diagnosis.confidence,
      title: diagnosis.title,
      summary: redact(diagnosis.summary),
      ...(diagnosis.ruleId ? { ruleId: diagnosis.ruleId } : {}),
      secondary: diagnosis.secondary.map((s) => s.category),
      evidence: diagnosis.evidence.map((e) => ({ line: e.line, text: redact(e.text) })),
      modules: diagnosis.modules.map((m) => ({ path: m.path, ...(m.version ? { version: m.version } : {}) })),
      hosts: [...diagnosis.hosts],
      actedOn,
    },
    ...(trigger ? { trigger } : {}),
    scope,
    checks: {
      before: before.checks.map((c) => ({
        id: c.id,
        status: c.status,
        summary: c.summary,
        ...(c.fix?.action ? { fix: c.fix.action } : {}),
      })),
      after: current.checks.map((c) => ({
        id: c.id,
        status: c.status,
        summary: c.summary,
        ...(c.fix?.action ? { fix: c.fix.action } : {}),
      })),
    },
    plan: records,
    verification: {
      verified,
      checks: problemsBefore.map((b) => {
        const a = current.checks.find((c) => c.id === b.id) ?? b;
        return { id: b.id, before: b.status, after: a.status, summary: a.summary.split('\n')[0]! };
      }),
      ...(command ? { command } : {}),
      ...(commandSkipped ? { commandSkipped } : {}),
    },
    mode: o.mode,
    phase,
    outcome,
    timeline,
    ...(dependencyPath ? { dependencyPath } : {}),
    notices,
    journal: o.journal ?? path.join(root, '.modrescue', 'journal.jsonl'),
    ...(o.aliases && Object.keys(o.aliases).length > 0 ? { aliases: o.aliases } : {}),
  };
  const timelineMd = timelineMarkdown(doc, o.lang);
  const dir = await writeIncident(root, doc, {
    'notice.md': notices[o.lang],
    'timeline.md': timelineMd,
  });
  return { incident: doc, dir, notice: notices[o.lang], timeline: timelineMd };
}

/** timelineMarkdown renders the incident's timeline as a Markdown table (time | event | evidence). */
export function timelineMarkdown(doc: IncidentDoc, lang: 'en' | 'zh' = 'en'): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  const head = lang === 'zh' ? '| 时间（UTC） | 事件 | 证据 |' : '| time (UTC) | event | evidence |';
  const rows = doc.timeline.map((t) => {
    const time = t.time.replace('T', ' ').replace('Z', '');
    return `| ${time} | ${cell(lang === 'zh' ? (t.eventZh ?? t.event) : t.event)} | ${cell(t.evidence ?? '')} |`;
  });
  return [head, '| --- | --- | --- |', ...rows].join('\n') + '\n';
}
