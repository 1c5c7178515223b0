// Differential tests against Go 1.19 (the oracle): the go command and our client talk to
// the same test checksum database on 127.0.0.1 (the go command fetches modules from a
// file:// proxy built from the fixtures) and must accept and reject the same things,
// with the same error text, and read each other's on-disk state.
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureProxy, createWorkspace, runGo } from '../../../test/support/go.js';
import type { Workspace } from '../../../test/support/go.js';
import { fixtureSum, startTestSumdb } from '../../../test/support/sumdb.js';
import type { TestSumdb } from '../../../test/support/sumdb.js';
import type { FetchLike } from '../web/types.js';
import { createHttpClient } from '../web/index.js';
import { checkSumDB, createGoSumdb, parseGOSUMDB, useSumDB } from './index.js';
import type { GoSumdb, ProxyEntry } from './index.js';
import { generateKey } from './note/index.js';

const QUOTE = 'rsc.io/quote@v1.5.2';
const SAMPLER = 'rsc.io/sampler@v1.3.0';
const TEXT = 'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c';
const FIXTURES = [QUOTE, SAMPLER, TEXT];
const FIXTURE_FILES = [...FIXTURES, 'rsc.io/QUOTE@v1.5.3-PRE'].map((f) => fixtureSum(f).fixture);

const realFetch: FetchLike = (url, init) => fetch(url, init);
const deadFetch: FetchLike = () => Promise.reject(new Error('network disabled in this test'));

let proxyWs: Workspace;
const workspaces: Workspace[] = [];
const servers: TestSumdb[] = [];

beforeAll(async () => {
  proxyWs = await createWorkspace('modrescue-sumdb-proxy-');
  await buildFixtureProxy(proxyWs.proxyDir, FIXTURE_FILES);
});
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const w of [proxyWs, ...workspaces]) await w.cleanup();
});

/** A scratch go environment using the shared fixture proxy and the given GOSUMDB. */
async function goEnv(gosumdb: string, extra: Record<string, string> = {}) {
  const ws = await createWorkspace('modrescue-sumdb-go-');
  workspaces.push(ws);
  const mod = path.join(ws.dir, 'm');
  mkdirSync(mod);
  writeFileSync(path.join(mod, 'go.mod'), 'module example.com/m\n\ngo 1.19\n');
  const env = {
    ...ws.env,
    GOPROXY: 'file://' + proxyWs.proxyDir,
    GOSUMDB: gosumdb,
    GONOSUMDB: '',
    GOFLAGS: '-mod=mod',
    ...extra,
  };
  const sumdbDir = path.join(ws.gopath, 'pkg', 'sumdb');
  return {
    ws,
    env,
    sumdbDir,
    go: (...args: string[]) => runGo(args, { cwd: mod, env }),
    download: (...mods: string[]) => runGo(['mod', 'download', ...mods], { cwd: mod, env }),
  };
}

async function start(opts: Parameters<typeof startTestSumdb>[0]): Promise<TestSumdb> {
  const db = await startTestSumdb(opts);
  servers.push(db);
  return db;
}

function ours(
  gosumdb: string,
  dirs: { sumdbDir: string; modCacheDir: string },
  fetch: FetchLike = realFetch,
  proxies: readonly ProxyEntry[] = [{ url: 'direct', fallBackOnError: false }],
): GoSumdb & { securityErrors: string[] } {
  const securityErrors: string[] = [];
  const db = createGoSumdb({
    config: parseGOSUMDB(gosumdb),
    proxies,
    fetch,
    sumdbDir: dirs.sumdbDir,
    modCacheDir: dirs.modCacheDir,
    timeoutMs: 10_000,
    onSecurityError: (m) => securityErrors.push(m),
  });
  return { ...db, securityErrors };
}

const mv = (pv: string, goMod = false): { path: string; version: string } => {
  const [p, v] = pv.split('@') as [string, string];
  return { path: p, version: goMod ? `${v}/go.mod` : v };
};

/** ourError runs checkSumDB and returns what the go command would print for its error. */
async function ourError(db: GoSumdb, pv: string, goMod: boolean, h: string): Promise<string> {
  try {
    await checkSumDB(db, mv(pv, goMod), h);
  } catch (e) {
    return `go: ${(e as Error).message}${(e as Error).message.endsWith('\n') ? '' : '\n'}`;
  }
  return '(accepted)';
}

describe('differential: go 1.19 and our client on one test database', () => {
  it('both accept a good database, agree on the hashes, and reuse each other’s files offline', async () => {
    const db = await start({ fixtures: FIXTURES });
    const g = await goEnv(db.gosumdb);
    const r = await g.go('mod', 'download', '-json', QUOTE, SAMPLER);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const infos = r.stdout
      .split(/\n(?=\{)/)
      .map((s) => JSON.parse(s) as { Path: string; Version: string; Sum: string; GoModSum: string });
    expect(infos.map((i) => `${i.Path}@${i.Version}`).sort()).toEqual([QUOTE, SAMPLER].sort());

    // Our client, fresh files: the database agrees with what the go command accepted.
    const fresh = ours(db.gosumdb, await tempDirs());
    for (const i of infos) {
      await checkSumDB(fresh, { path: i.Path, version: i.Version }, i.Sum);
      await checkSumDB(fresh, { path: i.Path, version: `${i.Version}/go.mod` }, i.GoModSum);
    }

    // Our client on the go command's files, with the network off.
    const onGo = ours(db.gosumdb, { sumdbDir: g.sumdbDir, modCacheDir: g.ws.modcache }, deadFetch);
    for (const i of infos) {
      expect(await onGo.client.lookup(i.Path, i.Version)).toEqual([
        `${i.Path} ${i.Version} ${i.Sum}`,
        `${i.Path} ${i.Version}/go.mod ${i.GoModSum}`,
      ]);
    }

    // The go command on our files, with the database unreachable.
    const g2 = await goEnv(`${db.verifierKey} http://127.0.0.1:9`);
    const mine = ours(db.gosumdb, { sumdbDir: g2.sumdbDir, modCacheDir: g2.ws.modcache });
    await checkSumDB(mine, mv(TEXT), fixtureSum(TEXT).zipH1);
    const r2 = await g2.download(TEXT);
    expect(r2.stderr).toBe('');
    expect(r2.code).toBe(0);
  });

  it('both reject a wrong zip hash with the same text', async () => {
    const f = fixtureSum(QUOTE);
    const wrongH1 = fixtureSum(SAMPLER).zipH1;
    const db = await start({ records: [{ path: f.path, version: f.version, h1: wrongH1, goModH1: f.goModH1! }] });
    const g = await goEnv(db.gosumdb);
    const r = await g.download(QUOTE);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('verifying module: checksum mismatch');
    expect(await ourError(ours(db.gosumdb, await tempDirs()), QUOTE, false, f.zipH1)).toBe(r.stderr);
  });

  it('both reject a wrong go.mod hash with the same text (h1:wrong, as cmd/go’s sumdb-wrong)', async () => {
    const db = await start({ fixtures: FIXTURES, wrong: [QUOTE] });
    const g = await goEnv(db.gosumdb);
    const r = await g.download(QUOTE);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^go: rsc\.io\/quote@v1\.5\.2: verifying go\.mod: checksum mismatch\n/);
    expect(r.stderr).toContain('SECURITY ERROR\nThis download does NOT match the one reported by the checksum server.');
    expect(await ourError(ours(db.gosumdb, await tempDirs()), QUOTE, true, fixtureSum(QUOTE).goModH1!)).toBe(r.stderr);
  });

  it('both report a 410 for a private path with the same text', async () => {
    const db = await start({ fixtures: FIXTURES });
    db.fail(SAMPLER, {
      status: 410,
      body: 'not found: rsc.io/sampler@v1.3.0: invalid version: unknown revision v1.3.0\n',
    });
    const g = await goEnv(db.gosumdb);
    const r = await g.download(SAMPLER);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(': 410 Gone\n\tserver response: not found: rsc.io/sampler@v1.3.0');
    expect(await ourError(ours(db.gosumdb, await tempDirs()), SAMPLER, true, fixtureSum(SAMPLER).goModH1!)).toBe(
      r.stderr,
    );
  });

  it('both detect a forked log and print the same SECURITY ERROR', async () => {
    const db = await start({ fixtures: FIXTURES });
    const g = await goEnv(db.gosumdb);
    expect((await g.download(QUOTE)).code).toBe(0);
    // Our client starts from a copy of the go command's files.
    const dirs = await tempDirs();
    cpSync(g.sumdbDir, dirs.sumdbDir, { recursive: true });
    cpSync(
      path.join(g.ws.modcache, 'cache', 'download', 'sumdb'),
      path.join(dirs.modCacheDir, 'cache', 'download', 'sumdb'),
      {
        recursive: true,
      },
    );
    await db.setFork();

    const r = await g.download(SAMPLER);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^SECURITY ERROR\ngo\.sum database server misbehavior detected!\n/);
    const mine = ours(db.gosumdb, dirs);
    await expect(checkSumDB(mine, mv(SAMPLER, true), fixtureSum(SAMPLER).goModH1!)).rejects.toThrow(
      'rsc.io/sampler@v1.3.0: verifying go.mod: rsc.io/sampler@v1.3.0/go.mod: security error: misbehaving server',
    );
    expect(mine.securityErrors).toHaveLength(1);
    expect(mine.securityErrors[0] + '\n').toBe(r.stderr);

    // Without the cached tiles the remembered head cannot be re-checked: same text as go.
    const cleaned = await goEnv(db.gosumdb);
    cpSync(g.sumdbDir, cleaned.sumdbDir, { recursive: true });
    const r2 = await cleaned.download(SAMPLER);
    expect(r2.code).toBe(1);
    const mine2 = ours(db.gosumdb, { ...(await tempDirs()), sumdbDir: dirs.sumdbDir });
    expect(await ourError(mine2, SAMPLER, true, fixtureSum(SAMPLER).goModH1!)).toBe(r2.stderr);
  });

  it('GOSUMDB errors read the same', async () => {
    const values = [
      ' ',
      'a b c',
      'example.com',
      'sum.golang.org :bad',
      'sum.golang.org http://[::1',
      'sum.golang.org http://x:y/',
      generateKey('example.com/').verifierKey,
      generateKey('example.com/a%41').verifierKey,
      generateKey('a?b').verifierKey,
      generateKey('x@y').verifierKey,
    ];
    const g = await goEnv('off');
    expect((await g.download(QUOTE)).code).toBe(0); // the module itself is cached
    for (const v of values) {
      const r = await runGo(['mod', 'download', QUOTE], {
        cwd: path.join(g.ws.dir, 'm'),
        env: { ...g.env, GOSUMDB: v },
      });
      let mine = '(accepted)';
      try {
        parseGOSUMDB(v);
      } catch (e) {
        mine = `go: rsc.io/quote@v1.5.2: verifying go.mod: ${(e as Error).message}\n`;
      }
      expect(mine, JSON.stringify(v)).toBe(r.stderr);
    }
  });

  it('GONOSUMDB and GOSUMDB=off skip the database in both', async () => {
    const dead = `${generateKey('localhost.localdev/sumdb').verifierKey} http://127.0.0.1:9`;
    const cases: Record<string, string>[] = [
      { GONOSUMDB: 'rsc.io' },
      { GOPRIVATE: 'rsc.io/quote', GONOSUMDB: '', GONOPROXY: 'none.example' }, // GOPRIVATE also sets GONOPROXY
      { GOSUMDB: 'off' },
      { GONOSUMDB: 'example.com,rsc.io/quote/v2' }, // does not match: the dead database is asked
    ];
    const skipped: boolean[] = [];
    for (const extra of cases) {
      const g = await goEnv(dead, extra);
      // The go env default: GONOSUMDB, or GOPRIVATE when GONOSUMDB is empty.
      const gonosumdb = extra['GONOSUMDB'] || extra['GOPRIVATE'] || '';
      const r = await g.download(QUOTE);
      const skip = !useSumDB(extra['GOSUMDB'] ?? dead, gonosumdb, 'rsc.io/quote');
      expect(skip, JSON.stringify(extra)).toBe(r.code === 0);
      skipped.push(skip);
    }
    expect(skipped).toEqual([true, true, true, false]);
  });

  it('both read the database through a file:// proxy and report a missing lookup the same way', async () => {
    const db = await start({ fixtures: [...FIXTURES, 'rsc.io/QUOTE@v1.5.3-PRE'] });
    // A file:// proxy that claims to proxy the database but holds none of it (as in
    // cmd/go's mod_sumdb_file_path), in front of the module fixtures.
    const sumproxy = path.join(proxyWs.dir, 'sumproxy');
    mkdirSync(path.join(sumproxy, 'sumdb', db.name), { recursive: true });
    writeFileSync(path.join(sumproxy, 'sumdb', db.name, 'supported'), '');
    const fileFetch = createHttpClient({ retries: 0 });
    try {
      const g = await goEnv(db.verifierKey, { GOPROXY: `file://${sumproxy},file://${proxyWs.proxyDir}` });
      const r = await g.download('rsc.io/QUOTE@v1.5.3-PRE');
      expect(r.code).toBe(1);
      const mine = ours(db.verifierKey, await tempDirs(), fileFetch, [
        { url: `file://${sumproxy}`, fallBackOnError: false },
        { url: `file://${proxyWs.proxyDir}`, fallBackOnError: false },
      ]);
      const f = fixtureSum('rsc.io/QUOTE@v1.5.3-PRE');
      expect(await ourError(mine, 'rsc.io/QUOTE@v1.5.3-PRE', true, f.goModH1!)).toBe(r.stderr);
      // Go escapes "!" in this URL (its Join keeps a stale RawPath), so it also names the file.
      expect(r.stderr).toContain(
        `reading file://${sumproxy}/sumdb/localhost.localdev/sumdb/lookup/rsc.io/%21q%21u%21o%21t%21e@v1.5.3-%21p%21r%21e: open ${sumproxy}/`,
      );

      // Without the supported file the walk falls through to the database's own URL.
      const g2 = await goEnv(`${db.verifierKey} ${db.url}`, { GOPROXY: `file://${proxyWs.proxyDir}` });
      const r2 = await g2.download('rsc.io/QUOTE@v1.5.3-PRE');
      expect([r2.code, r2.stderr]).toEqual([0, '']);
      const direct = ours(`${db.verifierKey} ${db.url}`, await tempDirs(), fileFetch);
      await checkSumDB(direct, mv('rsc.io/QUOTE@v1.5.3-PRE'), f.zipH1);
    } finally {
      await fileFetch.close();
    }
  });

  it('both walk GOPROXY to the same database endpoints', async () => {
    const db = await start({ fixtures: FIXTURES });
    const file = 'file://' + proxyWs.proxyDir;
    const cases: { goproxy: string; proxies: ProxyEntry[] }[] = [
      {
        goproxy: `${db.proxyURL},${file}`,
        proxies: [
          { url: db.proxyURL, fallBackOnError: false },
          { url: file, fallBackOnError: false },
        ],
      },
      {
        goproxy: `${db.noProxyURL},${db.proxyURL},${file}`,
        proxies: [
          { url: db.noProxyURL, fallBackOnError: false },
          { url: db.proxyURL, fallBackOnError: false },
          { url: file, fallBackOnError: false },
        ],
      },
    ];
    for (const c of cases) {
      const sumdbPaths = (from: number): string[] => db.requests.slice(from).filter((p) => p.includes('/sumdb/'));
      const g = await goEnv(db.verifierKey, { GOPROXY: c.goproxy });
      const n0 = db.requests.length;
      const r = await g.download(QUOTE);
      expect(r.stderr).toBe('');
      const goPaths = sumdbPaths(n0);
      const n1 = db.requests.length;
      const mine = ours(db.verifierKey, await tempDirs(), realFetch, c.proxies);
      await checkSumDB(mine, mv(QUOTE, true), fixtureSum(QUOTE).goModH1!);
      await checkSumDB(mine, mv(QUOTE), fixtureSum(QUOTE).zipH1);
      expect(sumdbPaths(n1), c.goproxy).toEqual(goPaths);
    }
    expect(existsSync(proxyWs.proxyDir)).toBe(true);
  });
});

async function tempDirs(): Promise<{ sumdbDir: string; modCacheDir: string }> {
  const ws = await createWorkspace('modrescue-sumdb-ours-');
  workspaces.push(ws);
  return { sumdbDir: path.join(ws.gopath, 'pkg', 'sumdb'), modCacheDir: ws.modcache };
}
