import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type Fault, type TestProxy } from '../../test/support/proxy-server.js';
import { parseErrorBody } from './errors.js';
import { makeProxy, type TestProxyHandle } from './testdata/harness.js';

const FIXTURES = ['rsc.io_quote_v1.5.2.txt', 'rsc.io_sampler_v1.3.0.txt', 'rsc.io_testonly_v1.0.0.txt'];

let upstream: TestProxy;
beforeAll(async () => {
  upstream = await startTestProxy({ fixtures: FIXTURES });
});
afterAll(async () => {
  await upstream.close();
});
afterEach(() => upstream.clearFaults());

const FAST = {
  MODRESCUE_PROXY_UPSTREAM_TIMEOUT: '1s',
  MODRESCUE_PROXY_CONNECT_TIMEOUT: '1s',
};

describe('fault matrix: each fault gives the right status, never a cache entry, and the next good answer is served', () => {
  const cases: Array<[string, string, Fault, number, string]> = [
    ['timeout', 'rsc.io/quote/@v/v1.5.2.zip', { kind: 'hang' }, 504, 'ERR_PROXY_UPSTREAM_TIMEOUT'],
    ['connection reset', 'rsc.io/quote/@v/v1.5.2.zip', { kind: 'reset' }, 502, 'ERR_PROXY_UPSTREAM'],
    ['500', 'rsc.io/quote/@v/v1.5.2.zip', { kind: 'status', status: 500, body: 'boom' }, 502, 'ERR_PROXY_UPSTREAM'],
    [
      '429',
      'rsc.io/quote/@v/v1.5.2.mod',
      { kind: 'status', status: 429, body: 'slow down' },
      502,
      'ERR_PROXY_UPSTREAM',
    ],
    ['truncated body', 'rsc.io/quote/@v/v1.5.2.zip', { kind: 'truncate' }, 502, 'ERR_PROXY_UPSTREAM'],
    [
      'wrong .info',
      'rsc.io/quote/@v/v1.5.2.info',
      { kind: 'wrong-info', version: 'v1.5.3' },
      502,
      'ERR_PROXY_INVALID_INFO',
    ],
    ['HTML instead of a go.mod', 'rsc.io/quote/@v/v1.5.2.mod', { kind: 'html' }, 502, 'ERR_PROXY_UPSTREAM'],
    [
      'not a zip',
      'rsc.io/quote/@v/v1.5.2.zip',
      { kind: 'status', status: 200, body: 'this is not a zip file', contentType: 'application/zip' },
      502,
      'ERR_PROXY_INVALID_ZIP',
    ],
    [
      'slow trickle',
      'rsc.io/quote/@v/v1.5.2.zip',
      { kind: 'trickle', chunkBytes: 64, intervalMs: 100 },
      504,
      'ERR_PROXY_UPSTREAM_TIMEOUT',
    ],
  ];
  it.each(cases)('%s', async (_name, rel, fault, status, code) => {
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: upstream.url, ...FAST } });
    try {
      if (rel.endsWith('.zip')) expect((await p.get('/rsc.io/quote/@v/v1.5.2.mod')).status).toBe(200);
      upstream.setFault(rel, fault);
      const res = await p.get('/' + rel);
      const body = await res.text();
      expect(res.status, body).toBe(status);
      expect(parseErrorBody(body)).toMatchObject({
        code,
        upstream: upstream.url,
        subject: expect.stringContaining('rsc.io/quote@v1.5.2'),
      });
      expect(await p.proxy.storage.stat(rel)).toBeUndefined();
      upstream.clearFaults();
      const ok = await p.get('/' + rel);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('x-modrescue-cache')).toBe('miss');
    } finally {
      await p.close();
    }
  });
});

describe('an upstream serving something that is not a zip', () => {
  it('is refused as an invalid zip (counted as a verification failure), not an outage of the upstream', async () => {
    const p = await makeProxy({
      env: { MODRESCUE_PROXY_UPSTREAMS: upstream.url, MODRESCUE_PROXY_BREAKER_FAILURES: '1', ...FAST },
    });
    try {
      expect((await p.get('/rsc.io/quote/@v/v1.5.2.mod')).status).toBe(200);
      upstream.setFault('rsc.io/quote/@v/v1.5.2.zip', {
        kind: 'status',
        status: 200,
        body: 'PK but not really',
        contentType: 'application/zip',
      });
      for (let i = 0; i < 2; i++) {
        const res = await p.get('/rsc.io/quote/@v/v1.5.2.zip');
        const body = await res.text();
        expect(res.status, body).toBe(502);
        expect(parseErrorBody(body)).toMatchObject({
          kind: 'refused',
          code: 'ERR_PROXY_INVALID_ZIP',
          subject: 'rsc.io/quote@v1.5.2.zip',
          upstream: upstream.url,
          reason: expect.stringMatching(/^invalid zip: .*zip: not a valid zip file$/),
        });
      }
      expect(await p.metric('modrescue_proxy_verification_failures_total', { reason: 'zip-invalid' })).toBe(2);
      expect(p.proxy.chain.upstreams[0]!.state).toBe('closed');
    } finally {
      await p.close();
    }
  });
});

describe('upstream chain semantics', () => {
  let second: TestProxy;
  beforeAll(async () => {
    second = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt', 'rsc.io_testonly_v1.0.0.txt'] });
  });
  afterAll(async () => {
    await second.close();
  });
  afterEach(() => second.clearFaults());

  const run = async (chain: string, fault: Fault, want: { status: number; from?: string }) => {
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: chain, ...FAST } });
    try {
      upstream.setFault('rsc.io/testonly/@v/v1.0.0.mod', fault);
      const res = await p.get('/rsc.io/testonly/@v/v1.0.0.mod');
      const body = await res.text();
      expect(res.status, body).toBe(want.status);
      if (want.from) expect(res.headers.get('x-modrescue-upstream')).toBe(want.from);
      return body;
    } finally {
      await p.close();
    }
  };

  it('"," falls through on 404 and 410', async () => {
    await run(`${upstream.url},${second.url}`, { kind: 'status', status: 404 }, { status: 200, from: second.url });
    await run(`${upstream.url},${second.url}`, { kind: 'status', status: 410 }, { status: 200, from: second.url });
  });
  it('"," stops at any other error', async () => {
    const body = await run(`${upstream.url},${second.url}`, { kind: 'status', status: 500 }, { status: 502 });
    expect(parseErrorBody(body)?.upstream).toBe(upstream.url);
  });
  it('"|" falls through on any error', async () => {
    await run(`${upstream.url}|${second.url}`, { kind: 'status', status: 500 }, { status: 200, from: second.url });
    await run(`${upstream.url}|${second.url}`, { kind: 'reset' }, { status: 200, from: second.url });
  });
  it('not found everywhere is 404 (the last not-found); a real failure wins over a later 404', async () => {
    second.setFault('rsc.io/testonly/@v/v1.0.0.mod', { kind: 'status', status: 410, body: 'gone here' });
    const body = await run(`${upstream.url},${second.url}`, { kind: 'status', status: 404 }, { status: 410 });
    expect(parseErrorBody(body)).toMatchObject({ code: 'ERR_PROXY_NOT_FOUND', upstream: second.url });
    second.setFault('rsc.io/testonly/@v/v1.0.0.mod', { kind: 'status', status: 404 });
    const body2 = await run(`${upstream.url}|${second.url}`, { kind: 'status', status: 503 }, { status: 502 });
    expect(parseErrorBody(body2)).toMatchObject({ code: 'ERR_PROXY_UPSTREAM', upstream: upstream.url });
  });
  it('off ends the chain with not found', async () => {
    const body = await run(`${upstream.url},off`, { kind: 'status', status: 404 }, { status: 404 });
    expect(parseErrorBody(body)).toMatchObject({ upstream: 'off' });
  });
});

describe('outage', () => {
  let p: TestProxyHandle;
  let up: TestProxy;
  beforeAll(async () => {
    up = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt', 'rsc.io_sampler_v1.3.0.txt'] });
    p = await makeProxy({
      env: {
        MODRESCUE_PROXY_UPSTREAMS: up.url,
        MODRESCUE_PROXY_CACHE_LIST_TTL: '0s',
        MODRESCUE_PROXY_CACHE_STALE_WHILE_REVALIDATE: '0s',
        MODRESCUE_PROXY_BREAKER_FAILURES: '2',
        MODRESCUE_PROXY_BREAKER_HALF_OPEN_AFTER: '1h',
        ...FAST,
      },
    });
  });
  afterAll(async () => {
    await p.close();
    await up.close();
  });

  it('serves the warm cache, lists stale, and readiness reports the open circuit', async () => {
    for (const rel of [
      'rsc.io/quote/@v/list',
      'rsc.io/quote/@v/v1.5.2.info',
      'rsc.io/quote/@v/v1.5.2.zip',
      'rsc.io/quote/@latest',
    ]) {
      expect((await p.get('/' + rel)).status, rel).toBe(200);
    }
    const fresh = await p.get('/rsc.io/quote/@v/list');
    expect(fresh.headers.get('x-modrescue-cache')).toBe('miss');
    await up.close();

    const zip = await p.get('/rsc.io/quote/@v/v1.5.2.zip');
    expect(zip.status).toBe(200);
    expect(zip.headers.get('x-modrescue-cache')).toBe('hit');
    const list = await p.get('/rsc.io/quote/@v/list');
    expect(list.status).toBe(200);
    expect(await list.text()).toBe('v1.5.2\n');
    expect(list.headers.get('x-modrescue-cache')).toBe('stale');
    expect(list.headers.get('x-modrescue-stale')).toBe('ERR_PROXY_UPSTREAM');
    expect(list.headers.get('warning')).toContain('Response is Stale');
    expect((await p.get('/rsc.io/quote/@latest')).status).toBe(200);

    // Two failures opened the circuit: later calls fail fast, readiness says so.
    const miss = await p.get('/rsc.io/sampler/@v/v1.3.0.mod');
    expect(miss.status).toBe(503);
    expect(parseErrorBody(await miss.text())).toMatchObject({ code: 'ERR_PROXY_CIRCUIT_OPEN', upstream: up.url });
    const ready = await p.get('/-/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'degraded', upstreams: [{ url: up.url, state: 'open' }] });
    expect(await p.metric('modrescue_proxy_circuit_state', { upstream: up.url })).toBe(1);
    expect(await p.metric('modrescue_proxy_cache_total', { result: 'stale' })).toBeGreaterThanOrEqual(2);
    const api = (await (await p.get('/-/api/upstreams')).json()) as {
      upstreams: Array<{ state: string; recentErrors: unknown[] }>;
    };
    expect(api.upstreams[0]!.state).toBe('open');
    expect(api.upstreams[0]!.recentErrors.length).toBeGreaterThan(0);
  });
});

describe('circuit breaker recovery', () => {
  it('half-opens after the break and closes on a successful probe', async () => {
    const up = await startTestProxy({ fixtures: ['rsc.io_testonly_v1.0.0.txt'] });
    const p = await makeProxy({
      env: {
        MODRESCUE_PROXY_UPSTREAMS: up.url,
        MODRESCUE_PROXY_BREAKER_FAILURES: '1',
        MODRESCUE_PROXY_BREAKER_HALF_OPEN_AFTER: '200ms',
      },
    });
    try {
      up.setFault('rsc.io/testonly/@v/v1.0.0.mod', { kind: 'status', status: 503 }, 1);
      expect((await p.get('/rsc.io/testonly/@v/v1.0.0.mod')).status).toBe(502);
      expect(p.proxy.chain.upstreams[0]!.state).toBe('open');
      expect((await p.get('/rsc.io/testonly/@v/v1.0.0.mod')).status).toBe(503);
      await new Promise((r) => setTimeout(r, 300));
      expect((await p.get('/rsc.io/testonly/@v/v1.0.0.mod')).status).toBe(200);
      expect(p.proxy.chain.upstreams[0]!.state).toBe('closed');
      expect(await p.metric('modrescue_proxy_circuit_state', { upstream: up.url })).toBe(0);
    } finally {
      await p.close();
      await up.close();
    }
  });
  it('404s never open the circuit', async () => {
    const up = await startTestProxy({ fixtures: ['rsc.io_testonly_v1.0.0.txt'] });
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: up.url, MODRESCUE_PROXY_BREAKER_FAILURES: '1' } });
    try {
      for (let i = 0; i < 3; i++) expect((await p.get(`/example.com/missing${i}/@v/list`)).status).toBe(404);
      expect(p.proxy.chain.upstreams[0]!.state).toBe('closed');
    } finally {
      await p.close();
      await up.close();
    }
  });
});

describe('offline', () => {
  it('serves only from the cache (config or Disable-Module-Fetch header)', async () => {
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: upstream.url } });
    try {
      expect((await p.get('/rsc.io/quote/@v/v1.5.2.mod')).status).toBe(200);
      const before = upstream.requests.length;
      const headers = { 'Disable-Module-Fetch': 'true' };
      expect((await p.get('/rsc.io/quote/@v/v1.5.2.mod', { headers })).status).toBe(200);
      const miss = await p.get('/rsc.io/quote/@v/v1.5.2.zip', { headers });
      expect(miss.status).toBe(404);
      expect(parseErrorBody(await miss.text())?.code).toBe('ERR_PROXY_NOT_CACHED');
      expect(upstream.requests.length).toBe(before);
    } finally {
      await p.close();
    }
  });
});

describe('upstream credentials', () => {
  it('sends configured headers and URL credentials to the upstream, and never prints them', async () => {
    const up = await startTestProxy({
      fixtures: ['rsc.io_testonly_v1.0.0.txt'],
      faults: [{ pattern: '*', fault: { kind: 'auth', user: 'ci', password: 's3cr3t-pw' } }],
    });
    const basic = 'Basic ' + Buffer.from('ci:s3cr3t-pw').toString('base64');
    const viaHeader = await makeProxy({
      file: `upstreams:\n  - url: ${up.url}\n    headers: { Authorization: "${basic}" }\nsumdb: "off"\n`,
    });
    const viaUrl = await makeProxy({
      env: { MODRESCUE_PROXY_UPSTREAMS: up.url.replace('http://', 'http://ci:s3cr3t-pw@') },
    });
    const without = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: up.url } });
    try {
      expect((await viaHeader.get('/rsc.io/testonly/@v/v1.0.0.mod')).status).toBe(200);
      expect(up.requests.at(-1)?.authorization).toBe(basic);
      const denied = await without.get('/rsc.io/testonly/@v/v1.0.0.mod');
      expect(denied.status).toBe(502);
      expect(parseErrorBody(await denied.text())?.reason).toContain('401 Unauthorized');
      const res = await viaUrl.get('/rsc.io/testonly/@v/v1.0.0.info');
      const body = await res.text();
      expect(res.status, body).toBe(200);
      expect(up.requests.at(-1)?.authorization).toBe(basic);
      for (const p of [viaHeader, viaUrl, without]) {
        const all = p.logs.lines.join('\n') + JSON.stringify(await (await p.get('/-/api/upstreams')).json());
        expect(all).not.toContain('s3cr3t-pw');
        expect(all).not.toContain(basic.slice(6));
      }
    } finally {
      await viaHeader.close();
      await viaUrl.close();
      await without.close();
      await up.close();
    }
  });
});
