/**
 * createHttpClient: the FetchLike that the composition root hands to library code.
 *
 * Over undici 7: one keep-alive dispatcher (an EnvHttpProxyAgent given the proxy settings
 * as values — it never reads the environment itself), a connect timeout and a total timeout
 * per attempt that also covers reading the body (so a slow trickle ends), bounded retries
 * with exponential backoff and jitter for GET/HEAD on network errors, 429 and 5xx (honouring
 * Retry-After up to a cap), extra CA certificates, Basic credentials from .netrc for the
 * matching HTTPS host only (GOAUTH=netrc; none with GOAUTH=off) re-evaluated at every
 * redirect hop, and file:// URLs answered from disk.
 *
 * Transport failures reject with HttpError ERR_WEB_TRANSPORT worded as Go's net/http
 * client words them; any HTTP status resolves (protocol clients decide what it means).
 *
 * The per-request path is kept lean, since a module download makes hundreds of requests
 * to a nearby proxy: the URL is parsed once per call (undici gets its parts, not the
 * string again), a hop's headers are computed once for all its attempts, deadlines
 * share one timer, and the answer is a StreamResponse (response.ts) over undici's Node
 * body, whose Headers and web stream exist only if a reader asks for them.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import { STATUS_CODES } from 'node:http';
import type { Dispatcher } from 'undici';
import type { FetchInit, FetchLike } from './types.js';
import { HttpError, type HttpCauseCode } from './errors.js';
import { fetchFile } from './file.js';
import { netrcCredentialsForHost, parseNetrc, type Netrc } from './netrc.js';
import { redactUrl } from './url.js';
import { discardBody, streamResponse, responseHeader, type BodyHooks, type RawHeaders } from './response.js';
import { createDeadlineQueue, type Deadline } from './deadline.js';

/** HttpClientOptions configures createHttpClient; every field has a safe default. */
export interface HttpClientOptions {
  /** Milliseconds to establish a connection (TCP + TLS). Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** Milliseconds for one attempt from request to the last body byte. Default 60 000. */
  readonly timeoutMs?: number;
  /** Extra attempts for GET/HEAD after a network error, 429 or 5xx. Default 2. */
  readonly retries?: number;
  /** First backoff delay in ms (doubled per attempt, ±50 % jitter). Default 500. */
  readonly retryBaseDelayMs?: number;
  /** Cap for a backoff delay and for Retry-After, in ms. Default 10 000. */
  readonly retryMaxDelayMs?: number;
  /** HTTP_PROXY value ('' or undefined: none). */
  readonly httpProxy?: string;
  /** HTTPS_PROXY value ('' or undefined: none). */
  readonly httpsProxy?: string;
  /** NO_PROXY value. */
  readonly noProxy?: string;
  /**
   * Send loopback requests (localhost, 127.0.0.1, ::1) through the proxy too. Default false:
   * like the go command (golang.org/x/net/http/httpproxy), loopback is always direct.
   * Tests that run their proxy on loopback set it.
   */
  readonly proxyLoopback?: boolean;
  /** Extra CA certificates as PEM text (e.g. the contents of SSL_CERT_FILE). */
  readonly caCertificates?: readonly string[];
  /** Files holding extra PEM CA certificates (SSL_CERT_FILE); read on first use. */
  readonly caFiles?: readonly string[];
  /** Directories whose files hold extra PEM CA certificates (SSL_CERT_DIR, ':'-separated in Go). */
  readonly caDirs?: readonly string[];
  /** .netrc content (not a path). */
  readonly netrc?: string;
  /** GOAUTH value: 'off' sends no credentials; anything containing the netrc method uses `netrc`. Default 'netrc'. */
  readonly goauth?: string;
  /** User-Agent header. Default `modrescue`. */
  readonly userAgent?: string;
  /** Random source in [0,1) for jitter (tests pass a fixed one). */
  readonly random?: () => number;
}

/** HttpClient is a FetchLike with a close() that releases its connections. */
export type HttpClient = FetchLike & {
  /** close ends keep-alive connections; the client must not be used afterwards. */
  close(): Promise<void>;
};

const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * createHttpClient returns an HttpClient. Options are validated lazily: unreadable CA
 * files make the first request reject with HttpError (causeCode CERT_OTHER).
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const retries = Math.max(0, options.retries ?? 2);
  const baseDelay = options.retryBaseDelayMs ?? 500;
  const maxDelay = options.retryMaxDelayMs ?? 10_000;
  const random = options.random ?? Math.random;
  const userAgent = options.userAgent ?? 'modrescue';
  // Credentials are parsed once; GOAUTH decides whether they are used at all.
  const netrc: Netrc = parseNetrc(options.netrc ?? '');
  const useNetrc = goauthUsesNetrc(options.goauth ?? 'netrc');

  // The dispatcher is built on first use so that reading CA files (the only I/O of the
  // options) is asynchronous and a bad path surfaces as a request error, not a throw
  // from a synchronous factory. One dispatcher serves every request: keep-alive pools
  // per origin, and proxy agents per scheme.

  // undici (and the TLS verification built on it) is loaded on the first request: a
  // command that finds everything in the module cache never pays for it.
  let init: Promise<Dispatcher> | undefined;
  /** ready is the dispatcher once built: requests after the first skip a promise. */
  let ready: Dispatcher | undefined;
  const getTransport = (): Promise<Dispatcher> =>
    (init ??= (async () => {
      const extra = [...(options.caCertificates ?? [])];
      for (const f of options.caFiles ?? []) extra.push(await readFile(f, 'utf8'));
      for (const d of options.caDirs ?? []) {
        const names = await readdir(d).catch(() => [] as string[]);
        for (const n of names.sort()) {
          const text = await readFile(path.join(d, n), 'utf8').catch(() => '');
          if (text.includes('-----BEGIN CERTIFICATE-----')) extra.push(text);
        }
      }
      const [undici, { createVerifyingConnector }] = await Promise.all([import('undici'), import('./tls.js')]);
      // Passing `ca` replaces Node's bundled roots, so the extra CAs are appended to them:
      // SSL_CERT_FILE/SSL_CERT_DIR add trust, they never remove the public roots.
      const tls = {
        timeout: connectTimeoutMs,
        ...(extra.length > 0 ? { ca: [...rootCertificates, ...extra] } : {}),
      };
      // Without any proxy setting, a plain keep-alive Agent: EnvHttpProxyAgent would
      // match NO_PROXY against every request for nothing.
      const noProxies = (options.httpProxy ?? '') === '' && (options.httpsProxy ?? '') === '';
      const connect = createVerifyingConnector(tls);
      const dispatcher: Dispatcher = noProxies
        ? new undici.Agent({ connect, keepAliveTimeout: 4_000 })
        : new undici.EnvHttpProxyAgent({
            // Empty strings (not undefined) so undici never falls back to process.env.
            httpProxy: options.httpProxy ?? '',
            httpsProxy: options.httpsProxy ?? '',
            // NO_PROXY=* (no proxy at all) must stay exactly '*' for undici to honour it.
            noProxy:
              options.proxyLoopback || options.noProxy?.trim() === '*'
                ? (options.noProxy?.trim() ?? '')
                : [options.noProxy ?? '', 'localhost', '127.0.0.1', '[::1]'].filter((x) => x !== '').join(','),
            // Direct connections verify certificates in Go's order with Go's messages;
            // tunnels through a proxy use Node's verification (same checks, terser errors).
            connect,
            requestTls: tls,
            proxyTls: tls,
            keepAliveTimeout: 4_000,
          });
      ready = dispatcher;
      return dispatcher;
    })());
  // One timer for every in-flight attempt instead of one per request.
  const deadlines = createDeadlineQueue();
  const creds = useNetrc ? netrc : undefined;

  /**
   * fetchOnce is one attempt: it follows redirects itself (redirect: 'manual') so that
   * credentials are recomputed for every hop's host, an https→http downgrade is refused
   * and the go command's 10-redirect limit applies. first is the attempt's first hop
   * (the same for every attempt of a call, so it is prepared once).
   */
  const fetchOnce = async (url: string, method: 'GET' | 'HEAD', init: FetchInit, start: number, first: Hop) => {
    let hop = first;
    let current = url;
    for (let n = 0; ; n++) {
      // The total timeout stays attached to the body stream after the headers arrive,
      // so a server that trickles bytes is cut off too. The caller's signal (Ctrl-C)
      // aborts as well, and is re-thrown as is so the CLI reports "interrupted".
      const deadline = deadlines.start(timeoutMs, init.signal);
      let dispatcher = ready;
      if (!dispatcher) {
        try {
          dispatcher = await getTransport();
        } catch (e) {
          deadline.done();
          throw new HttpError('ERR_WEB_TRANSPORT', `reading CA certificates: ${(e as Error).message}`, {
            url: redactUrl(url),
            elapsedMs: Date.now() - start,
            causeCode: 'CERT_OTHER',
          });
        }
      }
      let r: Dispatcher.ResponseData;
      try {
        // The request API rather than undici.fetch: fetch refuses the WHATWG "bad ports"
        // (1, 6000, 10080, …) that the go command happily uses, and adds CORS-era rules
        // that a module client does not want. Called on the dispatcher with the parsed
        // URL's parts, so the URL is not parsed again.
        const t = hop.target;
        r = await dispatcher.request({
          origin: t.origin,
          path: t.search === '' ? t.pathname : t.pathname + t.search,
          method,
          headers: hop.headers,
          signal: deadline.signal,
        });
      } catch (e) {
        deadline.done();
        if (init.signal?.aborted) throw init.signal.reason ?? e;
        throw transportError(e, method, current, start, deadline.timedOut ? 'headers' : undefined);
      }
      const status = r.statusCode;
      const location = REDIRECT_STATUSES.has(status) ? rawHeader(r.headers, 'location') : null;
      if (location === null) {
        // Body errors (timeout, reset) become HttpErrors; the deadline is released
        // when the body ends, fails or is cancelled.
        if (method === 'HEAD' || NULL_BODY_STATUSES.has(status)) {
          r.body.resume();
          deadline.done();
          return streamResponse(status, STATUS_CODES[status] ?? '', r.headers, null);
        }
        return streamResponse(
          status,
          STATUS_CODES[status] ?? '',
          r.headers,
          r.body,
          new BodyState(url, start, deadline),
        );
      }
      // The redirect body is never read; drop it so the connection can be reused.
      // Go's client names the Location value as sent (often relative) in its errors.
      r.body.on('error', () => {});
      r.body.destroy();
      deadline.done();
      const bare = new URL(hop.target.href);
      bare.username = '';
      bare.password = '';
      const next = new URL(location, bare);
      if (hop.target.protocol === 'https:' && next.protocol !== 'https:') {
        throw new HttpError(
          'ERR_WEB_TRANSPORT',
          `${goOp(method)} ${JSON.stringify(stripPassword(location))}: redirected from secure URL ${redactUrl(current)} to insecure URL ${redactUrl(next.toString())}`,
          { url: redactUrl(url), elapsedMs: Date.now() - start, causeCode: 'REDIRECT' },
        );
      }
      if (n + 1 >= MAX_REDIRECTS) {
        throw new HttpError(
          'ERR_WEB_TRANSPORT',
          `${goOp(method)} ${JSON.stringify(stripPassword(location))}: stopped after ${MAX_REDIRECTS} redirects`,
          { url: redactUrl(url), elapsedMs: Date.now() - start, causeCode: 'REDIRECT' },
        );
      }
      current = next.toString();
      hop = prepareHop(next, first.original, init, userAgent, creds);
    }
  };

  /**
   * client is the FetchLike: file:// is answered from disk; other URLs get up to
   * `retries` extra attempts when the failure is transient (network errors, 429, 5xx).
   * The final 429/5xx response is returned, not thrown: status handling is the protocol
   * client's decision.
   */
  const client = async (url: string, init: FetchInit = {}): Promise<Response> => {
    if (url.startsWith('file:')) return fetchFile(url, init.method ?? 'GET');
    const start = Date.now();
    const method = init.method ?? 'GET';
    let first: Hop | undefined;
    for (let attempt = 0; ; attempt++) {
      let res: Response | undefined;
      let err: unknown;
      try {
        // The URL is parsed once per call: every attempt starts with the same request.
        if (!first) {
          const u = new URL(url);
          first = prepareHop(u, u, init, userAgent, creds);
        }
        res = await fetchOnce(url, method, init, start, first);
      } catch (e) {
        err = e;
      }
      const retryable =
        attempt < retries &&
        !init.signal?.aborted &&
        (res ? res.status === 429 || (res.status >= 500 && res.status <= 599) : isRetryableError(err));
      if (!retryable) {
        if (res) return res;
        throw err;
      }
      // Exponential backoff with ±50 % jitter (clients retrying in lockstep would keep an
      // overloaded proxy overloaded); a server's Retry-After wins but never beyond the cap.
      let delay = Math.min(maxDelay, baseDelay * 2 ** attempt) * (0.5 + random() / 2);
      const after = res ? parseRetryAfter(responseHeader(res, 'retry-after')) : undefined;
      if (after !== undefined) delay = Math.min(after, maxDelay);
      if (res) await discardBody(res);
      await sleep(delay, init.signal);
    }
  };
  return Object.assign(client, {
    close: async () => {
      deadlines.clear();
      if (init) await (await init.catch(() => undefined))?.close();
    },
  });
}

/**
 * BodyState is what a response body needs from its attempt: read failures worded as
 * Go's (bodyError, with the attempt's URL, start and whether its deadline fired) and
 * the deadline released when the body settles. One object per response, no closures.
 */
class BodyState implements BodyHooks {
  constructor(
    private readonly url: string,
    private readonly start: number,
    private readonly deadline: Deadline,
  ) {}
  mapError(e: unknown): unknown {
    return bodyError(e, this.url, this.start, this.deadline.timedOut);
  }
  onSettled(): void {
    this.deadline.done();
  }
}

/** rawHeader reads one header of undici's parsed headers (lower-case names), joining repeats. */
function rawHeader(headers: RawHeaders, name: string): string | null {
  const v = headers[name];
  if (v === undefined) return null;
  return Array.isArray(v) ? v.join(', ') : v;
}

/** goauthUsesNetrc reports whether a GOAUTH value enables the netrc method. */
export function goauthUsesNetrc(goauth: string): boolean {
  const cmds = goauth.split(';').map((c) => c.trim());
  if (cmds.length === 1 && cmds[0] === 'off') return false;
  return goauth.trim() === '' || cmds.some((c) => c === 'netrc');
}

/** Hop is one request of an attempt: where it goes and with which headers. */
interface Hop {
  /** The hop's URL, parsed; its userinfo (if any) is sent as a header, never in the request. */
  readonly target: URL;
  /** The URL the caller asked for, parsed (the first hop's target). */
  readonly original: URL;
  readonly headers: Record<string, string>;
}

/**
 * prepareHop builds the request of one hop to u (orig is the caller's URL; the same
 * object for the first hop): the caller's headers, User-Agent, and Basic credentials —
 * from the URL's userinfo (any scheme, as Go's net/http sends it) when the hop is on
 * the original host, else from .netrc for the hop's own host over HTTPS only.
 * Credentials never follow a redirect to another host. A userinfo with a bad %-escape
 * throws decodeURIComponent's URIError.
 */
function prepareHop(u: URL, orig: URL, init: FetchInit, userAgent: string, netrc: Netrc | undefined): Hop {
  const headers: Record<string, string> = init.headers
    ? { 'user-agent': userAgent, ...init.headers }
    : { 'user-agent': userAgent };
  const sameHost = u === orig || u.host === orig.host;
  // Userinfo of the hop's own URL, else (same host only) of the original URL.
  const src = u.username !== '' || u.password !== '' || !sameHost ? u : orig;
  const user = src.username === '' ? '' : decodeURIComponent(src.username);
  const pass = src.password === '' ? '' : decodeURIComponent(src.password);
  const hasAuth =
    init.headers !== undefined && Object.keys(init.headers).some((k) => k.toLowerCase() === 'authorization');
  if (!sameHost) {
    // A redirect to another host carries none of the caller's headers but the harmless
    // ones: Authorization, and token headers such as GitLab's PRIVATE-TOKEN, stay behind.
    for (const k of Object.keys(headers)) if (!CROSS_HOST_HEADERS.has(k.toLowerCase())) delete headers[k];
  }
  if (!hasAuth || !sameHost) {
    if (user !== '' || pass !== '') {
      headers['authorization'] = basic(user, pass);
    } else if (u.protocol === 'https:' && netrc && netrc.machines.length > 0) {
      const cred = netrcCredentialsForHost(netrc, u.hostname, u.host);
      if (cred) headers['authorization'] = basic(cred.login, cred.password);
    }
  }
  return { target: u, original: orig, headers };
}

/** CROSS_HOST_HEADERS are the caller's headers that may follow a redirect to another host. */
const CROSS_HOST_HEADERS = new Set([
  'user-agent',
  'accept',
  'accept-encoding',
  'accept-language',
  'range',
  'if-range',
  'if-none-match',
  'if-modified-since',
  'disable-module-fetch',
]);

/** basic is an Authorization header value for HTTP Basic authentication. */
function basic(user: string, pass: string): string {
  return 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
}

/**
 * bodyError words a failure while reading a body as Go's url.Error{Op: "read"} (cmd/go adds
 * that context itself because net/http does not): a timeout, a reset, or an early EOF.
 */
function bodyError(e: unknown, url: string, start: number, timedOut: boolean): HttpError {
  const cause = rootCause(e);
  const causeCode: HttpCauseCode = timedOut ? 'ETIMEDOUT' : classify(cause).code;
  const detail = timedOut
    ? 'context deadline exceeded (Client.Timeout or context cancellation while reading body)'
    : causeCode === 'ECONNRESET'
      ? 'read: connection reset by peer'
      : causeCode === 'EOF' || causeCode === 'OTHER'
        ? 'unexpected EOF'
        : classify(cause).detail;
  return new HttpError(
    'ERR_WEB_TRANSPORT',
    `read ${JSON.stringify(stripPassword(url))}: ${detail}`,
    { url: redactUrl(url), elapsedMs: Date.now() - start, causeCode, op: 'read' },
    e,
  );
}

/** goOp is the url.Error Op net/http uses for a method ("Get", "Head"). */
function goOp(method: string): string {
  return method[0]! + method.slice(1).toLowerCase();
}

/** stripPassword hides a URL password as net/http's client errors do (`user:***@`). */
function stripPassword(url: string): string {
  return url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/@:?#]*):[^/@?#]*@/, '$1:***@');
}

/** Classified is a transport failure's cause code and its Go wording. */
interface Classified {
  code: HttpCauseCode;
  detail: string;
}

/**
 * rootCause digs through undici's wrapping (`TypeError: fetch failed` → cause → …) to the
 * error that carries the system or TLS code.
 */
function rootCause(e: unknown): unknown {
  let cur = e;
  for (let i = 0; i < 5; i++) {
    const c = (cur as { cause?: unknown } | undefined)?.cause;
    if (c === undefined || c === null) break;
    cur = c;
  }
  // AggregateError (happy eyeballs over several addresses): use the first.
  const errors = (cur as { errors?: unknown[] } | undefined)?.errors;
  if (Array.isArray(errors) && errors.length > 0 && !(cur as { code?: string }).code) return errors[0];
  return cur;
}

/** classify maps Node/undici error codes to a cause code and Go's wording of it. */
function classify(cause: unknown, host = '', port = ''): Classified {
  const err = cause as {
    code?: string;
    message?: string;
    address?: string;
    port?: number;
    hostname?: string;
    errors?: unknown[];
  };
  const code = err?.code ?? '';
  const msg = err?.message ?? String(cause);
  const goDetail = (cause as { goDetail?: string } | undefined)?.goDetail;
  const addr = err?.address ? `${err.address}:${err.port ?? port}` : `${host}:${port}`;
  switch (code) {
    case 'ENOTFOUND':
      return { code: 'ENOTFOUND', detail: `dial tcp: lookup ${err.hostname ?? host}: no such host` };
    case 'EAI_AGAIN':
      return {
        code: 'EAI_AGAIN',
        detail: `dial tcp: lookup ${err.hostname ?? host}: temporary failure in name resolution`,
      };
    case 'ECONNREFUSED':
      return { code: 'ECONNREFUSED', detail: `dial tcp ${addr}: connect: connection refused` };
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return { code: 'ETIMEDOUT', detail: `dial tcp ${addr}: i/o timeout` };
    case 'UND_ERR_HEADERS_TIMEOUT':
      return { code: 'ETIMEDOUT', detail: 'net/http: timeout awaiting response headers' };
    case 'UND_ERR_BODY_TIMEOUT':
      return {
        code: 'ETIMEDOUT',
        detail: 'context deadline exceeded (Client.Timeout or context cancellation while reading body)',
      };
    case 'ECONNRESET':
    case 'EPIPE':
      return { code: 'ECONNRESET', detail: 'read: connection reset by peer' };
    case 'UND_ERR_SOCKET':
      return /reset/i.test(msg)
        ? { code: 'ECONNRESET', detail: 'read: connection reset by peer' }
        : { code: 'EOF', detail: 'EOF' };
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'CERT_UNTRUSTED':
      return { code: 'CERT_UNKNOWN_AUTHORITY', detail: goDetail ?? 'x509: certificate signed by unknown authority' };
    case 'CERT_HAS_EXPIRED':
    case 'CERT_NOT_YET_VALID':
      return { code: 'CERT_EXPIRED', detail: goDetail ?? 'x509: certificate has expired or is not yet valid' };
    case 'ERR_TLS_CERT_ALTNAME_INVALID': {
      if (goDetail) return { code: 'CERT_HOSTNAME', detail: goDetail };
      const alt = (cause as { cert?: { subjectaltname?: string } }).cert?.subjectaltname ?? '';
      const names = alt
        .split(/,\s*/)
        .map((s) => s.replace(/^(DNS|IP Address):/, ''))
        .filter((s) => s !== '');
      const h = (cause as { host?: string }).host ?? host;
      return {
        code: 'CERT_HOSTNAME',
        detail:
          names.length > 0
            ? `x509: certificate is valid for ${names.join(', ')}, not ${h}`
            : `x509: certificate is not valid for ${h}`,
      };
    }
    case 'UND_ERR_ABORTED':
    case 'UND_ERR_PRX_TLS':
      return { code: 'PROXY', detail: `proxyconnect tcp: ${msg}` };
  }
  if (goDetail) return { code: 'CERT_OTHER', detail: goDetail };
  if (/^(CERT_|ERR_TLS_|ERR_SSL_)/.test(code)) return { code: 'CERT_OTHER', detail: `tls: ${msg}` };
  if (/Proxy response/.test(msg)) return { code: 'PROXY', detail: `proxyconnect tcp: ${msg}` };
  return { code: 'OTHER', detail: msg };
}

/** transportError builds the HttpError for a request that got no response. */
function transportError(
  e: unknown,
  method: string,
  url: string,
  start: number,
  phase: 'headers' | undefined,
): HttpError {
  const u = new URL(url);
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  const cause = rootCause(e);
  const c =
    phase === 'headers'
      ? {
          code: 'ETIMEDOUT' as const,
          detail: 'context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
        }
      : classify(cause, u.hostname, port);
  return new HttpError(
    'ERR_WEB_TRANSPORT',
    `${goOp(method)} ${JSON.stringify(stripPassword(url))}: ${c.detail}`,
    { url: redactUrl(url), elapsedMs: Date.now() - start, causeCode: c.code },
    e,
  );
}

/**
 * isRetryableError says whether a transport failure may be transient. Certificate,
 * DNS "no such host" and redirect-policy errors are permanent: retrying only delays
 * the diagnosis. So is a refused connection (nothing listens there): the go command
 * moves on at once, and a '|' GOPROXY list must fall through to the next proxy
 * without seconds of backoff per request while a proxy is down.
 */
function isRetryableError(e: unknown): boolean {
  if (!(e instanceof HttpError)) return false;
  const c = e.fields.causeCode;
  return c === 'ETIMEDOUT' || c === 'ECONNRESET' || c === 'EOF' || c === 'EAI_AGAIN';
}

/** parseRetryAfter parses a Retry-After header (seconds or an HTTP date) into ms. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

/** sleep waits ms, or rejects with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
