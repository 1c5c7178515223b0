/**
 * Package modfetch is the go command's module fetcher (cmd/go/internal/modfetch): it
 * downloads module versions through the GOPROXY chain (package goproxy), authenticates
 * every go.mod and zip against go.sum and the checksum database, and fills the module
 * cache (package modcache) so that the go command can use it.
 *
 * Authentication (https://go.dev/ref/mod#authenticating): a hash recorded in go.sum must
 * match, or the command stops with the SECURITY ERROR of a go.sum mismatch (isFatal); a
 * hash not yet in go.sum is checked against the checksum database unless GOSUMDB=off or
 * the path matches GONOSUMDB/GOPRIVATE, then recorded (written by GoSumState.write as
 * the command's -mod mode allows).
 *
 * Invariants: every operation runs at most once per version per Fetcher; the cache is
 * only ever written through modcache (atomic files, the go command's locks); nothing here
 * reads the environment, prints, or exits — lines the go command prints on stderr go to
 * an onLog callback.
 */
export {
  FATAL_CODES,
  createFetcher,
  isFatal,
  type Fetcher,
  type FetcherOptions,
  type ModuleVersion,
  type SumDB,
} from './fetch.js';
export { GO_SUM_DIRTY, GoSumState, type GoSumStateOptions } from './gosum.js';
export { createFetcherSource } from './source.js';
export { createSumDB, type SumDBOptions } from './sumdb.js';
export { openFetchStack, type FetchStack, type FetchStackEnvName, type FetchStackOptions } from './stack.js';
