/**
 * GOPRIVATE-style prefix matching (x/mod's MatchPrefixPatterns) and the glob
 * matcher it is built on (Go's path.Match).
 *
 * Both work on the UTF-8 bytes of their arguments, as Go does: `?` and `*` skip
 * bytes and only `?` and `[...]` decode a whole character, which matters for
 * non-ASCII names ("*??" matches "€" in Go because "*" may stop inside it).
 */

import { decodeRune, wtf8 } from './quote.js';

/**
 * matchPrefixPatterns reports whether some path prefix of target (a whole number
 * of leading path elements) matches one of the glob patterns (path.Match syntax) in
 * the comma-separated list globs. This is how the go command matches a module path
 * against GOPRIVATE, GONOPROXY, GONOSUMDB and GOINSECURE ("go help module-private"):
 * "*.corp.example.com,rsc.io/private" matches "git.corp.example.com/x/y" and
 * "rsc.io/private/quux". Empty and malformed patterns are ignored, and a trailing
 * slash on a pattern is ignored.
 */
export function matchPrefixPatterns(globs: string, target: string): boolean {
  for (const raw of globs.split(',')) {
    const glob = raw.endsWith('/') ? raw.slice(0, -1) : raw;
    if (glob === '') continue;
    // A glob with N slashes is matched against the first N+1 elements of target.
    let n = 0;
    for (const c of glob) if (c === '/') n++;
    let prefix = target;
    for (let i = 0; i < target.length; i++) {
      if (target[i] !== '/') continue;
      if (n === 0) {
        prefix = target.slice(0, i);
        break;
      }
      n--;
    }
    if (n > 0) continue; // target has too few elements
    if (pathMatch(glob, prefix).matched) return true;
  }
  return false;
}

/** PathMatchResult is the result of pathMatch: `badPattern` is Go's ErrBadPattern. */
export interface PathMatchResult {
  matched: boolean;
  badPattern: boolean;
}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;
const STAR = 0x2a;
/** BAD marks ErrBadPattern in the index-returning helpers below (a mismatch is -1). */
const BAD = -2;

/** bytesOf returns the UTF-8 bytes of s, without the encoder call for ASCII text. */
function bytesOf(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return wtf8(s);
    b[i] = c;
  }
  return b;
}

/**
 * pathMatch reports whether name matches the shell pattern (Go's path.Match):
 * `*` any run of non-slash bytes, `?` one non-slash character, `[…]`/`[^…]` a
 * character class with ranges, `\` escapes. A malformed pattern never matches and
 * sets badPattern (checked over the whole pattern, as Go does since 1.16).
 */
export function pathMatch(pattern: string, name: string): PathMatchResult {
  const p = bytesOf(pattern);
  const s = bytesOf(name);
  let pi = 0;
  let si = 0;
  outer: while (pi < p.length) {
    // Split off leading stars and the chunk up to the next unbracketed star.
    let star = false;
    while (pi < p.length && p[pi] === STAR) {
      pi++;
      star = true;
    }
    const cs = pi;
    const ce = chunkEnd(p, pi);
    pi = ce;
    // A trailing * matches the rest of the name unless it holds a slash.
    if (star && cs === ce) return { matched: s.indexOf(SLASH, si) < 0, badPattern: false };
    const first = matchChunk(p, cs, ce, s, si);
    if (first >= 0 && (first === s.length || pi < p.length)) {
      si = first;
      continue;
    }
    if (first === BAD) return { matched: false, badPattern: true };
    if (star) {
      // Let the star absorb i+1 bytes, but never a slash.
      for (let i = si; i < s.length && s[i] !== SLASH; i++) {
        const m = matchChunk(p, cs, ce, s, i + 1);
        if (m >= 0) {
          if (pi === p.length && m < s.length) continue;
          si = m;
          continue outer;
        }
        if (m === BAD) return { matched: false, badPattern: true };
      }
    }
    // No match: still report a malformed remainder of the pattern.
    while (pi < p.length) {
      while (pi < p.length && p[pi] === STAR) pi++;
      const e = chunkEnd(p, pi);
      if (matchChunk(p, pi, e, s, s.length) === BAD) return { matched: false, badPattern: true };
      pi = e;
    }
    return { matched: false, badPattern: false };
  }
  return { matched: si === s.length, badPattern: false };
}

/** chunkEnd returns the end of the chunk starting at p[i]: the next star outside a class. */
function chunkEnd(p: Uint8Array, i: number): number {
  let inRange = false;
  for (; i < p.length; i++) {
    const c = p[i];
    if (c === BACKSLASH) {
      if (i + 1 < p.length) i++;
    } else if (c === 0x5b /* [ */) {
      inRange = true;
    } else if (c === 0x5d /* ] */) {
      inRange = false;
    } else if (c === STAR && !inRange) {
      break;
    }
  }
  return i;
}

/**
 * matchChunk matches the chunk p[ci:ce] (no stars outside classes) at s[si] and
 * returns the index after the matched bytes, -1 on a mismatch, or BAD for bad syntax.
 * After a mismatch it keeps parsing the chunk to detect bad syntax, as Go does.
 */
function matchChunk(p: Uint8Array, ci: number, ce: number, s: Uint8Array, si: number): number {
  let failed = false;
  while (ci < ce) {
    if (!failed && si >= s.length) failed = true;
    const c = p[ci]!;
    if (c === 0x5b /* [ */) {
      let r = 0;
      if (!failed) {
        const [rr, n] = decodeRune(s, si);
        r = rr;
        si += n;
      }
      ci++;
      let negated = false;
      if (ci < ce && p[ci] === 0x5e /* ^ */) {
        negated = true;
        ci++;
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (ci < ce && p[ci] === 0x5d && nrange > 0) {
          ci++;
          break;
        }
        const lo = getEsc(p, ci, ce);
        if (lo === undefined) return BAD;
        ci = lo[1];
        let hi = lo[0];
        if (p[ci] === 0x2d /* - */) {
          const h = getEsc(p, ci + 1, ce);
          if (h === undefined) return BAD;
          hi = h[0];
          ci = h[1];
        }
        if (lo[0] <= r && r <= hi) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === 0x3f /* ? */) {
      if (!failed) {
        if (s[si] === SLASH) failed = true;
        si += decodeRune(s, si)[1];
      }
      ci++;
    } else {
      if (c === BACKSLASH) {
        ci++;
        if (ci >= ce) return BAD;
      }
      if (!failed) {
        if (p[ci] !== s[si]) failed = true;
        si++;
      }
      ci++;
    }
  }
  return failed ? -1 : si;
}

/**
 * getEsc reads one (possibly escaped) character of a class at p[i] (before ce) and
 * returns [rune, next index], or undefined for ErrBadPattern (a missing, "-" or "]"
 * character, a dangling escape, invalid UTF-8, or nothing left after it).
 */
function getEsc(p: Uint8Array, i: number, ce: number): [number, number] | undefined {
  if (i >= ce || p[i] === 0x2d || p[i] === 0x5d) return undefined;
  if (p[i] === BACKSLASH) {
    i++;
    if (i >= ce) return undefined;
  }
  const [r, n] = decodeRune(p.subarray(0, ce), i);
  if (r === 0xfffd && n === 1) return undefined;
  if (i + n >= ce) return undefined;
  return [r, i + n];
}
