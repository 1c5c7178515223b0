/**
 * Opening a CI log for `triage` and `respond`: a file (gzip'd or not), standard input,
 * an http(s) URL, a GitHub Actions run or job, a GitLab job or a Jenkins build, with the
 * credentials each source reads from the environment recorded as secrets (so output and
 * errors redact them). Each command checks how many inputs were given and words its own
 * errors; the opening itself is here once.
 */
import type { CliContext } from './context.js';
import { createHttpClient, type HttpClient } from '../mod/web/index.js';
import type { FetchLike } from '../mod/web/types.js';
import { decompressIfGzip, readLogFile } from '../triage/index.js';
import {
  openGithub,
  openGitlab,
  openJenkins,
  openUrl,
  parseGithubSpec,
  parseGitlabSpec,
  type LogInput,
} from '../triage/sources.js';

type Env = Readonly<Record<string, string | undefined>>;

/** LogSelection is where the log comes from: one of the CI flags, or the positional argument. */
export interface LogSelection {
  readonly github?: string | undefined;
  readonly githubApi?: string | undefined;
  readonly gitlab?: string | undefined;
  readonly gitlabUrl?: string | undefined;
  readonly jenkins?: string | undefined;
  /** A file, `-` (standard input) or an http(s) URL; used when no CI flag is given. */
  readonly arg?: string | undefined;
}

/** LogFlag names the log-source flags triage and respond share. */
export type LogFlag = 'github' | 'github-api' | 'gitlab' | 'gitlab-url' | 'jenkins';

/**
 * selectLog reads the log-source flags (through str, the command's string-flag reader)
 * and the positional arguments: the selection (the first argument when no CI flag is
 * given) and how many inputs were named (the command words "none" and "more than one").
 */
export function selectLog(
  str: (k: LogFlag) => string | undefined,
  args: readonly string[],
): { selection: LogSelection; count: number } {
  const selection: LogSelection = {
    github: str('github'),
    githubApi: str('github-api'),
    gitlab: str('gitlab'),
    gitlabUrl: str('gitlab-url'),
    jenkins: str('jenkins'),
    arg: args[0],
  };
  const count = [selection.github, selection.gitlab, selection.jenkins, ...args].filter((x) => x !== undefined).length;
  return { selection, count };
}

/** OpenLogOptions are the command's environment, network and error vocabulary. */
export interface OpenLogOptions {
  readonly env: Env;
  /** http returns the client for log downloads (built on first use). */
  readonly http: () => FetchLike;
  /** secret reads an environment variable and records its value as a secret. */
  readonly secret: (name: string) => string | undefined;
  /** urlHeaders returns the request headers for a URL argument (default none). */
  readonly urlHeaders?: () => Record<string, string>;
  /** noStdin is the error thrown for `-` when there is no standard input. */
  readonly noStdin: () => Error;
}

/** secretReader returns OpenLogOptions.secret over env: a set variable's value is pushed to secrets. */
export function secretReader(env: Env, secrets: string[]): (name: string) => string | undefined {
  return (name) => {
    const s = env[name];
    if (s) secrets.push(s);
    return s || undefined;
  };
}

/**
 * logHttpClient builds the HTTP client for log downloads: the environment's
 * HTTP(S)_PROXY/NO_PROXY (either case), two retries.
 */
export function logHttpClient(env: Env, timeoutMs: number, connectTimeoutMs: number): HttpClient {
  return createHttpClient({
    httpProxy: env['HTTP_PROXY'] ?? env['http_proxy'],
    httpsProxy: env['HTTPS_PROXY'] ?? env['https_proxy'],
    noProxy: env['NO_PROXY'] ?? env['no_proxy'],
    timeoutMs,
    connectTimeoutMs,
    retries: 2,
  });
}

/**
 * openLog opens the selected log with triage's sources: --github (GITHUB_TOKEN or
 * GH_TOKEN), --gitlab (GITLAB_TOKEN, CI_JOB_TOKEN; --gitlab-url, else CI_SERVER_URL),
 * --jenkins (JENKINS_USER, JENKINS_TOKEN), else the argument (a URL, `-` or a file). A
 * malformed --github/--gitlab spec throws the sources' errors; nothing is read before
 * the returned chunks are iterated.
 */
export function openLog(ctx: CliContext, sel: LogSelection, o: OpenLogOptions): LogInput {
  const { env, http, secret } = o;
  const signal = ctx.io.signal;
  if (sel.github !== undefined) {
    const token = secret('GITHUB_TOKEN') ?? secret('GH_TOKEN');
    return openGithub(
      { fetch: http(), signal, api: sel.githubApi ?? 'https://api.github.com', token },
      parseGithubSpec(sel.github),
    );
  }
  if (sel.gitlab !== undefined) {
    const token = secret('GITLAB_TOKEN');
    const jobToken = secret('CI_JOB_TOKEN');
    return openGitlab(
      {
        fetch: http(),
        signal,
        baseUrl: sel.gitlabUrl ?? env['CI_SERVER_URL'] ?? 'https://gitlab.com',
        token,
        jobToken,
      },
      parseGitlabSpec(sel.gitlab),
    );
  }
  if (sel.jenkins !== undefined) {
    const user = env['JENKINS_USER'];
    const token = secret('JENKINS_TOKEN');
    return openJenkins({ fetch: http(), signal, user, token }, sel.jenkins);
  }
  const arg = sel.arg!;
  if (/^https?:\/\//.test(arg)) {
    const headers = o.urlHeaders ? o.urlHeaders() : {};
    return openUrl({ fetch: http(), signal }, arg, headers);
  }
  if (arg === '-') {
    const stdin = ctx.io.stdin;
    if (!stdin) throw o.noStdin();
    return {
      name: 'standard input',
      chunks: decompressIfGzip(stdin as AsyncIterable<Uint8Array>, 'standard input'),
      context: {},
      files: [],
    };
  }
  return { name: arg, chunks: readLogFile(ctx.resolve(arg)), context: {}, files: [] };
}
