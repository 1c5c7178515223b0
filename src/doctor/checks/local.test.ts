// The local checks, each failure reproduced for real: broken files, environments, vendor
// directories, module caches and disks, compared with what Go 1.19 itself says where the
// go command reports the same problem.
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFile, chmod, mkdir, readFile, stat, truncate, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDoctorWorld, goSumFor, QUOTE_MODULES, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { runGo } from '../../../test/support/go.js';
import { runDoctor, type CheckId, type CheckResult, type DoctorOptions } from '../index.js';
import { heldLocks } from '../locks.js';

let worlds: DoctorWorld[] = [];
afterEach(async () => {
  for (const w of worlds) await w.close();
  worlds = [];
});

async function world(...args: Parameters<typeof createDoctorWorld>): Promise<DoctorWorld> {
  const w = await createDoctorWorld(...args);
  worlds.push(w);
  return w;
}

/** check runs one check over the world and returns its result. */
async function check(w: DoctorWorld, id: CheckId, extra: Partial<DoctorOptions> = {}): Promise<CheckResult> {
  const report = await runDoctor(await w.options({ ...extra, only: [id] }));
  return report.checks[0]!;
}

/** text joins what a person reads of a result. */
const text = (r: CheckResult) => [r.summary, ...r.details].join('\n');

/** goLines returns the go command's stderr lines without the "go: " prefix of the first. */
const goLines = (stderr: string) =>
  stderr
    .split('\n')
    .map((l) => l.replace(/^go: /, '').trim())
    .filter((l) => l !== '');

describe('gomod-syntax', () => {
  it('reports every go.mod error with its position, as Go 1.19 does', async () => {
    const w = await world({
      files: { 'go.mod': 'module example.com/app\n\ngo 1.19\n\nrequre rsc.io/quote v1.5.2\nrequire rsc.io/sampler\n' },
    });
    const r = await check(w, 'gomod-syntax');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('errors parsing go.mod');
    const go = await runGo(['list', '-m'], { cwd: w.project, env: w.env });
    expect(go.code).toBe(1);
    // Go 1.19: "go: errors parsing go.mod:\n<file>:5: unknown directive: requre\n<file>:6: usage: …"
    for (const line of goLines(go.stderr).slice(1)) expect(text(r)).toContain(line);
    expect(r.fix?.command).toContain('go.mod');
  });

  it('reports a malformed go.sum line and that the go command ignores the rest', async () => {
    const w = await world();
    const sum = goSumFor(QUOTE_MODULES).split('\n');
    sum.splice(2, 0, 'rsc.io/quote v1.5.2');
    await w.write({ 'go.sum': sum.join('\n') });
    const r = await check(w, 'gomod-syntax');
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/go\.sum:3:1: malformed go\.sum line: wrong number of fields 2/);
    expect(text(r)).toMatch(/stops reading go\.sum at line 3/);
    expect(r.fix?.action).toBe('sum');
  });

  it('reports a go.work that does not parse (GOWORK)', async () => {
    const w = await world();
    const work = path.join(w.dir, 'go.work');
    await writeFile(work, 'go 1.19\n\nuse (\n\t./app\n\nbogus ./x\n');
    w.env = { ...w.env, GOWORK: work };
    const r = await check(w, 'gomod-syntax');
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('errors parsing go.work:');
    expect(r.details.join('\n')).toMatch(new RegExp(`^${work}:\\d+`, 'm'));
  });

  it('reports two different hashes for one module version', async () => {
    const w = await world();
    await w.write({
      'go.sum': goSumFor(QUOTE_MODULES) + 'rsc.io/quote v1.5.2 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n',
    });
    const r = await check(w, 'gomod-syntax');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('rsc.io/quote v1.5.2 has 2 different h1 hashes');
  });
});

describe('go-env', () => {
  it('reports a go env file that sets GOPROXY=off behind the environment’s back', async () => {
    const w = await world();
    const envFile = path.join(w.dir, 'go-env');
    await writeFile(envFile, 'GOPROXY=off\nGOSUMDB=off\n');
    w.env = { ...w.env, GOENV: envFile, GOPROXY: '', GOSUMDB: '' };
    const r = await check(w, 'go-env');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(`GOPROXY=off (go env file ${envFile})`);
    expect(r.summary).toContain('module lookup is disabled');
    expect(text(r)).toContain('GOPROXY=off comes from the go env file');
    expect(text(r)).toContain('GOSUMDB=off comes from the go env file');
    expect(r.fix?.action).toBe('proxy');
    // The go command itself agrees: with the file, GOPROXY is off.
    const go = await runGo(['env', 'GOPROXY'], { cwd: w.project, env: w.env });
    expect(go.stdout.trim()).toBe('off');
  });

  it.each([
    [{ GONOSUMDB: '*' }, 'warn', /GONOSUMDB=\* \(environment\): the pattern "\*" matches every module/],
    [{ GOPRIVATE: 'github.com' }, 'warn', /covers every module on github\.com/],
    [{ GOFLAGS: '-mod=vendor' }, 'fail', /-mod=vendor .*no vendor\/modules\.txt/],
    [{ GO111MODULE: 'off' }, 'fail', /GO111MODULE=off \(environment\): the go command ignores go\.mod/],
    [{ GOPROXY: 'direct' }, 'warn', /every module is fetched from its origin with git/],
    [{ GOSUMDB: 'off' }, 'warn', /GOSUMDB=off \(environment\): downloaded modules are not checked/],
    [{ GOPROXY: ',' }, 'fail', /GOPROXY list is not the empty string, but contains no entries/],
  ])('%o → %s', async (env, status, want) => {
    const w = await world();
    w.env = { ...w.env, ...env };
    const r = await check(w, 'go-env');
    expect(r.status).toBe(status);
    expect(text(r)).toMatch(want);
  });

  it('says a GOPROXY URL carries credentials, redacted', async () => {
    const w = await world();
    w.env = { ...w.env, GOPROXY: w.proxy.url.replace('http://', 'http://bob:hunter2-secret@') };
    const r = await check(w, 'go-env');
    expect(r.status).toBe('warn');
    expect(text(r)).toMatch(/carries credentials in the URL/);
    expect(JSON.stringify(r)).not.toContain('hunter2-secret');
  });
});

describe('go-version', () => {
  it('Go 1.19 cannot parse a three-part go line: same words as the go command', async () => {
    const w = await world({ files: { 'go.mod': 'module example.com/app\n\ngo 1.21.0\n' } });
    const r = await check(w, 'go-version');
    expect(r.status).toBe('fail');
    const go = await runGo(['list', '-m'], { cwd: w.project, env: w.env });
    const line = goLines(go.stderr)[1]!; // <file>:3: invalid go version '1.21.0': must match format 1.23
    expect(line).toContain("invalid go version '1.21.0'");
    expect(r.summary).toContain(line);
    expect(r.fix?.action).toBe('toolchain');
  });

  it('Go 1.19 does not know the toolchain line', async () => {
    const w = await world({ files: { 'go.mod': 'module example.com/app\n\ngo 1.21\n\ntoolchain go1.21.3\n' } });
    const r = await check(w, 'go-version');
    expect(r.status).toBe('fail');
    expect(text(r)).toContain('unknown directive: toolchain');
  });

  it('GOTOOLCHAIN=local with an older toolchain than the go line', async () => {
    const w = await world({ files: { 'go.mod': 'module example.com/app\n\ngo 1.22\n' } });
    const r = await check(w, 'go-version', { installedGo: 'go1.21.0' });
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('go.mod requires go >= 1.22 (running go 1.21.0; GOTOOLCHAIN=local)');
  });

  it('GOTOOLCHAIN=auto cannot download the toolchain with GOPROXY=off', async () => {
    const w = await world({ files: { 'go.mod': 'module example.com/app\n\ngo 1.22\n' } });
    w.env = { ...w.env, GOTOOLCHAIN: 'auto', GOPROXY: 'off' };
    const r = await check(w, 'go-version', { installedGo: 'go1.21.0' });
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/must download go1\.22 .* but GOPROXY=off/);
  });

  it('an invalid GOTOOLCHAIN', async () => {
    const w = await world();
    w.env = { ...w.env, GOTOOLCHAIN: 'asdf' };
    const r = await check(w, 'go-version');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('invalid GOTOOLCHAIN "asdf"');
  });

  it('a dependency that requires a newer go than the main module', async () => {
    const w = await world({
      files: {
        'go.mod':
          'module example.com/app\n\ngo 1.19\n\nrequire example.com/dep v0.0.0\n\nreplace example.com/dep => ./dep\n',
        'dep/go.mod': 'module example.com/dep\n\ngo 1.23\n',
        'go.sum': '',
      },
    });
    const r = await check(w, 'go-version');
    expect(r.status).toBe('warn');
    expect(text(r)).toContain('example.com/dep@v0.0.0 requires go >= 1.23');
  });
});

describe('vendor-consistency', () => {
  it('passes for `go mod vendor` output and reports an edit as Go 1.19 does', async () => {
    const w = await world();
    expect((await w.fillCache()).code).toBe(0);
    const vend = await runGo(['mod', 'vendor'], { cwd: w.project, env: w.env });
    expect(vend.code, vend.stderr).toBe(0);
    expect((await check(w, 'vendor-consistency')).status).toBe('pass');

    const txt = path.join(w.project, 'vendor', 'modules.txt');
    const mt = await readFile(txt, 'utf8');
    await writeFile(txt, mt.replace(/(# rsc\.io\/quote v1\.5\.2\n)## explicit[^\n]*\n/, '$1'));
    await appendFile(path.join(w.project, 'go.mod'), '\nreplace rsc.io/sampler => rsc.io/sampler v1.3.1\n');
    const r = await check(w, 'vendor-consistency');
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`inconsistent vendoring in ${w.project}:`);
    const go = await runGo(['build', './...'], { cwd: w.project, env: w.env });
    expect(go.code).toBe(1);
    const goProblems = goLines(go.stderr).filter((l) => /^\S+: is /.test(l) || /@v[^:]*: is /.test(l));
    expect(goProblems.length).toBe(2);
    for (const l of goProblems) expect(r.details.join('\n')).toContain(l);
    expect(r.fix?.command).toBe('go mod vendor');
  });
});

describe('disk-space', () => {
  it('fails below the free-space threshold and warns below the inode warning', async () => {
    const w = await world();
    const r = await check(w, 'disk-space', { diskThresholds: { failBytes: 2 ** 62, warnBytes: 2 ** 63 } });
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(
      /^GOMODCACHE \(.*\): only .* free: downloads and extraction fail with "no space left on device"/,
    );
    const warn = await check(w, 'disk-space', { diskThresholds: { warnInodes: 2 ** 52 } });
    expect(warn.status).toBe('warn');
    expect(warn.summary).toMatch(/free inodes, below/);
  });
});

describe('gosum-complete', () => {
  it('lists the go.sum lines -mod=readonly needs, including those Go 1.19 names', async () => {
    const w = await world();
    expect((await w.fillCache()).code).toBe(0);
    await w.write({
      'go.sum': goSumFor(['rsc.io/quote@v1.5.2', 'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c']),
    });
    const r = await check(w, 'gosum-complete');
    expect(r.status).toBe('fail');
    expect(r.summary, text(r)).toContain('2 go.sum entries missing');
    expect(text(r)).toContain('missing go.sum entry for go.mod file: rsc.io/sampler v1.3.0/go.mod');
    expect(text(r)).toContain(
      'missing go.sum entry for module providing package rsc.io/sampler (imported by rsc.io/quote): rsc.io/sampler v1.3.0',
    );
    const env = { ...w.env, GOFLAGS: '-mod=readonly' };
    const list = await runGo(['list', '-m', 'all'], { cwd: w.project, env });
    expect(list.stderr).toContain('rsc.io/sampler@v1.3.0: missing go.sum entry');
    const build = await runGo(['build', './...'], { cwd: w.project, env });
    expect(build.stderr).toContain(
      'missing go.sum entry for module providing package rsc.io/sampler (imported by rsc.io/quote)',
    );
    expect(r.fix?.action).toBe('sum');
  });
});

describe('modcache-integrity', () => {
  it('reports a tampered file as go mod verify does', async () => {
    const w = await world();
    expect((await w.fillCache()).code).toBe(0);
    const dir = path.join(w.modcache, 'rsc.io', 'quote@v1.5.2');
    await chmod(dir, 0o755);
    await chmod(path.join(dir, 'quote.go'), 0o644);
    await appendFile(path.join(dir, 'quote.go'), '\n// tampered\n');
    const r = await check(w, 'modcache-integrity');
    expect(r.status).toBe('fail');
    const go = await runGo(['mod', 'verify'], { cwd: w.project, env: w.env });
    expect(go.code).toBe(1);
    expect(go.stdout + go.stderr).toContain(`rsc.io/quote v1.5.2: dir has been modified (${dir})`);
    expect(r.summary).toBe(`rsc.io/quote v1.5.2: dir has been modified (${dir})`);
    expect(r.fix?.action).toBe('cache');
  });

  it('reports a lock held by a stuck process and a stale lock file', async () => {
    const w = await world();
    expect((await w.fillCache()).code).toBe(0);
    const lock = path.join(w.modcache, 'cache', 'download', 'rsc.io', 'sampler', '@v', 'v1.3.0.lock');
    // flock(1) takes the same advisory lock the go command takes, and holds it.
    const holder: ChildProcess = spawn('flock', [lock, 'sleep', '60'], { stdio: 'ignore' });
    try {
      // Wait until the kernel lists the lock (no fixed sleep).
      const ino = (await stat(lock)).ino;
      for (let i = 0; i < 500 && !(await heldLocks()).has(ino); i++) await new Promise((r) => setTimeout(r, 10));
      const sumdbLock = path.join(w.gopath, 'pkg', 'sumdb', 'localhost.localdev', 'sumdb', 'latest.lock');
      await mkdir(path.dirname(sumdbLock), { recursive: true });
      await writeFile(sumdbLock, '');
      const old = new Date(Date.now() - 3_600_000);
      await utimes(sumdbLock, old, old);
      const r = await check(w, 'modcache-integrity', { staleLockMs: 0 });
      expect(r.status).toBe('warn');
      expect(text(r)).toContain(`${lock} is locked by pid`);
      expect(text(r)).toMatch(/sleep 60/);
      expect(text(r)).toContain(`${sumdbLock} is a stale lock`);
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('reports an empty cached go.mod, a partial extraction and download leftovers', async () => {
    const w = await world();
    expect((await w.fillCache()).code).toBe(0);
    const vdir = path.join(w.modcache, 'cache', 'download', 'rsc.io', 'sampler', '@v');
    await chmod(path.join(vdir, 'v1.3.0.mod'), 0o644);
    await truncate(path.join(vdir, 'v1.3.0.mod'), 0);
    const qdir = path.join(w.modcache, 'cache', 'download', 'rsc.io', 'quote', '@v');
    await writeFile(path.join(qdir, 'v1.5.2.partial'), '');
    await writeFile(path.join(qdir, 'v1.5.2.zip123456.tmp'), 'half');
    const r = await check(w, 'modcache-integrity');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(`${path.join(vdir, 'v1.3.0.mod')} is empty`);
    expect(text(r)).toContain(
      'rsc.io/quote@v1.5.2: ' + path.join(w.modcache, 'rsc.io', 'quote@v1.5.2') + ': not completely extracted',
    );
    expect(text(r)).toContain('v1.5.2.zip123456.tmp: left behind by an interrupted download');
  });

  it('reports a module cache that cannot be created', async () => {
    const w = await world();
    const file = path.join(w.dir, 'not-a-dir');
    await writeFile(file, '');
    w.env = { ...w.env, GOMODCACHE: path.join(file, 'mod') };
    const r = await check(w, 'modcache-integrity');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(`${file} is not a directory: the go command cannot create the module cache`);
  });
});
