/**
 * Data types of package modload: the parts of a go.mod file the loader reads, the
 * go.mod supply (ModFileSource), and the loaded module graph.
 */
import type { ModuleVersion } from '../mvs/index.js';

export type { ModuleVersion };

/** GoModRequire is one require directive. */
export interface GoModRequire {
  readonly mod: ModuleVersion;
  readonly indirect: boolean;
}

/** GoModReplace is one replace directive; new.version is "" for a directory replacement. */
export interface GoModReplace {
  readonly old: ModuleVersion;
  readonly new: ModuleVersion;
}

/** GoModRetract is one retract directive (a single version has low == high). */
export interface GoModRetract {
  readonly low: string;
  readonly high: string;
  readonly rationale: string;
}

/**
 * GoModInfo is what the loader needs from a parsed go.mod file (a projection of
 * modfile.File): the module path and deprecation, the go version, and the
 * require/exclude/replace/retract directives in file order.
 */
export interface GoModInfo {
  readonly module?: { readonly path: string; readonly deprecated: string };
  /** The go directive's version, or undefined when there is none. */
  readonly go?: string;
  /** The toolchain directive's name ("go1.21.3"), or undefined when there is none. */
  readonly toolchain?: string;
  readonly require: readonly GoModRequire[];
  readonly exclude: readonly ModuleVersion[];
  readonly replace: readonly GoModReplace[];
  readonly retract: readonly GoModRetract[];
}

/**
 * ParseGoMod parses go.mod bytes; lax parsing (for dependencies' go.mod files) ignores
 * unknown directives and the directives only the main module may use. It throws the
 * parse error (with file:line:col positions) for malformed files.
 */
export type ParseGoMod = (file: string, data: Uint8Array, lax: boolean) => GoModInfo;

/** VersionInfo is a module version's .info document. */
export interface VersionInfo {
  readonly version: string;
  /** RFC 3339 time, as the proxy sent it (Go prints the zero time when it is missing). */
  readonly time?: string;
}

/**
 * ModFileSource supplies go.mod files and version metadata of dependencies: the go
 * command reads go.mod files from the module cache first and fetches them through the
 * GOPROXY chain otherwise. Errors carry the go command's wording (they end up after
 * "path@version: " in BuildListError chains).
 */
export interface ModFileSource {
  /** goMod returns the go.mod bytes of m (m.version is a semantic version). */
  goMod(m: ModuleVersion): Promise<Uint8Array>;
  /**
   * goModCached returns m's go.mod without waiting when the source has it at hand and
   * trusts it as goMod would (cached, its go.sum entry present and matching), else
   * undefined (goMod then runs). A speed path: results must equal goMod's.
   */
  goModCached?(m: ModuleVersion): Uint8Array | undefined;
  /** infoCached is info's speed path, on the same terms as goModCached. */
  infoCached?(m: ModuleVersion): VersionInfo | undefined;
  /** info returns m's .info (canonical version and time). */
  info?(m: ModuleVersion): Promise<VersionInfo>;
  /** versions returns the module's released versions (the proxy's @v/list), unsorted. */
  versions?(path: string): Promise<string[]>;
  /** latest returns the proxy's @latest answer (used when the list is empty). */
  latest?(path: string): Promise<VersionInfo>;
  /**
   * query resolves a version query other than an exact version (`latest`, `upgrade`,
   * `patch`, `<v1.2`, `v1.2`, …) as the go command's modload.queryProxy does;
   * allowed filters versions (exclusions, retractions). When absent, modload resolves
   * queries itself from versions().
   */
  query?(path: string, query: string, options: QueryOptions): Promise<VersionInfo>;
}

/** QueryOptions are the current version and version filter of a query (modload.Query). */
export interface QueryOptions {
  /** The currently selected version ("none" when there is none, "" when unknown). */
  readonly current: string;
  /** allowed resolves false for versions the query must skip (excluded or retracted). */
  readonly allowed?: (m: ModuleVersion) => Promise<boolean>;
}

/** Pruning is how much of the graph is loaded: by the main module's go version (go.dev/ref/mod#graph-pruning). */
export type Pruning = 'pruned' | 'unpruned' | 'workspace';

/**
 * ModSummary is what the loader keeps of one dependency's go.mod (cmd/go's
 * modFileSummary): its module path, go and toolchain lines, pruning, requirements (in
 * go.mod order; when the emulated go command knows toolchain modules, followed by
 * go@version for go lines at 1.21 or higher), retractions and deprecation.
 */
export interface ModSummary {
  readonly module: ModuleVersion;
  readonly goVersion: string;
  readonly toolchain?: string;
  readonly pruning: Pruning;
  readonly require: readonly ModuleVersion[];
  readonly retract: readonly GoModRetract[];
  readonly deprecated: string;
}
