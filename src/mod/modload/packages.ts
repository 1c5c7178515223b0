/**
 * Package loading for `go mod why` (cmd/go's modload loader, reduced to what `why`
 * needs): the packages of the main module(s), every package they import (transitively,
 * standard-library packages included, through the shipped std import graph), the tests
 * of packages in "all" and what those tests import, each import resolved to the module
 * in the build list that provides it, and the minimal import stacks `go mod why` prints.
 *
 * "all" follows the go command (https://go.dev/ref/mod#glossary, cmd/go/internal/modload
 * load.go): a package is in "all" when a main-module package, a main-module test, or a
 * package in "all" imports it; below go 1.16 the tests of every package in "all" count
 * too. With tests loaded (`go mod why` without -vendor), every package in "all" also has
 * its test loaded, whose imports are loaded but (outside the main module) not in "all".
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import * as semver from '../semver/index.js';
import { checkImportPath } from '../module/index.js';
import { anyTags, isStandardImportPath, isStdPackage, scanDir, stdImports } from '../load/index.js';
import type { ModuleGraph } from './load.js';
import type { ModuleVersion } from './types.js';

/** LoadedPackage is one package (or test package) of the import graph. */
export interface LoadedPackage {
  /** Import path; for a test package, the path of the package it tests. */
  readonly path: string;
  /** The module providing it (undefined for std packages and unresolved imports). */
  readonly module?: ModuleVersion;
  readonly isTest: boolean;
  imports: LoadedPackage[];
  test?: LoadedPackage;
  /** The importer on the minimal import stack (undefined for roots). */
  stack?: LoadedPackage;
  /** Why the import could not be resolved, in Go's wording. */
  error?: string;
  /** Whether the package is in the "all" pattern. */
  inAll?: boolean;
}

/**
 * ModuleDirs says where a module version's files are: its directory (downloading it
 * when needed), undefined when it has none, or a rejection with the go command's
 * error (the error of the packages that needed it).
 */
export type ModuleDirs = (m: ModuleVersion) => Promise<string | undefined>;

/** PackageGraph is the loaded import graph of "all". */
export interface PackageGraph {
  /** Every package, in breadth-first order from the roots (buildStacks order). */
  readonly pkgs: readonly LoadedPackage[];
  /** Non-test packages by import path. */
  readonly byPath: ReadonlyMap<string, LoadedPackage>;
}

/** LoadAllOptions are the PackageOpts of `go mod why` that matter here. */
export interface LoadAllOptions {
  /** Load the tests of every package in "all" (LoadTests; false for `go mod why -vendor`). Default true. */
  readonly loadTests?: boolean;
  /** Interpret "all" as `go mod vendor` does: tests of dependencies never count (UseVendorAll). */
  readonly vendorAll?: boolean;
  /** Extra import paths to load first (the packages named on the command line). */
  readonly extraRoots?: readonly string[];
  /** The error that kept mg incomplete: lookups that need the whole graph fail with it. */
  readonly graphError?: Error;
  /** fatal reports errors of moduleDir that must end the load (a go.sum checksum mismatch) instead of marking packages. */
  readonly fatal?: (e: unknown) => boolean;
}

/** hasGoFiles reports whether dir holds a .go file (fsys.IsDirWithGoFiles: any regular or symlinked non-directory). */
async function hasGoFiles(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (!entries) return false;
  for (const e of entries) {
    if (!e.name.endsWith('.go')) continue;
    if (e.isFile()) return true;
    if (e.isSymbolicLink()) {
      const st = await stat(path.join(dir, e.name)).catch(() => undefined);
      if (st?.isFile()) return true;
    }
  }
  return false;
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}

/**
 * mainPackages walks a main module's tree for package directories (matchPackages for
 * "all"): directories with Go files for AnyTags, skipping ".", "_" and testdata trees,
 * nested modules, and the contents of vendor directories. Sorted.
 */
export async function mainPackages(root: string, modPath: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const name = rel === '' ? modPath : `${modPath}/${rel}`;
    const sc = await scanDir(dir, anyTags()).catch(() => undefined);
    if (sc) out.push(name);
    if (path.basename(dir) === 'vendor' && rel !== '') return;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const n = e.name;
      if (n.startsWith('.') || n.startsWith('_') || n === 'testdata') continue;
      const sub = path.join(dir, n);
      if (await isFile(path.join(sub, 'go.mod'))) continue;
      await walk(sub, rel === '' ? n : `${rel}/${n}`);
    }
  };
  await walk(root, '');
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** keepImport drops the magic imports the go command never resolves ("C", appengine). */
function keepImport(p: string): boolean {
  return (
    p !== 'C' &&
    p !== 'appengine' &&
    !p.startsWith('appengine/') &&
    p !== 'appengine_internal' &&
    !p.startsWith('appengine_internal/')
  );
}

/** Pkg is the loader's working state of one package. */
interface Pkg extends LoadedPackage {
  imports: Pkg[];
  test?: Pkg;
  testOf?: Pkg;
  inAll: boolean;
  loaded: boolean;
  testImportPaths: readonly string[];
}

/**
 * loadAll loads the "all" package graph of mg's main module(s). moduleDir supplies
 * module trees (downloading them as the go command does). Import errors (missing or
 * ambiguous) are recorded on the package, never thrown, as `go mod why` loads with
 * SilencePackageErrors.
 */
export async function loadAll(
  mg: ModuleGraph,
  moduleDir: ModuleDirs,
  options: LoadAllOptions = {},
): Promise<PackageGraph> {
  const mains = mg.mains;
  const mainPaths = new Set(mains.map((m) => m.path));
  const loadTests = options.loadTests ?? true;
  const allClosesOverTests =
    semver.compare('v' + mg.main.goVersion, 'v1.16') < 0 && !(options.vendorAll ?? false) && mains.length === 1;
  const tags = anyTags();

  // Module trees, fetched once each.
  const dirCache = new Map<string, Promise<{ dir?: string; error?: string }>>();
  const fetchDir = (m: ModuleVersion): Promise<{ dir?: string; error?: string }> => {
    const k = `${m.path}@${m.version}`;
    let p = dirCache.get(k);
    if (!p) {
      const mm = mains.find((x) => x.path === m.path && m.version === '');
      if (mm) p = Promise.resolve({ dir: mm.root });
      else {
        const r = mg.replacements.replacement(m);
        if (r && r.version === '') {
          const dir = mg.replacements.dir(r);
          p = stat(dir).then(
            () => ({ dir }),
            () => ({ error: `${m.path}@${m.version}: replacement directory ${r.path} does not exist` }),
          );
        } else {
          p = moduleDir(r ?? m).then(
            (dir) => (dir === undefined ? {} : { dir }),
            (e: unknown) => {
              if (options.fatal?.(e)) throw e;
              return { error: e instanceof Error ? e.message : String(e) };
            },
          );
        }
      }
      dirCache.set(k, p);
    }
    return p;
  };

  // The candidate modules of an import path, in the go command's order (longest
  // prefix first): from the roots first in a pruned graph, then from the whole graph.
  const rootVersions = new Map<string, string>();
  for (const m of mg.rootModules) {
    const v = rootVersions.get(m.path);
    if (v === undefined || semver.compare(v, m.version) < 0) rootVersions.set(m.path, m.version);
  }
  const candidates = (importPath: string, full: boolean): ModuleVersion[] => {
    const out: ModuleVersion[] = [];
    for (let prefix = importPath; prefix !== '.' && prefix !== ''; prefix = parentPath(prefix)) {
      if (mainPaths.has(prefix)) {
        out.push({ path: prefix, version: '' });
        continue;
      }
      const v = full ? mg.selected(prefix) : rootVersions.get(prefix);
      if (v === undefined || v === 'none') continue;
      out.push({ path: prefix, version: v });
    }
    return out;
  };

  /** importFromModules resolves importPath to the one module (and directory) that provides it. */
  const resolve = async (importPath: string): Promise<{ module?: ModuleVersion; dir?: string; error?: string }> => {
    const pathIsStd = isStandardImportPath(importPath);
    if (pathIsStd && isStdPackage(importPath)) return {};
    const pathErr = checkImportPath(importPath);
    if (pathErr) return { error: pathErr.message };
    for (const full of mg.pruning === 'pruned' ? [false, true] : [true]) {
      if (full && options.graphError) return { error: options.graphError.message };
      const found: Array<{ m: ModuleVersion; dir: string }> = [];
      for (const m of candidates(importPath, full)) {
        const r = await fetchDir(m);
        if (r.error !== undefined) return { error: r.error };
        if (r.dir === undefined) continue;
        const dir = path.join(r.dir, importPath.slice(m.path.length));
        if (await inModule(dir, r.dir, m.version === '' || mg.replacements.replacement(m)?.version === '')) {
          found.push({ m, dir });
        }
      }
      if (found.length === 1) return { module: found[0]!.m, dir: found[0]!.dir };
      if (found.length > 1) {
        found.reverse();
        return {
          error: `ambiguous import: found package ${importPath} in multiple modules:${found.map((f) => `\n\t${f.m.path}${f.m.version ? ' ' + f.m.version : ''} (${f.dir})`).join('')}`,
        };
      }
    }
    if (pathIsStd) return { error: `package ${importPath} is not in GOROOT` };
    return { error: `no required module provides package ${importPath}; to add it:\n\tgo get ${importPath}` };
  };

  // The loader: packages are created on first reference and loaded (resolved and
  // scanned) with bounded concurrency; flags only ever grow, so the result does not
  // depend on the order in which loads finish.
  const byPath = new Map<string, Pkg>();
  const queue: Pkg[] = [];
  const pkg = (importPath: string, inAll: boolean): Pkg => {
    let p = byPath.get(importPath);
    if (!p) {
      p = { path: importPath, isTest: false, imports: [], inAll: false, loaded: false, testImportPaths: [] };
      byPath.set(importPath, p);
      queue.push(p);
    }
    if (inAll) markInAll(p);
    return p;
  };
  const isMainPkg = (p: Pkg) => p.module !== undefined && p.module.version === '' && mainPaths.has(p.module.path);
  const markInAll = (p: Pkg): void => {
    if (p.inAll) return;
    p.inAll = true;
    if (!p.loaded) return;
    for (const d of p.imports) markInAll(d);
    if (!p.isTest) maybeTest(p);
  };
  const maybeTest = (p: Pkg): void => {
    const want = isMainPkg(p) || (allClosesOverTests && p.inAll) || (loadTests && p.inAll);
    if (!want) return;
    const testInAll = isMainPkg(p) || (allClosesOverTests && p.inAll);
    if (!p.test) {
      const t: Pkg = {
        path: p.path,
        isTest: true,
        imports: [],
        testOf: p,
        inAll: testInAll,
        loaded: true,
        testImportPaths: [],
        ...(p.module ? { module: p.module } : {}),
        ...(p.error !== undefined ? { error: p.error } : {}),
      };
      p.test = t;
      t.imports = p.testImportPaths.map((ip) => pkg(ip, testInAll));
    } else if (testInAll) {
      markInAll(p.test);
    }
  };
  const load = async (p: Pkg): Promise<void> => {
    let imports: readonly string[] = [];
    let testImports: readonly string[] = [];
    if (isStandardImportPath(p.path) && isStdPackage(p.path)) {
      const si = stdImports(p.path);
      if (si) {
        imports = si.imports;
        testImports = si.testImports;
      }
    } else {
      const r = await resolve(p.path);
      if (r.error !== undefined) p.error = r.error;
      if (r.module) (p as { module?: ModuleVersion }).module = r.module;
      if (r.dir !== undefined) {
        const sc = await scanDir(r.dir, tags).catch(() => undefined);
        imports = (sc?.imports ?? []).filter(keepImport);
        testImports = (sc?.testImports ?? []).filter(keepImport);
      }
    }
    p.loaded = true;
    p.testImportPaths = testImports;
    if (isMainPkg(p)) p.inAll = true;
    p.imports = imports.map((ip) => pkg(ip, p.inAll));
    if (p.inAll) for (const d of p.imports) markInAll(d);
    maybeTest(p);
  };

  const roots: Pkg[] = [];
  for (const ip of options.extraRoots ?? []) pkg(ip, false);
  for (const mm of mains) for (const ip of await mainPackages(mm.root, mm.path)) roots.push(pkg(ip, true));
  roots.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  let next = 0;
  let active = 0;
  await new Promise<void>((resolveAll, rejectAll) => {
    const pump = () => {
      while (active < 16 && next < queue.length) {
        const p = queue[next++]!;
        active++;
        load(p).then(
          () => {
            active--;
            pump();
          },
          (e: unknown) => rejectAll(e),
        );
      }
      if (active === 0 && next >= queue.length) resolveAll();
    };
    pump();
  });

  // buildStacks: the roots first, then breadth-first over imports and tests.
  const pkgs: LoadedPackage[] = [];
  const seen = new Set<Pkg>();
  for (const r of roots) {
    if (seen.has(r)) continue;
    seen.add(r);
    pkgs.push(r);
  }
  for (let i = 0; i < pkgs.length; i++) {
    const p = pkgs[i] as Pkg;
    for (const n of p.imports) {
      if (!seen.has(n)) {
        seen.add(n);
        n.stack = p;
        pkgs.push(n);
      }
    }
    if (p.test && !seen.has(p.test)) {
      seen.add(p.test);
      p.test.stack = p;
      pkgs.push(p.test);
    }
  }
  return { pkgs, byPath };
}

/** parentPath is path.Dir for import paths ("a/b" → "a", "a" → "."). */
function parentPath(p: string): string {
  const i = p.lastIndexOf('/');
  return i < 0 ? '.' : p.slice(0, i);
}

/**
 * inModule reports whether dir (inside the module tree root) is a package directory of
 * that module (dirInModule): for local trees no go.mod may sit between them (a nested
 * module), and the directory must hold .go files.
 */
async function inModule(dir: string, root: string, isLocal: boolean): Promise<boolean> {
  if (isLocal) {
    for (let d = dir; d !== root && d.length > root.length; d = path.dirname(d)) {
      if (await isFile(path.join(d, 'go.mod'))) return false;
    }
  }
  return hasGoFiles(dir);
}

/** why returns the import stack of path as `go mod why` prints it ("" when path is not loaded). */
export function why(g: PackageGraph, importPath: string): string {
  const pkg = g.byPath.get(importPath);
  if (!pkg || (pkg.stack === undefined && !g.pkgs.includes(pkg))) return '';
  const stack: LoadedPackage[] = [];
  for (let p: LoadedPackage | undefined = pkg; p; p = p.stack) stack.push(p);
  return stack
    .reverse()
    .map((p) => (p.isTest ? `${p.path}.test` : p.path) + '\n')
    .join('');
}

/** whyDepth returns the length of path's import stack (0 when it is not loaded). */
export function whyDepth(g: PackageGraph, importPath: string): number {
  const pkg = g.byPath.get(importPath);
  if (!pkg || (pkg.stack === undefined && !g.pkgs.includes(pkg))) return 0;
  let n = 0;
  for (let p: LoadedPackage | undefined = pkg; p; p = p.stack) n++;
  return n;
}

/**
 * whyModules answers `go mod why -m`: for each module path, the import stack of its
 * package closest to the main module, or Go's "(main module does not need module …)"
 * ("… need to vendor module …" with vendor).
 */
export function whyModules(g: PackageGraph, modules: readonly string[], vendor = false): string {
  const byModule = new Map<string, string[]>();
  const paths = g.pkgs
    .filter((p) => !p.isTest)
    .map((p) => p.path)
    .sort();
  for (const p of paths) {
    const m = g.byPath.get(p)?.module;
    if (m) (byModule.get(m.path) ?? byModule.set(m.path, []).get(m.path)!).push(p);
  }
  let out = '';
  let sep = '';
  for (const m of modules) {
    let best = '';
    let bestDepth = 1e9;
    for (const p of byModule.get(m) ?? []) {
      const d = whyDepth(g, p);
      if (d > 0 && d < bestDepth) {
        best = p;
        bestDepth = d;
      }
    }
    const w = best === '' ? '' : why(g, best);
    out += `${sep}# ${m}\n${w === '' ? `(main module does not need${vendor ? ' to vendor' : ''} module ${m})\n` : w}`;
    sep = '\n';
  }
  return out;
}

/** whyPackages answers `go mod why` for package paths ("… need to vendor package …" with vendor). */
export function whyPackages(g: PackageGraph, pkgs: readonly string[], vendor = false): string {
  let out = '';
  let sep = '';
  for (const p of pkgs) {
    const w = why(g, p);
    out += `${sep}# ${p}\n${w === '' ? `(main module does not need${vendor ? ' to vendor' : ''} package ${p})\n` : w}`;
    sep = '\n';
  }
  return out;
}
