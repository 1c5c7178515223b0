/**
 * GET over an injected FetchLike with the go command's error texts
 * (cmd/go/internal/web: GetBytes, HTTPError, Join, URL.Redacted).
 */
import { CodedError, isCodedError } from '../internal/errors.js';
import { createDeadlineQueue, type Deadline, type DeadlineQueue } from '../web/deadline.js';
import { responseChunks } from '../web/response.js';
import { describeStatus, formatErrorDetail as formatWebErrorDetail } from '../web/status.js';
import type { FetchLike } from '../web/types.js';
import { escapeUrlPath, redactUrl, shouldEscapeUrl } from '../web/url.js';

/** MAX_BODY bounds a checksum-database answer (tiles are ≤ 8 KiB at height 8; lookups are small). */
const MAX_BODY = 16 << 20;

/**
 * goRedacted returns url with its password replaced by "xxxxx", as Go's URL.Redacted
 * (package web's redactUrl). A URL without a password is returned unchanged.
 */
export function goRedacted(url: string): string {
  return redactUrl(url);
}

/** unescapeGo decodes %XX escapes (bytes, then UTF-8) as Go's url.PathUnescape, or returns undefined for a bad escape. */
export function unescapeGo(s: string): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(s)) return undefined;
  const bytes = Buffer.from(
    s.replace(/%([0-9a-fA-F]{2})|[^%]+/g, (m, h: string | undefined) =>
      h !== undefined ? String.fromCharCode(parseInt(h, 16)) : Buffer.from(m, 'utf8').toString('latin1'),
    ),
    'latin1',
  );
  return bytes.toString('utf8');
}

/** escapeGoPath escapes a path as Go's escape(s, encodePath) ("!" becomes %21, "@" stays). */
export function escapeGoPath(s: string): string {
  return escapeUrlPath(s, 'path');
}

/** validEncodedPath is Go's validEncoded(s, encodePath). */
function validEncodedPath(s: string): boolean {
  for (const c of s) {
    if ("!$&'()*+,;=:@[]%".includes(c)) continue;
    const b = c.charCodeAt(0);
    if (b >= 0x80 || shouldEscapeUrl(b, 'path')) return false;
  }
  return true;
}

/**
 * A GoURL is the part of Go's url.URL that Join and String use: everything before the
 * path (scheme and authority), the decoded Path, the RawPath hint, and what follows.
 * Go keeps RawPath through joins even when it no longer matches Path, which decides
 * whether "!" in a module path is printed as "!" or "%21"; so do we.
 */
export interface GoURL {
  readonly head: string;
  readonly opaque: boolean;
  readonly path: string;
  readonly rawPath: string;
  readonly tail: string;
}

/** parseGoURL splits an absolute URL as Go's url.Parse does for these fields (setPath's RawPath rule). */
export function parseGoURL(s: string): GoURL {
  const m = /^([a-zA-Z][a-zA-Z0-9+.-]*:)(\/\/[^/?#]*)?([^?#]*)(.*)$/s.exec(s);
  if (!m) return { head: '', opaque: false, path: s, rawPath: '', tail: '' };
  const opaque = m[2] === undefined && m[3] !== '' && !m[3]!.startsWith('/');
  const raw = m[3]!;
  const path = unescapeGo(raw) ?? raw;
  return { head: m[1]! + (m[2] ?? ''), opaque, path, rawPath: escapeGoPath(path) === raw ? '' : raw, tail: m[4]! };
}

/** joinGoURL appends the slash-separated path to u's path (Go's web.Join: Path and RawPath both). */
export function joinGoURL(u: GoURL, path: string): GoURL {
  if (path === '') return u;
  const p = path.replace(/^\//, '');
  return { ...u, path: `${u.path.replace(/\/$/, '')}/${p}`, rawPath: `${u.rawPath.replace(/\/$/, '')}/${p}` };
}

/** formatGoURL is Go's URL.String: the RawPath when it is a valid encoding of Path, else Path escaped. */
export function formatGoURL(u: GoURL): string {
  if (u.opaque) return u.head + u.rawPath.replace(/^\//, '') + u.tail;
  const useRaw = u.rawPath !== '' && validEncodedPath(u.rawPath) && unescapeGo(u.rawPath) === u.path;
  return u.head + (useRaw ? u.rawPath : escapeGoPath(u.path)) + u.tail;
}

/** joinURL is formatGoURL(joinGoURL(parseGoURL(base), path)) for one join. */
export function joinURL(base: string, path: string): string {
  return formatGoURL(joinGoURL(parseGoURL(base), path));
}

/**
 * formatErrorDetail turns an error body into the go command's short, tab-indented
 * summary (package web's formatErrorDetail): nothing unless the body is UTF-8 made of
 * printable characters and spaces; up to the first blank line; at most 8 lines and 648
 * bytes, with Go's truncation notes.
 */
export function formatErrorDetail(body: Uint8Array): string {
  return formatWebErrorDetail(body);
}

/** GetOptions bound a request. */
export interface GetOptions {
  /** timeoutMs aborts the request (headers and body) after this long. */
  readonly timeoutMs: number;
  /** signal aborts the request from outside (e.g. on interrupt). */
  readonly signal?: AbortSignal;
  /** deadlines, when given, times the request on a shared timer (one per client). */
  readonly deadlines?: DeadlineQueue;
}

/** readBody reads a body up to MAX_BODY bytes; a longer one throws. */
async function readBody(res: Response, url: string): Promise<Uint8Array> {
  // The body as delivered (package web's Node stream, or any Response's web body);
  // leaving the loop early (too large) releases the rest.
  const body = responseChunks(res);
  if (!body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of body) {
    n += chunk.length;
    if (n > MAX_BODY) {
      throw new CodedError('ERR_SUMDB_RESPONSE_TOO_LARGE', `reading ${url}: response larger than ${MAX_BODY} bytes`, {
        url,
      });
    }
    chunks.push(chunk);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * getBytes fetches url and returns the body of a 200 answer (Go's web.GetBytes). Any
 * other status rejects with the go command's HTTPError text, code ERR_SUMDB_STATUS and
 * fields {url, status, statusText, bodyExcerpt, notExist (404/410)}:
 *
 *     reading URL: 410 Gone
 *     	server response: not found
 *
 * A 404/410 from a file:// FetchLike carrying FILE_ERROR_HEADER (src/mod/web's
 * fetchFile) reads `reading file:///…: no such file or directory`, as Go's getFile.
 * A transport failure rejects with the FetchLike's CodedError unchanged, or else
 * `Get "URL": <reason>` (ERR_WEB_TRANSPORT); the timeout rejects with Go's client
 * timeout text. URLs in messages are redacted as Go's URL.Redacted.
 */
export async function getBytes(fetch: FetchLike, url: string, options: GetOptions): Promise<Uint8Array> {
  const shown = goRedacted(url);
  const start = Date.now();
  const deadline = (options.deadlines ?? createDeadlineQueue()).start(options.timeoutMs, options.signal);
  try {
    return await getWithin(fetch, url, shown, start, deadline, options);
  } finally {
    deadline.done();
  }
}

/** getWithin is getBytes under one deadline. */
async function getWithin(
  fetch: FetchLike,
  url: string,
  shown: string,
  start: number,
  deadline: Deadline,
  options: GetOptions,
): Promise<Uint8Array> {
  const signal = deadline.signal;
  const transport = (e: unknown, stage: string): CodedError => {
    if (options.signal?.aborted) {
      return new CodedError('ERR_WEB_TRANSPORT', `Get ${JSON.stringify(shown)}: operation was canceled`, {
        url: shown,
        elapsedMs: Date.now() - start,
        causeCode: 'OTHER',
      });
    }
    if (deadline.timedOut) {
      return new CodedError(
        'ERR_WEB_TRANSPORT',
        `Get ${JSON.stringify(shown)}: context deadline exceeded (Client.Timeout exceeded while ${stage})`,
        { url: shown, elapsedMs: Date.now() - start, causeCode: 'ETIMEDOUT', timeoutMs: options.timeoutMs },
        { cause: e },
      );
    }
    if (isCodedError(e)) return e;
    const msg = e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e);
    return new CodedError(
      'ERR_WEB_TRANSPORT',
      `Get ${JSON.stringify(shown)}: ${msg}`,
      { url: shown, elapsedMs: Date.now() - start, causeCode: 'OTHER' },
      { cause: e },
    );
  };

  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'file') {
    throw new CodedError('ERR_WEB_TRANSPORT', `unsupported scheme: ${shown}`, {
      url: shown,
      elapsedMs: 0,
      causeCode: 'OTHER',
    });
  }
  let res: Response;
  try {
    res = await fetch(url, { method: 'GET', signal });
  } catch (e) {
    throw transport(e, 'awaiting headers');
  }
  if (res.status === 200) {
    try {
      return await readBody(res, shown);
    } catch (e) {
      if (isCodedError(e, 'ERR_SUMDB_RESPONSE_TOO_LARGE')) throw e;
      const t = transport(e, 'reading body');
      throw new CodedError(
        'ERR_WEB_TRANSPORT',
        `reading ${shown}: ${t.message.replace(/^Get "[^"]*": /, '')}`,
        t.fields,
        {
          cause: e,
        },
      );
    }
  }

  const d = await describeStatus(res, shown);
  throw new CodedError('ERR_SUMDB_STATUS', d.message, {
    url: shown,
    status: res.status,
    statusText: d.statusText,
    ...(d.detail !== '' ? { bodyExcerpt: d.detail } : {}),
    elapsedMs: Date.now() - start,
    notExist: res.status === 404 || res.status === 410,
  });
}
