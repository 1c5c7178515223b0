/**
 * The incremental requirement graph of minimal version selection (cmd/go's mvs.Graph).
 *
 * A Graph starts from its roots (the main modules) and learns, one module version at a
 * time, which module versions each one requires. While it learns, it keeps for every
 * module path the maximum version seen on any edge: that is the version MVS selects.
 */
import { compareStrings } from '../semver/strings.js';
import * as semver from '../semver/index.js';
import type { ModuleVersion } from './types.js';

/** key returns the map key of a module version ("path@version"). */
export function key(m: ModuleVersion): string {
  return m.path + '@' + m.version;
}

/** CompareVersions orders two versions of the module path (negative, zero, positive). */
export type CompareVersions = (path: string, v1: string, v2: string) => number;

/**
 * Graph is the module requirement graph explored so far. Every module version that
 * appears as a root or as the target of a recorded edge is "reachable"; only reachable
 * module versions may have their requirements recorded.
 */
export class Graph {
  readonly #cmp: CompareVersions;
  readonly #roots: readonly ModuleVersion[];
  /** key → requirements recorded for that module version (in go.mod order). */
  readonly #required = new Map<string, readonly ModuleVersion[]>();
  /** key → the module version, for every reachable node. */
  readonly #reachable = new Map<string, ModuleVersion>();
  /** path → the highest version seen on any edge (or root). */
  readonly #selected = new Map<string, string>();

  /**
   * constructor records roots as reachable and selected. cmp compares versions of one
   * path; "none" must compare below every real version (cmd/go's cmpVersion does that
   * through semver, and ranks the main module's empty version above every other).
   */
  constructor(cmp: CompareVersions, roots: readonly ModuleVersion[]) {
    this.#cmp = cmp;
    this.#roots = [...roots];
    for (const m of roots) {
      this.#reachable.set(key(m), m);
      if (this.#cmp(m.path, this.selected(m.path), m.version) < 0) this.#selected.set(m.path, m.version);
    }
  }

  /** roots returns the graph's roots in the order given. */
  get roots(): readonly ModuleVersion[] {
    return this.#roots;
  }

  /**
   * require records that m requires reqs. It throws when m is not reachable or when its
   * requirements were already recorded (both are bugs in the caller, as in cmd/go).
   */
  require(m: ModuleVersion, reqs: readonly ModuleVersion[]): void {
    const k = key(m);
    if (!this.#reachable.has(k)) throw new Error(`internal error: ${k} is not reachable from any root`);
    if (this.#required.has(k)) throw new Error(`internal error: requirements of ${k} have already been set`);
    this.#required.set(k, reqs);
    for (const dep of reqs) {
      const dk = key(dep);
      if (!this.#reachable.has(dk)) this.#reachable.set(dk, dep);
      if (this.#cmp(dep.path, this.selected(dep.path), dep.version) < 0) this.#selected.set(dep.path, dep.version);
    }
  }

  /** requiredBy returns the recorded requirements of m, or undefined when none were recorded. */
  requiredBy(m: ModuleVersion): readonly ModuleVersion[] | undefined {
    return this.#required.get(key(m));
  }

  /** isReachable reports whether m is a root or the target of a recorded edge. */
  isReachable(m: ModuleVersion): boolean {
    return this.#reachable.has(key(m));
  }

  /** selected returns the selected version of path, or "none" when the graph never saw it. */
  selected(path: string): string {
    return this.#selected.get(path) ?? 'none';
  }

  /**
   * buildList returns the selected version of every module in the graph: the roots
   * first (in root order, one entry per path), then every other path in module.Sort
   * order (path, then version).
   */
  buildList(): ModuleVersion[] {
    const seenRoot = new Set<string>();
    const list: ModuleVersion[] = [];
    for (const r of this.#roots) {
      if (seenRoot.has(r.path)) continue;
      const v = this.selected(r.path);
      if (v !== 'none') list.push({ path: r.path, version: v });
      seenRoot.add(r.path);
    }
    const rest: ModuleVersion[] = [];
    for (const [path, version] of this.#selected) {
      if (!seenRoot.has(path)) rest.push({ path, version });
    }
    rest.sort(compareModuleVersions);
    return list.concat(rest);
  }

  /**
   * walkBreadthFirst calls f for every reachable module version (except "none") in
   * breadth-first order from the roots, following recorded edges in recorded order.
   */
  walkBreadthFirst(f: (m: ModuleVersion) => void): void {
    const queue: ModuleVersion[] = [];
    const enqueued = new Set<string>();
    for (const m of this.#roots) {
      if (m.version !== 'none' && !enqueued.has(key(m))) {
        queue.push(m);
        enqueued.add(key(m));
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const m = queue[i]!;
      f(m);
      for (const r of this.requiredBy(m) ?? []) {
        const rk = key(r);
        if (!enqueued.has(rk) && r.version !== 'none') {
          queue.push(r);
          enqueued.add(rk);
        }
      }
    }
  }

  /**
   * findPath returns a shortest requirement path from a root to the first module version
   * (in breadth-first order) for which f returns true, root first; [] when there is none.
   */
  findPath(f: (m: ModuleVersion) => boolean): ModuleVersion[] {
    const firstRequiredBy = new Map<string, ModuleVersion | undefined>();
    const queue: ModuleVersion[] = [];
    for (const m of this.#roots) {
      if (firstRequiredBy.has(key(m))) continue;
      firstRequiredBy.set(key(m), undefined);
      queue.push(m);
    }
    for (let i = 0; i < queue.length; i++) {
      let m: ModuleVersion | undefined = queue[i]!;
      if (f(m)) {
        const path: ModuleVersion[] = [];
        while (m !== undefined) {
          path.push(m);
          m = firstRequiredBy.get(key(m));
        }
        return path.reverse();
      }
      for (const r of this.requiredBy(m) ?? []) {
        if (firstRequiredBy.has(key(r))) continue;
        firstRequiredBy.set(key(r), m);
        queue.push(r);
      }
    }
    return [];
  }
}

/**
 * compareModuleVersions orders module versions as x/mod's module.Sort: by path (byte
 * order), then by version with semver rules; a "/suffix" after the version (go.sum's
 * "v1.0.0/go.mod") compares by string order after the versions compare equal.
 */
export function compareModuleVersions(a: ModuleVersion, b: ModuleVersion): number {
  if (a.path !== b.path) return compareStrings(a.path, b.path);
  let vi = a.version;
  let vj = b.version;
  let fi = '';
  let fj = '';
  const i = vi.indexOf('/');
  if (i >= 0) [vi, fi] = [vi.slice(0, i), vi.slice(i)];
  const j = vj.indexOf('/');
  if (j >= 0) [vj, fj] = [vj.slice(0, j), vj.slice(j)];
  if (vi !== vj) return semver.compare(vi, vj);
  return compareStrings(fi, fj);
}
