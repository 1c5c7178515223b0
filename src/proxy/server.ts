/**
 * The socket adapter: binds a Proxy to node:http.
 *
 * Every request first has its raw request target checked (route.ts checkRawPath) before
 * any URL parser can normalise `..` or `%2e%2e` away. Then:
 * - the fast path: GET/HEAD of an object that is immutable and already stored (versioned
 *   files, checksum-database tiles and lookups) is streamed from storage straight to the
 *   socket, with the same headers, conditional and range handling as the handler
 *   (http.ts planServe). It exists because converting every response through web
 *   Request/Response objects costs throughput (measured in bench/proxy.bench.ts). It is
 *   off when an authorize hook is installed (auth must see every request);
 * - everything else goes through the web-standard handler via @hono/node-server.
 *
 * Graceful shutdown: stop accepting, close idle keep-alive connections, answer new
 * requests 503, let in-flight responses finish for up to `shutdownTimeout`, then close
 * the remaining connections.
 */
import http from 'node:http';
import type { FileHandle } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { pipeline } from 'node:stream/promises';
import { getRequestListener } from '@hono/node-server';
import { errorBody, isProxyError, ProxyError } from './errors.js';
import { routeLabel } from './handler.js';
import {
  errorResponse,
  HEADERS,
  IMMUTABLE_CACHE_CONTROL,
  planServe,
  type ServeOptions as ObjectServeOptions,
} from './http.js';
import type { ObjectInfo } from './storage/types.js';
import { requestId } from './log.js';
import type { Proxy } from './proxy.js';
import { checkRawPath, parseRoute, type Route } from './route.js';

/** ServerOptions configures startServer. */
export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  /** How long in-flight responses may take to finish on close(), ms. */
  readonly shutdownTimeoutMs: number;
  /** Serve stored immutable objects without the web handler (default true; ignored with auth). */
  readonly fastPath?: boolean;
}

/** RunningServer is a listening proxy. */
export interface RunningServer {
  /** Base URL clients use as GOPROXY (`http://127.0.0.1:8080`). */
  readonly url: string;
  readonly address: AddressInfo;
  readonly server: http.Server;
  /** Responses still being sent. */
  readonly inFlight: number;
  /** close drains and stops the server, then closes the proxy. Idempotent. */
  close(): Promise<void>;
}

const FAST_TYPES: Record<string, string> = {
  info: 'application/json',
  mod: 'text/plain; charset=utf-8',
  zip: 'application/zip',
};

/**
 * startServer listens on host:port and serves proxy. It rejects with ERR_PROXY_LISTEN
 * when the address cannot be bound (in use, permission).
 */
export async function startServer(proxy: Proxy, options: ServerOptions): Promise<RunningServer> {
  const { metrics, logger, storage } = proxy;
  const maxPathLength = proxy.config.limits.maxPathLength;
  const fastPath = (options.fastPath ?? true) && !proxy.hasAuth;
  const listener = getRequestListener((req) => proxy.handler(req), {
    errorHandler: (e) => {
      logger.warn({ err: (e as Error).message }, 'bad request');
      return errorResponse(new ProxyError('ERR_PROXY_BAD_PATH', 'malformed request'));
    },
  });
  let inFlight = 0;
  let idle: (() => void) | undefined;

  const plainError = (res: http.ServerResponse, e: ProxyError, reqId: string, route: Route | undefined) => {
    const body = errorBody(e) + '\n';
    res.writeHead(e.status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
      [HEADERS.requestId]: reqId,
    });
    res.end(body);
    metrics.requests.inc({ route: routeLabel(route), status: String(e.status) });
  };

  // Raw path → what the fast path needs (null: not a fast-path route). Bounded.
  const fastRoutes = new Map<string, FastRoute | null>();
  const fastRoute = (raw: string): FastRoute | null => {
    const known = fastRoutes.get(raw);
    if (known !== undefined) return known;
    let found: FastRoute | null = null;
    try {
      const route = parseRoute(raw, { maxPathLength });
      if (route.kind === 'module' && route.immutable) {
        found = {
          key: route.key,
          contentType: FAST_TYPES[route.file]!,
          ranges: route.file === 'zip',
          memo: route.file !== 'zip',
          label: routeLabel(route),
        };
      } else if (route.kind === 'sumdb' && (route.op === 'tile' || route.op === 'lookup')) {
        found = proxy.sumdbs.get(route.name)
          ? {
              key: route.key,
              contentType: route.op === 'tile' ? 'application/octet-stream' : 'text/plain; charset=utf-8',
              ranges: false,
              memo: true,
              label: 'sumdb',
            }
          : null;
      }
    } catch {
      found = null;
    }
    if (fastRoutes.size >= 50_000) fastRoutes.clear();
    fastRoutes.set(raw, found);
    return found;
  };

  // Small immutable objects (.info, .mod, lookups, tiles) kept in memory with their headers.
  const memo = createMemo(MEMO_MAX_BYTES);
  const requestsFor = new Map<string, { inc(): void }>();
  const countRequest = (label: string, status: number) => {
    const k = `${label} ${status}`;
    let c = requestsFor.get(k);
    if (!c) {
      c = metrics.requests.labels({ route: label, status: String(status) });
      requestsFor.set(k, c);
    }
    c.inc();
  };
  const cacheHit = metrics.cache.labels({ result: 'hit' });

  /** answered sends the head of a fast-path answer and counts and logs it. */
  const answered = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    raw: string,
    fr: FastRoute,
    status: number,
    headers: Record<string, string>,
    reqId: string,
  ) => {
    res.writeHead(status, { ...headers, [HEADERS.requestId]: reqId });
    countRequest(fr.label, status);
    cacheHit.inc();
    proxy.access.touch(fr.key);
    if (logger.isLevelEnabled('info')) {
      logger.info({ reqId, method: req.method, path: raw.slice(0, 300), status, cache: 'hit', fast: true }, 'request');
    }
  };
  const requestHeaders = (req: http.IncomingMessage) => ({ get: (n: string) => headerValue(req.headers[n]) });

  /** tryFast serves a stored immutable object; false means "let the handler answer". */
  const tryFast = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<boolean> => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || proxy.draining) return false;
    const fr = fastRoute(raw);
    if (!fr) return false;
    const reqId = requestId(headerValue(req.headers['x-request-id']));
    const held = fr.memo ? memo.get(fr.key) : undefined;
    if (held) {
      let status = 200;
      let headers = held.headers;
      if (req.headers['if-none-match'] !== undefined || req.headers['if-modified-since'] !== undefined) {
        const plan = planServe(req.method, requestHeaders(req), held.info, held.options);
        status = plan.status;
        headers = plan.headers;
      }
      answered(req, res, raw, fr, status, headers, reqId);
      res.end(status !== 200 || req.method === 'HEAD' ? undefined : held.body);
      return true;
    }
    const info = await storage.stat(fr.key);
    if (!info) return false;
    const options = {
      contentType: fr.contentType,
      cacheControl: IMMUTABLE_CACHE_CONTROL,
      ranges: fr.ranges,
      headers: { [HEADERS.cache]: 'hit' },
    };
    if (fr.memo && info.size <= MEMO_MAX_OBJECT) {
      const obj = await storage.get(fr.key);
      if (!obj || obj.info.etag !== info.etag) {
        obj?.body.destroy();
        return false;
      }
      const body = await buffer(obj.body);
      const headers = planServe('GET', { get: () => undefined }, info, options).headers;
      memo.set(fr.key, { body, info, options, headers });
      return tryFast(req, res, raw);
    }
    const plan = planServe(req.method, requestHeaders(req), info, options);
    if (plan.range && storage.openFile) {
      const opened = await storage.openFile(fr.key);
      if (!opened || opened.info.etag !== info.etag) {
        await opened?.handle.close();
        return false;
      }
      answered(req, res, raw, fr, plan.status, plan.headers, reqId);
      await sendFile(opened.handle, res, plan.range.start, plan.range.end);
      return true;
    }
    const obj = plan.range ? await storage.get(fr.key, plan.range) : undefined;
    if (plan.range && (!obj || obj.info.etag !== info.etag)) {
      obj?.body.destroy();
      return false;
    }
    answered(req, res, raw, fr, plan.status, plan.headers, reqId);
    if (!obj) {
      res.end();
      return true;
    }
    try {
      await pipeline(obj.body, res);
    } catch {
      // The client went away mid-download; nothing to answer.
      obj.body.destroy();
    }
    return true;
  };

  const server = http.createServer({ keepAliveTimeout: 5_000, requestTimeout: 0 }, (req, res) => {
    inFlight++;
    metrics.inFlightDownloads.inc();
    res.on('close', () => {
      inFlight--;
      metrics.inFlightDownloads.dec();
      if (inFlight === 0) idle?.();
    });
    if (proxy.draining) res.setHeader('Connection', 'close');
    const rawTarget = req.url ?? '/';
    const q = rawTarget.indexOf('?');
    const raw = q >= 0 ? rawTarget.slice(0, q) : rawTarget;
    try {
      // Paths already routed were checked when first seen.
      if (!fastRoutes.has(raw)) {
        checkRawPath(raw.startsWith('/') ? raw : '/' + raw.replace(/^[a-z]+:\/\/[^/]*/i, ''), { maxPathLength });
      }
    } catch (e) {
      if (isProxyError(e)) {
        plainError(res, e, requestId(headerValue(req.headers['x-request-id'])), undefined);
        return;
      }
      throw e;
    }
    const slow = () => void listener(req, res);
    if (!fastPath) return slow();
    tryFast(req, res, raw).then(
      (done) => {
        if (!done) slow();
      },
      (e: unknown) => {
        logger.warn({ err: (e as Error).message }, 'fast path failed');
        if (!res.headersSent) slow();
        else res.destroy();
      },
    );
  });
  server.on('clientError', (err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy(err);
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) => {
      reject(
        new ProxyError(
          'ERR_PROXY_LISTEN',
          `listen ${options.host}:${options.port}: ${e.code ?? ''} ${e.message}`.trim(),
          {
            host: options.host,
            port: options.port,
            errno: e.code,
            exitCode: 3,
          },
        ),
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const shownHost = host === '0.0.0.0' || host === '[::]' ? '127.0.0.1' : host;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${shownHost}:${address.port}`,
    address,
    server,
    get inFlight() {
      return inFlight;
    },
    close() {
      closing ??= (async () => {
        proxy.drain();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          const drained = new Promise<void>((resolve) => (idle = resolve));
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, options.shutdownTimeoutMs)));
          await Promise.race([drained, timeout]);
          clearTimeout(timer);
          if (inFlight > 0) logger.warn({ inFlight }, 'shutdown timeout: closing remaining connections');
        }
        server.closeAllConnections();
        await closed;
        await proxy.close();
      })();
      return closing;
    },
  };
}

interface FastRoute {
  readonly key: string;
  readonly contentType: string;
  readonly ranges: boolean;
  /** Small enough kinds to keep in memory (everything but zips). */
  readonly memo: boolean;
  readonly label: string;
}

interface MemoObject {
  readonly body: Buffer;
  readonly info: ObjectInfo;
  readonly options: ObjectServeOptions;
  /** The headers of a plain 200 answer. */
  readonly headers: Record<string, string>;
}

/** Largest object kept in memory, and the memory budget of the fast path's object cache. */
const MEMO_MAX_OBJECT = 64 * 1024;
const MEMO_MAX_BYTES = 64 * 1024 * 1024;

/** createMemo is a byte-bounded map that drops the oldest entries first (objects are immutable). */
function createMemo(maxBytes: number) {
  const map = new Map<string, MemoObject>();
  let bytes = 0;
  return {
    get: (key: string) => map.get(key),
    set(key: string, obj: MemoObject) {
      const old = map.get(key);
      if (old) {
        bytes -= old.body.length;
        map.delete(key);
      }
      map.set(key, obj);
      bytes += obj.body.length;
      for (const [k, v] of map) {
        if (bytes <= maxBytes) break;
        map.delete(k);
        bytes -= v.body.length;
      }
    },
  };
}

/** SEND_CHUNK is the read size of sendFile; two buffers of it per download. */
const SEND_CHUNK = 128 * 1024;

/**
 * sendFile writes bytes start..end (inclusive) of an open file to res and closes the file.
 * Each download reuses two buffers: one is being read while the other is written, and a
 * buffer is reused only after its write completed. Memory is 2 x SEND_CHUNK per download
 * however large the file and however slow the client, with no garbage per chunk.
 */
async function sendFile(fh: FileHandle, res: http.ServerResponse, start: number, end: number): Promise<void> {
  const bufs = [Buffer.allocUnsafe(SEND_CHUNK), Buffer.allocUnsafe(SEND_CHUNK)];
  let pending: Promise<void> | undefined;
  let pos = start;
  let i = 0;
  const closed = new Promise<void>((resolve) => res.once('close', () => resolve()));
  try {
    while (pos <= end && !res.destroyed) {
      const buf = bufs[i++ & 1]!;
      const { bytesRead } = await fh.read(buf, 0, Math.min(SEND_CHUNK, end - pos + 1), pos);
      if (bytesRead === 0) break;
      pos += bytesRead;
      // The previous write must finish before its buffer is read into again.
      if (pending) await Promise.race([pending, closed]);
      if (res.destroyed) break;
      const chunk = bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
      pending = new Promise<void>((resolve) => res.write(chunk, () => resolve()));
    }
    if (pending) await Promise.race([pending, closed]);
    if (pos > end) res.end();
    else res.destroy();
  } catch {
    res.destroy();
  } finally {
    await fh.close().catch(() => {});
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
