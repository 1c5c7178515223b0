/**
 * The words of the post-incident record, in English and Chinese: headings, trigger and
 * root cause per failure category, and the prevention items. The category ids are
 * triage's (src/triage/types.ts); an id not listed here gets the `unknown` texts.
 */
import type { Bilingual } from '../shared/incident-terms.js';

/** T is one text in both languages. */
export type T = Bilingual;

/** HEADINGS are the section titles of the report. */
export const HEADINGS = {
  title: { en: 'Post-incident record', zh: '事后复盘记录' },
  notice: { en: 'Incident notice', zh: '事件通告' },
  summary: { en: 'Summary', zh: '概要' },
  timeline: { en: 'Timeline (UTC)', zh: '时间线（UTC）' },
  time: { en: 'time', zh: '时间' },
  event: { en: 'event', zh: '事件' },
  evidence: { en: 'evidence', zh: '证据' },
  triggerRoot: { en: 'Trigger and root cause', zh: '触发因素与根本原因' },
  trigger: { en: 'Trigger', zh: '触发因素' },
  rootCause: { en: 'Root cause', zh: '根本原因' },
  detection: { en: 'Detection', zh: '发现过程' },
  impact: { en: 'Impact', zh: '影响' },
  actions: { en: 'Actions taken', zh: '已采取的措施' },
  notApplied: { en: 'Planned but not applied', zh: '已计划但未执行' },
  path: { en: 'Dependency path of the failing module', zh: '故障模块的依赖路径' },
  well: { en: 'What went well', zh: '做得好的地方' },
  badly: { en: 'What went badly', zh: '做得不好的地方' },
  prevention: { en: 'Prevention items', zh: '预防措施' },
  verification: { en: 'Verification', zh: '验证' },
} as const satisfies Record<string, T>;

/** CategoryStory says, for one failure category, what typically triggers it and what lets it happen. */
export interface CategoryStory {
  /** The typical triggering event. */
  readonly trigger: T;
  /** The underlying weakness that let the trigger break the build. */
  readonly rootCause: T;
  /** What went badly, beyond what the facts of the run show. */
  readonly badly: T;
  /** Prevention items most relevant to it (ids of PREVENTION). */
  readonly prevention: readonly PreventionId[];
}

/** PreventionId names one of the standing prevention items. */
export type PreventionId = 'proxy-cache' | 'review-gate' | 'gomod-lint' | 'goprivate-policy';

const story = (
  trigger: [string, string],
  rootCause: [string, string],
  badly: [string, string],
  prevention: PreventionId[],
): CategoryStory => ({
  trigger: { en: trigger[0], zh: trigger[1] },
  rootCause: { en: rootCause[0], zh: rootCause[1] },
  badly: { en: badly[0], zh: badly[1] },
  prevention,
});

/** STORIES maps a triage category to its story. */
export const STORIES: Readonly<Record<string, CategoryStory>> = {
  'checksum-mismatch': story(
    [
      'A go.sum line changed (a merge resolved by hand, a module re-published under the same version, or a mirror serving other bytes).',
      'go.sum 中的某一行发生了变化（手工解决合并冲突、同一版本被重新发布，或镜像返回了不同的内容）。',
    ],
    [
      'go.sum lines are not checked against the checksum database before they reach the main branch, so a wrong hash is found only when a build downloads the module.',
      'go.sum 的内容在合入主干之前没有对照校验和数据库进行核验，错误的哈希只有在构建下载该模块时才会暴露。',
    ],
    [
      'The wrong hash was merged: no gate compared go.sum with the checksum database before the merge.',
      '错误的哈希被合入了主干：合并前没有任何检查将 go.sum 与校验和数据库进行比对。',
    ],
    ['review-gate', 'gomod-lint', 'proxy-cache'],
  ),
  'missing-gosum': story(
    [
      'A change to go.mod (a new or upgraded dependency) was merged without the matching go.sum lines.',
      '对 go.mod 的修改（新增或升级依赖）在合入时没有附带相应的 go.sum 条目。',
    ],
    [
      "Nothing checks that go.mod and go.sum are tidy before a merge; developers' module caches hide the gap on their machines.",
      '合并前没有检查 go.mod 与 go.sum 是否整洁一致；开发者本机的模块缓存掩盖了这一缺口。',
    ],
    [
      'The build on main broke for a change that a tidy check would have stopped in review.',
      '本可在代码评审阶段被整洁性检查拦下的改动，导致了主干构建失败。',
    ],
    ['gomod-lint', 'review-gate'],
  ),
  'proxy-unreachable': story(
    [
      'The module proxy (or the network path to it) went down; nothing in the repository changed.',
      '模块代理（或通往它的网络）出现故障；代码仓库本身没有任何变化。',
    ],
    [
      'Every build depends on one proxy: a comma-separated GOPROXY falls back only on 404/410, not on connection errors, and there is no cache of our own in front of it.',
      '所有构建都依赖同一个代理：以逗号分隔的 GOPROXY 只会在 404/410 时回退到下一个地址，遇到连接错误不会回退；前面也没有我们自己的缓存。',
    ],
    [
      'One unreachable host stopped every build, although other proxies were healthy.',
      '尽管其他代理运行正常，一个无法访问的主机却让所有构建都停了下来。',
    ],
    ['proxy-cache'],
  ),
  'proxy-tls': story(
    [
      'A certificate changed or expired, or an intercepting proxy appeared on the path to the module proxy.',
      '证书发生变更或过期，或者通往模块代理的链路上出现了中间人代理。',
    ],
    [
      'The build machines trust a certificate chain nobody monitors, and every build depends on it.',
      '构建机器信任的证书链无人监控，而所有构建都依赖于它。',
    ],
    [
      'Certificate expiry was not monitored, so the first warning was a failed build.',
      '没有监控证书有效期，第一个告警就是一次失败的构建。',
    ],
    ['proxy-cache'],
  ),
  'proxy-http-error': story(
    [
      'The proxy started answering with errors for a module version (a deleted or moved tag upstream, or a failing proxy).',
      '代理开始对某个模块版本返回错误（上游删除或移动了标签，或者代理本身出现故障）。',
    ],
    [
      'Builds depend on upstream versions staying available: no proxy of our own keeps a version once it has been fetched.',
      '构建依赖于上游版本始终可用：没有我们自己的代理在首次获取后长期保存这些版本。',
    ],
    [
      'A release depended on a version that could disappear, and nothing kept a copy.',
      '一次发布依赖的版本可能随时消失，而没有任何地方保存了它的副本。',
    ],
    ['proxy-cache', 'review-gate'],
  ),
  'unknown-revision': story(
    [
      'A required tag or commit was deleted or moved upstream after the project started to depend on it.',
      '在项目依赖某个标签或提交之后，上游删除或移动了它。',
    ],
    [
      'Builds depend on upstream versions staying available: no proxy of our own keeps a version once it has been fetched.',
      '构建依赖于上游版本始终可用：没有我们自己的代理在首次获取后长期保存这些版本。',
    ],
    [
      'A release depended on a version that could disappear, and nothing kept a copy.',
      '一次发布依赖的版本可能随时消失，而没有任何地方保存了它的副本。',
    ],
    ['proxy-cache', 'review-gate'],
  ),
  'sumdb-private': story(
    [
      'A private module started to be used on build machines that had no GOPRIVATE/GONOSUMDB setting for it.',
      '构建机器开始使用某个私有模块，但这些机器上没有为它配置 GOPRIVATE/GONOSUMDB。',
    ],
    [
      'There is no organisation-wide GOPRIVATE policy, so each machine decides on its own whether private paths go to the public checksum database.',
      '公司没有统一的 GOPRIVATE 策略，每台机器各自决定私有路径是否会被提交到公共校验和数据库。',
    ],
    [
      "The private module's path was sent to the public checksum database (an information leak as well as a failure).",
      '私有模块的路径被发送到了公共校验和数据库（这既是一次故障，也是一次信息泄露）。',
    ],
    ['goprivate-policy', 'proxy-cache'],
  ),
  'private-auth': story(
    [
      'Credentials for a private repository expired, were rotated, or were never configured on these build machines.',
      '私有仓库的访问凭据已过期、被轮换，或从未在这些构建机器上配置。',
    ],
    [
      'Access to private modules depends on per-machine credentials with no owner and no expiry monitoring.',
      '对私有模块的访问依赖于各台机器上的凭据，这些凭据无人负责，也没有过期监控。',
    ],
    [
      'The credential problem was found by a failed build rather than by monitoring.',
      '凭据问题是通过构建失败发现的，而不是通过监控。',
    ],
    ['goprivate-policy', 'proxy-cache'],
  ),
  'go-version': story(
    [
      'A dependency or the go line now requires a newer Go than the build machines run.',
      '某个依赖或 go 指令现在要求的 Go 版本高于构建机器上的版本。',
    ],
    [
      'The Go toolchain of the build machines is not pinned together with the code that needs it.',
      '构建机器上的 Go 工具链没有与需要它的代码一起锁定版本。',
    ],
    [
      'A dependency upgrade raised the Go requirement without anyone noticing in review.',
      '一次依赖升级提高了 Go 版本要求，却没有人在评审中注意到。',
    ],
    ['review-gate', 'gomod-lint'],
  ),
  unknown: story(
    ['The triggering change could not be identified from the log.', '无法从日志中确定触发此次故障的变更。'],
    [
      'The root cause is not yet known; the failing checks below are the best evidence.',
      '根本原因尚未确定；下面失败的检查项是目前最有力的证据。',
    ],
    [
      'The failure did not match a known signature, which slowed the diagnosis.',
      '故障不符合任何已知特征，拖慢了诊断。',
    ],
    ['proxy-cache', 'review-gate', 'gomod-lint', 'goprivate-policy'],
  ),
};

/** storyFor returns the story of a category (the `unknown` one for an unlisted id). */
export function storyFor(category: string): CategoryStory {
  return STORIES[category] ?? STORIES['unknown']!;
}

/** PreventionItem is one standing prevention measure. */
export interface PreventionItem {
  readonly id: PreventionId;
  readonly title: T;
  readonly text: T;
  /** How to start (a command or a setting). */
  readonly how: string;
}

/** PREVENTION lists the four standing prevention items of seed chapter 4, in report order. */
export const PREVENTION: readonly PreventionItem[] = [
  {
    id: 'proxy-cache',
    title: { en: 'Module proxy with a cache of our own', zh: '自建带缓存的模块代理' },
    text: {
      en: 'Serve every build from a proxy we run, which keeps each version it has fetched and keeps serving it when upstreams fail; list a fallback after it with `|` so connection errors fall through.',
      zh: '让所有构建都通过我们自己运行的代理获取模块：它会保存每个已获取的版本，在上游故障时继续提供服务；并在其后用 `|` 列出备用代理，使连接错误也能自动回退。',
    },
    how: 'modrescue proxy serve -upstream https://proxy.golang.org; GOPROXY=https://goproxy.internal|https://proxy.golang.org',
  },
  {
    id: 'review-gate',
    title: { en: 'Dependency review gate', zh: '依赖变更评审关卡' },
    text: {
      en: 'Check every pull request that changes go.mod or go.sum: new modules and version jumps named for a reviewer, go.sum lines confirmed by the checksum database, Go version requirements, retracted versions.',
      zh: '对每个修改 go.mod 或 go.sum 的合并请求进行检查：列出新增模块和版本跳跃供评审人确认，用校验和数据库核对 go.sum 条目，检查 Go 版本要求和已撤回的版本。',
    },
    how: 'modrescue review (in the pull-request workflow)',
  },
  {
    id: 'gomod-lint',
    title: { en: 'go.mod lint', zh: 'go.mod 规范检查' },
    text: {
      en: 'Fail a pull request whose go.mod/go.sum are not tidy or not normalised, before it can break main.',
      zh: '在合并请求破坏主干之前，拦下 go.mod/go.sum 不整洁或格式不规范的改动。',
    },
    how: 'modrescue lint; go mod tidy && git diff --exit-code go.mod go.sum',
  },
  {
    id: 'goprivate-policy',
    title: { en: 'GOPRIVATE policy', zh: 'GOPRIVATE 统一策略' },
    text: {
      en: 'One organisation-wide list of private module paths, set the same way on developer machines and every runner (GOPRIVATE, or GONOSUMDB alone when the company proxy serves them), owned by one team.',
      zh: '由一个团队负责维护全公司统一的私有模块路径列表，并以相同方式配置到开发者机器和所有构建执行器上（使用 GOPRIVATE；若私有模块由公司代理提供，则只配置 GONOSUMDB）。',
    },
    how: 'go env -w GOPRIVATE=<patterns> (in the runner image); modrescue doctor --only private-modules',
  },
];

/** PHASE_TEXT names the response phases. */
export const PHASE_TEXT: Readonly<Record<string, T>> = {
  investigating: { en: 'investigating', zh: '调查中' },
  identified: { en: 'identified', zh: '已定位' },
  monitoring: { en: 'monitoring', zh: '观察中' },
  resolved: { en: 'resolved', zh: '已解决' },
};

/** OUTCOME_TEXT says how the response ended. */
export const OUTCOME_TEXT: Readonly<Record<string, T>> = {
  fixed: { en: 'fixed and verified', zh: '已修复并验证' },
  'not-fixed': { en: 'not fixed', zh: '尚未修复' },
  planned: { en: 'planned only (dry run)', zh: '仅制定了计划（演练模式）' },
};

/** STATUS_TEXT names an action's status. */
export const STATUS_TEXT: Readonly<Record<string, T>> = {
  applied: { en: 'applied', zh: '已执行' },
  undone: { en: 'undone', zh: '已撤销' },
  declined: { en: 'declined', zh: '已拒绝' },
  refused: { en: 'refused', zh: '被拒绝执行' },
  noop: { en: 'nothing to do', zh: '无需操作' },
  failed: { en: 'failed', zh: '失败' },
  planned: { en: 'planned', zh: '已计划' },
  pending: { en: 'interrupted (pending)', zh: '中断（未完成）' },
  done: { en: 'applied', zh: '已执行' },
};

/** RISK_TEXT names a risk level. */
export const RISK_TEXT: Readonly<Record<string, T>> = {
  low: { en: 'low risk', zh: '低风险' },
  medium: { en: 'medium risk', zh: '中等风险' },
  high: { en: 'high risk', zh: '高风险' },
};
