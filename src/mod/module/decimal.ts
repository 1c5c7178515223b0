/**
 * Arithmetic on decimal strings of any length (x/mod pseudo.go's unexported helpers).
 * Pseudo-versions increment and decrement the patch number of a tag, which may be
 * larger than any JS number ("v1.2.99999999999999999"), so it is done on digits.
 * Internal to src/mod/module; exported for its tests.
 */

/**
 * incDecimal returns the decimal string incremented by 1 ("99" → "100"). The input
 * must be non-empty ASCII digits (x/mod panics on ""; this returns "10").
 */
export function incDecimal(decimal: string): string {
  const digits = Array.from(decimal, (c) => c.charCodeAt(0));
  let i = digits.length - 1;
  for (; i >= 0 && digits[i] === 0x39; i--) digits[i] = 0x30;
  if (i >= 0) {
    digits[i]!++;
  } else {
    // All nines: the carry becomes a new leading 1.
    digits[0] = 0x31;
    digits.push(0x30);
  }
  return String.fromCharCode(...digits);
}

/**
 * decDecimal returns the decimal string decremented by 1 ("100" → "99"), or "" when
 * decimal is all zeros or empty (there is no predecessor).
 */
export function decDecimal(decimal: string): string {
  const digits = Array.from(decimal, (c) => c.charCodeAt(0));
  let i = digits.length - 1;
  for (; i >= 0 && digits[i] === 0x30; i--) digits[i] = 0x39;
  if (i < 0) return '';
  if (i === 0 && digits[0] === 0x31 && digits.length > 1) {
    // "10…0" → "9…9": drop the leading digit rather than keep a leading zero.
    digits.shift();
  } else {
    digits[i]!--;
  }
  return String.fromCharCode(...digits);
}
