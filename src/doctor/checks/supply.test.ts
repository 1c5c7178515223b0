// sumdb-reachable and gosum-verified against a real checksum database on loopback (test
// key, tlog-verified) and a real proxy: a database reached through a proxy, a forked
// log, a failing or hanging database, a wrong key; a database, a proxy, a go.sum and a
// module cache that disagree — each side named, and the hashes compared with what Go
// 1.19 itself downloads.
import { createWriteStream } from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDoctorWorld, goSumFor, QUOTE_MODULES, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { fixture } from '../../../test/support/fixtures.js';
import { fixtureSum, startTestSumdb } from '../../../test/support/sumdb.js';
import { runGo } from '../../../test/support/go.js';
import { writeZip } from '../../mod/zip/archive.js';
import { runDoctor, type CheckId, type CheckResult, type DoctorOptions } from '../index.js';

let worlds: DoctorWorld[] = [];
afterEach(async () => {
  for (const w of worlds) await w.close();
  worlds = [];
});

async function world(options: Parameters<typeof createDoctorWorld>[0] = {}): Promise<DoctorWorld> {
  const w = await createDoctorWorld(options);
  worlds.push(w);
  return w;
}

async function check(w: DoctorWorld, id: CheckId, extra: Partial<DoctorOptions> = {}): Promise<CheckResult> {
  const report = await runDoctor(await w.options({ probeTimeoutMs: 2_000, ...extra, only: [id] }));
  return report.checks[0]!;
}

const text = (r: CheckResult) => [r.summary, ...r.details].join('\n');

/** serveOtherZip makes the proxy serve a different zip for rsc.io/quote@v1.5.2 (same names, one file changed). */
async function serveOtherZip(w: DoctorWorld): Promise<void> {
  const f = fixture('rsc.io/quote@v1.5.2');
  const entries = f.zipEntries.map((e) =>
    e.name.endsWith('/quote.go') ? { name: e.name, data: Buffer.concat([e.data, Buffer.from('\n// changed\n')]) } : e,
  );
  await writeZip(createWriteStream(path.join(w.proxy.root, 'rsc.io', 'quote', '@v', 'v1.5.2.zip')), entries);
}

/** downloadedHash runs Go 1.19's `go mod download` with a fresh cache and returns the "downloaded:" hash of its mismatch error. */
async function goDownloadedHash(w: DoctorWorld): Promise<{ stderr: string; downloaded: string | undefined }> {
  const env = { ...w.env, GOMODCACHE: path.join(w.dir, 'fresh-cache'), GOFLAGS: '-mod=mod' };
  const r = await runGo(['mod', 'download', 'rsc.io/quote'], { cwd: w.project, env });
  return { stderr: r.stderr, downloaded: /downloaded: (h1:\S+)/.exec(r.stderr)?.[1] };
}

describe('sumdb-reachable', () => {
  it('reaches the database through a proxy that says /sumdb/<name>/supported', async () => {
    const w = await world();
    const db = w.sumdb!;
    w.env = { ...w.env, GOPROXY: `${db.proxyURL},${w.proxy.url}`, GOSUMDB: db.verifierKey };
    const r = await check(w, 'sumdb-reachable');
    expect(r.status, text(r)).toBe('pass');
    expect(r.summary).toContain(
      `localhost.localdev/sumdb answers via the proxy ${db.proxyURL}/sumdb/localhost.localdev/sumdb`,
    );
    expect(text(r)).toMatch(/record proven in the signed tree/);
  });

  it('a proxy that fails /sumdb/<name>/supported with "," cuts the database off', async () => {
    const w = await world();
    const db = w.sumdb!;
    w.env = { ...w.env, GOPROXY: `${db.statusProxyURL(500)},${w.proxy.url}`, GOSUMDB: db.verifierKey };
    const r = await check(w, 'sumdb-reachable');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('does not answer');
    expect(r.summary).toContain('500 Internal Server Error');
    expect(r.fix?.action).toBe('proxy');
  });

  it('a hanging database fails within the probe timeout', async () => {
    const w = await world();
    w.sumdb!.hang(true);
    const r = await check(w, 'sumdb-reachable', { probeTimeoutMs: 800 });
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/does not answer: .*(timeout|deadline|Timeout)/);
  });

  it('a tree head signed by another key', async () => {
    const w = await world();
    const other = await startTestSumdb({ fixtures: QUOTE_MODULES, signerKey: 'generate' });
    try {
      w.env = { ...w.env, GOSUMDB: `${w.sumdb!.verifierKey} ${other.url}` };
      const r = await check(w, 'sumdb-reachable');
      expect(r.status).toBe('fail');
      expect(r.summary).toMatch(/does not verify with GOSUMDB's key .*: .*(signature|verifiable)/);
    } finally {
      await other.close();
    }
  });

  it('a forked log after the go command saw the original: SECURITY ERROR', async () => {
    const w = await world({ files: { 'go.sum': null } });
    // The go command itself records the tree head it saw in $GOPATH/pkg/sumdb.
    const dl = await w.fillCache();
    expect(dl.code, dl.stderr).toBe(0);
    await w.sumdb!.setFork();
    await w.write({ 'go.sum': goSumFor(QUOTE_MODULES) });
    const r = await check(w, 'sumdb-reachable');
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^SECURITY ERROR: .* the checksum database log has forked/);
    expect(r.fix?.command).toBe('go help module-auth');
  });
});

describe('gosum-verified', () => {
  it('the checksum database disagrees with go.sum and the proxy', async () => {
    const w = await world({ sumdb: { fixtures: QUOTE_MODULES, wrong: ['rsc.io/quote@v1.5.2'] } });
    const r = await check(w, 'gosum-verified');
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(
      /^rsc\.io\/quote v1\.5\.2(\/go\.mod)?: go\.sum and the proxy agree but the checksum database recorded another hash/,
    );
    expect(text(r)).toContain('checksum DB: h1:wrong');
    // The go command, asked to trust nothing but the database, refuses the same module.
    await w.write({ 'go.sum': goSumFor(QUOTE_MODULES.slice(1)) });
    const go = await goDownloadedHash(w);
    expect(go.stderr).toContain('rsc.io/quote@v1.5.2: verifying go.mod: checksum mismatch');
    expect(go.stderr).toContain('localhost.localdev/sumdb: h1:wrong');
    // What Go downloaded is what doctor hashed from the proxy.
    expect(text(r)).toContain(`proxy:      ${go.downloaded}`);
  });

  it('the proxy serves a different zip: a poisoned proxy, with the hash Go 1.19 downloads', async () => {
    const w = await world();
    await serveOtherZip(w);
    const r = await check(w, 'gosum-verified');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(
      'rsc.io/quote v1.5.2: the proxy serves different content than go.sum and the checksum database recorded',
    );
    expect(r.fix?.action).toBe('proxy');
    const go = await goDownloadedHash(w);
    expect(go.downloaded).toBeDefined();
    expect(text(r)).toContain(`proxy:      ${go.downloaded}`);
  });

  it('the proxy serves a different zip than the genuine one in the module cache: its own bytes are hashed', async () => {
    const w = await world();
    expect((await w.fillCache()).code).toBe(0);
    await serveOtherZip(w);
    const r = await check(w, 'gosum-verified');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(
      'rsc.io/quote v1.5.2: the proxy serves different content than go.sum and the checksum database recorded',
    );
    // The cache still holds the genuine zip (it agrees with go.sum); the proxy's hash is Go's "downloaded:".
    const good = fixtureSum('rsc.io/quote@v1.5.2').zipH1;
    expect(text(r)).toContain(`module cache: ${good}`);
    const go = await goDownloadedHash(w);
    expect(go.downloaded).toBeDefined();
    expect(go.downloaded).not.toBe(good);
    expect(text(r)).toContain(`proxy:      ${go.downloaded}`);
  });

  it('a tampered go.sum line: go.sum alone differs', async () => {
    const w = await world();
    const good = fixtureSum('rsc.io/quote@v1.5.2').zipH1;
    const fake = 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
    await w.write({
      'go.sum': goSumFor(QUOTE_MODULES).replace(`rsc.io/quote v1.5.2 ${good}`, `rsc.io/quote v1.5.2 ${fake}`),
    });
    const r = await check(w, 'gosum-verified');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(
      'rsc.io/quote v1.5.2: go.sum disagrees with the checksum database and the proxy: go.sum was tampered with',
    );
    expect(r.fix?.action).toBe('sum');
    const go = await goDownloadedHash(w);
    expect(go.stderr).toContain(`go.sum:     ${fake}`);
    expect(go.downloaded).toBe(good);
  });

  it('a poisoned module cache: the cache alone differs', async () => {
    const w = await world();
    expect((await w.fillCache()).code).toBe(0);
    const zh = path.join(w.modcache, 'cache', 'download', 'rsc.io', 'sampler', '@v', 'v1.3.0.ziphash');
    await chmod(zh, 0o644);
    await writeFile(zh, 'h1:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB=');
    const r = await check(w, 'gosum-verified');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('rsc.io/sampler v1.3.0: the module cache holds different content than go.sum recorded');
    expect(r.fix?.action).toBe('cache');
  });

  it('returns what it verified when the deadline passes (zip downloads hang)', async () => {
    const w = await world();
    w.proxy.setFault('*.zip', { kind: 'hang' });
    const report = await runDoctor(
      await w.options({ only: ['gosum-verified'], timeoutMs: 1_500, probeTimeoutMs: 30_000 }),
    );
    const r = report.checks[0]!;
    expect(r.status).toBe('warn');
    expect(r.summary).toMatch(/^the deadline passed after \d+ lines of 6 were verified/);
    expect(text(r)).toMatch(/could not be compared with any other source before the deadline/);
  });

  it('a private module (GONOSUMDB) whose content changed: a moved tag', async () => {
    const w = await world();
    w.env = { ...w.env, GONOSUMDB: 'rsc.io/quote' };
    await serveOtherZip(w);
    const r = await check(w, 'gosum-verified');
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/rsc\.io\/quote v1\.5\.2: .*force-pushed private tag/);
    expect(r.fix?.action).toBe('pin');
  });
});
