/**
 * The incident notice of seed chapter 1: interruption time, impact scope, preliminary
 * diagnosis, response status (phase) and when the next update is due, in English or
 * Chinese, as Markdown. renderNotice takes a triage result and the incident context, so
 * that `respond` and `report` reuse it as the incident moves through its phases.
 */
import type { Bilingual, Lang, Phase } from '../shared/incident-terms.js';
import { confidenceWord } from './format.js';
import type { Category, TriageResult } from './types.js';

export { PHASES, type Lang, type Phase } from '../shared/incident-terms.js';

/** NoticeContext is what the notice says beyond the triage result. */
export interface NoticeContext {
  readonly lang: Lang;
  readonly phase: Phase;
  /** The time the notice is written. */
  readonly now: Date;
  /** Minutes until the next update (ignored when resolved). Default 30. */
  readonly nextUpdateMinutes?: number;
  /** Impact scope; the log's own hints (result.context) fill what is not given. */
  readonly job?: string;
  readonly pipeline?: string;
  readonly branch?: string;
  readonly service?: string;
  /** Where the log came from (a file, a job URL), for the reader. */
  readonly source?: string;
  /** What has been done so far (phase identified/monitoring/resolved), one line each. */
  readonly actions?: readonly string[];
}

type Text = Bilingual;

/** What each category means, in each language (one clause). */
const CATEGORY_TEXT: Readonly<Record<Category | 'unknown', Text>> = {
  'proxy-unreachable': {
    en: 'the Go module proxy or checksum database cannot be reached from the build machines',
    zh: '构建机器无法连接 Go 模块代理或校验和数据库',
  },
  'proxy-tls': {
    en: 'TLS certificates of the module proxy are rejected (an intercepting proxy, a missing CA or an expired certificate)',
    zh: '模块代理的 TLS 证书校验失败（中间人代理、缺少 CA 证书或证书过期）',
  },
  'proxy-http-error': {
    en: 'the Go module proxy or checksum database answers with HTTP errors',
    zh: 'Go 模块代理或校验和数据库返回 HTTP 错误',
  },
  'checksum-mismatch': {
    en: 'a downloaded module does not match its recorded checksum (go.sum or the checksum database)',
    zh: '下载的模块与记录的校验和（go.sum 或校验和数据库）不一致',
  },
  'missing-gosum': {
    en: 'go.mod/go.sum are missing entries the build needs',
    zh: 'go.mod/go.sum 缺少构建所需的条目',
  },
  'sumdb-private': {
    en: 'a private module is being verified against the public checksum database',
    zh: '私有模块被提交到公共校验和数据库校验',
  },
  'private-auth': {
    en: 'credentials for a private module repository are missing or rejected',
    zh: '私有模块仓库的访问凭据缺失或被拒绝',
  },
  'unknown-revision': {
    en: 'a required module version or commit does not exist (or is invalid)',
    zh: '所依赖的模块版本或提交不存在（或无效）',
  },
  'module-path-mismatch': {
    en: 'a dependency declares a different module path than the one required',
    zh: '某个依赖声明的模块路径与引用路径不一致',
  },
  'ambiguous-import/package-not-provided': {
    en: 'an imported package is provided by no module, or by several',
    zh: '某个导入的包没有模块提供，或被多个模块同时提供',
  },
  'go-version': {
    en: 'the Go toolchain version does not match what the module or a dependency requires',
    zh: 'Go 工具链版本与模块或依赖的要求不匹配',
  },
  'retracted-or-deprecated': {
    en: 'a dependency version was retracted or the module deprecated by its author',
    zh: '某个依赖版本已被作者撤回，或模块已被弃用',
  },
  'vendor-inconsistent': {
    en: 'the vendor directory is out of sync with go.mod',
    zh: 'vendor 目录与 go.mod 不一致',
  },
  'gomod-syntax': {
    en: 'go.mod cannot be parsed or contains an invalid directive',
    zh: 'go.mod 无法解析或包含无效指令',
  },
  'disk-or-cache': {
    en: 'the build machines ran out of disk space or the Go caches are unwritable or corrupt',
    zh: '构建机器磁盘空间不足，或 Go 缓存不可写、已损坏',
  },
  infra: {
    en: 'the CI infrastructure failed (runner lost, killed or out of memory, image or scheduling problems); this is not a Go module problem',
    zh: 'CI 基础设施故障（执行器丢失、被终止或内存不足，镜像或调度问题），并非 Go 模块问题',
  },
  code: {
    en: 'the code itself fails (compile errors or failing tests); this is not a Go module problem',
    zh: '代码本身出错（编译错误或测试失败），并非 Go 模块问题',
  },
  unknown: {
    en: 'the cause is not yet known: no known failure signature was found in the log',
    zh: '原因尚未确定：日志中未发现已知的故障特征',
  },
};

const CLASS_TEXT: Readonly<Record<string, Text>> = {
  dependency: { en: 'dependency change', zh: '依赖变更' },
  environment: { en: 'environment (network, toolchain, machines)', zh: '环境问题（网络、工具链、机器）' },
  code: { en: 'code change', zh: '代码变更' },
  infra: { en: 'infrastructure', zh: '基础设施' },
  unknown: { en: 'not yet classified', zh: '尚未归类' },
};

const PHASE_TEXT: Readonly<Record<Phase, Text & { title: Text }>> = {
  investigating: {
    title: { en: 'Investigating', zh: '调查中' },
    en: 'We are investigating. The preliminary diagnosis below comes from the failed job log and is being verified.',
    zh: '我们正在调查。以下初步诊断来自失败任务的日志，正在核实中。',
  },
  identified: {
    title: { en: 'Identified', zh: '已定位' },
    en: 'The cause has been identified and a fix is being applied.',
    zh: '已定位原因，正在实施修复。',
  },
  monitoring: {
    title: { en: 'Monitoring', zh: '观察中' },
    en: 'A fix has been applied; we are watching new builds to confirm that they pass.',
    zh: '修复已实施，正在观察新的构建以确认恢复。',
  },
  resolved: {
    title: { en: 'Resolved', zh: '已解决' },
    en: 'Builds are passing again. A post-incident review will follow.',
    zh: '构建已恢复正常，后续将进行事后复盘。',
  },
};

const CONFIDENCE_TEXT: Readonly<Record<'high' | 'medium' | 'low', Text>> = {
  high: { en: 'high confidence', zh: '置信度高' },
  medium: { en: 'medium confidence', zh: '置信度中等' },
  low: { en: 'low confidence', zh: '置信度低' },
};

/** formatUtc renders a date as `YYYY-MM-DD HH:MM UTC` (seconds kept when asked). */
export function formatUtc(d: Date, seconds = false): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, seconds ? 19 : 16)} UTC`;
}

/** parseLogTime reads a log timestamp (ISO 8601 with up to 9 fraction digits); undefined when invalid. */
export function parseLogTime(ts: string | undefined): Date | undefined {
  if (!ts) return undefined;
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/.exec(ts);
  if (!m) return undefined;
  const frac = m[2] ? '.' + m[2].slice(0, 3).padEnd(3, '0') : '';
  const d = new Date(`${m[1]}${frac}${m[3] ?? 'Z'}`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';

/**
 * renderNotice writes the incident notice for a triage result as Markdown. It never
 * throws; missing facts are said to be unknown rather than invented.
 */
export function renderNotice(result: TriageResult, ctx: NoticeContext): string {
  const L = ctx.lang;
  const zh = L === 'zh';
  const phase = PHASE_TEXT[ctx.phase];
  const job = ctx.job ?? result.context['job'];
  const pipeline = ctx.pipeline ?? result.context['pipeline'];
  const branch = ctx.branch ?? result.context['branch'];
  const logTime = parseLogTime(result.firstErrorTime);
  const since = logTime ?? ctx.now;
  const next =
    ctx.phase === 'resolved' ? undefined : new Date(ctx.now.getTime() + (ctx.nextUpdateMinutes ?? 30) * 60_000);
  const cat = CATEGORY_TEXT[result.category];
  const klass = CLASS_TEXT[result.class] ?? CLASS_TEXT['unknown']!;
  const conf = CONFIDENCE_TEXT[confidenceWord(result.confidence)];
  const moduleNames = result.modules.slice(0, 5).map((m) => code(m.version ? `${m.path}@${m.version}` : m.path));
  const out: string[] = [];

  // Title and status line.
  const what =
    result.category === 'unknown'
      ? zh
        ? 'CI 构建失败'
        : 'CI builds failing'
      : zh
        ? `CI 构建失败：${result.category}`
        : `CI builds failing: ${result.category}`;
  out.push(zh ? `# 事件通告：${what}` : `# Incident notice: ${what}`, '');
  const status = zh
    ? `**状态：** ${phase.title.zh} · **发布时间：** ${formatUtc(ctx.now)}${next ? ` · **下次更新：** ${formatUtc(next)} 前` : ''}`
    : `**Status:** ${phase.title.en} · **Posted:** ${formatUtc(ctx.now)}${next ? ` · **Next update:** by ${formatUtc(next)}` : ''}`;
  out.push(status, '');

  // Interruption time.
  const timeSource = logTime
    ? zh
      ? '（取自失败日志中的时间戳）'
      : ' (from the timestamps in the failed log)'
    : zh
      ? '（日志中没有时间戳，此处为本通告的生成时间）'
      : ' (the log has no timestamps; this is the time of this notice)';
  out.push(
    zh
      ? `**中断开始时间：** ${formatUtc(since, true)}${timeSource}`
      : `**Interruption started:** ${formatUtc(since, true)}${timeSource}`,
    '',
  );

  // Impact scope.
  const scope: string[] = [];
  if (ctx.service) scope.push(zh ? `服务 ${code(ctx.service)}` : `service ${code(ctx.service)}`);
  if (job) scope.push(zh ? `任务 ${code(job)}` : `job ${code(job)}`);
  if (pipeline) scope.push(zh ? `流水线 ${code(pipeline)}` : `pipeline ${code(pipeline)}`);
  if (branch) scope.push(zh ? `分支 ${code(branch)}` : `branch ${code(branch)}`);
  const scopeText =
    scope.length > 0
      ? scope.join(zh ? '，' : ', ')
      : zh
        ? '失败的 CI 任务（日志中未写明任务、流水线或分支）'
        : 'the failed CI job (the log does not name the job, pipeline or branch)';
  const moduleImpact =
    result.class === 'code' || result.class === 'infra'
      ? zh
        ? '依赖同一问题的其他构建可能同样受影响。'
        : 'Other builds that hit the same problem may fail the same way.'
      : zh
        ? '所有需要下载或校验相同 Go 模块的构建和发布都可能受影响，合并与部署需要等待构建恢复。'
        : 'Every build and release that downloads or verifies the same Go modules is likely affected; merges and deployments that need a green build are blocked.';
  out.push(zh ? `**影响范围：** ${scopeText}。${moduleImpact}` : `**Impact:** ${scopeText}. ${moduleImpact}`, '');

  // Preliminary diagnosis.
  if (result.category === 'unknown') {
    out.push(
      zh
        ? `**初步诊断：** ${cat.zh}。需要人工阅读日志。`
        : `**Preliminary diagnosis:** ${cat.en}. The log needs to be read by a person.`,
      '',
    );
  } else {
    const ev = result.evidence.find((e) => e.line === result.firstErrorAt) ?? result.evidence[0];
    const evidence = ev
      ? zh
        ? `关键日志（第 ${ev.line} 行）：${code(ev.text.trim().slice(0, 200))}。`
        : `Key log line (line ${ev.line}): ${code(ev.text.trim().slice(0, 200))}.`
      : '';
    const mods =
      moduleNames.length > 0
        ? zh
          ? `涉及模块：${moduleNames.join('、')}。`
          : `Modules involved: ${moduleNames.join(', ')}.`
        : '';
    const hosts =
      result.hosts.length > 0
        ? zh
          ? `涉及主机：${result.hosts.slice(0, 3).map(code).join('、')}。`
          : `Hosts involved: ${result.hosts.slice(0, 3).map(code).join(', ')}.`
        : '';
    const also =
      result.secondary.length > 0
        ? zh
          ? `同时出现的次要现象：${result.secondary.map((s) => code(s.category)).join('、')}。`
          : `Also seen (consequences or side issues): ${result.secondary.map((s) => code(s.category)).join(', ')}.`
        : '';
    out.push(
      zh
        ? `**初步诊断：** ${cat.zh}（类别 ${code(result.category)}，属于${klass.zh}，${conf.zh}）。${evidence}${mods}${hosts}${also}`
        : `**Preliminary diagnosis:** ${cat.en} (category ${code(result.category)}, ${klass.en}, ${conf.en}). ${evidence} ${mods} ${hosts} ${also}`
            .replace(/ +/g, ' ')
            .trim(),
      '',
    );
  }

  // Response status.
  out.push(zh ? `**处理进展：** ${phase.zh}` : `**Response:** ${phase.en}`);
  if (ctx.actions && ctx.actions.length > 0) {
    out.push('');
    for (const a of ctx.actions) out.push(`- ${a}`);
  } else if (ctx.phase === 'investigating' || ctx.phase === 'identified') {
    const steps = result.nextSteps.slice(0, 3);
    if (steps.length > 0) {
      out.push('', zh ? '下一步计划（按顺序执行）：' : 'Next steps:');
      // Step titles are English (they come from the rule files); in Chinese only the commands are listed.
      const listed = zh ? steps.filter((s) => s.command) : steps;
      listed.forEach((s, i) =>
        out.push(
          zh ? `${i + 1}. 执行 ${code(s.command!)}` : `${i + 1}. ${s.title}${s.command ? ` — ${code(s.command)}` : ''}`,
        ),
      );
    }
  }
  out.push('');

  // Next update.
  if (next) {
    out.push(
      zh
        ? `**下次更新：** ${formatUtc(next)} 之前；如情况有变将提前通知。`
        : `**Next update:** by ${formatUtc(next)}, or sooner if the situation changes.`,
    );
  } else {
    out.push(zh ? '**本次事件已结束，不再另行更新。**' : '**This is the final update for this incident.**');
  }
  if (ctx.source) out.push('', zh ? `_日志来源：${ctx.source}_` : `_Log source: ${ctx.source}_`);
  return out.join('\n') + '\n';
}
