import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { goHostnameError } from './tls.js';
import {
  createHttpClient,
  isHttpError,
  parseNetrc,
  netrcCredentials,
  parseRetryAfter,
  redactUrl,
  type HttpError,
} from './index.js';
import { startTestProxy, startForwardProxy, type TestProxy } from '../../../test/support/proxy-server.js';
import { createTestCertificates, type TestCertificates } from '../../../test/support/tls.js';
import { createWorkspace, runGo } from '../../../test/support/go.js';

async function fails(p: Promise<unknown>): Promise<HttpError> {
  try {
    await p;
  } catch (e) {
    if (isHttpError(e)) return e;
    throw e;
  }
  throw new Error('expected an HttpError');
}

describe('parseNetrc (cmd/go auth semantics)', () => {
  const netrc = `
machine incomplete
password none

machine api.github.com
  login user
  password pwd

machine incomlete.host
  login justlogin

machine test.host
login user2
password pwd2

machine oneline login user3 password pwd3

machine ignore.host macdef ignore
  login nobody
  password nothing

machine hasmacro.too macdef ignore-next-lines login user4 password pwd4
  login nobody
  password nothing

default
login anonymous
password gopher@golang.org

machine after.default
login oops
password too-late-in-file
`;
  it('keeps complete machine entries, skips macros, stops at default', () => {
    const n = parseNetrc(netrc);
    expect(n.machines).toEqual([
      { machine: 'api.github.com', login: 'user', password: 'pwd' },
      { machine: 'test.host', login: 'user2', password: 'pwd2' },
      { machine: 'oneline', login: 'user3', password: 'pwd3' },
      { machine: 'hasmacro.too', login: 'user4', password: 'pwd4' },
    ]);
    expect(n.default).toEqual({ login: 'anonymous', password: 'gopher@golang.org' });
  });
  it('matches by host name or host:port only', () => {
    const n = parseNetrc('machine 127.0.0.1 login a password b\nmachine example.com:8443 login c password d\n');
    expect(netrcCredentials(n, 'https://127.0.0.1:9999/x')?.login).toBe('a');
    expect(netrcCredentials(n, 'https://example.com:8443/x')?.login).toBe('c');
    expect(netrcCredentials(n, 'https://example.com/x')).toBeUndefined();
    expect(netrcCredentials(n, 'https://evil.example/x')).toBeUndefined();
  });
});

describe('redactUrl and Retry-After', () => {
  it.each([
    ['https://user:s3cret@proxy.corp/mod', 'https://user:xxxxx@proxy.corp/mod'],
    ['https://token@proxy.corp/mod', 'https://token@proxy.corp/mod'],
    ['https://proxy.golang.org', 'https://proxy.golang.org'],
    ['direct', 'direct'],
  ])('%s', (u, want) => expect(redactUrl(u)).toBe(want));
  it('parses seconds and dates', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });
});

describe('createHttpClient against a loopback server', () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'] });
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('fetches with keep-alive and returns any status', async () => {
    const client = createHttpClient({ retries: 0 });
    try {
      const ok = await client(proxy.url + '/rsc.io/quote/@v/list');
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('v1.5.2\n');
      const missing = await client(proxy.url + '/rsc.io/nope/@v/list');
      expect(missing.status).toBe(404);
      expect(await missing.text()).toBe('not found: rsc.io/nope/@v/list\n');
    } finally {
      await client.close();
    }
  });

  it('ends a hanging request with the total timeout, worded as Go', async () => {
    proxy.setFault('hang/*', { kind: 'hang' });
    const client = createHttpClient({ retries: 0, timeoutMs: 300 });
    const e = await fails(client(proxy.url + '/hang/x'));
    await client.close();
    expect(e.code).toBe('ERR_WEB_TRANSPORT');
    expect(e.fields.causeCode).toBe('ETIMEDOUT');
    expect(e.message).toBe(
      `Get "${proxy.url}/hang/x": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    );
  });

  it('applies the connect timeout to a TLS handshake that never completes', async () => {
    const held: net.Socket[] = [];
    const silent = net.createServer((sock) => void held.push(sock));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const client = createHttpClient({ retries: 0, connectTimeoutMs: 200, timeoutMs: 10_000 });
    const e = await fails(client(`https://127.0.0.1:${port}/x`));
    await client.close();
    for (const sock of held) sock.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
    expect(e.fields.causeCode).toBe('ETIMEDOUT');
    expect(e.message).toBe(`Get "https://127.0.0.1:${port}/x": dial tcp 127.0.0.1:${port}: i/o timeout`);
  });

  it('a delayed answer within the timeout succeeds, beyond it times out', async () => {
    proxy.setFault('rsc.io/quote/@v/v1.5.2.info', { kind: 'delay', ms: 50 }, 1);
    const client = createHttpClient({ retries: 0, timeoutMs: 5_000 });
    expect((await client(proxy.url + '/rsc.io/quote/@v/v1.5.2.info')).status).toBe(200);
    proxy.setFault('rsc.io/quote/@v/v1.5.2.info', { kind: 'delay', ms: 1_000 }, 1);
    const quick = createHttpClient({ retries: 0, timeoutMs: 100 });
    expect((await fails(quick(proxy.url + '/rsc.io/quote/@v/v1.5.2.info'))).fields.causeCode).toBe('ETIMEDOUT');
    await client.close();
    await quick.close();
  });

  it('ends a slow trickle: the total timeout covers the body', async () => {
    proxy.setFault('rsc.io/quote/@v/v1.5.2.zip', { kind: 'trickle', chunkBytes: 10, intervalMs: 100 }, 1);
    const client = createHttpClient({ retries: 0, timeoutMs: 500 });
    const res = await client(proxy.url + '/rsc.io/quote/@v/v1.5.2.zip');
    const e = await fails(res.arrayBuffer());
    await client.close();
    expect(e.fields.causeCode).toBe('ETIMEDOUT');
    expect(e.message).toMatch(
      /^read ".*v1\.5\.2\.zip": context deadline exceeded \(Client\.Timeout or context cancellation while reading body\)$/,
    );
  });

  it('maps a reset connection, and retries it for GET', async () => {
    proxy.setFault('reset/always', { kind: 'reset' });
    const client = createHttpClient({ retries: 0 });
    const e = await fails(client(proxy.url + '/reset/always'));
    expect(['ECONNRESET', 'EOF']).toContain(e.fields.causeCode);
    expect(e.message).toMatch(new RegExp(`^Get "${proxy.url}/reset/always": (EOF|read: connection reset by peer)$`));
    await client.close();

    proxy.setFault('rsc.io/quote/@v/list', { kind: 'reset' }, 1);
    const retrying = createHttpClient({ retries: 2, retryBaseDelayMs: 1 });
    const before = proxy.requests.filter((r) => r.path === 'rsc.io/quote/@v/list').length;
    const ok = await retrying(proxy.url + '/rsc.io/quote/@v/list');
    expect(await ok.text()).toBe('v1.5.2\n');
    expect(proxy.requests.filter((r) => r.path === 'rsc.io/quote/@v/list').length - before).toBe(2);
    await retrying.close();
  });

  it('retries 503 and 429 (Retry-After honoured within the cap), not 404', async () => {
    proxy.setFault('rsc.io/quote/@v/v1.5.2.mod', { kind: 'status', status: 503, body: 'busy' }, 1);
    proxy.setFault(
      'rsc.io/quote/@v/v1.5.2.info',
      { kind: 'status', status: 429, headers: { 'retry-after': '3600' } },
      1,
    );
    const client = createHttpClient({ retries: 1, retryBaseDelayMs: 1, retryMaxDelayMs: 5 });
    expect((await client(proxy.url + '/rsc.io/quote/@v/v1.5.2.mod')).status).toBe(200);
    expect((await client(proxy.url + '/rsc.io/quote/@v/v1.5.2.info')).status).toBe(200);
    const n = proxy.requests.length;
    expect((await client(proxy.url + '/rsc.io/quote/@v/v9.mod')).status).toBe(404);
    expect(proxy.requests.length - n).toBe(1);
    proxy.setFault('always500', { kind: 'status', status: 500, body: 'down' });
    const last = await client(proxy.url + '/always500');
    expect(last.status).toBe(500);
    expect(await last.text()).toBe('down');
    await client.close();
  });

  it('reports connection refused and unknown hosts as Go does', async () => {
    const srv = net.createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise<void>((r) => srv.close(() => r()));
    const client = createHttpClient({ retries: 0 });
    const e = await fails(client(`http://127.0.0.1:${port}/x`));
    expect(e.fields.causeCode).toBe('ECONNREFUSED');
    expect(e.message).toBe(`Get "http://127.0.0.1:${port}/x": dial tcp 127.0.0.1:${port}: connect: connection refused`);
    // Not retried: with a minute of backoff per retry this would not finish.
    const patient = createHttpClient({ retries: 2, retryBaseDelayMs: 60_000 });
    expect((await fails(patient(`http://127.0.0.1:${port}/x`))).fields.causeCode).toBe('ECONNREFUSED');
    await patient.close();
    const dns = await fails(client('http://nonexistent.invalid/x'));
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain(dns.fields.causeCode);
    expect(dns.message).toMatch(/^Get "http:\/\/nonexistent\.invalid\/x": dial tcp: lookup nonexistent\.invalid: /);
    await client.close();
  });

  it('follows redirects and stops after 10', async () => {
    const client = createHttpClient({ retries: 0 });
    const ok = await client(proxy.url + '/redirect/3/rsc.io/quote/@v/list');
    expect(await ok.text()).toBe('v1.5.2\n');
    const e = await fails(client(proxy.url + '/redirect/11/rsc.io/quote/@v/list'));
    expect(e.message).toBe(`Get "/mod/redirect/1/rsc.io/quote/@v/list": stopped after 10 redirects`);
    await client.close();
  });

  it('answers file:// URLs from disk (404 for missing files)', async () => {
    const client = createHttpClient();
    const url = pathToFileURL(path.join(proxy.root, 'rsc.io/quote/@v/list')).href;
    const r = await client(url);
    expect(r.status).toBe(200);
    expect(await r.text()).toBe('v1.5.2\n');
    const missing = await client(pathToFileURL(path.join(proxy.root, 'nope/@v/list')).href);
    expect(missing.status).toBe(404);
    expect(proxy.requests.some((q) => q.path.includes('nope/@v/list') && q.method === 'GET' && false)).toBe(false);
    await client.close();
  });
});

describe('TLS, proxies and credentials', () => {
  let certs: TestCertificates;
  beforeAll(async () => {
    certs = await createTestCertificates();
  });

  it('rejects an unknown authority, accepts it as an extra CA (value, file or dir)', async () => {
    const srv = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'], tls: certs.valid });
    try {
      const plain = createHttpClient({ retries: 0 });
      const e = await fails(plain(srv.url + '/rsc.io/quote/@v/list'));
      expect(e.fields.causeCode).toBe('CERT_UNKNOWN_AUTHORITY');
      expect(e.message).toBe(`Get "${srv.url}/rsc.io/quote/@v/list": x509: certificate signed by unknown authority`);
      await plain.close();
      const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-certdir-'));
      await writeFile(path.join(dir, 'ca.pem'), certs.ca.cert);
      for (const opts of [{ caCertificates: [certs.ca.cert] }, { caFiles: [certs.caFile] }, { caDirs: [dir] }]) {
        const c = createHttpClient({ retries: 0, ...opts });
        expect(await (await c(srv.url + '/rsc.io/quote/@v/list')).text()).toBe('v1.5.2\n');
        await c.close();
      }
    } finally {
      await srv.close();
    }
  });

  it.each([
    [
      'expired',
      'CERT_EXPIRED',
      'x509: certificate has expired or is not yet valid: current time NOW is after 2020-02-01T00:00:00Z',
    ],
    [
      'wrongHost',
      'CERT_HOSTNAME',
      "x509: cannot validate certificate for 127.0.0.1 because it doesn't contain any IP SANs",
    ],
    ['selfSigned', 'CERT_UNKNOWN_AUTHORITY', 'x509: certificate signed by unknown authority'],
  ] as const)('%s certificate → %s', async (which, code, text) => {
    const srv = await startTestProxy({ fixtures: [], tls: certs[which] });
    try {
      const c = createHttpClient({ retries: 0, caCertificates: [certs.ca.cert] });
      const e = await fails(c(srv.url + '/x'));
      expect(e.fields.causeCode).toBe(code);
      expect(e.message.replace(/current time \S+ is/, 'current time NOW is')).toBe(`Get "${srv.url}/x": ${text}`);
      await c.close();
    } finally {
      await srv.close();
    }
  });

  it('words certificate failures as Go 1.19 does (differential, with and without SSL_CERT_FILE)', async () => {
    const ws = await createWorkspace('modrescue-tls-diff-');
    try {
      for (const which of ['expired', 'wrongHost', 'selfSigned', 'valid'] as const) {
        const srv = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'], tls: certs[which] });
        try {
          for (const withCa of [false, true]) {
            const env = { ...ws.env, GOPROXY: srv.url, ...(withCa ? { SSL_CERT_FILE: certs.caFile } : {}) };
            const go = await runGo(['list', '-m', '-versions', 'rsc.io/quote'], { cwd: ws.dir, env });
            const c = createHttpClient({ retries: 0, ...(withCa ? { caFiles: [certs.caFile] } : {}) });
            let ours: string;
            try {
              const res = await c(srv.url + '/rsc.io/quote/@v/list');
              ours = 'rsc.io/quote ' + (await res.text()).trim().split('\n').join(' ') + '\n';
            } catch (e) {
              ours = `go: module rsc.io/quote: ${(e as Error).message}\n`;
            }
            await c.close();
            const norm = (t: string) => t.replace(/current time \S+ is/, 'current time NOW is');
            expect(norm(ours), `${which} ${withCa ? 'with' : 'without'} the CA`).toBe(
              norm(go.code === 0 ? go.stdout : go.stderr),
            );
          }
        } finally {
          await srv.close();
        }
      }
    } finally {
      await ws.cleanup();
    }
  });

  it('honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY given as values', async () => {
    const fwd = await startForwardProxy();
    const tlsSrv = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'], tls: certs.valid });
    const httpSrv = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'] });
    try {
      // As in Go, loopback targets never go through the proxy by default…
      const goLike = createHttpClient({
        retries: 0,
        caCertificates: [certs.ca.cert],
        httpsProxy: fwd.url,
        httpProxy: fwd.url,
      });
      expect(await (await goLike(tlsSrv.url + '/rsc.io/quote/@v/list')).text()).toBe('v1.5.2\n');
      expect(fwd.log).toEqual([]);
      await goLike.close();
      // …so the loopback test proxy is used with proxyLoopback.
      const c = createHttpClient({
        retries: 0,
        caCertificates: [certs.ca.cert],
        httpsProxy: fwd.url,
        httpProxy: fwd.url,
        proxyLoopback: true,
      });
      expect(await (await c(tlsSrv.url + '/rsc.io/quote/@v/list')).text()).toBe('v1.5.2\n');
      expect(await (await c(httpSrv.url + '/rsc.io/quote/@v/list')).text()).toBe('v1.5.2\n');
      expect(fwd.log.some((l) => l === `CONNECT ${new URL(tlsSrv.url).host}`)).toBe(true);
      expect(fwd.log.some((l) => l.includes(new URL(httpSrv.url).host))).toBe(true);
      await c.close();

      const before = fwd.log.length;
      const bypass = createHttpClient({
        retries: 0,
        caCertificates: [certs.ca.cert],
        httpsProxy: fwd.url,
        httpProxy: fwd.url,
        noProxy: '127.0.0.1',
        proxyLoopback: true,
      });
      expect(await (await bypass(tlsSrv.url + '/rsc.io/quote/@v/list')).text()).toBe('v1.5.2\n');
      expect(fwd.log.length).toBe(before);
      await bypass.close();
      const star = createHttpClient({ retries: 0, httpProxy: fwd.url, noProxy: '*', proxyLoopback: true });
      expect((await star(httpSrv.url + '/rsc.io/quote/@v/list')).status).toBe(200);
      expect(fwd.log.length).toBe(before);
      await star.close();
    } finally {
      await fwd.close();
      await tlsSrv.close();
      await httpSrv.close();
    }
  });

  it('sends .netrc credentials only to the matching HTTPS host, never across redirects, not with GOAUTH=off', async () => {
    const a = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'], tls: certs.valid });
    // A second server on "localhost" is another host for credentials (same certificate covers both names).
    const b = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'], tls: certs.valid });
    const bLocal = b.origin.replace('127.0.0.1', 'localhost');
    try {
      a.setFault('rsc.io/quote/@v/list', { kind: 'auth', user: 'alice', password: 'hunter2-secret' });
      const netrc = `machine 127.0.0.1 login alice password hunter2-secret\n`;
      const c = createHttpClient({ retries: 0, caCertificates: [certs.ca.cert], netrc });
      expect((await c(a.url + '/rsc.io/quote/@v/list')).status).toBe(200);
      a.setFault('go-elsewhere', { kind: 'redirect', location: `${bLocal}/mod/rsc.io/quote/@v/list` });
      expect((await c(a.url + '/go-elsewhere')).status).toBe(200);
      expect(a.requests.find((r) => r.path === 'go-elsewhere')?.authorization).toMatch(/^Basic /);
      expect(b.requests.at(-1)?.authorization).toBeUndefined();
      // Token headers set by the caller stay behind on a redirect to another host too.
      const before = b.requests.length;
      const withToken = await c(a.url + '/go-elsewhere', {
        headers: { 'PRIVATE-TOKEN': 'glpat-planted-secret', Accept: 'text/plain' },
      });
      expect(withToken.status).toBe(200);
      expect(a.requests.at(-1)?.headers?.['private-token']).toBe('glpat-planted-secret');
      expect(b.requests.length).toBe(before + 1);
      expect(b.requests.at(-1)?.headers?.['private-token']).toBeUndefined();
      expect(b.requests.at(-1)?.headers?.['accept']).toBe('text/plain');
      await c.close();

      const off = createHttpClient({ retries: 0, caCertificates: [certs.ca.cert], netrc, goauth: 'off' });
      const denied = await off(a.url + '/rsc.io/quote/@v/list');
      expect(denied.status).toBe(401);
      expect(a.requests.at(-1)?.authorization).toBeUndefined();
      await off.close();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('never sends .netrc credentials over plain HTTP', async () => {
    const srv = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'] });
    try {
      const c = createHttpClient({ retries: 0, netrc: 'machine 127.0.0.1 login u password p\n' });
      await (await c(srv.url + '/rsc.io/quote/@v/list')).text();
      expect(srv.requests.at(-1)?.authorization).toBeUndefined();
      await c.close();
    } finally {
      await srv.close();
    }
  });

  it('uses URL userinfo as Basic auth for that host and hides the password in errors', async () => {
    const srv = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'] });
    try {
      srv.setFault('rsc.io/quote/@v/list', { kind: 'auth', user: 'bob', password: 'tok-SECRET-42' });
      const c = createHttpClient({ retries: 0, timeoutMs: 300 });
      const withCreds = srv.url.replace('http://', 'http://bob:tok-SECRET-42@');
      expect((await c(withCreds + '/rsc.io/quote/@v/list')).status).toBe(200);
      srv.setFault('hang2', { kind: 'hang' });
      const e = await fails(c(withCreds + '/hang2'));
      expect(e.message).not.toContain('tok-SECRET-42');
      expect(JSON.stringify(e.fields)).not.toContain('tok-SECRET-42');
      expect(e.message).toContain('bob:***@');
      await c.close();
    } finally {
      await srv.close();
    }
  });
});

describe('file:// edge cases', () => {
  it('403 for unreadable files, error for directories', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-file-'));
    await mkdir(path.join(dir, 'sub'));
    const c = createHttpClient();
    const e = await fails(c(pathToFileURL(path.join(dir, 'sub')).href));
    expect(e.message).toBe(`read ${path.join(dir, 'sub')}: is a directory`);
    await c.close();
  });
});

describe('goHostnameError (x509.HostnameError wording)', () => {
  it.each([
    [
      'a.example',
      { subjectaltname: 'DNS:b.example, DNS:c.example' },
      'x509: certificate is valid for b.example, c.example, not a.example',
    ],
    [
      '10.0.0.2',
      { subjectaltname: 'IP Address:10.0.0.1, DNS:x.example' },
      'x509: certificate is valid for 10.0.0.1, not 10.0.0.2',
    ],
    [
      '10.0.0.2',
      { subjectaltname: 'DNS:x.example' },
      "x509: cannot validate certificate for 10.0.0.2 because it doesn't contain any IP SANs",
    ],
    [
      'a.example',
      { subjectaltname: 'IP Address:10.0.0.1' },
      'x509: certificate is not valid for any names, but wanted to match a.example',
    ],
    [
      'a.example',
      { subject: { CN: 'a.example' } },
      'x509: certificate relies on legacy Common Name field, use SANs instead',
    ],
  ])('%s vs %j', (host, cert, want) => {
    expect(goHostnameError(host, cert as never)).toBe(want);
  });
});
