/**
 * `modrescue fix cache --purge <module@version>… | --corrupt | --warm`
 *
 * What it does:
 *  - `--purge m@v…`: moves those versions out of the module cache (the extracted,
 *    read-only tree and the `cache/download/…/@v/<version>.*` files), so the next build
 *    downloads them again;
 *  - `--corrupt`: finds the damaged entries — a zip or tree that no longer hashes to its
 *    `.ziphash` (go mod verify's check), a missing `.ziphash`, a half-extracted tree, an
 *    empty cached go.mod, leftovers of interrupted downloads — among the build list (or the
 *    whole cache outside a module), moves them out, and, online, downloads them again
 *    verified against go.sum and the checksum database;
 *  - `--warm`: downloads every build-list module missing from the cache, verified the same
 *    way (the seed's "skip the dependency install stage with a cache").
 * Entries are never deleted: they are moved into `.modrescue/backups/<id>/cache/` — a
 * corrupt or poisoned entry is evidence for the root-cause analysis — under the go
 * command's per-version lock, and `@v/list` is rewritten by the go command's rule.
 *
 * Risk: low — the module cache is a cache: its content is re-downloaded and verified.
 *
 * Undo: `modrescue undo <id>` removes what was downloaded and moves the quarantined
 * entries back byte for byte.
 */
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as modcache from '../../mod/modcache/index.js';
import * as module from '../../mod/module/index.js';
import * as semver from '../../mod/semver/index.js';
import { errorMessage } from '../../doctor/util.js';
import type { PlanContext } from '../context.js';
import { cacheRoot, type PlanDraft } from '../engine.js';
import { versionEntries, type MV } from '../cache-ops.js';
import { fixUsage } from '../gomod.js';
import { parsePathVersion } from '../../shared/gomod-args.js';
import type { ActionInfo, CacheSpec, Operation, PlanStep } from '../types.js';

export const info: ActionInfo = {
  id: 'cache',
  usage: 'fix cache --purge <module@version>… | --corrupt | --warm',
  summary:
    'moves named or corrupt module-cache entries aside (kept as evidence) and downloads them again verified, or pre-fills the cache for the build list',
  risk: 'low',
  undo: 'removes what was downloaded and moves the quarantined entries back',
  verify: ['modcache-integrity'],
};

/** findCorrupt returns what is wrong with m's cache entries (empty when intact or absent). */
async function findCorrupt(cache: string, m: MV, hasher: modcache.Hasher): Promise<string[]> {
  const problems = await modcache.verifyMod(cache, m, hasher);
  const { error } = await modcache.downloadDir(cache, m);
  if (error?.code === 'ERR_MODCACHE_PARTIAL' && !problems.some((p) => p.includes('missing ziphash'))) {
    problems.push(`${m.path} ${m.version}: ${error.message}`);
  }
  const mod = await stat(modcache.cachePath(cache, m, 'mod')).catch(() => undefined);
  if (mod && mod.size === 0) problems.push(`${m.path} ${m.version}: the cached go.mod is empty`);
  const vdir = modcache.cacheDir(cache, m.path);
  const ev = module.escapeVersion(m.version);
  for (const n of await readdir(vdir).catch(() => [] as string[])) {
    if (n.startsWith(ev + '.') && n.endsWith('.tmp'))
      problems.push(`${m.path} ${m.version}: ${n} left by an interrupted download`);
  }
  return problems;
}

/** cachedVersions lists every module version with a `.ziphash` or `.partial` in the cache (outside a module). */
async function cachedVersions(cache: string): Promise<MV[]> {
  const root = path.join(cache, 'cache', 'download');
  const out: MV[] = [];
  const walk = async (dir: string): Promise<void> => {
    const names = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of names) {
      if (!e.isDirectory()) continue;
      const p = path.join(dir, e.name);
      if (e.name === '@v') {
        let modPath: string;
        try {
          modPath = module.unescapePath(path.relative(root, dir));
        } catch {
          continue;
        }
        const versions = new Set<string>();
        for (const f of await readdir(p).catch(() => [] as string[])) {
          const m = /^(.*)\.(ziphash|partial|zip)$/.exec(f);
          if (!m) continue;
          try {
            versions.add(module.unescapeVersion(m[1]!));
          } catch {
            // not a version file
          }
        }
        for (const v of versions) out.push({ path: modPath, version: v });
      } else if (e.name !== 'sumdb' || dir !== root) {
        await walk(p);
      }
    }
  };
  await walk(root);
  return out;
}

export async function plan(spec: CacheSpec, pc: PlanContext): Promise<PlanDraft> {
  const purge = spec.purge ?? [];
  if (purge.length === 0 && !spec.corrupt && !spec.warm) {
    throw fixUsage('fix cache: give --purge module@version, --corrupt or --warm');
  }
  const cache = cacheRoot(pc);
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  const quarantine = new Map<string, { path: string; version: string; reason: string }>();

  for (const arg of purge) {
    const [p, v] = parsePathVersion('--purge', arg, fixUsage);
    if (!semver.isValid(v) || semver.canonical(v) !== v) {
      throw fixUsage(`--purge=${arg}: ${JSON.stringify(v)} is not a canonical semantic version`);
    }
    const entries = await versionEntries(cache, { path: p, version: v });
    if (entries.length === 0) {
      notes.push(`${p}@${v} is not in the module cache`);
      continue;
    }
    quarantine.set(`${p}@${v}`, { path: p, version: v, reason: 'requested (--purge)' });
    steps.push({
      description: `move ${p}@${v} out of the module cache (${entries.length} entries: ${entries.join(', ')})`,
    });
  }

  let buildList: MV[] | undefined;
  const loadBuildList = async (): Promise<MV[]> => {
    if (buildList) return buildList;
    const bl = await pc.session().buildList();
    if (bl.from === 'go.mod')
      notes.push(`the module graph could not be loaded (${bl.error?.split('\n')[0]}): go.mod's requirements are used`);
    return (buildList = bl.modules.filter((m) => {
      try {
        modcache.cachePath(cache, m, 'mod');
        return true;
      } catch {
        return false;
      }
    }));
  };

  if (spec.corrupt) {
    const mods = pc.hasGoMod ? await loadBuildList() : await cachedVersions(cache);
    if (!pc.hasGoMod) notes.push(`no go.mod: the whole module cache was checked (${mods.length} versions)`);
    const pool = modcache.createHashPool({ threads: Math.max(1, Math.min(os.availableParallelism(), 4)) });
    try {
      let next = 0;
      const found: Array<{ m: MV; problems: string[] }> = [];
      const worker = async () => {
        for (let i = next++; i < mods.length; i = next++) {
          const m = mods[i]!;
          const problems = await findCorrupt(cache, m, pool).catch((e: unknown) => [
            `${m.path} ${m.version}: ${errorMessage(e)}`,
          ]);
          if (problems.length > 0) found.push({ m, problems });
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
      found.sort((a, b) => module.compareModuleVersions(a.m, b.m));
      for (const { m, problems } of found) {
        const k = `${m.path}@${m.version}`;
        if (!quarantine.has(k)) {
          quarantine.set(k, { path: m.path, version: m.version, reason: problems.join('; ') });
          steps.push({ description: `move ${k} out of the module cache: ${problems.join('; ')}` });
        }
      }
      if (found.length === 0) notes.push(`no corrupt entry among ${mods.length} cached module versions`);
    } finally {
      await pool.close();
    }
  }

  const fill = new Map<string, MV>();
  if (spec.warm) {
    for (const m of await loadBuildList()) {
      const { error } = await modcache.downloadDir(cache, m);
      if (error || quarantine.has(`${m.path}@${m.version}`)) fill.set(`${m.path}@${m.version}`, m);
    }
  }
  // Corrupt entries come back verified, when the build needs them.
  if (spec.corrupt && pc.hasGoMod) {
    const inBuild = new Set((await loadBuildList()).map((m) => `${m.path}@${m.version}`));
    for (const [k, q] of quarantine) if (inBuild.has(k)) fill.set(k, { path: q.path, version: q.version });
  }
  let refused: string | undefined;
  if (fill.size > 0) {
    if (!pc.ctx.fetch) {
      if (spec.warm) refused = 'filling the module cache needs the network, and this run is offline';
      else notes.push('offline: the quarantined modules are downloaded again by the next build');
      fill.clear();
    } else {
      steps.push({
        description: `download ${fill.size} module${fill.size === 1 ? '' : 's'} into the module cache, verified against go.sum and the checksum database: ${[...fill.keys()].join(', ')}`,
      });
    }
  } else if (spec.warm) {
    notes.push('every build-list module is already in the module cache');
  }

  const ops: Operation[] = [];
  if (quarantine.size > 0) ops.push({ kind: 'cache-quarantine', modcache: cache, modules: [...quarantine.values()] });
  if (fill.size > 0) ops.push({ kind: 'cache-fill', modcache: cache, modules: [...fill.values()] });
  const parts: string[] = [];
  if (quarantine.size > 0)
    parts.push(`move ${quarantine.size} module version${quarantine.size === 1 ? '' : 's'} out of the module cache`);
  if (fill.size > 0) parts.push(`download ${fill.size} verified`);
  return {
    why: parts.length > 0 ? `module cache ${cache}: ${parts.join(', then ')}` : `module cache ${cache}: nothing to do`,
    risk: {
      level: 'low',
      note: 'the module cache is a cache: entries are re-downloaded and verified; moved entries are kept',
    },
    undo: 'modrescue undo <id> removes what was downloaded and moves the quarantined entries back',
    steps,
    notes,
    writes: [],
    ops,
    verify: info.verify,
    ...(refused ? { refused } : {}),
  };
}
