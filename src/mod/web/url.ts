/**
 * URL helpers with the go command's (net/url) behaviour where it shows in messages:
 * redaction of passwords (`user:xxxxx@host`, as url.URL.Redacted) and a scheme parser that
 * follows net/url's getScheme, so proxy-list validation words errors as Go does.
 */

/** GoUrlParts is the split of a URL string the way net/url.Parse splits it. */
export interface GoUrlParts {
  /** Lower-cased scheme, or '' when the string has none. */
  readonly scheme: string;
  /** True when the URL has an authority (`scheme://…`). */
  readonly hasAuthority: boolean;
  /** Userinfo before '@' (raw), or undefined. */
  readonly userinfo: string | undefined;
  readonly host: string;
  readonly path: string;
  /** Opaque part (`scheme:opaque` without a leading '/'). */
  readonly opaque: string;
  readonly query: string | undefined;
  readonly fragment: string | undefined;
}

/**
 * splitGoUrl splits raw as net/url.Parse does (scheme, authority, path, query, fragment).
 * It throws an Error with Go's text (`missing protocol scheme`) when raw starts with ':'.
 */
export function splitGoUrl(raw: string): GoUrlParts {
  let rest = raw;
  let fragment: string | undefined;
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let scheme = '';
  for (let i = 0; i < rest.length; i++) {
    const c = rest[i]!;
    if (/[a-zA-Z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) break;
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new Error('missing protocol scheme');
      scheme = rest.slice(0, i).toLowerCase();
      rest = rest.slice(i + 1);
    }
    break;
  }
  let query: string | undefined;
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let hasAuthority = false;
  let userinfo: string | undefined;
  let host = '';
  let opaque = '';
  if (scheme !== '' && !rest.startsWith('/')) {
    opaque = rest;
    rest = '';
  } else if (rest.startsWith('//')) {
    hasAuthority = true;
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      userinfo = authority.slice(0, at);
      host = authority.slice(at + 1);
    } else {
      host = authority;
    }
  }
  return { scheme, hasAuthority, userinfo, host, path: rest, opaque, query, fragment };
}

/**
 * redactUrl returns url with the password of its userinfo replaced by `xxxxx`, exactly as
 * Go's url.URL.Redacted does (a user name without a password is kept). Strings that are
 * not URLs are returned unchanged. It never throws.
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^/@?#]*)@/, (m, scheme: string, info: string) => {
    const colon = info.indexOf(':');
    if (colon < 0) return m;
    return `${scheme}${info.slice(0, colon)}:xxxxx@`;
  });
}

/** redactAll applies redactUrl to every URL inside text (for messages that embed URLs). */
export function redactAll(text: string): string {
  return text.replace(/\b[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s"]+/g, (u) => redactUrl(u));
}

/** UrlEscapeMode is the part of net/url's encoding modes used for paths. */
export type UrlEscapeMode = 'path' | 'pathSegment';

/**
 * shouldEscapeUrl is net/url's shouldEscape for one byte in a path mode: letters,
 * digits and `-_.~` stay; of the reserved `$&+,/:;=?@`, a path escapes only `?`, a
 * path segment also `/`, `;` and `,`; everything else (including `!` and every byte
 * ≥ 0x80) is escaped.
 */
export function shouldEscapeUrl(b: number, mode: UrlEscapeMode): boolean {
  if ((b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39)) return false;
  switch (b) {
    case 0x2d: // -
    case 0x5f: // _
    case 0x2e: // .
    case 0x7e: // ~
      return false;
    case 0x24: // $
    case 0x26: // &
    case 0x2b: // +
    case 0x3a: // :
    case 0x3d: // =
    case 0x40: // @
      return false;
    case 0x2f: // /
    case 0x3b: // ;
    case 0x2c: // ,
      return mode === 'pathSegment';
    case 0x3f: // ?
      return true;
  }
  return true;
}

/**
 * escapeUrlPath %-encodes the UTF-8 bytes of s as net/url's escape(s, mode) does for
 * the path modes (upper-case hex): `url.URL.EscapedPath` for 'path', `url.PathEscape`
 * for 'pathSegment'. It never throws.
 */
export function escapeUrlPath(s: string, mode: UrlEscapeMode = 'path'): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    out += shouldEscapeUrl(b, mode) ? '%' + (b < 16 ? '0' : '') + b.toString(16).toUpperCase() : String.fromCharCode(b);
  }
  return out;
}
