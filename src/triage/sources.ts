/**
 * Log sources: an http(s) URL, a GitHub Actions job or run, a GitLab job, a Jenkins build.
 * Every source takes an injected FetchLike (the CLI passes the web client with timeouts,
 * retries and proxy settings) and streams the log; nothing is held in memory whole. A
 * GitHub run's logs arrive as a zip of per-step files behind a redirect to a signed URL:
 * the zip is streamed to a temporary file and its entries are read one after another.
 */
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import type { FetchLike } from '../mod/web/types.js';
import { CodedError, isCodedError } from '../shared/errors.js';
import { decompressIfGzip } from './input.js';

/** LogInput is an opened log: its bytes, a name for messages, and impact hints. */
export interface LogInput {
  readonly name: string;
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Job, pipeline, branch, repository… known from where the log came from. */
  readonly context: Record<string, string>;
  /** For multi-file logs (a run's zip): where each file starts, filled while streaming. */
  readonly files: Array<{ name: string; firstLine: number }>;
}

/** SourceOptions are shared by all network sources. */
export interface SourceOptions {
  readonly fetch: FetchLike;
  readonly signal?: AbortSignal;
}

async function get(opts: SourceOptions, url: string, headers: Record<string, string>, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await opts.fetch(url, { method: 'GET', headers, signal: opts.signal });
  } catch (e) {
    if (isCodedError(e)) throw e;
    if (e instanceof Error && e.name === 'AbortError') throw e;
    throw new CodedError(
      'ERR_TRIAGE_SOURCE_NETWORK',
      `${what}: Get "${url}": ${(e as Error).message}`,
      { url },
      { cause: e },
    );
  }
  if (!res.ok) {
    // Read the (small) error body rather than cancel it: its message helps, and
    // cancelling a half-read body can race with the client's stream adapter.
    const text = await res.text().catch(() => '');
    let detail = '';
    try {
      const m = (JSON.parse(text) as { message?: unknown }).message;
      if (typeof m === 'string' && m !== '') detail = `: ${m.slice(0, 200)}`;
    } catch {
      // Not JSON: keep the status only.
    }
    const hint =
      res.status === 401 || res.status === 403
        ? ' (check the token: its value, expiry and scopes)'
        : res.status === 404
          ? ' (wrong id or path, or the token cannot see it; logs also expire)'
          : res.status === 410
            ? ' (the logs have expired or were deleted)'
            : '';
    throw new CodedError(
      'ERR_TRIAGE_SOURCE_HTTP',
      `${what}: reading ${url}: ${res.status} ${res.statusText}${detail}${hint}`,
      {
        url,
        status: res.status,
      },
    );
  }
  return res;
}

async function* body(res: Response): AsyncGenerator<Uint8Array> {
  if (!res.body) return;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) yield chunk;
}

/** openUrl streams a log from an http(s) URL (gunzipped when it is gzip'd). */
export function openUrl(opts: SourceOptions, url: string, headers: Record<string, string> = {}): LogInput {
  async function* chunks() {
    const res = await get(opts, url, headers, 'triage');
    yield* decompressIfGzip(body(res), url);
  }
  return { name: url, chunks: chunks(), context: {}, files: [] };
}

/** GithubSpec identifies a GitHub Actions run, or one job of it. */
export interface GithubSpec {
  readonly owner: string;
  readonly repo: string;
  readonly runId: string;
  readonly jobId?: string;
  /** API base derived from a full URL (GitHub Enterprise Server), when one was given. */
  readonly api?: string;
}

/**
 * parseGithubSpec parses `owner/repo/actions/runs/<id>[/job/<id>]` or the same as a
 * github.com (or GitHub Enterprise) URL. It throws ERR_CLI_USAGE for anything else.
 */
export function parseGithubSpec(spec: string): GithubSpec {
  let rest = spec;
  let api: string | undefined;
  const u = /^https?:\/\/([^/]+)\/(.*)$/.exec(spec);
  if (u) {
    api =
      u[1] === 'github.com'
        ? 'https://api.github.com'
        : `${spec.startsWith('http:') ? 'http' : 'https'}://${u[1]}/api/v3`;
    rest = u[2]!;
  }
  const m = /^([\w.-]+)\/([\w.-]+)\/actions\/runs\/(\d+)(?:\/(?:job|jobs)\/(\d+))?\/?$/.exec(rest);
  if (!m) {
    throw new CodedError(
      'ERR_CLI_USAGE',
      `invalid --github value "${spec}": want owner/repo/actions/runs/<run-id>[/job/<job-id>]`,
    );
  }
  return { owner: m[1]!, repo: m[2]!, runId: m[3]!, ...(m[4] ? { jobId: m[4] } : {}), ...(api ? { api } : {}) };
}

function githubHeaders(token: string | undefined): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  if (token) h['authorization'] = `Bearer ${token}`;
  return h;
}

/**
 * openGithub streams a job's log (`/actions/jobs/<id>/logs`, plain text) or a whole run's
 * logs (`/actions/runs/<id>/logs`, a zip of per-step files). Both answer with a redirect to
 * a signed URL; the FetchLike follows it and must not send the token there (the web client
 * and undici's fetch drop Authorization on a redirect to another host).
 */
export function openGithub(opts: SourceOptions & { api: string; token?: string }, spec: GithubSpec): LogInput {
  const api = (spec.api ?? opts.api).replace(/\/$/, '');
  const base = `${api}/repos/${spec.owner}/${spec.repo}/actions`;
  const context: Record<string, string> = { repository: `${spec.owner}/${spec.repo}`, pipeline: `run ${spec.runId}` };
  if (spec.jobId) context['job'] = `job ${spec.jobId}`;
  const files: LogInput['files'] = [];
  const name = spec.jobId
    ? `github:${spec.owner}/${spec.repo} job ${spec.jobId}`
    : `github:${spec.owner}/${spec.repo} run ${spec.runId}`;
  async function* chunks() {
    if (spec.jobId) {
      const res = await get(opts, `${base}/jobs/${spec.jobId}/logs`, githubHeaders(opts.token), 'github');
      yield* decompressIfGzip(body(res), name);
      return;
    }
    const res = await get(opts, `${base}/runs/${spec.runId}/logs`, githubHeaders(opts.token), 'github');
    yield* zipEntries(body(res), files, name);
  }
  return { name, chunks: chunks(), context, files };
}

/** stepOrder sorts a run zip's entries: by job directory, then by the step number prefix. */
function stepOrder(a: string, b: string): number {
  const da = path.posix.dirname(a);
  const db = path.posix.dirname(b);
  if (da !== db) return da.localeCompare(db);
  const na = Number(/^(\d+)_/.exec(path.posix.basename(a))?.[1] ?? Infinity);
  const nb = Number(/^(\d+)_/.exec(path.posix.basename(b))?.[1] ?? Infinity);
  return na !== nb ? na - nb : a.localeCompare(b);
}

/**
 * zipEntries streams a zip to a temporary file, then yields its text entries in step
 * order, each ending with a newline, recording where each file starts. When the zip has
 * per-step files in job directories, the top-level whole-job files are skipped (they
 * repeat the same lines).
 */
async function* zipEntries(
  src: AsyncIterable<Uint8Array>,
  files: LogInput['files'],
  name: string,
): AsyncGenerator<Uint8Array> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-triage-'));
  const file = path.join(dir, 'logs.zip');
  try {
    await pipeline(Readable.from(src), createWriteStream(file));
    const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
      yauzl.open(file, { lazyEntries: true, autoClose: false }, (err, z) => (err ? reject(err) : resolve(z!))),
    ).catch((e: Error) => {
      throw new CodedError(
        'ERR_TRIAGE_INPUT_UNREADABLE',
        `${name}: the run's logs are not a valid zip: ${e.message}`,
        { input: name },
        { cause: e },
      );
    });
    try {
      const entries: yauzl.Entry[] = [];
      await new Promise<void>((resolve, reject) => {
        zip.on('entry', (e: yauzl.Entry) => {
          if (!e.fileName.endsWith('/')) entries.push(e);
          zip.readEntry();
        });
        zip.on('end', () => resolve());
        zip.on('error', reject);
        zip.readEntry();
      });
      const nested = entries.some((e) => e.fileName.includes('/'));
      const chosen = entries
        .filter((e) => !nested || e.fileName.includes('/'))
        .sort((a, b) => stepOrder(a.fileName, b.fileName));
      let line = 1;
      for (const e of chosen) {
        files.push({ name: e.fileName, firstLine: line });
        const stream = await new Promise<Readable>((resolve, reject) =>
          zip.openReadStream(e, (err, s) => (err ? reject(err) : resolve(s!))),
        );
        let last = 10;
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          let i = -1;
          while ((i = chunk.indexOf(10, i + 1)) >= 0) line++;
          if (chunk.length > 0) last = chunk[chunk.length - 1]!;
          yield chunk;
        }
        if (last !== 10) {
          line++;
          yield Uint8Array.of(10);
        }
      }
    } finally {
      zip.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** GitlabSpec identifies a GitLab job. */
export interface GitlabSpec {
  readonly project: string;
  readonly jobId: string;
  /** Base URL from a full job URL (self-hosted GitLab), when one was given. */
  readonly baseUrl?: string;
}

/** parseGitlabSpec parses `<project path or id>/-/jobs/<id>` or a full job URL; ERR_CLI_USAGE otherwise. */
export function parseGitlabSpec(spec: string): GitlabSpec {
  let rest = spec;
  let baseUrl: string | undefined;
  const u = /^(https?:\/\/[^/]+)\/(.*)$/.exec(spec);
  if (u) {
    baseUrl = u[1];
    rest = u[2]!;
  }
  const m = /^(.+?)\/-\/jobs\/(\d+)\/?$/.exec(rest);
  if (!m)
    throw new CodedError('ERR_CLI_USAGE', `invalid --gitlab value "${spec}": want <group/project>/-/jobs/<job-id>`);
  return { project: m[1]!, jobId: m[2]!, ...(baseUrl ? { baseUrl } : {}) };
}

/** openGitlab streams a job's trace (`/api/v4/projects/:id/jobs/:job_id/trace`). */
export function openGitlab(
  opts: SourceOptions & { baseUrl: string; token?: string; jobToken?: string },
  spec: GitlabSpec,
): LogInput {
  const base = (spec.baseUrl ?? opts.baseUrl).replace(/\/$/, '');
  const url = `${base}/api/v4/projects/${encodeURIComponent(spec.project)}/jobs/${spec.jobId}/trace`;
  const headers: Record<string, string> = {};
  if (opts.token) headers['private-token'] = opts.token;
  else if (opts.jobToken) headers['job-token'] = opts.jobToken;
  const name = `gitlab:${spec.project} job ${spec.jobId}`;
  async function* chunks() {
    const res = await get(opts, url, headers, 'gitlab');
    yield* decompressIfGzip(body(res), name);
  }
  return { name, chunks: chunks(), context: { repository: spec.project, job: `job ${spec.jobId}` }, files: [] };
}

/** jenkinsConsoleUrl turns a build (or job) URL into its consoleText URL (a job URL means its last build). */
export function jenkinsConsoleUrl(url: string): string {
  if (!/^https?:\/\//.test(url))
    throw new CodedError(
      'ERR_CLI_USAGE',
      `invalid --jenkins value "${url}": want the build URL (https://jenkins/job/<name>/<number>/)`,
    );
  let u = url.replace(/\/consoleText\/?$/, '').replace(/\/console(Full)?\/?$/, '');
  if (!u.endsWith('/')) u += '/';
  const last = u.split('/').filter(Boolean).pop() ?? '';
  if (!/^(\d+|last\w*Build)$/.test(last)) u += 'lastBuild/';
  return u + 'consoleText';
}

/** openJenkins streams a build's consoleText with basic auth (user and API token). */
export function openJenkins(opts: SourceOptions & { user?: string; token?: string }, url: string): LogInput {
  const consoleUrl = jenkinsConsoleUrl(url);
  const headers: Record<string, string> = {};
  if (opts.user && opts.token)
    headers['authorization'] = 'Basic ' + Buffer.from(`${opts.user}:${opts.token}`).toString('base64');
  const parts = new URL(consoleUrl).pathname.split('/').filter(Boolean);
  const jobs: string[] = [];
  for (let i = 0; i < parts.length - 1; i++) if (parts[i] === 'job') jobs.push(decodeURIComponent(parts[i + 1]!));
  const build = parts[parts.length - 2];
  const context: Record<string, string> = {};
  if (jobs.length > 0) context['job'] = jobs.join('/');
  if (build && build !== jobs[jobs.length - 1]) context['pipeline'] = `build ${build}`;
  async function* chunks() {
    const res = await get(opts, consoleUrl, headers, 'jenkins');
    yield* decompressIfGzip(body(res), consoleUrl);
  }
  return { name: consoleUrl, chunks: chunks(), context, files: [] };
}
