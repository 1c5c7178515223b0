/**
 * Package modload is the module-loading part of the go command (cmd/go/internal/modload):
 * it reads the main module's go.mod (or a go.work file's main modules), obtains
 * dependencies' go.mod files (module cache first, then the GOPROXY chain), builds the
 * module graph by minimal version selection with graph pruning, keeps the main
 * module's requirements consistent with it, and answers `go list -m`, `go mod graph`
 * and `go mod why`.
 *
 * Graph pruning (https://go.dev/ref/mod#graph-pruning): a main module at go 1.17 or
 * higher lists every module that provides a package it builds, so only its direct
 * requirements' go.mod files are read, plus, transitively, the requirements of any
 * dependency whose own go.mod is below go 1.17 (those are "unpruned"). Below go 1.17
 * the whole reachable graph is read. In a workspace (https://go.dev/ref/mod#workspaces)
 * the main modules are the roots.
 *
 * Invariants:
 *  - Each go.mod is read and parsed once per Loader; reads run concurrently (bounded)
 *    and results never depend on their order.
 *  - Replacements apply before reading (go.work's first, then exact version, then
 *    path-wide); requirements on versions a main module excludes are dropped.
 *  - Failures reject with mvs.BuildListError naming a shortest requirement chain.
 *  - Behaviour that changed between go command releases follows the GoRelease the
 *    loader is given (default: the latest release modrescue reproduces).
 *  - Nothing here reads the environment or prints: warnings are returned to the caller,
 *    and go.mod/go.sum updates are returned (commitRequirements), never written.
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
  QueryOptions,
  VersionInfo,
} from './types.js';
export {
  GoModDirtyError,
  Loader,
  ModuleGraph,
  Replacements,
  Requirements,
  SumMissingError,
  NO_MOD_ROOT,
  cmpModVersion,
  cmpVersion,
  findModuleRoot,
  loadMainModule,
  pruningForGoVersion,
  readMainModule,
  retractionsFor,
  type GraphResult,
  type LoaderOptions,
  type MainModule,
  type Workspace,
} from './load.js';
export { commitRequirements, keepSums, type CommitResult, type WhichSums } from './commit.js';
export { LATEST_RELEASE, OLDEST_RELEASE, goRelease, releaseFromGotoolchain, type GoRelease } from './release.js';
export { findWorkspaceFile, loadWorkspace } from './workspace.js';
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
  Lister,
  isRevisionQuery,
  listModules,
  moduleInfo,
  modinfoError,
  formatModule,
  goJson,
  matchPattern,
  orderKeys,
  runBounded,
  ZERO_TIME,
  type ListContext,
  type ListMode,
  type ListResult,
  type ModulePublic,
} from './list.js';
export {
  loadAll,
  mainPackages,
  why,
  whyDepth,
  whyModules,
  whyPackages,
  type LoadAllOptions,
  type LoadedPackage,
  type ModuleDirs,
  type PackageGraph,
} from './packages.js';
export { parseGoMod } from './modfile.js';
export { executeTemplate, parseTemplate, TemplateError, type Template } from './template.js';
