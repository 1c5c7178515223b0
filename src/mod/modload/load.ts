/**
 * Loading the main module and its module graph (cmd/go's modload: LoadModFile,
 * readModGraph, goModSummary), with graph pruning by the main module's go version.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../internal/errors.js';
import * as semver from '../semver/index.js';
import { versionError, ModuleError } from '../module/index.js';
import { Graph, drain, key, newBuildListError, type ModuleVersion } from '../mvs/index.js';
import type { GoModInfo, GoModRetract, ModFileSource, ModSummary, ParseGoMod, Pruning } from './types.js';

/** NO_MOD_ROOT is the go command's message when no go.mod is found (modload.ErrNoModRoot). */
export const NO_MOD_ROOT = "go.mod file not found in current directory or any parent directory; see 'go help modules'";

/** MainModule is the loaded main module. */
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
 * loadMainModule finds and parses the main module's go.mod from dir upwards. It
 * rejects with ERR_MODLOAD_NO_MOD_ROOT (Go's ErrNoModRoot wording) when there is no
 * go.mod, ERR_MODLOAD_NO_MODULE_PATH when it has no module directive, and with the
 * parser's error for a malformed file.
 */
export async function loadMainModule(dir: string, parseGoMod: ParseGoMod): Promise<MainModule> {
  const root = await findModuleRoot(dir);
  if (root === undefined) throw new CodedError('ERR_MODLOAD_NO_MOD_ROOT', NO_MOD_ROOT, { dir });
  const goModPath = path.join(root, 'go.mod');
  const data = new Uint8Array(await readFile(goModPath));
  const file = parseGoMod(goModPath, data, false);
  if (!file.module) {
    throw new CodedError(
      'ERR_MODLOAD_NO_MODULE_PATH',
      `error reading ${goModPath}: missing module declaration. To specify the module path:\n\tgo mod edit -module=example.com/mod`,
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

/** pruningForGoVersion returns "pruned" for go >= 1.17 and "unpruned" below (modload.pruningForGoVersion). */
export function pruningForGoVersion(goVersion: string): Pruning {
  return semver.compare('v' + goVersion, 'v1.17') < 0 ? 'unpruned' : 'pruned';
}

/**
 * cmpVersion orders versions of one module path as cmd/go's cmpVersion: the main
 * module's "" is above everything, otherwise semver order ("none" is invalid, so lowest).
 */
export function cmpVersion(v1: string, v2: string): number {
  if (v2 === '') return v1 === '' ? 0 : -1;
  if (v1 === '') return 1;
  return semver.compare(v1, v2);
}

/** LoaderOptions configures how dependency go.mod files are obtained and checked. */
export interface LoaderOptions {
  readonly source: ModFileSource;
  readonly parseGoMod: ParseGoMod;
  /** -mod: "mod" may update go.mod/go.sum; "readonly" fails on missing go.sum entries. */
  readonly buildMod: 'mod' | 'readonly' | 'vendor';
  /** haveSum reports whether go.sum has a line for m (m.version may end in "/go.mod"). */
  readonly haveSum?: (m: ModuleVersion) => boolean;
  /** The working directory, for Go's ShortPath in messages (defaults to the main module root). */
  readonly cwd?: string;
}

/** ReplacementMap looks up the main module's replace directives. */
export class Replacements {
  readonly #map = new Map<string, ModuleVersion>();
  readonly root: string;
  constructor(main: MainModule) {
    this.root = main.root;
    for (const r of main.file.replace) this.#map.set(r.old.version === '' ? r.old.path : key(r.old), r.new);
  }
  /** replacement returns m's replacement (exact version first, then path-wide), or undefined. */
  replacement(m: ModuleVersion): ModuleVersion | undefined {
    return this.#map.get(key(m)) ?? this.#map.get(m.path);
  }
  /** size is the number of replace directives. */
  get size(): number {
    return this.#map.size;
  }
}

/** SumMissingError is the "missing go.sum entry" error of -mod=readonly. */
export class SumMissingError extends CodedError {
  constructor(m: ModuleVersion, suggestion: string) {
    super('ERR_MODLOAD_SUM_MISSING', `missing go.sum entry for go.mod file${suggestion}`, {
      module: m.path,
      version: m.version,
    });
  }
}

/**
 * ModuleGraph is the loaded requirement graph: an mvs.Graph filled from go.mod
 * files according to the pruning mode, plus the summaries and annotations read.
 */
export class ModuleGraph {
  readonly graph: Graph;
  readonly main: MainModule;
  readonly pruning: Pruning;
  /** The main module's requirements (sorted), the graph's roots below the main module. */
  readonly rootModules: readonly ModuleVersion[];
  /** Paths the main module requires directly (require lines without // indirect). */
  readonly direct: ReadonlySet<string>;
  readonly replacements: Replacements;
  readonly excluded: ReadonlySet<string>;
  /** Warnings the go command prints on stderr while loading (without the "go: " prefix). */
  readonly warnings: readonly string[];
  readonly #summaries: ReadonlyMap<string, ModSummary>;

  constructor(init: {
    graph: Graph;
    main: MainModule;
    pruning: Pruning;
    rootModules: readonly ModuleVersion[];
    direct: ReadonlySet<string>;
    replacements: Replacements;
    excluded: ReadonlySet<string>;
    warnings: readonly string[];
    summaries: ReadonlyMap<string, ModSummary>;
  }) {
    this.graph = init.graph;
    this.main = init.main;
    this.pruning = init.pruning;
    this.rootModules = init.rootModules;
    this.direct = init.direct;
    this.replacements = init.replacements;
    this.excluded = init.excluded;
    this.warnings = init.warnings;
    this.#summaries = init.summaries;
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
  buildList(): ModuleVersion[] {
    return this.graph.buildList();
  }
  walkBreadthFirst(f: (m: ModuleVersion) => void): void {
    this.graph.walkBreadthFirst(f);
  }
  /** summary returns the go.mod summary read for m (after replacement), if it was read. */
  summary(m: ModuleVersion): ModSummary | undefined {
    return this.#summaries.get(key(m));
  }
}

/**
 * Loader reads dependency go.mod files (once each, cached) and builds module graphs.
 * It is stateful (caches), so one Loader serves one command run.
 */
export class Loader {
  readonly main: MainModule;
  readonly options: LoaderOptions;
  readonly replacements: Replacements;
  readonly excluded: ReadonlySet<string>;
  readonly #raw = new Map<string, Promise<ModSummary>>();

  constructor(main: MainModule, options: LoaderOptions) {
    this.main = main;
    this.options = options;
    this.replacements = new Replacements(main);
    this.excluded = new Set(main.file.exclude.map(key));
  }

  /** shortPath returns p relative to the working directory when that is shorter (base.ShortPath). */
  shortPath(p: string): string {
    const rel = path.relative(this.options.cwd ?? this.main.root, p);
    return rel.length < p.length ? rel : p;
  }

  /** resolveReplacement returns m's replacement or m itself. */
  resolveReplacement(m: ModuleVersion): ModuleVersion {
    if (m.version === '' && m.path === this.main.path) return m;
    return this.replacements.replacement(m) ?? m;
  }

  /**
   * rawGoModSummary reads and parses the go.mod of m as it is (m may be a directory
   * replacement with version ""). Failures reject with Go-worded ModuleErrors.
   */
  rawGoModSummary(m: ModuleVersion): Promise<ModSummary> {
    const k = key(m);
    let p = this.#raw.get(k);
    if (!p) {
      p = this.#readRaw(m);
      this.#raw.set(k, p);
    }
    return p;
  }

  async #readRaw(m: ModuleVersion): Promise<ModSummary> {
    let name: string;
    let data: Uint8Array;
    if (m.version === '') {
      const dir = path.isAbsolute(m.path) ? m.path : path.join(this.main.root, m.path);
      name = path.join(dir, 'go.mod');
      try {
        data = new Uint8Array(await readFile(name));
      } catch (e) {
        const err = e as NodeJS.ErrnoException;
        const why =
          err.code === 'ENOENT' ? 'no such file or directory' : err.code === 'EISDIR' ? 'is a directory' : err.message;
        throw versionError(m, new Error(`reading ${this.shortPath(name)}: open ${name}: ${why}`));
      }
    } else {
      if (!semver.isValid(m.version))
        throw new Error(`internal error: ${m.path}@${m.version}: unexpected invalid semantic version`);
      name = 'go.mod';
      data = await this.options.source.goMod(m);
    }
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
    return {
      module: f.module ? { path: f.module.path, version: '' } : { path: '', version: '' },
      goVersion,
      pruning: goVersion !== '' ? pruningForGoVersion(goVersion) : 'unpruned',
      require: f.require.map((r) => r.mod),
      retract: f.retract,
      deprecated: f.module?.deprecated ?? '',
    };
  }

  /**
   * goModSummary returns m's requirements as the graph sees them: after replacement,
   * with the module-path check, and without requirements the main module excludes.
   */
  async goModSummary(m: ModuleVersion): Promise<ModSummary> {
    const actual = this.resolveReplacement(m);
    if (this.options.buildMod === 'readonly' && actual.version !== '' && this.options.haveSum) {
      if (!this.options.haveSum({ path: actual.path, version: actual.version + '/go.mod' })) {
        throw versionError(actual, new SumMissingError(actual, `; to add it:\n\tgo mod download ${m.path}`));
      }
    }
    let summary = await this.rawGoModSummary(actual);
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
    if (this.excluded.size > 0 && summary.require.some((r) => this.excluded.has(key(r)))) {
      summary = { ...summary, require: summary.require.filter((r) => !this.excluded.has(key(r))) };
    }
    return summary;
  }

  /**
   * rootsFromMainModule returns the main module's requirement roots (sorted, excluded
   * versions dropped with the go command's warning) and its direct set.
   */
  mainRoots(): { roots: ModuleVersion[]; direct: Set<string>; warnings: string[] } {
    const roots: ModuleVersion[] = [];
    const direct = new Set<string>();
    const warnings: string[] = [];
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
    roots.sort(compareModuleVersionsLocal);
    return { roots, direct, warnings };
  }

  /**
   * loadGraph reads the module graph (readModGraph): the main module requires its
   * roots; with pruning "pruned" only the go.mod files of the roots are read, plus the
   * full transitive requirements of any module whose go.mod is below go 1.17; with
   * "unpruned" everything reachable is read. It rejects with a BuildListError naming
   * the requirement chain of the first failure found breadth-first.
   */
  async loadGraph(pruning: Pruning, roots?: readonly ModuleVersion[]): Promise<ModuleGraph> {
    const mainMV = { path: this.main.path, version: '' };
    const r = this.mainRoots();
    const rootMods = roots ?? r.roots;
    const g = new Graph((_p, a, b) => cmpVersion(a, b), [mainMV]);
    g.require(mainMV, rootMods);
    const summaries = new Map<string, ModSummary>();
    const errors = new Map<string, Error>();
    const loading = new Map<string, Promise<ModSummary | undefined>>();
    const loadOne = (m: ModuleVersion): Promise<ModSummary | undefined> => {
      const k = key(m);
      let p = loading.get(k);
      if (!p) {
        p = this.goModSummary(m).then(
          (s) => {
            g.require(m, s.require);
            summaries.set(k, s);
            return s;
          },
          (e: unknown) => {
            errors.set(k, e instanceof Error ? e : new Error(String(e)));
            return undefined;
          },
        );
        loading.set(k, p);
      }
      return p;
    };
    const loadingUnpruned = new Set<string>();
    const loadingPruned = new Set<string>();
    const queue: Array<{ m: ModuleVersion; pruning: Pruning }> = [];
    const enqueue = (m: ModuleVersion, p: Pruning) => {
      if (m.version === 'none') return;
      if (p === 'unpruned') {
        if (loadingUnpruned.has(key(m))) return;
        loadingUnpruned.add(key(m));
      } else {
        // Loading m again with pruning would do nothing new (its summary is cached).
        if (loadingPruned.has(key(m))) return;
        loadingPruned.add(key(m));
      }
      queue.push({ m, pruning: p });
    };
    for (const m of rootMods) enqueue(m, pruning);
    await drain(
      queue,
      async ({ m, pruning: p }) => {
        const s = await loadOne(m);
        if (!s) return;
        if (p !== 'pruned' || s.pruning === 'unpruned') {
          const next: Pruning = p === 'unpruned' ? 'unpruned' : s.pruning;
          for (const req of s.require) enqueue(req, next);
        }
      },
      16,
    );
    if (errors.size > 0) {
      const errPath = g.findPath((m) => errors.has(key(m)));
      if (errPath.length > 0) throw newBuildListError(errors.get(key(errPath[errPath.length - 1]!))!, errPath);
    }
    return new ModuleGraph({
      graph: g,
      main: this.main,
      pruning,
      rootModules: rootMods,
      direct: r.direct,
      replacements: this.replacements,
      excluded: this.excluded,
      warnings: r.warnings,
      summaries,
    });
  }

  /**
   * loadModGraph is LoadModGraph: the graph for the main module's go version, or, when
   * goVersion is given (mod graph -go), for that version's pruning. When a root is not
   * selected in a pruned graph the roots are raised to the selected versions and the
   * graph is read again (the part of updateRoots that list -m and mod graph need).
   */
  async loadModGraph(goVersion?: string): Promise<ModuleGraph> {
    const mainPruning = pruningForGoVersion(this.main.goVersion);
    if (goVersion !== undefined && goVersion !== '') {
      const p = pruningForGoVersion(goVersion);
      return this.loadGraph(p === 'unpruned' && mainPruning !== 'unpruned' ? 'unpruned' : mainPruning);
    }
    let mg = await this.loadGraph(mainPruning);
    for (let i = 0; i < 10; i++) {
      const notSelected = mg.rootModules.filter((m) => mg.selected(m.path) !== m.version);
      if (notSelected.length === 0) break;
      const raised = mg.rootModules.map((m) => ({ path: m.path, version: mg.selected(m.path) }));
      mg = await this.loadGraph(mainPruning, raised);
    }
    return mg;
  }
}

function compareModuleVersionsLocal(a: ModuleVersion, b: ModuleVersion): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return semver.compare(a.version, b.version);
}

/**
 * isRetracted reports whether version is covered by one of the retract directives
 * (closed intervals [low, high] in semver order) and returns the rationales.
 */
export function retractionsFor(version: string, retract: readonly GoModRetract[]): string[] | undefined {
  const hits = retract.filter((r) => semver.compare(r.low, version) <= 0 && semver.compare(version, r.high) <= 0);
  return hits.length === 0 ? undefined : hits.map((r) => r.rationale);
}

export { ModuleError };
