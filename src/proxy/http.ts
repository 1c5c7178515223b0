/**
 * HTTP answers of the proxy: one-line error bodies, and stored objects with the caching
 * headers of the protocol (immutable versioned files, short-lived lists), ETag and
 * Last-Modified, conditional requests (304) and single byte ranges (206/416).
 */
import { Readable } from 'node:stream';
import { errorBody, type ProxyError } from './errors.js';
import type { ByteRange, ObjectInfo, Storage } from './storage/types.js';

/** IMMUTABLE_CACHE_CONTROL is sent with versioned files, tiles and lookups. */
export const IMMUTABLE_CACHE_CONTROL = 'public, max-age=604800, immutable';

/** Header names the proxy adds to its answers (triage and doctor may read them). */
export const HEADERS = {
  /** hit | miss | stale: how the answer was produced. */
  cache: 'X-Modrescue-Cache',
  /** The upstream (redacted URL) that served content fetched for this answer. */
  upstream: 'X-Modrescue-Upstream',
  /** Present on a stale answer: why it is stale (the upstream error code, `offline`, `revalidating`). */
  stale: 'X-Modrescue-Stale',
  /** The request id (echoed from the client when valid). */
  requestId: 'X-Request-Id',
} as const;

/** textResponse answers status with one line of plain text. */
export function textResponse(status: number, line: string, headers: Record<string, string> = {}): Response {
  return new Response(line.endsWith('\n') ? line : line + '\n', {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });
}

/** errorResponse answers a ProxyError with its status and one-line body. */
export function errorResponse(e: ProxyError, headers: Record<string, string> = {}): Response {
  const extra: Record<string, string> = { ...headers };
  if (e.status === 405) extra['Allow'] = 'GET, HEAD';
  return textResponse(e.status, errorBody(e), extra);
}

/** ServeOptions says how to present a stored object. */
export interface ServeOptions {
  readonly contentType: string;
  readonly cacheControl: string;
  /** Extra headers (cache result, upstream, staleness). */
  readonly headers?: Record<string, string>;
  /** Whether byte ranges are offered (zips). */
  readonly ranges?: boolean;
}

/** ServePlan is the decision for a request on an object: status, headers and the range to send. */
export interface ServePlan {
  readonly status: 200 | 206 | 304 | 416;
  readonly headers: Record<string, string>;
  /** The bytes to send (undefined: none, for 304/416/HEAD). */
  readonly range?: ByteRange;
}

/**
 * planServe decides how to answer a GET/HEAD for an object (shared by the web handler and
 * the socket fast path): conditional requests first (If-None-Match, then If-Modified-Since),
 * then a single `bytes=` range (If-Range honoured; several ranges are answered whole).
 */
export function planServe(
  method: string,
  reqHeaders: { get(name: string): string | null | undefined },
  info: ObjectInfo,
  options: ServeOptions,
): ServePlan {
  const headers: Record<string, string> = {
    'Content-Type': options.contentType,
    'Cache-Control': options.cacheControl,
    ETag: info.etag,
    'Last-Modified': info.modified.toUTCString(),
    ...(options.ranges ? { 'Accept-Ranges': 'bytes' } : {}),
    ...(options.headers ?? {}),
  };
  const inm = reqHeaders.get('if-none-match');
  if (inm) {
    if (etagMatches(inm, info.etag)) return { status: 304, headers: without(headers, 'Content-Type') };
  } else {
    const ims = reqHeaders.get('if-modified-since');
    const t = ims ? Date.parse(ims) : NaN;
    if (!Number.isNaN(t) && Math.floor(info.modified.getTime() / 1000) <= Math.floor(t / 1000))
      return { status: 304, headers: without(headers, 'Content-Type') };
  }
  const whole: ByteRange = { start: 0, end: info.size - 1 };
  const rangeHeader = options.ranges ? reqHeaders.get('range') : undefined;
  if (rangeHeader && info.size >= 0) {
    const ifRange = reqHeaders.get('if-range');
    const rangeApplies = !ifRange || ifRange === info.etag || ifRange === headers['Last-Modified'];
    if (rangeApplies) {
      const r = parseRange(rangeHeader, info.size);
      if (r === 'unsatisfiable') {
        return { status: 416, headers: { ...headers, 'Content-Range': `bytes */${info.size}`, 'Content-Length': '0' } };
      }
      if (r) {
        return {
          status: 206,
          headers: {
            ...headers,
            'Content-Range': `bytes ${r.start}-${r.end}/${info.size}`,
            'Content-Length': String(r.end - r.start + 1),
          },
          ...(method === 'HEAD' ? {} : { range: r }),
        };
      }
    }
  }
  return {
    status: 200,
    headers: { ...headers, 'Content-Length': String(info.size) },
    ...(method === 'HEAD' || info.size === 0 ? {} : { range: whole }),
  };
}

function without(h: Record<string, string>, name: string): Record<string, string> {
  const { [name]: _drop, ...rest } = h;
  return rest;
}

function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const bare = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/**
 * parseRange reads a `bytes=` Range header for an object of size bytes: a single range
 * (`a-b`, `a-`, `-n`) is returned clipped to the object; a syntactically invalid header or
 * several ranges give undefined (answer the whole object); a range starting past the end
 * gives 'unsatisfiable'.
 */
export function parseRange(header: string, size: number): ByteRange | 'unsatisfiable' | undefined {
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return undefined;
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

/** serveObject answers a request with a stored object, or undefined when it is gone. */
export async function serveObject(
  request: Request,
  storage: Storage,
  key: string,
  info: ObjectInfo,
  options: ServeOptions,
): Promise<Response | undefined> {
  const plan = planServe(request.method, request.headers, info, options);
  if (!plan.range) return new Response(null, { status: plan.status, headers: plan.headers });
  const obj = await storage.get(key, plan.range);
  if (!obj) return undefined;
  if (obj.info.etag !== info.etag) {
    // Replaced between stat and open (a list refresh): plan again with what we opened.
    obj.body.destroy();
    const again = await storage.stat(key);
    return again ? serveObject(request, storage, key, again, options) : undefined;
  }
  return new Response(Readable.toWeb(obj.body) as ReadableStream<Uint8Array>, {
    status: plan.status,
    headers: plan.headers,
  });
}
