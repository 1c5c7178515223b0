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

/**
 * pathMatch reports whether name matches the shell pattern (Go's path.Match):
 * `*` any run of non-slash bytes, `?` one non-slash character, `[…]`/`[^…]` a
 * character class with ranges, `\` escapes. A malformed pattern never matches and
 * sets badPattern (checked over the whole pattern, as Go does since 1.16).
 */
export function pathMatch(pattern: string, name: string): PathMatchResult {
  let p = wtf8(pattern);
  let s = wtf8(name);
  outer: while (p.length > 0) {
    const sc = scanChunk(p);
    p = sc.rest;
    const { star, chunk } = sc;
    // A trailing * matches the rest of the name unless it holds a slash.
    if (star && chunk.length === 0) return { matched: !s.includes(SLASH), badPattern: false };
    const first = matchChunk(chunk, s);
    if (first.ok && (first.rest.length === 0 || p.length > 0)) {
      s = first.rest;
      continue;
    }
    if (first.bad) return { matched: false, badPattern: true };
    if (star) {
      // Let the star absorb i+1 bytes, but never a slash.
      for (let i = 0; i < s.length && s[i] !== SLASH; i++) {
        const m = matchChunk(chunk, s.subarray(i + 1));
        if (m.ok) {
          if (p.length === 0 && m.rest.length > 0) continue;
          s = m.rest;
          continue outer;
        }
        if (m.bad) return { matched: false, badPattern: true };
      }
    }
    // No match: still report a malformed remainder of the pattern.
    while (p.length > 0) {
      const next = scanChunk(p);
      p = next.rest;
      if (matchChunk(next.chunk, new Uint8Array(0)).bad) return { matched: false, badPattern: true };
    }
    return { matched: false, badPattern: false };
  }
  return { matched: s.length === 0, badPattern: false };
}

/** scanChunk splits off leading stars and the chunk up to the next unbracketed star. */
function scanChunk(p: Uint8Array): { star: boolean; chunk: Uint8Array; rest: Uint8Array } {
  let star = false;
  while (p.length > 0 && p[0] === STAR) {
    p = p.subarray(1);
    star = true;
  }
  let inRange = false;
  let i = 0;
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
  return { star, chunk: p.subarray(0, i), rest: p.subarray(i) };
}

/**
 * matchChunk matches chunk (no stars outside classes) at the start of s and returns
 * the unmatched rest. After a mismatch it keeps parsing chunk to detect bad syntax.
 */
function matchChunk(chunk: Uint8Array, s: Uint8Array): { rest: Uint8Array; ok: boolean; bad: boolean } {
  const fail = { rest: s, ok: false, bad: false };
  const bad = { rest: s, ok: false, bad: true };
  let failed = false;
  while (chunk.length > 0) {
    if (!failed && s.length === 0) failed = true;
    const c = chunk[0]!;
    if (c === 0x5b /* [ */) {
      let r = 0;
      if (!failed) {
        const [rr, n] = decodeRune(s, 0);
        r = rr;
        s = s.subarray(n);
      }
      chunk = chunk.subarray(1);
      let negated = false;
      if (chunk.length > 0 && chunk[0] === 0x5e /* ^ */) {
        negated = true;
        chunk = chunk.subarray(1);
      }
      let match = false;
      let nrange = 0;
      for (;;) {
        if (chunk.length > 0 && chunk[0] === 0x5d && nrange > 0) {
          chunk = chunk.subarray(1);
          break;
        }
        const lo = getEsc(chunk);
        if (lo === undefined) return bad;
        chunk = lo.rest;
        let hi = lo.r;
        if (chunk[0] === 0x2d /* - */) {
          const h = getEsc(chunk.subarray(1));
          if (h === undefined) return bad;
          hi = h.r;
          chunk = h.rest;
        }
        if (lo.r <= r && r <= hi) match = true;
        nrange++;
      }
      if (match === negated) failed = true;
    } else if (c === 0x3f /* ? */) {
      if (!failed) {
        if (s[0] === SLASH) failed = true;
        s = s.subarray(decodeRune(s, 0)[1]);
      }
      chunk = chunk.subarray(1);
    } else {
      if (c === BACKSLASH) {
        chunk = chunk.subarray(1);
        if (chunk.length === 0) return bad;
      }
      if (!failed) {
        if (chunk[0] !== s[0]) failed = true;
        s = s.subarray(1);
      }
      chunk = chunk.subarray(1);
    }
  }
  return failed ? fail : { rest: s, ok: true, bad: false };
}

/** getEsc reads one (possibly escaped) character of a class; undefined is ErrBadPattern. */
function getEsc(chunk: Uint8Array): { r: number; rest: Uint8Array } | undefined {
  if (chunk.length === 0 || chunk[0] === 0x2d || chunk[0] === 0x5d) return undefined;
  if (chunk[0] === BACKSLASH) {
    chunk = chunk.subarray(1);
    if (chunk.length === 0) return undefined;
  }
  const [r, n] = decodeRune(chunk, 0);
  if (r === 0xfffd && n === 1) return undefined;
  const rest = chunk.subarray(n);
  if (rest.length === 0) return undefined;
  return { r, rest };
}
