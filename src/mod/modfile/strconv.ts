/**
 * Go's strconv.Quote and strconv.Unquote for the strings of this package
 * (surrogate-escaped Go strings, see utf8.ts). go.mod files quote module paths
 * and versions with Go string syntax, and the go command prints values with %q,
 * so both directions must follow Go exactly: lower-case hex escapes, \a \b \f \n
 * \r \t \v short forms, \u/\U for non-printable runes, \x for invalid bytes.
 */
import { goQuote as quoteGoString, goQuoteRune as quoteGoRune } from '../module/quote.js';
import { decodeGoBytes, encodeGoString, runeAt, utf8Valid } from './utf8.js';

const HEX = '0123456789abcdef';

/**
 * goQuote is Go's strconv.Quote: a double-quoted Go string literal for s. Escaped
 * (invalid) bytes print as \xNN. It never throws. The quoting is package module's
 * goQuote; this package's strings mark invalid bytes with surrogate escapes (utf8.ts),
 * so such a string is handed over as the bytes it stands for.
 */
export function goQuote(s: string): string {
  return quoteGoString(utf8Valid(s) ? s : encodeGoString(s));
}

/** goQuoteRune is Go's strconv.QuoteRune (what %q prints for a rune): package module's goQuoteRune. */
export const goQuoteRune: (r: number) => string = quoteGoRune;

/**
 * goUnquote is Go's strconv.Unquote: it interprets s as a single-quoted,
 * double-quoted or back-quoted Go literal and returns the value, or undefined where
 * Go returns ErrSyntax ("invalid syntax"). In double-quoted literals an invalid byte
 * (escaped) reads as U+FFFD, and \xNN of a byte ≥ 0x80 yields that raw byte.
 */
export function goUnquote(s: string): string | undefined {
  const n = s.length;
  if (n < 2) return undefined;
  const quote = s[0];
  if (quote === '`') {
    const end = s.indexOf('`', 1);
    if (end !== n - 1) return undefined;
    const body = s.slice(1, n - 1);
    return body.includes('\r') ? body.replaceAll('\r', '') : body;
  }
  if (quote !== '"' && quote !== "'") return undefined;
  if (s[n - 1] !== quote) return undefined;
  const body = s.slice(1, n - 1);
  // Fast path: no escapes, no quotes, no newlines, valid text.
  if (quote === '"' && !/["\\\n]/.test(body) && utf8Valid(body)) return body;
  let out = '';
  let i = 1;
  let count = 0;
  while (i < n - 1) {
    const c = s[i]!;
    if (c === '\n') return undefined;
    const r = unquoteChar(s, i, quote);
    if (r === undefined) return undefined;
    out += r.value;
    i = r.next;
    count++;
    if (quote === "'" && count > 1) return undefined;
  }
  if (i !== n - 1) return undefined;
  if (quote === "'" && count !== 1) return undefined;
  // \x escapes produce raw bytes; bytes that form valid UTF-8 together must read
  // as the characters they spell, as they do in Go.
  return utf8Valid(out) ? out : decodeGoBytes(encodeGoString(out));
}

/** unquoteChar is Go's strconv.UnquoteChar for s[i:], returning the decoded text and the next index. */
function unquoteChar(s: string, i: number, quote: string): { value: string; next: number } | undefined {
  const c = s[i]!;
  if (c === quote) return undefined;
  if (c !== '\\') {
    const [r, units] = runeAt(s, i);
    // DecodeRune of an invalid byte is RuneError, appended as U+FFFD.
    return { value: r === 0xfffd ? '\ufffd' : s.slice(i, i + units), next: i + units };
  }
  if (i + 1 >= s.length) return undefined;
  const e = s[i + 1]!;
  let j = i + 2;
  switch (e) {
    case 'a':
      return { value: '\x07', next: j };
    case 'b':
      return { value: '\b', next: j };
    case 'f':
      return { value: '\f', next: j };
    case 'n':
      return { value: '\n', next: j };
    case 'r':
      return { value: '\r', next: j };
    case 't':
      return { value: '\t', next: j };
    case 'v':
      return { value: '\v', next: j };
    case 'x':
    case 'u':
    case 'U': {
      const digits = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      if (j + digits > s.length) return undefined;
      let v = 0;
      for (let k = 0; k < digits; k++) {
        const d = HEX.indexOf(s[j + k]!.toLowerCase());
        if (d < 0) return undefined;
        v = v * 16 + d;
      }
      j += digits;
      if (e === 'x') return { value: byteValue(v), next: j };
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) return undefined;
      return { value: String.fromCodePoint(v), next: j };
    }
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7': {
      let v = e.charCodeAt(0) - 0x30;
      if (j + 2 > s.length) return undefined;
      for (let k = 0; k < 2; k++) {
        const d = s.charCodeAt(j + k) - 0x30;
        if (d < 0 || d > 7) return undefined;
        v = v * 8 + d;
      }
      j += 2;
      if (v > 255) return undefined;
      return { value: byteValue(v), next: j };
    }
    case '\\':
      return { value: '\\', next: j };
    case "'":
    case '"':
      if (e !== quote) return undefined;
      return { value: e, next: j };
  }
  return undefined;
}

/** byteValue is the string for a single byte value: ASCII as itself, ≥ 0x80 as an escaped invalid byte. */
function byteValue(v: number): string {
  return String.fromCharCode(v < 0x80 ? v : 0xdc00 + v);
}
