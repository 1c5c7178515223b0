/**
 * The go command's certificate-check wording (crypto/x509), without any TLS machinery:
 * shared by the HTTP client's peer verification (tls.ts) and doctor's TLS probe, so both
 * name dates, names and causes the way a CI log of the go command does.
 */
import { isIP } from 'node:net';
import type { PeerCertificate } from 'node:tls';

/** rfc3339 formats a time as Go's time.RFC3339 in UTC (`2006-01-02T15:04:05Z`), as x509 errors print it. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * validityPeriodError words a leaf certificate outside its validity period as
 * x509.CertificateInvalidError (Expired) does, naming now and the bound it is past, with
 * the OpenSSL-style code; undefined when now is within the period. A missing or invalid
 * bound is never past.
 */
export function validityPeriodError(
  now: Date,
  from: Date | undefined,
  to: Date | undefined,
): { code: 'CERT_HAS_EXPIRED' | 'CERT_NOT_YET_VALID'; goDetail: string } | undefined {
  if (to !== undefined && now.getTime() > to.getTime()) {
    return {
      code: 'CERT_HAS_EXPIRED',
      goDetail: `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is after ${rfc3339(to)}`,
    };
  }
  if (from !== undefined && now.getTime() < from.getTime()) {
    return {
      code: 'CERT_NOT_YET_VALID',
      goDetail: `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is before ${rfc3339(from)}`,
    };
  }
  return undefined;
}

/**
 * goHostnameError words a host-name mismatch as x509.HostnameError does: the IP SANs for an
 * IP host ("doesn't contain any IP SANs" when there are none), else the DNS SANs.
 */
export function goHostnameError(host: string, cert: Pick<PeerCertificate, 'subjectaltname' | 'subject'>): string {
  const sans = (cert.subjectaltname ?? '').split(/,\s*/).filter((s) => s !== '');
  const dns = sans.filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4));
  const ips = sans.filter((s) => s.startsWith('IP Address:')).map((s) => s.slice('IP Address:'.length));
  const cn = (cert.subject as { CN?: string } | undefined)?.CN;
  if (sans.length === 0 && cn !== undefined && cn.toLowerCase() === host.toLowerCase()) {
    return 'x509: certificate relies on legacy Common Name field, use SANs instead';
  }
  let valid: string;
  if (isIP(host) !== 0) {
    if (ips.length === 0) return `x509: cannot validate certificate for ${host} because it doesn't contain any IP SANs`;
    valid = ips.join(', ');
  } else {
    valid = dns.join(', ');
  }
  if (valid === '') return `x509: certificate is not valid for any names, but wanted to match ${host}`;
  return `x509: certificate is valid for ${valid}, not ${host}`;
}

/** UNKNOWN_AUTHORITY are the OpenSSL verification codes Go reports as "signed by unknown authority". */
const UNKNOWN_AUTHORITY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
]);

/**
 * isUnknownAuthority reports whether an OpenSSL verification code is one the go command
 * reports as `x509: certificate signed by unknown authority` (no trusted chain). Any
 * other string, '' included, is false.
 */
export function isUnknownAuthority(code: string): boolean {
  return UNKNOWN_AUTHORITY.has(code);
}
