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
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { getRequestListener } from '@hono/node-server';
import { errorBody, isProxyError, ProxyError } from './errors.js';
import { routeLabel } from './handler.js';
import { HEADERS, IMMUTABLE_CACHE_CONTROL, planServe } from './http.js';
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
      return new Response('bad request: malformed request [ERR_PROXY_BAD_PATH]\n', {
        status: 400,
        headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      });
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

  /** tryFast serves a stored immutable object; false means "let the handler answer". */
  const tryFast = async (req: http.IncomingMessage, res: http.ServerResponse, raw: string): Promise<boolean> => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || proxy.draining) return false;
    let route: Route;
    try {
      route = parseRoute(raw, { maxPathLength });
    } catch {
      return false;
    }
    let key: string;
    let contentType: string;
    if (route.kind === 'module' && route.immutable) {
      key = route.key;
      contentType = FAST_TYPES[route.file]!;
    } else if (
      route.kind === 'sumdb' &&
      (route.op === 'tile' || route.op === 'lookup') &&
      proxy.sumdbs.get(route.name)
    ) {
      key = route.key;
      contentType = route.op === 'tile' ? 'application/octet-stream' : 'text/plain; charset=utf-8';
    } else {
      return false;
    }
    const start = performance.now();
    const info = await storage.stat(key);
    if (!info) return false;
    const plan = planServe(req.method, { get: (n: string) => headerValue(req.headers[n]) }, info, {
      contentType,
      cacheControl: IMMUTABLE_CACHE_CONTROL,
      ranges: route.kind === 'module' && route.file === 'zip',
      headers: { [HEADERS.cache]: 'hit' },
    });
    const obj = plan.range ? await storage.get(key, plan.range) : undefined;
    if (plan.range && (!obj || obj.info.etag !== info.etag)) {
      obj?.body.destroy();
      return false;
    }
    const reqId = requestId(headerValue(req.headers['x-request-id']));
    res.writeHead(plan.status, { ...plan.headers, [HEADERS.requestId]: reqId });
    const label = routeLabel(route);
    metrics.requests.inc({ route: label, status: String(plan.status) });
    metrics.requestDuration.observe({ route: label }, (performance.now() - start) / 1000);
    metrics.cache.inc({ result: 'hit' });
    proxy.access.touch(key);
    if (logger.isLevelEnabled('info')) {
      logger.info(
        { reqId, method: req.method, path: raw.slice(0, 300), status: plan.status, cache: 'hit', fast: true },
        'request',
      );
    }
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
      checkRawPath(raw.startsWith('/') ? raw : '/' + raw.replace(/^[a-z]+:\/\/[^/]*/i, ''), { maxPathLength });
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

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
