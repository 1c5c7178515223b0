// Package modcache: layout, metadata files, locks shared with flock(1) (the syscall the go
// command uses), extraction and verification.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureProxy, makeWritable } from '../../../test/support/go.js';
import * as modcache from './index.js';

let tmp = '';
let proxy = '';
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'modrescue-modcache-'));
  proxy = path.join(tmp, 'proxy');
  await buildFixtureProxy(proxy, ['rsc.io_quote_v1.5.2.txt', 'rsc.io_!q!u!o!t!e_v1.5.3-!p!r!e.txt']);
});
afterAll(async () => {
  await makeWritable(tmp);
  await rm(tmp, { recursive: true, force: true });
});

describe('layout', () => {
  it.each([
    [{ path: 'rsc.io/quote', version: 'v1.5.2' }, 'zip', '/c/cache/download/rsc.io/quote/@v/v1.5.2.zip'],
    [
      { path: 'rsc.io/QUOTE', version: 'v1.5.3-PRE' },
      'info',
      '/c/cache/download/rsc.io/!q!u!o!t!e/@v/v1.5.3-!p!r!e.info',
    ],
    [
      { path: 'example.com/m', version: 'v2.0.0+incompatible' },
      'lock',
      '/c/cache/download/example.com/m/@v/v2.0.0+incompatible.lock',
    ],
  ] as const)('cachePath(%j, %s)', (m, suffix, want) => {
    expect(modcache.cachePath('/c', m, suffix)).toBe(want);
  });

  it('names extracted trees and rejects what the go command rejects', () => {
    expect(modcache.downloadDirPath('/c', { path: 'rsc.io/QUOTE', version: 'v1.5.3-PRE' })).toBe(
      '/c/rsc.io/!q!u!o!t!e@v1.5.3-!p!r!e',
    );
    expect(() => modcache.cachePath('/c', { path: 'rsc.io/quote', version: 'v1.5' }, 'zip')).toThrow(
      'non-canonical module version "v1.5"',
    );
    expect(() => modcache.cachePath('/c', { path: 'rsc.io/quote', version: 'master' }, 'zip')).toThrow(
      'non-semver module version "master"',
    );
    expect(() => modcache.cachePath('', { path: 'rsc.io/quote', version: 'v1.0.0' }, 'zip')).toThrow(
      'module cache not found: neither GOMODCACHE nor GOPATH is set',
    );
    expect(() => modcache.checkCacheDir('rel/cache')).toThrow(
      'GOMODCACHE entry is relative; must be absolute path: "rel/cache".\n',
    );
  });
});

describe('metadata files', () => {
  it('writes .info as Go re-encodes it (no Name/Short, RFC3339Nano time)', () => {
    const enc = (t: string) => new TextDecoder().decode(modcache.encodeInfo({ version: 'v1.0.0', time: t }));
    expect(enc('2018-02-14T15:44:20Z')).toBe('{"Version":"v1.0.0","Time":"2018-02-14T15:44:20Z"}');
    expect(enc('2018-02-14T15:44:20.120000Z')).toBe('{"Version":"v1.0.0","Time":"2018-02-14T15:44:20.12Z"}');
    expect(enc('2018-02-14T15:44:20+00:00')).toBe('{"Version":"v1.0.0","Time":"2018-02-14T15:44:20Z"}');
    expect(enc('2018-02-14T15:44:20.000+02:00')).toBe('{"Version":"v1.0.0","Time":"2018-02-14T15:44:20+02:00"}');
    expect(enc('')).toBe('{"Version":"v1.0.0","Time":"0001-01-01T00:00:00Z"}');
    const withOrigin = modcache.encodeInfo({
      version: 'v0.0.0-20200101000000-abcdefabcdef',
      time: '2020-01-01T00:00:00Z',
      origin: { Hash: 'abc', VCS: 'git', Ref: 'refs/heads/main', TagSum: 't1:x', URL: 'https://x' },
    });
    expect(new TextDecoder().decode(withOrigin)).toBe(
      '{"Version":"v0.0.0-20200101000000-abcdefabcdef","Time":"2020-01-01T00:00:00Z","Origin":{"VCS":"git","URL":"https://x","Hash":"abc"}}',
    );
  });

  it('caches go.mod files and keeps list sorted, canonical and NUL-free', async () => {
    const mc = path.join(tmp, 'meta');
    for (const v of ['v1.10.0', 'v1.2.0', 'v1.2.0-pre', 'v2.0.0+incompatible']) {
      const { file } = await modcache.readDiskGoMod(mc, { path: 'example.com/m', version: v });
      await modcache.writeDiskGoMod(file, new TextEncoder().encode('module example.com/m\n'));
    }
    const dir = modcache.cacheDir(mc, 'example.com/m');
    expect(await readFile(path.join(dir, 'list'), 'utf8')).toBe('v1.2.0-pre\nv1.2.0\nv1.10.0\nv2.0.0+incompatible\n');
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const { data } = await modcache.readDiskGoMod(mc, { path: 'example.com/m', version: 'v1.2.0' });
    expect(new TextDecoder().decode(data)).toBe('module example.com/m\n');
    await writeFile(path.join(dir, 'v1.3.0.mod'), '//vgo 0.0.4\nmodule x\n');
    expect((await modcache.readDiskGoMod(mc, { path: 'example.com/m', version: 'v1.3.0' })).data).toBeUndefined();
    await expect(modcache.rewriteVersionList(path.join(mc, 'x'))).rejects.toThrow('misuse of rewriteVersionList');
  });

  it('reads .ziphash as the go command: trimmed, complete or not', async () => {
    const mc = path.join(tmp, 'zh');
    const m = { path: 'example.com/z', version: 'v1.0.0' };
    const f = modcache.cachePath(mc, m, 'ziphash');
    await mkdir(path.dirname(f), { recursive: true });
    expect(await modcache.sum(mc, m)).toBe('');
    const h = 'h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=';
    await modcache.writeZipHash(f, h);
    expect(await readFile(f, 'utf8')).toBe(h);
    expect(await modcache.sum(mc, m)).toBe(h);
    await writeFile(f, h + '\n');
    expect(await modcache.sum(mc, m)).toBe(h);
    // bytes.TrimSpace trims Unicode white space too (NBSP, NEL, U+3000), not invalid UTF-8.
    await writeFile(f, '\u00a0\u3000' + h + '\u0085\r\n');
    expect(await modcache.sum(mc, m)).toBe(h);
    await writeFile(f, Buffer.concat([Buffer.from(h), Buffer.from([0xc2])]));
    expect(await modcache.sum(mc, m)).toBe('');
    await writeFile(f, Buffer.alloc(47));
    expect(await modcache.sum(mc, m)).toBe('');
    expect(modcache.isValidSum(new TextEncoder().encode('h1:short'))).toBe(false);
  });
});

/** holdWithFlock locks file with flock(1) (the flock(2) the go command uses) until release() is called. */
async function holdWithFlock(file: string, marker: string): Promise<{ release(): Promise<void> }> {
  const child = spawn('flock', ['-x', file, 'sh', '-c', `echo held; read x; echo released > "${marker}"`], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  await once(child.stdout, 'data');
  return {
    async release() {
      child.stdin.end('go\n');
      await once(child, 'exit');
    },
  };
}

describe('locks', () => {
  it('waits for a lock held by another process through flock(2)', async () => {
    const locker = modcache.createFileLocker();
    try {
      const file = path.join(tmp, 'v1.0.0.lock');
      const marker = path.join(tmp, 'released');
      const holder = await holdWithFlock(file, marker);
      expect(locker.kind).toBe('flock');
      const got = locker.lock(file).then(async (unlock) => {
        // The holder writes the marker before it lets go: a lock that did not wait misses it.
        const sawMarker = existsSync(marker);
        await unlock();
        return sawMarker;
      });
      await new Promise((r) => setTimeout(r, 300));
      await holder.release();
      expect(await got).toBe(true);
    } finally {
      await locker.close();
    }
  });

  it('excludes another process while held, and shares shared locks', async () => {
    const locker = modcache.createFileLocker();
    try {
      const file = path.join(tmp, 'held.lock');
      const unlock = await locker.lock(file);
      const probe = spawn('flock', ['-n', '-x', file, 'true']);
      const [code] = (await once(probe, 'exit')) as [number];
      expect(code).toBe(1);
      await unlock();
      const probe2 = spawn('flock', ['-n', '-x', file, 'true']);
      expect(((await once(probe2, 'exit')) as [number])[0]).toBe(0);
      const a = await locker.lock(file, 'shared');
      const b = await locker.lock(file, 'shared');
      await a();
      await b();
    } finally {
      await locker.close();
    }
  });

  it('falls back to in-process locks without perl, and serialises users', async () => {
    const locker = modcache.createFileLocker({ perlPath: path.join(tmp, 'no-perl') });
    try {
      const order: string[] = [];
      const file = path.join(tmp, 'p.lock');
      const u1 = await locker.lock(file);
      const second = locker.lock(file).then(async (u) => {
        order.push('second');
        await u();
      });
      order.push('first');
      await u1();
      await second;
      expect(order).toEqual(['first', 'second']);
      expect(locker.kind).toBe('process');
      expect(locker.degraded).toContain('not shared with the go command');
    } finally {
      await locker.close();
    }
  });

  it('reports an unopenable lock file in Go wording', async () => {
    const locker = modcache.createFileLocker();
    try {
      await expect(locker.lock(path.join(tmp, 'missing-dir', 'x.lock'))).rejects.toThrow(
        /^open .*missing-dir\/x.lock: no such file or directory$/,
      );
    } finally {
      await locker.close();
    }
  });
});

describe('extract and verify', () => {
  const m = { path: 'rsc.io/quote', version: 'v1.5.2' };

  const fill = async (name: string): Promise<string> => {
    const mc = path.join(tmp, name);
    const zip = modcache.cachePath(mc, m, 'zip');
    await mkdir(path.dirname(zip), { recursive: true });
    await writeFile(zip, await readFile(path.join(proxy, 'rsc.io/quote/@v/v1.5.2.zip')));
    await modcache.writeZipHash(zip + 'hash', 'h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=');
    return mc;
  };

  it('extracts read-only under the version lock, replacing a partial tree', async () => {
    const mc = await fill('ex');
    const dir = modcache.downloadDirPath(mc, m);
    // An interrupted extraction: a partial marker and half a tree.
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'stale.go'), 'x');
    await writeFile(modcache.cachePath(mc, m, 'partial'), '');
    expect((await modcache.downloadDir(mc, m)).error?.message).toBe(`${dir}: not completely extracted`);
    const locker = modcache.createFileLocker();
    try {
      expect(await modcache.extract(mc, m, modcache.cachePath(mc, m, 'zip'), { locker })).toBe(dir);
    } finally {
      await locker.close();
    }
    expect((await modcache.downloadDir(mc, m)).error).toBeUndefined();
    expect(existsSync(path.join(dir, 'stale.go'))).toBe(false);
    expect(existsSync(modcache.cachePath(mc, m, 'partial'))).toBe(false);
    expect((await stat(dir)).mode & 0o777).toBe(0o555);
    expect((await stat(path.join(dir, 'quote.go'))).mode & 0o777).toBe(0o444);
    expect(await modcache.verifyMod(mc, m)).toEqual([]);
    const pool = modcache.createHashPool({ threads: 2 });
    try {
      expect(await modcache.verifyModules(mc, [m, m], { hasher: pool })).toEqual([[], []]);
      await rm(modcache.cachePath(mc, m, 'zip') + 'hash');
      expect(await modcache.verifyMod(mc, m, pool)).toEqual([
        `rsc.io/quote v1.5.2: missing ziphash: open ${modcache.cachePath(mc, m, 'ziphash')}: no such file or directory`,
      ]);
    } finally {
      await pool.close();
    }
    await modcache.removeAll(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('reports the zip and dir hash errors of a broken zip', async () => {
    const mc = await fill('broken');
    await writeFile(modcache.cachePath(mc, m, 'zip'), 'not a zip');
    const errs = await modcache.verifyMod(mc, m);
    expect(errs).toEqual(['rsc.io/quote v1.5.2: zip: not a valid zip file']);
    expect(await modcache.verifyMod(mc, { path: 'rsc.io/quote', version: 'v9.9.9' })).toEqual([]);
  });
});
