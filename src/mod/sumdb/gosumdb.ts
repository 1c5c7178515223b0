/**
 * The GOSUMDB setting as the go command reads it (cmd/go/internal/modfetch: dbDial,
 * useSumDB, knownGOSUMDB).
 */
import { CodedError } from '../internal/errors.js';
import { matchPrefixPatterns } from '../module/index.js';
import { newVerifier } from './note/index.js';
import { GO_SPACE } from './text.js';
import { escapeGoPath, unescapeGo } from './web.js';

/** KNOWN_GOSUMDB maps database names to their built-in verifier keys (cmd/go's knownGOSUMDB). */
export const KNOWN_GOSUMDB: Readonly<Record<string, string>> = {
  'sum.golang.org': 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8',
};

/** GOSUMDB_ALIASES are whole GOSUMDB values the go command rewrites (a mirror reachable in mainland China). */
export const GOSUMDB_ALIASES: Readonly<Record<string, string>> = {
  'sum.golang.google.cn': 'sum.golang.org https://sum.golang.google.cn',
};

/** A SumdbConfig is a parsed GOSUMDB value other than "off". */
export interface SumdbConfig {
  /** name is the database name from the verifier key ("sum.golang.org"). */
  readonly name: string;
  /** key is the verifier key ("name+hash+keydata"). */
  readonly key: string;
  /** directURL is where the database is reached without a proxy: "https://" + name. */
  readonly directURL: string;
  /**
   * url is the explicit URL from GOSUMDB's second field, if any. It bypasses both the
   * default URL and the GOPROXY proxies.
   */
  readonly url?: string;
}

function gosumdbError(message: string, fields: Record<string, unknown> = {}): CodedError {
  return new CodedError('ERR_SUMDB_GOSUMDB', message, fields);
}

/** fields splits s around runs of Unicode white space (Go's strings.Fields). */
function goFields(s: string): string[] {
  return s.split(new RegExp(`${GO_SPACE.source}+`)).filter((f) => f !== '');
}

/** GoURLFields are the url.URL fields the go command prints for a rejected database name. */
interface GoURLFields {
  user: string;
  host: string;
  path: string;
  rawPath: string;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
}

/**
 * parseNameURL parses "https://" + name the way Go's url.Parse does, for the fields the
 * go command checks; undefined where url.Parse fails (the go command then crashes).
 */
function parseNameURL(name: string): GoURLFields | undefined {
  let rest = name;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    const f = unescapeGo(rest.slice(hash + 1));
    if (f === undefined) return undefined;
    fragment = f;
    rest = rest.slice(0, hash);
  }
  let rawQuery = '';
  let forceQuery = false;
  const q = rest.indexOf('?');
  if (q >= 0) {
    rawQuery = rest.slice(q + 1);
    forceQuery = rawQuery === '';
    rest = rest.slice(0, q);
  }
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const rawPath = slash < 0 ? '' : rest.slice(slash);
  const at = authority.lastIndexOf('@');
  const user = at < 0 ? '' : authority.slice(0, at);
  const host = authority.slice(at + 1);
  // Go's parseHost: an optional numeric port, host characters only.
  const hm = /^(\[[0-9a-fA-F:.]*\]|[^:[\]]*)(:[0-9]*)?$/.exec(host);
  if (!hm || !/^[A-Za-z0-9\-._~!$&'()*+,;="<>[\]:\u0080-\uffff]*$/.test(hm[1]!)) return undefined;
  const path = unescapeGo(rawPath);
  if (path === undefined) return undefined;
  return {
    user: user.includes(':') ? `${user.slice(0, user.indexOf(':'))}:***` : user,
    host,
    path,
    rawPath: escapeGoPath(path) === rawPath ? '' : rawPath,
    forceQuery,
    rawQuery,
    fragment,
  };
}

/**
 * parseGOSUMDB parses a GOSUMDB value other than "off" the way the go command's dbDial
 * does: "name", "name+hash+key" or either followed by " URL"; a known name
 * (sum.golang.org) gets its built-in key; "sum.golang.google.cn" means sum.golang.org
 * through that mirror. Pass the value after the go env defaults (unset or empty means
 * "sum.golang.org"). Errors throw ERR_SUMDB_GOSUMDB with Go's text: `missing GOSUMDB`,
 * `invalid GOSUMDB: too many fields`, `invalid GOSUMDB: <key error>`,
 * `invalid sumdb name (must be host[/path]): …`, `invalid GOSUMDB URL: …`.
 */
export function parseGOSUMDB(value: string): SumdbConfig {
  const key = goFields(GOSUMDB_ALIASES[value] ?? value);
  if (key.length >= 1 && KNOWN_GOSUMDB[key[0]!]) key[0] = KNOWN_GOSUMDB[key[0]!]!;
  if (key.length === 0) throw gosumdbError('missing GOSUMDB');
  if (key.length > 2) throw gosumdbError('invalid GOSUMDB: too many fields', { fields: key.length });
  let name: string;
  try {
    name = newVerifier(key[0]!).name;
  } catch (e) {
    throw new CodedError('ERR_SUMDB_GOSUMDB', `invalid GOSUMDB: ${(e as Error).message}`, {}, { cause: e });
  }
  // No funny business in the database name: "https://" + name must be a plain host[/path] URL.
  const u = parseNameURL(name);
  if (
    u === undefined ||
    name.endsWith('/') ||
    u.host === '' ||
    u.user !== '' ||
    u.rawPath !== '' ||
    u.forceQuery ||
    u.rawQuery !== '' ||
    u.fragment !== ''
  ) {
    const f = u ?? { user: '', host: '', path: '', rawPath: '', forceQuery: false, rawQuery: '', fragment: '' };
    throw gosumdbError(
      `invalid sumdb name (must be host[/path]): ${name} {Scheme:https Opaque: User:${f.user} Host:${f.host} Path:${f.path} RawPath:${f.rawPath} OmitHost:false ForceQuery:${f.forceQuery} RawQuery:${f.rawQuery} Fragment:${f.fragment} RawFragment:}`,
      { name },
    );
  }
  const config: SumdbConfig = { name, key: key[0]!, directURL: `https://${name}` };
  if (key.length === 2) {
    const u = key[1]!;
    const bad = goURLParseError(u);
    if (bad) throw gosumdbError(`invalid GOSUMDB URL: parse ${JSON.stringify(u)}: ${bad}`, { url: u });
    return { ...config, url: u };
  }
  return config;
}

/**
 * goURLParseError returns the reason Go's url.Parse gives for the common ways a URL is
 * malformed, or undefined when it parses.
 */
function goURLParseError(u: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(u)) return 'net/url: invalid control character in URL';
  if (/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/\[[^\]/]*($|\/)/.test(u)) return "missing ']' in host";
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(u);
  if (u.startsWith(':')) return 'missing protocol scheme';
  const bad = /%(?![0-9a-fA-F]{2})(.{0,2})/.exec(u);
  if (bad) return `invalid URL escape ${JSON.stringify('%' + bad[1]!)}`;
  if (scheme && u.slice(scheme[0].length).startsWith('//')) {
    const authority = u.slice(scheme[0].length + 2).split(/[/?#]/)[0]!;
    const host = authority.slice(authority.lastIndexOf('@') + 1);
    const port = /^(?:\[[^\]]*\]|[^:]*)(:.*)?$/.exec(host)?.[1];
    if (port !== undefined && !/^:[0-9]*$/.test(port)) return `invalid port ${JSON.stringify(port)} after host`;
  } else if (!scheme) {
    const first = u.split('/')[0]!;
    if (first.includes(':')) return 'first path segment in URL cannot contain colon';
  }
  return undefined;
}

/**
 * useSumDB reports whether the go command consults the checksum database for a module
 * path: GOSUMDB is not "off" and the path matches no GONOSUMDB pattern. Pass gonosumdb
 * after the go env defaults (GONOSUMDB, or GOPRIVATE when GONOSUMDB is unset).
 */
export function useSumDB(gosumdb: string, gonosumdb: string, modulePath: string): boolean {
  return gosumdb !== 'off' && !matchPrefixPatterns(gonosumdb, modulePath);
}
