/**
 * The GOPROXY client: a parsed proxy list, GONOPROXY routing and the go command's
 * fall-through rules (TryProxies) over per-proxy ProxyRepos, plus version queries
 * (modload.queryProxy) for proxies: query.ts's queryRepo over one ProxyRepo, which
 * modload also runs over its replacement-aware repository.
 */
import { CodedError } from '../internal/errors.js';
import * as module from '../module/index.js';
import type { FetchLike } from '../web/types.js';
import { GoproxyError } from './errors.js';
import { parseProxyList, type ProxySpec } from './list.js';
import { createProxyRepo, type ProxyRepo, type RevInfo, type ZipDestination } from './repo.js';
import { queryRepo } from './query.js';

export { isRevisionQuery } from './query.js';

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

/** queryProxy resolves query against one proxy repo (modload.queryProxy; see query.ts). */
function queryProxy(repo: ProxyRepo, path: string, query: string, options: QueryOptions): Promise<RevInfo> {
  const allowed = options.allowed;
  return queryRepo(repo, path, query, {
    current: options.current ?? '',
    ...(allowed ? { allowed: (version: string) => allowed({ path, version }) } : {}),
    isNotFound: (err) => err instanceof GoproxyError && err.notFound,
    error: (f) => {
      switch (f.kind) {
        case 'query':
          return new GoproxyError('ERR_GOPROXY_QUERY', f.message, { path, version: query, query });
        case 'revision':
          return new GoproxyError('ERR_GOPROXY_REVISION_UNSUPPORTED', f.message, { path, version: query, query });
        case 'disallowed':
          return new GoproxyError('ERR_GOPROXY_NO_MATCH', f.message, { path, version: f.version, query });
        case 'no-match':
          return new GoproxyError('ERR_GOPROXY_NO_MATCH', f.message, { path, version: '', query });
      }
    },
  });
}
