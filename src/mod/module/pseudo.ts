/**
 * Pseudo-versions (x/mod pseudo.go; https://go.dev/ref/mod#pseudo-versions).
 *
 * A pseudo-version names an untagged revision as a prerelease of a version, so it
 * sorts after the newest earlier tag and before the next release:
 *
 *   (1) vX.0.0-yyyymmddhhmmss-abcdefabcdef         no earlier tag for major X
 *   (2) vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdefabcdef   latest earlier tag vX.Y.Z
 *   (3) vX.Y.Z-pre.0.yyyymmddhhmmss-abcdefabcdef   latest earlier tag vX.Y.Z-pre
 *
 * each optionally followed by "+incompatible" (or other build metadata) carried over
 * from the base tag. The time is the commit time in UTC; the revision is usually a
 * 12-character commit hash prefix.
 *
 * Functions that extract a part (pseudoVersionBase, pseudoVersionTime,
 * pseudoVersionRev) throw the InvalidVersionError x/mod returns when v is not a
 * pseudo-version; the predicates never throw.
 */

import * as semver from '../semver/index.js';
import { CodedError } from '../internal/errors.js';
import { decDecimal, incDecimal } from './decimal.js';
import { InvalidVersionError, reason } from './errors.js';
import { goQuote } from './quote.js';

/** The shape of a pseudo-version (x/mod's pseudoVersionRE); \d is ASCII-only here as in Go. */
const PSEUDO_VERSION_RE =
  /^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** pseudoVersionTimestampFormat is Go's layout for the time part ("yyyymmddhhmmss"). */
export const pseudoVersionTimestampFormat = '20060102150405';

/**
 * pseudoVersion returns the pseudo-version for a revision with the given major
 * version ("v1"; "" means "v0"), newest earlier tag older ("" for none, or
 * "v1.2.3", "v1.2.3-pre", with build metadata kept), commit time t and revision rev.
 * older is canonicalized; an invalid older counts as none. An invalid Date throws
 * CodedError ERR_MODULE_INVALID_TIME.
 */
export function pseudoVersion(major: string, older: string, t: Date, rev: string): string {
  if (major === '') major = 'v0';
  const segment = formatTimestamp(t) + '-' + rev;
  const build = semver.build(older);
  older = semver.canonical(older);
  if (older === '') return major + '.0.0-' + segment; // form (1)
  if (semver.prerelease(older) !== '') return older + '.0.' + segment + build; // form (3)
  // Form (2): bump the patch number of vMAJOR.MINOR.PATCH.
  const i = older.lastIndexOf('.') + 1;
  return older.slice(0, i) + incDecimal(older.slice(i)) + '-0.' + segment + build;
}

/**
 * zeroPseudoVersion returns the placeholder pseudo-version with a zero base, the zero
 * time (0001-01-01 00:00:00 UTC) and revision "000000000000" for major ("" = "v0"):
 * "v0.0.0-00010101000000-000000000000".
 */
export function zeroPseudoVersion(major: string): string {
  return pseudoVersion(major, '', goZeroTime(), '000000000000');
}

/** isZeroPseudoVersion reports whether v is exactly zeroPseudoVersion of its own major version. */
export function isZeroPseudoVersion(v: string): boolean {
  return v === zeroPseudoVersion(semver.major(v));
}

/**
 * isPseudoVersion reports whether v is a pseudo-version: a valid semantic version
 * with at least two dashes that has one of the three shapes above. Never throws.
 */
export function isPseudoVersion(v: string): boolean {
  let dashes = 0;
  for (let i = 0; i < v.length && dashes < 2; i++) if (v[i] === '-') dashes++;
  return dashes >= 2 && semver.isValid(v) && PSEUDO_VERSION_RE.test(v);
}

/**
 * pseudoVersionTime returns the commit time (UTC) recorded in pseudo-version v.
 * It throws InvalidVersionError `pseudo-version "v" invalid: syntax error` when v is
 * not a pseudo-version, and `…: malformed time "t"` when the 14 digits are not a real
 * date and time (month 13, February 30, hour 24, second 60…).
 */
export function pseudoVersionTime(v: string): Date {
  const { timestamp } = parsePseudoVersion(v);
  const t = parseTimestamp(timestamp);
  if (t === undefined) throw new InvalidVersionError(v, true, reason(`malformed time ${goQuote(timestamp)}`));
  return t;
}

/**
 * pseudoVersionRev returns the revision identifier of pseudo-version v ("abcdef123456").
 * It throws InvalidVersionError `pseudo-version "v" invalid: syntax error` when v is
 * not a pseudo-version.
 */
export function pseudoVersionRev(v: string): string {
  return parsePseudoVersion(v).rev;
}

/**
 * pseudoVersionBase returns the canonical tag that pseudo-version v is based on, or
 * "" when it has none (form 1): "v1.2.4-0.2006…-h" → "v1.2.3", "v1.2.3-pre.0.2006…-h"
 * → "v1.2.3-pre", build metadata kept. It throws InvalidVersionError (pseudo) for a
 * non-pseudo-version (`syntax error`), for form 1 with build metadata (`lacks base
 * version, but has build metadata "+incompatible"`) and for "vX.Y.0-0.…" (`version
 * before vX.Y.0 would have negative patch number`).
 */
export function pseudoVersionBase(v: string): string {
  const { base, build } = parsePseudoVersion(v);
  const pre = semver.prerelease(base);
  if (pre === '') {
    // vX.0.0-yyyymmddhhmmss-abcdef: no parent tag. With "+incompatible" this is
    // nonsensical (no tag, yet an incompatible one), so it is rejected.
    if (build !== '') {
      throw new InvalidVersionError(v, true, reason(`lacks base version, but has build metadata ${goQuote(build)}`));
    }
    return '';
  }
  if (pre === '-0') {
    // vX.Y.(Z+1)-0.yyyymmddhhmmss-abcdef → vX.Y.Z
    const stem = base.slice(0, -pre.length);
    const i = stem.lastIndexOf('.');
    const patch = decDecimal(stem.slice(i + 1));
    if (patch === '') {
      throw new InvalidVersionError(v, true, reason(`version before ${stem} would have negative patch number`));
    }
    return stem.slice(0, i + 1) + patch + build;
  }
  // vX.Y.Z-pre.0.yyyymmddhhmmss-abcdef → vX.Y.Z-pre (the regexp guarantees the ".0").
  return base.slice(0, -'.0'.length) + build;
}

/** The parts of a pseudo-version: base is "vX.0.0", "vX.Y.(Z+1)-0" or "vX.Y.Z-pre.0". */
interface PseudoParts {
  base: string;
  timestamp: string;
  rev: string;
  build: string;
}

/** parsePseudoVersion splits v, or throws InvalidVersionError "syntax error". */
function parsePseudoVersion(v: string): PseudoParts {
  if (!isPseudoVersion(v)) throw new InvalidVersionError(v, true, reason('syntax error'));
  const build = semver.build(v);
  let rest = v.slice(0, v.length - build.length);
  const j = rest.lastIndexOf('-');
  const rev = rest.slice(j + 1);
  rest = rest.slice(0, j);
  const i = rest.lastIndexOf('-');
  const dot = rest.lastIndexOf('.');
  if (dot > i) return { base: rest.slice(0, dot), timestamp: rest.slice(dot + 1), rev, build };
  return { base: rest.slice(0, i), timestamp: rest.slice(i + 1), rev, build };
}

/** goZeroTime is Go's zero time.Time: 0001-01-01T00:00:00Z. */
function goZeroTime(): Date {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return d;
}

/** formatTimestamp formats t in UTC as Go's "20060102150405" layout does. */
function formatTimestamp(t: Date): string {
  if (Number.isNaN(t.getTime())) {
    throw new CodedError('ERR_MODULE_INVALID_TIME', 'pseudo-version time is not a valid date', {});
  }
  const pad = (n: number, w: number): string => String(n).padStart(w, '0');
  const y = t.getUTCFullYear();
  // Go pads the year to four digits and puts the sign in front of the padding.
  const year = y < 0 ? '-' + pad(-y, 4) : pad(y, 4);
  return (
    year +
    pad(t.getUTCMonth() + 1, 2) +
    pad(t.getUTCDate(), 2) +
    pad(t.getUTCHours(), 2) +
    pad(t.getUTCMinutes(), 2) +
    pad(t.getUTCSeconds(), 2)
  );
}

/**
 * parseTimestamp parses 14 ASCII digits as Go's time.Parse("20060102150405") does,
 * in UTC, or returns undefined when a field is out of range (month 1–12, day within
 * the month of that year, hour 0–23, minute and second 0–59).
 */
function parseTimestamp(ts: string): Date | undefined {
  if (!/^[0-9]{14}$/.test(ts)) return undefined;
  const n = (a: number, b: number): number => Number(ts.slice(a, b));
  const [year, month, day, hour, min, sec] = [n(0, 4), n(4, 6), n(6, 8), n(8, 10), n(10, 12), n(12, 14)];
  if (month < 1 || month > 12 || hour > 23 || min > 59 || sec > 59) return undefined;
  if (day < 1 || day > daysIn(month, year)) return undefined;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, min, sec, 0);
  return d;
}

/** daysIn returns the number of days in month (1–12) of a proleptic Gregorian year. */
function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}
