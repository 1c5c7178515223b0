/**
 * GOPROXY list semantics (cmd/go/internal/modfetch proxyList and TryProxies).
 *
 * A GOPROXY value is a list of proxy URLs separated by ',' or '|'. After a ',' the next
 * entry is tried only when the previous one answered "not found" (404 or 410); after a
 * '|' it is tried after any error. The keywords `direct` (fetch from version control)
 * and `off` (fail) end the list; entries after them are ignored for forward
 * compatibility. See https://go.dev/ref/mod#goproxy-protocol and
 * https://go.dev/ref/mod#environment-variables.
 */
import { CodedError } from '../internal/errors.js';
import { redactUrl, splitGoUrl } from '../web/url.js';

/**
 * ProxySpec is one entry of a parsed GOPROXY list (the shape the checksum-database client
 * consumes). url is a complete proxy URL or one of the keywords `direct`, `off` and
 * `noproxy` (the implicit first entry when GONOPROXY is set, see parseProxyList).
 */
export interface ProxySpec {
  /** Proxy URL (with any credentials, as configured), or `direct`, `off`, `noproxy`. */
  url: string;
  /**
   * fallBackOnError is true when the next entry is tried after any error ('|' separator);
   * when false only a "not found" answer (404/410) falls through (',' separator).
   */
  fallBackOnError: boolean;
}

export interface ParseProxyListOptions {
  /**
   * The GONOPROXY value. When non-empty (and GOPROXY is not exactly `direct`), the list
   * starts with the implicit `noproxy` entry, as in the go command; modules matching
   * GONOPROXY are then fetched directly and all others skip that entry.
   */
  readonly noProxy?: string;
}

/**
 * parseProxyList parses a GOPROXY value into its entries with the go command's rules:
 * entries are trimmed, empty entries are skipped, single words other than the keywords
 * and entries with '.', ':' or '/' but no ":/" and not absolute paths get `https://`
 * prepended. It throws CodedError ERR_GOPROXY_LIST (Go's wording) when the list has no
 * entries or an entry is not an http, https or file URL.
 */
export function parseProxyList(goproxy: string, options: ParseProxyListOptions = {}): ProxySpec[] {
  const list: ProxySpec[] = [];
  if ((options.noProxy ?? '') !== '' && goproxy !== 'direct') list.push({ url: 'noproxy', fallBackOnError: false });
  let rest = goproxy;
  while (rest !== '') {
    let url: string;
    let fallBackOnError = false;
    const i = rest.search(/[,|]/);
    if (i >= 0) {
      url = rest.slice(0, i);
      fallBackOnError = rest[i] === '|';
      rest = rest.slice(i + 1);
    } else {
      url = rest;
      rest = '';
    }
    url = url.trim();
    if (url === '') continue;
    if (url === 'off') {
      // "off" always fails hard, so the rest of the list is never consulted.
      list.push({ url: 'off', fallBackOnError: false });
      break;
    }
    if (url === 'direct') {
      // "direct" ends the list: later entries are reserved for future behaviour.
      list.push({ url: 'direct', fallBackOnError: false });
      break;
    }
    // Single words are reserved for keywords; things that look like host names or
    // host/path get an implicit https:// (absolute file paths do not).
    if (/[.:/]/.test(url) && !url.includes(':/') && !url.startsWith('/')) url = 'https://' + url;
    checkProxyUrl(url);
    list.push({ url, fallBackOnError });
  }
  if (list.length === 0 || (list.length === 1 && list[0]!.url === 'noproxy')) {
    throw new CodedError('ERR_GOPROXY_LIST', 'GOPROXY list is not the empty string, but contains no entries', {
      goproxy: redactUrl(goproxy),
    });
  }
  return list;
}

/**
 * checkProxyUrl checks that url can be a proxy base URL (http, https, or a file:// URL with
 * only a path), throwing ERR_GOPROXY_LIST with the go command's wording otherwise.
 */
export function checkProxyUrl(url: string): void {
  let parts;
  try {
    parts = splitGoUrl(url);
  } catch (e) {
    throw new CodedError('ERR_GOPROXY_LIST', `parse ${JSON.stringify(redactUrl(url))}: ${(e as Error).message}`, {
      url: redactUrl(url),
    });
  }
  const fail = (message: string) => new CodedError('ERR_GOPROXY_LIST', message, { url: redactUrl(url) });
  switch (parts.scheme) {
    case 'http':
    case 'https':
      return;
    case 'file':
      if (
        parts.host !== '' ||
        parts.userinfo !== undefined ||
        parts.opaque !== '' ||
        parts.query !== undefined ||
        parts.fragment !== undefined
      ) {
        throw fail(`invalid file:// proxy URL with non-path elements: ${redactUrl(url)}`);
      }
      return;
    case '':
      throw fail(`invalid proxy URL missing scheme: ${redactUrl(url)}`);
    default:
      throw fail(`invalid proxy URL scheme (must be https, http, file): ${redactUrl(url)}`);
  }
}
