/** Shell quoting for the `export` lines of the shell scope (POSIX sh, as go env prints values). */

/** shellQuote quotes s in single quotes, as `go env` does (`'` becomes `'\''`). */
export function shellQuote(s: string): string {
  return `'${s.split("'").join(`'\\''`)}'`;
}
