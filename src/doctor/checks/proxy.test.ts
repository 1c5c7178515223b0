// goproxy-reachable against real loopback proxies that fail the ways proxies fail: status
// codes, hangs, resets, HTML pages, credentials, DNS, refused connections, and TLS
// certificates that are self-signed, expired, for another host, or about to expire.
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDoctorWorld, QUOTE_FIXTURES, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { startTestProxy, type Fault, type TestProxy } from '../../../test/support/proxy-server.js';
import { createTestCertificates, type TestCertificates } from '../../../test/support/tls.js';
import { runDoctor, type CheckResult, type DoctorOptions } from '../index.js';
import { ProxyError, errorBody } from '../../proxy/errors.js';
import { closedPort } from '../../shared/net.js';

let worlds: DoctorWorld[] = [];
const proxies: TestProxy[] = [];
afterEach(async () => {
  for (const w of worlds) await w.close();
  worlds = [];
  for (const p of proxies.splice(0)) await p.close();
});

let certs: TestCertificates;
beforeAll(async () => {
  certs = await createTestCertificates();
});
afterAll(() => undefined);

async function world(options: Parameters<typeof createDoctorWorld>[0] = {}): Promise<DoctorWorld> {
  const w = await createDoctorWorld({ sumdb: false, ...options });
  worlds.push(w);
  return w;
}

async function extraProxy(faults: Array<{ pattern: string; fault: Fault }> = [], tls?: { cert: string; key: string }) {
  const p = await startTestProxy({ fixtures: QUOTE_FIXTURES, faults, ...(tls ? { tls } : {}) });
  proxies.push(p);
  return p;
}

async function reach(w: DoctorWorld, extra: Partial<DoctorOptions> = {}): Promise<CheckResult> {
  const report = await runDoctor(await w.options({ probeTimeoutMs: 1_500, ...extra, only: ['goproxy-reachable'] }));
  return report.checks[0]!;
}

const text = (r: CheckResult) => [r.summary, ...r.details].join('\n');

describe('goproxy-reachable: HTTP answers and the , | walk', () => {
  it('500 before a good proxy with "," stops the go command there', async () => {
    const w = await world();
    const bad = `${w.proxy.url}/500`;
    w.env = { ...w.env, GOPROXY: `${bad},${w.proxy.url}` };
    const r = await reach(w);
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(
      `${bad} fails: module rsc.io/quote: reading ${bad}/rsc.io/quote/@v/list: 500 Internal Server Error`,
    );
    expect(text(r)).toContain(
      `the separator after it is \`,\`: the go command stops here instead of trying the next entry (${w.proxy.url})`,
    );
    expect(r.fix?.action).toBe('proxy');
  });

  it('500 before a good proxy with "|" falls back: a warning', async () => {
    const w = await world();
    const bad = `${w.proxy.url}/502`;
    w.env = { ...w.env, GOPROXY: `${bad}|${w.proxy.url}` };
    const r = await reach(w);
    expect(r.status).toBe('warn');
    expect(r.summary).toContain('502 Bad Gateway');
    expect(text(r)).toContain(`the go command falls back to ${w.proxy.url} after any error`);
  });

  it('404 before a good proxy is fine: the go command tries the next one', async () => {
    const w = await world();
    w.env = { ...w.env, GOPROXY: `${w.proxy.url}/404,${w.proxy.url}` };
    const r = await reach(w);
    expect(r.status).toBe('pass');
    expect(text(r)).toContain(
      `${w.proxy.url}/404 does not have rsc.io/quote (404/410): the go command tries ${w.proxy.url}`,
    );
  });

  it('410 from the only proxy: nothing serves the module', async () => {
    const w = await world();
    w.env = { ...w.env, GOPROXY: `${w.proxy.url}/410` };
    const r = await reach(w);
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('does not have rsc.io/quote');
    expect(text(r)).toContain('410 Gone');
    expect(text(r)).toContain('no entry of GOPROXY serves it');
  });

  it('a hanging proxy fails with a timeout, not a hang', async () => {
    const w = await world({ faults: [{ pattern: '*', fault: { kind: 'hang' } }] });
    const r = await reach(w, { probeTimeoutMs: 800 });
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/context deadline exceeded|Client\.Timeout/);
    expect(text(r)).toContain('it is the last entry');
  });

  it('a proxy that resets the connection', async () => {
    const w = await world({ faults: [{ pattern: '*', fault: { kind: 'reset' } }] });
    const r = await reach(w);
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/connection reset by peer|EOF|socket hang up/);
  });

  it('a captive portal answering an HTML page', async () => {
    const w = await world({ faults: [{ pattern: '*', fault: { kind: 'html' } }] });
    const r = await reach(w);
    expect(r.status).toBe('fail');
    expect(text(r)).toMatch(/HTML page/);
  });

  it('a proxy that wants credentials', async () => {
    const w = await world({ faults: [{ pattern: '*', fault: { kind: 'auth', user: 'u', password: 'p4ssword-x' } }] });
    const r = await reach(w);
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('401 Unauthorized');
    expect(text(r)).toContain('the proxy wants credentials: add a .netrc entry for 127.0.0.1');
  });

  it('a modrescue proxy whose upstream times out: its error body is recognised', async () => {
    const body = errorBody(
      new ProxyError('ERR_PROXY_UPSTREAM_TIMEOUT', 'context deadline exceeded', {
        subject: 'rsc.io/quote/@v/list',
        upstream: 'https://proxy.golang.org',
      }),
    );
    const w = await world({ faults: [{ pattern: '*', fault: { kind: 'status', status: 504, body: body + '\n' } }] });
    const r = await reach(w);
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('504 Gateway Timeout');
    expect(text(r)).toContain(
      'this is a modrescue proxy: its upstream https://proxy.golang.org failed (context deadline exceeded) [ERR_PROXY_UPSTREAM_TIMEOUT]',
    );
  });

  it('DNS failure and refused connection', async () => {
    const w = await world();
    const port = await closedPort();
    w.env = { ...w.env, GOPROXY: `https://no-such-host.invalid|http://127.0.0.1:${port}/mod` };
    const r = await reach(w);
    expect(r.status).toBe('fail');
    expect(text(r)).toContain('dial tcp: lookup no-such-host.invalid: no such host');
    expect(text(r)).toContain(`dial tcp 127.0.0.1:${port}: connect: connection refused`);
  });

  it('a file:// entry that is not a directory', async () => {
    const w = await world();
    const missing = path.join(w.dir, 'no-such-proxy');
    w.env = { ...w.env, GOPROXY: `file://${missing}` };
    const r = await reach(w);
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(`${missing} is not a directory`);
  });
});

describe('goproxy-reachable: TLS', () => {
  it('a self-signed certificate: unknown authority', async () => {
    const p = await extraProxy([], certs.selfSigned);
    const w = await world();
    w.env = { ...w.env, GOPROXY: p.url };
    const r = await reach(w);
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('x509: certificate signed by unknown authority');
    expect(text(r)).toContain('SSL_CERT_FILE');
  });

  it('an expired certificate (its CA trusted through SSL_CERT_FILE)', async () => {
    const p = await extraProxy([], certs.expired);
    const w = await world();
    w.env = { ...w.env, GOPROXY: p.url, SSL_CERT_FILE: certs.caFile };
    const r = await reach(w);
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(
      /x509: certificate has expired or is not yet valid: current time \S+ is after 2020-02-01T00:00:00Z/,
    );
  });

  it('a certificate for another host', async () => {
    const p = await extraProxy([], certs.wrongHost);
    const w = await world();
    w.env = { ...w.env, GOPROXY: p.url, SSL_CERT_FILE: certs.caFile };
    const r = await reach(w);
    expect(r.status).toBe('fail');
    // Go's x509.HostnameError wording for an IP host and a certificate without IP SANs.
    expect(r.summary).toContain(
      "x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs",
    );
  });

  it('a valid certificate passes, and warns when it expires within 14 days (by the run’s clock)', async () => {
    const p = await extraProxy([], certs.valid);
    const w = await world();
    w.env = { ...w.env, GOPROXY: p.url, SSL_CERT_FILE: certs.caFile };
    const ok = await reach(w);
    expect(ok.status, text(ok)).toBe('pass');
    const validTo = (ok.evidence.find((e) => e['certificate']) as { certificate: { validTo: string } }).certificate
      .validTo;
    const soon = Date.parse(validTo) - 5 * 86_400_000 - 3_600_000;
    const r = await reach(w, { clock: { now: () => soon } });
    expect(r.status).toBe('warn');
    expect(r.summary).toContain(`the TLS certificate expires in 5 days (${validTo})`);
  });
});
