/**
 * Hash benchmark: `modrescue mod hash` of a ~200 MB module zip against `sha256sum` of
 * the same file. Ours reads the zip's central directory, inflates every entry and
 * SHA-256es the content (what go.sum's h1 needs); the peer only hashes raw bytes, so
 * it is the floor for "read 200 MB and hash it". Peak RSS of our process is printed to
 * show that memory does not grow with the zip (every entry is streamed).
 *
 * The zip is generated once into bench/.work/ (deterministic content: 1,600 files of
 * 200 KiB, half incompressible random bytes, half Go-like source text). The CLI comes from
 * MODRESCUE_DIST (default <repo>/dist), run through a two-line driver so a private
 * build can be measured.
 */
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { writeZip, type ZipWriterEntry } from '../src/mod/zip/archive.js';
import { mustSucceed, timeProcess, writeCliDriver, type Benchmark } from './harness.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(repo, 'bench', '.work');
const zipFile = path.join(work, 'hash-200mb.zip');
const driver = path.join(work, 'modrescue-driver.mjs');

const FILES = 1600;
const FILE_SIZE = 200 * 1024;
const MODULE = 'bench.example.com/bigmodule@v1.0.0';

/** xorshift32: a fast deterministic byte source for the incompressible files. */
function randomBytes(seed: number, n: number): Buffer {
  const out = Buffer.allocUnsafe(n);
  let x = seed | 1;
  for (let i = 0; i < n; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out.writeInt32LE(x | 0, Math.min(i, n - 4));
  }
  return out;
}

/** goLikeText makes compressible, source-like content (compresses about 4:1). */
function goLikeText(seed: number, n: number): Buffer {
  const words = ['func', 'return', 'err', 'nil', 'if', 'for', 'range', 'package', 'import', 'string', 'int', 'ctx'];
  let s = `package p${seed}\n\n`;
  let x = seed + 1;
  while (s.length < n) {
    x = (x * 1103515245 + 12345) >>> 0;
    s += `\t${words[x % words.length]} v${x % 997} := ${words[(x >>> 8) % words.length]}(${x % 31})\n`;
  }
  return Buffer.from(s.slice(0, n));
}

async function ensureZip(): Promise<void> {
  if (existsSync(zipFile)) return;
  await mkdir(work, { recursive: true });
  const entries: ZipWriterEntry[] = [];
  for (let i = 0; i < FILES; i++) {
    const random = i % 2 === 0;
    const name = `${MODULE}/pkg${i % 40}/${random ? 'data' : 'code'}${i}.${random ? 'bin' : 'go'}`;
    // Content is produced when yazl asks for it, so generation stays small in memory too.
    entries.push({
      name,
      data: () => Readable.from([random ? randomBytes(i + 1, FILE_SIZE) : goLikeText(i, FILE_SIZE)]),
    });
  }
  const tmp = zipFile + '.tmp';
  await writeZip(createWriteStream(tmp), entries);
  await rename(tmp, zipFile);
}

let zipBytes = 0;
const rss: number[] = [];
const peerRss: number[] = [];
let expected = '';

const benchmarks: Benchmark[] = [
  {
    name: 'mod hash: 200 MB module zip vs sha256sum',
    target: 'ratio <= 1.5',
    runs: 5,
    async setup() {
      await ensureZip();
      zipBytes = (await stat(zipFile)).size;
      await writeCliDriver(driver);
    },
    async ours() {
      const p = mustSucceed(
        await timeProcess(process.execPath, [driver, 'mod', 'hash', zipFile]),
        'modrescue mod hash',
      );
      const h = p.stdout.trim();
      if (!/^h1:[A-Za-z0-9+/]{43}=$/.test(h)) throw new Error(`unexpected output: ${p.stdout.slice(0, 200)}`);
      if (expected && h !== expected) throw new Error(`hash changed between runs: ${h} vs ${expected}`);
      expected = h;
      rss.push(p.maxRssKiB);
      return { ms: p.ms, maxRssKiB: p.maxRssKiB };
    },
    async peer() {
      const p = mustSucceed(await timeProcess('sha256sum', [zipFile], { stdoutToNull: true }), 'sha256sum');
      peerRss.push(p.maxRssKiB);
      return { ms: p.ms, maxRssKiB: p.maxRssKiB };
    },
    notes() {
      const mib = (k: number) => (k / 1024).toFixed(0);
      return [
        `zip: ${(zipBytes / 1048576).toFixed(0)} MiB, ${FILES} entries, ${mib((FILES * FILE_SIZE) / 1024)} MiB uncompressed; h1 ${expected}`,
        `peak RSS ours: max ${mib(Math.max(...rss))} MiB over ${rss.length} runs (sha256sum: ${mib(Math.max(...peerRss))} MiB)`,
      ];
    },
  },
];

export default benchmarks;
