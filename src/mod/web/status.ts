/**
 * Non-200 answers worded as the go command's HTTPError (cmd/go/internal/web: Response.Err,
 * HTTPError.Error, formatErrorDetail, errorDetailBuffer). Protocol clients (goproxy,
 * sumdb) call describeStatus and wrap the result in their own error codes and fields:
 *
 *     reading URL: 404 Not Found
 *     reading URL: 410 Gone
 *     	server response: not found: rsc.io/nope@v1.0.0: invalid version
 *     reading file:///…: no such file or directory
 *
 * The body is read only when it says it is plain text in UTF-8 (or a subset), and only
 * as far as Go keeps it (its first lines); the rest is cancelled.
 */
import { STATUS_CODES } from 'node:http';
import { FILE_ERROR_HEADER } from './file.js';
import { discardBody, responseChunks, responseHeader } from './response.js';

/** MAX_ERROR_DETAIL_LINES and MAX_ERROR_DETAIL_BYTES bound the server response shown (Go's values). */
export const MAX_ERROR_DETAIL_LINES = 8;
export const MAX_ERROR_DETAIL_BYTES = MAX_ERROR_DETAIL_LINES * 81;

/**
 * CAPTURE_LIMIT bounds what is kept of an error body: Go keeps the first
 * MAX_ERROR_DETAIL_LINES + 1 lines whatever their length; a line longer than this is
 * shown as "[Truncated: too long.]" either way.
 */
const CAPTURE_LIMIT = 64 << 10;

/** GO_SPACE_RUN matches runs of Go's unicode.IsSpace characters (JavaScript's \s differs). */
const GO_SPACE_RUN = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/g;

/** GRAPHIC_OR_SPACE matches one character that is unicode.IsGraphic or unicode.IsSpace in Go. */
const GRAPHIC_OR_SPACE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\p{Zs}\t\n\v\f\r\u0085\u2028\u2029]$/u;

/** LONE_SURROGATE matches a surrogate that is not part of a pair (no UTF-8 encoding). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * formatErrorDetail turns the captured start of an error body into the go command's
 * short, tab-indented `server response:` text: nothing unless the body is valid UTF-8
 * made only of printable characters and spaces (no terminal escapes from a server);
 * the lines up to the first blank one; at most 8 lines and 648 bytes, with Go's
 * "[Truncated: …]" notes. A string argument is taken as its UTF-8 encoding. It never
 * throws.
 */
export function formatErrorDetail(body: Uint8Array | string): string {
  let s: string;
  if (typeof body === 'string') {
    s = body;
    if (LONE_SURROGATE.test(s)) return ''; // not valid UTF-8
  } else {
    try {
      s = strictUtf8.decode(body);
    } catch {
      return ''; // Don't try to recover non-UTF-8 error messages.
    }
  }
  for (const c of s) if (!GRAPHIC_OR_SPACE.test(c)) return '';
  let detail = '';
  const lines = s.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.replace(GO_SPACE_RUN, '') === '') break; // Stop at the first blank line.
    if (i > 0) detail += '\n\t';
    if (i >= MAX_ERROR_DETAIL_LINES) {
      detail += '[Truncated: too many lines.]';
      break;
    }
    if (Buffer.byteLength(detail) + Buffer.byteLength(line) > MAX_ERROR_DETAIL_BYTES) {
      detail += '[Truncated: too long.]';
      break;
    }
    detail += line;
  }
  return detail;
}

/**
 * isPlainTextUtf8 reports whether a Content-Type is text/plain in UTF-8, US-ASCII or
 * without a charset: the only error bodies the go command looks at.
 */
export function isPlainTextUtf8(contentType: string | null): boolean {
  if (contentType === null) return false;
  const [type, ...params] = contentType.split(';');
  if (type!.trim().toLowerCase() !== 'text/plain') return false;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0 || p.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    const cs = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
    return cs === 'us-ascii' || cs === 'utf-8' || cs === '';
  }
  return true;
}

/**
 * captureErrorDetail reads the start of an error body as Go's errorDetailBuffer keeps
 * it (the first MAX_ERROR_DETAIL_LINES + 1 lines, at most CAPTURE_LIMIT bytes) and
 * cancels the rest. A body that breaks off keeps what arrived.
 */
async function captureErrorDetail(res: Response): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  let lines = 0;
  try {
    const body = responseChunks(res);
    if (body) {
      // Leaving the loop early (enough kept) releases the rest of the body.
      for await (const value of body) {
        let take = value.length;
        for (let i = 0; i < value.length; i++) {
          if (value[i] === 0x0a && ++lines > MAX_ERROR_DETAIL_LINES) {
            take = i + 1;
            break;
          }
        }
        take = Math.min(take, CAPTURE_LIMIT - size);
        chunks.push(value.subarray(0, take));
        size += take;
        if (lines > MAX_ERROR_DETAIL_LINES || size >= CAPTURE_LIMIT) break;
      }
    }
  } catch {
    // A broken error body only loses the rest of the detail.
  }
  let out = Buffer.concat(chunks);
  if (size >= CAPTURE_LIMIT) {
    // Cut at a character boundary: a line this long is "too long" whatever follows.
    let end = out.length;
    while (end > 0 && end > out.length - 4 && (out[end - 1]! & 0xc0) === 0x80) end--;
    if (end > 0 && out[end - 1]! >= 0xc0) end--;
    out = out.subarray(0, end);
  }
  return out;
}

/** StatusDescription is describeStatus's answer: the go command's message and its parts. */
export interface StatusDescription {
  /** message is HTTPError.Error(): `reading URL: STATUS` (+ server response) or the file error. */
  readonly message: string;
  readonly status: number;
  /** statusText is the reason phrase (the standard one when the response has none). */
  readonly statusText: string;
  /** detail is the formatted server response ('' when none is shown). */
  readonly detail: string;
  /** fileError is the file system error of a file:// answer (src/mod/web's fetchFile), if any. */
  readonly fileError: string | null;
}

/**
 * describeStatus describes the non-200 answer res to a request for url (shown as given:
 * pass it redacted), consuming or cancelling its body, as the go command's Response.Err:
 * the file error of a file:// answer; else `STATUS` with the formatted text/plain body
 * when there is one. It never throws.
 */
export async function describeStatus(res: Response, url: string): Promise<StatusDescription> {
  const statusText = res.statusText || STATUS_CODES[res.status] || '';
  const raw = responseHeader(res, FILE_ERROR_HEADER);
  let fileError: string | null = null;
  if (raw !== null) {
    try {
      fileError = decodeURIComponent(raw);
    } catch {
      fileError = raw;
    }
  }
  let detail = '';
  if (fileError === null && isPlainTextUtf8(responseHeader(res, 'content-type'))) {
    detail = formatErrorDetail(await captureErrorDetail(res));
  } else {
    await discardBody(res);
  }
  // The go command's file:// answers carry only the reason phrase as their Status.
  const statusLine = url.startsWith('file:') ? statusText : `${res.status} ${statusText}`.trimEnd();
  let message: string;
  if (detail !== '') {
    message = `reading ${url}: ${statusLine}\n\tserver response:${detail.includes('\n') ? '\n\t' : ' '}${detail}`;
  } else if (fileError !== null && fileError !== '') {
    message = `reading ${url}: ${fileError}`;
  } else {
    message = `reading ${url}: ${statusLine}`;
  }
  return { message, status: res.status, statusText, detail, fileError };
}
