import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { startTestProxy, type TestProxy } from '../../test/support/proxy-server.js';
import { parseErrorBody, ProxyError } from './errors.js';
import { routeSubject } from './route.js';
import type { RunningServer } from './server.js';
import { makeProxy, rawRequest, serve, type TestProxyHandle } from './testdata/harness.js';

let upstream: TestProxy;
let p: TestProxyHandle;
let server: RunningServer;
beforeAll(async () => {
  upstream = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt', 'rsc.io_sampler_v1.3.0.txt'] });
  p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: upstream.url } });
  server = await serve(p);
});
afterAll(async () => {
  await server.close();
  await p.close();
  await upstream.close();
});

/** Everything under the storage root, to prove nothing was written outside keys. */
async function storeFiles(): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string, rel: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(path.join(d, e.name), r);
      else out.push(r);
    }
  };
  await walk(p.config.storage.root, '');
  return out.sort();
}

describe('bad input on the socket never reads or writes outside storage', () => {
  it.each(
    [
      '/rsc.io/quote/../../../etc/passwd',
      '/../../etc/passwd',
      '/rsc.io/quote/@v/..%2f..%2f..%2fetc%2fpasswd.info',
      '/rsc.io/quote/%2e%2e/%2e%2e/%2e%2e/etc/passwd/@v/list',
      '/rsc.io/quote/@v/%2E%2E%2Fv1.5.2.zip',
      '/rsc.io%2fquote/@v/list',
      '/rsc.io/Quote/@v/list',
      '/rsc.io/quote/@v/v1.5.2%00.zip',
      '/rsc.io/quote/@v/%ff%fe.info',
      '/rsc.io/quote/@v/%c0%ae%c0%ae.info',
      '/rsc.io\\quote/@v/list',
      '/' + 'a'.repeat(3000) + '.io/@v/list',
      '//etc/passwd',
      '/sumdb/sum.golang.org/lookup/../../etc/passwd',
      '/-/../etc/passwd',
    ].map((t) => [t.length > 80 ? `${t.slice(0, 40)}… (${t.length} bytes)` : t, t]),
  )('%s', async (_name, target) => {
    const before = await storeFiles();
    const res = await rawRequest(server.url, target);
    expect([400, 404]).toContain(res.status);
    expect(res.body).not.toContain('root:');
    if (res.body !== '') {
      expect(res.body.trimEnd().split('\n')).toHaveLength(1);
      expect(parseErrorBody(res.body)).toBeDefined();
    }
    expect(await storeFiles()).toEqual(before);
  });

  it('raw non-ASCII bytes in the request line', async () => {
    const res = await rawRequest(server.url, '/rsc.io/qu\u00f6te/@v/list');
    expect([400, 404]).toContain(res.status);
  });
});

describe('socket adapter', () => {
  it('serves cached immutable files on the fast path with the same headers as the handler', async () => {
    const viaHandler = await p.get('/rsc.io/quote/@v/v1.5.2.zip');
    const body = Buffer.from(await viaHandler.arrayBuffer());
    const res = await fetch(server.url + '/rsc.io/quote/@v/v1.5.2.zip');
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(body)).toBe(true);
    for (const h of ['content-type', 'cache-control', 'etag', 'last-modified', 'content-length', 'accept-ranges'])
      expect(res.headers.get(h), h).toBe(viaHandler.headers.get(h));
    expect(res.headers.get('x-modrescue-cache')).toBe('hit');
    expect(res.headers.get('x-request-id')).toBeTruthy();
    const range = await fetch(server.url + '/rsc.io/quote/@v/v1.5.2.zip', { headers: { Range: 'bytes=5-9' } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).equals(body.subarray(5, 10))).toBe(true);
    const cond = await fetch(server.url + '/rsc.io/quote/@v/v1.5.2.zip', {
      headers: { 'If-None-Match': res.headers.get('etag')! },
    });
    expect(cond.status).toBe(304);
    const fast = p.logs.json().filter((l) => l['fast'] === true);
    expect(fast.length).toBeGreaterThan(0);
  });

  it('small immutable files are served from memory with conditional requests and HEAD', async () => {
    const first = await fetch(server.url + '/rsc.io/quote/@v/v1.5.2.mod');
    const body = await first.text();
    for (let i = 0; i < 3; i++) {
      const again = await fetch(server.url + '/rsc.io/quote/@v/v1.5.2.mod');
      expect(again.status).toBe(200);
      expect(await again.text()).toBe(body);
      expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
      expect(again.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    }
    const ims = await fetch(server.url + '/rsc.io/quote/@v/v1.5.2.mod', {
      headers: { 'If-Modified-Since': first.headers.get('last-modified')! },
    });
    expect(ims.status).toBe(304);
    const inm = await fetch(server.url + '/rsc.io/quote/@v/v1.5.2.mod', {
      headers: { 'If-None-Match': 'W/"x", ' + first.headers.get('etag') },
    });
    expect(inm.status).toBe(304);
    const head = await fetch(server.url + '/rsc.io/quote/@v/v1.5.2.mod', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(Buffer.byteLength(body)));
    expect(await head.text()).toBe('');
  });

  it('misses, lists and operations go through the web handler', async () => {
    const res = await fetch(server.url + '/rsc.io/sampler/@v/list');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('v1.3.0\n');
    const id = 'trace-1234';
    const health = await fetch(server.url + '/-/healthz', { headers: { 'X-Request-Id': id } });
    expect(await health.text()).toBe('ok\n');
    expect(health.headers.get('x-request-id')).toBe(id);
    expect(p.logs.json().some((l) => l['reqId'] === id && l['path'] === '/-/healthz')).toBe(true);
  });

  it('metrics, readiness and the API', async () => {
    await fetch(server.url + '/rsc.io/quote/@v/v1.5.2.mod');
    await fetch(server.url + '/rsc.io/quote/@v/v1.5.2.info');
    const metrics = await (await fetch(server.url + '/-/metrics')).text();
    for (const name of [
      'modrescue_proxy_requests_total',
      'modrescue_proxy_request_duration_seconds',
      'modrescue_proxy_cache_total',
      'modrescue_proxy_upstream_requests_total',
      'modrescue_proxy_upstream_duration_seconds',
      'modrescue_proxy_circuit_state',
      'modrescue_proxy_verification_failures_total',
    ]) {
      expect(metrics).toContain(`# TYPE ${name}`);
    }
    expect(metrics).toMatch(/modrescue_proxy_requests_total\{route="zip",status="200"\} \d+/);
    const ready = await fetch(server.url + '/-/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ schemaVersion: 1, status: 'ready', storage: { writable: true } });
    const mods = (await (await fetch(server.url + '/-/api/modules')).json()) as {
      schemaVersion: number;
      modules: Array<{
        path: string;
        versions: Array<{ version: string; files: Record<string, { size: number }>; lastAccess: string | null }>;
      }>;
    };
    expect(mods.schemaVersion).toBe(1);
    const quote = mods.modules.find((m) => m.path === 'rsc.io/quote')!;
    expect(quote.versions[0]!.version).toBe('v1.5.2');
    expect(Object.keys(quote.versions[0]!.files).sort()).toEqual(['info', 'mod', 'zip']);
    expect(quote.versions[0]!.lastAccess).not.toBeNull();
    const ups = (await (await fetch(server.url + '/-/api/upstreams')).json()) as {
      upstreams: Array<{ url: string; state: string; latencyMs: number }>;
    };
    expect(ups.upstreams).toEqual([expect.objectContaining({ url: upstream.url, state: 'closed' })]);
    expect((await fetch(server.url + '/-/nothing')).status).toBe(404);
  });
});

describe('graceful shutdown', () => {
  it('drains an in-flight download, refuses new requests, then stops', async () => {
    const up = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'] });
    const h = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: up.url } });
    const s = await serve(h);
    try {
      await fetch(s.url + '/rsc.io/quote/@v/v1.5.2.mod');
      up.setFault('rsc.io/quote/@v/v1.5.2.zip', { kind: 'delay', ms: 400 });
      const inflight = fetch(s.url + '/rsc.io/quote/@v/v1.5.2.zip').then(async (r) => [
        r.status,
        (await r.arrayBuffer()).byteLength,
      ]);
      await new Promise((r) => setTimeout(r, 100));
      expect(s.inFlight).toBe(1);
      const closing = s.close();
      const res = await h.get('/rsc.io/quote/@v/list');
      expect(res.status).toBe(503);
      expect(parseErrorBody(await res.text())?.code).toBe('ERR_PROXY_SHUTTING_DOWN');
      const [status, size] = await inflight;
      expect(status).toBe(200);
      expect(size).toBeGreaterThan(0);
      await closing;
      await expect(fetch(s.url + '/-/healthz')).rejects.toThrow();
    } finally {
      await s.close();
      await h.close();
      await up.close();
    }
  });
});

describe('the authorize seam', () => {
  it('sees every request (the fast path is off), and its 401/403 are answered as such', async () => {
    const up = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'] });
    const seen: string[] = [];
    const h = await makeProxy({
      env: { MODRESCUE_PROXY_UPSTREAMS: up.url },
      proxyOptions: {
        authorize: async (request, route) => {
          seen.push(new URL(request.url).pathname);
          const auth = request.headers.get('authorization');
          if (route.kind === 'ops') return;
          const subject = routeSubject(route);
          if (!auth) throw new ProxyError('ERR_PROXY_UNAUTHORIZED', 'credentials required', { subject });
          if (auth !== 'Bearer good') throw new ProxyError('ERR_PROXY_FORBIDDEN', 'token not allowed', { subject });
        },
      },
    });
    const s = await serve(h);
    try {
      const ok = { headers: { Authorization: 'Bearer good' } };
      expect((await fetch(s.url + '/rsc.io/quote/@v/v1.5.2.mod', ok)).status).toBe(200);
      expect((await fetch(s.url + '/rsc.io/quote/@v/v1.5.2.mod', ok)).status).toBe(200);
      const anon = await fetch(s.url + '/rsc.io/quote/@v/v1.5.2.mod');
      expect(anon.status).toBe(401);
      expect(await anon.text()).toBe(
        'unauthorized: rsc.io/quote@v1.5.2.mod: credentials required [ERR_PROXY_UNAUTHORIZED]\n',
      );
      const bad = await fetch(s.url + '/rsc.io/quote/@v/v1.5.2.mod', { headers: { Authorization: 'Bearer bad' } });
      expect(bad.status).toBe(403);
      expect(parseErrorBody(await bad.text())).toMatchObject({
        code: 'ERR_PROXY_FORBIDDEN',
        subject: 'rsc.io/quote@v1.5.2.mod',
      });
      const list = await fetch(s.url + '/rsc.io/quote/@v/list');
      expect(parseErrorBody(await list.text())?.subject).toBe('rsc.io/quote/@v/list');
      const lookup = await fetch(s.url + '/sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2');
      expect(parseErrorBody(await lookup.text())?.subject).toBe('sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2');
      expect(parseErrorBody(await (await fetch(s.url + '/')).text())?.subject).toBe('/');
      expect(seen.filter((x) => x === '/rsc.io/quote/@v/v1.5.2.mod')).toHaveLength(4);
      expect(up.requests.filter((r) => r.path.endsWith('.mod'))).toHaveLength(1);
    } finally {
      await s.close();
      await h.close();
      await up.close();
    }
  });
});
