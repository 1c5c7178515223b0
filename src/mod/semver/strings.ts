/**
 * Byte-wise string ordering, as Go's `strings.Compare` and `<` on strings.
 *
 * Go strings are UTF-8 byte sequences and compare byte by byte. JavaScript's `<`
 * compares UTF-16 code units, which disagrees with UTF-8 byte order once a string
 * holds characters outside the Basic Multilingual Plane (a surrogate pair, 0xD800…,
 * sorts before U+E000…U+FFFF in UTF-16 but after them in UTF-8). Comparing by code
 * point gives exactly UTF-8 byte order, so that is what this file does.
 */

/**
 * compareStrings returns -1, 0 or +1 as a is less than, equal to or greater than b in
 * UTF-8 byte order (Go's `strings.Compare`). Lone surrogates compare by their code
 * unit value; Go has no such strings, so any consistent order will do for them.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only when a surrogate meets a non-surrogate in the upper BMP range does
    // code-unit order differ from code-point order; fold the ranges accordingly.
    return codePointRank(x) < codePointRank(y) ? -1 : +1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : +1;
}

/**
 * codePointRank maps a UTF-16 code unit to a key whose order matches code-point order
 * at the first differing position: surrogates (the start of a code point ≥ U+10000)
 * rank above every other BMP code unit.
 */
function codePointRank(u: number): number {
  return u >= 0xd800 && u <= 0xdfff ? u + 0x10000 : u;
}
