/**
 * Minimal version selection over a Reqs graph (cmd/go's mvs.BuildList, Req,
 * UpgradeAll, Upgrade, Downgrade). See https://research.swtch.com/vgo-mvs for the
 * algorithms and https://go.dev/ref/mod#minimal-version-selection for how the go
 * command uses them.
 */
import { Graph, key } from './req-graph.js';
import { newBuildListError } from './errors.js';
import type { DowngradeReqs, ModuleVersion, Reqs, UpgradeReqs } from './types.js';
import { compareStrings } from '../semver/strings.js';

/** CONCURRENCY bounds how many Reqs.required calls run at once (the go command uses 10). */
const CONCURRENCY = 10;

/** cmpFromMax turns Reqs.max into a comparison of two versions of one path. */
function cmpFromMax(reqs: Reqs): (path: string, v1: string, v2: string) => number {
  return (path, v1, v2) => {
    if (reqs.max(path, v1, v2) !== v1) return -1;
    if (reqs.max(path, v2, v1) !== v2) return 1;
    return 0;
  };
}

/**
 * explore visits every module version reachable from the targets, records its
 * requirements in a Graph (with at most CONCURRENCY reads in flight) and returns the
 * graph. When reading any requirement list fails, it rejects with a BuildListError
 * whose chain is a shortest path from a target to the failing module version.
 */
async function explore(
  targets: readonly ModuleVersion[],
  reqs: Reqs,
  upgrade?: (m: ModuleVersion) => Promise<ModuleVersion>,
): Promise<Graph> {
  const g = new Graph(cmpFromMax(reqs), targets);
  const upgrades = new Map<string, ModuleVersion>();
  const errs = new Map<string, Error>();
  const seen = new Set<string>();
  const queue: ModuleVersion[] = [];
  const add = (m: ModuleVersion) => {
    const k = key(m);
    if (seen.has(k)) return;
    seen.add(k);
    queue.push(m);
  };
  targets.forEach(add);

  const visit = async (m: ModuleVersion): Promise<void> => {
    let required: readonly ModuleVersion[] = [];
    let err: Error | undefined;
    if (m.version !== 'none') {
      try {
        required = await reqs.required(m);
      } catch (e) {
        err = e instanceof Error ? e : new Error(String(e));
      }
    }
    let u = m;
    if (upgrade) {
      try {
        u = await upgrade(m);
      } catch (e) {
        err ??= e instanceof Error ? e : new Error(String(e));
      }
    }
    if (err) errs.set(key(m), err);
    if (u.path !== m.path || u.version !== m.version) {
      upgrades.set(key(m), u);
      required = [u, ...required];
    }
    g.require(m, required);
    required.forEach(add);
  };

  await drain(queue, visit);

  if (errs.size > 0) {
    const errPath = g.findPath((m) => errs.has(key(m)));
    if (errPath.length === 0) throw new Error('internal error: could not reconstruct path to module with error');
    const err = errs.get(key(errPath[errPath.length - 1]!))!;
    throw newBuildListError(err, errPath, (from, to) => {
      const u = upgrades.get(key(from));
      return u !== undefined && u.path === to.path && u.version === to.version;
    });
  }
  return g;
}

/**
 * drain runs visit for every queued item (the queue grows while it runs), keeping at
 * most CONCURRENCY visits in flight. It resolves when the queue is empty and idle.
 */
export async function drain<T>(queue: T[], visit: (item: T) => Promise<void>, limit = CONCURRENCY): Promise<void> {
  let next = 0;
  let active = 0;
  let failure: unknown;
  await new Promise<void>((resolve) => {
    const pump = () => {
      while (failure === undefined && active < limit && next < queue.length) {
        const item = queue[next++]!;
        active++;
        visit(item).then(
          () => {
            active--;
            pump();
          },
          (e: unknown) => {
            active--;
            failure ??= e ?? new Error('unknown failure');
            pump();
          },
        );
      }
      if (active === 0 && (next >= queue.length || failure !== undefined)) resolve();
    };
    pump();
  });
  if (failure !== undefined) throw failure;
}

/**
 * buildList returns the build list for the targets: the targets themselves first, then
 * the selected (maximum required) version of every other module reachable from them, in
 * module.Sort order. It rejects with a BuildListError when a requirement list cannot
 * be read.
 */
export async function buildList(targets: readonly ModuleVersion[], reqs: Reqs): Promise<ModuleVersion[]> {
  return buildListWithUpgrade(targets, reqs);
}

async function buildListWithUpgrade(
  targets: readonly ModuleVersion[],
  reqs: Reqs,
  upgrade?: (m: ModuleVersion) => Promise<ModuleVersion>,
): Promise<ModuleVersion[]> {
  const g = await explore(targets, reqs, upgrade);
  const list = g.buildList();
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i]!;
    const l = list[i];
    if (!l || l.path !== t.path || l.version !== t.version) {
      throw new Error(
        `internal error: chose versions ${JSON.stringify(list.slice(0, targets.length))} instead of targets ${JSON.stringify(targets)}`,
      );
    }
  }
  return list;
}

/**
 * req returns the minimal requirement list for mainModule that reproduces its build
 * list: the modules named in base (at their selected versions) plus every selected
 * module version not implied by the others, sorted by path (cmd/go's mvs.Req).
 */
export async function req(mainModule: ModuleVersion, base: readonly string[], reqs: Reqs): Promise<ModuleVersion[]> {
  const list = await buildList([mainModule], reqs);
  const max = new Map<string, string>();
  for (const m of list) max.set(m.path, m.version);

  // Post-order of the graph, so that a module comes after everything it requires.
  const postorder: ModuleVersion[] = [];
  const reqCache = new Map<string, readonly ModuleVersion[]>();
  reqCache.set(key(mainModule), []);
  const walk = async (m: ModuleVersion): Promise<void> => {
    if (reqCache.has(key(m))) return;
    const required = await reqs.required(m);
    reqCache.set(key(m), required);
    for (const m1 of required) await walk(m1);
    postorder.push(m);
  };
  for (const m of list) await walk(m);

  const have = new Set<string>();
  const mark = (m: ModuleVersion): void => {
    if (have.has(key(m))) return;
    have.add(key(m));
    for (const m1 of reqCache.get(key(m)) ?? []) mark(m1);
  };
  const min: ModuleVersion[] = [];
  const haveBase = new Set<string>();
  for (const path of base) {
    if (haveBase.has(path)) continue;
    const m = { path, version: max.get(path) ?? '' };
    min.push(m);
    mark(m);
    haveBase.add(path);
  }
  for (let i = postorder.length - 1; i >= 0; i--) {
    const m = postorder[i]!;
    if (max.get(m.path) !== m.version) continue;
    if (!have.has(key(m))) {
      min.push(m);
      mark(m);
    }
  }
  return min.sort((a, b) => compareStrings(a.path, b.path));
}

/**
 * upgradeAll returns a build list for target with every module upgraded to the version
 * reqs.upgrade names (cmd/go's mvs.UpgradeAll).
 */
export async function upgradeAll(target: ModuleVersion, reqs: UpgradeReqs): Promise<ModuleVersion[]> {
  return buildListWithUpgrade([target], reqs, async (m) => (m.path === target.path ? target : reqs.upgrade(m)));
}

/** override answers target's requirements with list and delegates everything else. */
function override<R extends Reqs>(target: ModuleVersion, list: readonly ModuleVersion[], reqs: R): Reqs {
  return {
    required: (m) =>
      m.path === target.path && m.version === target.version ? Promise.resolve(list) : reqs.required(m),
    max: (p, a, b) => reqs.max(p, a, b),
  };
}

/**
 * upgrade returns a build list for target with the given modules upgraded to at least
 * the given versions (added when target does not require them), cmd/go's mvs.Upgrade.
 */
export async function upgrade(
  target: ModuleVersion,
  reqs: UpgradeReqs,
  ...upgrades: ModuleVersion[]
): Promise<ModuleVersion[]> {
  const list = [...(await reqs.required(target))];
  const pathInList = new Set(list.map((m) => m.path));
  const upgradeTo = new Map<string, string>();
  for (const u of upgrades) {
    if (!pathInList.has(u.path)) list.push({ path: u.path, version: 'none' });
    const prev = upgradeTo.get(u.path);
    upgradeTo.set(u.path, prev === undefined ? u.version : reqs.max(u.path, prev, u.version));
  }
  return buildListWithUpgrade([target], override(target, list, reqs), async (m) => {
    const v = upgradeTo.get(m.path);
    return v === undefined ? m : { path: m.path, version: v };
  });
}

/**
 * downgrade returns a build list for target in which each module in downgrades is at
 * most the given version (its "none" removes it), downgrading or removing other modules
 * as needed to keep the requirements consistent (cmd/go's mvs.Downgrade).
 */
export async function downgrade(
  target: ModuleVersion,
  reqs: DowngradeReqs,
  ...downgrades: ModuleVersion[]
): Promise<ModuleVersion[]> {
  const list = (await buildList([target], reqs)).slice(1);
  const max = new Map<string, string>();
  for (const r of list) max.set(r.path, r.version);
  for (const d of downgrades) {
    const v = max.get(d.path);
    if (v === undefined || reqs.max(d.path, v, d.version) !== d.version) max.set(d.path, d.version);
  }

  const added = new Set<string>();
  const rdeps = new Map<string, ModuleVersion[]>();
  const excluded = new Set<string>();
  const exclude = (m: ModuleVersion): void => {
    if (excluded.has(key(m))) return;
    excluded.add(key(m));
    for (const p of rdeps.get(key(m)) ?? []) exclude(p);
  };
  const add = async (m: ModuleVersion): Promise<void> => {
    if (added.has(key(m))) return;
    added.add(key(m));
    const v = max.get(m.path);
    if (v !== undefined && reqs.max(m.path, m.version, v) !== v) {
      exclude(m);
      return;
    }
    let required: readonly ModuleVersion[];
    try {
      required = await reqs.required(m);
    } catch {
      exclude(m);
      return;
    }
    for (const r of required) {
      await add(r);
      if (excluded.has(key(r))) {
        exclude(m);
        return;
      }
      const list = rdeps.get(key(r)) ?? [];
      list.push(m);
      rdeps.set(key(r), list);
    }
  };

  const downgraded: ModuleVersion[] = [target];
  outer: for (let r of list) {
    await add(r);
    while (excluded.has(key(r))) {
      let p = await reqs.previous(r);
      const v = max.get(r.path)!;
      if (reqs.max(r.path, v, r.version) !== v && reqs.max(r.path, p.version, v) !== p.version) {
        p = { path: p.path, version: v };
      }
      if (p.version === 'none') continue outer;
      await add(p);
      r = p;
    }
    downgraded.push(r);
  }

  const actual = await buildList([target], override(target, downgraded, reqs));
  const actualVersion = new Map(actual.map((m) => [m.path, m.version] as const));
  const final: ModuleVersion[] = [];
  for (const m of list) {
    const v = actualVersion.get(m.path);
    if (v !== undefined) final.push({ path: m.path, version: v });
  }
  return buildList([target], override(target, final, reqs));
}
