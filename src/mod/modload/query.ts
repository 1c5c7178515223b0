/**
 * Version queries (cmd/go's modload.Query and queryProxy; https://go.dev/ref/mod#version-queries):
 * an exact version, a version prefix (v1, v1.2), a comparison (<v1.2.3, >=v1.2.0),
 * "latest", "upgrade" or "patch", resolved against the versions the module supply
 * lists, filtered by an allowed function (exclusions, retractions), preferring releases
 * over prereleases, and ignoring +incompatible versions above a compatible version that
 * has a go.mod file (golang.org/issue/34165).
 *
 * A module path that the main module replaces is looked up through a "replacement
 * repository" as the go command does: the replaced versions count as available, a
 * replaced version that the supply does not have still resolves, and "latest" may be
 * the highest replaced version (or, for a path-wide replacement, the zero pseudo-version).
 */
import { CodedError } from '../internal/errors.js';
import * as semver from '../semver/index.js';
import * as module from '../module/index.js';
import { checkQueryCurrent, noMatchMessage, queryRepo, type QueryFailure } from '../goproxy/query.js';
import type { Loader } from './load.js';
import type { ModuleVersion, VersionInfo } from './types.js';

/** Allowed says whether a version may be chosen: "yes", "disallowed" (excluded, retracted), or another error. */
export type Allowed = (m: ModuleVersion) => Promise<true | 'disallowed' | Error>;

/** NoMatchingVersionError is the go command's "no matching versions for query" error. */
export class NoMatchingVersionError extends CodedError {
  constructor(p: string, query: string, current: string) {
    super('ERR_GOPROXY_NO_MATCH', noMatchMessage(query, current), {
      path: p,
      query,
      notFound: false,
    });
  }
}

/** VersionRepo is one module's versions as a query sees them (modload.versionRepo). */
interface VersionRepo {
  versions(prefix: string): Promise<string[]>;
  stat(rev: string): Promise<VersionInfo>;
  latest(): Promise<VersionInfo>;
  goMod(version: string): Promise<Uint8Array>;
}

/** isNotFound reports whether e means "does not exist" (fs.ErrNotExist). */
export function isNotFound(e: unknown): boolean {
  return e instanceof CodedError && (e.fields['notFound'] === true || e.code === 'ERR_MODLOAD_NOT_IN_CACHE');
}

/** lookupRepo returns the repository of p: the supply's, wrapped when the main module replaces p. */
function lookupRepo(loader: Loader, p: string): VersionRepo {
  const src = loader.options.source;
  let base: VersionRepo;
  const pathErr = module.checkPath(p);
  if (pathErr === undefined) {
    base = {
      versions: async (prefix) => {
        if (!src.versions) return [];
        const list = (await src.versions(p)).filter(
          (v) => semver.isValid(v) && v.startsWith(prefix) && !module.isPseudoVersion(v),
        );
        return semver.sort(list);
      },
      stat: async (rev) => (src.info ? src.info({ path: p, version: rev }) : { version: rev }),
      latest: async () => {
        if (!src.latest) throw new CodedError('ERR_GOPROXY_NOT_FOUND', `${p}: no latest version`, { notFound: true });
        return src.latest(p);
      },
      goMod: (version) => src.goMod({ path: p, version }),
    };
  } else {
    base = {
      versions: async () => [],
      stat: async () => {
        throw pathErr;
      },
      latest: async () => {
        throw pathErr;
      },
      goMod: (version) => src.goMod({ path: p, version }),
    };
  }
  const replaced = highestReplaced(loader, p);
  if (replaced === undefined) return base;

  const replacementStat = (v: string): VersionInfo => {
    if (module.isPseudoVersion(v)) {
      try {
        return { version: v, time: module.pseudoVersionTime(v).toISOString().replace('.000Z', 'Z') };
      } catch {
        return { version: v };
      }
    }
    return { version: v };
  };
  return {
    versions: async (prefix) => {
      let list: string[];
      try {
        list = await base.versions(prefix);
      } catch (e) {
        if (!isNotFound(e)) throw e;
        list = [];
      }
      const extra = replacedVersions(loader, p).filter(
        (v) => v !== '' && v.startsWith(prefix) && !module.isPseudoVersion(v),
      );
      if (extra.length === 0) return list;
      return [...new Set(semver.sort([...list, ...extra]))];
    },
    stat: async (rev) => {
      try {
        return await base.stat(rev);
      } catch (e) {
        const v = module.canonicalVersion(rev);
        if (v !== rev) throw e;
        let vv = v;
        const split = module.splitPathVersion(p);
        if (split.ok && split.pathMajor === '' && module.checkPathMajor(vv, '') && semver.build(vv) === '') {
          vv += '+incompatible';
        }
        if (!loader.replacements.replacement({ path: p, version: vv })) throw e;
        return replacementStat(vv);
      }
    },
    latest: async () => {
      let info: VersionInfo | undefined;
      let err: unknown;
      try {
        info = await base.latest();
      } catch (e) {
        err = e;
      }
      let v = replaced;
      if (v === '') {
        const split = module.splitPathVersion(p);
        const major = split.ok && split.pathMajor.length > 0 ? split.pathMajor.slice(1) : 'v0';
        v = module.zeroPseudoVersion(major);
      }
      if (err !== undefined || semver.compare(v, info!.version) > 0) return replacementStat(v);
      return info!;
    },
    goMod: base.goMod,
  };
}

/** replacedVersions lists the versions of p named on the left of the main modules' replace directives ("" = all). */
function replacedVersions(loader: Loader, p: string): string[] {
  const out: string[] = [];
  for (const mm of loader.mains) for (const r of mm.file.replace) if (r.old.path === p) out.push(r.old.version);
  for (const r of loader.options.workspace?.replace ?? []) if (r.old.path === p) out.push(r.old.version);
  return out;
}

/** highestReplaced returns the highest replaced version of p ("" for a path-wide replacement only), or undefined. */
function highestReplaced(loader: Loader, p: string): string | undefined {
  let best: string | undefined;
  for (const v of replacedVersions(loader, p)) {
    if (best === undefined || (v !== '' && (best === '' || semver.compare(v, best) > 0))) best = v;
  }
  return best;
}

/**
 * query resolves p@q as modload.Query does. current is the currently selected version
 * ("none" when there is none, "" when unknown); allowed may be undefined (everything
 * allowed). It rejects with NoMatchingVersionError, the go command's errors for a
 * malformed query, or the supply's error. The matching itself is goproxy's queryRepo,
 * run over the replacement-aware repository of p.
 */
export async function query(
  loader: Loader,
  p: string,
  q: string,
  current: string,
  allowed?: Allowed,
): Promise<VersionInfo> {
  const fail = (f: QueryFailure): Error => {
    switch (f.kind) {
      case 'query':
        return new CodedError('ERR_MODLOAD_QUERY', f.message, { path: p });
      case 'revision':
        return new CodedError('ERR_GOPROXY_REVISION_UNSUPPORTED', f.message, { path: p, version: q, query: q });
      case 'disallowed':
        return new CodedError('ERR_MODLOAD_DISALLOWED', f.message, { path: p, version: f.version });
      case 'no-match':
        return new NoMatchingVersionError(p, q, current);
    }
  };
  checkQueryCurrent(current, fail);
  if (loader.options.buildMod === 'vendor') {
    const reason = loader.options.buildModReason ?? '';
    throw new CodedError(
      'ERR_MODLOAD_QUERY',
      `cannot query module due to -mod=vendor${reason !== '' ? `\n\t(${reason})` : ''}`,
      { path: p },
    );
  }
  if (loader.mains.some((mm) => mm.path === p) && (q === 'upgrade' || q === 'patch')) return { version: '' };
  if (p === 'std' || p === 'cmd') {
    throw new CodedError(
      'ERR_MODLOAD_QUERY',
      `can't query specific version (${module.goQuote(q)}) of standard-library module ${module.goQuote(p)}`,
      { path: p },
    );
  }
  return queryRepo(lookupRepo(loader, p), p, q, {
    current,
    ...(allowed ? { allowed: async (version: string) => (await allowed({ path: p, version })) !== 'disallowed' } : {}),
    isNotFound,
    error: fail,
  });
}
