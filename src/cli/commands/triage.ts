/**
 * `modrescue triage [flags] <file | - | url>` reads a failed CI log (a file, stdin, a
 * gzip'd file, an http(s) URL, a GitHub Actions job or run, a GitLab job, a Jenkins
 * build) and names the cause: category, class, confidence, evidence, modules, next steps;
 * or writes the first incident notice. Exit 0: nothing matched or not a failure; 1: a
 * cause was identified; 3: the input (or a rule file) could not be read.
 */
import type { CliContext } from '../context.js';
import { parseDuration, parseFlags, usageError } from '../flags.js';
import { EXIT } from '../exit.js';
import { logHttpClient, openLog, secretReader, selectLog } from '../log-source.js';
import type { FetchLike } from '../../mod/web/types.js';
import { CodedError } from '../../shared/errors.js';
import { redact } from '../../shared/redact.js';
import { triageStream } from '../../triage/index.js';
import { triageRuleSet } from '../triage-rules.js';
import { formatGithub, formatHuman, formatMarkdown, jsonDocument, type LineLocator } from '../../triage/format.js';
import { PHASES, renderNotice, type Lang, type Phase } from '../../triage/notice.js';

export const usage = `usage: modrescue triage [flags] <file | - | url>
       modrescue triage [flags] --github owner/repo/actions/runs/<id>[/job/<id>]
       modrescue triage [flags] --gitlab <group/project>/-/jobs/<id>
       modrescue triage [flags] --jenkins <build url>

Triage reads a failed CI log and names the cause of the failure: its category
(the go mod failure kinds, or infra, or code), class, confidence, the evidence
lines, the modules, versions and hosts involved, and numbered next steps with
commands. Logs are streamed (any size, gzip'd or not); CI decorations (colour,
timestamps, group markers) are removed before matching.

Input:
  <file>            a log file (gzip'd files are detected and decompressed)
  -                 standard input
  <url>             an http(s) URL; add headers with --header, or a bearer
                    token from an environment variable with --token-env NAME
  --github SPEC     a GitHub Actions run or job (token: GITHUB_TOKEN or GH_TOKEN;
                    --github-api for GitHub Enterprise, default https://api.github.com)
  --gitlab SPEC     a GitLab job (token: GITLAB_TOKEN, or CI_JOB_TOKEN;
                    --gitlab-url for self-hosted, default https://gitlab.com)
  --jenkins URL     a Jenkins build (consoleText; JENKINS_USER and JENKINS_TOKEN)
  --timeout D       network timeout per request (default 2m)

Output:
  (default)         a report for people
  --json            a JSON document (schemaVersion 1)
  --format F        human, markdown (for comments and job summaries), github
                    (workflow annotations: ::error file=…,line=…::), or json
  --notice          the incident notice instead of the report (Markdown)
  --lang L          notice language: en (default) or zh
  --phase P         investigating (default), identified, monitoring, resolved
  --next-update D   when the next update is due (default 30m)
  --job, --pipeline, --branch, --service
                    impact scope for the notice (the log's own hints fill gaps)
  --now T           the notice's time (RFC 3339), for reproducible notices

Knowledge base:
  --rules DIR       add the rule files (*.yaml, *.yml, *.json) of DIR; repeatable
                    (the config file's triage.rules are added first; see docs/triage.md).
                    A rule file with an error is reported with file:line:col.

Exit status: 0 nothing matched (category unknown) or the log reports success;
1 a cause was identified; 2 usage error; 3 the input or a rule file could not
be read.`;

const FLAGS = {
  json: { kind: 'bool' },
  format: { kind: 'string' },
  notice: { kind: 'bool' },
  lang: { kind: 'string' },
  phase: { kind: 'string' },
  'next-update': { kind: 'string' },
  job: { kind: 'string' },
  pipeline: { kind: 'string' },
  branch: { kind: 'string' },
  service: { kind: 'string' },
  now: { kind: 'string' },
  rules: { kind: 'list' },
  header: { kind: 'list', aliases: ['H'] },
  'token-env': { kind: 'string' },
  github: { kind: 'string' },
  'github-api': { kind: 'string' },
  gitlab: { kind: 'string' },
  'gitlab-url': { kind: 'string' },
  jenkins: { kind: 'string' },
  timeout: { kind: 'string' },
} as const;

type Format = 'human' | 'markdown' | 'github' | 'json';

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const secrets: string[] = [];
  try {
    return await triage(args, ctx, secrets);
  } catch (e) {
    // Error messages pass through the same redaction as the report.
    if (e instanceof CodedError && secrets.length > 0) {
      throw new CodedError(e.code, redact(e.message, secrets), { ...e.fields }, { cause: e.cause });
    }
    throw e;
  }
}

async function triage(args: readonly string[], ctx: CliContext, secrets: string[]): Promise<number> {
  const flags = parseFlags(args, FLAGS, { interspersed: true });
  const v = flags.values;
  const str = (k: keyof typeof FLAGS) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const env = ctx.io.env;

  let format: Format = (str('format') as Format | undefined) ?? 'human';
  if (!['human', 'markdown', 'github', 'json'].includes(format))
    throw usageError(`invalid --format "${format}": want human, markdown, github or json`);
  if (v['json'] === true) format = 'json';
  const lang = (str('lang') ?? 'en') as Lang;
  if (lang !== 'en' && lang !== 'zh') throw usageError(`invalid --lang "${lang}": want en or zh`);
  const phase = (str('phase') ?? 'investigating') as Phase;
  if (!PHASES.includes(phase)) throw usageError(`invalid --phase "${phase}": want ${PHASES.join(', ')}`);
  const nextUpdateMinutes = parseDuration(str('next-update') ?? '30m', '--next-update') / 60_000;
  const timeoutMs = parseDuration(str('timeout') ?? '2m', '--timeout');
  let now = new Date();
  if (str('now') !== undefined) {
    now = new Date(str('now')!);
    if (Number.isNaN(now.getTime()))
      throw usageError(`invalid --now "${str('now')}": want an RFC 3339 time such as 2025-03-14T09:30:00Z`);
  }

  // Secrets that must never be printed, whatever the log or an error says.
  const secret = secretReader(env, secrets);

  // Rules: bundled, then the config file's directories, then --rules.
  const ruleSet = await triageRuleSet(ctx, (v['rules'] as string[] | undefined) ?? []);

  // Input.
  const { selection, count } = selectLog(str, flags.args);
  if (count === 0)
    throw usageError('no input: give a log file, - for standard input, a URL, or --github/--gitlab/--jenkins');
  if (count > 1) throw usageError('give one input: a file, -, a URL, or one of --github/--gitlab/--jenkins');
  let fetch: FetchLike | undefined;
  const http = (): FetchLike => (fetch ??= logHttpClient(env, timeoutMs, Math.min(timeoutMs, 15_000)));
  const signal = ctx.io.signal;
  const input = openLog(ctx, selection, {
    env,
    http,
    secret,
    urlHeaders: () => {
      const headers: Record<string, string> = {};
      for (const h of (v['header'] as string[] | undefined) ?? []) {
        const i = h.indexOf(':');
        if (i <= 0) throw usageError(`invalid --header "${redact(h)}": want 'Name: value'`);
        headers[h.slice(0, i).trim().toLowerCase()] = h.slice(i + 1).trim();
        secrets.push(
          h
            .slice(i + 1)
            .trim()
            .replace(/^(Bearer|Basic|token)\s+/i, ''),
        );
      }
      const tokenEnv = str('token-env');
      if (tokenEnv !== undefined) {
        const t = secret(tokenEnv);
        if (!t) throw usageError(`--token-env ${tokenEnv}: the variable is not set`);
        headers['authorization'] = `Bearer ${t}`;
      }
      return headers;
    },
    noStdin: () => new CodedError('ERR_TRIAGE_INPUT_UNREADABLE', 'standard input is not available'),
  });

  const result = await triageStream(input.chunks, ruleSet, signal);
  const merged = { ...result, context: { ...input.context, ...result.context } };
  const locate: LineLocator = (line) => {
    let f: { name: string; firstLine: number } | undefined;
    for (const x of input.files) if (x.firstLine <= line) f = x;
    return f ? { file: f.name, line: line - f.firstLine + 1 } : { line };
  };
  const clean = (s: string) => redact(s, secrets);

  const noticeText = () =>
    renderNotice(merged, {
      lang,
      phase,
      now,
      nextUpdateMinutes,
      job: str('job'),
      pipeline: str('pipeline'),
      branch: str('branch'),
      service: str('service'),
      source: input.name,
    });
  if (format === 'json') {
    const doc = jsonDocument(merged, locate);
    if (v['notice'] === true) doc['notice'] = noticeText();
    ctx.io.stdout.write(clean(JSON.stringify({ schemaVersion: 1, ...doc }, null, 2)) + '\n');
  } else if (v['notice'] === true) {
    ctx.io.stdout.write(clean(noticeText()));
  } else if (format === 'markdown') {
    ctx.io.stdout.write(clean(formatMarkdown(merged, locate)));
  } else if (format === 'github') {
    ctx.io.stdout.write(clean(formatGithub(merged, locate)));
  } else {
    ctx.out(clean(formatHuman(merged, locate)));
  }
  return result.category === 'unknown' || result.notFailure ? EXIT.OK : EXIT.FINDINGS;
}
