/**
 * Package proxy: `modrescue proxy serve`, a GOPROXY server whose cache survives upstream
 * outages, verifies everything it stores, and proxies the checksum database
 * (https://go.dev/ref/mod#goproxy-protocol, https://go.dev/ref/mod#checksum-database).
 *
 * Shape: a web-standard handler `(Request) => Promise<Response>` (handler.ts) composed by
 * createProxy (proxy.ts) from storage (storage/: an interface with one conformance suite;
 * the filesystem backend keys objects by escaped protocol path and writes atomically), an
 * upstream chain with the go command's `,`/`|`/`off` semantics and a circuit breaker per
 * upstream (upstream.ts), verification before anything is stored (verify.ts: .info version,
 * go.mod parse and hash, zip checks, checksum database), a module cache with in-process
 * single-flight, TTL and stale-if-error for lists (modules.ts), the checksum-database
 * layer (sumdb.ts), metrics (metrics.ts) and JSON logs (log.ts). server.ts binds it to a
 * socket (@hono/node-server, plus a fast path for stored immutable files).
 *
 * Invariants: status codes are protocol (404/410 not found — never 5xx for not found;
 * 400 bad path; 401/403 auth; 502 upstream error or refused content; 503 open circuit;
 * 504 upstream timeout); error bodies are one line (errors.ts, which doctor and triage
 * import to recognise them); unverifiable content is never stored or served; a crash never
 * leaves a partial object visible. Seams for the later issue: Storage (S3, Redis),
 * Authorize (auth), SingleFlight (cross-replica locking). Operator guide: docs/proxy.md.
 */
export {
  CONFIG_FILE_ENV,
  ProxyConfigError,
  SETTINGS,
  formatConfigYaml,
  parseDurationMs,
  parseSizeBytes,
  redactedConfig,
  resolveProxyConfig,
  type ConfigInput,
  type ConfigIssue,
  type ProxyConfig,
  type ResolvedConfig,
  type Setting,
  type UpstreamConfig,
} from './config.js';
export {
  PROXY_ERROR_KINDS,
  ProxyError,
  STATUS_BY_CODE,
  errorBody,
  isProxyError,
  parseErrorBody,
  type ParsedErrorBody,
  type ProxyErrorCode,
  type ProxyErrorKind,
} from './errors.js';
export { allowAll, createHandler, type Authorize, type ProxyHandler } from './handler.js';
export { HEADERS, IMMUTABLE_CACHE_CONTROL } from './http.js';
export { createLogger, type Logger } from './log.js';
export { createMetrics, parseMetricValue, type ProxyMetrics } from './metrics.js';
export { createProxy, type Proxy, type ProxyOptions } from './proxy.js';
export { checkRawPath, parseRoute, routeSubject, type ModuleRoute, type Route, type SumdbRoute } from './route.js';
export { startServer, type RunningServer, type ServerOptions } from './server.js';
export { createSingleFlight, type SingleFlight } from './single-flight.js';
export { storageConformanceCases, type ConformanceCase } from './storage/conformance.js';
export { createFsStorage, type FsStorageOptions } from './storage/fs.js';
export { createMemoryStorage } from './storage/memory.js';
export { validateKey, type ObjectInfo, type Storage, type StoredObject } from './storage/types.js';
