/**
 * The proxy's error wording, in one place.
 *
 * Every error answer of `modrescue proxy serve` is one line of plain text, because the go
 * command prints it to the user after `server response:`. The line has a fixed shape so
 * that `modrescue triage` and `modrescue doctor` (allowed to import this file, see
 * docs/architecture.md "Sideways imports") can recognise it in a CI log and name the
 * upstream that failed:
 *
 *     <kind>: <subject>: <reason> [ERR_PROXY_…]
 *     refused: rsc.io/quote@v1.5.2.zip from https://proxy.example: checksum mismatch: … [ERR_PROXY_CHECKSUM_MISMATCH]
 *
 * `kind` is one of PROXY_ERROR_KINDS; the trailing bracket names the error code (listed in
 * docs/errors.md). When an upstream is involved the subject is followed by
 * ` from <upstream URL>` (credentials redacted).
 */
import { MAX_ERROR_DETAIL_BYTES } from '../mod/web/status.js';
import { CodedError } from '../shared/errors.js';
import { redact } from '../shared/redact.js';

/** ProxyErrorCode is every code the proxy answers with or throws. */
export type ProxyErrorCode =
  | 'ERR_PROXY_BAD_PATH'
  | 'ERR_PROXY_METHOD'
  | 'ERR_PROXY_NOT_FOUND'
  | 'ERR_PROXY_NOT_CACHED'
  | 'ERR_PROXY_UNAUTHORIZED'
  | 'ERR_PROXY_FORBIDDEN'
  | 'ERR_PROXY_UPSTREAM'
  | 'ERR_PROXY_UPSTREAM_TIMEOUT'
  | 'ERR_PROXY_CIRCUIT_OPEN'
  | 'ERR_PROXY_INVALID_INFO'
  | 'ERR_PROXY_INVALID_MOD'
  | 'ERR_PROXY_INVALID_ZIP'
  | 'ERR_PROXY_GOMOD_MISMATCH'
  | 'ERR_PROXY_CHECKSUM_MISMATCH'
  | 'ERR_PROXY_SUMDB_UNAVAILABLE'
  | 'ERR_PROXY_TOO_LARGE'
  | 'ERR_PROXY_STORAGE'
  | 'ERR_PROXY_STORAGE_KEY'
  | 'ERR_PROXY_CONFIG'
  | 'ERR_PROXY_LISTEN'
  | 'ERR_PROXY_SHUTTING_DOWN';

/**
 * ProxyErrorKind is the first word of an error body: what class of failure the client
 * sees. It decides the HTTP status (see STATUS_BY_CODE).
 */
export type ProxyErrorKind =
  | 'bad request'
  | 'method not allowed'
  | 'not found'
  | 'unauthorized'
  | 'forbidden'
  | 'refused'
  | 'upstream error'
  | 'upstream timeout'
  | 'unavailable'
  | 'internal error';

/** PROXY_ERROR_KINDS lists the kinds in the order a recogniser should try them. */
export const PROXY_ERROR_KINDS: readonly ProxyErrorKind[] = [
  'bad request',
  'method not allowed',
  'not found',
  'unauthorized',
  'forbidden',
  'refused',
  'upstream error',
  'upstream timeout',
  'unavailable',
  'internal error',
];

/** STATUS_BY_CODE maps each answerable code to its HTTP status and body kind (status codes are protocol). */
export const STATUS_BY_CODE: Readonly<Record<ProxyErrorCode, { status: number; kind: ProxyErrorKind }>> = {
  ERR_PROXY_BAD_PATH: { status: 400, kind: 'bad request' },
  ERR_PROXY_METHOD: { status: 405, kind: 'method not allowed' },
  ERR_PROXY_NOT_FOUND: { status: 404, kind: 'not found' },
  ERR_PROXY_NOT_CACHED: { status: 404, kind: 'not found' },
  ERR_PROXY_UNAUTHORIZED: { status: 401, kind: 'unauthorized' },
  ERR_PROXY_FORBIDDEN: { status: 403, kind: 'forbidden' },
  ERR_PROXY_UPSTREAM: { status: 502, kind: 'upstream error' },
  ERR_PROXY_UPSTREAM_TIMEOUT: { status: 504, kind: 'upstream timeout' },
  ERR_PROXY_CIRCUIT_OPEN: { status: 503, kind: 'unavailable' },
  ERR_PROXY_INVALID_INFO: { status: 502, kind: 'refused' },
  ERR_PROXY_INVALID_MOD: { status: 502, kind: 'refused' },
  ERR_PROXY_INVALID_ZIP: { status: 502, kind: 'refused' },
  ERR_PROXY_GOMOD_MISMATCH: { status: 502, kind: 'refused' },
  ERR_PROXY_CHECKSUM_MISMATCH: { status: 502, kind: 'refused' },
  ERR_PROXY_SUMDB_UNAVAILABLE: { status: 502, kind: 'refused' },
  ERR_PROXY_TOO_LARGE: { status: 502, kind: 'refused' },
  ERR_PROXY_STORAGE: { status: 500, kind: 'internal error' },
  ERR_PROXY_STORAGE_KEY: { status: 400, kind: 'bad request' },
  ERR_PROXY_CONFIG: { status: 500, kind: 'internal error' },
  ERR_PROXY_LISTEN: { status: 500, kind: 'internal error' },
  ERR_PROXY_SHUTTING_DOWN: { status: 503, kind: 'unavailable' },
};

/** ProxyErrorFields are the structured facts of a ProxyError (all optional except what the code implies). */
export interface ProxyErrorFields {
  /** What was asked for, e.g. `rsc.io/quote@v1.5.2.zip`, `rsc.io/quote/@v/list`, a raw path. */
  readonly subject?: string;
  /** The upstream URL (redacted) that served the content or failed. */
  readonly upstream?: string;
  /** The upstream's HTTP status, when it answered. */
  readonly upstreamStatus?: number;
  /** When the answer is 404/410 from every upstream: the status to pass on. */
  readonly status?: number;
  /** Machine-readable reason for verification failures (a metric label). */
  readonly reason?: string;
  readonly [key: string]: unknown;
}

/**
 * ProxyError is the CodedError the proxy throws internally and turns into an HTTP answer.
 * Its message is the reason only; errorBody adds the kind, subject and code.
 */
export class ProxyError extends CodedError {
  declare readonly code: ProxyErrorCode;
  declare readonly fields: Readonly<ProxyErrorFields>;

  constructor(code: ProxyErrorCode, message: string, fields: ProxyErrorFields = {}, options?: { cause?: unknown }) {
    super(code, message, { ...fields }, options);
    this.name = 'ProxyError';
  }

  /** status is the HTTP status of the answer (fields.status overrides, e.g. 410 from upstream). */
  get status(): number {
    const s = this.fields.status;
    return typeof s === 'number' ? s : STATUS_BY_CODE[this.code].status;
  }
}

/** isProxyError reports whether e is a ProxyError (optionally with the given code). */
export function isProxyError(e: unknown, code?: ProxyErrorCode): e is ProxyError {
  return e instanceof ProxyError && (code === undefined || e.code === code);
}

/** Caps of the subject and upstream, in bytes, so that the reason keeps most of the line. */
const MAX_SUBJECT_BYTES = 200;
const MAX_UPSTREAM_BYTES = 160;

/**
 * errorBody formats the one-line plain-text body of an error answer. Newlines in the
 * reason are folded to `; ` so the body stays one line; secrets are redacted; characters
 * the go command refuses to print (controls, format characters) become `?`. The line is
 * at most MAX_ERROR_DETAIL_BYTES (648) bytes, the most the go command shows of a body
 * line (a longer one becomes `[Truncated: too long.]`, code and all), so it is always
 * shown with its code: a longer reason is cut (its start kept, `…` added), as are
 * overlong subjects and upstream URLs.
 */
export function errorBody(e: ProxyError): string {
  const kind = STATUS_BY_CODE[e.code].kind;
  const f = e.fields;
  const subject = typeof f.subject === 'string' ? clipBytes(printable(f.subject), MAX_SUBJECT_BYTES) : '';
  const upstream = typeof f.upstream === 'string' ? clipBytes(printable(f.upstream), MAX_UPSTREAM_BYTES) : '';
  const head = [subject, upstream === '' ? '' : 'from ' + upstream].filter((x) => x !== '').join(' ');
  const prefix = head === '' ? `${kind}: ` : `${kind}: ${head}: `;
  const suffix = ` [${e.code}]`;
  const room = MAX_ERROR_DETAIL_BYTES - Buffer.byteLength(prefix) - Buffer.byteLength(suffix);
  return prefix + clipBytes(printable(e.message), room) + suffix;
}

/** oneLine folds a multi-line message into one line. */
export function oneLine(s: string): string {
  return s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('; ');
}

// What cmd/go's web package refuses to print (not unicode.IsGraphic nor IsSpace), plus
// the spaces other than ' ' that would break a line or a terminal.
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}]/gu;

/** printable makes text one redacted line of characters the go command prints. */
function printable(text: string): string {
  return redact(oneLine(text))
    .replace(/[\t\r]/g, ' ')
    .replace(UNPRINTABLE, '?');
}

/** clipBytes cuts text to at most max UTF-8 bytes at a character boundary, ending it with `…`. */
function clipBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  const room = max - Buffer.byteLength('…');
  let used = 0;
  let end = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch);
    if (used + n > room) break;
    used += n;
    end += ch.length;
  }
  return text.slice(0, end) + '…';
}

/** ParsedErrorBody is what parseErrorBody recovers from a proxy error line. */
export interface ParsedErrorBody {
  readonly kind: ProxyErrorKind;
  readonly code: ProxyErrorCode;
  /** The subject (module@version.ext, list path, …) when present. */
  readonly subject?: string;
  /** The upstream that failed or served the refused content, when named. */
  readonly upstream?: string;
  readonly reason: string;
}

const BODY_RE = /^(?<kind>[a-z ]+): (?<rest>.*) \[(?<code>ERR_PROXY_[A-Z_]+)\]\s*$/;

/**
 * parseErrorBody recognises one line written by errorBody (for example the text after
 * `server response:` in a go command log) and returns its parts, or undefined when the
 * line is not a modrescue proxy error body. Leading whitespace and a `server response: `
 * prefix are accepted.
 */
export function parseErrorBody(line: string): ParsedErrorBody | undefined {
  const text = line.trim().replace(/^server response:\s*/, '');
  const m = BODY_RE.exec(text);
  if (!m?.groups) return undefined;
  const kind = m.groups['kind'] as ProxyErrorKind;
  const code = m.groups['code'] as ProxyErrorCode;
  if (!PROXY_ERROR_KINDS.includes(kind) || !(code in STATUS_BY_CODE)) return undefined;
  const rest = m.groups['rest']!;
  // `<subject>[ from <upstream>]: <reason>` or just `<reason>`. Subjects and upstream
  // URLs never contain ": " (module paths and URLs have no spaces).
  const sep = rest.indexOf(': ');
  if (sep < 0) return { kind, code, reason: rest };
  const head = rest.slice(0, sep);
  const reason = rest.slice(sep + 2);
  const from = /^(?:(?<subject>\S+) )?from (?<upstream>\S+)$/.exec(head);
  if (from?.groups) {
    return { kind, code, subject: from.groups['subject'], upstream: from.groups['upstream'], reason };
  }
  if (/\s/.test(head)) return { kind, code, reason: rest };
  return { kind, code, subject: head, reason };
}
