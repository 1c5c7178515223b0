/**
 * createProxy wires a module proxy from a validated configuration: storage, upstream
 * chain, checksum databases, verifier, module cache, metrics, logs and the handler.
 * The result is transport-free (tests call `proxy.handler(request)` in memory); server.ts
 * binds it to a socket.
 */
import type { HttpClient } from '../mod/web/index.js';
import type { ProxyConfig, UpstreamConfig } from './config.js';
import { createAccessLog, createHandler, type AccessLog, type Authorize, type ProxyHandler } from './handler.js';
import { createLogger, type LogSink, type Logger } from './log.js';
import { createMetrics, type ProxyMetrics } from './metrics.js';
import { createModuleCache, type ModuleCache } from './modules.js';
import { createSingleFlight, type SingleFlight } from './single-flight.js';
import { createFsStorage } from './storage/fs.js';
import type { Storage } from './storage/types.js';
import { createSumdbSet, type SumdbSet } from './sumdb.js';
import { createUpstreamChain, type UpstreamChain } from './upstream.js';
import { createVerifier } from './verify.js';
import { withEviction } from './evict.js';

/** ProxyOptions configures createProxy. */
export interface ProxyOptions {
  readonly config: ProxyConfig;
  /** The store (default: the filesystem store at config.storage.root). */
  readonly storage?: Storage;
  /** Where JSON log lines go (default: nowhere). */
  readonly logSink?: LogSink;
  readonly logger?: Logger;
  readonly metrics?: ProxyMetrics;
  /** The auth seam (default: allow every request). */
  readonly authorize?: Authorize;
  /** HTTP client factory per upstream (default: src/mod/web createHttpClient). */
  readonly createFetch?: (u: UpstreamConfig) => HttpClient;
  /** The de-duplication of concurrent fetches (default in-process; the seam for cross-replica locking). */
  readonly flights?: SingleFlight;
  /** HTTP client factory for checksum databases reached directly. */
  readonly createSumdbFetch?: () => HttpClient;
  /** modrescue's version (User-Agent, `/`). */
  readonly version?: string;
}

/** Proxy is a configured module proxy. */
export interface Proxy {
  readonly config: ProxyConfig;
  readonly handler: ProxyHandler;
  readonly storage: Storage;
  readonly metrics: ProxyMetrics;
  readonly logger: Logger;
  readonly chain: UpstreamChain;
  readonly sumdbs: SumdbSet;
  readonly modules: ModuleCache;
  readonly access: AccessLog;
  /** Whether an auth hook other than allow-all is installed (the socket fast path is off then). */
  readonly hasAuth: boolean;
  /** drain makes new requests answer 503 (graceful shutdown). */
  drain(): void;
  readonly draining: boolean;
  /** close waits for background refreshes and releases clients and storage. */
  close(): Promise<void>;
}

/**
 * createProxy builds a proxy. It throws ERR_PROXY_STORAGE when the store cannot be opened
 * and ERR_PROXY_CONFIG for a malformed checksum-database entry.
 */
export async function createProxy(options: ProxyOptions): Promise<Proxy> {
  const { config } = options;
  const logger =
    options.logger ?? createLogger({ level: config.log.level, ...(options.logSink ? { sink: options.logSink } : {}) });
  const metrics = options.metrics ?? createMetrics();
  const access = createAccessLog();
  const base = options.storage ?? (await createFsStorage({ root: config.storage.root, fsync: config.storage.fsync }));
  const storage: Storage =
    config.storage.maxBytes > 0
      ? withEviction(base, {
          maxBytes: config.storage.maxBytes,
          evictVersioned: config.storage.evictVersioned,
          lastAccess: (key) => access.lastAccess(key),
          logger,
          onEvict: (info, kind) => {
            metrics.evictions.inc({ kind });
            logger.info({ key: info.key, size: info.size, kind }, 'evicted');
          },
        })
      : base;
  const userAgent = `modrescue-proxy${options.version ? '/' + options.version : ''}`;
  const chain = createUpstreamChain({
    config,
    metrics,
    logger,
    userAgent,
    ...(options.createFetch ? { createFetch: options.createFetch } : {}),
  });
  const sumdbs = createSumdbSet({
    entries: config.sumdb,
    chain,
    storage,
    metrics,
    logger,
    timeoutMs: Math.min(config.limits.requestTimeoutMs, Math.max(...config.upstreams.map((u) => u.timeoutMs), 30_000)),
    ...(options.createSumdbFetch ? { createFetch: options.createSumdbFetch } : {}),
  });
  const verifier = createVerifier({
    ...(sumdbs.primary ? { sumdb: sumdbs.primary } : {}),
    noSumdb: [config.noSumdb, config.private].filter((s) => s !== '').join(','),
    maxModBytes: config.limits.maxModBytes,
    goModMatchesZip: config.verify.goModMatchesZip,
    onWarning: (message, fields) => logger.warn(fields, message),
    metrics,
  });
  const flights = options.flights ?? createSingleFlight();
  const modules = createModuleCache({ config, storage, chain, verifier, flights, metrics, logger });
  let draining = false;
  const handler = createHandler({
    config,
    storage,
    modules,
    sumdbs,
    chain,
    flights,
    metrics,
    logger,
    access,
    ...(options.authorize ? { authorize: options.authorize } : {}),
    draining: () => draining,
    ...(options.version ? { version: options.version } : {}),
  });
  return {
    config,
    handler,
    storage,
    metrics,
    logger,
    chain,
    sumdbs,
    modules,
    access,
    hasAuth: options.authorize !== undefined,
    drain() {
      draining = true;
    },
    get draining() {
      return draining;
    },
    async close() {
      draining = true;
      await modules.waitIdle();
      await chain.close();
      await sumdbs.close();
      await storage.close?.();
    },
  };
}
