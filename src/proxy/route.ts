/**
 * Request routing and strict path validation for the module proxy.
 *
 * The URL space is the GOPROXY protocol (go.dev/ref/mod#goproxy-protocol):
 *
 *     /<escaped module>/@v/list            /<escaped module>/@latest
 *     /<escaped module>/@v/<escaped v>.info|.mod|.zip
 *     /sumdb/<db name>/supported|latest|lookup/<escaped module>@<escaped v>|tile/…
 *     /-/…                                  operations (health, metrics, API)
 *
 * Validation is strict and happens before anything touches storage: a path is rejected
 * (ERR_PROXY_BAD_PATH → 400 with a one-line reason) when it is longer than the limit,
 * contains a NUL, a control character, a backslash, a percent-encoded `/` or `\`, a
 * malformed or non-UTF-8 percent escape, an empty, `.` or `..` segment (also when written
 * `%2e%2e`), a module path that is not a valid case-encoding (unescaped capitals, `!!`),
 * or a version that is not a valid escaped version. A well-formed request whose module
 * path is merely not a valid module path (`/goproxy/rsc.io/quote/@v/list`, what a client
 * GOPROXY with a path prefix sends) is the same error answered 404, as proxy.golang.org
 * answers it, so that the go command falls through to its next `,` entry. The storage key
 * of every route is rebuilt from the decoded, re-escaped parts, so it can never name a
 * file outside the store.
 */
import * as module from '../mod/module/index.js';
import * as semver from '../mod/semver/index.js';
import { parseTilePath } from '../mod/sumdb/tlog/index.js';
import { ProxyError } from './errors.js';

/** ModuleFile is the file a module route asks for. */
export type ModuleFile = 'list' | 'latest' | 'info' | 'mod' | 'zip';

/** ModuleRoute is a GOPROXY protocol request. */
export interface ModuleRoute {
  readonly kind: 'module';
  readonly file: ModuleFile;
  /** The module path, decoded (`github.com/Azure/x`). */
  readonly path: string;
  /** The case-encoded module path (`github.com/!azure/x`). */
  readonly escapedPath: string;
  /** The version for info/mod/zip, decoded. */
  readonly version?: string;
  /** The case-encoded version. */
  readonly escapedVersion?: string;
  /**
   * Whether the answer is immutable: info/mod/zip of a canonical semantic version that is
   * valid for the module path. Only immutable answers are cached forever.
   */
  readonly immutable: boolean;
  /** The storage key (= the escaped protocol path without the leading `/`). */
  readonly key: string;
  /** `path@version.ext`, `path/@v/list` or `path/@latest`: the subject of messages and logs. */
  readonly subject: string;
}

/** SumdbOp is the checksum-database request kind. */
export type SumdbOp = 'supported' | 'latest' | 'lookup' | 'tile';

/** SumdbRoute is a checksum-database proxy request (`/sumdb/<name>/<op>…`). */
export interface SumdbRoute {
  readonly kind: 'sumdb';
  /** The database name, e.g. `sum.golang.org` or `localhost.localdev/sumdb`. */
  readonly name: string;
  readonly op: SumdbOp;
  /** The path below the database URL (`lookup/rsc.io/quote@v1.5.2`, `tile/8/0/001`, `latest`). */
  readonly remotePath: string;
  /** For lookups: the module and version looked up. */
  readonly module?: { path: string; version: string };
  /** The storage key (`sumdb/<name>/<remotePath>`). */
  readonly key: string;
  readonly subject: string;
}

/** OpsRoute is an operations request below `/-/`. */
export interface OpsRoute {
  readonly kind: 'ops';
  /** The path below `/-/`, e.g. `healthz`, `api/modules`. */
  readonly name: string;
}

/** RootRoute is `/`: a short text saying what this server is. */
export interface RootRoute {
  readonly kind: 'root';
}

export type Route = ModuleRoute | SumdbRoute | OpsRoute | RootRoute;

/**
 * routeSubject is the subject error bodies and logs name for a route: `path@version.ext`,
 * `path/@v/list`, `path/@latest`, `sumdb/<name>/…`, `-/<name>` or `/`. Authorize hooks use
 * it so that their 401/403 bodies name what was asked for, as every other answer does.
 */
export function routeSubject(route: Route): string {
  switch (route.kind) {
    case 'module':
    case 'sumdb':
      return route.subject;
    case 'ops':
      return `-/${route.name}`;
    case 'root':
      return '/';
  }
}

/** RouteOptions bounds validation. */
export interface RouteOptions {
  /** Longest accepted request path in bytes (default 2048). */
  readonly maxPathLength?: number;
}

/** DEFAULT_MAX_PATH_LENGTH is the default limit on the request path, in bytes. */
export const DEFAULT_MAX_PATH_LENGTH = 2048;

const SUMDB_OPS = new Set<string>(['supported', 'latest', 'lookup', 'tile']);

/** bad is the ERR_PROXY_BAD_PATH error for a raw path (400 unless status says otherwise). */
function bad(subject: string, reason: string, status?: number): ProxyError {
  return new ProxyError('ERR_PROXY_BAD_PATH', reason, {
    subject: printable(subject),
    ...(status === undefined ? {} : { status }),
  });
}

/** printable makes a raw path safe to echo in a one-line body (no spaces, controls or non-ASCII). */
function printable(raw: string): string {
  const clipped = raw.length > 200 ? raw.slice(0, 200) + '…' : raw;
  return clipped.replace(/[^\x21-\x7e…]/g, (c) => encodeURIComponent(c) || '?');
}

/**
 * checkRawPath applies the byte-level rules to a raw request target (path only, the query
 * removed) and returns the decoded path. It throws ERR_PROXY_BAD_PATH for every rule the
 * module doc lists. Adapters call it on the raw request line, before any URL parser can
 * normalise `..` away; the handler calls it again on the parsed URL's path.
 */
export function checkRawPath(rawPath: string, options: RouteOptions = {}): string {
  const max = options.maxPathLength ?? DEFAULT_MAX_PATH_LENGTH;
  if (Buffer.byteLength(rawPath) > max) throw bad(rawPath, `request path longer than ${max} bytes`);
  if (!rawPath.startsWith('/')) throw bad(rawPath, 'request path must start with /');
  if (/[\x00-\x1f\x7f]/.test(rawPath)) throw bad(rawPath, 'control character in request path');
  if (rawPath.includes('\\')) throw bad(rawPath, 'backslash in request path');
  if (/[^\x21-\x7e]/.test(rawPath)) throw bad(rawPath, 'unescaped non-ASCII character in request path');
  let decoded = rawPath;
  if (rawPath.includes('%')) {
    const bytes: number[] = [];
    for (let i = 0; i < rawPath.length; i++) {
      const c = rawPath.charCodeAt(i);
      if (c !== 0x25) {
        bytes.push(c);
        continue;
      }
      const hex = rawPath.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw bad(rawPath, 'malformed percent escape in request path');
      const b = parseInt(hex, 16);
      if (b === 0x2f || b === 0x5c) throw bad(rawPath, 'percent-encoded slash or backslash in request path');
      if (b < 0x20 || b === 0x7f) throw bad(rawPath, 'percent-encoded control character in request path');
      bytes.push(b);
      i += 2;
    }
    try {
      decoded = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(bytes));
    } catch {
      throw bad(rawPath, 'request path is not valid UTF-8');
    }
    if (/[^\x21-\x7e]/.test(decoded)) throw bad(rawPath, 'non-ASCII or space character in request path');
  }
  if (decoded === '/') return decoded;
  const segments = decoded.slice(1).split('/');
  for (const s of segments) {
    if (s === '.' || s === '..') throw bad(rawPath, 'dot segment in request path');
    if (s === '') throw bad(rawPath, 'empty segment in request path');
  }
  return decoded;
}

/**
 * parseRoute validates a request path (the URL's pathname, still percent-encoded) and
 * returns its route. It throws ERR_PROXY_BAD_PATH (400) for a malformed path (404 when
 * only the module path is invalid, see above) and ERR_PROXY_NOT_FOUND (404) for a
 * well-formed path that is not part of the protocol.
 */
export function parseRoute(rawPath: string, options: RouteOptions = {}): Route {
  const p = checkRawPath(rawPath, options);
  if (p === '/') return { kind: 'root' };
  if (p === '/-' || p.startsWith('/-/')) return { kind: 'ops', name: p.slice(3) };
  if (p.startsWith('/sumdb/')) return parseSumdbRoute(p, rawPath);
  return parseModuleRoute(p, rawPath);
}

function parseModuleRoute(p: string, rawPath: string): ModuleRoute {
  let escapedPath: string;
  let file: ModuleFile;
  let escapedVersion: string | undefined;
  if (p.endsWith('/@latest')) {
    escapedPath = p.slice(1, -'/@latest'.length);
    file = 'latest';
  } else {
    const at = p.lastIndexOf('/@v/');
    if (at < 0) throw notProtocol(rawPath);
    escapedPath = p.slice(1, at);
    const rest = p.slice(at + 4);
    if (rest === 'list') {
      file = 'list';
    } else {
      const m = /^(.+)\.(info|mod|zip)$/.exec(rest);
      if (!m) throw notProtocol(rawPath);
      escapedVersion = m[1]!;
      file = m[2] as ModuleFile;
    }
  }
  if (escapedPath === '' || escapedPath.includes('/@')) throw notProtocol(rawPath);
  let path: string;
  try {
    path = module.unescapePath(escapedPath);
  } catch (e) {
    // A well-formed escape of something that is not a module path (a client GOPROXY with
    // a path prefix: `/goproxy/rsc.io/quote/@v/list`) is answered 404, as proxy.golang.org
    // does, so that a ',' list tries its next entry; the body still says bad request.
    // A malformed escape (an unescaped capital, `!!`) stays 400.
    const validEscape = (e as { fields?: { path?: unknown } }).fields?.path !== undefined;
    throw bad(rawPath, (e as Error).message, validEscape ? 404 : undefined);
  }
  // The key is rebuilt from the decoded path: only the canonical encoding is accepted.
  if (module.escapePath(path) !== escapedPath) throw bad(rawPath, `module path ${escapedPath} is not case-encoded`);
  if (escapedVersion === undefined) {
    const tail = file === 'latest' ? '@latest' : '@v/list';
    return {
      kind: 'module',
      file,
      path,
      escapedPath,
      immutable: false,
      key: `${escapedPath}/${tail}`,
      subject: `${path}/${tail}`,
    };
  }
  let version: string;
  try {
    version = module.unescapeVersion(escapedVersion);
  } catch (e) {
    throw bad(rawPath, (e as Error).message);
  }
  if (module.escapeVersion(version) !== escapedVersion)
    throw bad(rawPath, `version ${escapedVersion} is not case-encoded`);
  const canonical = semver.isValid(version) && module.canonicalVersion(version) === version;
  // The go command asks for .mod and .zip of canonical versions only; .info also
  // answers queries (branch names, commit prefixes), which are not cacheable.
  if (file !== 'info' && !canonical)
    throw bad(rawPath, `invalid version ${JSON.stringify(version)}: not a canonical semantic version`);
  const checkErr = canonical ? module.check(path, version) : undefined;
  const immutable = canonical && checkErr === undefined;
  // A version the module path does not allow (rsc.io/quote@v2.0.0) has no go.mod or zip.
  if (file !== 'info' && checkErr) {
    throw new ProxyError('ERR_PROXY_NOT_FOUND', checkErr.message, { subject: `${path}@${version}.${file}` });
  }
  return {
    kind: 'module',
    file,
    path,
    escapedPath,
    version,
    escapedVersion,
    immutable,
    key: `${escapedPath}/@v/${escapedVersion}.${file}`,
    subject: `${path}@${version}.${file}`,
  };
}

function parseSumdbRoute(p: string, rawPath: string): SumdbRoute {
  const segs = p.slice('/sumdb/'.length).split('/');
  const opIndex = segs.findIndex((s, i) => i > 0 && SUMDB_OPS.has(s));
  if (opIndex < 0) throw notProtocol(rawPath);
  const name = segs.slice(0, opIndex).join('/');
  const op = segs[opIndex] as SumdbOp;
  const remotePath = segs.slice(opIndex).join('/');
  const base = { kind: 'sumdb' as const, name, op, remotePath, key: `sumdb/${name}/${remotePath}` };
  if (!/^[a-z0-9.-]+(?::\d+)?(\/[a-zA-Z0-9._~-]+)*$/.test(name)) throw bad(rawPath, `invalid checksum database name`);
  switch (op) {
    case 'supported':
    case 'latest':
      if (opIndex !== segs.length - 1) throw notProtocol(rawPath);
      return { ...base, subject: `sumdb/${name}/${op}` };
    case 'lookup': {
      const target = segs.slice(opIndex + 1).join('/');
      const at = target.lastIndexOf('@');
      if (at <= 0) throw bad(rawPath, 'lookup path must be <module>@<version>');
      let path: string;
      let version: string;
      try {
        path = module.unescapePath(target.slice(0, at));
        version = module.unescapeVersion(target.slice(at + 1));
      } catch (e) {
        throw bad(rawPath, (e as Error).message);
      }
      if (!semver.isValid(version)) throw bad(rawPath, `invalid version ${JSON.stringify(version)}`);
      if (module.escapePath(path) + '@' + module.escapeVersion(version) !== target)
        throw bad(rawPath, `lookup ${target} is not case-encoded`);
      return { ...base, module: { path, version }, subject: `sumdb/${name}/lookup/${path}@${version}` };
    }
    case 'tile': {
      try {
        parseTilePath(remotePath);
      } catch (e) {
        throw bad(rawPath, (e as Error).message);
      }
      return { ...base, subject: `sumdb/${name}/${remotePath}` };
    }
  }
}

function notProtocol(rawPath: string): ProxyError {
  return new ProxyError('ERR_PROXY_NOT_FOUND', 'not a module proxy path', {
    subject: printable(rawPath),
  });
}
