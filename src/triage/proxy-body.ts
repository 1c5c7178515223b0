/**
 * Recognising the error bodies of `modrescue proxy serve` in a log line.
 *
 * The proxy answers every error with one line of plain text (src/proxy/errors.ts), which
 * the go command (1.13 and later) prints under the failed request:
 *
 *     go: rsc.io/quote@v1.5.2: reading http://proxy:8080/rsc.io/quote/@v/v1.5.2.zip: 502 Bad Gateway
 *     	server response: refused: rsc.io/quote@v1.5.2.zip from https://up.example: … [ERR_PROXY_CHECKSUM_MISMATCH]
 *
 * (`server response:` alone on its line, with the body on the next, when a body has
 * several lines; inside a JSON string, with `\n\t` escapes, in `go mod download -json`
 * and `go list -json` output). This file only *locates* a body in a line and the request
 * the go command reports with it; the body's parts come from the proxy's own
 * parseErrorBody, so the wording lives in one place.
 */
import * as module from '../mod/module/index.js';
import { STATUS_BY_CODE, parseErrorBody, type ParsedErrorBody, type ProxyErrorCode } from '../proxy/errors.js';

/** PROXY_ERROR_CODES are the codes a `proxyCodes` rule may name (every code the proxy answers with). */
export const PROXY_ERROR_CODES = Object.keys(STATUS_BY_CODE) as ProxyErrorCode[];

/** ProxyBodyMatch is a proxy error body found in one line. */
export interface ProxyBodyMatch {
  readonly body: ParsedErrorBody;
  /** Offset in the line where the body (or its `server response:` prefix) starts. */
  readonly index: number;
  /** The failed request, when the go command reported it on the same line (JSON output). */
  readonly request?: ProxyRequest;
}

/** ProxyRequest is the request the go command reports before a server response. */
export interface ProxyRequest {
  /** The URL the go command asked the proxy for. */
  readonly url: string;
  /** The HTTP status line, e.g. `502 Bad Gateway`. */
  readonly status: string;
}

const CODE_TOKEN = /\[ERR_PROXY_[A-Z_]+\]/g;
const SERVER_RESPONSE = 'server response:';
const MAX_QUOTE_STARTS = 32;
// `reading <url>: <status>` at the end of what precedes the response (cmd/go/internal/web
// HTTPError.Error); in JSON the line break before `server response:` is the escape `\n\t`.
const REQUEST_AT_END =
  /reading (?<url>[a-z][a-z0-9+.-]*:\/\/\S+?): (?<status>\d{3}(?: [A-Za-z][A-Za-z' -]*?)?)\s*(?:\\n\\t\s*)?$/;

/**
 * findProxyErrorBody returns the modrescue proxy error body in a (normalised) log line, or
 * undefined when the line has none. The body ends with the line's last `[ERR_PROXY_…]`
 * code and starts at the earliest place that parses: the start of the line (after
 * indentation), a `server response:`, or the start of a JSON string (whose escapes are
 * undone first). A parse whose kind is not its code's kind is a quoted fragment, not a
 * body. A line with a code token but no body (a mention in prose, a body the go command
 * truncated) gives undefined.
 */
export function findProxyErrorBody(text: string): ProxyBodyMatch | undefined {
  let last: RegExpExecArray | undefined;
  CODE_TOKEN.lastIndex = 0;
  for (let m = CODE_TOKEN.exec(text); m !== null; m = CODE_TOKEN.exec(text)) last = m;
  if (last === undefined) return undefined;
  const end = last.index + last[0].length;
  const head = text.slice(0, last.index);
  // Where a body may start, earliest first: the outermost body starts before anything it
  // quotes (a reason may itself hold `server response:` and another proxy's body).
  const starts: Array<{ at: number; json: boolean }> = [{ at: text.length - text.trimStart().length, json: false }];
  for (let sr = head.indexOf(SERVER_RESPONSE); sr >= 0; sr = head.indexOf(SERVER_RESPONSE, sr + 1)) {
    starts.push({ at: sr, json: head.slice(Math.max(0, sr - 2), sr) === '\\t' || isInJsonString(head, sr) });
  }
  // (Bounded: a line full of quotes costs at most MAX_QUOTE_STARTS parses.)
  for (let q = head.indexOf('"'), n = 0; q >= 0 && n < MAX_QUOTE_STARTS; q = head.indexOf('"', q + 1)) {
    if (q > 0 && head[q - 1] === '\\') continue;
    starts.push({ at: q + 1, json: true });
    n++;
  }
  starts.sort((a, b) => a.at - b.at);
  for (const s of starts) {
    const raw = text.slice(s.at, end);
    const body = parseErrorBody(s.json ? unescapeJson(raw) : raw);
    // errorBody always writes the kind of the code: anything else is a quoted fragment.
    if (body === undefined || STATUS_BY_CODE[body.code].kind !== body.kind) continue;
    const request = requestAtEnd(text.slice(0, s.at));
    return request === undefined ? { body, index: s.at } : { body, index: s.at, request };
  }
  return undefined;
}

/** isInJsonString reports whether offset is inside a double-quoted JSON string of line (an odd number of unescaped quotes before it). */
function isInJsonString(line: string, offset: number): boolean {
  let n = 0;
  for (let i = 0; i < offset; i++) if (line[i] === '"' && line[i - 1] !== '\\') n++;
  return n % 2 === 1;
}

/** unescapeJson undoes JSON string escapes; text that is not a valid JSON string body is returned as is. */
function unescapeJson(s: string): string {
  if (!s.includes('\\')) return s;
  try {
    return JSON.parse(`"${s}"`) as string;
  } catch {
    return s;
  }
}

/**
 * requestAtEnd returns the `reading <url>: <status>` the go command printed at the end of
 * text (what precedes a server response), or undefined.
 */
export function requestAtEnd(text: string): ProxyRequest | undefined {
  const t = text.replace(/\s*server response:\s*$/, '');
  const m = REQUEST_AT_END.exec(t);
  if (!m?.groups) return undefined;
  return { url: m.groups['url']!, status: m.groups['status']!.trim() };
}

/**
 * findRequest looks for the go command's `reading <url>: <status>` line above a body line:
 * the line just before it, or the one before a bare `server response:` line (the form the
 * go command uses for a multi-line response). lines are the preceding lines, nearest last.
 * It returns the request and the line number it was found on, or undefined.
 */
export function findRequest(
  lines: ReadonlyArray<{ line: number; text: string }>,
): { request: ProxyRequest; line: number } | undefined {
  let i = lines.length - 1;
  if (i >= 0 && /^\s*server response:\s*$/.test(lines[i]!.text)) i--;
  for (; i >= 0 && i >= lines.length - 2; i--) {
    const request = requestAtEnd(lines[i]!.text);
    if (request !== undefined) return { request, line: lines[i]!.line };
    if (!/server response:\s*$/.test(lines[i]!.text)) break;
  }
  return undefined;
}

/** SubjectModule is the module (and version) a body's subject names. */
export interface SubjectModule {
  readonly path: string;
  readonly version?: string;
}

/**
 * subjectModule returns the module a body's subject names: `path@version.info|mod|zip`,
 * `path/@v/list`, `path/@latest`, `sumdb/<name>/lookup/path@version`. It returns
 * undefined for other subjects (raw request paths, sumdb tiles, operations endpoints).
 */
export function subjectModule(subject: string | undefined): SubjectModule | undefined {
  if (subject === undefined) return undefined;
  let m = /^(?<path>[^@\s/][^@\s]*[^@\s/])@(?<version>[^@\s/]+)\.(?:info|mod|zip)$/.exec(subject);
  if (m?.groups) return { path: m.groups['path']!, version: m.groups['version']! };
  m = /^(?<path>[^@\s/][^@\s]*[^@\s/])\/@(?:v\/list|latest)$/.exec(subject);
  if (m?.groups) return { path: m.groups['path']! };
  m = /^sumdb\/\S+?\/lookup\/(?<path>[^@\s]+)@(?<version>[^@\s]+)$/.exec(subject);
  if (m?.groups) return { path: m.groups['path']!, version: m.groups['version']! };
  return undefined;
}

/**
 * proxyBaseUrl returns the base URL of the modrescue proxy (what GOPROXY names) from the
 * URL the go command requested and the body's subject: the request URL without the
 * protocol path (`/<escaped module>/@v/…`, `/<escaped module>/@latest`, `/sumdb/…`, or
 * the raw path a bad-request subject repeats). Without a recognisable protocol path it
 * returns the URL's origin; for a URL that does not parse, undefined.
 */
export function proxyBaseUrl(requestUrl: string, subject: string | undefined): string | undefined {
  let u: URL;
  try {
    u = new URL(requestUrl);
  } catch {
    return undefined;
  }
  const trim = (s: string) => s.replace(/\/+$/, '');
  const sumdb = requestUrl.indexOf('/sumdb/', u.origin.length - 1);
  if (sumdb >= 0) return trim(requestUrl.slice(0, sumdb));
  const mod = subjectModule(subject);
  if (mod !== undefined) {
    let escaped: string;
    try {
      escaped = module.escapePath(mod.path);
    } catch {
      escaped = mod.path;
    }
    const at = requestUrl.lastIndexOf('/' + escaped + '/@');
    if (at >= 0) return trim(requestUrl.slice(0, at));
  }
  if (subject !== undefined && subject.startsWith('/') && requestUrl.endsWith(subject)) {
    return trim(requestUrl.slice(0, requestUrl.length - subject.length));
  }
  return u.origin;
}

/** hostOf returns the host name of a URL, or undefined when it does not parse (`off`, a sumdb name). */
export function hostOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const h = new URL(url).hostname;
    return h === '' ? undefined : h.toLowerCase();
  } catch {
    return undefined;
  }
}

/** proxyCodePattern returns the regular expression source that pre-filters lines naming one of codes. */
export function proxyCodePattern(codes: readonly ProxyErrorCode[]): string {
  return `\\[(?<proxyCode>${codes.join('|')})\\]`;
}

/** ProxyHit is what a `proxyCodes` rule hit knows about the proxy error it matched. */
export interface ProxyHit {
  readonly body: ParsedErrorBody;
  /** The request the go command reported with the body, when found. */
  readonly request?: ProxyRequest;
  /** The line of that request when it is not the body's own line. */
  readonly requestLine?: number;
  /** The modrescue proxy's base URL (derived from the request URL). */
  readonly baseUrl?: string;
}

/**
 * describeProxyHit completes a body found on line lineNo with the request the go command
 * reported (on the same line, or in the lines before, nearest last) and returns it with
 * the captures a rule's `where` conditions and step placeholders see: proxyCode,
 * proxyKind, reason, subject, upstream, host (the upstream's), module, version, url (the
 * request), status and proxy (the proxy's base URL), each only when known.
 */
export function describeProxyHit(
  match: ProxyBodyMatch,
  before: ReadonlyArray<{ line: number; text: string }>,
): { hit: ProxyHit; captures: Record<string, string> } {
  const { body } = match;
  let request = match.request;
  let requestLine: number | undefined;
  if (request === undefined) {
    const found = findRequest(before);
    if (found !== undefined) {
      request = found.request;
      requestLine = found.line;
    }
  }
  const baseUrl = request === undefined ? undefined : proxyBaseUrl(request.url, body.subject);
  const mod = subjectModule(body.subject);
  const upstreamHost = hostOf(body.upstream);
  const captures: Record<string, string> = { proxyCode: body.code, proxyKind: body.kind, reason: body.reason };
  const put = (k: string, v: string | undefined) => {
    if (v !== undefined && v !== '') captures[k] = v;
  };
  put('subject', body.subject);
  put('upstream', body.upstream);
  put('host', upstreamHost);
  put('module', mod?.path);
  put('version', mod?.version);
  put('url', request?.url);
  put('status', request?.status);
  put('proxy', baseUrl);
  const hit: ProxyHit = {
    body,
    ...(request === undefined ? {} : { request }),
    ...(requestLine === undefined ? {} : { requestLine }),
    ...(baseUrl === undefined ? {} : { baseUrl }),
  };
  return { hit, captures };
}
