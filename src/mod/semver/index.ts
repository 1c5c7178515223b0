/**
 * Package semver compares semantic version strings the way golang.org/x/mod/semver does.
 *
 * A version must begin with a leading "v". The accepted form is
 *
 *     vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]
 *
 * where MAJOR, MINOR and PATCH are decimal integers without extra leading zeros,
 * PRERELEASE and BUILD are series of non-empty dot-separated identifiers made of
 * ASCII alphanumerics and hyphens, and all-numeric PRERELEASE identifiers have no
 * leading zeros. This is Semantic Versioning 2.0.0 (semver.org) with two Go
 * exceptions: the "v" prefix is required, and "vMAJOR" and "vMAJOR.MINOR" (with no
 * prerelease or build suffix) are shorthands for "vMAJOR.0.0" and "vMAJOR.MINOR.0".
 *
 * Invariants:
 *  - No function throws. Invalid input yields "" (canonical, major, majorMinor,
 *    prerelease, build, max of two invalid versions) or false (isValid).
 *  - compare treats every invalid string as less than every valid one, and all
 *    invalid strings as equal to each other.
 *  - Two versions compare equal exactly when their canonical forms are identical.
 *  - Numbers are compared as decimal strings, so arbitrarily large components work.
 *
 * See https://go.dev/ref/mod#versions for how the go command uses these versions.
 */

import { compareStrings } from './strings.js';

/** Parsed is the decomposition of a valid semantic version string. */
interface Parsed {
  major: string;
  minor: string;
  patch: string;
  /** The text canonical appends to complete a shorthand (".0.0", ".0" or ""). */
  short: string;
  /** The prerelease suffix including its leading "-", or "". */
  prerelease: string;
  /** The build suffix including its leading "+", or "". */
  build: string;
}

/** isValid reports whether v is a valid semantic version string; it never throws. */
export function isValid(v: string): boolean {
  return parse(v) !== undefined;
}

/**
 * canonical returns the canonical formatting of v: missing .MINOR and .PATCH are
 * filled in and build metadata is dropped ("v1.2+meta" is invalid, "v1.2.3+meta"
 * becomes "v1.2.3", "v1" becomes "v1.0.0"). An invalid v yields "".
 */
export function canonical(v: string): string {
  const p = parse(v);
  if (p === undefined) return '';
  if (p.build !== '') return v.slice(0, v.length - p.build.length);
  if (p.short !== '') return v + p.short;
  return v;
}

/**
 * major returns the major version prefix of v ("v2.1.0" → "v2").
 * An invalid v yields "".
 */
export function major(v: string): string {
  const p = parse(v);
  if (p === undefined) return '';
  return v.slice(0, 1 + p.major.length);
}

/**
 * majorMinor returns the major.minor prefix of v ("v2.1.0" → "v2.1", "v2" → "v2.0").
 * An invalid v yields "".
 */
export function majorMinor(v: string): string {
  const p = parse(v);
  if (p === undefined) return '';
  const i = 1 + p.major.length;
  const j = i + 1 + p.minor.length;
  // Reuse the input's own text when it spells the minor out, else synthesise it.
  if (j <= v.length && v[i] === '.' && v.slice(i + 1, j) === p.minor) return v.slice(0, j);
  return v.slice(0, i) + '.' + p.minor;
}

/**
 * prerelease returns the prerelease suffix of v including its "-"
 * ("v2.1.0-pre+meta" → "-pre"). An invalid v, or one without a prerelease, yields "".
 */
export function prerelease(v: string): string {
  return parse(v)?.prerelease ?? '';
}

/**
 * build returns the build suffix of v including its "+" ("v2.1.0+meta" → "+meta").
 * An invalid v, or one without build metadata, yields "".
 */
export function build(v: string): string {
  return parse(v)?.build ?? '';
}

/**
 * compare returns -1, 0 or +1 as v is less than, equal to or greater than w in
 * semantic version precedence. Build metadata is ignored. An invalid version is less
 * than every valid one, and all invalid versions compare equal to each other.
 */
export function compare(v: string, w: string): number {
  const pv = parse(v);
  const pw = parse(w);
  if (pv === undefined && pw === undefined) return 0;
  if (pv === undefined) return -1;
  if (pw === undefined) return +1;
  return (
    compareInt(pv.major, pw.major) ||
    compareInt(pv.minor, pw.minor) ||
    compareInt(pv.patch, pw.patch) ||
    comparePrerelease(pv.prerelease, pw.prerelease)
  );
}

/**
 * max canonicalizes both arguments and returns the one that compares greater (w on a
 * tie). Two invalid inputs yield "". Like x/mod's deprecated Max, prefer compare:
 * callers rarely want a canonicalized result.
 */
export function max(v: string, w: string): string {
  const cv = canonical(v);
  const cw = canonical(w);
  return compare(cv, cw) > 0 ? cv : cw;
}

/**
 * sort sorts list in place by compare, breaking ties (equal precedence, including
 * all invalid strings) by byte-wise string order, and returns the same array. This is
 * x/mod's Sort/ByVersion order; invalid strings are allowed and sort first.
 */
export function sort(list: string[]): string[] {
  return list.sort(byVersion);
}

/** byVersion is the comparator behind sort (x/mod's ByVersion.Less as a three-way compare). */
export function byVersion(a: string, b: string): number {
  return compare(a, b) || compareStrings(a, b);
}

// ---- parsing ---------------------------------------------------------------

/** parse decomposes v, or returns undefined when v is not a valid semantic version. */
function parse(v: string): Parsed | undefined {
  if (v.length === 0 || v.charCodeAt(0) !== 0x76 /* v */) return undefined;
  let i = 1;
  const majEnd = scanInt(v, i);
  if (majEnd < 0) return undefined;
  const maj = v.slice(i, majEnd);
  i = majEnd;
  if (i === v.length) {
    return { major: maj, minor: '0', patch: '0', short: '.0.0', prerelease: '', build: '' };
  }
  if (v[i] !== '.') return undefined;
  const minEnd = scanInt(v, i + 1);
  if (minEnd < 0) return undefined;
  const min = v.slice(i + 1, minEnd);
  i = minEnd;
  if (i === v.length) {
    return { major: maj, minor: min, patch: '0', short: '.0', prerelease: '', build: '' };
  }
  if (v[i] !== '.') return undefined;
  const patEnd = scanInt(v, i + 1);
  if (patEnd < 0) return undefined;
  const pat = v.slice(i + 1, patEnd);
  i = patEnd;
  let pre = '';
  if (i < v.length && v[i] === '-') {
    const end = scanIdents(v, i, true);
    if (end < 0) return undefined;
    pre = v.slice(i, end);
    i = end;
  }
  let bld = '';
  if (i < v.length && v[i] === '+') {
    const end = scanIdents(v, i, false);
    if (end < 0) return undefined;
    bld = v.slice(i, end);
    i = end;
  }
  if (i !== v.length) return undefined;
  return { major: maj, minor: min, patch: pat, short: '', prerelease: pre, build: bld };
}

/** isDigit reports whether the UTF-16 code unit c is an ASCII decimal digit. */
function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * scanInt scans a decimal number without extra leading zeros starting at v[start] and
 * returns the index just after it, or -1 when there is none or it has a leading zero.
 */
function scanInt(v: string, start: number): number {
  if (start >= v.length || !isDigit(v.charCodeAt(start))) return -1;
  let i = start + 1;
  while (i < v.length && isDigit(v.charCodeAt(i))) i++;
  if (v.charCodeAt(start) === 0x30 && i !== start + 1) return -1;
  return i;
}

/** isIdentChar reports whether c may appear in a prerelease or build identifier. */
function isIdentChar(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || isDigit(c) || c === 0x2d;
}

/**
 * scanIdents scans a "-" prerelease (stopping at "+") or a "+" build suffix starting
 * at v[start] (the sign) and returns the index after it, or -1 when an identifier is
 * empty, holds a character outside [0-9A-Za-z-], or (prerelease only) is a number
 * with a leading zero.
 */
function scanIdents(v: string, start: number, isPrerelease: boolean): number {
  let i = start + 1;
  let identStart = i;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (isPrerelease && c === 0x2b /* + */) break;
    if (c === 0x2e /* . */) {
      if (identStart === i || (isPrerelease && isBadNum(v, identStart, i))) return -1;
      identStart = i + 1;
    } else if (!isIdentChar(c)) {
      return -1;
    }
  }
  if (identStart === i || (isPrerelease && isBadNum(v, identStart, i))) return -1;
  return i;
}

/** isBadNum reports whether v[start:end] is all digits, longer than one, with a leading 0. */
function isBadNum(v: string, start: number, end: number): boolean {
  if (end - start <= 1 || v.charCodeAt(start) !== 0x30) return false;
  for (let i = start; i < end; i++) if (!isDigit(v.charCodeAt(i))) return false;
  return true;
}

/** isNum reports whether s consists only of ASCII digits ("" counts as numeric, as in x/mod). */
function isNum(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return true;
}

/** compareInt compares two decimal strings without leading zeros numerically. */
function compareInt(x: string, y: string): number {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : +1;
  return x < y ? -1 : +1;
}

/**
 * comparePrerelease orders two prerelease suffixes (each "" or "-ident.ident…") by
 * SemVer 2.0.0 §11: no prerelease ranks highest; identifiers compare left to right,
 * numeric ones numerically and below alphanumeric ones, others in ASCII order; a
 * longer list wins when all shared identifiers are equal.
 */
function comparePrerelease(x: string, y: string): number {
  if (x === y) return 0;
  if (x === '') return +1;
  if (y === '') return -1;
  // Identifiers after the leading "-"; the suffixes contain only ASCII here.
  const xs = x.slice(1).split('.');
  const ys = y.slice(1).split('.');
  const n = Math.min(xs.length, ys.length);
  for (let k = 0; k < n; k++) {
    const dx = xs[k]!;
    const dy = ys[k]!;
    if (dx === dy) continue;
    const nx = isNum(dx);
    const ny = isNum(dy);
    if (nx !== ny) return nx ? -1 : +1;
    if (nx && dx.length !== dy.length) return dx.length < dy.length ? -1 : +1;
    return dx < dy ? -1 : +1;
  }
  return xs.length < ys.length ? -1 : +1;
}
