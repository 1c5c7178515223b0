/**
 * Byte and text helpers shared by the checksum-database packages (note, tlog, sumdb).
 *
 * The Go code these packages mirror works on byte slices and decodes base64 with
 * encoding/base64's StdEncoding, which is stricter than Node's Buffer decoder:
 * Buffer.from(s, 'base64') silently skips characters outside the alphabet, accepts
 * missing padding and the URL-safe alphabet. Signatures, key data and hashes must be
 * rejected exactly when Go rejects them, so this file carries a decoder with Go's rules.
 */

const B64_ALPHABET = /^[A-Za-z0-9+/]*$/;

/**
 * decodeBase64Std decodes s as Go's base64.StdEncoding.DecodeString does, returning
 * undefined where Go returns an error. Go's rules: carriage returns and newlines are
 * ignored anywhere; the rest must be whole 4-character quanta of the standard alphabet;
 * "=" padding may only end the final quantum ("xx==" or "xxx="); nothing may follow
 * the padding. Non-zero trailing bits are accepted (StdEncoding is not Strict).
 */
export function decodeBase64Std(s: string): Uint8Array | undefined {
  const t = s.includes('\r') || s.includes('\n') ? s.replace(/[\r\n]/g, '') : s;
  if (t.length % 4 !== 0) return undefined;
  let body = t;
  if (t.endsWith('==')) body = t.slice(0, -2);
  else if (t.endsWith('=')) body = t.slice(0, -1);
  // A quantum needs at least two data characters ("x===" is invalid).
  if (t.length > 0 && body.length % 4 === 1) return undefined;
  if (!B64_ALPHABET.test(body)) return undefined;
  return new Uint8Array(Buffer.from(body, 'base64'));
}

/** encodeBase64Std encodes data with the padded standard alphabet (Go's StdEncoding). */
export function encodeBase64Std(data: Uint8Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64');
}

const utf8Strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** decodeUtf8 returns the text of valid UTF-8 bytes, or undefined for invalid UTF-8. */
export function decodeUtf8(data: Uint8Array): string | undefined {
  try {
    return utf8Strict.decode(data);
  } catch {
    return undefined;
  }
}

/** encodeUtf8 returns the UTF-8 bytes of s (lone surrogates become U+FFFD). */
export function encodeUtf8(s: string): Uint8Array {
  return utf8Encoder.encode(s);
}

/** LONE_SURROGATE matches a UTF-16 surrogate that is not part of a pair (not encodable as UTF-8). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** isWellFormed reports whether s can be encoded as UTF-8 without replacement (Go's utf8.ValidString). */
export function isWellFormed(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/**
 * GO_SPACE matches one character for which Go's unicode.IsSpace is true: the Latin-1
 * spaces '\t', '\n', '\v', '\f', '\r', ' ', U+0085 (NEL), U+00A0 (NBSP) and the other
 * White_Space characters. JavaScript's \s differs (it includes U+FEFF, lacks U+0085).
 */
export const GO_SPACE = /[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]/;

export { concatBytes } from '../internal/bytes.js';

/** bytesEqual reports whether a and b hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** indexOfBytes returns the first index of needle in hay at or after from, or -1. */
export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(
    Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength),
    from,
  );
}

/** lastIndexOfBytes returns the last index of needle in hay, or -1. */
export function lastIndexOfBytes(hay: Uint8Array, needle: Uint8Array): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).lastIndexOf(
    Buffer.from(needle.buffer, needle.byteOffset, needle.byteLength),
  );
}

/** toBytes returns s as UTF-8 bytes, or data itself when it already is bytes. */
export function toBytes(data: string | Uint8Array): Uint8Array {
  return typeof data === 'string' ? encodeUtf8(data) : data;
}

/** hasNoControl reports whether text has no ASCII control character other than newline. */
export function hasNoControl(text: string): boolean {
  return !/[\x00-\x09\x0B-\x1F]/.test(text);
}
