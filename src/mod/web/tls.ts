/**
 * Certificate verification with the go command's order and wording.
 *
 * Go's crypto/x509 Verify checks the leaf's validity period first, then the host name,
 * then builds the chain to a trusted root; its messages name the dates and the names the
 * certificate is valid for. Node's TLS reports only a code, in OpenSSL's order. So direct
 * connections verify here: the handshake runs with Node's verification result recorded
 * (not enforced), and verifyPeer enforces it afterwards — every check still happens, and
 * a failure destroys the socket before any byte of the request is sent.
 */
import { checkServerIdentity, type PeerCertificate, type TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import { buildConnector } from 'undici';

/** CertificateError is the error verifyPeer returns: a Node/OpenSSL-style code plus Go's text. */
export interface CertificateError extends Error {
  code: string;
  /** The go command's wording (`x509: …`). */
  goDetail: string;
}

function certError(code: string, goDetail: string): CertificateError {
  return Object.assign(new Error(goDetail), { code, goDetail });
}

/** rfc3339 formats a time as Go's time.RFC3339 in UTC (`2006-01-02T15:04:05Z`). */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
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
 * verifyPeer checks a completed TLS handshake to host in Go's order — leaf validity period,
 * host name, chain of trust — and returns the first failure, or undefined when the peer is
 * trusted. It never throws.
 */
export function verifyPeer(sock: TLSSocket, host: string, now: Date = new Date()): CertificateError | undefined {
  const cert = sock.getPeerCertificate();
  const authError = sock.authorizationError as (Error & { code?: string }) | string | null | undefined;
  const authCode = authError ? (typeof authError === 'string' ? authError : (authError.code ?? authError.message)) : '';
  if (!cert || Object.keys(cert).length === 0) {
    return sock.authorized
      ? undefined
      : certError(authCode || 'CERT_UNTRUSTED', 'x509: certificate signed by unknown authority');
  }
  const from = new Date(cert.valid_from);
  const to = new Date(cert.valid_to);
  if (now.getTime() > to.getTime()) {
    return certError(
      'CERT_HAS_EXPIRED',
      `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is after ${rfc3339(to)}`,
    );
  }
  if (now.getTime() < from.getTime()) {
    return certError(
      'CERT_NOT_YET_VALID',
      `x509: certificate has expired or is not yet valid: current time ${rfc3339(now)} is before ${rfc3339(from)}`,
    );
  }
  if (checkServerIdentity(host, cert) !== undefined) {
    return certError('ERR_TLS_CERT_ALTNAME_INVALID', goHostnameError(host, cert));
  }
  if (!sock.authorized) {
    if (UNKNOWN_AUTHORITY.has(authCode)) return certError(authCode, 'x509: certificate signed by unknown authority');
    if (authCode === 'CERT_HAS_EXPIRED' || authCode === 'CERT_NOT_YET_VALID') {
      // An intermediate or root outside its validity period.
      return certError(authCode, 'x509: certificate has expired or is not yet valid');
    }
    return certError(authCode || 'CERT_UNTRUSTED', `x509: ${authCode || 'certificate verification failed'}`);
  }
  return undefined;
}

/**
 * createVerifyingConnector returns an undici connector that performs TLS with the given
 * options and enforces verifyPeer on every new connection (sessions are not resumed, so
 * each connection is verified from its own certificate).
 */
export function createVerifyingConnector(options: buildConnector.BuildOptions): buildConnector.connector {
  const base = buildConnector({
    ...options,
    rejectUnauthorized: false,
    maxCachedSessions: 0,
  } as buildConnector.BuildOptions);
  return (opts, callback) => {
    base(opts, (err, socket) => {
      if (err !== null) return callback(err, null);
      if (opts.protocol !== 'https:') return callback(null, socket);
      const host = (opts.hostname ?? '').replace(/^\[|\]$/g, '');
      const problem = verifyPeer(socket as TLSSocket, host);
      if (problem) {
        socket.destroy();
        return callback(problem, null);
      }
      callback(null, socket);
    });
  };
}
