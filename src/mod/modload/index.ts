/**
 * Package modload is the module-loading part of the go command (cmd/go/internal/modload):
 * it reads the main module's go.mod, obtains dependencies' go.mod files (module cache
 * first, then the GOPROXY chain), builds the module graph by minimal version selection
 * with graph pruning, and answers `go list -m`, `go mod graph` and `go mod why`.
 *
 * Graph pruning (https://go.dev/ref/mod#graph-pruning): a main module at go 1.17 or
 * higher lists every module that provides a package it builds, so only its direct
 * requirements' go.mod files are read, plus, transitively, the requirements of any
 * dependency whose own go.mod is below go 1.17 (those are "unpruned"). Below go 1.17
 * the whole reachable graph is read.
 *
 * Invariants:
 *  - Each go.mod is read and parsed once per Loader; reads run concurrently (bounded)
 *    and results never depend on their order.
 *  - Replacements apply before reading (exact version first, then the path-wide one);
 *    requirements on versions the main module excludes are dropped (go 1.16+ semantics).
 *  - Failures reject with mvs.BuildListError naming a shortest requirement chain.
 *  - Nothing here reads the environment or prints: warnings are returned to the caller.
 */
export type {
  GoModInfo,
  GoModRequire,
  GoModReplace,
  GoModRetract,
  ModFileSource,
  ModSummary,
  ParseGoMod,
  Pruning,
  VersionInfo,
} from './types.js';
export {
  Loader,
  ModuleGraph,
  Replacements,
  SumMissingError,
  NO_MOD_ROOT,
  cmpVersion,
  findModuleRoot,
  loadMainModule,
  pruningForGoVersion,
  retractionsFor,
  type LoaderOptions,
  type MainModule,
} from './load.js';
export {
  createCacheSource,
  createLayeredSource,
  createProxySource,
  cachePath,
  downloadDir,
  NotInCacheError,
  type ProxyClientLike,
} from './source.js';
export {
  listModules,
  moduleInfo,
  formatModule,
  goJson,
  matchPattern,
  orderKeys,
  ZERO_TIME,
  type ListContext,
  type ListMode,
  type ListResult,
  type ModulePublic,
} from './list.js';
export {
  loadAll,
  why,
  whyDepth,
  whyModules,
  whyPackages,
  type LoadedPackage,
  type ModuleDirs,
  type PackageGraph,
} from './packages.js';
export { parseGoMod } from './modfile.js';
