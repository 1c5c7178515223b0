/**
 * The proxy's web-standard handler, `(Request) => Promise<Response>`: routing, the auth
 * seam, the module protocol, the checksum-database proxy and the operations endpoints,
 * with a request id, a structured log line and metrics for every request.
 *
 * Status codes are protocol: 400 bad path, 401/403 auth, 404/410 not found (never 5xx for
 * "not found"), 405 other methods, 502 upstream error or refused content, 503 open circuit
 * or shutting down, 504 upstream timeout; error bodies are one line of plain text
 * (errors.ts).
 */
import { Hono } from 'hono';
import * as semver from '../mod/semver/index.js';
import * as module from '../mod/module/index.js';
import { isNotExist } from '../mod/sumdb/index.js';
import { parseTilePath } from '../mod/sumdb/tlog/index.js';
import type { ProxyConfig } from './config.js';
import { isProxyError, oneLine, ProxyError } from './errors.js';
import { errorResponse, HEADERS, IMMUTABLE_CACHE_CONTROL, serveObject, textResponse } from './http.js';
import { requestId, type Logger } from './log.js';
import type { ProxyMetrics } from './metrics.js';
import type { ModuleCache, Resolved } from './modules.js';
import { parseRoute, routeSubject, type ModuleRoute, type Route, type SumdbRoute } from './route.js';
import type { SingleFlight } from './single-flight.js';
import type { SumdbHandle, SumdbSet } from './sumdb.js';
import type { Storage } from './storage/types.js';
import { isTimeout, type UpstreamChain } from './upstream.js';

/**
 * Authorize is the auth seam: it sees every request with its route before anything is
 * read or fetched, and either resolves (allowed) or throws a ProxyError with code
 * ERR_PROXY_UNAUTHORIZED (401) or ERR_PROXY_FORBIDDEN (403). The default allows all;
 * a later issue plugs in tokens and per-module rules here.
 */
export type Authorize = (request: Request, route: Route) => Promise<void>;

/** allowAll is the default Authorize. */
export const allowAll: Authorize = async () => {};

/** AccessLog remembers when each stored object was last served (for the API and eviction). */
export interface AccessLog {
  touch(key: string): void;
  lastAccess(key: string): number | undefined;
}

/**
 * createAccessLog returns an in-memory access log of at most `limit` keys (the least
 * recently touched are forgotten first; for them the API and eviction use the write time).
 */
export function createAccessLog(limit = 100_000): AccessLog {
  const seen = new Map<string, number>();
  return {
    touch(key) {
      // Re-insert so the Map's order is the order of last access.
      seen.delete(key);
      seen.set(key, Date.now());
      if (seen.size > limit) seen.delete(seen.keys().next().value!);
    },
    lastAccess: (key) => seen.get(key),
  };
}

/** HandlerDeps are the parts the handler composes (see proxy.ts for the wiring). */
export interface HandlerDeps {
  readonly config: ProxyConfig;
  readonly storage: Storage;
  readonly modules: ModuleCache;
  readonly sumdbs: SumdbSet;
  readonly chain: UpstreamChain;
  readonly flights: SingleFlight;
  readonly metrics: ProxyMetrics;
  readonly logger: Logger;
  readonly access: AccessLog;
  readonly authorize?: Authorize;
  /** Whether the server is draining (answers 503 to new requests). */
  readonly draining?: () => boolean;
  readonly version?: string;
}

/** ProxyHandler is the handler plus what the adapter needs to know. */
export interface ProxyHandler {
  (request: Request): Promise<Response>;
}

const CONTENT_TYPES: Record<ModuleRoute['file'], string> = {
  list: 'text/plain; charset=utf-8',
  latest: 'application/json',
  info: 'application/json',
  mod: 'text/plain; charset=utf-8',
  zip: 'application/zip',
};

/** routeLabel is the `route` label of request metrics. */
export function routeLabel(route: Route | undefined): string {
  if (!route) return 'other';
  switch (route.kind) {
    case 'module':
      return route.file;
    case 'sumdb':
      return 'sumdb';
    case 'ops':
      return 'ops';
    default:
      return 'other';
  }
}

/** createHandler returns the proxy's request handler. */
export function createHandler(deps: HandlerDeps): ProxyHandler {
  const { config, storage, modules, sumdbs, metrics, logger, access, flights } = deps;
  const authorize = deps.authorize ?? allowAll;
  const ops = createOpsApp(deps);
  const listCacheControl = `public, max-age=${Math.max(1, Math.floor(config.cache.listTtlMs / 1000))}`;

  const resolvedHeaders = (r: Resolved): Record<string, string> => ({
    [HEADERS.cache]: r.cache,
    ...(r.upstream ? { [HEADERS.upstream]: r.upstream } : {}),
    ...(r.stale ? { [HEADERS.stale]: r.stale, Warning: '110 modrescue "Response is Stale"' } : {}),
  });

  const serveModule = async (request: Request, route: ModuleRoute): Promise<Response> => {
    const offline = fetchDisabled(request);
    for (let attempt = 0; attempt < 3; attempt++) {
      const r = await modules.resolve(route, { offline });
      access.touch(r.key);
      const res = await serveObject(request, storage, r.key, r.info, {
        contentType: CONTENT_TYPES[route.file],
        cacheControl: route.immutable ? IMMUTABLE_CACHE_CONTROL : r.stale ? 'no-cache' : listCacheControl,
        ranges: route.file === 'zip',
        headers: resolvedHeaders(r),
      });
      if (res) return res;
    }
    throw new ProxyError('ERR_PROXY_STORAGE', 'object disappeared from storage while being served', {
      subject: route.subject,
    });
  };

  const sumdbError = (e: unknown, db: SumdbHandle, subject: string): ProxyError => {
    if (isProxyError(e)) return e;
    const upstream = db.baseUrl ?? db.name;
    const msg = oneLine((e as Error).message ?? String(e));
    if (isNotExist(e)) return new ProxyError('ERR_PROXY_NOT_FOUND', msg, { subject, upstream });
    if (isTimeout(e)) return new ProxyError('ERR_PROXY_UPSTREAM_TIMEOUT', msg, { subject, upstream });
    return new ProxyError('ERR_PROXY_UPSTREAM', msg, { subject, upstream }, { cause: e });
  };

  const serveStored = async (
    request: Request,
    key: string,
    contentType: string,
    cacheControl: string,
    headers = {},
  ) => {
    const info = await storage.stat(key);
    if (!info) return undefined;
    access.touch(key);
    return serveObject(request, storage, key, info, { contentType, cacheControl, headers });
  };

  const serveSumdb = async (request: Request, route: SumdbRoute): Promise<Response> => {
    const db = sumdbs.get(route.name);
    if (!db) {
      throw new ProxyError('ERR_PROXY_NOT_FOUND', `checksum database ${route.name} is not proxied here`, {
        subject: route.subject,
      });
    }
    const offline = config.offline || fetchDisabled(request);
    const notCached = () =>
      new ProxyError('ERR_PROXY_NOT_CACHED', 'not in the cache and fetching is disabled (offline)', {
        subject: route.subject,
      });
    /**
     * serveImmutable answers a lookup or tile: from storage, else fetched once. fetch
     * stores what it verified; it returns bytes only for what it does not store (data
     * tiles), which are then answered without caching.
     */
    const serveImmutable = async (
      contentType: string,
      fetch: () => Promise<Uint8Array | undefined>,
    ): Promise<Response> => {
      const stored = (cache: 'hit' | 'miss') =>
        serveStored(request, route.key, contentType, IMMUTABLE_CACHE_CONTROL, { [HEADERS.cache]: cache });
      const hit = await stored('hit');
      if (hit) {
        metrics.cache.inc({ result: 'hit' });
        return hit;
      }
      if (offline) throw notCached();
      let data: Uint8Array | undefined;
      try {
        data = await flights.do(route.key, fetch);
      } catch (e) {
        throw sumdbError(e, db, route.subject);
      }
      metrics.cache.inc({ result: 'miss' });
      const res = await stored('miss');
      if (res) return res;
      if (data === undefined) {
        throw new ProxyError('ERR_PROXY_STORAGE', 'verified lookup was not cached', { subject: route.subject });
      }
      return new Response(request.method === 'HEAD' ? null : Buffer.from(data), {
        status: 200,
        headers: { 'Content-Type': contentType, 'Cache-Control': 'no-cache' },
      });
    };
    switch (route.op) {
      case 'supported':
        return new Response(null, { status: 200, headers: { 'Cache-Control': 'no-store' } });
      case 'lookup':
        return serveImmutable('text/plain; charset=utf-8', async () => {
          // The sumdb client verifies the record and stores it under route.key.
          await db.lookup(route.module!.path, route.module!.version);
          return undefined;
        });
      case 'tile': {
        const tile = parseTilePath(route.remotePath);
        return serveImmutable('application/octet-stream', async () => {
          const d = await db.remote('/' + route.remotePath);
          // Hash tiles (level ≥ 0) are immutable and stored; data tiles are passed through.
          if (tile.l >= 0) {
            if (d.length !== tile.w * 32) {
              throw new ProxyError('ERR_PROXY_UPSTREAM', `malformed tile: ${d.length} bytes, want ${tile.w * 32}`, {
                subject: route.subject,
                upstream: db.baseUrl ?? db.name,
              });
            }
            await storage.put(route.key, d);
          }
          return d;
        });
      }
      case 'latest': {
        const cached = await storage.stat(route.key);
        const fresh = cached && Date.now() - cached.modified.getTime() < config.cache.sumdbLatestTtlMs;
        const short = `public, max-age=${Math.max(1, Math.floor(config.cache.sumdbLatestTtlMs / 1000))}`;
        if (cached && (fresh || offline)) {
          metrics.cache.inc({ result: 'hit' });
          const r = await serveStored(request, route.key, 'text/plain; charset=utf-8', short, {
            [HEADERS.cache]: 'hit',
          });
          if (r) return r;
        }
        if (!cached && offline) throw notCached();
        try {
          await flights.do(route.key, async () => {
            const d = await db.remote('/latest');
            try {
              db.checkLatest(d);
            } catch (e) {
              metrics.verificationFailures.inc({ reason: 'sumdb-latest' });
              throw new ProxyError(
                'ERR_PROXY_CHECKSUM_MISMATCH',
                `tree head not signed by ${db.name}: ${oneLine((e as Error).message)}`,
                { subject: route.subject, upstream: db.baseUrl ?? db.name, reason: 'sumdb-latest' },
              );
            }
            await storage.put(route.key, d);
          });
          metrics.cache.inc({ result: 'miss' });
          const r = await serveStored(request, route.key, 'text/plain; charset=utf-8', short, {
            [HEADERS.cache]: 'miss',
          });
          if (r) return r;
        } catch (e) {
          const err = sumdbError(e, db, route.subject);
          if (cached && err.code !== 'ERR_PROXY_NOT_FOUND' && err.code !== 'ERR_PROXY_CHECKSUM_MISMATCH') {
            metrics.cache.inc({ result: 'stale' });
            const r = await serveStored(request, route.key, 'text/plain; charset=utf-8', 'no-cache', {
              [HEADERS.cache]: 'stale',
              [HEADERS.stale]: err.code,
            });
            if (r) return r;
          }
          throw err;
        }
        throw new ProxyError('ERR_PROXY_STORAGE', 'tree head was not cached', { subject: route.subject });
      }
    }
  };

  return async function handle(request: Request): Promise<Response> {
    const start = performance.now();
    const reqId = requestId(request.headers.get('x-request-id'));
    let route: Route | undefined;
    let res: Response;
    try {
      if (deps.draining?.()) throw new ProxyError('ERR_PROXY_SHUTTING_DOWN', 'server is shutting down');
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        throw new ProxyError('ERR_PROXY_METHOD', `method ${request.method} not allowed (use GET or HEAD)`);
      }
      const url = new URL(request.url);
      route = parseRoute(url.pathname, { maxPathLength: config.limits.maxPathLength });
      await authorize(request, route);
      switch (route.kind) {
        case 'module':
          res = await serveModule(request, route);
          break;
        case 'sumdb':
          res = await serveSumdb(request, route);
          break;
        case 'ops':
          res = await ops.fetch(request);
          break;
        case 'root':
          res = textResponse(
            200,
            `modrescue module proxy${deps.version ? ' ' + deps.version : ''}: GOPROXY=${url.origin}`,
          );
          break;
      }
    } catch (e) {
      if (isProxyError(e)) {
        res = errorResponse(e);
        const level = e.status >= 500 ? 'warn' : 'debug';
        logger[level]({ reqId, code: e.code, upstream: e.fields.upstream }, oneLine(e.message));
      } else {
        logger.error(
          { reqId, err: e instanceof Error ? { message: e.message, stack: e.stack } : String(e) },
          'internal error',
        );
        // The body's kind already says "internal error": the reason is the failure itself.
        res = errorResponse(
          new ProxyError('ERR_PROXY_STORAGE', e instanceof Error ? e.message : String(e), {
            ...(route ? { subject: routeSubject(route) } : {}),
          }),
        );
      }
    }
    res.headers.set(HEADERS.requestId, reqId);
    const label = routeLabel(route);
    const seconds = (performance.now() - start) / 1000;
    metrics.requests.inc({ route: label, status: String(res.status) });
    metrics.requestDuration.observe({ route: label }, seconds);
    logger.info(
      {
        reqId,
        method: request.method,
        path: new URL(request.url).pathname.slice(0, 300),
        status: res.status,
        ms: Math.round(seconds * 10000) / 10,
        cache: res.headers.get(HEADERS.cache) ?? undefined,
        upstream: res.headers.get(HEADERS.upstream) ?? undefined,
      },
      'request',
    );
    return res;
  };
}

/** createOpsApp serves `/-/healthz`, `/-/readyz`, `/-/metrics` and `/-/api/…` (Hono). */
function createOpsApp(deps: HandlerDeps): Hono {
  const { config, storage, chain, sumdbs, metrics, access } = deps;
  const app = new Hono();

  app.get('/-/healthz', (c) => c.text('ok\n'));

  app.get('/-/readyz', async (c) => {
    let storageOk = true;
    let storageError: string | undefined;
    try {
      await storage.checkWritable();
    } catch (e) {
      storageOk = false;
      storageError = oneLine((e as Error).message);
    }
    const upstreams = chain.upstreams.filter((u) => !u.off).map((u) => ({ url: u.id, state: u.state }));
    const anyUsable = upstreams.some((u) => u.state !== 'open' && u.state !== 'isolated');
    const draining = deps.draining?.() ?? false;
    const ready = storageOk && !draining;
    const status = !ready ? 'not-ready' : config.offline ? 'offline' : anyUsable ? 'ready' : 'degraded';
    return c.json(
      {
        schemaVersion: 1,
        status,
        storage: { kind: storage.kind, writable: storageOk, ...(storageError ? { error: storageError } : {}) },
        offline: config.offline,
        draining,
        upstreams,
      },
      ready ? 200 : 503,
    );
  });

  app.get('/-/metrics', async (c) => {
    const text = await metrics.registry.metrics();
    return c.body(text, 200, { 'Content-Type': metrics.registry.contentType });
  });

  app.get('/-/api/upstreams', (c) =>
    c.json({
      schemaVersion: 1,
      offline: config.offline,
      upstreams: chain.upstreams.map((u) => (u.off ? { url: 'off', state: 'closed' } : u.status())),
      sumdbs: sumdbs.all.map((d) => ({ name: d.name, url: d.baseUrl ?? null })),
    }),
  );

  app.get('/-/api/modules', async (c) => {
    const prefix = c.req.query('prefix') ?? '';
    const limit = Math.min(Math.max(Number(c.req.query('limit') ?? 1000) || 1000, 1), 100_000);
    let escapedPrefix: string;
    try {
      escapedPrefix = prefix === '' ? '' : module.escapePath(prefix.replace(/\/+$/, ''));
    } catch {
      escapedPrefix = prefix;
    }
    interface VersionEntry {
      version: string;
      files: Record<string, { size: number; modified: string }>;
      size: number;
      lastAccess: string | null;
    }
    const mods = new Map<string, Map<string, VersionEntry>>();
    const lists = new Map<string, string>();
    let truncated = false;
    for await (const info of storage.list(escapedPrefix)) {
      if (info.key.startsWith('-/') || info.key.startsWith('sumdb/')) continue;
      const m = /^(.+)\/@v\/(.+)\.(info|mod|zip)$/.exec(info.key);
      const l = /^(.+)\/@v\/list$/.exec(info.key);
      if (l) lists.set(l[1]!, info.modified.toISOString());
      if (!m) continue;
      let path: string;
      let version: string;
      try {
        path = module.unescapePath(m[1]!);
        version = module.unescapeVersion(m[2]!);
      } catch {
        continue;
      }
      let versions = mods.get(path);
      if (!versions) {
        if (mods.size >= limit) {
          truncated = true;
          continue;
        }
        versions = new Map();
        mods.set(path, versions);
      }
      const entry = versions.get(version) ?? { version, files: {}, size: 0, lastAccess: null };
      entry.files[m[3]!] = { size: info.size, modified: info.modified.toISOString() };
      entry.size += info.size;
      const seen = access.lastAccess(info.key);
      if (seen !== undefined && (entry.lastAccess === null || entry.lastAccess < new Date(seen).toISOString()))
        entry.lastAccess = new Date(seen).toISOString();
      versions.set(version, entry);
    }
    const modules = [...mods.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([path, versions]) => {
        const list = [...versions.values()].sort((a, b) => semver.compare(a.version, b.version));
        return {
          path,
          versions: list,
          size: list.reduce((n, v) => n + v.size, 0),
          listFetched: lists.get(module.escapePath(path)) ?? null,
        };
      });
    return c.json({ schemaVersion: 1, modules, truncated });
  });

  app.all('*', (c) =>
    errorResponse(
      c.req.method === 'GET' || c.req.method === 'HEAD'
        ? new ProxyError('ERR_PROXY_NOT_FOUND', 'no such operations endpoint', { subject: new URL(c.req.url).pathname })
        : new ProxyError('ERR_PROXY_METHOD', `method ${c.req.method} not allowed (use GET or HEAD)`),
    ),
  );
  return app;
}

/** fetchDisabled reports whether the request asks for cached answers only (`Disable-Module-Fetch: true`). */
function fetchDisabled(request: Request): boolean {
  return request.headers.get('disable-module-fetch')?.toLowerCase() === 'true';
}
