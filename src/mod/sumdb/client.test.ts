// The checksum-database client and the go command's glue against a real test database
// on 127.0.0.1 (test/support/sumdb.ts): verified lookups, the on-disk layout, cache
// reuse, tampering, forks, HTTP failures, GONOSUMDB/GOSUMDB=off and the GOPROXY walk.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestSumdb, fixtureSum } from '../../../test/support/sumdb.js';
import type { TestSumdb } from '../../../test/support/sumdb.js';
import type { FetchLike } from '../web/types.js';
import { isCodedError } from '../internal/errors.js';
import type { CodedError } from '../internal/errors.js';
import {
  checkSumDB,
  Client,
  createGoClientOps,
  createGoSumdb,
  findCode,
  parseGOSUMDB,
  useSumDB,
  writeConflict,
} from './index.js';
import type { ClientOps, GoSumdb, GoSumdbOptions, ProxyEntry } from './index.js';

const QUOTE = 'rsc.io/quote@v1.5.2';
const SAMPLER = 'rsc.io/sampler@v1.3.0';
const TEXT = 'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c';
const FIXTURES = [QUOTE, SAMPLER, TEXT];

const realFetch: FetchLike = (url, init) => fetch(url, init);

/** A FetchLike that records URLs and fails every request (proves "no network"). */
function deadFetch(seen: string[] = []): FetchLike {
  return (url) => {
    seen.push(url);
    return Promise.reject(new Error('network disabled in this test'));
  };
}

const tmpDirs: string[] = [];
async function tempDirs(): Promise<{ sumdbDir: string; modCacheDir: string; root: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'modrescue-sumdb-'));
  tmpDirs.push(root);
  return {
    root,
    sumdbDir: path.join(root, 'gopath', 'pkg', 'sumdb'),
    modCacheDir: path.join(root, 'gopath', 'pkg', 'mod'),
  };
}
afterAll(async () => {
  for (const d of tmpDirs) await rm(d, { recursive: true, force: true });
});

interface Harness extends GoSumdb {
  securityErrors: string[];
  dirs: { sumdbDir: string; modCacheDir: string; root: string };
}

async function harness(
  db: TestSumdb,
  over: Partial<GoSumdbOptions> & { dirs?: Harness['dirs']; gosumdb?: string } = {},
): Promise<Harness> {
  const dirs = over.dirs ?? (await tempDirs());
  const securityErrors: string[] = [];
  const proxies: readonly ProxyEntry[] = over.proxies ?? [{ url: 'direct', fallBackOnError: false }];
  const sdb = createGoSumdb({
    config: parseGOSUMDB(over.gosumdb ?? db.gosumdb),
    proxies,
    fetch: over.fetch ?? realFetch,
    sumdbDir: dirs.sumdbDir,
    modCacheDir: dirs.modCacheDir,
    timeoutMs: over.timeoutMs ?? 10_000,
    onSecurityError: (m) => securityErrors.push(m),
    ...(over.tileHeight !== undefined ? { tileHeight: over.tileHeight } : {}),
  });
  return { ...sdb, securityErrors, dirs };
}

const lines = (pathAtVersion: string): string[] => {
  const f = fixtureSum(pathAtVersion);
  return [`${f.path} ${f.version} ${f.zipH1}`, `${f.path} ${f.version}/go.mod ${f.goModH1}`];
};

const errorOf = async (p: Promise<unknown>): Promise<Error> => {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
};

describe('Client over the go command ops, against a test database', () => {
  let db: TestSumdb;
  beforeAll(async () => {
    db = await startTestSumdb({ fixtures: FIXTURES });
  });
  afterAll(async () => {
    await db.close();
  });

  it('looks up verified go.sum lines and lays files out as the go command', async () => {
    const h = await harness(db);
    expect(await h.client.lookup('rsc.io/quote', 'v1.5.2')).toEqual(lines(QUOTE));
    expect(await h.client.lookup('rsc.io/quote', 'v1.5.2/go.mod')).toEqual([lines(QUOTE)[1]]);
    const cache = path.join(h.dirs.modCacheDir, 'cache', 'download', 'sumdb', db.name);
    const lookupFile = readFileSync(path.join(cache, 'lookup', 'rsc.io', 'quote@v1.5.2'), 'utf8');
    expect(lookupFile).toMatch(/^0\nrsc\.io\/quote v1\.5\.2 h1:[^]*\n\ngo\.sum database tree\n3\n/);
    expect(existsSync(path.join(cache, 'tile', '8', '0', '000.p', '3'))).toBe(true);
    const latest = readFileSync(path.join(h.dirs.sumdbDir, db.name, 'latest'), 'utf8');
    expect(latest).toMatch(/^go\.sum database tree\n3\n[A-Za-z0-9+/]{43}=\n\n\u2014 localhost\.localdev\/sumdb /);
    expect(h.securityErrors).toEqual([]);
  });

  it('reuses the cache without any network access', async () => {
    const first = await harness(db);
    await first.client.lookup('rsc.io/sampler', 'v1.3.0');
    const seen: string[] = [];
    const second = await harness(db, { dirs: first.dirs, fetch: deadFetch(seen) });
    expect(await second.client.lookup('rsc.io/sampler', 'v1.3.0')).toEqual(lines(SAMPLER));
    expect(await second.client.lookup('rsc.io/sampler', 'v1.3.0/go.mod')).toEqual([lines(SAMPLER)[1]]);
    expect(seen).toEqual([]);
    // A module not in the cache needs the network, which is down here.
    const err = await errorOf(second.client.lookup('rsc.io/quote', 'v1.5.2'));
    expect(err.message).toBe(
      `rsc.io/quote@v1.5.2: Get ${JSON.stringify(db.url + '/lookup/rsc.io/quote@v1.5.2')}: network disabled in this test`,
    );
  });

  it('shares one request between concurrent lookups of a record', async () => {
    const before = db.requests.length;
    const h = await harness(db);
    const results = await Promise.all([
      h.client.lookup('golang.org/x/text', 'v0.0.0-20170915032832-14c0d48ead0c'),
      h.client.lookup('golang.org/x/text', 'v0.0.0-20170915032832-14c0d48ead0c/go.mod'),
      h.client.lookup('golang.org/x/text', 'v0.0.0-20170915032832-14c0d48ead0c'),
    ]);
    expect(results[0]).toEqual(lines(TEXT));
    expect(results[1]).toEqual([lines(TEXT)[1]]);
    const lookups = db.requests.slice(before).filter((r) => r.startsWith('/lookup/'));
    expect(lookups).toEqual(['/lookup/golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c']);
  });

  it('reads tiles of the configured height', async () => {
    const before = db.requests.length;
    const h = await harness(db, { tileHeight: 2 });
    expect(await h.client.lookup('rsc.io/quote', 'v1.5.2')).toEqual(lines(QUOTE));
    const tiles = db.requests.slice(before).filter((r) => r.startsWith('/tile/'));
    expect(tiles.length).toBeGreaterThan(0);
    expect(tiles.every((t) => t.startsWith('/tile/2/'))).toBe(true);
  });

  it('checkSumDB accepts the database hash and reports a mismatch with the go text', async () => {
    const h = await harness(db);
    const f = fixtureSum(QUOTE);
    await checkSumDB(h, { path: 'rsc.io/quote', version: 'v1.5.2' }, f.zipH1);
    await checkSumDB(h, { path: 'rsc.io/quote', version: 'v1.5.2/go.mod' }, f.goModH1!);
    const err = await errorOf(checkSumDB(h, { path: 'rsc.io/quote', version: 'v1.5.2' }, 'h1:AAAA'));
    expect(isCodedError(err, 'ERR_SUMDB_CHECKSUM_MISMATCH')).toBe(true);
    expect(err.message).toBe(
      `rsc.io/quote@v1.5.2: verifying module: checksum mismatch\n\tdownloaded: h1:AAAA\n\tlocalhost.localdev/sumdb: ${f.zipH1}\n\n` +
        'SECURITY ERROR\nThis download does NOT match the one reported by the checksum server.\n' +
        'The bits may have been replaced on the origin server, or an attacker may\nhave intercepted the download attempt.\n\n' +
        "For more information, see 'go help module-auth'.\n",
    );
  });
});

describe('faults', () => {
  let db: TestSumdb;
  afterEach(async () => {
    await db.close();
  });

  it('a 410 for a private path reads as the go command says it', async () => {
    db = await startTestSumdb({ fixtures: FIXTURES });
    db.fail('example.com/private@v1.0.0', {
      status: 410,
      body: 'not found: example.com/private@v1.0.0: invalid version: unknown revision v1.0.0\n',
    });
    const h = await harness(db);
    const err = await errorOf(checkSumDB(h, { path: 'example.com/private', version: 'v1.0.0' }, 'h1:x'));
    expect(err.message).toBe(
      `example.com/private@v1.0.0: verifying module: example.com/private@v1.0.0: reading ${db.url}/lookup/example.com/private@v1.0.0: 410 Gone\n` +
        '\tserver response: not found: example.com/private@v1.0.0: invalid version: unknown revision v1.0.0',
    );
    expect(isCodedError(err, 'ERR_SUMDB_VERIFY')).toBe(true);
    expect((err as unknown as CodedError).fields['reasonCode']).toBe('ERR_SUMDB_STATUS');
    const goMod = await errorOf(checkSumDB(h, { path: 'example.com/private', version: 'v1.0.0/go.mod' }, 'h1:x'));
    expect(goMod.message).toMatch(
      /^example\.com\/private@v1\.0\.0: verifying go\.mod: example\.com\/private@v1\.0\.0\/go\.mod: reading /,
    );
  });

  it('an unknown module gets the server 404 text', async () => {
    db = await startTestSumdb({ fixtures: FIXTURES });
    const h = await harness(db);
    const err = await errorOf(h.client.lookup('example.com/nope', 'v1.0.0'));
    expect(err.message).toBe(
      `example.com/nope@v1.0.0: reading ${db.url}/lookup/example.com/nope@v1.0.0: 404 Not Found\n\tserver response: not found: example.com/nope@v1.0.0`,
    );
  });

  it('a tampered tile is rejected and nothing is cached', async () => {
    db = await startTestSumdb({ fixtures: FIXTURES });
    db.tamper('tile');
    const h = await harness(db);
    const err = await errorOf(h.client.lookup('rsc.io/quote', 'v1.5.2'));
    expect(err.message).toBe('rsc.io/quote@v1.5.2: downloaded inconsistent tile');
    expect(findCode(err, 'ERR_TLOG_INCONSISTENT_TILE')).toBeDefined();
    expect(existsSync(path.join(h.dirs.modCacheDir, 'cache', 'download', 'sumdb', db.name))).toBe(false);
  });

  it('a tampered record is rejected', async () => {
    db = await startTestSumdb({ fixtures: FIXTURES });
    db.tamper('record');
    const h = await harness(db);
    const err = await errorOf(h.client.lookup('rsc.io/sampler', 'v1.3.0'));
    expect(err.message).toBe('rsc.io/sampler@v1.3.0: cannot authenticate record data in server response');
  });

  it('a tree head with a bad signature is rejected', async () => {
    db = await startTestSumdb({ fixtures: FIXTURES });
    db.tamper('note');
    const h = await harness(db);
    const err = await errorOf(h.client.lookup('rsc.io/sampler', 'v1.3.0'));
    expect(err.message).toMatch(
      /^rsc\.io\/sampler@v1\.3\.0: reading tree note: invalid signature for key localhost\.localdev\/sumdb\+00000c67\nnote:\ngo\.sum database tree\n3\n/,
    );
  });

  it('a tree head signed by another key is unverifiable', async () => {
    db = await startTestSumdb({ fixtures: FIXTURES, signerKey: 'generate', name: 'localhost.localdev/sumdb' });
    const other = await startTestSumdb({ fixtures: FIXTURES });
    try {
      const h = await harness(db, { gosumdb: `${other.verifierKey} ${db.url}` });
      const err = await errorOf(h.client.lookup('rsc.io/quote', 'v1.5.2'));
      expect(err.message).toMatch(
        /^rsc\.io\/quote@v1\.5\.2: reading tree note: note has no verifiable signatures\nnote:\n/,
      );
    } finally {
      await other.close();
    }
  });

  it('a forked log is reported as a SECURITY ERROR, also to a later client', async () => {
    db = await startTestSumdb({ fixtures: FIXTURES });
    const h = await harness(db);
    await h.client.lookup('rsc.io/quote', 'v1.5.2');
    const oldLatest = readFileSync(path.join(h.dirs.sumdbDir, db.name, 'latest'), 'utf8');
    await db.setFork();
    const err = await errorOf(h.client.lookup('rsc.io/sampler', 'v1.3.0'));
    expect(err.message).toBe('rsc.io/sampler@v1.3.0: security error: misbehaving server');
    expect((err as unknown as CodedError).fields['reasonCode']).toBe('ERR_SUMDB_SECURITY');
    expect(h.securityErrors).toHaveLength(1);
    const report = h.securityErrors[0]!;
    const forkHead = Buffer.from(await db.log.signed()).toString('utf8');
    const indent = (s: string): string => s.replaceAll('\n', '\n\t');
    expect(report).toMatch(
      new RegExp(
        '^' +
          escapeRe(
            `SECURITY ERROR\ngo.sum database server misbehavior detected!\n\nold database:\n\t${indent(oldLatest)}\nnew database:\n\t${indent(forkHead)}\nproof of misbehavior:\n\t`,
          ) +
          '[A-Za-z0-9+/]{43}=(\n\t[A-Za-z0-9+/]{43}=)+$',
      ),
    );
    // The remembered head did not move to the fork.
    expect(readFileSync(path.join(h.dirs.sumdbDir, db.name, 'latest'), 'utf8')).toBe(oldLatest);

    // A later run with the same files (a new process) finds the same proof.
    const later = await harness(db, { dirs: h.dirs });
    const err2 = await errorOf(later.client.lookup('golang.org/x/text', 'v0.0.0-20170915032832-14c0d48ead0c'));
    expect(err2.message).toBe(
      'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c: security error: misbehaving server',
    );
    expect(later.securityErrors).toEqual([report]);
    // Without the cached tiles (go clean -modcache), the remembered head cannot even be
    // re-checked against the forked server's tiles, as with the go command.
    const cleaned = await harness(db, { dirs: { ...(await tempDirs()), sumdbDir: h.dirs.sumdbDir } });
    const err3 = await errorOf(cleaned.client.lookup('golang.org/x/text', 'v0.0.0-20170915032832-14c0d48ead0c'));
    expect(err3.message).toBe(
      'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c: initializing sumdb.Client: checking tree#3: downloaded inconsistent tile',
    );
  });

  it('a hanging server times out with the go client-timeout text', async () => {
    db = await startTestSumdb({ fixtures: FIXTURES });
    db.hang(true);
    const h = await harness(db, { timeoutMs: 300 });
    const err = await errorOf(h.client.lookup('rsc.io/quote', 'v1.5.2'));
    expect(err.message).toBe(
      `rsc.io/quote@v1.5.2: Get ${JSON.stringify(db.url + '/lookup/rsc.io/quote@v1.5.2')}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    );
    db.hang(false);
  });
});

describe('the latest tree head', () => {
  let db: TestSumdb;
  afterEach(async () => {
    await db.close();
  });

  it('moves forward as the log grows and stays consistent', async () => {
    db = await startTestSumdb({ fixtures: [QUOTE] });
    const h = await harness(db);
    await h.client.lookup('rsc.io/quote', 'v1.5.2');
    const latestFile = path.join(h.dirs.sumdbDir, db.name, 'latest');
    expect(readFileSync(latestFile, 'utf8')).toMatch(/^go\.sum database tree\n1\n/);
    await db.add(SAMPLER, TEXT);
    await h.client.lookup('rsc.io/sampler', 'v1.3.0');
    expect(readFileSync(latestFile, 'utf8')).toMatch(/^go\.sum database tree\n3\n/);
    // An older cached answer (tree of size 1) is still accepted: it is on the timeline.
    const again = await harness(db, { dirs: h.dirs, fetch: deadFetch() });
    expect(await again.client.lookup('rsc.io/quote', 'v1.5.2')).toEqual(lines(QUOTE));
    expect(readFileSync(latestFile, 'utf8')).toMatch(/^go\.sum database tree\n3\n/);
  });

  it('concurrent clients merge their heads through the config compare-and-swap', async () => {
    db = await startTestSumdb({ fixtures: [QUOTE] });
    const dirs = await tempDirs();
    const a = await harness(db, { dirs });
    await a.client.lookup('rsc.io/quote', 'v1.5.2');
    await db.add(SAMPLER);
    const b = await harness(db, { dirs: { ...(await tempDirs()), sumdbDir: dirs.sumdbDir } });
    await db.add(TEXT);
    const c = await harness(db, { dirs: { ...(await tempDirs()), sumdbDir: dirs.sumdbDir } });
    await Promise.all([
      b.client.lookup('rsc.io/sampler', 'v1.3.0'),
      c.client.lookup('golang.org/x/text', 'v0.0.0-20170915032832-14c0d48ead0c'),
      a.client.lookup('rsc.io/sampler', 'v1.3.0'),
    ]);
    expect(readFileSync(path.join(dirs.sumdbDir, db.name, 'latest'), 'utf8')).toMatch(/^go\.sum database tree\n3\n/);
    expect(existsSync(path.join(dirs.sumdbDir, db.name, 'latest.lock'))).toBe(false);
  });

  it('writeConfig is a compare-and-swap', async () => {
    db = await startTestSumdb({ fixtures: [QUOTE] });
    const dirs = await tempDirs();
    const ops = createGoClientOps({
      config: parseGOSUMDB(db.gosumdb),
      proxies: [],
      fetch: deadFetch(),
      sumdbDir: dirs.sumdbDir,
      modCacheDir: dirs.modCacheDir,
    });
    const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s));
    expect(await ops.readConfig('x/latest')).toEqual(new Uint8Array());
    await ops.writeConfig('x/latest', enc(''), enc('one'));
    await ops.writeConfig('x/latest', enc('one'), enc('two'));
    const err = await errorOf(ops.writeConfig('x/latest', enc('one'), enc('three')));
    expect(isCodedError(err, 'ERR_SUMDB_WRITE_CONFLICT')).toBe(true);
    expect(err.message).toBe(writeConflict('x/latest').message);
    expect(Buffer.from(await ops.readConfig('x/latest')).toString()).toBe('two');
    await expect(ops.writeConfig('key', enc(''), enc('k'))).rejects.toThrow('cannot write key');
    expect(Buffer.from(await ops.readConfig('key')).toString()).toBe(db.verifierKey);
    // Empty cache files count as missing; names cannot leave the cache directory.
    await mkdir(path.join(dirs.modCacheDir, 'cache', 'download', 'sumdb', 'x'), { recursive: true });
    await writeFile(path.join(dirs.modCacheDir, 'cache', 'download', 'sumdb', 'x', 'empty'), '');
    await expect(ops.readCache('x/empty')).rejects.toThrow();
    await expect(ops.readCache('../../../escape')).rejects.toThrow('invalid sumdb file name');
    const noGopath = createGoClientOps({
      config: parseGOSUMDB(db.gosumdb),
      proxies: [],
      fetch: deadFetch(),
      sumdbDir: undefined,
      goPathError: 'GOPATH entry is relative; must be absolute path: "x".',
      modCacheDir: dirs.modCacheDir,
    });
    await expect(noGopath.readConfig('x/latest')).rejects.toThrow(
      'could not locate sumdb file: missing $GOPATH: GOPATH entry is relative; must be absolute path: "x".',
    );
  });
});

describe('reaching the database through GOPROXY', () => {
  let db: TestSumdb;
  beforeAll(async () => {
    db = await startTestSumdb({ fixtures: FIXTURES });
  });
  afterAll(async () => {
    await db.close();
  });
  const name = 'localhost.localdev/sumdb';
  /** gosumdb without the URL field: the proxies (or https://<name>) decide. */
  const bare = (): string => db.verifierKey;
  /** fetch that sends the database's own https://<name> URL to the test server. */
  const directFetch: FetchLike = (url, init) =>
    fetch(url.startsWith(`https://${name}/`) ? db.url + url.slice(`https://${name}`.length) : url, init);

  const since = (n: number): string[] => db.requests.slice(n);

  it('uses a proxy that says supported', async () => {
    const n = db.requests.length;
    const h = await harness(db, { gosumdb: bare(), proxies: [{ url: db.proxyURL, fallBackOnError: false }] });
    expect(await h.client.lookup('rsc.io/quote', 'v1.5.2')).toEqual(lines(QUOTE));
    expect(since(n).slice(0, 2)).toEqual([
      `/proxy/sumdb/${name}/supported`,
      `/proxy/sumdb/${name}/lookup/rsc.io/quote@v1.5.2`,
    ]);
  });

  it('falls through a proxy that answers 404 to the next one', async () => {
    const n = db.requests.length;
    const h = await harness(db, {
      gosumdb: bare(),
      proxies: [
        { url: db.noProxyURL, fallBackOnError: false },
        { url: db.proxyURL, fallBackOnError: false },
      ],
    });
    expect(await h.client.lookup('rsc.io/quote', 'v1.5.2')).toEqual(lines(QUOTE));
    expect(since(n).slice(0, 3)).toEqual([
      `/noproxy/sumdb/${name}/supported`,
      `/proxy/sumdb/${name}/supported`,
      `/proxy/sumdb/${name}/lookup/rsc.io/quote@v1.5.2`,
    ]);
  });

  it.each(['direct', 'off'])('goes to https://<name> after 404s and %s', async (last) => {
    const n = db.requests.length;
    const h = await harness(db, {
      gosumdb: bare(),
      fetch: directFetch,
      proxies: [
        { url: db.noProxyURL, fallBackOnError: false },
        { url: last, fallBackOnError: false },
      ],
    });
    expect(await h.client.lookup('rsc.io/sampler', 'v1.3.0')).toEqual(lines(SAMPLER));
    expect(since(n).slice(0, 2)).toEqual([`/noproxy/sumdb/${name}/supported`, '/lookup/rsc.io/sampler@v1.3.0']);
  });

  it('stops at a proxy failure after "," and reports it', async () => {
    const h = await harness(db, {
      gosumdb: bare(),
      fetch: directFetch,
      proxies: [
        { url: db.statusProxyURL(503), fallBackOnError: false },
        { url: db.proxyURL, fallBackOnError: false },
      ],
    });
    const err = await errorOf(checkSumDB(h, { path: 'rsc.io/quote', version: 'v1.5.2' }, 'h1:x'));
    expect(err.message).toBe(
      `rsc.io/quote@v1.5.2: verifying module: rsc.io/quote@v1.5.2: reading ${db.statusProxyURL(503)}/sumdb/${name}/supported: 503 Service Unavailable\n\tserver response: status 503`,
    );
  });

  it('falls back on any error after "|"', async () => {
    const n = db.requests.length;
    const h = await harness(db, {
      gosumdb: bare(),
      proxies: [
        { url: db.statusProxyURL(503), fallBackOnError: true },
        { url: db.proxyURL, fallBackOnError: false },
      ],
    });
    expect(await h.client.lookup('rsc.io/quote', 'v1.5.2')).toEqual(lines(QUOTE));
    expect(since(n)[1]).toBe(`/proxy/sumdb/${name}/supported`);
  });

  it('an explicit GOSUMDB URL bypasses the proxies', async () => {
    const n = db.requests.length;
    const h = await harness(db, { proxies: [{ url: db.statusProxyURL(500), fallBackOnError: false }] });
    await h.client.lookup('rsc.io/quote', 'v1.5.2');
    expect(since(n)[0]).toBe('/lookup/rsc.io/quote@v1.5.2');
  });

  it('GONOSUMDB patterns skip the lookup; GOSUMDB=off disables it', async () => {
    expect(useSumDB('sum.golang.org', 'example.com/private,*.corp', 'example.com/private/x')).toBe(false);
    expect(useSumDB('sum.golang.org', 'example.com/private,*.corp', 'git.corp/y')).toBe(false);
    expect(useSumDB('sum.golang.org', 'example.com/private', 'rsc.io/quote')).toBe(true);
    expect(useSumDB('off', '', 'rsc.io/quote')).toBe(false);
    const n = db.requests.length;
    const dirs = await tempDirs();
    const ops = createGoClientOps({
      config: parseGOSUMDB(db.gosumdb),
      proxies: [],
      fetch: realFetch,
      sumdbDir: dirs.sumdbDir,
      modCacheDir: dirs.modCacheDir,
    });
    const client = new Client(ops, { nosumdb: 'rsc.io' });
    const err = await errorOf(client.lookup('rsc.io/quote', 'v1.5.2'));
    expect(err.message).toBe('skipped (listed in GONOSUMDB)');
    expect(isCodedError(err, 'ERR_SUMDB_GONOSUMDB')).toBe(true);
    expect(since(n)).toEqual([]);
    expect(await client.lookup('golang.org/x/text', 'v0.0.0-20170915032832-14c0d48ead0c')).toEqual(lines(TEXT));
    expect(() => client.setTileHeight(4)).toThrow('SetTileHeight used after Lookup');
  });
});

describe('Client with custom ops', () => {
  it('falls back to the full tile when a partial tile is gone, and caches only the partial one', async () => {
    const { createMemoryLog, createServerHandler } = await import('./index.js');
    const signer = (await import('../../../test/support/sumdb.js')).TEST_SUMDB;
    // The lookup answers from the log at size 5; meanwhile the server grew to 8 records and
    // serves only complete level-0 tiles (as a real log does once a tile fills up).
    const old = createMemoryLog({ signer: signer.signerKey });
    const now = createMemoryLog({ signer: signer.signerKey });
    for (let i = 0; i < 8; i++) {
      const text = `example.com/m${i} v1.0.0 h1:${String(i).repeat(43)}=\n`;
      if (i < 5) await old.add(`example.com/m${i}`, 'v1.0.0', text);
      await now.add(`example.com/m${i}`, 'v1.0.0', text);
    }
    const oldHandler = createServerHandler(old);
    const nowHandler = createServerHandler(now);
    const remote: string[] = [];
    const cache = new Map<string, Uint8Array>();
    let latest: Uint8Array = new Uint8Array();
    const ops: ClientOps = {
      async readRemote(p) {
        remote.push(p);
        if (/^\/tile\/2\/0\/.*\.p\//.test(p)) throw new Error(`404 ${p}`);
        const res = await (p.startsWith('/lookup/') ? oldHandler : nowHandler)(new Request('http://db.test' + p));
        if (res.status !== 200) throw new Error(`${res.status} ${p}`);
        return new Uint8Array(await res.arrayBuffer());
      },
      readConfig: async (f) => (f === 'key' ? new Uint8Array(Buffer.from(signer.verifierKey)) : latest),
      writeConfig: async (_f, _old, n) => {
        latest = n;
      },
      readCache: async (f) => {
        const d = cache.get(f);
        if (!d) throw new Error('miss');
        return d;
      },
      writeCache: async (f, d) => {
        cache.set(f, d);
      },
      log: () => {},
      securityError: () => {},
    };
    const c = new Client(ops, { tileHeight: 2 });
    expect(await c.lookup('example.com/m4', 'v1.0.0')).toEqual([`example.com/m4 v1.0.0 h1:${'4'.repeat(43)}=`]);
    expect(remote).toContain('/tile/2/0/001.p/1');
    expect(remote).toContain('/tile/2/0/001');
    expect([...cache.keys()].filter((k) => k.includes('/tile/')).sort()).toEqual([
      'localhost.localdev/sumdb/tile/2/0/001.p/1',
      'localhost.localdev/sumdb/tile/2/1/000.p/1',
    ]);
  });

  it('reports init failures as x/mod does and keeps them', async () => {
    let reads = 0;
    const ops: ClientOps = {
      readRemote: () => Promise.reject(new Error('no')),
      readConfig: (f) => {
        reads++;
        return Promise.resolve(new Uint8Array(Buffer.from(f === 'key' ? 'not-a-key' : '')));
      },
      writeConfig: () => Promise.resolve(),
      readCache: () => Promise.reject(new Error('miss')),
      writeCache: () => Promise.resolve(),
      log: () => {},
      securityError: () => {},
    };
    const c = new Client(ops);
    const e1 = await errorOf(c.lookup('rsc.io/quote', 'v1.5.2'));
    expect(e1.message).toBe('rsc.io/quote@v1.5.2: initializing sumdb.Client: malformed verifier id');
    const e2 = await errorOf(c.lookup('rsc.io/sampler', 'v1.3.0'));
    expect(e2.message).toBe('rsc.io/sampler@v1.3.0: initializing sumdb.Client: malformed verifier id');
    expect(reads).toBe(1);
    expect(() => new Client(ops, { tileHeight: 0 })).toThrow('invalid call to SetTileHeight');
  });

  it('rejects an invalid module path before any request', async () => {
    const db = await startTestSumdb({ fixtures: [QUOTE] });
    try {
      const h = await harness(db);
      const err = await errorOf(h.client.lookup('Not A Path', 'v1.0.0'));
      expect(err.message).toMatch(/^Not A Path@v1\.0\.0: malformed module path "Not A Path"/);
    } finally {
      await db.close();
    }
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
