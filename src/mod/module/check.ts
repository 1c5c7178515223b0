/**
 * The three path grammars (module, import, file), module path major-version
 * suffixes, and the path/version consistency check (x/mod module.go).
 *
 * These rules define which import paths the go command accepts, so they are
 * reproduced exactly, including the order in which they are tested (it decides
 * which message a path with several problems gets).
 */

import * as semver from '../semver/index.js';
import { CodedError } from '../internal/errors.js';
import { InvalidPathError, InvalidVersionError, ModuleError, reason, type PathKind } from './errors.js';
import { decodeGoString, goQuote, goQuoteRune, type GoString } from './quote.js';

/**
 * check checks that path and version form a valid module version: path passes
 * checkPath, version is a valid semantic version, and its major version matches
 * the path's major-version suffix ("yaml/v2" only goes with "v2.x.y").
 * It returns undefined when valid, otherwise the InvalidPathError of checkPath, or
 * a ModuleError wrapping an InvalidVersionError (`path@v: invalid version: …`).
 */
export function check(path: GoString, version: string): InvalidPathError | ModuleError | undefined {
  const pathErr = checkPath(path);
  if (pathErr) return pathErr;
  const text = decodeGoString(path).text;
  if (!semver.isValid(version)) {
    return new ModuleError(text, '', new InvalidVersionError(version, false, reason('not a semantic version')));
  }
  const { pathMajor } = splitPathVersion(text);
  const majorErr = checkPathMajor(version, pathMajor);
  if (majorErr) return new ModuleError(text, '', majorErr);
  return undefined;
}

/**
 * firstPathOK reports whether r may appear in the first element of a module path:
 * a lower-case LDH domain name (so that case never makes two paths collide).
 */
function firstPathOK(r: number): boolean {
  return r === 0x2d || r === 0x2e || (r >= 0x30 && r <= 0x39) || (r >= 0x61 && r <= 0x7a);
}

/** modPathOK reports whether r may appear in a module path element: ASCII letters, digits, - . _ ~. */
function modPathOK(r: number): boolean {
  return (
    r === 0x2d ||
    r === 0x2e ||
    r === 0x5f ||
    r === 0x7e ||
    (r >= 0x30 && r <= 0x39) ||
    (r >= 0x41 && r <= 0x5a) ||
    (r >= 0x61 && r <= 0x7a)
  );
}

/** importPathOK reports whether r may appear in an import path element: modPathOK plus '+'. */
function importPathOK(r: number): boolean {
  return modPathOK(r) || r === 0x2b;
}

const FILE_PUNCT = new Set(Array.from('!#$%&()+,-.=@[]^_{}~ ', (c) => c.charCodeAt(0)));
const LETTER = /^\p{L}$/u;

/**
 * fileNameOK reports whether r may appear in a file name: ASCII letters and digits,
 * the punctuation !#$%&()+,-.=@[]^_{}~ and space, and any Unicode letter. Shell and
 * OS specials (" ' * < > ? ` | / \ :) are excluded.
 */
function fileNameOK(r: number): boolean {
  if (r < 0x80) {
    return (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a) || FILE_PUNCT.has(r);
  }
  return LETTER.test(String.fromCodePoint(r));
}

/**
 * checkPath checks that path is a valid module path and returns undefined, or an
 * InvalidPathError of kind "module" (`malformed module path "x": missing dot in first
 * path element`, …). A valid module path is a valid import path whose first element
 * is a lower-case domain name with at least one dot and no leading dash, whose
 * elements do not start with a dot, whose chars are limited to ASCII letters,
 * digits and - . _ ~, and whose major-version suffix (/vN, or .vN for gopkg.in) is
 * well formed. A Uint8Array is taken as Go's byte string; invalid UTF-8 (or a JS
 * string with a lone surrogate) is reported as "invalid UTF-8".
 */
export function checkPath(path: GoString): InvalidPathError | undefined {
  const { text, valid } = decodeGoString(path);
  const fail = (msg: string): InvalidPathError => new InvalidPathError('module', text, reason(msg), path);
  if (!valid) return fail('invalid UTF-8');
  const err = checkGeneralPath(text, 'module');
  if (err !== undefined) return fail(err);
  let i = text.indexOf('/');
  if (i < 0) i = text.length;
  if (i === 0) return fail('leading slash');
  const first = text.slice(0, i);
  if (!first.includes('.')) return fail('missing dot in first path element');
  if (text[0] === '-') return fail('leading dash in first path element');
  for (const ch of first) {
    const r = ch.codePointAt(0)!;
    if (!firstPathOK(r)) return fail(`invalid char ${goQuoteRune(r)} in first path element`);
  }
  if (!splitPathVersion(text).ok) return fail('invalid version');
  return undefined;
}

/**
 * checkImportPath checks that path is a valid import path and returns undefined, or
 * an InvalidPathError of kind "import". An import path is one or more non-empty
 * elements separated by single slashes, made of ASCII letters, digits and + - . _ ~,
 * not starting with a dash, with no element that is all dots or ends in a dot, whose
 * part before the first dot is not a Windows reserved name (CON, com1, …) and does
 * not end in a tilde and digits (Windows short names). Invalid UTF-8 is rejected.
 */
export function checkImportPath(path: GoString): InvalidPathError | undefined {
  return checkKind(path, 'import');
}

/**
 * checkFilePath checks that a slash-separated file path is valid and returns
 * undefined, or an InvalidPathError of kind "file". The rules are those of import
 * paths, except that any Unicode letter, the space and !#$%&()+,-.=@[]^_{}~ are also
 * allowed, a leading dash or dot is allowed, and the Windows short-name rule does not
 * apply. Invalid UTF-8 is rejected.
 */
export function checkFilePath(path: GoString): InvalidPathError | undefined {
  return checkKind(path, 'file');
}

function checkKind(path: GoString, kind: 'import' | 'file'): InvalidPathError | undefined {
  const { text, valid } = decodeGoString(path);
  const err = valid ? checkGeneralPath(text, kind) : 'invalid UTF-8';
  return err === undefined ? undefined : new InvalidPathError(kind, text, reason(err), path);
}

/**
 * checkGeneralPath applies the rules shared by the three kinds to well-formed text
 * and returns the reason it is invalid (without the path), or undefined.
 */
function checkGeneralPath(path: string, kind: PathKind): string | undefined {
  if (path === '') return 'empty string';
  if (path[0] === '-' && kind !== 'file') return 'leading dash';
  if (path.includes('//')) return 'double slash';
  if (path[path.length - 1] === '/') return 'trailing slash';
  let start = 0;
  for (;;) {
    const end = path.indexOf('/', start);
    const err = checkElem(end < 0 ? path.slice(start) : path.slice(start, end), kind);
    if (err !== undefined || end < 0) return err;
    start = end + 1;
  }
}

/** Windows reserves these names (before the first dot, in any case) for devices. */
const BAD_WINDOWS_NAMES = [
  'CON',
  'PRN',
  'AUX',
  'NUL',
  'COM1',
  'COM2',
  'COM3',
  'COM4',
  'COM5',
  'COM6',
  'COM7',
  'COM8',
  'COM9',
  'LPT1',
  'LPT2',
  'LPT3',
  'LPT4',
  'LPT5',
  'LPT6',
  'LPT7',
  'LPT8',
  'LPT9',
];

/**
 * equalFoldASCII is strings.EqualFold for the reserved names above: none of their
 * letters has a non-ASCII case-fold partner, so ASCII folding is exact.
 */
function equalFoldASCII(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 0x61 && x <= 0x7a) x -= 0x20;
    if (y >= 0x61 && y <= 0x7a) y -= 0x20;
    if (x !== y) return false;
  }
  return true;
}

/**
 * checkElem checks one path element (x/mod's checkElem) and returns the reason it is
 * invalid, or undefined. Exported for escapeVersion/unescapeVersion, which apply the
 * file-name rules to a version string.
 */
export function checkElem(elem: string, kind: PathKind): string | undefined {
  if (elem === '') return 'empty path element';
  if (/^\.+$/.test(elem)) return `invalid path element ${goQuote(elem)}`;
  if (elem[0] === '.' && kind === 'module') return 'leading dot in path element';
  if (elem[elem.length - 1] === '.') return 'trailing dot in path element';
  const ok = kind === 'module' ? modPathOK : kind === 'import' ? importPathOK : fileNameOK;
  for (const ch of elem) {
    const r = ch.codePointAt(0)!;
    if (!ok(r)) return `invalid char ${goQuoteRune(r)}`;
  }
  const dot = elem.indexOf('.');
  const short = dot >= 0 ? elem.slice(0, dot) : elem;
  for (const bad of BAD_WINDOWS_NAMES) {
    if (equalFoldASCII(bad, short)) return `${goQuote(short)} disallowed as path element component on Windows`;
  }
  // Windows short names (PROGRA~1) end in a tilde and digits; file names may.
  if (kind !== 'file' && /~[0-9]+$/.test(short)) return 'trailing tilde and digits in path element';
  return undefined;
}

/** SplitPath is the result of splitPathVersion. */
export interface SplitPath {
  /** The path without its major-version suffix. */
  prefix: string;
  /** "", "/vN" (N ≥ 2), or for gopkg.in ".vN" (any N, optionally "-unstable"). */
  pathMajor: string;
  /** False when the final element looks like a version but breaks the rules (/v1, /v2.0, /v02…). */
  ok: boolean;
}

/**
 * splitPathVersion splits path into prefix and pathMajor with prefix + pathMajor ===
 * path, where pathMajor is "" or "/vN" with N ≥ 2 and no leading zero; gopkg.in
 * paths use ".vN" for every N (".v0", ".v1"…, optionally "-unstable"). An invalid
 * suffix (example.com/pkg/v1, /v1.2, /v02, gopkg.in without .vN) gives
 * { prefix: path, pathMajor: "", ok: false }.
 */
export function splitPathVersion(path: string): SplitPath {
  if (path.startsWith('gopkg.in/')) return splitGopkgIn(path);
  let i = path.length;
  let dot = false;
  while (i > 0 && (isDigit(path.charCodeAt(i - 1)) || path[i - 1] === '.')) {
    if (path[i - 1] === '.') dot = true;
    i--;
  }
  if (i <= 1 || i === path.length || path[i - 1] !== 'v' || path[i - 2] !== '/') {
    return { prefix: path, pathMajor: '', ok: true };
  }
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (dot || pathMajor.length <= 2 || pathMajor[2] === '0' || pathMajor === '/v1') {
    return { prefix: path, pathMajor: '', ok: false };
  }
  return { prefix, pathMajor, ok: true };
}

/** splitGopkgIn is splitPathVersion for gopkg.in paths (".vN" suffix required). */
function splitGopkgIn(path: string): SplitPath {
  let i = path.length;
  if (path.endsWith('-unstable')) i -= '-unstable'.length;
  while (i > 0 && isDigit(path.charCodeAt(i - 1))) i--;
  if (i <= 1 || path[i - 1] !== 'v' || path[i - 2] !== '.') {
    return { prefix: path, pathMajor: '', ok: false };
  }
  const prefix = path.slice(0, i - 2);
  const pathMajor = path.slice(i - 2);
  if (pathMajor.length <= 2 || (pathMajor[2] === '0' && pathMajor !== '.v0')) {
    return { prefix: path, pathMajor: '', ok: false };
  }
  return { prefix, pathMajor, ok: true };
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * matchPathMajor reports whether version v may be used with the path major-version
 * suffix pathMajor; it is true exactly when checkPathMajor returns undefined.
 * It allocates nothing, so it is cheap in loops over version lists.
 */
export function matchPathMajor(v: string, pathMajor: string): boolean {
  return pathMajorMismatch(v, pathMajor) === undefined;
}

/**
 * checkPathMajor returns undefined when version v matches pathMajor, otherwise an
 * InvalidVersionError `version "v" invalid: should be v2, not v3`. An empty pathMajor
 * accepts v0, v1 and any +incompatible version; ".v1" also accepts the historical
 * "v0.0.0-" pseudo-versions of gopkg.in. An invalid v never matches (its major is
 * "", so the message ends in "not ").
 */
export function checkPathMajor(v: string, pathMajor: string): InvalidVersionError | undefined {
  const why = pathMajorMismatch(v, pathMajor);
  return why === undefined ? undefined : new InvalidVersionError(v, false, reason(why));
}

/** pathMajorMismatch is checkPathMajor's test: the reason v does not match, or undefined. */
function pathMajorMismatch(v: string, pathMajor: string): string | undefined {
  if (pathMajor.startsWith('.v') && pathMajor.endsWith('-unstable')) {
    pathMajor = pathMajor.slice(0, -'-unstable'.length);
  }
  // An old bug generated v0.0.0- pseudo-versions for gopkg.in .v1 paths; allow them.
  if (v.startsWith('v0.0.0-') && pathMajor === '.v1') return undefined;
  const m = semver.major(v);
  let want = pathMajor;
  if (pathMajor === '') {
    if (m === 'v0' || m === 'v1' || semver.build(v) === '+incompatible') return undefined;
    want = 'v0 or v1';
  } else if (pathMajor[0] === '/' || pathMajor[0] === '.') {
    if (m === pathMajor.slice(1)) return undefined;
    want = pathMajor.slice(1);
  }
  return `should be ${want}, not ${m}`;
}

/**
 * pathMajorPrefix returns the major-version tag prefix implied by pathMajor ("/v2" →
 * "v2", ".v1-unstable" → "v1", "" → "" meaning v0 or v1). Note that matchPathMajor
 * also accepts "v0.0.0-" pseudo-versions for ".v1". Where x/mod panics (a pathMajor
 * without a leading / or ., or not a major version) this throws a CodedError
 * ERR_MODULE_INVALID_PATH_MAJOR.
 */
export function pathMajorPrefix(pathMajor: string): string {
  if (pathMajor === '') return '';
  if (pathMajor[0] !== '/' && pathMajor[0] !== '.') {
    throw new CodedError(
      'ERR_MODULE_INVALID_PATH_MAJOR',
      `pathMajor suffix ${pathMajor} passed to PathMajorPrefix lacks separator`,
      { pathMajor },
    );
  }
  if (pathMajor.startsWith('.v') && pathMajor.endsWith('-unstable')) {
    pathMajor = pathMajor.slice(0, -'-unstable'.length);
  }
  const m = pathMajor.slice(1);
  if (m !== semver.major(m)) {
    throw new CodedError(
      'ERR_MODULE_INVALID_PATH_MAJOR',
      `pathMajor suffix ${pathMajor} passed to PathMajorPrefix is not a valid major version`,
      { pathMajor },
    );
  }
  return m;
}

/**
 * canonicalVersion returns semver.canonical(v), keeping a "+incompatible" build
 * suffix ("v2.0+incompatible" → "v2.0.0+incompatible"). An invalid v yields "".
 */
export function canonicalVersion(v: string): string {
  const cv = semver.canonical(v);
  if (semver.build(v) === '+incompatible') return cv + '+incompatible';
  return cv;
}
