/**
 * Loading the main module(s) and the module graph (cmd/go's modload: LoadModFile,
 * requirementsFromModFiles, readModGraph, expandGraph, updateRoots, goModSummary),
 * with graph pruning by the main module's go version and Go workspaces.
 *
 * The loader mirrors the go command's two layers: a Requirements value (the roots of
 * the graph: the main module's require lines, or the workspace's main modules) and the
 * ModuleGraph read from them. When the graph shows that a root is not the selected
 * version of its path, the roots are updated as the go command updates them (pruned:
 * raised to the selected versions until they converge; unpruned: the minimal
 * requirement list of mvs.req), which under -mod=readonly is the error "updates to
 * go.mod needed" instead.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../internal/errors.js';
import * as semver from '../semver/index.js';
import * as gover from '../gover/index.js';
import { versionError, ModuleError } from '../module/index.js';
import { Graph, key, newBuildListError, req, type ModuleVersion, type Reqs } from '../mvs/index.js';
import { goRelease, LATEST_RELEASE, OLDEST_RELEASE, type GoRelease } from './release.js';
import type { GoModInfo, GoModReplace, GoModRetract, ModFileSource, ModSummary, ParseGoMod, Pruning } from './types.js';

/** NO_MOD_ROOT is the go command's message when no go.mod is found (modload.ErrNoModRoot). */
export const NO_MOD_ROOT = "go.mod file not found in current directory or any parent directory; see 'go help modules'";

/** MainModule is a loaded main module (one of several in a workspace). */
export interface MainModule {
  /** The module path from the module directive. */
  readonly path: string;
  /** The directory holding go.mod. */
  readonly root: string;
  readonly goModPath: string;
  readonly data: Uint8Array;
  readonly file: GoModInfo;
  /** The go directive's version, or "1.16" when the file has none (modFileGoVersion). */
  readonly goVersion: string;
  /** The go directive's version as written ("" when absent). */
  readonly rawGoVersion: string;
}

/** Workspace is a loaded go.work file and its main modules (https://go.dev/ref/mod#workspaces). */
export interface Workspace {
  /** The go.work file. */
  readonly path: string;
  /** The go.work go line ("" when absent). */
  readonly goVersion: string;
  readonly toolchain?: string;
  /** The main modules in `use` order. */
  readonly mains: readonly MainModule[];
  /** The go.work replace directives (they win over the modules' own). */
  readonly replace: readonly GoModReplace[];
}

/**
 * findModuleRoot returns the nearest directory at or above dir that holds a go.mod
 * file, or undefined when there is none.
 */
export async function findModuleRoot(dir: string): Promise<string | undefined> {
  let d = path.resolve(dir);
  for (;;) {
    const st = await stat(path.join(d, 'go.mod')).catch(() => undefined);
    if (st?.isFile()) return d;
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/**
 * readMainModule parses the go.mod in root as a main module. It rejects with the
 * parser's error (ERR_MODFILE_PARSE, every error with file:line) for a malformed file
 * and ERR_MODLOAD_NO_MODULE_PATH, in the wording of the emulated release, when the
 * file has no module directive.
 */
export async function readMainModule(root: string, parseGoMod: ParseGoMod, release?: GoRelease): Promise<MainModule> {
  const goModPath = path.join(root, 'go.mod');
  const data = new Uint8Array(await readFile(goModPath));
  const file = parseGoMod(goModPath, data, false);
  if (!file.module) {
    const modern = (release ?? goRelease(LATEST_RELEASE)).modernErrors;
    throw new CodedError(
      'ERR_MODLOAD_NO_MODULE_PATH',
      modern
        ? `error reading ${goModPath}: missing module declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod`
        : 'no module declaration in go.mod. To specify the module path:\n\tgo mod edit -module=example.com/mod',
      { goModPath },
    );
  }
  return {
    path: file.module.path,
    root,
    goModPath,
    data,
    file,
    goVersion: file.go ?? '1.16',
    rawGoVersion: file.go ?? '',
  };
}

/**
 * loadMainModule finds and parses the main module's go.mod from dir upwards. It
 * rejects with ERR_MODLOAD_NO_MOD_ROOT (Go's ErrNoModRoot wording) when there is no
 * go.mod, and as readMainModule for a malformed one.
 */
export async function loadMainModule(dir: string, parseGoMod: ParseGoMod, release?: GoRelease): Promise<MainModule> {
  const root = await findModuleRoot(dir);
  if (root === undefined) throw new CodedError('ERR_MODLOAD_NO_MOD_ROOT', NO_MOD_ROOT, { dir });
  return readMainModule(root, parseGoMod, release);
}

/** pruningForGoVersion returns "pruned" for go >= 1.17 and "unpruned" below (modload.pruningForGoVersion). */
export function pruningForGoVersion(goVersion: string): Pruning {
  let p = pruningMemo.get(goVersion);
  if (p === undefined) {
    p = gover.compare(goVersion, gover.explicitIndirectVersion) < 0 ? 'unpruned' : 'pruned';
    if (pruningMemo.size < 1000) pruningMemo.set(goVersion, p);
  }
  return p;
}

/** pruningMemo: a graph has thousands of go.mod files and a handful of go versions. */
const pruningMemo = new Map<string, Pruning>();

/**
 * cmpVersion orders versions of one module path as cmd/go's cmpVersion: the main
 * module's "" is above everything, otherwise semver order ("none" is invalid, so lowest).
 */
export function cmpVersion(v1: string, v2: string): number {
  if (v2 === '') return v1 === '' ? 0 : -1;
  if (v1 === '') return 1;
  return semver.compare(v1, v2);
}

/** cmpModVersion is cmpVersion for any path: go and toolchain versions compare as Go versions (gover.ModCompare). */
export function cmpModVersion(p: string, v1: string, v2: string): number {
  if (v1 === v2) return 0;
  if (v2 === '') return -1;
  if (v1 === '') return 1;
  // "none" (not selected) is below every version (semver: invalid versions compare lowest).
  if (v1 === 'none') return -1;
  if (v2 === 'none') return 1;
  return gover.modCompare(p, v1, v2);
}

/** sortModules sorts module versions in place as gover.ModSort (path, then version). */
function sortModules(list: ModuleVersion[]): ModuleVersion[] {
  return gover.modSort(list);
}

/** LoaderOptions configures how dependency go.mod files are obtained and checked. */
export interface LoaderOptions {
  readonly source: ModFileSource;
  readonly parseGoMod: ParseGoMod;
  /** -mod: "mod" may update go.mod/go.sum; "readonly" fails on missing go.sum entries. */
  readonly buildMod: 'mod' | 'readonly' | 'vendor';
  /** Whether -mod was set explicitly (command line or GOFLAGS); worded into "updates to go.mod needed". */
  readonly buildModExplicit?: boolean;
  /** Why -mod has its default value (e.g. the vendor directory rule), for the same message. */
  readonly buildModReason?: string;
  /** haveSum reports whether go.sum has a usable h1 line for m (m.version may end in "/go.mod"). */
  readonly haveSum?: (m: ModuleVersion) => boolean;
  /** The working directory, for Go's ShortPath in messages (defaults to the main module root). */
  readonly cwd?: string;
  /**
   * The go command release to reproduce ("1.19", "1.25"). Default OLDEST_RELEASE: the
   * graph then has no go/toolchain pseudo-modules, which library callers that walk the
   * build list expect; the CLI passes the release GOTOOLCHAIN asks for.
   */
  readonly release?: string;
  /** The go subcommand ("list", "mod graph", "mod why", …): a few loader decisions depend on it. */
  readonly cmdName?: string;
  /** The workspace, when go.work is in use (the main module argument is its first main module). */
  readonly workspace?: Workspace;
  /**
   * isFatal reports errors of the source that end the command at once (a go.sum
   * checksum mismatch: the go command's base.Fatalf) instead of becoming the error of
   * one module in the graph; reading the graph then rejects with it.
   */
  readonly isFatal?: (e: unknown) => boolean;
}

/**
 * Replacements looks up replace directives: the go.work file's first, then each main
 * module's (exact version first, then path-wide), as modload.Replacement.
 */
export class Replacements {
  readonly #work = new Map<string, ModuleVersion>();
  readonly #mods: Array<Map<string, ModuleVersion>> = [];
  readonly root: string;
  #size = 0;

  /**
   * constructor indexes the replace directives of the main modules. relativeTo, when
   * given (in a workspace), turns each module's relative directory replacements into
   * paths relative to it (Go 1.19) or absolute paths (absolute: true, later releases).
   */
  constructor(main: MainModule, workspace?: Workspace, absolute = false) {
    this.root = workspace ? path.dirname(workspace.path) : main.root;
    const k = (m: ModuleVersion) => (m.version === '' ? m.path : key(m));
    for (const r of workspace?.replace ?? []) {
      this.#work.set(k(r.old), r.new);
      this.#size++;
    }
    const replacedByWork = new Set((workspace?.replace ?? []).map((r) => r.old.path));
    for (const mm of workspace?.mains ?? [main]) {
      const map = new Map<string, ModuleVersion>();
      for (const r of mm.file.replace) {
        if (replacedByWork.has(r.old.path)) continue;
        let nv = r.new;
        if (workspace && nv.version === '' && !path.isAbsolute(nv.path)) {
          const abs = path.join(mm.root, nv.path);
          nv = { path: absolute ? abs : path.relative(this.root, abs) || '.', version: '' };
        }
        map.set(k(r.old), nv);
        this.#size++;
      }
      this.#mods.push(map);
    }
  }

  /** replacement returns m's replacement (exact version first, then path-wide), or undefined. */
  replacement(m: ModuleVersion): ModuleVersion | undefined {
    const w = this.#work.get(key(m)) ?? this.#work.get(m.path);
    if (w) return w;
    for (const map of this.#mods) {
      const r = map.get(key(m)) ?? map.get(m.path);
      if (r) return r;
    }
    return undefined;
  }

  /** dir returns the directory of a directory replacement's path (relative ones are relative to root). */
  dir(r: ModuleVersion): string {
    return path.isAbsolute(r.path) ? r.path : path.join(this.root, r.path);
  }

  /** size is the number of replace directives. */
  get size(): number {
    return this.#size;
  }
}

/** SumMissingError is the "missing go.sum entry" error of -mod=readonly. */
export class SumMissingError extends CodedError {
  constructor(m: ModuleVersion, suggestion: string) {
    super('ERR_MODLOAD_SUM_MISSING', `missing go.sum entry${suggestion}`, {
      module: m.path,
      version: m.version,
    });
  }
}

/**
 * GoModDirtyError is the go command's errGoModDirty: go.mod must change (its roots are
 * inconsistent with the module graph) but -mod does not allow it.
 */
export class GoModDirtyError extends CodedError {
  constructor(buildMod: string, explicit: boolean, reason: string) {
    const message = explicit
      ? `updates to go.mod needed, disabled by -mod=${buildMod}; to update it:\n\tgo mod tidy`
      : reason !== ''
        ? `updates to go.mod needed, disabled by -mod=${buildMod}\n\t(${reason})\n\tto update it:\n\tgo mod tidy`
        : 'updates to go.mod needed; to update it:\n\tgo mod tidy';
    super('ERR_MODLOAD_GO_MOD_DIRTY', message, { buildMod });
  }
}

/**
 * Requirements is a logically immutable set of root requirements (cmd/go's
 * modload.Requirements): the roots (sorted as gover.ModSort, possibly several versions
 * of a path), the paths the main module imports directly, and the pruning with which
 * the graph is read from them. Its graph is read once, on first use.
 */
export class Requirements {
  readonly pruning: Pruning;
  readonly rootModules: readonly ModuleVersion[];
  readonly direct: ReadonlySet<string>;
  readonly #maxRoot = new Map<string, string>();
  /** The graph read from these roots, once requested (see Loader.graph). */
  graph?: Promise<GraphResult>;

  constructor(pruning: Pruning, rootModules: readonly ModuleVersion[], direct: ReadonlySet<string>) {
    this.pruning = pruning;
    this.rootModules = rootModules;
    this.direct = direct;
    for (const m of rootModules) {
      const v = this.#maxRoot.get(m.path);
      if (v === undefined || cmpModVersion(m.path, v, m.version) < 0) this.#maxRoot.set(m.path, m.version);
    }
  }

  /** rootSelected returns the highest root version of path, or undefined when path is not a root. */
  rootSelected(p: string): string | undefined {
    return this.#maxRoot.get(p);
  }

  /** hasRedundantRoot reports whether some path appears more than once among the roots. */
  hasRedundantRoot(): boolean {
    for (let i = 1; i < this.rootModules.length; i++) {
      if (this.rootModules[i]!.path === this.rootModules[i - 1]!.path) return true;
    }
    return false;
  }
}

/** GraphResult is a module graph and the first error found while reading it (the graph may then be partial). */
export interface GraphResult {
  readonly mg: ModuleGraph;
  readonly err?: Error;
}

/**
 * ModuleGraph is the loaded requirement graph: an mvs.Graph filled from go.mod
 * files according to the pruning mode, plus the summaries and annotations read.
 */
export class ModuleGraph {
  readonly graph: Graph;
  readonly main: MainModule;
  /** Every main module (one outside a workspace). */
  readonly mains: readonly MainModule[];
  readonly pruning: Pruning;
  /** The roots below the main module(s): the main module's requirements (sorted), or the workspace's main modules. */
  readonly rootModules: readonly ModuleVersion[];
  /** Paths the main module requires directly (require lines without // indirect). */
  readonly direct: ReadonlySet<string>;
  readonly replacements: Replacements;
  readonly excluded: ReadonlySet<string>;
  /** Warnings the go command prints on stderr while loading (without the "go: " prefix). */
  readonly warnings: readonly string[];
  readonly #summaries: ReadonlyMap<string, ModSummary>;
  readonly #errors: ReadonlyMap<string, Error>;
  #buildList?: ModuleVersion[];

  constructor(init: {
    graph: Graph;
    main: MainModule;
    mains?: readonly MainModule[];
    pruning: Pruning;
    rootModules: readonly ModuleVersion[];
    direct: ReadonlySet<string>;
    replacements: Replacements;
    excluded: ReadonlySet<string>;
    warnings: readonly string[];
    summaries: ReadonlyMap<string, ModSummary>;
    errors?: ReadonlyMap<string, Error>;
  }) {
    this.graph = init.graph;
    this.main = init.main;
    this.mains = init.mains ?? [init.main];
    this.pruning = init.pruning;
    this.rootModules = init.rootModules;
    this.direct = init.direct;
    this.replacements = init.replacements;
    this.excluded = init.excluded;
    this.warnings = init.warnings;
    this.#summaries = init.summaries;
    this.#errors = init.errors ?? new Map();
  }

  get roots(): readonly ModuleVersion[] {
    return this.graph.roots;
  }
  requiredBy(m: ModuleVersion): readonly ModuleVersion[] | undefined {
    return this.graph.requiredBy(m);
  }
  selected(p: string): string {
    return this.graph.selected(p);
  }
  /** buildList returns the selected version of every module: the main modules first, then the others in module.Sort order. */
  buildList(): ModuleVersion[] {
    return (this.#buildList ??= this.graph.buildList());
  }
  walkBreadthFirst(f: (m: ModuleVersion) => void): void {
    this.graph.walkBreadthFirst(f);
  }
  /** summary returns the go.mod summary read for m (after replacement), if it was read. */
  summary(m: ModuleVersion): ModSummary | undefined {
    return this.#summaries.get(key(m));
  }
  /** error returns the error met reading m's go.mod, if any. */
  error(m: ModuleVersion): Error | undefined {
    return this.#errors.get(key(m));
  }

  /**
   * findError returns a BuildListError for the first module (breadth-first) whose
   * go.mod could not be read, naming a shortest requirement chain; undefined if none.
   */
  findError(): Error | undefined {
    if (this.#errors.size === 0) return undefined;
    const errPath = this.graph.findPath((m) => this.#errors.has(key(m)));
    if (errPath.length === 0) return undefined;
    return newBuildListError(this.#errors.get(key(errPath[errPath.length - 1]!))!, errPath);
  }
}

/** CONCURRENCY bounds the go.mod reads in flight while reading the graph. */
const CONCURRENCY = 32;

/**
 * Loader reads dependency go.mod files (once each, cached) and builds module graphs
 * as one run of the go command does (its requirements, once loaded, are this.requirements).
 * It is stateful (caches), so one Loader serves one command run.
 */
export class Loader {
  readonly main: MainModule;
  /** The main modules: the workspace's in `use` order, or [main]. */
  readonly mains: readonly MainModule[];
  readonly options: LoaderOptions;
  readonly release: GoRelease;
  readonly replacements: Replacements;
  readonly excluded: ReadonlySet<string>;
  /** The current requirements (after loadModFile and any root updates). */
  requirements?: Requirements;
  /** Lines the go command prints on stderr while loading go.mod (without "go: "). */
  readonly loadWarnings: string[] = [];
  /** The go version the main module's go.mod is interpreted at (rawGoVersion of the main module). */
  mainGoVersion: string;
  /** Set when loadModFile added a go line that commitRequirements must write. */
  addedGoVersion?: string;
  readonly #raw = new Map<string, Promise<ModSummary>>();
  /** The summaries rawGoModSummarySync produced (also in #raw as resolved promises). */
  readonly #rawSync = new Map<string, ModSummary>();
  /** rawGoVersion of cmd/go: the go line of every go.mod read (keyed by the module version read). */
  readonly rawGoVersions = new Map<string, string>();
  #loadModFile?: Promise<Requirements>;

  constructor(main: MainModule, options: LoaderOptions) {
    this.main = main;
    this.options = options;
    this.release = goRelease(options.release ?? OLDEST_RELEASE);
    this.mains = options.workspace?.mains ?? [main];
    this.replacements = new Replacements(main, options.workspace, this.release.modernErrors);
    const excluded = new Set<string>();
    for (const mm of this.mains) for (const e of mm.file.exclude) excluded.add(key(e));
    this.excluded = excluded;
    this.mainGoVersion = main.goVersion;
    for (const mm of this.mains) this.rawGoVersions.set(key({ path: mm.path, version: '' }), mm.rawGoVersion);
  }

  /** inWorkspace reports whether a go.work file is in use. */
  get inWorkspace(): boolean {
    return this.options.workspace !== undefined;
  }

  /** isMain reports whether m is one of the main modules (version ""). */
  isMain(m: ModuleVersion): boolean {
    return m.version === '' && this.mains.some((mm) => mm.path === m.path);
  }

  /** mustHaveCompleteRequirements: go.mod may not change (-mod is not "mod", outside a workspace). */
  mustHaveCompleteRequirements(): boolean {
    return this.options.buildMod !== 'mod' && !this.inWorkspace;
  }

  /** dirtyError returns the errGoModDirty of this run's -mod setting. */
  dirtyError(): GoModDirtyError {
    return new GoModDirtyError(
      this.options.buildMod,
      this.options.buildModExplicit ?? false,
      this.options.buildModReason ?? '',
    );
  }

  /** shortPath returns p relative to the working directory when that is shorter (base.ShortPath). */
  shortPath(p: string): string {
    const rel = path.relative(this.options.cwd ?? this.main.root, p);
    return rel.length < p.length ? rel : p;
  }

  /** resolveReplacement returns m's replacement or m itself (main modules are never replaced). */
  resolveReplacement(m: ModuleVersion): ModuleVersion {
    if (this.isMain(m)) return m;
    return this.replacements.replacement(m) ?? m;
  }

  /**
   * rawGoModSummary reads and parses the go.mod of m as it is (m may be a directory
   * replacement with version "", or a workspace main module). Failures reject with
   * Go-worded ModuleErrors. The go and toolchain pseudo-modules have synthetic summaries.
   */
  rawGoModSummary(m: ModuleVersion): Promise<ModSummary> {
    const k = key(m);
    let p = this.#raw.get(k);
    if (!p) {
      p = this.#readRaw(m);
      p.catch(() => {});
      this.#raw.set(k, p);
    }
    return p;
  }

  async #readRaw(m: ModuleVersion): Promise<ModSummary> {
    if (gover.isToolchain(m.path)) return toolchainSummary(m);
    let name: string;
    let data: Uint8Array;
    if (m.version === '') {
      const mm = this.inWorkspace ? this.mains.find((x) => x.path === m.path) : undefined;
      const dir = mm ? mm.root : this.replacements.dir(m);
      name = path.join(dir, 'go.mod');
      if (mm) {
        data = mm.data;
      } else {
        try {
          data = new Uint8Array(await readFile(name));
        } catch (e) {
          const err = e as NodeJS.ErrnoException;
          const why =
            err.code === 'ENOENT'
              ? 'no such file or directory'
              : err.code === 'EISDIR'
                ? 'is a directory'
                : err.code === 'ENOTDIR'
                  ? 'not a directory'
                  : err.message;
          throw versionError(m, new Error(`reading ${this.shortPath(name)}: open ${name}: ${why}`));
        }
      }
    } else {
      if (!semver.isValid(m.version))
        throw new Error(`internal error: ${m.path}@${m.version}: unexpected invalid semantic version`);
      name = 'go.mod';
      data = await this.options.source.goMod(m);
    }
    return this.#summarize(m, name, data);
  }

  /** #summarize parses go.mod data read for m into its summary (rawGoModSummary's parse half). */
  #summarize(m: ModuleVersion, name: string, data: Uint8Array): ModSummary {
    let f: GoModInfo;
    try {
      f = this.options.parseGoMod(name, data, true);
    } catch (e) {
      throw versionError(
        m,
        new Error(`parsing ${m.version === '' ? this.shortPath(name) : name}: ${(e as Error).message}`),
      );
    }
    const goVersion = f.go ?? '';
    if (goVersion !== '' && !this.rawGoVersions.has(key(m))) this.rawGoVersions.set(key(m), goVersion);
    const require = f.require.map((r) => r.mod);
    if (this.release.toolchainModules && goVersion !== '' && gover.compare(goVersion, gover.goStrictVersion) >= 0) {
      require.push({ path: 'go', version: goVersion });
    }
    return {
      module: f.module ? { path: f.module.path, version: '' } : { path: '', version: '' },
      goVersion,
      ...(f.toolchain ? { toolchain: f.toolchain } : {}),
      pruning: goVersion !== '' ? pruningForGoVersion(goVersion) : 'unpruned',
      require,
      retract: f.retract,
      deprecated: f.module?.deprecated ?? '',
    };
  }

  /**
   * rawGoModSummarySync is rawGoModSummary for a go.mod the source can hand over
   * synchronously (the module cache, its go.sum entry already matching): the summary,
   * or undefined when the asynchronous path must be taken (not cached, a directory
   * replacement, an error to report).
   */
  rawGoModSummarySync(m: ModuleVersion): ModSummary | undefined {
    const k = key(m);
    const done = this.#rawSync.get(k);
    if (done) return done;
    if (this.#raw.has(k)) return undefined;
    let s: ModSummary;
    if (gover.isToolchain(m.path)) s = toolchainSummary(m);
    else {
      if (m.version === '' || !this.options.source.goModCached) return undefined;
      const data = this.options.source.goModCached(m);
      if (!data) return undefined;
      try {
        s = this.#summarize(m, 'go.mod', data);
      } catch {
        return undefined;
      }
    }
    this.#rawSync.set(k, s);
    this.#raw.set(k, Promise.resolve(s));
    return s;
  }

  /**
   * goModSummarySync is goModSummary without waiting: the summary when everything it
   * needs is at hand, undefined when the asynchronous goModSummary must run (it then
   * also reports any error).
   */
  goModSummarySync(m: ModuleVersion): ModSummary | undefined {
    if (gover.isToolchain(m.path)) return this.rawGoModSummarySync(m);
    const actual = this.resolveReplacement(m);
    if (this.#goModSumMissing(actual)) {
      return undefined;
    }
    const summary = this.rawGoModSummarySync(actual);
    if (!summary) return undefined;
    if (actual.version !== '') {
      const mpath = summary.module.path;
      if (mpath === '' || (mpath !== m.path && mpath !== actual.path)) return undefined;
    }
    return this.#dropExcluded(summary);
  }

  /**
   * #goModSumMissing reports whether -mod=readonly (outside a workspace) forbids reading
   * the go.mod of actual (a replacement already applied) because go.sum lacks its
   * `/go.mod` line.
   */
  #goModSumMissing(actual: ModuleVersion): boolean {
    const haveSum = this.options.haveSum;
    if (this.options.buildMod !== 'readonly' || this.inWorkspace || actual.version === '' || !haveSum) return false;
    return !haveSum({ path: actual.path, version: actual.version + '/go.mod' });
  }

  /** #dropExcluded removes requirements on versions the main modules exclude. */
  #dropExcluded(summary: ModSummary): ModSummary {
    if (this.excluded.size > 0 && summary.require.some((r) => this.excluded.has(key(r)))) {
      return { ...summary, require: summary.require.filter((r) => !this.excluded.has(key(r))) };
    }
    return summary;
  }

  /**
   * goModSummary returns m's requirements as the graph sees them: after replacement,
   * with the go.sum check of -mod=readonly, the module-path check, and without
   * requirements the main modules exclude.
   */
  async goModSummary(m: ModuleVersion): Promise<ModSummary> {
    if (gover.isToolchain(m.path)) return this.rawGoModSummary(m);
    const actual = this.resolveReplacement(m);
    if (this.#goModSumMissing(actual)) {
      const forGoMod = this.release.goModSumWording ? ' for go.mod file' : '';
      throw versionError(actual, new SumMissingError(actual, `${forGoMod}; to add it:\n\tgo mod download ${m.path}`));
    }
    const summary = await this.rawGoModSummary(actual);
    if (actual.version !== '') {
      if (summary.module.path === '') throw versionError(actual, new Error('parsing go.mod: missing module line'));
      const mpath = summary.module.path;
      if (mpath !== m.path && mpath !== actual.path) {
        throw versionError(
          actual,
          new Error(
            `parsing go.mod:\n\tmodule declares its path as: ${mpath}\n\t        but was required as: ${m.path}`,
          ),
        );
      }
    }
    return this.#dropExcluded(summary);
  }

  /**
   * mainRoots returns the main module's requirement roots (gover.ModSort order; excluded
   * versions dropped with the go command's warning; go/toolchain roots when the emulated
   * release has toolchain modules) and its direct set (rootsFromModFile).
   */
  mainRoots(): { roots: ModuleVersion[]; direct: Set<string>; warnings: string[] } {
    const roots: ModuleVersion[] = [];
    const direct = new Set<string>();
    const warnings: string[] = [];
    if (this.inWorkspace) {
      for (const mm of this.mains) {
        roots.push({ path: mm.path, version: '' });
        for (const r of mm.file.require) if (!r.indirect) direct.add(r.mod.path);
      }
      if (this.release.toolchainModules) {
        const ws = this.options.workspace!;
        roots.push({ path: 'go', version: ws.goVersion || gover.defaultGoWorkVersion });
        if (ws.toolchain) roots.push({ path: 'toolchain', version: ws.toolchain });
      }
      return { roots, direct, warnings };
    }
    for (const r of this.main.file.require) {
      if (this.excluded.has(key(r.mod))) {
        warnings.push(
          `${this.options.buildMod === 'mod' ? 'dropping' : 'ignoring'} requirement on excluded version ${r.mod.path} ${r.mod.version}`,
        );
        continue;
      }
      roots.push(r.mod);
      if (!r.indirect) direct.add(r.mod.path);
    }
    if (this.release.toolchainModules) {
      roots.push({ path: 'go', version: this.main.goVersion });
      direct.add('go');
      if (this.main.file.toolchain) roots.push({ path: 'toolchain', version: this.main.file.toolchain });
    }
    sortModules(roots);
    return { roots, direct, warnings };
  }

  /**
   * loadModFile computes the initial requirements (LoadModFile): the roots from go.mod
   * (or go.work), redundant roots resolved, and, when go.mod has no go line and -mod=mod
   * lets this command write it, the go line the go command adds (the requirements are
   * then converted to a pruned graph). Warnings go to loadWarnings.
   */
  loadModFile(): Promise<Requirements> {
    return (this.#loadModFile ??= this.#loadModFileOnce());
  }

  async #loadModFileOnce(): Promise<Requirements> {
    const r = this.mainRoots();
    this.loadWarnings.push(...r.warnings);
    if (this.inWorkspace) {
      this.requirements = new Requirements('workspace', r.roots, r.direct);
      return this.requirements;
    }
    let rs = new Requirements(pruningForGoVersion(this.main.goVersion), r.roots, r.direct);
    if (rs.hasRedundantRoot()) rs = await this.updateRoots(rs.direct, rs);
    if (this.main.rawGoVersion === '') {
      const cmd = this.options.cmdName ?? '';
      if (this.options.buildMod === 'mod' && cmd !== 'mod graph' && cmd !== 'mod why') {
        const v = this.release.toolchainModules ? `${this.release.version}.0` : this.release.version;
        this.addedGoVersion = v;
        this.mainGoVersion = v;
        this.rawGoVersions.set(key({ path: this.main.path, version: '' }), v);
        if (this.release.toolchainModules) {
          const roots = rs.rootModules.filter((m) => m.path !== 'go');
          roots.push({ path: 'go', version: v });
          rs = new Requirements(rs.pruning, sortModules(roots), rs.direct);
        }
        rs = await this.convertPruning(rs, 'pruned');
      } else {
        this.rawGoVersions.set(key({ path: this.main.path, version: '' }), gover.defaultGoModVersion);
        this.mainGoVersion = gover.defaultGoModVersion;
      }
    }
    this.requirements = rs;
    return rs;
  }

  /**
   * graph returns the module graph of rs (Requirements.Graph), reading it once: with
   * pruning "pruned" only the go.mod files of the roots are read, plus the full
   * transitive requirements of any module whose go.mod is below go 1.17; "unpruned"
   * reads everything reachable; "workspace" reads the main modules' requirements and
   * then the requirements of every module that may provide packages to them.
   */
  graph(rs: Requirements): Promise<GraphResult> {
    if (this.options.buildMod === 'vendor' && !this.inWorkspace) return (rs.graph ??= this.#vendorGraph(rs));
    return (rs.graph ??= this.#readModGraph(rs));
  }

  /**
   * #vendorGraph is the module graph of -mod=vendor (Requirements.initVendor): the
   * vendor directory holds no go.mod files, so the graph is the main module's roots
   * (pruned main modules, whose roots must then list every vendored module) or the
   * roots plus a synthetic "vendor/modules.txt" module requiring the vendored modules.
   */
  async #vendorGraph(rs: Requirements): Promise<GraphResult> {
    const vendorList = await readVendorList(this.main.root);
    const mainMV = { path: this.main.path, version: '' };
    const g = new Graph(cmpModVersion, [mainMV]);
    if (rs.pruning === 'pruned') {
      const bad = vendorList.filter((m) => rs.rootSelected(m.path) !== m.version);
      if (bad.length > 0) {
        const lines = bad.map((m) => `vendored module ${m.path}@${m.version} should be required explicitly in go.mod`);
        throw new CodedError('ERR_MODLOAD_GO_MOD_DIRTY', `${lines.join('\n')}\n${this.dirtyError().message}`, {});
      }
      g.require(mainMV, rs.rootModules);
    } else {
      const vendorMod = { path: 'vendor/modules.txt', version: '' };
      g.require(mainMV, [...rs.rootModules, vendorMod]);
      g.require(vendorMod, vendorList);
    }
    return {
      mg: new ModuleGraph({
        graph: g,
        main: this.main,
        mains: this.mains,
        pruning: rs.pruning,
        rootModules: rs.rootModules,
        direct: rs.direct,
        replacements: this.replacements,
        excluded: this.excluded,
        warnings: this.loadWarnings,
        summaries: new Map(),
      }),
    };
  }

  async #readModGraph(rs: Requirements): Promise<GraphResult> {
    const pruning = rs.pruning;
    const mainVersions = this.mains.map((mm) => ({ path: mm.path, version: '' }));
    const g = new Graph(cmpModVersion, mainVersions);
    if (pruning !== 'workspace') g.require(mainVersions[0]!, rs.rootModules);
    const summaries = new Map<string, ModSummary>();
    const errors = new Map<string, Error>();
    let fatal: unknown;
    const loaded = new Map<string, Promise<ModSummary | undefined>>();
    const loadOne = (m: ModuleVersion): Promise<ModSummary | undefined> => {
      const k = key(m);
      let p = loaded.get(k);
      if (!p) {
        p = this.goModSummary(m).then(
          (s) => {
            g.require(m, s.require);
            summaries.set(k, s);
            return s;
          },
          (e: unknown) => {
            if (this.options.isFatal?.(e)) fatal ??= e;
            errors.set(k, e instanceof Error ? e : new Error(String(e)));
            return undefined;
          },
        );
        loaded.set(k, p);
      }
      return p;
    };

    // Modules whose go.mod is at hand are loaded at once (a stack, no promise per
    // module); the others go to a bounded work queue (par.Queue) whose jobs drain the
    // stack again when they finish. waitIdle() resolves when both are empty.
    const loadingUnpruned = new Set<string>();
    const stack: Array<{ m: ModuleVersion; p: Pruning }> = [];
    const pending: Array<() => Promise<void>> = [];
    let active = 0;
    let idle: (() => void) | undefined;
    const pump = () => {
      while (active < CONCURRENCY && pending.length > 0) {
        const job = pending.shift()!;
        active++;
        void job().finally(() => {
          active--;
          pump();
        });
      }
      if (active === 0 && pending.length === 0 && idle) {
        const f = idle;
        idle = undefined;
        f();
      }
    };
    const waitIdle = () =>
      new Promise<void>((resolve) => {
        idle = resolve;
        drain();
      });
    const follow = (p: Pruning, s: ModSummary): void => {
      if (p !== 'pruned' || s.pruning === 'unpruned') {
        const next: Pruning = p === 'unpruned' ? 'unpruned' : s.pruning;
        for (const r of s.require) enqueue(r, next);
      }
    };
    const enqueue = (m: ModuleVersion, p: Pruning): void => {
      if (m.version === 'none') return;
      if (p === 'unpruned') {
        const k = key(m);
        if (loadingUnpruned.has(k)) return;
        loadingUnpruned.add(k);
      }
      stack.push({ m, p });
    };
    const drain = (): void => {
      while (stack.length > 0) {
        const { m, p } = stack.pop()!;
        const k = key(m);
        const known = summaries.get(k);
        if (known) {
          follow(p, known);
          continue;
        }
        if (errors.has(k)) continue;
        if (!loaded.has(k)) {
          const s = this.goModSummarySync(m);
          if (s) {
            g.require(m, s.require);
            summaries.set(k, s);
            follow(p, s);
            continue;
          }
        }
        pending.push(async () => {
          const s = await loadOne(m);
          if (s) follow(p, s);
          drain();
        });
      }
      pump();
    };
    for (const m of rs.rootModules) enqueue(m, pruning);
    await waitIdle();
    if (fatal !== undefined) throw fatal;

    if (pruning === 'workspace') {
      // Reload dependencies of the main modules that are not at their selected
      // versions: in a workspace the requirements do not reflect transitive imports.
      const hasDepsInAll = new Set<string>(rs.rootModules.map((m) => m.path));
      const seen = new Set<string>();
      for (;;) {
        const needs = new Map<string, ModuleVersion>();
        for (const p of hasDepsInAll) {
          const m = { path: p, version: g.selected(p) };
          if (!seen.has(key(m))) {
            needs.set(key(m), m);
            continue;
          }
          for (const r of g.requiredBy(m) ?? []) {
            const s = { path: r.path, version: g.selected(r.path) };
            if (cmpModVersion(s.path, s.version, r.version) > 0 && !seen.has(key(s))) needs.set(key(s), s);
          }
        }
        if (needs.size === 0) break;
        for (const m of needs.values()) {
          enqueue(m, 'workspace');
          seen.add(key(m));
          hasDepsInAll.add(m.path);
        }
        await waitIdle();
      }
    }

    const mg = new ModuleGraph({
      graph: g,
      main: this.main,
      mains: this.mains,
      pruning,
      rootModules: rs.rootModules,
      direct: rs.direct,
      replacements: this.replacements,
      excluded: this.excluded,
      warnings: this.loadWarnings,
      summaries,
      errors,
    });
    const err = mg.findError();
    return err ? { mg, err } : { mg };
  }

  /** allRootsSelected reports whether every root of mg is its path's selected version. */
  allRootsSelected(mg: ModuleGraph): boolean {
    const roots = this.inWorkspace
      ? this.mains.map((mm) => ({ path: mm.path, version: '' }))
      : (mg.requiredBy({ path: this.main.path, version: '' }) ?? []);
    return roots.every((m) => mg.selected(m.path) === m.version);
  }

  /**
   * expandGraph loads the complete module graph of rs and, when some root is not the
   * selected version of its path, updates the roots and reloads (modload.expandGraph).
   * It resolves with the (possibly updated) requirements, the graph, and the error
   * that stopped it, if any.
   */
  async expandGraph(rs: Requirements): Promise<{ rs: Requirements; mg: ModuleGraph; err?: Error }> {
    let res = await this.graph(rs);
    if (res.err) return { rs, mg: res.mg, err: res.err };
    if (!this.allRootsSelected(res.mg)) {
      let newRS: Requirements;
      try {
        newRS = await this.updateRoots(rs.direct, rs);
      } catch (e) {
        return { rs, mg: res.mg, err: e instanceof Error ? e : new Error(String(e)) };
      }
      rs = newRS;
      res = await this.graph(rs);
    }
    return { rs, mg: res.mg, ...(res.err ? { err: res.err } : {}) };
  }

  /** updateRoots makes the roots consistent with the graph (modload.updateRoots without packages). */
  updateRoots(direct: ReadonlySet<string>, rs: Requirements): Promise<Requirements> {
    switch (rs.pruning) {
      case 'unpruned':
        return this.#updateUnprunedRoots(direct, rs);
      case 'pruned':
        return this.#updatePrunedRoots(direct, rs);
      default:
        return Promise.resolve(rs);
    }
  }

  async #updatePrunedRoots(direct: ReadonlySet<string>, rs: Requirements): Promise<Requirements> {
    let roots: ModuleVersion[] = [...rs.rootModules];
    let rootsUpgraded = false;
    for (;;) {
      let mg: ModuleGraph | undefined;
      if (rootsUpgraded) {
        if (this.mustHaveCompleteRequirements()) throw this.dirtyError();
        rs = new Requirements('pruned', roots, direct);
        const res = await this.graph(rs);
        if (res.err) throw res.err;
        mg = res.mg;
      } else if (rs.graph) {
        mg = (await rs.graph).mg;
      }
      roots = [];
      rootsUpgraded = false;
      const inRootPaths = new Set(this.mains.map((mm) => mm.path));
      for (const m of rs.rootModules) {
        if (inRootPaths.has(m.path)) continue;
        const v = mg ? mg.selected(m.path) : rs.rootSelected(m.path)!;
        roots.push({ path: m.path, version: v });
        inRootPaths.add(m.path);
        if (v !== m.version) rootsUpgraded = true;
      }
      if (!rootsUpgraded) {
        if (this.options.buildMod !== 'mod') return rs;
        break;
      }
    }
    if (rs.pruning === 'pruned' && sameModules(roots, rs.rootModules) && sameSet(direct, rs.direct)) return rs;
    return new Requirements('pruned', roots, direct);
  }

  async #updateUnprunedRoots(direct: ReadonlySet<string>, rs: Requirements): Promise<Requirements> {
    const res = await this.graph(rs);
    if (res.err) throw res.err;
    const mg = res.mg;
    if (this.mustHaveCompleteRequirements()) {
      for (const m of rs.rootModules) if (m.version !== mg.selected(m.path)) throw this.dirtyError();
      for (const p of direct) if (rs.rootSelected(p) === undefined) throw this.dirtyError();
      return rs;
    }
    const rootPaths: string[] = [];
    const inRootPaths = new Set<string>();
    for (const root of rs.rootModules) {
      if (!inRootPaths.has(root.path) && mg.selected(root.path) === root.version) {
        rootPaths.push(root.path);
        inRootPaths.add(root.path);
      }
    }
    const keep = mg.buildList().slice(this.mains.length);
    for (const m of keep) {
      if (direct.has(m.path) && !inRootPaths.has(m.path)) {
        rootPaths.push(m.path);
        inRootPaths.add(m.path);
      }
    }
    const roots: ModuleVersion[] = [];
    for (const mm of this.mains) {
      const mainMV = { path: mm.path, version: '' };
      const reqs: Reqs = {
        required: async (m) => {
          if (m.path === mainMV.path && m.version === '') return keep;
          if (m.version === 'none') return [];
          return (await this.goModSummary(m)).require;
        },
        max: (p, v1, v2) => (cmpModVersion(p, v1, v2) < 0 ? v2 : v1),
      };
      roots.push(...(await req(mainMV, rootPaths, reqs)));
    }
    if (this.mains.length > 1) sortModules(roots);
    if (rs.pruning === 'unpruned' && sameModules(roots, rs.rootModules) && sameSet(direct, rs.direct)) return rs;
    return new Requirements('unpruned', roots, direct);
  }

  /** convertPruning returns rs read with the given pruning (modload.convertPruning). */
  async convertPruning(rs: Requirements, pruning: Pruning): Promise<Requirements> {
    if (rs.pruning === pruning) return rs;
    if (pruning === 'unpruned') return this.#updateUnprunedRoots(rs.direct, rs);
    const res = await this.graph(rs);
    if (res.err) throw res.err;
    return new Requirements('pruned', res.mg.buildList().slice(this.mains.length), rs.direct);
  }

  /**
   * loadGraph reads the module graph of the main module's current roots (or of the
   * given roots) with the given pruning, without updating anything, and rejects with
   * the BuildListError of the first failure found breadth-first.
   */
  async loadGraph(pruning: Pruning, roots?: readonly ModuleVersion[]): Promise<ModuleGraph> {
    const rs0 = await this.loadModFile();
    const rs = new Requirements(pruning, roots ?? rs0.rootModules, rs0.direct);
    const res = await this.graph(rs);
    if (res.err) throw res.err;
    return res.mg;
  }

  /**
   * loadModGraph is LoadModGraph: the graph for the main module's go version (its roots
   * updated as expandGraph does; this.requirements then holds them) or, when goVersion
   * is given (mod graph -go), the graph as that Go version reads the unmodified roots.
   * It rejects with the error that stopped loading.
   */
  async loadModGraph(goVersion?: string): Promise<ModuleGraph> {
    let rs = await this.loadModFile();
    if (goVersion !== undefined && goVersion !== '') {
      if (this.release.toolchainModules) {
        const v = rs.rootSelected('go') ?? '';
        if (gover.compare(v, gover.goStrictVersion) >= 0 && gover.compare(goVersion, v) < 0) {
          throw new CodedError(
            'ERR_MODLOAD_GO_VERSION_TOO_LOW',
            `requested Go version ${goVersion} cannot load module graph (requires Go >= ${v})`,
            { goVersion, required: v },
          );
        }
      }
      if (pruningForGoVersion(goVersion) === 'unpruned' && rs.pruning !== 'unpruned') {
        rs = new Requirements('unpruned', rs.rootModules, rs.direct);
      }
      const res = await this.graph(rs);
      if (res.err) throw res.err;
      return res.mg;
    }
    const ex = await this.expandGraph(rs);
    if (ex.err) throw ex.err;
    this.requirements = ex.rs;
    return ex.mg;
  }
}

/**
 * readVendorList returns the modules vendor/modules.txt names with at least one
 * package, in order of appearance, at their highest listed version (modload's
 * readVendorList); [] when the file does not exist.
 */
export async function readVendorList(root: string): Promise<ModuleVersion[]> {
  let text: string;
  try {
    text = await readFile(path.join(root, 'vendor', 'modules.txt'), 'utf8');
  } catch {
    return [];
  }
  const list: ModuleVersion[] = [];
  const version = new Map<string, string>();
  let mod: ModuleVersion | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('# ')) {
      const f = line.split(/\s+/).filter((x) => x !== '');
      mod = f.length >= 3 && semver.isValid(f[2]!) ? { path: f[1]!, version: f[2]! } : undefined;
      continue;
    }
    if (!mod || line.startsWith('## ')) continue;
    const f = line.split(/\s+/).filter((x) => x !== '');
    if (f.length === 1 && !/[\s"`]/.test(f[0]!)) {
      const v = version.get(mod.path);
      if (v === undefined || semver.compare(v, mod.version) < 0) {
        list.push(mod);
        version.set(mod.path, mod.version);
      }
    }
  }
  return list;
}

/** toolchainSummary is the synthetic summary of go@v (requiring toolchain@gov from 1.21) or toolchain@v. */
function toolchainSummary(m: ModuleVersion): ModSummary {
  const require =
    m.path === 'go' && gover.compare(m.version, gover.goStrictVersion) >= 0
      ? [{ path: 'toolchain', version: 'go' + m.version }]
      : [];
  return { module: m, goVersion: '', pruning: 'pruned', require, retract: [], deprecated: '' };
}

function sameModules(a: readonly ModuleVersion[], b: readonly ModuleVersion[]): boolean {
  return a.length === b.length && a.every((m, i) => m.path === b[i]!.path && m.version === b[i]!.version);
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

/**
 * retractionsFor reports whether version is covered by one of the retract directives
 * (closed intervals [low, high] in semver order) and returns the rationales.
 */
export function retractionsFor(version: string, retract: readonly GoModRetract[]): string[] | undefined {
  const hits = retract.filter((r) => semver.compare(r.low, version) <= 0 && semver.compare(version, r.high) <= 0);
  return hits.length === 0 ? undefined : hits.map((r) => r.rationale);
}

export { ModuleError };
