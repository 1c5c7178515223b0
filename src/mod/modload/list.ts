/**
 * `go list -m` (cmd/go's modload.ListModules and moduleInfo): the ModulePublic records
 * of modules in the build list or named by patterns and queries, with the -u, -versions
 * and -retracted additions, and Go's text (ModulePublic.String) and JSON forms.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as semver from '../semver/index.js';
import { key } from '../mvs/index.js';
import { cachePath, downloadDir } from './source.js';
import { retractionsFor, type Loader, type ModuleGraph } from './load.js';
import type { ModuleVersion } from './types.js';

/** ModulePublic mirrors cmd/go's modinfo.ModulePublic (field order = JSON order). */
export interface ModulePublic {
  Path: string;
  Version?: string;
  Query?: string;
  Versions?: string[];
  Replace?: ModulePublic;
  Time?: string;
  Update?: ModulePublic;
  Main?: boolean;
  Indirect?: boolean;
  Dir?: string;
  GoMod?: string;
  GoVersion?: string;
  Retracted?: string[];
  Deprecated?: string;
  Error?: { Err: string };
}

/** ListMode selects the additions of -u, -versions and -retracted. */
export interface ListMode {
  readonly u?: boolean;
  readonly versions?: boolean;
  readonly retracted?: boolean;
}

/** ZERO_TIME is how Go prints a missing time. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * matchPattern reports whether a module path matches a `...` pattern (search.MatchPattern):
 * "..." matches any string; "x/..." also matches "x".
 */
export function matchPattern(pattern: string): (p: string) => boolean {
  let re = pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\\\.\\\.\\\./g, '.*');
  if (pattern.endsWith('/...')) re = re.slice(0, -'/.*'.length) + '(/.*)?';
  const rx = new RegExp('^' + re + '$', 's');
  return (p) => rx.test(p);
}

/** ListOptions are the loader and module cache a listing works with. */
export interface ListContext {
  readonly loader: Loader;
  /** $GOMODCACHE, for Dir and GoMod. */
  readonly modcache: string;
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}
async function isDir(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isDirectory() ?? false;
}

/**
 * moduleInfo builds the ModulePublic record of m as cmd/go's moduleInfo does: the
 * main module with Main/Dir/GoMod/GoVersion; a dependency with Indirect, Time (from
 * its .info), GoVersion, Dir/GoMod when present in the module cache, and Replace.
 */
export async function moduleInfo(
  ctx: ListContext,
  mg: ModuleGraph | undefined,
  m: ModuleVersion,
): Promise<ModulePublic> {
  const { loader } = ctx;
  if (m.version === '' && m.path === loader.main.path) {
    return {
      Path: m.path,
      Main: true,
      Dir: loader.main.root,
      GoMod: loader.main.goModPath,
      ...(loader.main.rawGoVersion !== '' ? { GoVersion: loader.main.rawGoVersion } : {}),
    };
  }
  const info: ModulePublic = { Path: m.path, Version: m.version };
  if (mg !== undefined && !mg.direct.has(m.path)) info.Indirect = true;
  const complete = async (mp: ModulePublic): Promise<void> => {
    if (mp.Version) {
      try {
        const vi = await loader.options.source.info?.({ path: mp.Path, version: mp.Version });
        if (vi) {
          mp.Version = vi.version;
          mp.Time = vi.time ?? ZERO_TIME;
        }
      } catch (e) {
        mp.Error = { Err: (e as Error).message };
      }
    }
    const mv = { path: mp.Path, version: mp.Version ?? '' };
    if (mp.GoVersion === undefined) {
      try {
        const s = await loader.rawGoModSummary(mv);
        if (s.goVersion !== '') mp.GoVersion = s.goVersion;
      } catch {
        // A go.mod that cannot be read leaves GoVersion empty, as in the go command.
      }
    }
    if (mp.Version) {
      const gomod = cachePath(ctx.modcache, mv, 'mod');
      if (await isFile(gomod)) mp.GoMod = gomod;
      const dir = downloadDir(ctx.modcache, mv);
      if (await isDir(dir)) mp.Dir = dir;
    }
  };
  const r = m.version === '' && m.path === loader.main.path ? undefined : loader.replacements.replacement(m);
  if (!r) {
    await complete(info);
    return orderKeys(info);
  }
  const rep: ModulePublic = { Path: r.path, ...(r.version !== '' ? { Version: r.version } : {}) };
  if (r.version === '') {
    rep.Dir = path.isAbsolute(r.path) ? r.path : path.join(loader.main.root, r.path);
    rep.GoMod = path.join(rep.Dir, 'go.mod');
  }
  await complete(rep);
  info.Replace = orderKeys(rep);
  if (rep.Dir) info.Dir = rep.Dir;
  if (rep.GoMod) info.GoMod = rep.GoMod;
  if (rep.GoVersion) info.GoVersion = rep.GoVersion;
  return orderKeys(info);
}

const ORDER: Array<keyof ModulePublic> = [
  'Path',
  'Version',
  'Query',
  'Versions',
  'Replace',
  'Time',
  'Update',
  'Main',
  'Indirect',
  'Dir',
  'GoMod',
  'GoVersion',
  'Retracted',
  'Deprecated',
  'Error',
];

/** orderKeys returns mp with its keys in Go's struct order (for JSON output). */
export function orderKeys(mp: ModulePublic): ModulePublic {
  const out: Record<string, unknown> = {};
  for (const k of ORDER) if (mp[k] !== undefined) out[k] = mp[k];
  return out as unknown as ModulePublic;
}

/**
 * allowedVersions returns the module's versions from the proxy that are not excluded
 * (and not retracted unless listRetracted), sorted by semver.
 */
async function allowedVersions(ctx: ListContext, p: string, withRetracted: boolean): Promise<string[]> {
  const src = ctx.loader.options.source;
  if (!src.versions) throw new Error(`${p}: listing versions is not supported by this module source`);
  const list = (await src.versions(p)).filter((v) => semver.isValid(v) && !ctx.loader.excluded.has(`${p}@${v}`));
  semver.sort(list);
  if (withRetracted || list.length === 0) return list;
  const retract = await latestRetractions(ctx, p, list);
  return list.filter((v) => retractionsFor(v, retract) === undefined);
}

/** latestRetractions reads the retract directives of the module's latest version's go.mod. */
async function latestRetractions(ctx: ListContext, p: string, sorted: readonly string[]) {
  const latest = pickLatest(sorted);
  if (latest === undefined) return [];
  try {
    const s = await ctx.loader.rawGoModSummary(ctx.loader.resolveReplacement({ path: p, version: latest }));
    return s.retract;
  } catch {
    return [];
  }
}

/** pickLatest returns the highest release version, or the highest prerelease when there is no release. */
function pickLatest(sorted: readonly string[]): string | undefined {
  const releases = sorted.filter((v) => semver.prerelease(v) === '');
  return releases.at(-1) ?? sorted.at(-1);
}

/** addUpdate sets Update to the latest allowed version above mp.Version (modload.addUpdate). */
async function addUpdate(ctx: ListContext, mp: ModulePublic): Promise<void> {
  if (!mp.Version) return;
  let list: string[];
  try {
    list = await allowedVersions(ctx, mp.Path, false);
  } catch (e) {
    mp.Error ??= { Err: (e as Error).message };
    return;
  }
  const latest = pickLatest(list);
  if (latest !== undefined && semver.compare(latest, mp.Version) > 0) {
    let time = ZERO_TIME;
    try {
      time = (await ctx.loader.options.source.info?.({ path: mp.Path, version: latest }))?.time ?? ZERO_TIME;
    } catch {
      // The time stays zero when the .info cannot be read.
    }
    mp.Update = { Path: mp.Path, Version: latest, Time: time };
  }
}

async function addRetraction(ctx: ListContext, mp: ModulePublic): Promise<void> {
  if (!mp.Version) return;
  try {
    const src = ctx.loader.options.source;
    if (!src.versions) return;
    const list = (await src.versions(mp.Path)).filter((v) => semver.isValid(v));
    semver.sort(list);
    const r = retractionsFor(mp.Version, await latestRetractions(ctx, mp.Path, list));
    if (r) mp.Retracted = r.every((x) => x === '') ? ['retracted by module author'] : r.filter((x) => x !== '');
  } catch {
    // Retraction information is best effort, as in the go command.
  }
}

async function addDeprecation(ctx: ListContext, mp: ModulePublic): Promise<void> {
  try {
    const src = ctx.loader.options.source;
    if (!src.versions) return;
    const list = (await src.versions(mp.Path)).filter((v) => semver.isValid(v));
    semver.sort(list);
    const latest = pickLatest(list);
    if (latest === undefined) return;
    const s = await ctx.loader.rawGoModSummary(ctx.loader.resolveReplacement({ path: mp.Path, version: latest }));
    if (s.deprecated !== '') mp.Deprecated = s.deprecated;
  } catch {
    // Deprecation information is best effort.
  }
}

/** ListResult is the records plus what the go command prints on stderr while listing. */
export interface ListResult {
  readonly modules: ModulePublic[];
  readonly warnings: string[];
}

/**
 * listModules resolves the arguments of `go list -m` (none: the main module; "all";
 * patterns with "..."; module paths; path@version queries) against the module graph.
 */
export async function listModules(
  ctx: ListContext,
  args: readonly string[],
  mode: ListMode,
  mg?: ModuleGraph,
): Promise<ListResult> {
  const warnings: string[] = [];
  const mods: ModulePublic[] = [];
  if (args.length === 0) {
    mods.push(await moduleInfo(ctx, undefined, { path: ctx.loader.main.path, version: '' }));
  } else {
    const graph = mg ?? (await ctx.loader.loadModGraph());
    const matched = new Set<string>();
    for (const arg of args) {
      const at = arg.indexOf('@');
      if (at >= 0) {
        const p = arg.slice(0, at);
        const vers = arg.slice(at + 1);
        try {
          const v = await queryVersion(ctx, p, vers, graph.selected(p), mode.retracted === true);
          const mp = await moduleInfo(ctx, undefined, { path: p, version: v });
          if (vers !== mp.Version) mp.Query = vers;
          mods.push(orderKeys(mp));
        } catch (e) {
          mods.push({ Path: p, Version: vers, Error: { Err: (e as Error).message } });
        }
        continue;
      }
      if (arg !== 'all' && !arg.includes('...')) {
        const v = graph.selected(arg);
        if (v !== 'none') mods.push(await moduleInfo(ctx, graph, { path: arg, version: v }));
        else if (mode.versions) mods.push({ Path: arg });
        else mods.push({ Path: arg, Error: { Err: `module ${arg}: not a known dependency` } });
        continue;
      }
      const match = arg === 'all' ? () => true : matchPattern(arg);
      let any = false;
      const list = graph.buildList();
      const infos = await Promise.all(
        list.map((m) =>
          match(m.path) && !matched.has(key(m)) ? moduleInfo(ctx, graph, m) : Promise.resolve(undefined),
        ),
      );
      list.forEach((m, i) => {
        if (!match(m.path)) return;
        any = true;
        if (matched.has(key(m))) return;
        matched.add(key(m));
        mods.push(infos[i]!);
      });
      if (!any) warnings.push(`warning: pattern "${arg}" matched no module dependencies`);
    }
  }
  if (mode.u || mode.versions || mode.retracted) {
    await Promise.all(
      mods
        .flatMap((m) => [m, ...(m.Replace ? [m.Replace] : [])])
        .map(async (m) => {
          if (m.Main) return;
          if (mode.u) await addUpdate(ctx, m);
          if (mode.versions) {
            try {
              m.Versions = await allowedVersions(ctx, m.Path, mode.retracted === true);
              if (m.Versions.length === 0) delete m.Versions;
            } catch (e) {
              m.Error ??= { Err: (e as Error).message };
            }
          }
          if (mode.retracted || mode.u) await addRetraction(ctx, m);
          if (mode.u) await addDeprecation(ctx, m);
        }),
    );
  }
  return { modules: mods.map((m) => reorder(m)), warnings };
}

function reorder(m: ModulePublic): ModulePublic {
  const o = orderKeys(m);
  if (o.Replace) o.Replace = orderKeys(o.Replace);
  if (o.Update) o.Update = orderKeys(o.Update);
  return o;
}

/**
 * queryVersion resolves a version query for list -m path@query: a canonical semantic
 * version is used as is (after checking its .info); "latest", "upgrade" and "patch"
 * use the proxy's version list. Other queries are not supported and reject.
 */
async function queryVersion(
  ctx: ListContext,
  p: string,
  q: string,
  current: string,
  withRetracted: boolean,
): Promise<string> {
  if (semver.isValid(q) && semver.canonical(q) === q) {
    const vi = await ctx.loader.options.source.info?.({ path: p, version: q });
    return vi?.version ?? q;
  }
  if (q === 'latest' || q === 'upgrade' || q === 'patch') {
    let list = await allowedVersions(ctx, p, withRetracted);
    if (q === 'patch' && current !== 'none' && current !== '')
      list = list.filter((v) => semver.majorMinor(v) === semver.majorMinor(current));
    const latest = pickLatest(list);
    if (latest === undefined) throw new Error(`module ${p}: no matching versions for query "${q}"`);
    if (
      (q === 'upgrade' || q === 'patch') &&
      current !== 'none' &&
      current !== '' &&
      semver.compare(current, latest) > 0
    )
      return current;
    return latest;
  }
  throw new Error(`${p}@${q}: version queries other than versions, latest, upgrade and patch are not supported`);
}

/** formatModule prints mp as `go list -m` does without -f (ModulePublic.String). */
export function formatModule(mp: ModulePublic, versionsMode = false): string {
  if (versionsMode)
    return `${mp.Path}${(mp.Versions ?? []).map((v) => ' ' + v).join('')}${mp.Deprecated ? ' (deprecated)' : ''}`;
  const vs = (m: ModulePublic) =>
    m.Retracted && m.Retracted.length > 0 ? `${m.Version} (retracted)` : (m.Version ?? '');
  let s = mp.Path;
  if (mp.Version) {
    s += ' ' + vs(mp);
    if (mp.Update) s += ` [${vs(mp.Update)}]`;
  }
  if (mp.Deprecated) s += ' (deprecated)';
  if (mp.Replace) {
    s += ' => ' + mp.Replace.Path;
    if (mp.Replace.Version) {
      s += ' ' + vs(mp.Replace);
      if (mp.Replace.Update) s += ` [${vs(mp.Replace.Update)}]`;
    }
    if (mp.Replace.Deprecated) s += ' (deprecated)';
  }
  return s;
}

/**
 * goJson encodes v as Go's json.MarshalIndent(v, "", "\t") does: tab indentation,
 * "<", ">", "&", U+2028 and U+2029 escaped, no trailing newline.
 */
export function goJson(v: unknown): string {
  return JSON.stringify(v, null, '\t').replace(
    /[<>&\u2028\u2029]/g,
    (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}
