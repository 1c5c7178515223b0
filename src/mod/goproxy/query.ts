/**
 * Version queries over one module's versions (the matching half of cmd/go's
 * modload.queryProxy; https://go.dev/ref/mod#version-queries): `latest`, `upgrade`,
 * `patch`, a version prefix (`v1`, `v1.2`), a comparison (`<v1.2.3`, `>=v1.2.0`) or an
 * exact version, resolved against a QueryRepo's version list, `.info` and `@latest`.
 *
 * This is the protocol-level layer: it knows nothing of main modules, replacements,
 * exclusions or retractions. The GOPROXY client runs it against one ProxyRepo;
 * modload runs it against its replacement-aware repository with its exclusion and
 * retraction check as `allowed`. The wording of every failure is the go command's; the
 * caller picks the error's class, code and fields (QueryRepoOptions.error).
 */
import * as module from '../module/index.js';
import * as semver from '../semver/index.js';
import { autoQuote } from '../modfile/rule.js';

/** QueryRevInfo is what a query needs of a `.info` answer: the version and, when known, its time. */
export interface QueryRevInfo {
  readonly version: string;
  /** RFC 3339 commit time; absent or Go's zero time when unknown. */
  readonly time?: string;
}

/** QueryRepo is one module's versions as a query sees them (modload's versionRepo). */
export interface QueryRepo<I extends QueryRevInfo> {
  /** versions returns the tagged versions that start with prefix, sorted by semver. */
  versions(prefix: string): Promise<string[]>;
  /** stat returns the `.info` of rev. */
  stat(rev: string): Promise<I>;
  /** latest returns the `@latest` answer (used when no listed version matches). */
  latest(): Promise<I>;
  /** goMod returns the go.mod bytes of a canonical version. */
  goMod(version: string): Promise<Uint8Array>;
}

/**
 * QueryFailure is one way a query fails, with the go command's message: a malformed
 * query or previous version ('query'), a branch or commit query, which modrescue cannot
 * resolve ('revision'), a version that allowed rejects ('disallowed'), or nothing
 * matching ('no-match').
 */
export type QueryFailure =
  | { readonly kind: 'query'; readonly message: string }
  | { readonly kind: 'revision'; readonly message: string }
  | { readonly kind: 'disallowed'; readonly message: string; readonly version: string }
  | { readonly kind: 'no-match'; readonly message: string };

/** QueryRepoOptions are the current version and the caller's filter and error vocabulary. */
export interface QueryRepoOptions {
  /** The currently selected version ('' unknown, 'none' none), for upgrade and patch. */
  readonly current: string;
  /**
   * allowed reports whether a version may be chosen (modload's AllowedFunc with
   * errors.Is(err, ErrDisallowed) as false); absent, every version is allowed.
   */
  readonly allowed?: (version: string) => Promise<boolean> | boolean;
  /** isNotFound reports whether a repository error means "does not exist" (fs.ErrNotExist). */
  readonly isNotFound: (err: unknown) => boolean;
  /** error builds the error thrown for a failure. */
  readonly error: (failure: QueryFailure) => Error;
}

/** ZERO_TIME is Go's zero time.Time as JSON-encoded (a `.info` without a time). */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/**
 * isRevisionQuery reports whether q names one version or revision (`v1.2.3`, `master`,
 * `0123abcd`) rather than choosing among versions (`latest`, `upgrade`, `patch`, `<v`,
 * `>v`, a prefix such as `v1.2`), as modload.IsRevisionQuery. Any string is accepted.
 */
export function isRevisionQuery(q: string): boolean {
  if (q === 'latest' || q === 'upgrade' || q === 'patch' || q.startsWith('<') || q.startsWith('>')) return false;
  return !(semver.isValid(q) && isSemverPrefix(q));
}

/** isSemverPrefix reports whether a valid semver v is a prefix like v1 or v1.2 (no patch, prerelease or build). */
function isSemverPrefix(v: string): boolean {
  let dots = 0;
  for (const c of v) {
    if (c === '-' || c === '+') return false;
    if (c === '.' && ++dots >= 2) return false;
  }
  return true;
}

/** legacyGoMod is the go.mod the go command synthesises for a version without one (modfetch.LegacyGoMod). */
function legacyGoMod(path: string): string {
  return `module ${autoQuote(path)}\n`;
}

/**
 * noMatchMessage is the go command's NoMatchingVersionError text for query, naming the
 * current version for upgrade and patch queries.
 */
export function noMatchMessage(query: string, current: string): string {
  const suffix =
    (query === 'upgrade' || query === 'patch') && current !== '' && current !== 'none'
      ? ` (current version is ${current})`
      : '';
  return `no matching versions for query ${module.goQuote(query)}${suffix}`;
}

/**
 * checkQueryCurrent rejects a previous version that is not a valid semantic version
 * ('' and 'none' are accepted), as the first step of modload.queryProxy. It throws
 * fail's error with the go command's message.
 */
export function checkQueryCurrent(current: string, fail: (failure: QueryFailure) => Error): void {
  if (current !== '' && current !== 'none' && !semver.isValid(current)) {
    throw fail({ kind: 'query', message: `invalid previous version ${module.goQuote(current)}` });
  }
}

/** QueryMatcher is modload's queryMatcher: which listed versions a query accepts and how to choose. */
interface QueryMatcher {
  /** Only versions with this prefix are listed (`v1.2.` for the query `v1.2`). */
  prefix: string;
  filter?: (v: string) => boolean;
  /** The query names one version: a Stat answers it without listing. */
  canStat: boolean;
  /** `>` and `>=` choose the lowest match, everything else the highest. */
  preferLower: boolean;
  /** When nothing is listed, `@latest` (a pseudo-version) may answer. */
  mayUseLatest: boolean;
  /** +incompatible versions are wanted (the query or current version is one). */
  preferIncompatible: boolean;
}

/**
 * newQueryMatcher parses query as modload.newQueryMatcher; a revision query returns
 * undefined. A malformed range or a patch query without a current version throws
 * fail's 'query' error.
 */
function newQueryMatcher(
  path: string,
  query: string,
  current: string,
  fail: (failure: QueryFailure) => Error,
): QueryMatcher | undefined {
  const bad = (message: string) => fail({ kind: 'query', message });
  const matchesMajor = (v: string): boolean => {
    const split = module.splitPathVersion(path);
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
    const v = query.slice(op.length);
    if (!semver.isValid(v)) {
      throw bad(`invalid semantic version ${module.goQuote(v)} in range ${module.goQuote(query)}`);
    }
    if (noPrefix && isSemverPrefix(v)) {
      // Refuse to say whether <=v1.2 allows v1.2.3 (@v1.2 might mean v1.2.3).
      throw bad(`ambiguous semantic version ${module.goQuote(v)} in range ${module.goQuote(query)}`);
    }
    qm.filter = (mv) => cmp(semver.compare(mv, v));
    qm.preferLower = lower;
    if (!matchesMajor(v)) qm.preferIncompatible = true;
  };
  if (query === 'latest') {
    qm.mayUseLatest = true;
  } else if (query === 'upgrade') {
    if (current === '' || current === 'none') qm.mayUseLatest = true;
    else {
      qm.mayUseLatest = module.isPseudoVersion(current);
      qm.filter = (mv) => semver.compare(mv, current) >= 0;
    }
  } else if (query === 'patch') {
    if (current === '' || current === 'none') {
      throw bad(`can't query version "patch" of module ${path}: no existing version is required`);
    }
    qm.mayUseLatest = module.isPseudoVersion(current);
    qm.prefix = semver.majorMinor(current) + '.';
    qm.filter = (mv) => semver.compare(mv, current) >= 0;
  } else if (query.startsWith('<=')) range('<=', (c) => c <= 0, false, true);
  else if (query.startsWith('<')) range('<', (c) => c < 0, false, false);
  else if (query.startsWith('>=')) range('>=', (c) => c >= 0, true, false);
  else if (query.startsWith('>')) range('>', (c) => c > 0, true, true);
  else if (semver.isValid(query)) {
    if (isSemverPrefix(query)) {
      qm.prefix = query + '.';
      // "v1.2" must not match prereleases of v1.2.0 (golang.org/issue/31972).
      qm.filter = (mv) => semver.compare(mv, query) >= 0;
    } else {
      qm.canStat = true;
      qm.filter = (mv) => semver.compare(mv, query) === 0;
      qm.prefix = semver.canonical(query);
    }
    if (!matchesMajor(query)) qm.preferIncompatible = true;
  } else {
    return undefined;
  }
  return qm;
}

/**
 * queryRepo resolves query against repo as modload.queryProxy does once the module's
 * repository is found: an exact version is a stat (retried without +metadata); other
 * queries choose among the listed versions that pass the matcher and options.allowed,
 * releases before prereleases, ignoring +incompatible versions above a compatible
 * version that has its own go.mod (golang.org/issue/34165), then `@latest` where the
 * query allows it, then (upgrade, patch) the current version. upgrade and patch never
 * move from a pseudo-version to an older commit. A malformed query or previous
 * version, a revision query, a disallowed version and no match throw options.error's
 * errors; repository errors propagate (a "not found" `@latest` counts as no answer).
 */
export async function queryRepo<I extends QueryRevInfo>(
  repo: QueryRepo<I>,
  path: string,
  query: string,
  options: QueryRepoOptions,
): Promise<I> {
  const { current, isNotFound, error: fail } = options;
  checkQueryCurrent(current, fail);
  const allowed = async (v: string): Promise<boolean> => (options.allowed ? await options.allowed(v) : true);
  const disallowed = (v: string) =>
    fail({ kind: 'disallowed', version: v, message: `${path}@${v}: disallowed module version` });
  const qm = newQueryMatcher(path, query, current, fail);
  if (qm === undefined) {
    throw fail({
      kind: 'revision',
      message: `${path}@${query}: revision queries (branches, tags that are not semantic versions, commit hashes) are not supported by modrescue; use a semantic version or run the go command`,
    });
  }
  if (qm.canStat) {
    let info: I;
    try {
      info = await repo.stat(query);
    } catch (err) {
      // A +metadata version may be tagged without the suffix (semver says they are equal).
      const canon = module.canonicalVersion(query);
      if (canon === '' || canon === query) throw err;
      try {
        info = await repo.stat(canon);
      } catch (err2) {
        if (!isNotFound(err2)) throw err2;
        throw err;
      }
    }
    if (!(await allowed(info.version))) throw disallowed(info.version);
    return info;
  }

  const allows = async (v: string): Promise<boolean> =>
    (qm.prefix === '' || v.startsWith(qm.prefix)) && (!qm.filter || qm.filter(v)) && (await allowed(v));

  // filterVersions: releases and prereleases, dropping +incompatible versions above a
  // compatible version that has its own go.mod (golang.org/issue/34165).
  const versions = await repo.versions(qm.prefix);
  const releases: string[] = [];
  const prereleases: string[] = [];
  let needIncompatible = qm.preferIncompatible;
  let lastCompatible = '';
  for (const v of versions) {
    if (!(await allows(v))) continue;
    if (!needIncompatible) {
      if (!v.endsWith('+incompatible')) lastCompatible = v;
      else if (lastCompatible !== '') {
        const mod = new TextDecoder().decode(await repo.goMod(lastCompatible));
        if (mod !== legacyGoMod(path)) break;
        needIncompatible = true;
      }
    }
    (semver.prerelease(v) !== '' ? prereleases : releases).push(v);
  }

  const upgradeOrPatch = query === 'upgrade' || query === 'patch';
  const lookup = async (v: string): Promise<I> => {
    const rev = await repo.stat(v);
    if (upgradeOrPatch && module.isPseudoVersion(current) && rev.time && rev.time !== ZERO_TIME) {
      // Do not "upgrade" from a pseudo-version to something chronologically older.
      let currentTime: number | undefined;
      try {
        currentTime = module.pseudoVersionTime(current).getTime();
      } catch {
        currentTime = undefined;
      }
      if (currentTime !== undefined && Date.parse(rev.time) < currentTime) {
        if (!(await allowed(current))) throw disallowed(current);
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
    let latest: I | undefined;
    try {
      latest = await repo.latest();
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    if (latest && (await allows(latest.version))) return lookup(latest.version);
  }

  if (upgradeOrPatch && current !== '' && current !== 'none') {
    // upgrade and patch may stay on the current version, if it is allowed.
    if (!(await allowed(current))) throw disallowed(current);
    return lookup(current);
  }
  throw fail({ kind: 'no-match', message: noMatchMessage(query, current) });
}
