/**
 * The case-safe escaped form of module paths and versions (x/mod "Escaped Paths").
 *
 * Module paths appear in file system paths (the module cache) and URLs (the proxy
 * protocol), and neither can be trusted to keep "rsc.io/QUOTE" and "rsc.io/quote"
 * apart. So every upper-case ASCII letter is written as "!" plus its lower-case form
 * ("github.com/Azure" → "github.com/!azure"). Valid paths never contain "!" or
 * non-ASCII characters, so the mapping is a bijection on valid paths, and an escaped
 * path never needs two casings of the same name.
 */

import { CodedError } from '../internal/errors.js';
import { checkElem, checkPath } from './check.js';
import { InvalidVersionError, reason } from './errors.js';
import { decodeGoString, goQuote, type GoString } from './quote.js';

/**
 * escapePath returns the escaped form of the module path ("github.com/GoogleCloudPlatform/omega"
 * → "github.com/!google!cloud!platform/omega"). It throws the InvalidPathError of
 * checkPath when path is not a valid module path.
 */
export function escapePath(path: GoString): string {
  const err = checkPath(path);
  if (err) throw err;
  return escapeString(decodeGoString(path).text);
}

/**
 * escapeVersion returns the escaped form of version v ("v1.5.3-PRE" → "v1.5.3-!p!r!e").
 * Versions need not be semantic versions, but must be valid file names (see
 * checkFilePath) without "!". Otherwise it throws InvalidVersionError
 * `version "v" invalid: disallowed version string`; a file-name-valid version with a
 * non-ASCII letter throws ERR_MODULE_ESCAPE_INTERNAL, as x/mod returns its internal error.
 */
export function escapeVersion(v: string): string {
  const { valid } = decodeGoString(v);
  if (!valid || checkElem(v, 'file') !== undefined || v.includes('!')) {
    throw new InvalidVersionError(v, false, reason('disallowed version string'));
  }
  return escapeString(v);
}

/** escapeString writes each upper-case ASCII letter of s as "!" + lower case. */
function escapeString(s: string): string {
  let haveUpper = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Callers have rejected these already; escaping would not be reversible otherwise.
    if (c === 0x21 || c >= 0x80) {
      throw new CodedError('ERR_MODULE_ESCAPE_INTERNAL', 'internal error: inconsistency in EscapePath', { value: s });
    }
    if (c >= 0x41 && c <= 0x5a) haveUpper = true;
  }
  if (!haveUpper) return s;
  return s.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase());
}

/**
 * unescapePath returns the module path for an escaped path ("github.com/!azure/x" →
 * "github.com/Azure/x"). It throws CodedError ERR_MODULE_INVALID_ESCAPED_PATH
 * `invalid escaped module path "e"` when the escaping is malformed (upper case, "!"
 * not followed by a lower-case letter, non-ASCII), or `invalid escaped module path
 * "e": malformed module path …` when the result is not a valid module path.
 */
export function unescapePath(escaped: GoString): string {
  const { text, valid } = decodeGoString(escaped);
  const path = valid ? unescapeString(text) : undefined;
  if (path === undefined) {
    throw new CodedError('ERR_MODULE_INVALID_ESCAPED_PATH', `invalid escaped module path ${goQuote(escaped)}`, {
      escaped: text,
    });
  }
  const err = checkPath(path);
  if (err) {
    throw new CodedError(
      'ERR_MODULE_INVALID_ESCAPED_PATH',
      `invalid escaped module path ${goQuote(escaped)}: ${err.message}`,
      { escaped: text, path },
      { cause: err },
    );
  }
  return path;
}

/**
 * unescapeVersion returns the version for an escaped version ("v1.5.3-!p!r!e" →
 * "v1.5.3-PRE"). It throws CodedError ERR_MODULE_INVALID_ESCAPED_VERSION `invalid
 * escaped version "e"` when the escaping is malformed, or `invalid escaped version
 * "v": <reason>` (quoting the unescaped version, as x/mod does) when the result is
 * not a valid file name.
 */
export function unescapeVersion(escaped: string): string {
  const v = decodeGoString(escaped).valid ? unescapeString(escaped) : undefined;
  if (v === undefined) {
    throw new CodedError('ERR_MODULE_INVALID_ESCAPED_VERSION', `invalid escaped version ${goQuote(escaped)}`, {
      escaped,
    });
  }
  const why = checkElem(v, 'file');
  if (why !== undefined) {
    throw new CodedError('ERR_MODULE_INVALID_ESCAPED_VERSION', `invalid escaped version ${goQuote(v)}: ${why}`, {
      escaped,
      version: v,
    });
  }
  return v;
}

/**
 * unescapeString reverses escapeString, or returns undefined when escaped contains a
 * non-ASCII or upper-case character, or a "!" not followed by a lower-case letter.
 */
function unescapeString(escaped: string): string | undefined {
  let out = '';
  let bang = false;
  for (let i = 0; i < escaped.length; i++) {
    const c = escaped.charCodeAt(i);
    if (c >= 0x80) return undefined;
    if (bang) {
      bang = false;
      if (c < 0x61 || c > 0x7a) return undefined;
      out += String.fromCharCode(c - 0x20);
      continue;
    }
    if (c === 0x21) {
      bang = true;
      continue;
    }
    if (c >= 0x41 && c <= 0x5a) return undefined;
    out += escaped[i];
  }
  return bang ? undefined : out;
}
