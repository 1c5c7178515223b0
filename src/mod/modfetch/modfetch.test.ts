// Unit tests of package modfetch over real parts: the loopback test proxy serving the go
// command's fixtures, the undici HTTP client, a module cache in a temp dir locked with
// flock(2) (the go command's protocol), and the test checksum database on 127.0.0.1.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import yazl from 'yazl';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGoproxyClient } from '../goproxy/index.js';
import * as modcache from '../modcache/index.js';
import { hashGoMod } from '../sumdb/dirhash/index.js';
import { createHttpClient, type HttpClient } from '../web/index.js';
import { GO_SUM_DIRTY, GoSumState, createFetcher, createSumDB, isFatal, type Fetcher, type SumDB } from './index.js';
import { makeWritable } from '../../../test/support/go.js';
import { startTestProxy, type TestProxy } from '../../../test/support/proxy-server.js';
import { fixtureSum, startTestSumdb, type TestSumdb } from '../../../test/support/sumdb.js';
import { run } from '../../../test/support/cli.js';

const FIXTURES = [
  'rsc.io_quote_v1.5.2.txt',
  'rsc.io_sampler_v1.3.0.txt',
  'golang.org_x_text_v0.0.0-20170915032832-14c0d48ead0c.txt',
];
const QUOTE = { path: 'rsc.io/quote', version: 'v1.5.2' };
const SAMPLER = { path: 'rsc.io/sampler', version: 'v1.3.0' };
const quoteSum = fixtureSum('rsc.io/quote@v1.5.2');
const samplerSum = fixtureSum('rsc.io/sampler@v1.3.0');
const WRONG = 'h1:xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx=';

let proxy: TestProxy;
let http: HttpClient;
let tmp: string;

/** writeZipFile writes a zip with the given entries (name → content) to file. */
async function writeZipFile(file: string, entries: Record<string, string>): Promise<void> {
  const z = new yazl.ZipFile();
  for (const [name, data] of Object.entries(entries)) z.addBuffer(Buffer.from(data), name);
  z.end();
  await new Promise<void>((resolve, reject) => {
    z.outputStream.pipe(createWriteStream(file)).on('close', resolve).on('error', reject);
  });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'modrescue-modfetch-'));
  proxy = await startTestProxy({ fixtures: FIXTURES });
  // A module whose zip holds a file outside "path@version/" (never allowed in a cache).
  const bad = path.join(proxy.root, 'example.com', 'bad', '@v');
  await mkdir(bad, { recursive: true });
  await writeFile(path.join(bad, 'list'), 'v1.0.0\n');
  await writeFile(path.join(bad, 'v1.0.0.info'), '{"Version":"v1.0.0","Time":"2020-01-01T00:00:00Z"}');
  await writeFile(path.join(bad, 'v1.0.0.mod'), 'module example.com/bad\n');
  await writeZipFile(path.join(bad, 'v1.0.0.zip'), {
    'example.com/bad@v1.0.0/go.mod': 'module example.com/bad\n',
    'example.com/evil@v1.0.0/x.go': 'package x\n',
  });
  http = createHttpClient({ retries: 0, timeoutMs: 10_000 });
});

afterAll(async () => {
  await http?.close();
  await proxy?.close();
  await makeWritable(tmp);
  await rm(tmp, { recursive: true, force: true });
});

interface World {
  readonly dir: string;
  readonly mc: string;
  readonly goSumFile: string;
  readonly goSum: GoSumState;
  readonly fetcher: Fetcher;
  readonly logs: string[];
  close(): Promise<void>;
}

let worldNo = 0;

/** world makes a fresh module cache and go.sum, and a Fetcher over the test proxy. */
async function world(
  options: {
    goSum?: string;
    goproxy?: string;
    sumdb?: SumDB;
    modcache?: string;
    signal?: AbortSignal;
    cmdName?: string;
  } = {},
): Promise<World> {
  const dir = path.join(tmp, `w${++worldNo}`);
  await mkdir(dir, { recursive: true });
  const mc = options.modcache ?? path.join(dir, 'modcache');
  const goSumFile = path.join(dir, 'go.sum');
  if (options.goSum !== undefined) await writeFile(goSumFile, options.goSum);
  const locker = modcache.createFileLocker();
  const logs: string[] = [];
  const goSum = new GoSumState({
    file: goSumFile,
    locker,
    sideLock: modcache.sideLockPath(mc),
    onLog: (l) => logs.push(l),
  });
  const client = createGoproxyClient({ fetch: http, proxy: options.goproxy ?? proxy.url });
  const fetcher = createFetcher({
    modcache: mc,
    client,
    locker,
    goSum,
    ...(options.sumdb ? { sumdb: options.sumdb } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    cmdName: options.cmdName ?? 'mod download',
    onLog: (l) => logs.push(l),
  });
  return { dir, mc, goSumFile, goSum, fetcher, logs, close: () => locker.close() };
}

/** requestsFor counts the proxy requests for one path since index from. */
const requestsFor = (p: string, from = 0) => proxy.requests.slice(from).filter((r) => r.path === p).length;

async function rejection(p: Promise<unknown>): Promise<Error & { code?: string; fields?: Record<string, unknown> }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected a rejection');
}

describe('go.sum state (which sums get written)', () => {
  it('records new sums and writes only those of kept modules, sorted', async () => {
    const w = await world({ goSum: '' });
    try {
      await w.fetcher.goMod(QUOTE.path, QUOTE.version);
      await w.fetcher.download(QUOTE);
      await w.fetcher.goMod(SAMPLER.path, SAMPLER.version);
      // Only quote is kept: sampler's go.mod sum was checked but is not needed.
      await w.goSum.write(new Set(['rsc.io/quote v1.5.2', 'rsc.io/quote v1.5.2/go.mod']), false);
      expect(await readFile(w.goSumFile, 'utf8')).toBe(
        `rsc.io/quote v1.5.2 ${quoteSum.zipH1}\nrsc.io/quote v1.5.2/go.mod ${quoteSum.goModH1}\n`,
      );
    } finally {
      await w.close();
    }
  });

  it('keeps sums already in go.sum (used or not) until they are trimmed', async () => {
    const recorded = `rsc.io/sampler v1.3.0/go.mod ${samplerSum.goModH1}\nexample.com/old v1.0.0 h1:abc=\n`;
    const w = await world({ goSum: recorded });
    try {
      await w.fetcher.goMod(QUOTE.path, QUOTE.version);
      await w.goSum.write(new Set(['rsc.io/quote v1.5.2/go.mod']), false);
      expect(await readFile(w.goSumFile, 'utf8')).toBe(
        `example.com/old v1.0.0 h1:abc=\nrsc.io/quote v1.5.2/go.mod ${quoteSum.goModH1}\nrsc.io/sampler v1.3.0/go.mod ${samplerSum.goModH1}\n`,
      );
      await w.goSum.trim(new Set(['rsc.io/quote v1.5.2/go.mod']));
      await w.goSum.write(new Set(['rsc.io/quote v1.5.2/go.mod']), false);
      expect(await readFile(w.goSumFile, 'utf8')).toBe(`rsc.io/quote v1.5.2/go.mod ${quoteSum.goModH1}\n`);
    } finally {
      await w.close();
    }
  });

  it('does not create or touch go.sum when nothing new is kept', async () => {
    const w = await world();
    try {
      await w.fetcher.goMod(QUOTE.path, QUOTE.version);
      await w.goSum.write(new Set(), false);
      expect(existsSync(w.goSumFile)).toBe(false);
    } finally {
      await w.close();
    }
  });

  it('-mod=readonly: a needed update is the go command error, and go.sum stays as it was', async () => {
    const w = await world({ goSum: '' });
    try {
      await w.fetcher.goMod(QUOTE.path, QUOTE.version);
      const e = await rejection(w.goSum.write(new Set(['rsc.io/quote v1.5.2/go.mod']), true));
      expect(e.code).toBe('ERR_MODFETCH_GOSUM_DIRTY');
      expect(e.message).toBe(GO_SUM_DIRTY);
      expect(await readFile(w.goSumFile, 'utf8')).toBe('');
    } finally {
      await w.close();
    }
  });

  it('merges lines another process added to go.sum meanwhile', async () => {
    const w = await world({ goSum: '' });
    try {
      await w.fetcher.goMod(QUOTE.path, QUOTE.version);
      await writeFile(w.goSumFile, `rsc.io/sampler v1.3.0 ${samplerSum.zipH1}\n`);
      await w.goSum.write(new Set(['rsc.io/quote v1.5.2/go.mod']), false);
      expect(await readFile(w.goSumFile, 'utf8')).toBe(
        `rsc.io/quote v1.5.2/go.mod ${quoteSum.goModH1}\nrsc.io/sampler v1.3.0 ${samplerSum.zipH1}\n`,
      );
    } finally {
      await w.close();
    }
  });

  it('warns about hashes of an unknown algorithm and adds the h1 hash beside them', async () => {
    const w = await world({ goSum: 'rsc.io/quote v1.5.2/go.mod h2:unknown=\n' });
    try {
      await w.fetcher.goMod(QUOTE.path, QUOTE.version);
      expect(w.logs).toEqual([
        `warning: verifying rsc.io/quote@v1.5.2/go.mod: unknown hashes in go.sum: h2:unknown=; adding ${quoteSum.goModH1}\n\nSECURITY WARNING\nThis download is listed in go.sum, but using an unknown hash algorithm.\nThe download cannot be verified.\n\nFor more information, see 'go help module-auth'.\n\n`,
      ]);
      await w.goSum.write(new Set(['rsc.io/quote v1.5.2/go.mod']), false);
      expect(await readFile(w.goSumFile, 'utf8')).toBe(
        `rsc.io/quote v1.5.2/go.mod ${quoteSum.goModH1}\nrsc.io/quote v1.5.2/go.mod h2:unknown=\n`,
      );
    } finally {
      await w.close();
    }
  });

  it('without a main module (go.sum "") nothing is checked against or written to a go.sum', async () => {
    const dir = path.join(tmp, 'nomain');
    const locker = modcache.createFileLocker();
    try {
      const goSum = new GoSumState({ file: '', locker });
      const f = createFetcher({
        modcache: path.join(dir, 'mc'),
        client: createGoproxyClient({ fetch: http, proxy: proxy.url }),
        locker,
        goSum,
      });
      await f.download(QUOTE);
      expect(await goSum.hasSum(QUOTE)).toBe(false);
      await goSum.write(new Set(['rsc.io/quote v1.5.2']), false);
      expect(await readdir(dir)).toEqual(['mc']);
    } finally {
      await locker.close();
    }
  });
});

describe('security errors', () => {
  it('a go.sum mismatch for the zip is the fatal SECURITY ERROR, and nothing is cached', async () => {
    const w = await world({ goSum: `rsc.io/quote v1.5.2 ${WRONG}\n` });
    try {
      const e = await rejection(w.fetcher.download(QUOTE));
      expect(isFatal(e)).toBe(true);
      expect(e.code).toBe('ERR_GOSUM_MISMATCH');
      expect(e.message).toBe(
        `verifying rsc.io/quote@v1.5.2: checksum mismatch\n\tdownloaded: ${quoteSum.zipH1}\n\tgo.sum:     ${WRONG}\n\nSECURITY ERROR\nThis download does NOT match an earlier download recorded in go.sum.\nThe bits may have been replaced on the origin server, or an attacker may\nhave intercepted the download attempt.\n\nFor more information, see 'go help module-auth'.\n`,
      );
      const v = path.join(w.mc, 'cache/download/rsc.io/quote/@v');
      const names = await readdir(v);
      expect(names.filter((n) => n.startsWith('v1.5.2.zip'))).toEqual([]);
      expect(existsSync(path.join(w.mc, 'rsc.io/quote@v1.5.2'))).toBe(false);
    } finally {
      await w.close();
    }
  });

  it('a go.sum mismatch for a go.mod is fatal and the go.mod is not cached', async () => {
    const w = await world({ goSum: `rsc.io/quote v1.5.2/go.mod ${WRONG}\n` });
    try {
      const e = await rejection(w.fetcher.goMod(QUOTE.path, QUOTE.version));
      expect(isFatal(e)).toBe(true);
      expect(e.message).toMatch(/^verifying rsc\.io\/quote@v1\.5\.2\/go\.mod: checksum mismatch\n\tdownloaded: h1:/);
      expect(existsSync(path.join(w.mc, 'cache/download/rsc.io/quote/@v/v1.5.2.mod'))).toBe(false);
    } finally {
      await w.close();
    }
  });

  it('a cached go.mod that no longer matches go.sum is refused', async () => {
    const w = await world({ goSum: '' });
    try {
      await w.fetcher.goMod(QUOTE.path, QUOTE.version);
      const file = path.join(w.mc, 'cache/download/rsc.io/quote/@v/v1.5.2.mod');
      await writeFile(file, 'module rsc.io/quote\n// edited\n');
      const w2 = await world({ goSum: `rsc.io/quote v1.5.2/go.mod ${quoteSum.goModH1}\n`, modcache: w.mc });
      try {
        const e = await rejection(w2.fetcher.goMod(QUOTE.path, QUOTE.version));
        expect(e.code).toBe('ERR_GOSUM_MISMATCH');
        expect(e.message).toContain(`downloaded: ${hashGoMod('module rsc.io/quote\n// edited\n')}`);
      } finally {
        await w2.close();
      }
    } finally {
      await w.close();
    }
  });

  it('a database that disagrees is a SECURITY ERROR for that module (not fatal), from the database', async () => {
    const db = await startTestSumdb({
      fixtures: ['rsc.io/quote@v1.5.2', 'rsc.io/sampler@v1.3.0'],
      wrong: ['rsc.io/quote@v1.5.2'],
    });
    const sumdb = createSumDB({
      gosumdb: db.gosumdb,
      gonosumdb: '',
      gopath: path.join(tmp, 'sumdb-gopath-1'),
      proxies: [{ url: proxy.url, fallBackOnError: false }],
      fetch: http,
      modcache: path.join(tmp, 'sumdb-mc-1'),
    })!;
    const w = await world({ goSum: '', sumdb, modcache: path.join(tmp, 'sumdb-mc-1') });
    try {
      await w.fetcher.download(SAMPLER);
      const e = await rejection(w.fetcher.downloadZip(QUOTE));
      expect(isFatal(e)).toBe(false);
      expect(e.code).toBe('ERR_SUMDB_CHECKSUM_MISMATCH');
      expect(e.message).toBe(
        `rsc.io/quote@v1.5.2: verifying module: checksum mismatch\n\tdownloaded: ${quoteSum.zipH1}\n\tlocalhost.localdev/sumdb: h1:wrong\n\nSECURITY ERROR\nThis download does NOT match the one reported by the checksum server.\nThe bits may have been replaced on the origin server, or an attacker may\nhave intercepted the download attempt.\n\nFor more information, see 'go help module-auth'.\n`,
      );
      // The refused hash is not a verified sum, and the zip was not cached.
      expect(await w.goSum.hasSum(QUOTE)).toBe(false);
      const names = await readdir(path.join(w.mc, 'cache/download/rsc.io/quote/@v'));
      expect(names.filter((n) => n.includes('.zip'))).toEqual([]);
    } finally {
      await w.close();
      await db.close();
    }
  });

  it('a recorded .ziphash that disagrees with go.sum stops the command (checkMod)', async () => {
    const w = await world({ goSum: '' });
    try {
      await w.fetcher.download(QUOTE);
      const other = `rsc.io/quote v1.5.2 ${quoteSum.zipH1}\n`;
      await writeFile(path.join(w.mc, 'cache/download/rsc.io/quote/@v/v1.5.2.ziphash'), samplerSum.zipH1);
      const w2 = await world({ goSum: other, modcache: w.mc });
      try {
        const e = await rejection(w2.fetcher.download(QUOTE));
        expect(isFatal(e)).toBe(true);
        expect(e.message).toMatch(/^verifying rsc\.io\/quote@v1\.5\.2: checksum mismatch/);
      } finally {
        await w2.close();
      }
    } finally {
      await w.close();
    }
  });

  it('a .ziphash of another algorithm is an unexpected ziphash; a torn one is recomputed', async () => {
    const w = await world();
    try {
      await w.fetcher.download(QUOTE);
      const zh = path.join(w.mc, 'cache/download/rsc.io/quote/@v/v1.5.2.ziphash');
      await writeFile(zh, 'h2' + quoteSum.zipH1.slice(2));
      const w2 = await world({ modcache: w.mc });
      try {
        const e = await rejection(w2.fetcher.download(QUOTE));
        expect(e.code).toBe('ERR_MODFETCH_VERIFY');
        expect(e.message).toBe(`verifying rsc.io/quote@v1.5.2: unexpected ziphash: "h2${quoteSum.zipH1.slice(2)}"`);
      } finally {
        await w2.close();
      }
      await writeFile(zh, quoteSum.zipH1.slice(0, 20) + '\0'.repeat(27));
      const w3 = await world({ modcache: w.mc });
      try {
        await w3.fetcher.download(QUOTE);
        expect(await readFile(zh, 'utf8')).toBe(quoteSum.zipH1);
      } finally {
        await w3.close();
      }
    } finally {
      await w.close();
    }
  });

  it('a zip with a file outside path@version/ is refused before anything is cached', async () => {
    const w = await world();
    try {
      const e = await rejection(w.fetcher.downloadZip({ path: 'example.com/bad', version: 'v1.0.0' }));
      expect(e.code).toBe('ERR_MODFETCH_ZIP_UNEXPECTED_FILE');
      expect(e.message).toBe('zip for example.com/bad@v1.0.0 has unexpected file example.com/evil@v1.0.0/x.go');
      const names = await readdir(path.join(w.mc, 'cache/download/example.com/bad/@v'));
      expect(names.filter((n) => n.includes('.zip'))).toEqual([]);
    } finally {
      await w.close();
    }
  });
});

describe('concurrent fetches', () => {
  it('run once per version, however many callers', async () => {
    const w = await world();
    const from = proxy.requests.length;
    try {
      const calls = Array.from({ length: 12 }, (_, i) =>
        i % 3 === 0
          ? w.fetcher.download(QUOTE)
          : i % 3 === 1
            ? w.fetcher.downloadZip(QUOTE)
            : w.fetcher.goMod(QUOTE.path, QUOTE.version),
      );
      await Promise.all(calls);
      await Promise.all([w.fetcher.stat(QUOTE.path, QUOTE.version), w.fetcher.stat(QUOTE.path, QUOTE.version)]);
      expect(requestsFor('rsc.io/quote/@v/v1.5.2.zip', from)).toBe(1);
      expect(requestsFor('rsc.io/quote/@v/v1.5.2.mod', from)).toBe(1);
      expect(requestsFor('rsc.io/quote/@v/v1.5.2.info', from)).toBe(1);
    } finally {
      await w.close();
    }
  });

  it('two fetchers sharing a cache (two processes) download once: the second waits on the lock', async () => {
    const mc = path.join(tmp, 'shared-mc');
    const a = await world({ modcache: mc });
    const b = await world({ modcache: mc });
    const from = proxy.requests.length;
    try {
      const [da, db] = await Promise.all([a.fetcher.download(SAMPLER), b.fetcher.download(SAMPLER)]);
      expect(da).toBe(db);
      expect(requestsFor('rsc.io/sampler/@v/v1.3.0.zip', from)).toBe(1);
      expect(await readFile(path.join(da, 'go.mod'), 'utf8')).toContain('module "rsc.io/sampler"');
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('interrupted and partial downloads', () => {
  it('removes temporary zips of interrupted downloads', async () => {
    const w = await world();
    try {
      await w.fetcher.goMod(QUOTE.path, QUOTE.version);
      const v = path.join(w.mc, 'cache/download/rsc.io/quote/@v');
      await writeFile(path.join(v, 'v1.5.2.zip123456.tmp'), 'partial');
      await w.fetcher.downloadZip(QUOTE);
      expect((await readdir(v)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      await w.close();
    }
  });

  it('re-hashes a cached zip whose .ziphash was lost, without downloading it again', async () => {
    const w = await world();
    try {
      await w.fetcher.downloadZip(QUOTE);
      const zh = path.join(w.mc, 'cache/download/rsc.io/quote/@v/v1.5.2.ziphash');
      await rm(zh);
      const w2 = await world({ modcache: w.mc });
      const from = proxy.requests.length;
      try {
        await w2.fetcher.downloadZip(QUOTE);
        expect(requestsFor('rsc.io/quote/@v/v1.5.2.zip', from)).toBe(0);
        expect(await readFile(zh, 'utf8')).toBe(quoteSum.zipH1);
      } finally {
        await w2.close();
      }
    } finally {
      await w.close();
    }
  });

  it('re-extracts a tree left partial (the .partial marker) and removes old temporary trees', async () => {
    const w = await world();
    try {
      const dir = await w.fetcher.download(QUOTE);
      await makeWritable(dir);
      await rm(path.join(dir, 'go.mod'));
      await writeFile(path.join(w.mc, 'cache/download/rsc.io/quote/@v/v1.5.2.partial'), '');
      await mkdir(dir + '.tmp-123', { recursive: true });
      const w2 = await world({ modcache: w.mc });
      try {
        expect(await w2.fetcher.download(QUOTE)).toBe(dir);
        expect(existsSync(path.join(dir, 'go.mod'))).toBe(true);
        expect(existsSync(path.join(w.mc, 'cache/download/rsc.io/quote/@v/v1.5.2.partial'))).toBe(false);
        expect(existsSync(dir + '.tmp-123')).toBe(false);
        expect((await stat(dir)).mode & 0o222).toBe(0);
      } finally {
        await w2.close();
      }
    } finally {
      await w.close();
    }
  });

  it('a zip cut off mid-body leaves nothing behind, and the next attempt succeeds', async () => {
    const w = await world();
    try {
      proxy.setFault('rsc.io/sampler/@v/v1.3.0.zip', { kind: 'truncate' }, 1);
      const e = await rejection(w.fetcher.downloadZip(SAMPLER));
      expect(e.code).toBe('ERR_GOPROXY_ZIP_TRUNCATED');
      expect(e.message).toMatch(
        /^rsc\.io\/sampler@v1\.3\.0: read "http:\/\/127\.0\.0\.1:\d+\/mod\/rsc\.io\/sampler\/@v\/v1\.3\.0\.zip": /,
      );
      const v = path.join(w.mc, 'cache/download/rsc.io/sampler/@v');
      expect((await readdir(v)).filter((n) => n.includes('.zip'))).toEqual([]);
      // The Fetcher remembers the failure for this run (par.Cache); a new run retries.
      const w2 = await world({ modcache: w.mc });
      try {
        await w2.fetcher.downloadZip(SAMPLER);
        expect(await readFile(path.join(v, 'v1.3.0.ziphash'), 'utf8')).toBe(samplerSum.zipH1);
      } finally {
        await w2.close();
      }
    } finally {
      await w.close();
    }
  });

  it('an unusable zip in the cache fails extraction without leaving a tree or .partial', async () => {
    const w = await world();
    try {
      await w.fetcher.downloadZip(SAMPLER);
      await writeFile(path.join(w.mc, 'cache/download/rsc.io/sampler/@v/v1.3.0.zip'), '');
      const w2 = await world({ modcache: w.mc });
      try {
        const e = await rejection(w2.fetcher.download(SAMPLER));
        expect(e.message).toMatch(/^unzip .*v1\.3\.0\.zip: zip: not a valid zip file$/);
        expect(w2.logs).toEqual([`-> ${e.message}`]);
        expect(existsSync(path.join(w.mc, 'rsc.io/sampler@v1.3.0'))).toBe(false);
        expect(existsSync(path.join(w.mc, 'cache/download/rsc.io/sampler/@v/v1.3.0.partial'))).toBe(false);
      } finally {
        await w2.close();
      }
    } finally {
      await w.close();
    }
  });
});

describe('lock contention with other processes', () => {
  /** holdLock flocks file in a child process (flock(1), as the go command would) until release. */
  async function holdLock(file: string): Promise<{ release(): Promise<void> }> {
    await mkdir(path.dirname(file), { recursive: true });
    const child = spawn('flock', ['--exclusive', file, 'sh', '-c', 'echo locked; read line'], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    await once(child.stdout, 'data');
    return {
      async release() {
        const exited = once(child, 'exit');
        child.stdin.end('\n');
        await exited;
      },
    };
  }

  it('waits for a version lock held by another process, then finishes', async () => {
    const w = await world();
    try {
      await w.fetcher.goMod(SAMPLER.path, SAMPLER.version);
      const holder = await holdLock(path.join(w.mc, 'cache/download/rsc.io/sampler/@v/v1.3.0.lock'));
      const events: string[] = [];
      const dl = w.fetcher.download(SAMPLER).then((d) => {
        events.push('downloaded');
        return d;
      });
      // Give the download every chance to (wrongly) proceed while the lock is held.
      await new Promise((r) => setTimeout(r, 150));
      events.push('released');
      await holder.release();
      const dir = await dl;
      expect(events).toEqual(['released', 'downloaded']);
      expect(existsSync(path.join(dir, 'go.mod'))).toBe(true);
    } finally {
      await w.close();
    }
  });

  it('gives up waiting when interrupted, with the go command style lock error', async () => {
    const ac = new AbortController();
    const w = await world({ signal: ac.signal });
    try {
      await w.fetcher.goMod(SAMPLER.path, SAMPLER.version);
      const lock = path.join(w.mc, 'cache/download/rsc.io/sampler/@v/v1.3.0.lock');
      const holder = await holdLock(lock);
      try {
        const p = w.fetcher.downloadZip(SAMPLER);
        setTimeout(() => ac.abort(), 50);
        const e = await rejection(p);
        expect(e.code).toBe('ERR_MODCACHE_LOCK');
        expect(e.message).toBe(`lock ${lock}: interrupted`);
      } finally {
        await holder.release();
      }
    } finally {
      await w.close();
    }
  });
});

describe('bad input names the module, the version and the URL', () => {
  it('invalid versions', async () => {
    const w = await world();
    try {
      for (const call of [
        w.fetcher.infoFile('rsc.io/quote', 'master'),
        w.fetcher.goModFile('rsc.io/quote', 'master'),
        w.fetcher.goModSum('rsc.io/quote', 'master'),
      ]) {
        const e = await rejection(call);
        expect(e.code).toBe('ERR_MODFETCH_BAD_VERSION');
        expect(e.message).toBe('invalid version "master"');
      }
      const e = await rejection(w.fetcher.downloadZip({ path: 'rsc.io/quote', version: 'v1.5' }));
      expect(e.message).toBe('non-canonical module version "v1.5"');
    } finally {
      await w.close();
    }
  });

  it('a version the proxy does not have', async () => {
    const w = await world();
    try {
      const e = await rejection(w.fetcher.goMod('rsc.io/quote', 'v9.9.9'));
      expect(e.code).toBe('ERR_GOPROXY_NOT_FOUND');
      expect(e.message).toBe(
        `rsc.io/quote@v9.9.9: reading ${proxy.url}/rsc.io/quote/@v/v9.9.9.mod: 404 Not Found\n\tserver response: not found: rsc.io/quote/@v/v9.9.9.mod`,
      );
      expect(e.fields).toMatchObject({ path: 'rsc.io/quote', version: 'v9.9.9', status: 404 });
    } finally {
      await w.close();
    }
  });

  it('an HTML page instead of a zip', async () => {
    const w = await world();
    try {
      proxy.setFault('golang.org/x/text/@v/v0.0.0-20170915032832-14c0d48ead0c.zip', { kind: 'html' }, 1);
      const e = await rejection(
        w.fetcher.downloadZip({ path: 'golang.org/x/text', version: 'v0.0.0-20170915032832-14c0d48ead0c' }),
      );
      expect(e.message).toBe(
        `golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c: ${proxy.url}/golang.org/x/text/@v/v0.0.0-20170915032832-14c0d48ead0c.zip: zip: not a valid zip file`,
      );
    } finally {
      await w.close();
    }
  });

  it('an invalid module path', async () => {
    const w = await world();
    try {
      const e = await rejection(w.fetcher.goMod('rsc.io/Quote\u0000', 'v1.0.0'));
      expect(e.message).toMatch(/^malformed module path "rsc\.io\/Quote\\x00": invalid char '\\x00'$/);
    } finally {
      await w.close();
    }
  });

  it('an unwritable module cache', async () => {
    const mc = path.join(tmp, 'ro-mc');
    await mkdir(mc, { recursive: true });
    await chmod(mc, 0o555);
    const w = await world({ modcache: mc });
    try {
      if (process.getuid?.() === 0) {
        // root writes anyway: the download must then simply work.
        await w.fetcher.download(QUOTE);
        return;
      }
      const e = await rejection(w.fetcher.download(QUOTE));
      expect(e.message).toContain('permission denied');
    } finally {
      await w.close();
      await chmod(mc, 0o755);
    }
  });
});

describe('GOSUMDB, GONOSUMDB, GOPRIVATE and GOFLAGS', () => {
  let db: TestSumdb;
  beforeAll(async () => {
    db = await startTestSumdb({
      fixtures: [
        'rsc.io/quote@v1.5.2',
        'rsc.io/sampler@v1.3.0',
        'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c',
      ],
      wrong: ['rsc.io/quote@v1.5.2'],
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('createSumDB: GOSUMDB=off is no database; GONOSUMDB patterns skip it per module path', async () => {
    expect(
      createSumDB({ gosumdb: 'off', gonosumdb: '', gopath: '', proxies: [], fetch: http, modcache: '/x' }),
    ).toBeUndefined();
    const s = createSumDB({
      gosumdb: db.gosumdb,
      gonosumdb: '*/quote,golang.org/x',
      gopath: path.join(tmp, 'gp-s'),
      proxies: [{ url: 'direct', fallBackOnError: false }],
      fetch: http,
      modcache: path.join(tmp, 'mc-s'),
    })!;
    expect([s.use('rsc.io/quote'), s.use('rsc.io/sampler'), s.use('golang.org/x/text')]).toEqual([false, true, false]);
    expect(() =>
      createSumDB({ gosumdb: 'a b c', gonosumdb: '', gopath: '', proxies: [], fetch: http, modcache: '/x' }),
    ).toThrow('invalid GOSUMDB: too many fields');
  });

  /** env is a go environment for in-process `mod download` runs against the test proxy and database. */
  async function cliEnv(extra: Record<string, string>): Promise<{ cwd: string; env: Record<string, string> }> {
    const root = path.join(tmp, `cli${++worldNo}`);
    const cwd = path.join(root, 'm');
    await mkdir(cwd, { recursive: true });
    // The modules downloaded below are required, so go.sum keeps their sums.
    await writeFile(
      path.join(cwd, 'go.mod'),
      'module example.com/m\n\ngo 1.19\n\nrequire (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.3.0\n)\n',
    );
    return {
      cwd,
      env: {
        GOENV: 'off',
        GOPATH: path.join(root, 'gopath'),
        GOMODCACHE: path.join(root, 'gopath', 'pkg', 'mod'),
        GOPROXY: proxy.url,
        GOSUMDB: db.gosumdb,
        GONOSUMDB: '',
        GOPRIVATE: '',
        GONOPROXY: '',
        GOFLAGS: '',
        ...extra,
      },
    };
  }

  it('consults the database for every module unless GONOSUMDB (or GOPRIVATE) matches, and not at all with GOSUMDB=off', async () => {
    const args = ['mod', 'download', 'rsc.io/quote@v1.5.2', 'rsc.io/sampler@v1.3.0'];
    let from = db.requests.length;
    const checked = await cliEnv({});
    const r1 = await run(args, checked);
    expect(r1.code).toBe(1);
    // The go.mod is verified first (and the database's record for quote is all wrong).
    expect(r1.stderr).toContain('modrescue: rsc.io/quote@v1.5.2: verifying go.mod: checksum mismatch');
    expect(db.requests.slice(from).filter((p) => p.startsWith('/lookup/'))).toEqual(
      expect.arrayContaining(['/lookup/rsc.io/quote@v1.5.2', '/lookup/rsc.io/sampler@v1.3.0']),
    );

    from = db.requests.length;
    const skipped = await cliEnv({ GONOSUMDB: 'rsc.io/quote' });
    const r2 = await run(args, skipped);
    expect(r2).toMatchObject({ code: 0, stderr: '' });
    expect(db.requests.slice(from).filter((p) => p.startsWith('/lookup/'))).toEqual(['/lookup/rsc.io/sampler@v1.3.0']);

    from = db.requests.length;
    const priv = await cliEnv({ GOPRIVATE: 'rsc.io/quote', GONOPROXY: 'none' });
    const r3 = await run(args, priv);
    expect(r3).toMatchObject({ code: 0, stderr: '' });
    expect(db.requests.slice(from).filter((p) => p.startsWith('/lookup/'))).toEqual(['/lookup/rsc.io/sampler@v1.3.0']);

    from = db.requests.length;
    const off = await cliEnv({ GOSUMDB: 'off' });
    const r4 = await run(args, off);
    expect(r4).toMatchObject({ code: 0, stderr: '' });
    expect(db.requests.length).toBe(from);
    // go.sum records what was verified (no database: what was downloaded).
    expect(await readFile(path.join(off.cwd, 'go.sum'), 'utf8')).toContain(`rsc.io/quote v1.5.2 ${quoteSum.zipH1}\n`);
  });

  it('GOFLAGS: -modcacherw keeps the tree writable; -mod=readonly does not stop mod download from updating go.sum', async () => {
    const rw = await cliEnv({ GOSUMDB: 'off', GOFLAGS: '-modcacherw -mod=readonly' });
    const r = await run(['mod', 'download', 'rsc.io/sampler@v1.3.0'], rw);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const dir = path.join(rw.env['GOMODCACHE']!, 'rsc.io/sampler@v1.3.0');
    expect((await stat(dir)).mode & 0o200).toBe(0o200);
    expect(await readFile(path.join(rw.cwd, 'go.sum'), 'utf8')).toContain('rsc.io/sampler v1.3.0 ');
    const ro = await cliEnv({ GOSUMDB: 'off' });
    expect((await run(['mod', 'download', 'rsc.io/sampler@v1.3.0'], ro)).code).toBe(0);
    expect((await stat(path.join(ro.env['GOMODCACHE']!, 'rsc.io/sampler@v1.3.0'))).mode & 0o222).toBe(0);
  });

  it('an unusable GOSUMDB is reported before anything is downloaded', async () => {
    const bad = await cliEnv({ GOSUMDB: 'a b c' });
    const from = proxy.requests.length;
    const r = await run(['mod', 'download', 'rsc.io/sampler@v1.3.0'], bad);
    expect(r).toMatchObject({ code: 1, stderr: 'modrescue: invalid GOSUMDB: too many fields\n' });
    expect(proxy.requests.length).toBe(from);
  });
});
