/**
 * The GOPROXY client: a parsed proxy list, GONOPROXY routing and the go command's
 * fall-through rules (TryProxies) over per-proxy ProxyRepos, plus version queries
 * (modload.queryProxy) for proxies.
 */
import { CodedError } from '../internal/errors.js';
import * as module from '../module/index.js';
import * as semver from '../semver/index.js';
import type { FetchLike } from '../web/types.js';
import { GoproxyError } from './errors.js';
import { parseProxyList, type ProxySpec } from './list.js';
import { createProxyRepo, type ProxyRepo, type RevInfo, type ZipDestination } from './repo.js';

export interface GoproxyClientOptions {
  /** The network (createHttpClient, or any FetchLike). */
  readonly fetch: FetchLike;
  /** The GOPROXY value or an already parsed list. */
  readonly proxy: string | readonly ProxySpec[];
  /** GONOPROXY patterns (already defaulted to GOPRIVATE by the caller). */
  readonly noProxy?: string;
  /** Zip size limit in bytes (default 500 MiB). */
  readonly maxZipBytes?: number;
  readonly signal?: AbortSignal;
}

/** Route says how a module path is fetched: through the proxy list, or directly (GONOPROXY/GOPRIVATE). */
export type Route = 'proxy' | 'direct';

/**
 * AllowedFunc is the query seam for exclusions and retractions (modload.AllowedFunc): it
 * resolves true when the version may be chosen. Retractions are applied by the caller
 * (the graph layer) through this function.
 */
export type AllowedFunc = (m: module.ModuleVersion) => Promise<boolean> | boolean;

export interface QueryOptions {
  /** The currently selected version ('' unknown, 'none' none), for upgrade and patch. */
  readonly current?: string;
  readonly allowed?: AllowedFunc;
}

/** GoproxyClient fetches module data through the configured proxies. */
export interface GoproxyClient {
  /** The parsed list in use. */
  readonly proxies: readonly ProxySpec[];
  /** route reports whether path is fetched directly (GONOPROXY match) or through the list. */
  route(path: string): Route;
  /** versions lists the tagged versions (`@v/list`), sorted, through the list with fall-through. */
  versions(path: string, prefix?: string): Promise<string[]>;
  /** info returns the `.info` of version (checked to name that version). */
  info(path: string, version: string): Promise<RevInfo>;
  /** goMod returns the `.mod` bytes of a canonical version. */
  goMod(path: string, version: string): Promise<Uint8Array>;
  /**
   * zip streams the zip of a canonical version to dest: a path (removed on failure) or
   * an open file handle (truncated, then written from the start; see ProxyRepo.zip).
   */
  zip(path: string, version: string, dest: ZipDestination): Promise<{ bytes: number }>;
  /** latest returns `@latest` (or the newest pseudo-version listed when `@latest` is missing). */
  latest(path: string): Promise<RevInfo>;
  /**
   * query resolves a version query — `latest`, `upgrade`, `patch`, `vX`, `vX.Y`, `vX.Y.Z`,
   * `<v`, `<=v`, `>v`, `>=v` — as the go command does against a proxy. Branch and commit
   * queries are rejected with ERR_GOPROXY_REVISION_UNSUPPORTED.
   */
  query(path: string, query: string, options?: QueryOptions): Promise<RevInfo>;
}

/**
 * createGoproxyClient returns a client over options.proxy. An unusable GOPROXY value
 * (parseProxyList's errors, or a list without entries) does not throw here: as the go
 * command does at lookup time, every request then rejects with ERR_GOPROXY_LIST,
 * prefixed with `path@version: ` (so a command that needs no module never sees it),
 * and proxies is empty.
 */
export function createGoproxyClient(options: GoproxyClientOptions): GoproxyClient {
  const noProxy = options.noProxy ?? '';
  let proxies: ProxySpec[] = [];
  let listError: CodedError | undefined;
  try {
    proxies = typeof options.proxy === 'string' ? parseProxyList(options.proxy, { noProxy }) : [...options.proxy];
  } catch (e) {
    if (!(e instanceof CodedError)) throw e;
    listError = e;
  }
  if (proxies.length === 0) {
    listError ??= new CodedError(
      'ERR_GOPROXY_LIST',
      'GOPROXY list is not the empty string, but contains no entries',
      {},
    );
  }
  // One ProxyRepo per (proxy, module path), reused so its memoised list/latest is shared.
  const repos = new Map<string, ProxyRepo>();
  const repoFor = (proxy: string, path: string): ProxyRepo => {
    const key = proxy + '\u0000' + path;
    let r = repos.get(key);
    if (!r) {
      r = createProxyRepo(proxy, path, {
        fetch: options.fetch,
        ...(options.maxZipBytes !== undefined ? { maxZipBytes: options.maxZipBytes } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
      });
      repos.set(key, r);
    }
    return r;
  };

  /** lookup mirrors modfetch.lookup: keywords and GONOPROXY decide before any network use. */
  const lookup = (proxy: string, path: string, version: string): ProxyRepo => {
    if (module.matchPrefixPatterns(noProxy, path)) {
      if (proxy === 'noproxy' || proxy === 'direct') throw directUnsupported(path, version, true);
      throw new GoproxyError('ERR_GOPROXY_NOPROXY', prefix(path, version) + 'disabled by GOPRIVATE/GONOPROXY', {
        path,
        version,
        notFound: true,
      });
    }
    switch (proxy) {
      case 'off':
        throw new GoproxyError('ERR_GOPROXY_OFF', prefix(path, version) + 'module lookup disabled by GOPROXY=off', {
          path,
          version,
          notFound: true,
        });
      case 'direct':
        throw directUnsupported(path, version, false);
      case 'noproxy':
        throw new GoproxyError(
          'ERR_GOPROXY_NOPROXY',
          prefix(path, version) + 'path does not match GOPRIVATE/GONOPROXY',
          {
            path,
            version,
            notFound: true,
            useProxy: true,
          },
        );
    }
    return repoFor(proxy, path);
  };

  /** each runs f against the proxies in order with TryProxies' fall-through rules. */
  const each = async <T>(path: string, version: string, f: (repo: ProxyRepo) => Promise<T>): Promise<T> => {
    if (listError) {
      throw new GoproxyError('ERR_GOPROXY_LIST', prefix(path, version) + listError.message, {
        ...listError.fields,
        path,
        version,
      });
    }
    return tryProxies(proxies, (proxy) => Promise.resolve().then(() => f(lookup(proxy, path, version))));
  };

  const client: GoproxyClient = {
    proxies,
    route: (path) => (module.matchPrefixPatterns(noProxy, path) ? 'direct' : 'proxy'),
    versions: (path, pfx = '') => each(path, '', (r) => r.versions(pfx)),
    info: (path, version) => each(path, version, (r) => r.stat(version)),
    goMod: (path, version) => each(path, version, (r) => r.goMod(version)),
    zip: (path, version, dest) => each(path, version, (r) => r.zip(version, dest)),
    latest: (path) => each(path, 'latest', (r) => r.latest()),
    query: (path, q, qo = {}) => each(path, q, (r) => queryProxy(r, path, q, qo)),
  };
  return client;
}

/** prefix is what the go command puts before a lookup error: nothing for list-level errors, `path@version: ` otherwise. */
function prefix(path: string, version: string): string {
  return version === '' ? '' : `${path}@${version}: `;
}

/**
 * directUnsupported is the error for a fetch that the go command would make from version
 * control. It ranks as a "direct" error in TryProxies (the most useful one), like Go's.
 */
function directUnsupported(path: string, version: string, privatePath: boolean): GoproxyError {
  const why = privatePath ? 'the path matches GOPRIVATE/GONOPROXY' : 'GOPROXY says direct';
  return new GoproxyError(
    'ERR_GOPROXY_DIRECT_UNSUPPORTED',
    `${version === '' ? `module ${path}: ` : prefix(path, version)}fetching directly from version control is not supported by modrescue (${why}); ` +
      'serve the module through a GOPROXY (e.g. modrescue proxy serve) or run the go command for this module',
    { path, version, direct: true },
  );
}

const NOT_EXIST_RANK = 0;
const PROXY_RANK = 1;
const DIRECT_RANK = 2;

/** ProxyErrorKind is how tryProxies ranks an entry's error. */
export interface ProxyErrorKind {
  /** notFound: "this proxy does not have it" (Go's errors.Is(err, fs.ErrNotExist)); a ',' list moves on. */
  readonly notFound: boolean;
  /** useProxy: the "noproxy" entry's "path does not match GOPRIVATE/GONOPROXY" (Go's errUseProxy). */
  readonly useProxy?: boolean;
}

/** TryProxiesOptions adapt tryProxies to a protocol's errors. */
export interface TryProxiesOptions {
  /**
   * classify ranks an entry's error; undefined means "not a proxy answer at all" (an
   * interrupt, a local failure): it is rethrown at once, ending the walk. The default
   * ranks GoproxyErrors and rethrows everything else.
   */
  readonly classify?: (err: unknown) => ProxyErrorKind | undefined;
  /**
   * direct rewrites the error of a "direct" (or non-useProxy "noproxy") entry, given the
   * best error so far; the default keeps the proxies' error in view when modrescue
   * cannot fetch from version control.
   */
  readonly direct?: (err: unknown, previous: unknown) => unknown;
}

/** classifyGoproxyError is the default TryProxiesOptions.classify. */
function classifyGoproxyError(err: unknown): ProxyErrorKind | undefined {
  if (!(err instanceof GoproxyError)) return undefined;
  return { notFound: err.notFound, useProxy: err.fields['useProxy'] === true };
}

/** keepProxyError is the default TryProxiesOptions.direct. */
function keepProxyError(err: unknown, previous: unknown): unknown {
  // The go command would now try version control and report that error. modrescue
  // cannot, so it keeps what the proxies said before (the likely cause) in view.
  if (
    err instanceof GoproxyError &&
    err.code === 'ERR_GOPROXY_DIRECT_UNSUPPORTED' &&
    previous instanceof GoproxyError
  ) {
    return new GoproxyError(
      err.code,
      `${err.message}\n\tbefore that, ${previous.message}`,
      { ...err.fields, previous: { code: previous.code, message: previous.message, ...previous.fields } },
      err,
    );
  }
  return err;
}

/**
 * tryProxies calls f for each entry of the list until one succeeds or an error stops the
 * walk, as the go command's TryProxies: after a ',' entry only "not found" errors
 * (404/410, disabled) fall through, after a '|' entry every error does. The error
 * thrown is the most useful one: a direct or noproxy error, then a proxy error other
 * than "not found", then the first "not found". Both the GOPROXY client and the
 * checksum database's proxy walk (package sumdb) use it, with their own
 * options.classify. An empty list throws ERR_GOPROXY_LIST.
 */
export async function tryProxies<T>(
  list: readonly ProxySpec[],
  f: (proxy: string) => Promise<T>,
  options: TryProxiesOptions = {},
): Promise<T> {
  if (list.length === 0) {
    throw new GoproxyError('ERR_GOPROXY_LIST', 'GOPROXY list is not the empty string, but contains no entries', {
      path: '',
      version: '',
    });
  }
  const classify = options.classify ?? classifyGoproxyError;
  const direct = options.direct ?? keepProxyError;
  let bestErr: unknown;
  let bestRank = NOT_EXIST_RANK;
  for (const proxy of list) {
    try {
      return await f(proxy.url);
    } catch (err) {
      const kind = classify(err);
      if (kind === undefined) throw err;
      const notFound = kind.notFound;
      if (proxy.url === 'direct' || (proxy.url === 'noproxy' && kind.useProxy !== true)) {
        bestErr = direct(err, bestErr);
        bestRank = DIRECT_RANK;
      } else if (bestRank <= PROXY_RANK && !notFound) {
        bestErr = err;
        bestRank = PROXY_RANK;
      } else if (bestRank === NOT_EXIST_RANK) {
        bestErr = err;
      }
      if (!proxy.fallBackOnError && !notFound) break;
    }
  }
  throw bestErr;
}

/** isRevisionQuery reports whether q names one version or revision rather than choosing among versions. */
export function isRevisionQuery(q: string): boolean {
  if (q === 'latest' || q === 'upgrade' || q === 'patch' || q.startsWith('<') || q.startsWith('>')) return false;
  return !(semver.isValid(q) && isSemverPrefix(q));
}

/** isSemverPrefix reports whether a valid semver v is a prefix like v1 or v1.2. */
function isSemverPrefix(v: string): boolean {
  let dots = 0;
  for (const c of v) {
    if (c === '-' || c === '+') return false;
    if (c === '.' && ++dots >= 2) return false;
  }
  return true;
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

/** queryError is a malformed-query error (ERR_GOPROXY_QUERY) with the go command's wording. */
function queryError(path: string, q: string, message: string): GoproxyError {
  return new GoproxyError('ERR_GOPROXY_QUERY', message, { path, version: q, query: q });
}

/** newQueryMatcher parses a query as modload.newQueryMatcher; revision queries return undefined. */
function newQueryMatcher(path: string, query: string, current: string): QueryMatcher | undefined {
  const bad = (v: string) =>
    queryError(path, query, `invalid semantic version ${JSON.stringify(v)} in range ${JSON.stringify(query)}`);
  const matchesMajor = (v: string): boolean => {
    const split = module.splitPathVersion(path);
    if (!split.ok) return false;
    return module.checkPathMajor(v, split.pathMajor) === undefined;
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
    if (!semver.isValid(v)) throw bad(v);
    if (noPrefix && isSemverPrefix(v)) {
      throw queryError(
        path,
        query,
        `ambiguous semantic version ${JSON.stringify(v)} in range ${JSON.stringify(query)}`,
      );
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
      throw queryError(path, query, `can't query version "patch" of module ${path}: no existing version is required`);
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

/** LEGACY_GO_MOD is the go.mod a proxy synthesizes for a version without one (modfetch.LegacyGoMod). */
function legacyGoMod(path: string): string {
  return /^[A-Za-z0-9_./~+-]+$/.test(path) ? `module ${path}\n` : `module ${JSON.stringify(path)}\n`;
}

/** queryProxy resolves query against one proxy repo (modload.queryProxy). */
async function queryProxy(repo: ProxyRepo, path: string, query: string, options: QueryOptions): Promise<RevInfo> {
  const current = options.current ?? '';
  if (current !== '' && current !== 'none' && !semver.isValid(current)) {
    throw queryError(path, query, `invalid previous version ${JSON.stringify(current)}`);
  }
  const allowed = async (v: string) => (options.allowed ? await options.allowed({ path, version: v }) : true);
  const qm = newQueryMatcher(path, query, current);
  if (qm === undefined) {
    throw new GoproxyError(
      'ERR_GOPROXY_REVISION_UNSUPPORTED',
      `${path}@${query}: revision queries (branches, tags that are not semantic versions, commit hashes) are not supported by modrescue; use a semantic version or run the go command`,
      { path, version: query, query },
    );
  }
  if (qm.canStat) {
    let info: RevInfo;
    try {
      info = await repo.stat(query);
    } catch (err) {
      // A +metadata version may be tagged without the suffix (semver says they are equal).
      const canon = module.canonicalVersion(query);
      if (canon === '' || canon === query) throw err;
      try {
        info = await repo.stat(canon);
      } catch (err2) {
        if (err2 instanceof GoproxyError && err2.notFound) throw err;
        throw err2;
      }
    }
    if (!(await allowed(info.version))) {
      throw new GoproxyError('ERR_GOPROXY_NO_MATCH', `${path}@${info.version}: disallowed module version`, {
        path,
        version: info.version,
        query,
      });
    }
    return info;
  }

  const versions = await repo.versions(qm.prefix);
  const allows = async (v: string) =>
    (qm.prefix === '' || v.startsWith(qm.prefix)) && (!qm.filter || qm.filter(v)) && (await allowed(v));

  // filterVersions: releases and prereleases, dropping +incompatible versions above a
  // compatible version that has its own go.mod (golang.org/issue/34165).
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

  const lookup = async (v: string): Promise<RevInfo> => {
    const rev = await repo.stat(v);
    if (
      (query === 'upgrade' || query === 'patch') &&
      module.isPseudoVersion(current) &&
      rev.time !== '0001-01-01T00:00:00Z'
    ) {
      // Do not "upgrade" from a pseudo-version to something chronologically older.
      let currentTime: number | undefined;
      try {
        currentTime = module.pseudoVersionTime(current).getTime();
      } catch {
        currentTime = undefined;
      }
      if (currentTime !== undefined && Date.parse(rev.time) < currentTime) return repo.stat(current);
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
    try {
      const latest = await repo.latest();
      if (await allows(latest.version)) return lookup(latest.version);
    } catch (err) {
      if (!(err instanceof GoproxyError) || !err.notFound) throw err;
    }
  }

  if ((query === 'upgrade' || query === 'patch') && current !== '' && current !== 'none') {
    // upgrade and patch may stay on the current version.
    return lookup(current);
  }
  const suffix =
    (query === 'upgrade' || query === 'patch') && current !== '' && current !== 'none'
      ? ` (current version is ${current})`
      : '';
  throw new GoproxyError('ERR_GOPROXY_NO_MATCH', `no matching versions for query ${JSON.stringify(query)}${suffix}`, {
    path,
    version: '',
    query,
  });
}
