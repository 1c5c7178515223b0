/**
 * Package goproxy: the GOPROXY protocol client of the go command (cmd/go/internal/modfetch
 * proxy.go and the proxy half of modload's queries).
 *
 * - parseProxyList: GOPROXY list semantics (`,` falls through on 404/410 only, `|` on any
 *   error, `direct`, `off`, file:// and scheme-less entries).
 * - createGoproxyClient: versions, info, goMod, zip (streamed to a path, 500 MiB limit),
 *   latest and query, with GONOPROXY/GOPRIVATE routing and TryProxies' error ranking.
 * - createProxyRepo: one module on one proxy.
 *
 * Invariants: network only through the injected FetchLike; nothing read from the
 * environment; messages are the go command's (`module M: reading URL: 404 Not Found`,
 * `M@V: module lookup disabled by GOPROXY=off`) with every URL redacted; a zip is never
 * held in memory. Fetching from version control (`direct`) is not implemented and fails
 * with ERR_GOPROXY_DIRECT_UNSUPPORTED; so do branch/commit queries
 * (ERR_GOPROXY_REVISION_UNSUPPORTED). Retractions are applied by callers through the
 * query's `allowed` function.
 *
 * See https://go.dev/ref/mod#goproxy-protocol and https://go.dev/ref/mod#version-queries.
 */
export { parseProxyList, checkProxyUrl, type ProxySpec, type ParseProxyListOptions } from './list.js';
export {
  createGoproxyClient,
  isRevisionQuery,
  tryProxies,
  type AllowedFunc,
  type GoproxyClient,
  type GoproxyClientOptions,
  type ProxyErrorKind,
  type TryProxiesOptions,
  type QueryOptions,
  type Route,
} from './client.js';
export {
  MAX_ZIP_FILE,
  ZERO_TIME,
  createProxyRepo,
  formatErrorDetail,
  goJsonSyntaxError,
  pathEscape,
  type ProxyRepo,
  type ProxyRepoOptions,
  type RevInfo,
  type ZipDestination,
} from './repo.js';
export { GoproxyError, type GoproxyErrorCode } from './errors.js';
