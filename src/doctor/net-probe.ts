/**
 * Link-level probes of a host: DNS resolution, a TCP connect and a TLS handshake that
 * inspects the certificate (chain validity, host name, expiry). Each has a timeout and
 * stops when the run's signal aborts. Failures are worded as the go command's net/http
 * client words them (`dial tcp: lookup h: no such host`, `x509: certificate signed by
 * unknown authority`), so that doctor's findings read like the CI log being diagnosed.
 */
import { lookup } from 'node:dns/promises';
import { readFile, readdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { goHostnameError, isUnknownAuthority, rfc3339, validityPeriodError } from '../mod/web/x509.js';

/** ProbeStep is the outcome of one step. */
export interface ProbeStep {
  readonly ok: boolean;
  readonly ms: number;
  /** Go's wording of the failure. */
  readonly error?: string;
  /** A short code: ENOTFOUND, ECONNREFUSED, ETIMEDOUT, CERT_UNKNOWN_AUTHORITY, CERT_EXPIRED, CERT_HOSTNAME… */
  readonly code?: string;
}

/** TlsInfo is what the handshake showed about the certificate. */
export interface TlsInfo extends ProbeStep {
  readonly subject?: string;
  readonly issuer?: string;
  readonly validTo?: string;
  /** Days until the certificate expires (negative when expired). */
  readonly daysLeft?: number;
  readonly protocol?: string;
}

function withTimeout<T>(p: Promise<T>, ms: number, signal: AbortSignal, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => {
      onTimeout();
      reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
    }, ms);
    const abort = () => {
      clearTimeout(t);
      onTimeout();
      reject(signal.reason);
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    p.then(
      (v) => {
        clearTimeout(t);
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}

/** resolveHost resolves host (an IP literal resolves to itself). */
export async function resolveHost(
  host: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ProbeStep & { addresses: string[] }> {
  const bare = host.replace(/^\[|\]$/g, '');
  if (net.isIP(bare)) return { ok: true, ms: 0, addresses: [bare] };
  const start = performance.now();
  try {
    const all = await withTimeout(lookup(bare, { all: true }), timeoutMs, signal, () => undefined);
    return { ok: true, ms: performance.now() - start, addresses: all.map((a) => a.address) };
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    const code = (e as NodeJS.ErrnoException).code ?? 'OTHER';
    const error =
      code === 'ENOTFOUND'
        ? `dial tcp: lookup ${bare}: no such host`
        : code === 'EAI_AGAIN'
          ? `dial tcp: lookup ${bare}: temporary failure in name resolution`
          : code === 'ETIMEDOUT'
            ? `dial tcp: lookup ${bare}: i/o timeout`
            : `dial tcp: lookup ${bare}: ${(e as Error).message}`;
    return { ok: false, ms: performance.now() - start, addresses: [], error, code };
  }
}

/** connectTcp opens (and closes) a TCP connection to address:port. */
export async function connectTcp(
  address: string,
  port: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<ProbeStep> {
  const start = performance.now();
  const socket = new net.Socket();
  try {
    await withTimeout(
      new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('error', reject);
        socket.connect(port, address);
      }),
      timeoutMs,
      signal,
      () => socket.destroy(),
    );
    return { ok: true, ms: performance.now() - start };
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    const code = (e as NodeJS.ErrnoException).code ?? 'OTHER';
    const hostport = net.isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
    const error =
      code === 'ECONNREFUSED'
        ? `dial tcp ${hostport}: connect: connection refused`
        : code === 'ETIMEDOUT'
          ? `dial tcp ${hostport}: i/o timeout`
          : code === 'EHOSTUNREACH' || code === 'ENETUNREACH'
            ? `dial tcp ${hostport}: connect: ${code === 'EHOSTUNREACH' ? 'no route to host' : 'network is unreachable'}`
            : `dial tcp ${hostport}: ${(e as Error).message}`;
    return { ok: false, ms: performance.now() - start, error, code };
  } finally {
    socket.destroy();
  }
}

/** extraCAs reads the PEM certificates of SSL_CERT_FILE and the ':'-separated SSL_CERT_DIR (unreadable files are skipped). */
export async function extraCAs(certFile: string, certDir: string): Promise<string[]> {
  const out: string[] = [];
  if (certFile !== '') {
    const t = await readFile(certFile, 'utf8').catch(() => '');
    if (t.includes('-----BEGIN CERTIFICATE-----')) out.push(t);
  }
  for (const d of certDir.split(':').filter((x) => x !== '')) {
    for (const n of (await readdir(d).catch(() => [] as string[])).sort()) {
      const t = await readFile(path.join(d, n), 'utf8').catch(() => '');
      if (t.includes('-----BEGIN CERTIFICATE-----')) out.push(t);
    }
  }
  return out;
}

/** firstOf returns a certificate field's first value (fields repeat as arrays). */
function firstOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/**
 * probeTls performs a TLS handshake with address:port for host (SNI unless host is an IP)
 * and judges the certificate as Go's crypto/x509 would with the same roots (the system
 * bundle plus extra): unknown authority, expired or not yet valid (relative to now), or
 * valid for other names. The handshake itself never rejects on certificate errors.
 */
export async function probeTls(
  address: string,
  port: number,
  host: string,
  extra: readonly string[],
  now: number,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<TlsInfo> {
  const start = performance.now();
  const bare = host.replace(/^\[|\]$/g, '');
  let socket: tls.TLSSocket | undefined;
  try {
    socket = await withTimeout(
      new Promise<tls.TLSSocket>((resolve, reject) => {
        const s = tls.connect({
          host: address,
          port,
          ...(net.isIP(bare) ? {} : { servername: bare }),
          rejectUnauthorized: false,
          ...(extra.length > 0 ? { ca: [...tls.rootCertificates, ...extra] } : {}),
          ALPNProtocols: ['http/1.1'],
        });
        socket = s;
        s.once('secureConnect', () => resolve(s));
        s.once('error', reject);
      }),
      timeoutMs,
      signal,
      () => socket?.destroy(),
    );
    const cert = socket.getPeerCertificate();
    const ms = performance.now() - start;
    const validTo = cert.valid_to ? new Date(cert.valid_to) : undefined;
    const validFrom = cert.valid_from ? new Date(cert.valid_from) : undefined;
    const info = {
      ms,
      subject: firstOf(cert.subject?.CN),
      issuer: firstOf(cert.issuer?.CN),
      validTo: validTo ? rfc3339(validTo) : undefined,
      daysLeft: validTo ? Math.floor((validTo.getTime() - now) / 86_400_000) : undefined,
      protocol: socket.getProtocol() ?? undefined,
    };
    // Expiry is judged against the run's clock, like the go command's x509 check against time.Now.
    const period = validityPeriodError(new Date(now), validFrom, validTo);
    if (period) return { ...info, ok: false, code: 'CERT_EXPIRED', error: period.goDetail };
    // Go's order: validity period (above), then the host name, then the authority.
    if (tls.checkServerIdentity(bare, cert)) {
      return { ...info, ok: false, code: 'CERT_HOSTNAME', error: goHostnameError(bare, cert) };
    }
    const authErr = socket.authorizationError as unknown as string | Error | null;
    const authCode =
      typeof authErr === 'string' ? authErr : ((authErr as { code?: string } | null)?.code ?? authErr?.message);
    // Expiry and the host name are judged above (by the run's clock; as Go words them).
    const judgedElsewhere = ['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID'];
    if (authCode && !judgedElsewhere.includes(authCode)) {
      if (isUnknownAuthority(authCode)) {
        return {
          ...info,
          ok: false,
          code: 'CERT_UNKNOWN_AUTHORITY',
          error: 'x509: certificate signed by unknown authority',
        };
      }
      return { ...info, ok: false, code: 'CERT_OTHER', error: `tls: ${authCode}` };
    }
    return { ...info, ok: true };
  } catch (e) {
    if (signal.aborted) throw signal.reason;
    const code = (e as NodeJS.ErrnoException).code ?? 'OTHER';
    const error =
      code === 'ETIMEDOUT'
        ? 'net/http: TLS handshake timeout'
        : code === 'ECONNRESET'
          ? 'read: connection reset by peer'
          : /wrong version number|packet length too long/i.test((e as Error).message)
            ? 'http: server gave HTTP response to HTTPS client'
            : `tls: ${(e as Error).message}`;
    return { ok: false, ms: performance.now() - start, error, code };
  } finally {
    socket?.destroy();
  }
}

/**
 * viaForwardProxy returns the HTTP(S)_PROXY URL that a request to url goes through, or
 * undefined (NO_PROXY: `*`, host names, `.suffix`, `host:port`, IPs), as Go's
 * httpproxy package decides.
 */
export function viaForwardProxy(
  url: string,
  httpProxy: string,
  httpsProxy: string,
  noProxy: string,
): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  const proxy = u.protocol === 'https:' ? httpsProxy : u.protocol === 'http:' ? httpProxy : '';
  if (proxy === '') return undefined;
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  if (host === 'localhost' || host === '127.0.0.1' || host === '::1') return undefined;
  for (const raw of noProxy.split(',')) {
    let p = raw.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return undefined;
    let pport = '';
    const m = /^(.*):(\d+)$/.exec(p);
    if (m && !net.isIPv6(p)) {
      p = m[1]!;
      pport = m[2]!;
    }
    if (pport !== '' && pport !== port) continue;
    // "example.com" matches the name and its subdomains; ".example.com" only subdomains.
    if (p.startsWith('*.')) p = p.slice(1);
    if (p.startsWith('.') ? host.endsWith(p) : host === p || host.endsWith('.' + p)) return undefined;
  }
  return proxy;
}
