import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { startTestProxy, type TestProxy } from '../../test/support/proxy-server.js';
import { parseErrorBody } from './errors.js';
import { parseMetricValue } from './metrics.js';
import { createMemoryStorage } from './storage/memory.js';
import type { Storage } from './storage/types.js';
import { makeProxy, serve, type TestProxyHandle } from './testdata/harness.js';

const FIXTURES = [
  'rsc.io_quote_v1.5.2.txt',
  'rsc.io_sampler_v1.3.0.txt',
  'rsc.io_sampler_v1.3.1.txt',
  'golang.org_x_text_v0.0.0-20170915032832-14c0d48ead0c.txt',
  'example.com_retract_v1.0.0-good.txt',
];

let upstream: TestProxy;
beforeAll(async () => {
  upstream = await startTestProxy({ fixtures: FIXTURES });
});
afterAll(async () => {
  await upstream.close();
});

const upstreamFile = (rel: string) => readFile(path.join(upstream.root, rel));
const zipRequests = (rel: string) => upstream.requests.filter((r) => r.path === rel).length;

describe('protocol', () => {
  let p: TestProxyHandle;
  beforeAll(async () => {
    p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: upstream.url } });
  });
  afterAll(async () => {
    await p.close();
  });

  it.each([
    ['rsc.io/quote/@v/list', 'text/plain; charset=utf-8'],
    ['rsc.io/quote/@v/v1.5.2.info', 'application/json'],
    ['rsc.io/quote/@v/v1.5.2.mod', 'text/plain; charset=utf-8'],
    ['rsc.io/quote/@v/v1.5.2.zip', 'application/zip'],
    ['rsc.io/sampler/@v/v1.3.0.zip', 'application/zip'],
  ])('serves %s as the upstream has it, then from the cache', async (rel, type) => {
    const first = await p.get('/' + rel);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe(type);
    expect(first.headers.get('x-modrescue-cache')).toBe('miss');
    expect(first.headers.get('x-modrescue-upstream')).toBe(upstream.url);
    const body = Buffer.from(await first.arrayBuffer());
    if (rel.endsWith('.info')) {
      expect(JSON.parse(body.toString())).toEqual(JSON.parse((await upstreamFile(rel)).toString()));
    } else {
      expect(body.equals(await upstreamFile(rel))).toBe(true);
    }
    const before = upstream.requests.length;
    const second = await p.get('/' + rel);
    expect(second.status).toBe(200);
    expect(Buffer.from(await second.arrayBuffer()).equals(body)).toBe(true);
    if (!rel.endsWith('/list')) {
      expect(second.headers.get('x-modrescue-cache')).toBe('hit');
      expect(second.headers.get('cache-control')).toBe('public, max-age=604800, immutable');
      expect(upstream.requests.length).toBe(before);
    }
  });

  it('answers conditional and range requests for zips', async () => {
    const full = await p.get('/rsc.io/quote/@v/v1.5.2.zip');
    const etag = full.headers.get('etag')!;
    const size = Number(full.headers.get('content-length'));
    const bytes = Buffer.from(await full.arrayBuffer());
    expect(bytes.length).toBe(size);
    expect(full.headers.get('accept-ranges')).toBe('bytes');
    const notModified = await p.get('/rsc.io/quote/@v/v1.5.2.zip', { headers: { 'If-None-Match': etag } });
    expect(notModified.status).toBe(304);
    const ims = await p.get('/rsc.io/quote/@v/v1.5.2.zip', {
      headers: { 'If-Modified-Since': full.headers.get('last-modified')! },
    });
    expect(ims.status).toBe(304);
    const range = await p.get('/rsc.io/quote/@v/v1.5.2.zip', { headers: { Range: 'bytes=10-19' } });
    expect(range.status).toBe(206);
    expect(range.headers.get('content-range')).toBe(`bytes 10-19/${size}`);
    expect(Buffer.from(await range.arrayBuffer()).equals(bytes.subarray(10, 20))).toBe(true);
    const tail = await p.get('/rsc.io/quote/@v/v1.5.2.zip', { headers: { Range: 'bytes=-5' } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(size - 5))).toBe(true);
    const bad = await p.get('/rsc.io/quote/@v/v1.5.2.zip', { headers: { Range: `bytes=${size + 10}-` } });
    expect(bad.status).toBe(416);
    expect(bad.headers.get('content-range')).toBe(`bytes */${size}`);
    const stale = await p.get('/rsc.io/quote/@v/v1.5.2.zip', {
      headers: { Range: 'bytes=0-3', 'If-Range': '"other"' },
    });
    expect(stale.status).toBe(200);
    await stale.arrayBuffer();
    const head = await p.get('/rsc.io/quote/@v/v1.5.2.zip', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(size));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
  });

  it('404 for what no upstream has, with a one-line body naming the upstream', async () => {
    const res = await p.get('/rsc.io/quote/@v/v9.9.9.info');
    expect(res.status).toBe(404);
    const body = await res.text();
    expect(body.endsWith('\n') && body.trimEnd().split('\n')).toHaveLength(1);
    expect(parseErrorBody(body)).toMatchObject({
      kind: 'not found',
      code: 'ERR_PROXY_NOT_FOUND',
      subject: 'rsc.io/quote@v9.9.9.info',
      upstream: upstream.url,
    });
    expect(await p.get('/example.com/nothing/@v/list').then((r) => r.status)).toBe(404);
  });

  it('400 for bad paths and versions, 405 for other methods', async () => {
    for (const bad of ['/rsc.io/Quote/@v/list', '/rsc.io/quote/@v/v1.5.zip', '/rsc.io/quote/@v/%ff.info']) {
      const res = await p.get(bad);
      expect(res.status, bad).toBe(400);
      expect(parseErrorBody(await res.text())?.code).toBe('ERR_PROXY_BAD_PATH');
    }
    const post = await p.get('/rsc.io/quote/@v/list', { method: 'POST', body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('404 (a bad request, said in the body) for a well-formed path whose module path is not valid', async () => {
    // As proxy.golang.org answers: a GOPROXY with a path prefix (`/goproxy/rsc.io/quote/…`)
    // reads as such a module path, and only 404/410 let a ',' list try its next entry.
    for (const bad of ['/quote/@v/list', '/goproxy/rsc.io/quote/@v/v1.5.2.info', '/-x.io/y/@latest']) {
      const res = await p.get(bad);
      expect(res.status, bad).toBe(404);
      expect(parseErrorBody(await res.text())).toMatchObject({
        kind: 'bad request',
        code: 'ERR_PROXY_BAD_PATH',
        subject: bad,
        reason: expect.stringMatching(/^invalid escaped module path ".*": malformed module path/),
      });
    }
  });

  it('an unexpected failure answers 500 with one "internal error", naming what was asked', async () => {
    const mem = createMemoryStorage();
    const storage: Storage = Object.assign(Object.create(mem) as Storage, {
      stat: (key: string) =>
        key.startsWith('rsc.io/') ? Promise.reject(new TypeError('boom: disk on fire')) : mem.stat(key),
    });
    const broken = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: upstream.url }, proxyOptions: { storage } });
    try {
      const res = await broken.get('/rsc.io/quote/@v/v1.5.2.mod');
      expect(res.status).toBe(500);
      expect(await res.text()).toBe(
        'internal error: rsc.io/quote@v1.5.2.mod: boom: disk on fire [ERR_PROXY_STORAGE]\n',
      );
    } finally {
      await broken.close();
    }
  });

  it('an .info for a version the path does not allow is answered but not immutable', async () => {
    const res = await p.get('/rsc.io/quote/@v/v2.0.0.info');
    expect(res.status).toBe(404);
    expect((await p.get('/rsc.io/quote/@v/v2.0.0.zip')).status).toBe(404);
  });
});

describe('concurrency', () => {
  it('200 concurrent requests for one uncached zip cause exactly one upstream fetch', async () => {
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: upstream.url } });
    try {
      // The go command fetches the .mod first; warm it so only the zip is fetched below.
      expect((await p.get('/rsc.io/sampler/@v/v1.3.1.mod')).status).toBe(200);
      const before = await p.metric('modrescue_proxy_upstream_requests_total', { upstream: upstream.url });
      const zipsBefore = zipRequests('rsc.io/sampler/@v/v1.3.1.zip');
      const all = await Promise.all(
        Array.from({ length: 200 }, () =>
          p.get('/rsc.io/sampler/@v/v1.3.1.zip').then(async (r) => [r.status, (await r.arrayBuffer()).byteLength]),
        ),
      );
      const want = (await upstreamFile('rsc.io/sampler/@v/v1.3.1.zip')).length;
      expect(all.every(([s, n]) => s === 200 && n === want)).toBe(true);
      const after = await p.metric('modrescue_proxy_upstream_requests_total', { upstream: upstream.url });
      expect(after - before).toBe(1);
      expect(zipRequests('rsc.io/sampler/@v/v1.3.1.zip') - zipsBefore).toBe(1);
    } finally {
      await p.close();
    }
  });

  it('the same over a socket: 200 concurrent HTTP clients, one upstream fetch (from /-/metrics)', async () => {
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: upstream.url, MODRESCUE_PROXY_LOG_LEVEL: 'warn' } });
    const s = await serve(p);
    try {
      expect((await fetch(s.url + '/golang.org/x/text/@v/v0.0.0-20170915032832-14c0d48ead0c.mod')).status).toBe(200);
      const metric = async () =>
        parseMetricValue(await (await fetch(s.url + '/-/metrics')).text(), 'modrescue_proxy_upstream_requests_total', {
          upstream: upstream.url,
        });
      const before = await metric();
      const rel = '/golang.org/x/text/@v/v0.0.0-20170915032832-14c0d48ead0c.zip';
      const want = await upstreamFile(rel.slice(1));
      const all = await Promise.all(
        Array.from({ length: 200 }, () =>
          fetch(s.url + rel).then(async (r) => r.status === 200 && Buffer.from(await r.arrayBuffer()).equals(want)),
        ),
      );
      expect(all.every(Boolean)).toBe(true);
      expect((await metric()) - before).toBe(1);
      expect(zipRequests(rel.slice(1))).toBe(1);
    } finally {
      await s.close();
      await p.close();
    }
  });
});
