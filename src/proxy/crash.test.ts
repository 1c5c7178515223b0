// Crash safety with a real process: SIGKILL `modrescue proxy serve` while 50 large module
// zips are being downloaded through it; after a restart on the same storage, every stored
// object is complete and verifies, nothing partial is visible, and every zip is served.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { create as createZip, fileFromBytes } from '../mod/zip/index.js';
import { hashZip } from '../mod/sumdb/dirhash/index.js';
import { startTestProxy, type TestProxy } from '../../test/support/proxy-server.js';
import { repoRoot } from '../../test/support/shared.js';

const ENTRY = path.join(repoRoot, 'test/support/cli-entry.ts');
const N = 50;
const SIZE = 3 * 1024 * 1024;

interface Server {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

async function startChild(root: string, upstream: string): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      ENTRY,
      'proxy',
      'serve',
      '-listen',
      '127.0.0.1:0',
      '-storage',
      root,
      '-upstream',
      upstream,
      '-sumdb',
      'off',
      '-log-level',
      'warn',
    ],
    { cwd: repoRoot, env: { PATH: process.env['PATH'], HOME: os.tmpdir() }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`proxy exited before listening: ${stderr}`)));
  });
  return { child, url, exited };
}

async function walk(dir: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(path.join(dir, e.name), r)));
    else out.push(r);
  }
  return out;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('crash safety', () => {
  let dir: string;
  let upstream: TestProxy;
  const want = new Map<string, string>();
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-crash-'));
    const tree = path.join(dir, 'upstream');
    for (let i = 0; i < N; i++) {
      const mod = `example.com/big${i}`;
      const v = path.join(tree, mod, '@v');
      await mkdir(v, { recursive: true });
      const goMod = Buffer.from(`module ${mod}\n\ngo 1.19\n`);
      await writeFile(path.join(v, 'list'), 'v1.0.0\n');
      await writeFile(path.join(v, 'v1.0.0.info'), '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}\n');
      await writeFile(path.join(v, 'v1.0.0.mod'), goMod);
      const out = createWriteStream(path.join(v, 'v1.0.0.zip'));
      const closed = once(out, 'close');
      await createZip(out, { path: mod, version: 'v1.0.0' }, [
        fileFromBytes('go.mod', goMod),
        fileFromBytes('big.go', Buffer.from(`package big${i}\n`)),
        fileFromBytes('data.bin', randomBytes(SIZE)),
      ]);
      await closed;
      for (const f of ['v1.0.0.mod', 'v1.0.0.zip', 'v1.0.0.info'])
        want.set(`${mod}/@v/${f}`, sha(await readFile(path.join(v, f))));
    }
    upstream = await startTestProxy({ root: tree });
  });
  afterAll(async () => {
    await upstream.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('SIGKILL during 50 concurrent large downloads leaves only complete, verified objects', async () => {
    const root = path.join(dir, 'store');
    let server = await startChild(root, upstream.url);
    // Warm the .mod files (the go command fetches them first), then slow the zips down.
    for (let i = 0; i < N; i++)
      expect((await fetch(`${server.url}/example.com/big${i}/@v/v1.0.0.mod`)).status).toBe(200);
    upstream.setFault('*.zip', { kind: 'trickle', chunkBytes: 256 * 1024, intervalMs: 25 });
    const downloads = Array.from({ length: N }, (_, i) =>
      fetch(`${server.url}/example.com/big${i}/@v/v1.0.0.zip`).then(
        async (r) =>
          r.status === 200 && sha(Buffer.from(await r.arrayBuffer())) === want.get(`example.com/big${i}/@v/v1.0.0.zip`),
        () => false,
      ),
    );
    // Kill once downloads are under way: some zips are in the temp area, none finished.
    const tmp = path.join(root, '.tmp');
    for (let i = 0; i < 400; i++) {
      const staged = await readdir(tmp).catch(() => []);
      if (staged.length >= N / 2) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    expect((await readdir(tmp)).length).toBeGreaterThan(0);
    server.child.kill('SIGKILL');
    expect(await server.exited).toBeNull();
    const results = await Promise.all(downloads);
    upstream.clearFaults();

    // Whatever made it into the store before the kill is complete.
    const before = (await walk(root)).filter((f) => !f.startsWith('.tmp/'));
    for (const f of before) {
      if (!f.startsWith('example.com/')) continue;
      expect(sha(await readFile(path.join(root, f))), f).toBe(want.get(f));
    }

    server = await startChild(root, upstream.url);
    try {
      expect(await readdir(tmp)).toEqual([]);
      const files = (await walk(root)).filter((f) => f.startsWith('example.com/'));
      for (const f of files) {
        expect(sha(await readFile(path.join(root, f))), f).toBe(want.get(f));
        if (f.endsWith('.zip')) expect(await hashZip(path.join(root, f))).toMatch(/^h1:/);
      }
      // Every zip is served complete after the restart (from the cache or fetched again).
      for (let i = 0; i < N; i++) {
        const r = await fetch(`${server.url}/example.com/big${i}/@v/v1.0.0.zip`);
        expect(r.status).toBe(200);
        expect(sha(Buffer.from(await r.arrayBuffer()))).toBe(want.get(`example.com/big${i}/@v/v1.0.0.zip`));
      }
      // The kill really interrupted downloads.
      expect(results.filter((ok) => ok).length).toBeLessThan(N);
    } finally {
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    }
  });
});
