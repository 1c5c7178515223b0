/**
 * `modrescue fix <action> [flags] [--apply] [--json]`: the composition root of the fix
 * actions (src/fix). It resolves the Go environment, builds the HTTP client (unless
 * --offline), plans the action, prints the plan and the unified diff of every file, and
 * with --apply performs it (journalled, verified). Dry run by default.
 */
import path from 'node:path';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit.js';
import { parseDuration, parseFlags, usageError, type FlagSpecs } from '../flags.js';
import { httpClientOptions, resolveGoEnv } from '../goenv.js';
import { redact } from '../../shared/redact.js';
import { createHttpClient, type HttpClient } from '../../mod/web/index.js';
import {
  ACTIONS,
  ACTION_IDS,
  applyPlan,
  planAction,
  redactDeep,
  type ActionId,
  type ActionSpec,
  type FixContext,
  type Plan,
} from '../../fix/index.js';
import { describeDangling, inspectJournal } from '../../fix/inspect.js';
import type { JournalEntry } from '../../shared/journal.js';

/** PAUSE_ENV pauses an apply after the given step (crash-safety tests kill the process there). */
export const PAUSE_ENV = 'MODRESCUE_FIX_PAUSE_AT';

export const usage = `usage: modrescue fix <action> [flags] [--apply] [--json] [--project dir] [--journal file]

Fix plans a reversible recovery action and prints the plan (why, risk, undo, steps)
and the unified diff of every file it would touch. Nothing changes without --apply;
with --apply the action is performed, journalled in .modrescue/journal.jsonl and
verified with the doctor checks that concern it. 'modrescue undo' takes it back.

Actions:
${ACTIONS.map((a) => `  ${a.usage}\n      ${a.summary}`).join('\n')}

Action flags:
  proxy      --set list (a GOPROXY list), --scope shell|go-env|ci (default: ci in CI,
             else go-env), --mirror url (repeatable; else modrescue.yaml fix.mirrors,
             else well-known public mirrors, probed), --ci-file file (GitLab dotenv)
  cache      --purge module@version (repeatable), --corrupt, --warm
  replace    --add old[@v]=new[@v] (repeatable), --drop old[@v] (repeatable)
  pin        module@version
  private    --pattern glob, --ssh | --netrc-token-env VAR [--netrc-login name],
             --route proxy|direct (default: proxy when GOPROXY serves the modules),
             --scope go-env|ci, --ci-file file
  toolchain  --prefer env|go.mod, --scope go-env|ci, --ci-file file
  rollback   --to ref | --last-stable, --files-only, --push [--remote name]

Common flags:
  --apply            perform the action (default: dry run)
  --json             print a JSON document (schemaVersion 1): plan, applied, entry
  --project dir      the project (default: the current directory; go.mod is searched upwards)
  --journal file     the journal (default: <module root>/.modrescue/journal.jsonl)
  --offline          no network: steps that need it are refused
  --timeout d        timeout of one network request or git command (default 10s)
  --no-verify        do not re-run the doctor checks after applying

Exit status: 0 plan printed or applied and verified, 1 applied but verification
failed, or refused (dirty work tree, stale plan, nothing verifiable), 2 usage,
3 could not finish (network, no project, an operation failed and was rolled back).`;

/** ACTION_FLAGS lists the flags each action accepts (besides the common ones). */
const ACTION_FLAGS: Record<ActionId, readonly string[]> = {
  proxy: ['set', 'scope', 'mirror', 'ci-file'],
  cache: ['purge', 'corrupt', 'warm'],
  replace: ['add', 'drop'],
  pin: [],
  sum: [],
  private: ['pattern', 'ssh', 'netrc-token-env', 'netrc-login', 'route', 'scope', 'ci-file'],
  toolchain: ['prefer', 'scope', 'ci-file'],
  rollback: ['to', 'last-stable', 'files-only', 'push', 'remote'],
};

const SPECS: FlagSpecs = {
  apply: { kind: 'bool' },
  json: { kind: 'bool' },
  project: { kind: 'string', aliases: ['C'] },
  journal: { kind: 'string' },
  offline: { kind: 'bool' },
  timeout: { kind: 'string' },
  'no-verify': { kind: 'bool' },
  set: { kind: 'string' },
  scope: { kind: 'string' },
  mirror: { kind: 'list' },
  'ci-file': { kind: 'string' },
  purge: { kind: 'list' },
  corrupt: { kind: 'bool' },
  warm: { kind: 'bool' },
  add: { kind: 'list' },
  drop: { kind: 'list' },
  pattern: { kind: 'string' },
  ssh: { kind: 'bool' },
  'netrc-token-env': { kind: 'string' },
  'netrc-login': { kind: 'string' },
  route: { kind: 'string' },
  prefer: { kind: 'string' },
  to: { kind: 'string' },
  'last-stable': { kind: 'bool' },
  'files-only': { kind: 'bool' },
  push: { kind: 'bool' },
  remote: { kind: 'string' },
};

const COMMON = new Set(['apply', 'json', 'project', 'journal', 'offline', 'timeout', 'no-verify']);

/** buildSpec turns parsed flags into an ActionSpec, rejecting flags that do not belong to the action. */
function buildSpec(action: ActionId, flags: ReturnType<typeof parseFlags>): ActionSpec {
  for (const { name } of flags.ordered) {
    if (!COMMON.has(name) && !ACTION_FLAGS[action].includes(name)) {
      throw usageError(
        `fix ${action}: flag --${name} does not apply (flags of ${action}: ${ACTION_FLAGS[action].map((f) => '--' + f).join(', ') || 'none'})`,
      );
    }
  }
  const v = flags.values;
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const list = (k: string) => (Array.isArray(v[k]) ? (v[k] as string[]) : undefined);
  const bool = (k: string) => v[k] === true;
  const scope = <S extends string>(allowed: readonly S[]): S | undefined => {
    const s = str('scope');
    if (s === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(s))
      throw usageError(`fix ${action}: --scope must be ${allowed.join(', ')}`);
    return s as S;
  };
  const args = flags.args;
  if (action !== 'pin' && args.length > 0)
    throw usageError(`fix ${action}: unexpected argument ${JSON.stringify(args[0])}`);
  const opt = <T>(k: string, x: T | undefined) => (x === undefined ? {} : { [k]: x });
  switch (action) {
    case 'proxy':
      return {
        action,
        ...opt('set', str('set')),
        ...opt('scope', scope(['shell', 'go-env', 'ci'] as const)),
        ...opt('mirrors', list('mirror')),
        ...opt('ciFile', str('ci-file')),
      };
    case 'cache':
      return { action, ...opt('purge', list('purge')), corrupt: bool('corrupt'), warm: bool('warm') };
    case 'replace':
      return { action, ...opt('add', list('add')), ...opt('drop', list('drop')) };
    case 'pin':
      if (args.length !== 1) throw usageError('fix pin: give exactly one module@version');
      return { action, module: args[0]! };
    case 'sum':
      return { action };
    case 'private': {
      const route = () => {
        const r = str('route');
        if (r !== undefined && r !== 'proxy' && r !== 'direct')
          throw usageError('fix private: --route must be proxy or direct');
        return r as 'proxy' | 'direct' | undefined;
      };
      const pattern = str('pattern');
      if (pattern === undefined)
        throw usageError('fix private: --pattern is required (e.g. --pattern "git.corp.example.com/*")');
      if (bool('ssh') && str('netrc-token-env') !== undefined) {
        throw usageError('fix private: use either --ssh or --netrc-token-env, not both');
      }
      return {
        action,
        pattern,
        ssh: bool('ssh'),
        ...opt('netrcTokenEnv', str('netrc-token-env')),
        ...opt('netrcLogin', str('netrc-login')),
        ...opt('route', route()),
        ...opt('scope', scope(['go-env', 'ci'] as const)),
        ...opt('ciFile', str('ci-file')),
      };
    }
    case 'toolchain': {
      const prefer = str('prefer');
      if (prefer !== undefined && prefer !== 'env' && prefer !== 'go.mod') {
        throw usageError('fix toolchain: --prefer must be env or go.mod');
      }
      return {
        action,
        ...opt('prefer', prefer as 'env' | 'go.mod' | undefined),
        ...opt('scope', scope(['go-env', 'ci'] as const)),
        ...opt('ciFile', str('ci-file')),
      };
    }
    case 'rollback':
      if (str('to') !== undefined && bool('last-stable'))
        throw usageError('fix rollback: use either --to or --last-stable');
      return {
        action,
        ...opt('to', str('to')),
        lastStable: bool('last-stable'),
        filesOnly: bool('files-only'),
        push: bool('push'),
        ...opt('remote', str('remote')),
      };
  }
}

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const action = args[0];
  if (action === undefined || action.startsWith('-')) {
    throw usageError(`fix: name an action (${ACTION_IDS.join(', ')}); run 'modrescue fix --help'`);
  }
  if (!(ACTION_IDS as readonly string[]).includes(action)) {
    throw usageError(`fix: unknown action "${action}" (actions: ${ACTION_IDS.join(', ')})`);
  }
  const flags = parseFlags(args.slice(1), SPECS, { interspersed: true });
  const spec = buildSpec(action as ActionId, flags);
  const json = flags.values['json'] === true;
  const apply = flags.values['apply'] === true;
  const timeoutMs =
    typeof flags.values['timeout'] === 'string' ? parseDuration(flags.values['timeout'], '--timeout') : 10_000;
  const dir = ctx.resolve(typeof flags.values['project'] === 'string' ? flags.values['project'] : '.');
  const env = await resolveGoEnv({ env: ctx.io.env, cwd: dir });
  let fetch: HttpClient | undefined;
  if (flags.values['offline'] !== true) {
    fetch = createHttpClient(
      await httpClientOptions(env, { retries: 1, timeoutMs: Math.max(timeoutMs, 60_000), connectTimeoutMs: timeoutMs }),
    );
  }
  const pauseAt = ctx.io.env[PAUSE_ENV];
  const fixCtx: FixContext = {
    dir,
    env,
    processEnv: ctx.io.env,
    ...(fetch ? { fetch } : {}),
    ...(typeof flags.values['journal'] === 'string' ? { journal: ctx.resolve(flags.values['journal']) } : {}),
    ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
    timeoutMs,
    verify: flags.values['no-verify'] !== true,
    onProgress: (line) => {
      if (!json) ctx.err(`modrescue: ${line}`);
    },
    ...(pauseAt !== undefined && pauseAt !== ''
      ? {
          hooks: {
            afterStep: async (step: number) => {
              if (step !== Number(pauseAt)) return;
              ctx.err(`modrescue: paused after step ${step} (${PAUSE_ENV})`);
              await new Promise((resolve) => setTimeout(resolve, 3_600_000));
            },
          },
        }
      : {}),
  };
  // Shell scope: stdout carries only the export lines, for eval.
  const shellOut = spec.action === 'proxy' && apply && (spec.scope ?? '') === 'shell';
  const say = (line: string) => (shellOut ? ctx.err(line) : ctx.out(redact(line)));
  try {
    const report = await inspectJournal(fixCtx);
    if (!json) {
      for (const d of report.dangling)
        ctx.err(`modrescue: warning: ${describeDangling(d, path.dirname(report.journal))}`);
      for (const e of report.errors) ctx.err(`modrescue: warning: ${e.file}:${e.line}:${e.col}: ${e.message}`);
    }
    const plan = await planAction(spec, fixCtx);
    if (!apply || plan.refused) {
      if (json) ctx.json({ plan: planView(plan), applied: false });
      else {
        for (const line of renderPlan(plan, false)) say(line);
      }
      return plan.refused ? EXIT.FINDINGS : EXIT.OK;
    }
    if (!json) for (const line of renderPlan(plan, true)) say(line);
    const entry: JournalEntry = await applyPlan(plan, fixCtx);
    if (json) {
      ctx.json({ plan: planView(plan), applied: true, entry });
    } else {
      for (const line of renderApplied(plan, entry)) say(line);
      if (shellOut) for (const line of plan.output) ctx.out(line);
    }
    return entry.outcome?.status === 'verify-failed' ? EXIT.FINDINGS : EXIT.OK;
  } finally {
    await fetch?.close().catch(() => undefined);
  }
}

/** planView is the plan as --json prints it: operations without file contents, every string redacted. */
export function planView(plan: Plan): Record<string, unknown> {
  const { ops, ...rest } = plan;
  return redactDeep({
    ...rest,
    ops: ops.map((op) => {
      if (op.kind !== 'write-file') return op;
      const { content: _content, encoding: _encoding, ...meta } = op;
      return meta;
    }),
  });
}

/** renderPlan prints a plan for people. */
export function renderPlan(plan: Plan, applying: boolean): string[] {
  const out: string[] = [];
  const mode = plan.refused ? 'refused' : applying ? 'applying' : 'dry run, nothing was changed';
  out.push(`modrescue fix ${plan.action} (${mode}) — plan ${plan.id}`);
  out.push(`why:   ${plan.why}`);
  out.push(`risk:  ${plan.risk.level} — ${plan.risk.note}`);
  out.push(`undo:  ${plan.undo.replace('<id>', plan.id)}`);
  if (plan.steps.length > 0) {
    out.push('steps:');
    plan.steps.forEach((s, i) => out.push(`  ${i + 1}. ${s.description}${s.trust ? ` [${s.trust}]` : ''}`));
  }
  if (plan.notes.length > 0) {
    out.push('notes:');
    for (const n of plan.notes) out.push(`  - ${n}`);
  }
  if (plan.output.length > 0 && !applying) {
    out.push('would print (for eval):');
    for (const l of plan.output) out.push(`  ${l}`);
  }
  for (const d of plan.diffs) out.push('', d.unified.replace(/\n$/, ''));
  if (plan.refused) out.push('', `refused: ${plan.refused}`);
  else if (plan.noop) out.push('', 'nothing to do.');
  else if (!applying) out.push('', 'Run the same command with --apply to perform it.');
  return out;
}

/** renderApplied prints what an apply did. */
function renderApplied(plan: Plan, entry: JournalEntry): string[] {
  const out: string[] = [''];
  out.push(`applied ${entry.id} (journal ${plan.journal})`);
  for (const f of entry.files) out.push(`  wrote ${f.path}${f.backup ? ` (backup ${f.backup})` : ''}`);
  for (const g of entry.git) {
    const where = g.kind === 'push' ? ` to ${g.remote}` : '';
    out.push(`  git: ${g.kind} ${g.branch}${where} at ${g.sha.slice(0, 12)}`);
  }
  for (const c of entry.cache) out.push(`  cache: ${c.kind} ${c.path}@${c.version} (${c.entries.length} entries)`);
  const ver = entry.outcome?.verification ?? [];
  if (ver.length > 0) {
    out.push('verification:');
    for (const v of ver) out.push(`  ${v.status.padEnd(4)} ${v.check}: ${v.summary}`);
  }
  if (entry.outcome?.status === 'verify-failed')
    out.push('the action was applied but verification still fails (see above).');
  out.push(`undo: modrescue undo ${entry.id}`);
  return out;
}
