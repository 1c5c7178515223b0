/**
 * Case folding for the collision rule of module zips: no two file paths may be equal
 * under Unicode case folding (Go's strings.EqualFold), because they would overwrite
 * each other on case-insensitive file systems.
 */

/** Cache of code point → folded code point (only non-trivial entries). */
const foldCache = new Map<number, number>();

/**
 * strToFold returns a key with the property strToFold(s) === strToFold(t) exactly
 * when s and t are equal under simple case folding. Each code point becomes the
 * smallest member of its case orbit (found through toLowerCase/toUpperCase where
 * they map to a single code point), with A–Z then mapped to a–z, as x/mod's
 * strToFold does with unicode.SimpleFold. Orbits that JavaScript only exposes
 * through multi-character mappings (a handful of Greek letters with diacritics)
 * may fold less than Go's tables do.
 */
export function strToFold(s: string): string {
  // Fast path: ASCII without upper case, the shape of nearly every module path.
  let simple = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80 || (c >= 0x41 && c <= 0x5a)) {
      simple = false;
      break;
    }
  }
  if (simple) return s;
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    out += String.fromCodePoint(foldRune(cp));
  }
  return out;
}

/** foldRune returns the folded form of one code point (see strToFold). */
function foldRune(cp: number): number {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp;
  const cached = foldCache.get(cp);
  if (cached !== undefined) return cached;
  // Explore the orbit: every single-code-point lower/upper mapping reachable from cp.
  const seen = new Set<number>([cp]);
  const queue = [cp];
  while (queue.length > 0) {
    const c = queue.pop()!;
    const ch = String.fromCodePoint(c);
    for (const m of [ch.toLowerCase(), ch.toUpperCase()]) {
      const n = m.codePointAt(0)!;
      if (m.length !== String.fromCodePoint(n).length || seen.has(n)) continue;
      seen.add(n);
      queue.push(n);
    }
  }
  let min = cp;
  for (const c of seen) if (c < min) min = c;
  if (min >= 0x41 && min <= 0x5a) min += 0x20;
  foldCache.set(cp, min);
  return min;
}
