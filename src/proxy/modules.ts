/**
 * The module cache: how a protocol request is answered from storage or from the upstream
 * chain.
 *
 * Two kinds of objects:
 * - immutable (info/mod/zip of a canonical version valid for its path): fetched once,
 *   verified (verify.ts), stored atomically, then served from storage forever;
 * - refreshable (`@v/list`, `@latest`, `.info` of a query or of a version the path does
 *   not allow): stored with their fetch time; fresh for `cache.listTtl`; for
 *   `cache.staleWhileRevalidate` after that served at once while one background refresh
 *   runs; after that refreshed before answering, and when every upstream fails (anything
 *   but "not found") the stored answer is served stale, saying so.
 *
 * Concurrent requests for one object share one upstream fetch (single-flight by storage
 * key). `offline` (config or the `Disable-Module-Fetch: true` request header) answers only
 * from storage.
 */
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ProxyConfig } from './config.js';
import { ProxyError } from './errors.js';
import type { Logger } from './log.js';
import type { CacheResult, ProxyMetrics } from './metrics.js';
import type { ModuleRoute } from './route.js';
import type { SingleFlight } from './single-flight.js';
import { readStored, type ObjectInfo, type Storage } from './storage/types.js';
import { isNotAZip, type Upstream, type UpstreamChain } from './upstream.js';
import type { Verifier } from './verify.js';

/** Resolved is a stored object ready to serve, with how it was obtained. */
export interface Resolved {
  readonly key: string;
  readonly info: ObjectInfo;
  readonly cache: CacheResult;
  /** The upstream that served it just now (misses only). */
  readonly upstream?: string;
  /** Why a stale answer is stale: an error code, `offline` or `revalidating`. */
  readonly stale?: string;
}

/** ModuleCacheOptions configures createModuleCache. */
export interface ModuleCacheOptions {
  readonly config: Pick<ProxyConfig, 'cache' | 'limits' | 'offline'>;
  readonly storage: Storage;
  readonly chain: UpstreamChain;
  readonly verifier: Verifier;
  readonly flights: SingleFlight;
  readonly metrics: ProxyMetrics;
  readonly logger: Logger;
  /** Called after every object written (eviction hooks). */
  readonly onStored?: (info: ObjectInfo) => void;
  /** Clock (tests). */
  readonly now?: () => number;
}

/** ModuleCache answers module routes. */
export interface ModuleCache {
  /** resolve returns the stored object for route, fetching and verifying it when needed. */
  resolve(route: ModuleRoute, options?: { offline?: boolean }): Promise<Resolved>;
  /** waitIdle resolves when no background refresh is running (tests, shutdown). */
  waitIdle(): Promise<void>;
}

const modKey = (route: ModuleRoute) => `${route.escapedPath}/@v/${route.escapedVersion}.mod`;

/** createModuleCache wires storage, upstreams and verification together. */
export function createModuleCache(options: ModuleCacheOptions): ModuleCache {
  const { storage, chain, verifier, flights, metrics, logger, config } = options;
  const now = options.now ?? Date.now;
  const background = new Set<Promise<unknown>>();
  const tempDir = storage.tempDir ?? os.tmpdir();

  const count = (result: CacheResult) => metrics.cache.inc({ result });
  const tempFile = () => path.join(tempDir, `zip-${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`);

  /** fetchImmutable fetches, verifies and stores one versioned file from the first upstream that has it. */
  const fetchImmutable = (route: ModuleRoute): Promise<{ info: ObjectInfo; upstream: string; fresh: boolean }> =>
    flights.do(route.key, async () => {
      const existing = await storage.stat(route.key);
      if (existing) return { info: existing, upstream: '', fresh: false };
      const signal = AbortSignal.timeout(config.limits.requestTimeoutMs);
      const version = route.version!;
      const { value, upstream } = await chain.tryEach(route.subject, async (u) => {
        const repo = u.repo(route.path, signal);
        switch (route.file) {
          case 'info': {
            const ri = await u.call(() => repo.stat(version), signal);
            return storage.put(route.key, verifier.info(route.path, version, ri));
          }
          case 'mod': {
            const data = await u.call(() => repo.goMod(version), signal);
            await verifier.mod(route.path, version, data);
            return storage.put(route.key, data);
          }
          case 'zip':
            return fetchZip(route, u, signal);
          default:
            throw new Error(`not an immutable file: ${route.file}`);
        }
      });
      options.onStored?.(value);
      return { info: value, upstream: upstream.id, fresh: true };
    });

  /** fetchZip downloads a zip to a temp file, verifies it against the module's go.mod, and installs it. */
  const fetchZip = async (route: ModuleRoute, u: Upstream, signal: AbortSignal): Promise<ObjectInfo> => {
    const version = route.version!;
    const repo = u.repo(route.path, signal);
    // The zip's go.mod must equal the module's .mod: the stored one (verified before), or
    // the upstream's, verified and stored now.
    let goMod: Uint8Array | undefined = await readStored(storage, modKey(route));
    if (!goMod) {
      goMod = await u.call(() => repo.goMod(version), signal);
      await verifier.mod(route.path, version, goMod);
      options.onStored?.(await storage.put(modKey(route), goMod));
    }
    const tmp = tempFile();
    try {
      await u
        .call(() => repo.zip(version, tmp), signal)
        .catch((e: unknown) => {
          throw isNotAZip(e) ? verifier.notAZip(e as Error) : e;
        });
      await verifier.zip(route.path, version, tmp, goMod);
      return await storage.putFile(route.key, tmp);
    } finally {
      await rm(tmp, { force: true }).catch(() => {});
    }
  };

  /** refresh fetches a refreshable answer from the chain and stores it. */
  const refresh = (route: ModuleRoute): Promise<{ info: ObjectInfo; upstream: string }> =>
    flights.do(route.key, async () => {
      const signal = AbortSignal.timeout(config.limits.requestTimeoutMs);
      const { value, upstream } = await chain.tryEach(route.subject, async (u) => {
        const repo = u.repo(route.path, signal);
        let bytes: Uint8Array;
        switch (route.file) {
          case 'list': {
            const versions = await u.call(() => repo.versions(), signal);
            bytes = new TextEncoder().encode(versions.map((v) => v + '\n').join(''));
            break;
          }
          case 'latest': {
            const ri = await u.call(() => repo.latest(), signal);
            bytes = verifier.info(route.path, '', ri);
            break;
          }
          default: {
            const ri = await u.call(() => repo.stat(route.version!), signal);
            bytes = verifier.info(route.path, route.version!, ri);
          }
        }
        return storage.put(route.key, bytes);
      });
      options.onStored?.(value);
      return { info: value, upstream: upstream.id };
    });

  const resolveRefreshable = async (route: ModuleRoute, offline: boolean): Promise<Resolved> => {
    const cached = await storage.stat(route.key);
    if (cached) {
      const age = now() - cached.modified.getTime();
      if (offline) {
        count('hit');
        return {
          key: route.key,
          info: cached,
          cache: 'hit',
          ...(age >= config.cache.listTtlMs ? { stale: 'offline' } : {}),
        };
      }
      if (age < config.cache.listTtlMs) {
        count('hit');
        return { key: route.key, info: cached, cache: 'hit' };
      }
      if (age < config.cache.listTtlMs + config.cache.staleWhileRevalidateMs) {
        count('stale');
        const p = refresh(route).catch((e: unknown) =>
          logger.warn({ subject: route.subject, code: (e as ProxyError).code }, 'background refresh failed'),
        );
        background.add(p);
        void p.finally(() => background.delete(p));
        return { key: route.key, info: cached, cache: 'stale', stale: 'revalidating' };
      }
    } else if (offline) {
      throw notCached(route);
    }
    try {
      const { info, upstream } = await refresh(route);
      count('miss');
      return { key: route.key, info, cache: 'miss', upstream };
    } catch (e) {
      // stale-if-error: any failure but "not found" is answered from the cache.
      if (cached && e instanceof ProxyError && e.code !== 'ERR_PROXY_NOT_FOUND') {
        const still = await storage.stat(route.key);
        if (still) {
          count('stale');
          logger.warn({ subject: route.subject, code: e.code, upstream: e.fields.upstream }, 'serving stale list');
          return { key: route.key, info: still, cache: 'stale', stale: e.code };
        }
      }
      throw e;
    }
  };

  return {
    async resolve(route, opts = {}) {
      const offline = config.offline || opts.offline === true;
      if (!route.immutable) return resolveRefreshable(route, offline);
      const cached = await storage.stat(route.key);
      if (cached) {
        count('hit');
        return { key: route.key, info: cached, cache: 'hit' };
      }
      if (offline) throw notCached(route);
      const { info, upstream, fresh } = await fetchImmutable(route);
      count(fresh ? 'miss' : 'hit');
      return { key: route.key, info, cache: fresh ? 'miss' : 'hit', ...(upstream ? { upstream } : {}) };
    },
    async waitIdle() {
      while (background.size > 0) await Promise.allSettled([...background]);
    },
  };
}

function notCached(route: ModuleRoute): ProxyError {
  return new ProxyError('ERR_PROXY_NOT_CACHED', 'not in the cache and module fetching is disabled (offline)', {
    subject: route.subject,
  });
}
