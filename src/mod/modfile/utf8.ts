/**
 * Go strings in JavaScript.
 *
 * A Go string is a byte sequence that is usually, but not always, UTF-8. A go.mod
 * file may hold any bytes, and Go's formatter writes back whatever bytes it read.
 * To stay byte-exact without giving up ordinary JavaScript strings, this package
 * decodes file data with a "surrogate escape": every byte that Go's
 * utf8.DecodeRune would report as invalid (RuneError of width 1) becomes the lone
 * low surrogate U+DC00+byte (U+DC80…U+DCFF), which no valid UTF-8 text can
 * produce. Encoding maps those code units back to the original bytes, so
 * decode→encode is the identity on every byte sequence.
 *
 * Invariants:
 *  - Valid UTF-8 decodes to the usual string; only invalid bytes are escaped.
 *  - An escaped byte counts as one rune of one byte, and classifies as U+FFFD
 *    (printable, not space), exactly as Go's decoder sees it.
 *  - Other lone surrogates (possible only in strings a caller builds) encode as
 *    U+FFFD's three bytes, like Node's own encoder.
 */

// Decoding is on the hot path of the benchmark: try the native decoder first.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** ESCAPE_BASE is added to an invalid byte (0x80…0xFF) to form its escape code unit. */
const ESCAPE_BASE = 0xdc00;

/**
 * decodeGoBytes turns file bytes into a string, escaping every byte that is not
 * part of a valid UTF-8 sequence (Go's utf8.DecodeRune rules, one byte at a time).
 * It never throws; a string argument is returned unchanged.
 */
export function decodeGoBytes(data: Uint8Array | string): string {
  if (typeof data === 'string') return data;
  try {
    return strictDecoder.decode(data);
  } catch {
    return decodeSlow(data);
  }
}

function decodeSlow(b: Uint8Array): string {
  const parts: string[] = [];
  let run = 0; // start of the current run of valid bytes
  let i = 0;
  const n = b.length;
  while (i < n) {
    const size = validRuneSize(b, i);
    if (size > 0) {
      i += size;
      continue;
    }
    if (run < i) parts.push(strictDecoder.decode(b.subarray(run, i)));
    parts.push(String.fromCharCode(ESCAPE_BASE + b[i]!));
    i++;
    run = i;
  }
  if (run < n) parts.push(strictDecoder.decode(b.subarray(run, n)));
  return parts.join('');
}

/** validRuneSize returns the length of the valid UTF-8 sequence at b[i], or 0 if it is invalid. */
function validRuneSize(b: Uint8Array, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  const n = b.length;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => k < n && b[k]! >= lo && b[k]! <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    // E0 needs A0…BF (no overlongs), ED needs 80…9F (no surrogates).
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    // F0 needs 90…BF (no overlongs), F4 needs 80…8F (≤ U+10FFFF).
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/**
 * encodeGoString turns a string back into bytes: escaped bytes become the original
 * byte, other lone surrogates become U+FFFD. It never throws.
 */
export function encodeGoString(s: string): Buffer {
  if (utf8Valid(s)) return Buffer.from(s, 'utf8');
  const out: number[] = [];
  const push = (str: string) => {
    for (const byte of Buffer.from(str, 'utf8')) out.push(byte);
  };
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u >= 0xd800 && u <= 0xdbff && i + 1 < s.length) {
      const v = s.charCodeAt(i + 1);
      if (v >= 0xdc00 && v <= 0xdfff) {
        i++;
        continue;
      }
    }
    if (u < 0xd800 || u > 0xdfff) continue;
    push(s.slice(run, i));
    if (u >= ESCAPE_BASE + 0x80 && u <= ESCAPE_BASE + 0xff) out.push(u - ESCAPE_BASE);
    else out.push(0xef, 0xbf, 0xbd);
    run = i + 1;
  }
  push(s.slice(run));
  return Buffer.from(out);
}

/**
 * runeAt decodes the code point at index i of s the way Go's utf8.DecodeRune sees the
 * underlying bytes: it returns [rune, code units consumed, bytes in Go]. An escaped
 * byte or any lone surrogate reads as U+FFFD; an escaped byte is one byte long.
 */
export function runeAt(s: string, i: number): [rune: number, units: number, bytes: number] {
  const u = s.charCodeAt(i);
  if (u < 0x80) return [u, 1, 1];
  if (u < 0x800) return [u, 1, 2];
  if (u >= 0xd800 && u <= 0xdbff && i + 1 < s.length) {
    const v = s.charCodeAt(i + 1);
    if (v >= 0xdc00 && v <= 0xdfff) return [((u - 0xd800) << 10) + (v - 0xdc00) + 0x10000, 2, 4];
  }
  if (u >= 0xd800 && u <= 0xdfff) {
    const escaped = u >= ESCAPE_BASE + 0x80 && u <= ESCAPE_BASE + 0xff;
    return [0xfffd, 1, escaped ? 1 : 3];
  }
  return [u, 1, 3];
}

/** byteLength returns the number of bytes s occupies once encoded by encodeGoString. */
export function byteLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length;) {
    const [, units, bytes] = runeAt(s, i);
    n += bytes;
    i += units;
  }
  return n;
}

const SURROGATE_RE = /[\ud800-\udfff]/;

/**
 * utf8Valid reports whether s holds only valid text: no escaped bytes or other lone
 * surrogates (Go's utf8.ValidString; String.prototype.isWellFormed, which the ES2023
 * typings lack).
 */
export function utf8Valid(s: string): boolean {
  if (!SURROGATE_RE.test(s)) return true;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    if (u < 0xd800 || u > 0xdfff) continue;
    if (u > 0xdbff || i + 1 >= s.length) return false;
    const v = s.charCodeAt(i + 1);
    if (v < 0xdc00 || v > 0xdfff) return false;
    i++;
  }
  return true;
}

const printRe = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/**
 * isPrint is Go's unicode.IsPrint (= strconv.IsPrint): letters, marks, numbers,
 * punctuation, symbols and the ASCII space. U+FFFD (what an escaped byte reads as)
 * is a symbol and therefore printable.
 */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r === 0xfffd) return true;
  if (r >= 0xd800 && r <= 0xdfff) return false;
  return printRe.test(String.fromCodePoint(r));
}

/**
 * isSpace is Go's unicode.IsSpace: '\t', '\n', '\v', '\f', '\r', ' ', U+0085, U+00A0
 * and the other White_Space code points. (JavaScript's \s differs: it includes U+FEFF
 * and excludes U+0085.)
 */
export function isSpace(r: number): boolean {
  // Also right for a UTF-16 code unit: every space is in the BMP, no surrogate is one.
  if (r < 0x80) return r === 0x20 || (r >= 0x09 && r <= 0x0d);
  switch (r) {
    case 0x85:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
      return true;
  }
  return r >= 0x2000 && r <= 0x200a;
}

/** trimSpace is Go's strings.TrimSpace: it removes leading and trailing isSpace runes. */
export function trimSpace(s: string): string {
  // Fast path: nothing to trim when both ends are ASCII non-space characters.
  const a = s.charCodeAt(0);
  const z = s.charCodeAt(s.length - 1);
  if (a > 0x20 && a < 0x80 && z > 0x20 && z < 0x80) return s;
  let i = 0;
  let j = s.length;
  while (i < j) {
    const [r, units] = runeAt(s, i);
    if (!isSpace(r)) break;
    i += units;
  }
  while (j > i) {
    // Every space rune is in the BMP, so one code unit suffices when stepping back.
    const u = s.charCodeAt(j - 1);
    if (u >= 0xd800 && u <= 0xdfff) break;
    if (!isSpace(u)) break;
    j--;
  }
  return i === 0 && j === s.length ? s : s.slice(i, j);
}

/**
 * trimSpaceBytes is Go's bytes.TrimSpace: data without its leading and trailing isSpace
 * runes (UTF-8 encoded), as a view of the same bytes. Invalid UTF-8 is not space.
 */
export function trimSpaceBytes(data: Uint8Array): Uint8Array {
  const first = data[0];
  const last = data[data.length - 1];
  if (first === undefined || last === undefined) return data;
  if (first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80) return data;
  const s = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  const t = trimSpace(s);
  if (t.length === s.length) return data;
  // The trimmed ends are valid UTF-8 (space runes only), so their byte lengths are exact.
  const start = t.length === 0 ? s.length : s.indexOf(t);
  const lead = Buffer.byteLength(s.slice(0, start));
  const trail = t.length === 0 ? 0 : Buffer.byteLength(s.slice(start + t.length));
  return data.subarray(lead, data.length - trail);
}

/**
 * fields is Go's strings.Fields: the non-empty runs of non-space runes. Every space is a
 * BMP character and a surrogate is never one, so code units are tested one by one.
 */
export function fields(s: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    const start = i;
    while (i < s.length && !isSpace(s.charCodeAt(i))) i++;
    if (i > start) out.push(s.slice(start, i));
  }
  return out;
}
