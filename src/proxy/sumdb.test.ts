import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from '../../test/support/proxy-server.js';
import { startTestSumdb, type TestSumdb } from '../../test/support/sumdb.js';
import { parseErrorBody } from './errors.js';
import { makeProxy } from './testdata/harness.js';

const FIXTURES = [
  'rsc.io_quote_v1.5.2.txt',
  'rsc.io_sampler_v1.3.0.txt',
  'golang.org_x_text_v0.0.0-20170915032832-14c0d48ead0c.txt',
];
const MODS = ['rsc.io/quote@v1.5.2', 'rsc.io/sampler@v1.3.0', 'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c'];

let upstream: TestProxy;
beforeAll(async () => {
  upstream = await startTestProxy({ fixtures: FIXTURES });
});
afterAll(async () => {
  await upstream.close();
});

describe('verification against the checksum database', () => {
  let db: TestSumdb;
  beforeAll(async () => {
    db = await startTestSumdb({ fixtures: MODS });
  });
  afterAll(async () => {
    await db.close();
  });

  it('stores what the database vouches for and serves the verified lookup, tiles and tree head', async () => {
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: upstream.url, MODRESCUE_PROXY_SUMDB: db.gosumdb } });
    try {
      for (const rel of ['rsc.io/quote/@v/v1.5.2.mod', 'rsc.io/quote/@v/v1.5.2.zip']) {
        const res = await p.get('/' + rel);
        expect(res.status, await res.clone().text()).toBe(200);
      }
      const supported = await p.get(`/sumdb/${db.name}/supported`);
      expect(supported.status).toBe(200);
      expect((await p.get('/sumdb/sum.example.org/supported')).status).toBe(404);
      // The lookup made during verification was cached: no new database request.
      const before = db.requests.length;
      const lookup = await p.get(`/sumdb/${db.name}/lookup/rsc.io/quote@v1.5.2`);
      expect(lookup.status).toBe(200);
      expect(lookup.headers.get('x-modrescue-cache')).toBe('hit');
      const text = await lookup.text();
      expect(text).toContain('rsc.io/quote v1.5.2 h1:');
      expect(text).toContain(`\u2014 ${db.name} `);
      expect(db.requests.length).toBe(before);
      const latest = await p.get(`/sumdb/${db.name}/latest`);
      expect(latest.status).toBe(200);
      expect(await latest.text()).toMatch(/^go\.sum database tree\n\d+\n/);
      const tiles = await p.proxy.storage.stat(`sumdb/${db.name}/tile/8/0/000.p/3`);
      expect(tiles).toBeDefined();
      const tile = await p.get(`/sumdb/${db.name}/tile/8/0/000.p/3`);
      expect(tile.status).toBe(200);
      expect((await tile.arrayBuffer()).byteLength).toBe(3 * 32);
      // A lookup not yet cached is fetched, verified and cached.
      const other = await p.get(`/sumdb/${db.name}/lookup/rsc.io/sampler@v1.3.0`);
      expect(other.status).toBe(200);
      expect(other.headers.get('x-modrescue-cache')).toBe('miss');
      const missing = await p.get(`/sumdb/${db.name}/lookup/example.com/nothing@v1.0.0`);
      expect(missing.status).toBe(404);
    } finally {
      await p.close();
    }
  });

  it('serves cached lookups, tiles and a stale tree head while the database is down', async () => {
    const down = await startTestSumdb({ fixtures: MODS });
    const p = await makeProxy({
      env: {
        MODRESCUE_PROXY_UPSTREAMS: upstream.url,
        MODRESCUE_PROXY_SUMDB: down.gosumdb,
        MODRESCUE_PROXY_CACHE_SUMDB_LATEST_TTL: '0s',
        MODRESCUE_PROXY_UPSTREAM_TIMEOUT: '500ms',
      },
    });
    try {
      expect((await p.get('/rsc.io/quote/@v/v1.5.2.mod')).status).toBe(200);
      expect((await p.get(`/sumdb/${down.name}/latest`)).status).toBe(200);
      await down.close();
      expect((await p.get(`/sumdb/${down.name}/lookup/rsc.io/quote@v1.5.2`)).status).toBe(200);
      const latest = await p.get(`/sumdb/${down.name}/latest`);
      expect(latest.status).toBe(200);
      expect(latest.headers.get('x-modrescue-cache')).toBe('stale');
      // Not verifiable now: refused, not cached.
      const zip = await p.get('/rsc.io/sampler/@v/v1.3.0.mod');
      expect(zip.status).toBe(502);
      expect(parseErrorBody(await zip.text())?.code).toBe('ERR_PROXY_SUMDB_UNAVAILABLE');
      expect(await p.proxy.storage.stat('rsc.io/sampler/@v/v1.3.0.mod')).toBeUndefined();
    } finally {
      await p.close();
    }
  });

  it('reaches the database through an upstream that proxies it, as the go command does', async () => {
    const p = await makeProxy({
      env: {
        MODRESCUE_PROXY_UPSTREAMS: `${db.noProxyURL},${db.proxyURL},${upstream.url}`,
        MODRESCUE_PROXY_SUMDB: db.verifierKey,
      },
    });
    try {
      const res = await p.get('/rsc.io/sampler/@v/v1.3.0.mod');
      expect(res.status, await res.clone().text()).toBe(200);
      expect(res.headers.get('x-modrescue-upstream')).toBe(upstream.url);
      expect(p.proxy.sumdbs.primary!.baseUrl).toBe(`${db.proxyURL}/sumdb/${db.name}`);
    } finally {
      await p.close();
    }
  });
});

describe('poisoning', () => {
  it('a zip and go.mod the database does not vouch for are refused and nothing is cached', async () => {
    const db = await startTestSumdb({ fixtures: MODS, wrong: ['rsc.io/quote@v1.5.2'] });
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: upstream.url, MODRESCUE_PROXY_SUMDB: db.gosumdb } });
    try {
      for (const ext of ['mod', 'zip']) {
        const res = await p.get(`/rsc.io/quote/@v/v1.5.2.${ext}`);
        expect(res.status).toBe(502);
        const body = await res.text();
        expect(parseErrorBody(body)).toMatchObject({
          kind: 'refused',
          code: 'ERR_PROXY_CHECKSUM_MISMATCH',
          upstream: upstream.url,
          subject: `rsc.io/quote@v1.5.2.${ext}`,
        });
        expect(body).toContain(`checksum database ${db.name} has h1:wrong`);
      }
      expect(await p.proxy.storage.stat('rsc.io/quote/@v/v1.5.2.mod')).toBeUndefined();
      expect(await p.proxy.storage.stat('rsc.io/quote/@v/v1.5.2.zip')).toBeUndefined();
      expect(
        await p.metric('modrescue_proxy_verification_failures_total', { reason: 'checksum-mismatch' }),
      ).toBeGreaterThanOrEqual(2);
      // Other modules are unaffected.
      expect((await p.get('/rsc.io/sampler/@v/v1.3.0.zip')).status).toBe(200);
    } finally {
      await p.close();
      await db.close();
    }
  });

  it('GONOSUMDB/GOPRIVATE patterns skip the database', async () => {
    const db = await startTestSumdb({ fixtures: MODS, wrong: ['*'] });
    const p = await makeProxy({
      env: {
        MODRESCUE_PROXY_UPSTREAMS: upstream.url,
        MODRESCUE_PROXY_SUMDB: db.gosumdb,
        MODRESCUE_PROXY_GOPRIVATE: 'rsc.io/quote',
      },
    });
    try {
      expect((await p.get('/rsc.io/quote/@v/v1.5.2.zip')).status).toBe(200);
      expect((await p.get('/rsc.io/sampler/@v/v1.3.0.mod')).status).toBe(502);
    } finally {
      await p.close();
      await db.close();
    }
  });

  it('a tree head with a bad signature is refused', async () => {
    const db = await startTestSumdb({ fixtures: MODS });
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: upstream.url, MODRESCUE_PROXY_SUMDB: db.gosumdb } });
    try {
      db.tamper('note');
      const res = await p.get(`/sumdb/${db.name}/latest`);
      expect(res.status).toBe(502);
      expect(parseErrorBody(await res.text())?.code).toBe('ERR_PROXY_CHECKSUM_MISMATCH');
      expect(await p.proxy.storage.stat(`sumdb/${db.name}/latest`)).toBeUndefined();
    } finally {
      await p.close();
      await db.close();
    }
  });
});
