/**
 * Redaction of secrets before anything is printed, logged or journalled: userinfo in
 * URLs, Authorization/Proxy-Authorization header values, .netrc passwords, and
 * well-known token shapes. Applied at every output boundary.
 */

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:]+)(?::([^\s/@]*))?@/gi;
const AUTH_HEADER = /\b((?:proxy-)?authorization\s*[:=]\s*)(?:(basic|bearer|token)\s+)?[^\s'",]+/gi;
const NETRC_PASSWORD = /\b(password|passwd)(\s+)\S+/gi;
const TOKEN_SHAPES = /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|glpat-[A-Za-z0-9_-]{16,})\b/g;

/** REDACTED is what a secret is replaced with. */
export const REDACTED = '***';

/** redact returns text with every recognised secret replaced by `***`. */
export function redact(text: string, extraSecrets: readonly string[] = []): string {
  let out = text
    .replace(URL_USERINFO, (_m, scheme: string, user: string, pass: string | undefined) =>
      pass === undefined ? `${scheme}${REDACTED}@` : `${scheme}${user}:${REDACTED}@`,
    )
    .replace(
      AUTH_HEADER,
      (_m, head: string, scheme: string | undefined) => `${head}${scheme ? scheme + ' ' : ''}${REDACTED}`,
    )
    .replace(NETRC_PASSWORD, (_m, word: string, sp: string) => `${word}${sp}${REDACTED}`)
    .replace(TOKEN_SHAPES, REDACTED);
  for (const s of extraSecrets) {
    if (s.length >= 4) out = out.split(s).join(REDACTED);
  }
  return out;
}

/** redactUrl removes the userinfo of a URL string (keeps the user name, hides the password). */
export function redactUrl(url: string): string {
  return redact(url);
}
