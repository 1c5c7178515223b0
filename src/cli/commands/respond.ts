/**
 * `modrescue respond [log] [--project dir] [--yes | --dry-run] [--json] [--lang en|zh]`:
 * the one-command flow of src/respond. This file is its composition root: it opens the
 * log with triage's sources, resolves the Go environment (again after every action),
 * builds the HTTP client, asks the engineer on a terminal (@clack/prompts), and prints.
 * `--example <name>` runs it on a COPY of a bundled offline incident (examples/).
 */
import { Writable as WritableBase, type Readable, type Writable } from 'node:stream';
import pc from 'picocolors';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit.js';
import { parseDuration, parseFlags, usageError } from '../flags.js';
import { goCacheDir, httpClientOptions, resolveGoEnv } from '../goenv.js';
import { createHttpClient, type HttpClient } from '../../mod/web/index.js';
import type { FetchLike } from '../../mod/web/types.js';
import { CodedError } from '../../shared/errors.js';
import type { GoEnv } from '../../shared/goenv.js';
import { redact } from '../../shared/redact.js';
import { logHttpClient, openLog, secretReader, selectLog } from '../log-source.js';
import { triageRuleSet } from '../triage-rules.js';
import {
  closingLine,
  createExampleWorld,
  goOnPath,
  listExamples,
  PLAIN,
  progressLine,
  renderAction,
  renderPlan,
  renderSummary,
  runRespond,
  type Decision,
  type ExampleWorld,
  type LogSource,
  type PlannedAction,
  type RespondMode,
  type Style,
} from '../../respond/index.js';

export const usage = `usage: modrescue respond [log] [--project dir] [--yes | --dry-run] [--json] [--lang en|zh]
       modrescue respond --example <name> [--yes] [--clean]

Respond takes a red build to a verified fix and a written notice in one command:
triage of the failed CI log → the doctor checks that matter for that failure,
then the rest within the deadline → a ranked plan of reversible fix actions
(each with why, risk and undo) → confirm each step on a terminal, --yes to
apply the top plan, --dry-run to only plan → re-run the failed checks (and the
--verify-cmd build when a go command is installed) → the incident notice and
timeline, written to .modrescue/incidents/<id>/ and printed.

Log (optional; without one, the failing checks name the problem):
  <file> | - | <url>   a log file (gzip'd too), standard input, or an http(s) URL
  --github SPEC        owner/repo/actions/runs/<id>[/job/<id>] (GITHUB_TOKEN)
  --gitlab SPEC        <group/project>/-/jobs/<id> (GITLAB_TOKEN or CI_JOB_TOKEN)
  --jenkins URL        a Jenkins build (JENKINS_USER, JENKINS_TOKEN)

  --project dir        the Go project (default: the current directory)
  --yes                apply the plan without asking (CI); stops once verified
  --dry-run            only plan: print each action's diff, change nothing
  --verify-cmd CMD     after the fix, run CMD (sh -c) in the project when a go
                       command is installed, e.g. 'go mod download && go build ./...'
  --verify-timeout D   timeout of --verify-cmd (default 2m)
  --timeout D          deadline of the doctor checks of one stage (default 10s)
  --scope S            where environment changes go: go-env, ci or shell
                       (default: ci inside CI, else go-env)
  --max-actions N      apply at most N actions (default 4)
  --journal FILE       the action journal (default .modrescue/journal.jsonl)
  --rules DIR          add the triage rule files of DIR; repeatable (after the
                       config file's triage.rules; see docs/triage.md)
  --offline            no network: network checks skipped, network actions refused
  --json               print the incident as JSON (schemaVersion 1)
  --lang L             notice language: en (default) or zh
  --job, --pipeline, --branch, --service   impact scope for the notice

Examples (offline, on a copy; examples/ in the source tree):
  --example NAME       run on a copy of the bundled incident NAME (the workspace is
                       kept and printed; --clean removes it); --list-examples lists them.
                       MODRESCUE_EXAMPLES names another examples directory.

Without a terminal and without --yes or --dry-run, respond only plans (as
--dry-run) and says so. Undo any applied action with: modrescue undo <id>.

Exit status: 0 verified fixed (or nothing wrong); 1 not fixed, verification
failed, or (dry run) a fix is needed; 2 usage error; 3 could not finish
(unreadable log, no go.mod, journal or incident not writable).`;

const FLAGS = {
  project: { kind: 'string' },
  yes: { kind: 'bool', aliases: ['y'] },
  'dry-run': { kind: 'bool' },
  json: { kind: 'bool' },
  lang: { kind: 'string' },
  'verify-cmd': { kind: 'string' },
  'verify-timeout': { kind: 'string' },
  timeout: { kind: 'string' },
  scope: { kind: 'string' },
  'max-actions': { kind: 'string' },
  journal: { kind: 'string' },
  rules: { kind: 'list' },
  offline: { kind: 'bool' },
  job: { kind: 'string' },
  pipeline: { kind: 'string' },
  branch: { kind: 'string' },
  service: { kind: 'string' },
  github: { kind: 'string' },
  'github-api': { kind: 'string' },
  gitlab: { kind: 'string' },
  'gitlab-url': { kind: 'string' },
  jenkins: { kind: 'string' },
  example: { kind: 'string' },
  clean: { kind: 'bool' },
  'list-examples': { kind: 'bool' },
} as const;

function colors(on: boolean): Style {
  if (!on) return PLAIN;
  return { bold: pc.bold, dim: pc.dim, green: pc.green, red: pc.red, yellow: pc.yellow };
}

/** openRespondLog opens the log argument with triage's sources (the same inputs `modrescue triage` reads); none is fine. */
function openRespondLog(
  ctx: CliContext,
  env: Readonly<Record<string, string | undefined>>,
  args: string[],
  str: (k: keyof typeof FLAGS) => string | undefined,
  http: () => FetchLike,
  secrets: string[],
): LogSource | undefined {
  const { selection, count } = selectLog(str, args);
  if (count === 0) return undefined;
  if (count > 1) throw usageError('respond: give one log: a file, -, a URL, or one of --github/--gitlab/--jenkins');
  return openLog(ctx, selection, {
    env,
    http,
    secret: secretReader(env, secrets),
    noStdin: () => new CodedError('ERR_RESPOND_LOG_UNREADABLE', 'respond: standard input is not available'),
  });
}

/**
 * promptOutput is stdout as a stream for the prompts: the real stream when it is one, else
 * a Writable forwarding to the Io writer (tests, embedders), sized as an 80-column terminal.
 */
function promptOutput(ctx: CliContext): Writable {
  const out = ctx.io.stdout as unknown as Partial<Writable>;
  if (typeof out.on === 'function' && typeof out.write === 'function') return out as Writable;
  const w = new PassThroughWriter((chunk) => ctx.io.stdout.write(chunk));
  return Object.assign(w, { isTTY: ctx.io.stdout.isTTY === true, columns: 80, rows: 24 });
}

/** PassThroughWriter is a Writable that hands every chunk to a function. */
class PassThroughWriter extends WritableBase {
  constructor(private readonly sink: (chunk: Uint8Array | string) => void) {
    super();
  }
  override _write(chunk: Uint8Array | string, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.sink(chunk);
    cb();
  }
}

/** clackConfirm asks about each step with @clack/prompts on the terminal. */
function clackConfirm(ctx: CliContext, style: Style): (a: PlannedAction) => Promise<Decision> {
  return async (a) => {
    const prompts = await import('@clack/prompts');
    const io = { input: ctx.io.stdin as Readable, output: promptOutput(ctx) };
    ctx.out('');
    ctx.out(renderAction(a, style, true));
    const answer = await prompts.select<Decision>({
      ...io,
      message: `Apply step ${a.rank} (${a.candidate.spec.action})?`,
      options: [
        {
          value: 'apply',
          label: 'apply',
          hint: a.plan?.undo ? `undo: ${a.plan.undo.replaceAll('<id>', a.plan.id)}` : undefined,
        },
        { value: 'skip', label: 'skip this step' },
        { value: 'abort', label: 'stop here (write the notice)' },
      ],
      initialValue: 'apply',
    });
    return prompts.isCancel(answer) ? 'abort' : answer;
  };
}

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const secrets: string[] = [];
  try {
    return await respond(args, ctx, secrets);
  } catch (e) {
    if (e instanceof CodedError && secrets.length > 0) {
      throw new CodedError(e.code, redact(e.message, secrets), { ...e.fields }, { cause: e.cause });
    }
    throw e;
  }
}

async function respond(args: readonly string[], ctx: CliContext, secrets: string[]): Promise<number> {
  const flags = parseFlags(args, FLAGS, { interspersed: true });
  const v = flags.values;
  const str = (k: keyof typeof FLAGS) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  if (v['list-examples'] === true) {
    const root = ctx.io.env['MODRESCUE_EXAMPLES'];
    for (const n of await listExamples(root ? ctx.resolve(root) : undefined)) ctx.out(n);
    return EXIT.OK;
  }
  const lang = str('lang') ?? 'en';
  if (lang !== 'en' && lang !== 'zh') throw usageError(`respond: invalid --lang "${lang}": want en or zh`);
  if (v['yes'] === true && v['dry-run'] === true) throw usageError('respond: --yes and --dry-run exclude each other');
  const scope = str('scope');
  if (scope !== undefined && !['go-env', 'ci', 'shell'].includes(scope))
    throw usageError(`respond: invalid --scope "${scope}": want go-env, ci or shell`);
  const maxActions = str('max-actions') !== undefined ? Number(str('max-actions')) : 4;
  if (!Number.isInteger(maxActions) || maxActions < 1)
    throw usageError(`respond: invalid --max-actions "${str('max-actions')}"`);
  const deadlineMs = parseDuration(str('timeout') ?? '10s', '--timeout');
  const verifyTimeoutMs = parseDuration(str('verify-timeout') ?? '2m', '--verify-timeout');
  const json = v['json'] === true;
  const offline = v['offline'] === true;

  // The example: a copy of a bundled incident with its own servers and environment.
  let world: ExampleWorld | undefined;
  let env: Readonly<Record<string, string | undefined>> = ctx.io.env;
  let projectDir = ctx.resolve(str('project') ?? '.');
  let logArgs = flags.args;
  let verifyCmd = str('verify-cmd');
  if (str('example') !== undefined) {
    if (str('project') !== undefined) throw usageError('respond: --example and --project exclude each other');
    world = await createExampleWorld(str('example')!, {
      ...(ctx.io.env['MODRESCUE_EXAMPLES'] ? { root: ctx.resolve(ctx.io.env['MODRESCUE_EXAMPLES']) } : {}),
      ...(ctx.io.env['TMPDIR'] ? { tmpDir: ctx.io.env['TMPDIR'] } : {}),
      ...(ctx.io.env['PATH'] ? { path: ctx.io.env['PATH'] } : {}),
    });
    env = world.env;
    projectDir = world.project;
    if (logArgs.length === 0 && !str('github') && !str('gitlab') && !str('jenkins')) logArgs = [world.log];
    if (verifyCmd === undefined && (await goOnPath(world.env))) verifyCmd = world.spec.ciCommand;
  }

  const tty = ctx.io.stdout.isTTY === true && ctx.io.stdin?.isTTY === true && env['TERM'] !== 'dumb';
  let mode: RespondMode =
    v['yes'] === true ? 'yes' : v['dry-run'] === true ? 'dry-run' : tty ? 'interactive' : 'dry-run';
  const impliedDryRun = mode === 'dry-run' && v['dry-run'] !== true;
  if (json && mode === 'interactive') mode = 'dry-run';
  const noColor = (env['NO_COLOR'] ?? '') !== '' || env['TERM'] === 'dumb';
  const outStyle = colors(!noColor && ctx.io.stdout.isTTY === true && !json);
  const errStyle = colors(!noColor && ctx.io.stderr.isTTY === true);

  // The network: one client, rebuilt whenever the environment is resolved again (an
  // action may have written .netrc or changed proxy settings).
  let client: HttpClient | undefined;
  const old: HttpClient[] = [];
  const probeMs = Math.max(500, Math.min(5_000, Math.floor(deadlineMs / 2)));
  let goEnv: GoEnv | undefined;
  const loadEnv = async (): Promise<GoEnv> => {
    goEnv = await resolveGoEnv({ env, cwd: projectDir });
    if (!offline) {
      if (client) old.push(client);
      client = createHttpClient(
        await httpClientOptions(goEnv, { retries: 0, timeoutMs: probeMs, connectTimeoutMs: probeMs }),
      );
    }
    return goEnv;
  };
  const fetch: FetchLike | undefined = offline
    ? undefined
    : (url, init) => {
        if (!client) throw new Error('respond: HTTP client used before the environment was resolved');
        return client(url, init);
      };
  let logClient: HttpClient | undefined;
  const http = (): FetchLike => (logClient ??= logHttpClient(env, 120_000, 15_000));

  try {
    const log = openRespondLog(ctx, env, logArgs, str, http, secrets);
    if (world)
      ctx.err(
        errStyle.dim(
          `example ${world.name}: ${world.spec.title}\nworkspace: ${world.dir} (a copy; the checkout is not touched)`,
        ),
      );
    if (impliedDryRun && !json)
      ctx.err(errStyle.yellow('no terminal and no --yes: planning only (as --dry-run); nothing will be changed'));
    const goCache = goCacheDir(env);
    const ruleSet = await triageRuleSet(ctx, (v['rules'] as string[] | undefined) ?? []);
    const result = await runRespond({
      dir: projectDir,
      ...(log ? { log } : {}),
      ruleSet,
      loadEnv,
      processEnv: env,
      ...(fetch ? { fetch } : {}),
      doctor: { probeTimeoutMs: probeMs, tmpDir: env['TMPDIR'] || '/tmp', ...(goCache ? { goCache } : {}) },
      mode,
      ...(mode === 'interactive' ? { confirm: clackConfirm(ctx, outStyle) } : {}),
      ...(verifyCmd ? { verifyCmd } : {}),
      verifyTimeoutMs,
      deadlineMs,
      ...(scope ? { scope: scope as 'go-env' | 'ci' | 'shell' } : {}),
      maxActions,
      lang,
      notice: {
        ...(str('job') ? { job: str('job') } : {}),
        ...(str('pipeline') ? { pipeline: str('pipeline') } : {}),
        ...(str('branch') ? { branch: str('branch') } : {}),
        ...(str('service') ? { service: str('service') } : {}),
      },
      ...(str('journal') ? { journal: ctx.resolve(str('journal')!) } : {}),
      ...(world ? { aliases: world.aliases } : {}),
      ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
      onEvent: (e) => {
        if (json) return;
        if (e.type === 'plan' && e.actions.length > 0) {
          ctx.err(errStyle.bold('plan:'));
          ctx.err(renderPlan(e.actions, errStyle, mode === 'dry-run'));
          return;
        }
        const line = progressLine(e, errStyle);
        if (line) ctx.err(line);
      },
    });
    const clean = (s: string) => redact(s, secrets);
    if (json) {
      ctx.io.stdout.write(
        clean(
          JSON.stringify(
            {
              schemaVersion: 1,
              dir: result.dir,
              ...(world ? { workspace: world.dir } : {}),
              incident: result.incident,
            },
            null,
            2,
          ),
        ) + '\n',
      );
    } else {
      ctx.out(clean(renderSummary(result.incident, outStyle)));
      ctx.out('');
      ctx.out(clean(result.notice.trimEnd()));
      ctx.out('');
      ctx.out(outStyle.bold(lang === 'zh' ? '时间线（UTC）' : 'Timeline (UTC)'));
      ctx.out(clean(result.timeline.trimEnd()));
      ctx.out('');
      if (world && v['clean'] === true) {
        ctx.out(`Example workspace ${world.dir} removed (--clean).`);
      } else {
        ctx.out(`Incident written to ${result.dir}`);
        ctx.out(
          `Post-incident record: modrescue report ${result.incident.id} --project ${result.incident.project} --format html > report.html`,
        );
        if (world) ctx.out(`Example workspace kept: ${world.dir} (remove it with rm -rf)`);
      }
      ctx.out(outStyle.bold(closingLine(result.incident)));
    }
    const o = result.incident.outcome;
    if (o === 'fixed') return EXIT.OK;
    if (o === 'planned')
      return result.incident.verification.checks.length > 0 || result.incident.plan.length > 0
        ? EXIT.FINDINGS
        : EXIT.OK;
    return EXIT.FINDINGS;
  } finally {
    for (const c of [...old, ...(client ? [client] : []), ...(logClient ? [logClient] : [])])
      await c.close().catch(() => undefined);
    await world?.close({ keep: v['clean'] !== true });
  }
}
