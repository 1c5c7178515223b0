/**
 * Package loading for `go mod why` (cmd/go's modload loader, reduced to what `why`
 * needs): the packages of the main module, the packages they import (transitively,
 * plus the tests of main-module packages, and of every package in "all" below go
 * 1.16), each import resolved to the module in the build list that provides it, and
 * the minimal import stacks that `go mod why` prints.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import * as semver from '../semver/index.js';
import { anyTags, isStandardImportPath, isStdPackage, scanDir } from '../load/index.js';
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
}

/** ModuleDirs says where a module version's files are (its extracted tree). */
export type ModuleDirs = (m: ModuleVersion) => Promise<string | undefined>;

/** PackageGraph is the loaded import graph of "all". */
export interface PackageGraph {
  /** Every package, in breadth-first order from the roots (buildStacks order). */
  readonly pkgs: readonly LoadedPackage[];
  /** Non-test packages by import path. */
  readonly byPath: ReadonlyMap<string, LoadedPackage>;
}

async function hasGoFiles(dir: string): Promise<boolean> {
  const names = await readdir(dir).catch(() => undefined);
  if (!names) return false;
  for (const n of names) {
    if (!n.endsWith('.go')) continue;
    const st = await stat(path.join(dir, n)).catch(() => undefined);
    if (st?.isFile()) return true;
  }
  return false;
}

/** mainPackages walks the main module's tree for package directories (skipping nested modules, vendor, testdata, _ and . dirs). */
async function mainPackages(root: string, modPath: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    if (await hasGoFiles(dir)) out.push(rel === '' ? modPath : `${modPath}/${rel}`);
    const names = (await readdir(dir, { withFileTypes: true }).catch(() => [])).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    );
    for (const e of names) {
      if (!e.isDirectory()) continue;
      const n = e.name;
      if (n.startsWith('.') || n.startsWith('_') || n === 'testdata' || (rel === '' && n === 'vendor')) continue;
      const sub = path.join(dir, n);
      if ((await stat(path.join(sub, 'go.mod')).catch(() => undefined))?.isFile()) continue;
      await walk(sub, rel === '' ? n : `${rel}/${n}`);
    }
  };
  await walk(root, '');
  return out.sort();
}

/**
 * loadAll loads the "all" package graph of the main module over mg's build list.
 * Import errors (missing or ambiguous) are recorded on the package, never thrown, as
 * `go mod why` loads with SilencePackageErrors.
 */
export async function loadAll(mg: ModuleGraph, moduleDir: ModuleDirs): Promise<PackageGraph> {
  const main = mg.main;
  const mainMV = { path: main.path, version: '' };
  const buildList = mg.buildList().filter((m) => m.path !== main.path);
  const allClosesOverTests = semver.compare('v' + main.goVersion, 'v1.16') < 0;
  const tags = anyTags();
  const byPath = new Map<string, LoadedPackage>();
  const dirCache = new Map<string, Promise<string | undefined>>();
  const modDir = (m: ModuleVersion): Promise<string | undefined> => {
    if (m.path === main.path && m.version === '') return Promise.resolve(main.root);
    const k = `${m.path}@${m.version}`;
    let p = dirCache.get(k);
    if (!p) {
      const r = mg.replacements.replacement(m);
      if (r && r.version === '') p = Promise.resolve(path.isAbsolute(r.path) ? r.path : path.join(main.root, r.path));
      else p = moduleDir(r ?? m);
      dirCache.set(k, p);
    }
    return p;
  };

  /** importFromModules finds the module providing importPath (longest-prefix candidates, exactly one with Go files). */
  const resolve = async (importPath: string): Promise<{ module?: ModuleVersion; dir?: string; error?: string }> => {
    if (isStandardImportPath(importPath)) {
      if (isStdPackage(importPath)) return {};
      return { error: `package ${importPath} is not in GOROOT` };
    }
    const found: Array<{ m: ModuleVersion; dir: string }> = [];
    for (const m of [mainMV, ...buildList]) {
      if (importPath !== m.path && !importPath.startsWith(m.path + '/')) continue;
      const root = await modDir(m);
      if (root === undefined) continue;
      const dir = path.join(root, importPath.slice(m.path.length));
      if (await hasGoFiles(dir)) found.push({ m, dir });
    }
    if (found.length === 1) return { module: found[0]!.m, dir: found[0]!.dir };
    if (found.length > 1) {
      return {
        error: `ambiguous import: found package ${importPath} in multiple modules:${found.map((f) => `\n\t${f.m.path}${f.m.version ? ' ' + f.m.version : ''} (${f.dir})`).join('')}`,
      };
    }
    return { error: `no required module provides package ${importPath}; to add it:\n\tgo get ${importPath}` };
  };

  const scanned = new Map<string, Promise<{ imports: string[]; testImports: string[] }>>();
  const pkgFor = (importPath: string): LoadedPackage => {
    let p = byPath.get(importPath);
    if (!p) {
      p = { path: importPath, isTest: false, imports: [] };
      byPath.set(importPath, p);
    }
    return p;
  };

  // Load breadth-first. A package is "in all" when a main-module package (or its test)
  // imports it, or an in-all package does; every in-all package also gets its test
  // loaded (go mod why loads "all" with tests), whose imports are in "all" only for
  // main-module packages (or below go 1.16, where "all" closes over tests).
  const roots = (await mainPackages(main.root, main.path)).map(pkgFor);
  const state = new Map<LoadedPackage, { inAll: boolean; scan?: { imports: string[]; testImports: string[] } }>();
  const isMainPkg = (p: LoadedPackage) => p.module?.path === main.path && p.module.version === '';
  let frontier: Array<{ pkg: LoadedPackage; inAll: boolean }> = roots.map((pkg) => ({ pkg, inAll: true }));
  while (frontier.length > 0) {
    const next: Array<{ pkg: LoadedPackage; inAll: boolean }> = [];
    for (const { pkg, inAll } of frontier) {
      let st = state.get(pkg);
      if (st && (st.inAll || !inAll)) continue;
      const first = st === undefined;
      if (!st) {
        st = { inAll };
        state.set(pkg, st);
        const r = await resolve(pkg.path);
        if (r.error) pkg.error = r.error;
        if (r.module) (pkg as { module?: ModuleVersion }).module = r.module;
        if (r.dir) {
          let sc = scanned.get(r.dir);
          if (!sc) {
            sc = scanDir(r.dir, tags)
              .then((x) => ({ imports: x?.imports ?? [], testImports: x?.testImports ?? [] }))
              .catch(() => ({ imports: [] as string[], testImports: [] as string[] }));
            scanned.set(r.dir, sc);
          }
          st.scan = await sc;
          pkg.imports = st.scan.imports.filter(keepImport).map(pkgFor);
        }
      }
      st.inAll = st.inAll || inAll;
      if (first || inAll) for (const i of pkg.imports) next.push({ pkg: i, inAll: st.inAll });
      if (st.inAll && st.scan && st.scan.testImports.length > 0 && !pkg.test) {
        const t: LoadedPackage = {
          path: pkg.path,
          isTest: true,
          imports: st.scan.testImports.filter(keepImport).map(pkgFor),
          ...(pkg.module ? { module: pkg.module } : {}),
        };
        pkg.test = t;
        const testInAll = isMainPkg(pkg) || allClosesOverTests;
        for (const i of t.imports) next.push({ pkg: i, inAll: testInAll });
      }
    }
    frontier = next;
  }

  // buildStacks: roots first, then breadth-first over imports and tests.
  const pkgs: LoadedPackage[] = [];
  const seen = new Set<LoadedPackage>();
  for (const r of roots) {
    seen.add(r);
    pkgs.push(r);
  }
  for (let i = 0; i < pkgs.length; i++) {
    const p = pkgs[i]!;
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

/** why returns the import stack of path as `go mod why` prints it ("" when path is not loaded). */
export function why(g: PackageGraph, importPath: string): string {
  const pkg = g.byPath.get(importPath);
  if (!pkg || !g.pkgs.includes(pkg)) return '';
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
  if (!pkg || !g.pkgs.includes(pkg)) return 0;
  let n = 0;
  for (let p: LoadedPackage | undefined = pkg; p; p = p.stack) n++;
  return n;
}

/**
 * whyModules answers `go mod why -m`: for each module path, the import stack of its
 * package closest to the main module, or Go's "(main module does not need module …)".
 */
export function whyModules(g: PackageGraph, modules: readonly string[]): string {
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
    out += `${sep}# ${m}\n${w === '' ? `(main module does not need module ${m})\n` : w}`;
    sep = '\n';
  }
  return out;
}

/** whyPackages answers `go mod why` for package paths. */
export function whyPackages(g: PackageGraph, pkgs: readonly string[]): string {
  let out = '';
  let sep = '';
  for (const p of pkgs) {
    const w = why(g, p);
    out += `${sep}# ${p}\n${w === '' ? `(main module does not need package ${p})\n` : w}`;
    sep = '\n';
  }
  return out;
}
