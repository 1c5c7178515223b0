/**
 * `go list -m` (cmd/go's modload.ListModules, listModules and moduleInfo): the
 * ModulePublic records of the main module(s), of modules in the build list matched by
 * "all" or `...` patterns, of module paths and of path@query arguments, with the -u,
 * -versions and -retracted additions, and Go's text (ModulePublic.String) and JSON forms.
 *
 * As in the go command, the full module graph is read only when an argument needs it
 * (a pattern, a module that is not a root of a pruned graph, upgrade/patch queries of
 * such modules); everything else is answered from the main module's requirements.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import * as semver from '../semver/index.js';
import * as gover from '../gover/index.js';
import { cachePath, downloadDirReady } from './source.js';
import { key } from '../mvs/index.js';
import { CodedError } from '../internal/errors.js';
import { retractionsFor, type Loader, type ModuleGraph, type Requirements } from './load.js';
import { isNotFound, query as queryModule } from './query.js';
import { isRevisionQuery } from '../goproxy/query.js';
import type { GoModRetract, ModuleVersion, VersionInfo } from './types.js';

export { isRevisionQuery };

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

/** ListContext is the loader and module cache a listing works with. */
export interface ListContext {
  readonly loader: Loader;
  /** $GOMODCACHE, for Dir and GoMod. */
  readonly modcache: string;
  /**
   * textOnly: the records are printed as `go list -m` prints them without -json or -f,
   * which never shows Dir or GoMod, so the module cache is not searched for them.
   */
  readonly textOnly?: boolean;
}

/** Direct is what moduleInfo needs of the requirements a module came from (undefined: a query result). */
type From = { readonly direct: ReadonlySet<string> } | undefined;

function isFile(p: string): boolean {
  return statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}

/** errMessage returns an error's message. */
function errMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** isNoMatch reports whether e is a NoMatchingVersionError. */
function isNoMatch(e: unknown): boolean {
  return e instanceof CodedError && e.code === 'ERR_GOPROXY_NO_MATCH';
}

/** isDisallowed reports whether e says a version is excluded or retracted (errors.Is(err, ErrDisallowed)). */
function isDisallowed(e: unknown): boolean {
  return e instanceof CodedError && e.code === 'ERR_MODLOAD_DISALLOWED';
}

/** DisallowedError says a version is excluded or retracted (errors.Is(err, ErrDisallowed)). */
class DisallowedError extends CodedError {
  readonly rationale: readonly string[];
  constructor(m: ModuleVersion, what: 'excluded' | 'retracted', rationale: readonly string[] = []) {
    super(
      'ERR_MODLOAD_DISALLOWED',
      `${m.path}@${m.version}: ${what === 'excluded' ? 'excluded by go.mod' : 'retracted by module author'}`,
      { path: m.path, version: m.version, what },
    );
    this.rationale = rationale;
  }
}

/**
 * Lister answers `go list -m` for one loader, caching the latest-version lookups that
 * retraction and deprecation checks share (queryLatestVersionIgnoringRetractions).
 */
export class Lister {
  readonly ctx: ListContext;
  readonly #latest = new Map<string, Promise<ModuleVersion>>();

  constructor(ctx: ListContext) {
    this.ctx = ctx;
  }

  get #loader(): Loader {
    return this.ctx.loader;
  }

  /** stat resolves an exact version through the cache, then the proxy (cachingRepo.Stat). */
  async stat(m: ModuleVersion): Promise<VersionInfo> {
    const src = this.#loader.options.source;
    const cached = src.infoCached?.(m);
    if (cached) return cached;
    if (!src.info) return { version: m.version };
    return src.info(m);
  }

  /**
   * query resolves path@q as modload.Query (see query.ts); with allowed, excluded and
   * retracted versions are skipped (CheckAllowed). Resolved versions' .info files are
   * cached through the source, as the go command's cachingRepo does.
   */
  query(p: string, q: string, current: string, allowed?: boolean): Promise<VersionInfo> {
    if (!allowed && semver.isValid(q) && semver.canonical(q) === q) {
      // An exact version is a stat; a cached .info answers it at once.
      const cached = this.#loader.options.source.infoCached?.({ path: p, version: q });
      if (cached) return Promise.resolve(cached);
    }
    return queryModule(this.#loader, p, q, current, allowed ? this.allowedTri : undefined);
  }

  /** allowedTri turns checkAllowed into the query's filter: allowed, "disallowed", or the error that decided nothing. */
  readonly allowedTri = async (m: ModuleVersion): Promise<true | 'disallowed' | Error> => {
    try {
      await this.checkAllowed(m);
      return true;
    } catch (e) {
      return isDisallowed(e) ? 'disallowed' : e instanceof Error ? e : new Error(String(e));
    }
  };

  /** queryLatestVersionIgnoringRetractions returns the latest version of p (or its replacement). */
  latestIgnoringRetractions(p: string): Promise<ModuleVersion> {
    let r = this.#latest.get(p);
    if (!r) {
      r = (async () => {
        const repl = this.#loader.replacements.replacement({ path: p, version: '' });
        if (repl) return repl;
        const rev = await this.query(p, 'latest', '');
        const latest = { path: p, version: rev.version };
        return this.#loader.resolveReplacement(latest);
      })();
      r.catch(() => {});
      this.#latest.set(p, r);
    }
    return r;
  }

  /**
   * checkRetractions rejects with a DisallowedError when m is retracted by the go.mod
   * of its module's latest version, and with "loading module retractions for m: …"
   * when that go.mod cannot be loaded (CheckRetractions).
   */
  async checkRetractions(m: ModuleVersion): Promise<void> {
    if (m.version === '') return;
    if (this.#loader.replacements.replacement({ path: m.path, version: '' })) return;
    let retract: readonly GoModRetract[];
    try {
      const rm = await this.latestIgnoringRetractions(m.path);
      retract = (await this.#loader.rawGoModSummary(rm)).retract;
    } catch (e) {
      let inner = e;
      const me = e as { path?: unknown; version?: unknown; err?: unknown };
      if (typeof me.path === 'string' && typeof me.version === 'string' && me.err instanceof Error) inner = me.err;
      throw new CodedError(
        'ERR_MODLOAD_RETRACTIONS',
        `loading module retractions for ${m.path}@${m.version}: ${errMessage(inner)}`,
        { path: m.path, version: m.version, notFound: isNotFound(e) || isNoMatch(e) },
        { cause: e },
      );
    }
    const hits = retractionsFor(m.version, retract);
    if (hits)
      throw new DisallowedError(
        m,
        'retracted',
        hits.filter((r) => r !== ''),
      );
  }

  /** checkAllowed is CheckAllowed: excluded by a main module, or retracted. */
  async checkAllowed(m: ModuleVersion): Promise<void> {
    if (this.#loader.excluded.has(key(m))) throw new DisallowedError(m, 'excluded');
    await this.checkRetractions(m);
  }

  /** versions lists the versions of p that pass allowed, sorted (modload.versions). */
  async versions(p: string, withRetracted: boolean): Promise<string[]> {
    const src = this.#loader.options.source;
    if (!src.versions) throw new Error(`${p}: listing versions is not supported by this module source`);
    const list = (await src.versions(p)).filter((v) => semver.isValid(v));
    semver.sort(list);
    const out: string[] = [];
    for (const v of list) {
      const m = { path: p, version: v };
      try {
        if (withRetracted) {
          if (this.#loader.excluded.has(key(m))) throw new DisallowedError(m, 'excluded');
        } else {
          await this.checkAllowed(m);
        }
        out.push(v);
      } catch (e) {
        if (!(e instanceof DisallowedError)) throw e;
      }
    }
    return out;
  }

  /** addUpdate sets Update to the version "upgrade" resolves to when it is higher (modload.addUpdate). */
  async addUpdate(mp: ModulePublic): Promise<void> {
    if (!mp.Version) return;
    let info: VersionInfo;
    try {
      info = await this.query(mp.Path, 'upgrade', mp.Version, true);
    } catch (e) {
      if (isDisallowed(e) || isNotFound(e) || isNoMatch(e)) return;
      mp.Error ??= { Err: errMessage(e) };
      return;
    }
    if (semver.compare(info.version, mp.Version) > 0) {
      mp.Update = { Path: mp.Path, Version: info.version, Time: info.time ?? ZERO_TIME };
    }
  }

  /** addVersions sets Versions (modload.addVersions); excluded versions never appear, retracted ones only with withRetracted. */
  async addVersions(mp: ModulePublic, withRetracted: boolean): Promise<void> {
    try {
      const v = await this.versions(mp.Path, withRetracted);
      if (v.length > 0) mp.Versions = v;
    } catch (e) {
      mp.Error ??= { Err: errMessage(e) };
    }
  }

  /** addRetraction sets Retracted when the module's author retracted mp.Version (modload.addRetraction). */
  async addRetraction(mp: ModulePublic): Promise<void> {
    if (!mp.Version) return;
    try {
      await this.checkRetractions({ path: mp.Path, version: mp.Version });
    } catch (e) {
      if (e instanceof DisallowedError) {
        mp.Retracted = e.rationale.length === 0 ? ['retracted by module author'] : [...e.rationale];
      } else if (!(isNotFound(e) || isNoMatch(e))) {
        mp.Error ??= { Err: errMessage(e) };
      }
    }
  }

  /** addDeprecation sets Deprecated from the go.mod of the module's latest version (modload.addDeprecation). */
  async addDeprecation(mp: ModulePublic): Promise<void> {
    if (!mp.Version) return;
    if (this.#loader.replacements.replacement({ path: mp.Path, version: '' })) return;
    try {
      const latest = await this.latestIgnoringRetractions(mp.Path);
      const s = await this.#loader.rawGoModSummary(latest);
      if (s.deprecated !== '') mp.Deprecated = s.deprecated;
    } catch (e) {
      if (isNotFound(e) || isNoMatch(e)) return;
      mp.Error ??= { Err: `loading deprecation for ${mp.Path}: ${errMessage(e)}` };
    }
  }

  /**
   * moduleInfo builds the ModulePublic record of m as cmd/go's moduleInfo does: the
   * main module with Main/Dir/GoMod/GoVersion; a dependency with Indirect (when it
   * comes from requirements), Version and Time from its .info, GoVersion, GoMod and Dir
   * from the module cache (only with their go.sum entries under -mod=readonly), and
   * Replace (whose Dir/GoMod/GoVersion/Retracted it then shows).
   */
  async moduleInfo(from: From, m: ModuleVersion, mode: ListMode = {}): Promise<ModulePublic> {
    const loader = this.#loader;
    const main = loader.mains.find((mm) => mm.path === m.path);
    if (m.version === '' && main) {
      return orderKeys({
        Path: m.path,
        Main: true,
        ...(main.root !== '' ? { Dir: main.root, GoMod: main.goModPath } : {}),
        ...(loader.rawGoVersions.get(key(m)) ? { GoVersion: loader.rawGoVersions.get(key(m))! } : {}),
      });
    }
    const info: ModulePublic = { Path: m.path, Version: m.version };
    if (from !== undefined && !from.direct.has(m.path)) info.Indirect = true;
    const gv = loader.rawGoVersions.get(key(m));
    if (gv) info.GoVersion = gv;

    const complete = async (mp: ModulePublic): Promise<void> => {
      if (gover.isToolchain(mp.Path)) return;
      const checksumOk = (suffix: string): boolean => {
        if (from === undefined || !mp.Version) return true;
        const must = loader.release.goModSumWording
          ? loader.options.buildMod === 'readonly' && !loader.inWorkspace
          : loader.options.buildMod !== 'mod';
        if (!must) return true;
        return loader.options.haveSum?.({ path: mp.Path, version: mp.Version + suffix }) ?? true;
      };
      if (mp.Version) {
        try {
          const q = await this.query(mp.Path, mp.Version, '');
          mp.Version = q.version;
          mp.Time = q.time ?? ZERO_TIME;
        } catch (e) {
          mp.Error = { Err: errMessage(e) };
        }
      }
      const mod = { path: mp.Path, version: mp.Version ?? '' };
      if (!mp.GoVersion && checksumOk('/go.mod')) {
        try {
          const s = await loader.rawGoModSummary(mod);
          if (s.goVersion !== '') mp.GoVersion = s.goVersion;
        } catch {
          // A go.mod that cannot be read leaves GoVersion empty, as in the go command.
        }
      }
      if (mp.Version) {
        if (checksumOk('/go.mod') && !this.ctx.textOnly) {
          try {
            const gomod = cachePath(this.ctx.modcache, mod, 'mod');
            if (isFile(gomod)) mp.GoMod = gomod;
          } catch {
            // An invalid version has no cache path.
          }
        }
        if (checksumOk('') && !this.ctx.textOnly) {
          const dir = downloadDirReady(this.ctx.modcache, mod);
          if (dir !== undefined) mp.Dir = dir;
        }
        if (mode.retracted) await this.addRetraction(mp);
      }
    };

    if (from === undefined) {
      await complete(info);
      return orderKeys(info);
    }
    const r = loader.replacements.replacement(m);
    if (!r) {
      if (loader.options.buildMod !== 'vendor') await complete(info);
      return orderKeys(info);
    }
    const rep: ModulePublic = { Path: r.path, ...(r.version !== '' ? { Version: r.version } : {}) };
    if (gv) rep.GoVersion = gv;
    if (r.version === '') {
      rep.Dir = loader.replacements.dir(r);
      rep.GoMod = path.join(rep.Dir, 'go.mod');
    }
    if (loader.options.buildMod !== 'vendor') {
      await complete(rep);
      if (rep.Dir !== undefined) info.Dir = rep.Dir;
      else delete info.Dir;
      if (rep.GoMod !== undefined) info.GoMod = rep.GoMod;
      else delete info.GoMod;
      if (rep.Retracted !== undefined) info.Retracted = rep.Retracted;
    }
    info.Replace = orderKeys(rep);
    if (rep.GoVersion !== undefined) info.GoVersion = rep.GoVersion;
    else delete info.GoVersion;
    return orderKeys(info);
  }

  /**
   * list resolves the arguments of `go list -m` (none: the main modules; "all";
   * patterns with "..."; module paths; path@query) against rs, reading the full graph
   * only when an argument needs it (listModules). It resolves with the records, the
   * requirements after any root update, and the error that kept the graph incomplete.
   * fatal holds a usage error of the go command (base.Fatalf) when an argument is unusable.
   */
  async list(
    rs: Requirements,
    args: readonly string[],
    mode: ListMode,
  ): Promise<{ modules: ModulePublic[]; rs: Requirements; err?: Error; warnings: string[]; mg?: ModuleGraph }> {
    const loader = this.#loader;
    const warnings: string[] = [];
    const mods: ModulePublic[] = [];
    if (args.length === 0) {
      for (const mm of loader.mains) mods.push(await this.moduleInfo(rs, { path: mm.path, version: '' }, mode));
      return { modules: mods, rs, warnings };
    }
    let needFullGraph = false;
    for (const arg of args) {
      if (arg.includes('\\')) throw new CodedError('ERR_MODLOAD_BACKSLASH', 'module paths never use backslash', {});
      if (arg === '.' || arg === '..' || arg.startsWith('./') || arg.startsWith('../')) {
        throw new CodedError('ERR_MODLOAD_RELATIVE_PATH', `cannot use relative path ${arg} to specify module`, { arg });
      }
      if (arg === 'all' || arg.includes('...')) {
        needFullGraph = true;
        continue;
      }
      const at = arg.indexOf('@');
      if (at >= 0) {
        const vers = arg.slice(at + 1);
        if (vers === 'upgrade' || vers === 'patch') {
          if (rs.rootSelected(arg.slice(0, at)) === undefined || rs.pruning === 'unpruned') needFullGraph = true;
        }
        continue;
      }
      if (rs.rootSelected(arg) === undefined || rs.pruning === 'unpruned') needFullGraph = true;
    }
    let mg: ModuleGraph | undefined;
    let mgErr: Error | undefined;
    if (needFullGraph) {
      const ex = await loader.expandGraph(rs);
      rs = ex.rs;
      mg = ex.mg;
      mgErr = ex.err;
    }
    const selected = (p: string) => (mg ? mg.selected(p) : (rs.rootSelected(p) ?? 'none'));

    // Records are built concurrently (bounded) but kept in argument order.
    const jobs: Array<() => Promise<ModulePublic>> = [];
    const matched = new Set<string>();
    for (const arg of args) {
      const at = arg.indexOf('@');
      if (at >= 0) {
        const p = arg.slice(0, at);
        const vers = arg.slice(at + 1);
        const current = selected(p);
        if (current === 'none' && mgErr && (vers === 'upgrade' || vers === 'patch')) continue;
        const revision = isRevisionQuery(vers);
        jobs.push(async () => {
          try {
            const info = await this.query(p, vers, current, !(revision || mode.retracted));
            const mp = await this.moduleInfo(undefined, { path: p, version: info.version }, mode);
            if (vers !== mp.Version) mp.Query = vers;
            return orderKeys(mp);
          } catch (e) {
            return { Path: p, Version: vers, Error: { Err: modinfoError(p, vers, e) } };
          }
        });
        continue;
      }
      if (arg !== 'all' && !arg.includes('...')) {
        const v = selected(arg);
        if (v === 'none' && mgErr) continue;
        if (v !== 'none') jobs.push(() => this.moduleInfo(rs, { path: arg, version: v }, mode));
        else if (loader.options.buildMod === 'vendor') {
          jobs.push(async () => ({
            Path: arg,
            Error: {
              Err: `module ${arg}: can't resolve module using the vendor directory\n\t(Use -mod=mod or -mod=readonly to bypass.)`,
            },
          }));
        } else if (mode.versions) jobs.push(async () => ({ Path: arg }));
        else jobs.push(async () => ({ Path: arg, Error: { Err: `module ${arg}: not a known dependency` } }));
        continue;
      }
      const pm = arg === 'all' ? () => true : matchPattern(arg);
      const match = (p: string) => pm(p) && !gover.isToolchain(p);
      let any = false;
      for (const m of mg!.buildList()) {
        if (!match(m.path)) continue;
        any = true;
        if (matched.has(key(m))) continue;
        matched.add(key(m));
        jobs.push(() => this.moduleInfo(rs, m, mode));
      }
      if (!any) warnings.push(`warning: pattern "${arg}" matched no module dependencies`);
    }
    mods.push(...(await runBounded(jobs, 32)));
    return { modules: mods, rs, ...(mgErr ? { err: mgErr } : {}), warnings, ...(mg ? { mg } : {}) };
  }

  /** addModeInfo fills Update, Versions, Retracted and Deprecated as -u, -versions and -retracted ask. */
  async addModeInfo(mods: readonly ModulePublic[], mode: ListMode): Promise<void> {
    if (!mode.u && !mode.versions && !mode.retracted) return;
    const targets = mods.flatMap((m) => [m, ...(m.Replace ? [m.Replace] : [])]);
    await runBounded(
      targets.map((m) => async () => {
        if (mode.u) await this.addUpdate(m);
        if (mode.versions) await this.addVersions(m, mode.retracted === true);
        if (mode.retracted || mode.u) await this.addRetraction(m);
        if (mode.u) await this.addDeprecation(m);
      }),
      16,
    );
  }
}

/** runBounded runs jobs with at most limit in flight and resolves with their results in order. */
export async function runBounded<T>(jobs: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const out = new Array<T>(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return out;
}

/**
 * modinfoError words a query failure as modload.modinfoError: a "no matching versions"
 * error names the module only; errors that already name the module stay as they are;
 * anything else becomes "path@query: err".
 */
export function modinfoError(p: string, vers: string, e: unknown): string {
  const msg = errMessage(e);
  if (isNoMatch(e) && !msg.startsWith(`${p}@`)) return `module ${p}: ${msg}`;
  const me = e as { path?: unknown; version?: unknown; err?: unknown };
  if (typeof me.path === 'string' && typeof me.version === 'string' && me.err instanceof Error) return msg;
  if (msg.startsWith(`${p}@`) || msg.startsWith(`module ${p}:`)) return msg;
  return vers === '' ? `module ${p}: ${msg}` : `${p}@${vers}: ${msg}`;
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

/** orderKeys returns mp with its keys in Go's struct order (for JSON output), nested records too. */
export function orderKeys(mp: ModulePublic): ModulePublic {
  const out: Record<string, unknown> = {};
  for (const k of ORDER) {
    const v = mp[k];
    if (v === undefined) continue;
    out[k] = k === 'Replace' || k === 'Update' ? orderKeys(v as ModulePublic) : v;
  }
  return out as unknown as ModulePublic;
}

/** ListResult is the records plus what the go command prints on stderr while listing. */
export interface ListResult {
  readonly modules: ModulePublic[];
  readonly warnings: string[];
}

/**
 * moduleInfo builds the ModulePublic record of m (see Lister.moduleInfo); with mg the
 * record is for a module of that graph (Indirect from its direct set), without it a
 * query result.
 */
export async function moduleInfo(
  ctx: ListContext,
  mg: ModuleGraph | undefined,
  m: ModuleVersion,
): Promise<ModulePublic> {
  return new Lister(ctx).moduleInfo(mg, m);
}

/**
 * listModules resolves the arguments of `go list -m` against mg (loaded when not
 * given) and adds what mode asks for. Errors of individual records are in their Error
 * fields; an error that kept the graph incomplete rejects.
 */
export async function listModules(
  ctx: ListContext,
  args: readonly string[],
  mode: ListMode,
  mg?: ModuleGraph,
): Promise<ListResult> {
  const lister = new Lister(ctx);
  const loader = ctx.loader;
  if (mg) await loader.loadModGraph();
  const rs = loader.requirements ?? (await loader.loadModFile());
  const res = await lister.list(rs, args, mode);
  if (res.err) throw res.err;
  await lister.addModeInfo(res.modules, mode);
  return { modules: res.modules.map(orderKeys), warnings: res.warnings };
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
