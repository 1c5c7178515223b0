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
import { autoQuote } from '../modfile/rule.js';
import type { Loader } from './load.js';
import type { ModuleVersion, VersionInfo } from './types.js';

/** Allowed says whether a version may be chosen: "yes", "disallowed" (excluded, retracted), or another error. */
export type Allowed = (m: ModuleVersion) => Promise<true | 'disallowed' | Error>;

/** NoMatchingVersionError is the go command's "no matching versions for query" error. */
export class NoMatchingVersionError extends CodedError {
  constructor(p: string, query: string, current: string) {
    const suffix =
      (query === 'upgrade' || query === 'patch') && current !== '' && current !== 'none'
        ? ` (current version is ${current})`
        : '';
    super('ERR_GOPROXY_NO_MATCH', `no matching versions for query ${module.goQuote(query)}${suffix}`, {
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
}

/** isNotFound reports whether e means "does not exist" (fs.ErrNotExist). */
export function isNotFound(e: unknown): boolean {
  return e instanceof CodedError && (e.fields['notFound'] === true || e.code === 'ERR_MODLOAD_NOT_IN_CACHE');
}

/** legacyGoMod is the go.mod the go command synthesises for a module without one (modfetch.LegacyGoMod). */
function legacyGoMod(p: string): string {
  return `module ${autoQuote(p)}\n`;
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
 * malformed query, or the supply's error.
 */
export async function query(
  loader: Loader,
  p: string,
  q: string,
  current: string,
  allowed?: Allowed,
): Promise<VersionInfo> {
  if (current !== '' && current !== 'none' && !semver.isValid(current)) {
    throw new CodedError('ERR_MODLOAD_QUERY', `invalid previous version ${module.goQuote(current)}`, { path: p });
  }
  if (loader.options.buildMod === 'vendor') {
    const reason = loader.options.buildModReason ?? '';
    throw new CodedError(
      'ERR_MODLOAD_QUERY',
      `cannot query module due to -mod=vendor${reason !== '' ? `\n\t(${reason})` : ''}`,
      { path: p },
    );
  }
  const allow: Allowed = allowed ?? (async () => true);
  if (loader.mains.some((mm) => mm.path === p) && (q === 'upgrade' || q === 'patch')) return { version: '' };
  if (p === 'std' || p === 'cmd') {
    throw new CodedError(
      'ERR_MODLOAD_QUERY',
      `can't query specific version (${module.goQuote(q)}) of standard-library module ${module.goQuote(p)}`,
      { path: p },
    );
  }
  const repo = lookupRepo(loader, p);
  const qm = newQueryMatcher(p, q, current);
  if (qm === 'revision') {
    throw new CodedError(
      'ERR_GOPROXY_REVISION_UNSUPPORTED',
      `${p}@${q}: revision queries (branches, tags that are not semantic versions, commit hashes) are not supported by modrescue; use a semantic version or run the go command`,
      { path: p, version: q, query: q },
    );
  }
  if (qm.canStat) {
    let info: VersionInfo;
    try {
      info = await repo.stat(q);
    } catch (err) {
      const canon = module.canonicalVersion(q);
      if (canon === '' || canon === q) throw err;
      try {
        info = await repo.stat(canon);
      } catch (err2) {
        if (!isNotFound(err2)) throw err2;
        throw err;
      }
    }
    const a = await allow({ path: p, version: info.version });
    if (a === 'disallowed') {
      throw new CodedError('ERR_MODLOAD_DISALLOWED', `${p}@${info.version}: disallowed module version`, {
        path: p,
        version: info.version,
      });
    }
    return info;
  }

  const allows = async (v: string): Promise<boolean> =>
    (qm.prefix === '' || v.startsWith(qm.prefix)) &&
    (!qm.filter || qm.filter(v)) &&
    (await allow({ path: p, version: v })) !== 'disallowed';

  const versions = await repo.versions(qm.prefix);
  const releases: string[] = [];
  const prereleases: string[] = [];
  let needIncompatible = qm.preferIncompatible;
  let lastCompatible = '';
  for (const v of versions) {
    if (!(await allows(v))) continue;
    if (!needIncompatible) {
      if (!v.endsWith('+incompatible')) {
        lastCompatible = v;
      } else if (lastCompatible !== '') {
        const src = loader.options.source;
        const data = new TextDecoder().decode(await src.goMod({ path: p, version: lastCompatible }));
        if (data !== legacyGoMod(p)) break;
        needIncompatible = true;
      }
    }
    (semver.prerelease(v) !== '' ? prereleases : releases).push(v);
  }

  const lookup = async (v: string): Promise<VersionInfo> => {
    const rev = await repo.stat(v);
    if ((q === 'upgrade' || q === 'patch') && module.isPseudoVersion(current) && rev.time && rev.time !== ZERO) {
      let currentTime: number | undefined;
      try {
        currentTime = module.pseudoVersionTime(current).getTime();
      } catch {
        currentTime = undefined;
      }
      if (currentTime !== undefined && Date.parse(rev.time) < currentTime) {
        if ((await allow({ path: p, version: current })) === 'disallowed') {
          throw new CodedError('ERR_MODLOAD_DISALLOWED', `${p}@${current}: disallowed module version`, { path: p });
        }
        return repo.stat(current);
      }
    }
    return rev;
  };

  if (qm.preferLower) {
    if (releases.length > 0) return lookup(releases[0]!);
    if (prereleases.length > 0) return lookup(prereleases[0]!);
  } else {
    if (releases.length > 0) return lookup(releases[releases.length - 1]!);
    if (prereleases.length > 0) return lookup(prereleases[prereleases.length - 1]!);
  }
  if (qm.mayUseLatest) {
    let latest: VersionInfo | undefined;
    try {
      latest = await repo.latest();
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    if (latest && (await allows(latest.version))) return lookup(latest.version);
  }
  if ((q === 'upgrade' || q === 'patch') && current !== '' && current !== 'none') {
    if ((await allow({ path: p, version: current })) === 'disallowed') {
      throw new CodedError('ERR_MODLOAD_DISALLOWED', `${p}@${current}: disallowed module version`, { path: p });
    }
    return lookup(current);
  }
  throw new NoMatchingVersionError(p, q, current);
}

const ZERO = '0001-01-01T00:00:00Z';

/** QueryMatcher is modload's queryMatcher. */
interface QueryMatcher {
  prefix: string;
  filter?: (v: string) => boolean;
  canStat: boolean;
  preferLower: boolean;
  mayUseLatest: boolean;
  preferIncompatible: boolean;
}

/** isSemverPrefix reports whether v is "vX" or "vX.Y" (no patch, prerelease or build). */
function isSemverPrefix(v: string): boolean {
  let dots = 0;
  for (const c of v) {
    if (c === '-' || c === '+') return false;
    if (c === '.' && ++dots >= 2) return false;
  }
  return true;
}

/** newQueryMatcher parses a query (modload.newQueryMatcher); "revision" for non-semver revisions. */
function newQueryMatcher(p: string, q: string, current: string): QueryMatcher | 'revision' {
  const bad = (v: string) =>
    new CodedError('ERR_MODLOAD_QUERY', `invalid semantic version ${module.goQuote(v)} in range ${module.goQuote(q)}`, {
      path: p,
    });
  const matchesMajor = (v: string) => {
    const split = module.splitPathVersion(p);
    return split.ok && module.checkPathMajor(v, split.pathMajor) === undefined;
  };
  const qm: QueryMatcher = {
    prefix: '',
    canStat: false,
    preferLower: false,
    mayUseLatest: false,
    preferIncompatible: current.endsWith('+incompatible'),
  };
  const range = (op: string, cmp: (c: number) => boolean, lower: boolean, noPrefix: boolean) => {
    const v = q.slice(op.length);
    if (!semver.isValid(v)) throw bad(v);
    if (noPrefix && isSemverPrefix(v)) {
      throw new CodedError(
        'ERR_MODLOAD_QUERY',
        `ambiguous semantic version ${module.goQuote(v)} in range ${module.goQuote(q)}`,
        { path: p },
      );
    }
    qm.filter = (mv) => cmp(semver.compare(mv, v));
    qm.preferLower = lower;
    if (!matchesMajor(v)) qm.preferIncompatible = true;
  };
  if (q === 'latest') qm.mayUseLatest = true;
  else if (q === 'upgrade') {
    if (current === '' || current === 'none') qm.mayUseLatest = true;
    else {
      qm.mayUseLatest = module.isPseudoVersion(current);
      qm.filter = (mv) => semver.compare(mv, current) >= 0;
    }
  } else if (q === 'patch') {
    if (current === '' || current === 'none') {
      throw new CodedError(
        'ERR_MODLOAD_QUERY',
        `can't query version "patch" of module ${p}: no existing version is required`,
        { path: p },
      );
    }
    qm.mayUseLatest = module.isPseudoVersion(current);
    qm.prefix = semver.majorMinor(current) + '.';
    qm.filter = (mv) => semver.compare(mv, current) >= 0;
  } else if (q.startsWith('<=')) range('<=', (c) => c <= 0, false, true);
  else if (q.startsWith('<')) range('<', (c) => c < 0, false, false);
  else if (q.startsWith('>=')) range('>=', (c) => c >= 0, true, false);
  else if (q.startsWith('>')) range('>', (c) => c > 0, true, true);
  else if (semver.isValid(q)) {
    if (isSemverPrefix(q)) {
      qm.prefix = q + '.';
      qm.filter = (mv) => semver.compare(mv, q) >= 0;
    } else {
      qm.canStat = true;
      qm.filter = (mv) => semver.compare(mv, q) === 0;
      qm.prefix = semver.canonical(q);
    }
    if (!matchesMajor(q)) qm.preferIncompatible = true;
  } else return 'revision';
  return qm;
}
