/**
 * Go version arithmetic (cmd/go/internal/gover, internal/gover): parsing, ordering
 * and truncation of Go versions such as "1.21", "1.21rc1", "1.21.0", "1.9beta2".
 * See index.ts for the ordering rules.
 */

/**
 * Version is a parsed Go version major[.minor[.patch]][kind[pre]]. Numbers stay
 * decimal strings, so huge values ("1.99999999999999999") compare correctly.
 * The zero value (all "") stands for "invalid".
 */
interface Version {
  major: string;
  /** Decimal, or "" only in the invalid version. */
  minor: string;
  /** Decimal; "" for a 1.21+ language version or a prerelease ("1.21", "1.21rc1"). */
  patch: string;
  /** "", or the lower-case prerelease word: "alpha", "beta", "rc", … */
  kind: string;
  /** The prerelease number, or "". */
  pre: string;
}

const INVALID: Version = { major: '', minor: '', patch: '', kind: '', pre: '' };

/**
 * cutInt scans a decimal number without an unnecessary leading zero at the start of
 * x and returns it and the rest, or undefined when there is none.
 */
function cutInt(x: string): [string, string] | undefined {
  let i = 0;
  while (i < x.length && x.charCodeAt(i) >= 0x30 && x.charCodeAt(i) <= 0x39) i++;
  if (i === 0 || (x[0] === '0' && i !== 1)) return undefined;
  return [x.slice(0, i), x.slice(i)];
}

/** cmpInt compares two decimal strings numerically (shorter is smaller; "" is smallest). */
export function cmpInt(x: string, y: string): number {
  if (x === y) return 0;
  if (x.length !== y.length) return x.length < y.length ? -1 : +1;
  return x < y ? -1 : +1;
}

/**
 * parse parses x, returning INVALID when it is malformed. Rules: "1" means 1.0.0;
 * before Go 1.21 a missing patch means ".0" ("1.20" = "1.20.0"); from 1.21 on the
 * bare "1.N" is the language version and has no patch; a patch release cannot carry
 * a prerelease ("1.21.3rc1" is invalid); a prerelease is lower-case letters plus an
 * optional number without leading zero ("1.21rc1", "1.18beta2", "1.999testmod").
 */
function parse(x: string): Version {
  const maj = cutInt(x);
  if (!maj) return INVALID;
  const [major, afterMajor] = maj;
  if (afterMajor === '') return { major, minor: '0', patch: '0', kind: '', pre: '' };
  if (afterMajor[0] !== '.') return INVALID;
  const min = cutInt(afterMajor.slice(1));
  if (!min) return INVALID;
  const [minor, rest] = min;
  if (rest === '') {
    return { major, minor, patch: cmpInt(minor, '21') < 0 ? '0' : '', kind: '', pre: '' };
  }
  if (rest[0] === '.') {
    const pat = cutInt(rest.slice(1));
    // A prerelease of a patch release would sort before it (1.21.3rc1 < 1.21.3),
    // the opposite of 1.21 < 1.21rc1; Go does not allow them.
    if (!pat || pat[1] !== '') return INVALID;
    return { major, minor, patch: pat[0], kind: '', pre: '' };
  }
  let i = 0;
  while (i < rest.length && (rest.charCodeAt(i) < 0x30 || rest.charCodeAt(i) > 0x39)) {
    const c = rest.charCodeAt(i);
    if (c < 0x61 || c > 0x7a) return INVALID;
    i++;
  }
  if (i === 0) return INVALID;
  const kind = rest.slice(0, i);
  if (i === rest.length) return { major, minor, patch: '', kind, pre: '' };
  const pre = cutInt(rest.slice(i));
  if (!pre || pre[1] !== '') return INVALID;
  return { major, minor, patch: '', kind, pre: pre[0] };
}

/**
 * isValid reports whether x is a well-formed Go version ("1.21", "1.21.3",
 * "1.21rc1", "1.18beta2", "1"). Toolchain names ("go1.21.0") and semver ("v1.21.0")
 * are not versions: see fromToolchain. Never throws.
 */
export function isValid(x: string): boolean {
  return parse(x).major !== '';
}

/**
 * compare returns -1, 0 or +1 as Go version x is older than, the same as, or newer
 * than y. Within a language version the order is: the language version itself, then
 * prereleases (alpha < beta < rc, by number), then releases by patch:
 * 1.21 < 1.21rc1 < 1.21rc2 < 1.21.0 < 1.21.1. Before 1.21, "1.N" is the first release:
 * 1.20rc1 < 1.20 = 1.20.0 < 1.20.1. Invalid versions are older than every valid one and
 * equal to each other. Pass versions without the "go" prefix.
 */
export function compare(x: string, y: string): number {
  const vx = parse(x);
  const vy = parse(y);
  return (
    cmpInt(vx.major, vy.major) ||
    cmpInt(vx.minor, vy.minor) ||
    cmpInt(vx.patch, vy.patch) ||
    (vx.kind === vy.kind ? 0 : vx.kind < vy.kind ? -1 : +1) ||
    cmpInt(vx.pre, vy.pre)
  );
}

/**
 * max returns the newer of x and y by compare, or x when they compare equal (so two
 * invalid versions give x). The result is one of the inputs, never rewritten.
 */
export function max(x: string, y: string): string {
  return compare(x, y) < 0 ? y : x;
}

/**
 * lang returns the language version of x: "1.21.3", "1.21rc2" and "1.21" all give
 * "1.21"; "1" and "1.0.x" give "1" (the go command's spelling of Go 1.0). An invalid
 * x gives "".
 */
export function lang(x: string): string {
  const v = parse(x);
  if (v.minor === '' || (v.major === '1' && v.minor === '0')) return v.major;
  return v.major + '.' + v.minor;
}

/**
 * isLang reports whether x is a language version rather than a specific release:
 * "1.21" and later bare "1.N" are; "1.20" is not (it means the release 1.20.0), nor
 * are "1.21.0", "1.21rc1" or anything invalid.
 */
export function isLang(x: string): boolean {
  const v = parse(x);
  return v.major !== '' && v.patch === '' && v.kind === '' && v.pre === '';
}

/** isPrerelease reports whether x is a prerelease ("1.21rc1", "1.18beta2"); false when invalid. */
export function isPrerelease(x: string): boolean {
  return parse(x).kind !== '';
}

/**
 * prev returns the language version just before x's ("1.3rc4" and "1.3.5" → "1.2"),
 * or x's major version when x is Go 1.0 or 1.1 ("1"). An invalid x gives "".
 */
export function prev(x: string): string {
  const v = parse(x);
  if (cmpInt(v.minor, '1') <= 0) return v.major;
  return v.major + '.' + decInt(v.minor);
}

/** decInt decrements a decimal string ("100" → "99"); "" when it is all zeros. */
function decInt(decimal: string): string {
  const digits = Array.from(decimal, (c) => c.charCodeAt(0));
  let i = digits.length - 1;
  for (; i >= 0 && digits[i] === 0x30; i--) digits[i] = 0x39;
  if (i < 0) return '';
  if (i === 0 && digits[0] === 0x31 && digits.length > 1) digits.shift();
  else digits[i]!--;
  return String.fromCharCode(...digits);
}
