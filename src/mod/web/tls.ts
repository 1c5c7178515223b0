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
import { checkServerIdentity, type TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import { goHostnameError, isUnknownAuthority, validityPeriodError } from './x509.js';

export { goHostnameError } from './x509.js';

/** CertificateError is the error verifyPeer returns: a Node/OpenSSL-style code plus Go's text. */
export interface CertificateError extends Error {
  code: string;
  /** The go command's wording (`x509: …`). */
  goDetail: string;
}

function certError(code: string, goDetail: string): CertificateError {
  return Object.assign(new Error(goDetail), { code, goDetail });
}

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
  const period = validityPeriodError(now, new Date(cert.valid_from), new Date(cert.valid_to));
  if (period) return certError(period.code, period.goDetail);
  if (checkServerIdentity(host, cert) !== undefined) {
    return certError('ERR_TLS_CERT_ALTNAME_INVALID', goHostnameError(host, cert));
  }
  if (!sock.authorized) {
    if (isUnknownAuthority(authCode)) return certError(authCode, 'x509: certificate signed by unknown authority');
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
