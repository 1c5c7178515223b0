/**
 * A loopback GOPROXY server for tests, with fault injection.
 *
 * startTestProxy serves a GOPROXY tree (a directory laid out as
 * `<escaped path>/@v/{list,<v>.info,<v>.mod,<v>.zip}` + `@latest`, e.g. built from
 * ../shared fixtures by buildFixtureProxy) on 127.0.0.1 with node:http (or node:https when
 * given a certificate). The base URL is `<origin>/mod`, as cmd/go's test proxy, and the same
 * special URL forms work (see shared/testdata/README.md):
 *
 * - `<base>/<status>/…`      answers that HTTP status (≥ 200) with an empty body;
 * - `<base>/redirect/<n>/…`  redirects n times (302), then serves `<base>/…`;
 * - `<base>/invalid/…`       answers 200 with the body `invalid`.
 *
 * Faults are set per path pattern (relative to the base, e.g. `rsc.io/quote/@v/list`;
 * `*` matches any run of characters; or a RegExp) and can be limited to the first `times`
 * matching requests (to test retries). Every request is logged in `requests`.
 *
 * Also here: startForwardProxy, a tiny HTTP proxy (CONNECT tunnels and absolute-form
 * forwarding) that logs what went through it, to prove HTTP(S)_PROXY/NO_PROXY handling.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { buildFixtureProxy } from './go.js';

/** Fault is one way the server misbehaves for matching requests. */
export type Fault =
  /** Answer this status with an optional body (text/plain unless contentType says otherwise). */
  | { kind: 'status'; status: number; body?: string; contentType?: string; headers?: Record<string, string> }
  /** Never answer (the socket stays open until the client gives up or the server closes). */
  | { kind: 'hang' }
  /** Destroy the socket without answering (the client sees a reset / closed connection). */
  | { kind: 'reset' }
  /** Answer 200 with an HTML page instead of the expected body (a captive portal, a login page). */
  | { kind: 'html'; status?: number }
  /** Serve the real file but cut the body after `bytes` bytes (default: half), then destroy the socket. */
  | { kind: 'truncate'; bytes?: number }
  /** For `.info` requests: answer with an .info naming `version` instead of the requested one. */
  | { kind: 'wrong-info'; version: string }
  /** Serve the real body `chunkBytes` at a time every `intervalMs` (a slow trickle). */
  | { kind: 'trickle'; chunkBytes?: number; intervalMs?: number }
  /** Wait `ms` and then serve normally. */
  | { kind: 'delay'; ms: number }
  /** Require Basic auth with these credentials; otherwise answer `status` (401 with WWW-Authenticate, or 403). */
  | { kind: 'auth'; user: string; password: string; status?: 401 | 403; body?: string }
  /** Redirect (302 unless status says otherwise) to `location`. */
  | { kind: 'redirect'; location: string; status?: number };

export interface FaultRule {
  readonly pattern: string | RegExp;
  readonly fault: Fault;
  /** Apply to this many matching requests only (then serve normally). Unlimited when undefined. */
  remaining?: number;
}

/** LoggedRequest is one request the server received. */
export interface LoggedRequest {
  readonly method: string;
  /** Path relative to the base (`rsc.io/quote/@v/list`), or the raw path when outside it. */
  readonly path: string;
  /** The Authorization header as received (tests assert who got credentials). */
  readonly authorization?: string;
  readonly userAgent?: string;
  /** Every request header as received (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The fault applied, if any. */
  readonly fault?: Fault['kind'];
}

export interface TestProxyOptions {
  /** A GOPROXY tree on disk. */
  readonly root?: string;
  /** Fixture names under shared/testdata/goproxy-fixtures (or absolute paths) to build a tree from, or 'all'. */
  readonly fixtures?: string[] | 'all';
  /** Initial faults. */
  readonly faults?: ReadonlyArray<{ pattern: string | RegExp; fault: Fault; times?: number }>;
  /** Serve HTTPS with this certificate (see test/support/tls.ts). */
  readonly tls?: { cert: string; key: string };
  /** Path prefix of the proxy base URL. Default `/mod`. */
  readonly basePath?: string;
}

export interface TestProxy {
  /** Base URL to use as GOPROXY, e.g. `http://127.0.0.1:41234/mod`. */
  readonly url: string;
  /** Origin (`http://127.0.0.1:41234`). */
  readonly origin: string;
  /** The tree being served. */
  readonly root: string;
  /** Requests in arrival order. */
  readonly requests: LoggedRequest[];
  /** setFault adds a fault for a path pattern (checked before earlier ones); times limits it to the first N matches. */
  setFault(pattern: string | RegExp, fault: Fault, times?: number): void;
  /** clearFaults removes every fault. */
  clearFaults(): void;
  /** close stops the server, ends hanging requests and removes a tree it built. */
  close(): Promise<void>;
}

function matches(pattern: string | RegExp, p: string): boolean {
  if (pattern instanceof RegExp) return pattern.test(p);
  if (!pattern.includes('*')) return pattern === p;
  const re = new RegExp(
    '^' +
      pattern
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*') +
      '$',
  );
  return re.test(p);
}

const CONTENT_TYPES: Array<[RegExp, string]> = [
  [/\.info$|\/@latest$/, 'application/json'],
  [/\.zip$/, 'application/zip'],
  [/\.mod$|\/list$/, 'text/plain; charset=utf-8'],
];

/** startTestProxy starts the server on 127.0.0.1 (random port) and resolves when it listens. */
export async function startTestProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  let root = options.root;
  let built: string | undefined;
  if (!root) {
    built = await mkdtemp(path.join(os.tmpdir(), 'modrescue-proxy-'));
    root = path.join(built, 'proxy');
    await buildFixtureProxy(root, options.fixtures ?? []);
  }
  const treeRoot = root;
  const base = options.basePath ?? '/mod';
  const rules: FaultRule[] = [];
  const requests: LoggedRequest[] = [];
  const sockets = new Set<Duplex>();
  for (const f of options.faults ?? []) rules.unshift({ pattern: f.pattern, fault: f.fault, remaining: f.times });

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const rawPath = decodeURIComponent((req.url ?? '/').split('?')[0]!);
    const rel = rawPath.startsWith(base + '/') ? rawPath.slice(base.length + 1) : rawPath;
    const rule = rules.find((r) => (r.remaining === undefined || r.remaining > 0) && matches(r.pattern, rel));
    if (rule && rule.remaining !== undefined) rule.remaining--;
    const fault = rule?.fault;
    requests.push({
      method: req.method ?? 'GET',
      path: rel,
      headers: { ...req.headers },
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers['user-agent'] ? { userAgent: req.headers['user-agent'] } : {}),
      ...(fault ? { fault: fault.kind } : {}),
    });
    const text = (
      status: number,
      body: string,
      type = 'text/plain; charset=utf-8',
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
      res.end(req.method === 'HEAD' ? undefined : body);
    };

    if (fault) {
      switch (fault.kind) {
        case 'status':
          return text(fault.status, fault.body ?? '', fault.contentType, fault.headers);
        case 'hang':
          return; // never answer; close() destroys the socket
        case 'reset':
          req.socket.destroy();
          return;
        case 'html':
          return text(
            fault.status ?? 200,
            '<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><h1>Corporate login</h1></body></html>\n',
            'text/html; charset=utf-8',
          );
        case 'wrong-info':
          return text(
            200,
            JSON.stringify({ Version: fault.version, Time: '2020-01-01T00:00:00Z' }) + '\n',
            'application/json',
          );
        case 'auth': {
          const want = 'Basic ' + Buffer.from(`${fault.user}:${fault.password}`).toString('base64');
          if (req.headers.authorization !== want) {
            const status = fault.status ?? 401;
            return text(
              status,
              fault.body ?? (status === 401 ? 'unauthorized\n' : 'forbidden\n'),
              undefined,
              status === 401 ? { 'www-authenticate': 'Basic realm="test proxy"' } : {},
            );
          }
          break;
        }
        case 'redirect':
          res.writeHead(fault.status ?? 302, { location: fault.location, 'content-length': 0 });
          res.end();
          return;
        case 'delay':
          await new Promise((r) => setTimeout(r, fault.ms));
          break;
        default:
          break;
      }
    }

    // cmd/go test proxy URL forms.
    if (rel.startsWith('invalid/')) return text(200, 'invalid');
    const first = rel.split('/')[0] ?? '';
    if (/^\d+$/.test(first) && Number(first) >= 200 && rel.includes('/')) return text(Number(first), '');
    if (rel.startsWith('redirect/')) {
      const [count, ...restParts] = rel.slice('redirect/'.length).split('/');
      const n = Number(count);
      const restPath = restParts.join('/');
      const location = n > 1 ? `${base}/redirect/${n - 1}/${restPath}` : `${base}/${restPath}`;
      res.writeHead(302, { location, 'content-length': 0 });
      res.end();
      return;
    }

    const file = path.join(treeRoot, rel);
    if (!rawPath.startsWith(base + '/') || !file.startsWith(treeRoot + path.sep))
      return text(404, `not found: ${rel}\n`);
    const st = await stat(file).catch(() => undefined);
    if (!st || !st.isFile()) return text(404, `not found: ${rel}\n`);
    const type = CONTENT_TYPES.find(([re]) => re.test(rel))?.[1] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'content-length': st.size });
    if (req.method === 'HEAD') return void res.end();
    if (fault?.kind === 'truncate') {
      const limit = fault.bytes ?? Math.floor(st.size / 2);
      const stream = createReadStream(file, { start: 0, end: Math.max(0, limit - 1) });
      stream.on('data', (c) => res.write(c));
      stream.on('end', () => res.socket?.destroy());
      return;
    }
    if (fault?.kind === 'trickle') {
      const chunk = fault.chunkBytes ?? 1;
      const interval = fault.intervalMs ?? 200;
      const stream = createReadStream(file, { highWaterMark: chunk });
      stream.on('data', (c) => {
        res.write(c);
        stream.pause();
        setTimeout(() => stream.resume(), interval).unref();
      });
      stream.on('end', () => res.end());
      res.on('close', () => stream.destroy());
      return;
    }
    createReadStream(file).pipe(res);
  };

  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handler(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`test proxy error: ${(e as Error).message}\n`);
    });
  };
  const server = options.tls
    ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, listener)
    : http.createServer(listener);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('secureConnection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    url: origin + base,
    origin,
    root: treeRoot,
    requests,
    setFault(pattern, fault, times) {
      rules.unshift({ pattern, fault, remaining: times });
    },
    clearFaults() {
      rules.length = 0;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (built) await rm(built, { recursive: true, force: true });
    },
  };
}

/** ForwardProxy is a running tiny HTTP proxy. */
export interface ForwardProxy {
  /** `http://127.0.0.1:PORT` — use as HTTP_PROXY / HTTPS_PROXY. */
  readonly url: string;
  /** What went through: `CONNECT host:port` for tunnels, `GET http://…` for forwarded requests. */
  readonly log: string[];
  close(): Promise<void>;
}

/**
 * startForwardProxy starts a minimal HTTP proxy on 127.0.0.1: CONNECT requests are tunnelled
 * to the named host:port (loopback targets only), absolute-form requests are forwarded.
 */
export async function startForwardProxy(): Promise<ForwardProxy> {
  const log: string[] = [];
  const sockets = new Set<Duplex>();
  const server = http.createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('absolute-form request required\n');
      return;
    }
    if (target.hostname !== '127.0.0.1' && target.hostname !== 'localhost') {
      res.writeHead(403).end('test proxy: loopback targets only\n');
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const up = http.request(
      { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers },
      (upRes) => {
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        upRes.pipe(res);
      },
    );
    up.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502);
      res.end(`proxy error: ${e.message}\n`);
    });
    req.pipe(up);
  });
  server.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    log.push(`CONNECT ${req.url}`);
    const [host, port] = (req.url ?? '').split(':');
    if (host !== '127.0.0.1' && host !== 'localhost') {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    sockets.add(client);
    const done = () => {
      upstream.destroy();
      client.destroy();
    };
    upstream.on('error', done);
    client.on('error', done);
    upstream.on('close', done);
    client.on('close', done);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
