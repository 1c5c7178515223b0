/**
 * Go string semantics that module-path checking depends on: UTF-8 validity, and the
 * exact text of Go's `%q` verb (strconv.Quote / strconv.QuoteRune), which every
 * "malformed module path %q" style message uses.
 *
 * Go strings are byte strings and may hold invalid UTF-8; JavaScript strings are
 * UTF-16 and may hold lone surrogates. The mapping used throughout src/mod/module:
 * a `Uint8Array` stands for the Go byte string itself, and a JS string stands for its
 * UTF-8 encoding, where a lone surrogate is encoded as the three bytes Go would see
 * in WTF-8 (ED A0 80 …), which Go's decoder rejects as invalid UTF-8. So a JS string
 * is "valid UTF-8" exactly when it is well-formed UTF-16.
 */

/** GoString is a Go string: a JS string (its UTF-8 encoding) or the raw bytes. */
export type GoString = string | Uint8Array;

/** RUNE_ERROR is U+FFFD, what Go's decoder yields for an invalid byte. */
const RUNE_ERROR = 0xfffd;

const fatalDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * isWellFormed reports whether s has no lone surrogate, that is, whether its UTF-8
 * encoding is valid (Go's utf8.ValidString of the corresponding Go string).
 */
export function isWellFormed(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdfff) continue;
    if (c > 0xdbff) return false; // low surrogate without a high one
    const d = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
    if (d < 0xdc00 || d > 0xdfff) return false;
    i++;
  }
  return true;
}

/**
 * decodeGoString turns a GoString into JS text. `valid` is false when the bytes are
 * not valid UTF-8 (or the string has a lone surrogate); `text` then shows each bad
 * byte as U+FFFD, for display only.
 */
export function decodeGoString(s: GoString): { text: string; valid: boolean } {
  if (typeof s === 'string') return { text: s, valid: isWellFormed(s) };
  try {
    return { text: fatalDecoder.decode(s), valid: true };
  } catch {
    return { text: lenientDecoder.decode(s), valid: false };
  }
}

const encoder = new TextEncoder();

/** wtf8 encodes s as UTF-8, encoding a lone surrogate as its 3-byte (invalid) form. */
export function wtf8(s: string): Uint8Array {
  // Well-formed text (the usual case) takes the native encoder.
  if (isWellFormed(s)) return encoder.encode(s);
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return Uint8Array.from(out);
}

/**
 * decodeRune decodes the UTF-8 sequence at b[i] with Go's rules (no overlong forms,
 * no surrogates, nothing above U+10FFFF) and returns [rune, width]; an invalid or
 * truncated sequence yields [U+FFFD, 1], as utf8.DecodeRune does.
 */
export function decodeRune(b: Uint8Array, i: number): [number, number] {
  const b0 = b[i]!;
  if (b0 < 0x80) return [b0, 1];
  const cont = (k: number, lo = 0x80, hi = 0xbf): number => {
    const x = b[i + k];
    return x !== undefined && x >= lo && x <= hi ? x & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? [RUNE_ERROR, 1] : [((b0 & 0x1f) << 6) | c1, 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    const c1 = cont(1, lo, hi);
    const c2 = c1 < 0 ? -1 : cont(2);
    return c2 < 0 ? [RUNE_ERROR, 1] : [((b0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    const c1 = cont(1, lo, hi);
    const c2 = c1 < 0 ? -1 : cont(2);
    const c3 = c2 < 0 ? -1 : cont(3);
    return c3 < 0 ? [RUNE_ERROR, 1] : [((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [RUNE_ERROR, 1];
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/**
 * isPrint reports whether rune r is printable in Go's sense (unicode.IsPrint:
 * letters, marks, numbers, punctuation, symbols and the ASCII space).
 */
function isPrint(r: number): boolean {
  if (r < 0x20) return false;
  if (r < 0x7f) return true;
  if (r >= 0xd800 && r <= 0xdfff) return false;
  return PRINTABLE.test(String.fromCodePoint(r));
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** escapeRune appends Go's escaped form of rune r inside a literal quoted by quote. */
function escapeRune(r: number, quote: number): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCodePoint(r);
  if (isPrint(r)) return String.fromCodePoint(r);
  switch (r) {
    case 0x07:
      return '\\a';
    case 0x08:
      return '\\b';
    case 0x0c:
      return '\\f';
    case 0x0a:
      return '\\n';
    case 0x0d:
      return '\\r';
    case 0x09:
      return '\\t';
    case 0x0b:
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + hex(r, 2);
  if (r < 0x10000) return '\\u' + hex(r, 4);
  return '\\U' + hex(r, 8);
}

/** isPlainAscii reports whether s is printable ASCII without `"` or `\\` (quoted as it is). */
function isPlainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/**
 * goQuote returns s as Go's `%q` (strconv.Quote) prints it: a double-quoted literal
 * with Go escapes; bytes that are not valid UTF-8 appear as `\xNN`.
 */
export function goQuote(s: GoString): string {
  if (typeof s === 'string' && isPlainAscii(s)) return '"' + s + '"';
  const b = typeof s === 'string' ? wtf8(s) : s;
  let out = '"';
  for (let i = 0; i < b.length;) {
    const [r, w] = decodeRune(b, i);
    if (w === 1 && r === RUNE_ERROR) out += '\\x' + hex(b[i]!, 2);
    else out += escapeRune(r, 0x22);
    i += w;
  }
  return out + '"';
}

/**
 * goQuoteRune returns rune r as Go's `%q` prints a rune (strconv.QuoteRune): a
 * single-quoted literal. A surrogate or out-of-range value prints as '�', as in Go.
 */
export function goQuoteRune(r: number): string {
  if ((r >= 0xd800 && r <= 0xdfff) || r < 0 || r > 0x10ffff) r = RUNE_ERROR;
  return "'" + escapeRune(r, 0x27) + "'";
}
