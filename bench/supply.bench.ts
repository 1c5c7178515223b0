/**
 * Module supply benchmarks against the go command (Debian's Go 1.19), each side measured
 * alternately in the same run:
 *
 *  - `mod verify` on one module cache holding more than 300 MB of modules (zips plus
 *    extracted trees): generated modules served from a file:// proxy, downloaded once by
 *    the go command in setup; both commands then hash the same cache (GOPROXY=off).
 *  - `mod download` of 200 modules from a loopback HTTP proxy (test/support's server),
 *    into a fresh module cache for every run; go.sum is complete, GOSUMDB=off.
 *
 * The CLI is MODRESCUE_DIST (default <repo>/dist). Sizes: SUPPLY_VERIFY_MODULES (default
 * 32 modules of ~8 MB of source each) and SUPPLY_DOWNLOAD_MODULES (default 200).
 */
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import yazl from 'yazl';
import { isolatedGoEnv, mustSucceed, timeProcess, writeCliDriver, type Benchmark } from './harness.js';
import { makeWritable } from '../test/support/go.js';
import { startTestProxy, type TestProxy } from '../test/support/proxy-server.js';

const VERIFY_N = Number(process.env['SUPPLY_VERIFY_MODULES'] ?? 32);
const DOWNLOAD_N = Number(process.env['SUPPLY_DOWNLOAD_MODULES'] ?? 200);

/** A deterministic pseudo-random generator so every run builds the same modules. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

const WORDS = 'func return if else for range var const type struct interface map chan go defer select case'.split(' ');

/** sourceText makes Go-looking text of about n bytes (compresses like source code). */
function sourceText(rand: () => number, n: number): string {
  const parts: string[] = [];
  let size = 0;
  while (size < n) {
    const line = `\t${WORDS[Math.floor(rand() * WORDS.length)]} x${Math.floor(rand() * 1e6)} = ${Math.floor(rand() * 1e9)} // ${rand().toString(36).slice(2)}\n`;
    parts.push(line);
    size += line.length;
  }
  return parts.join('');
}

/** writeModule writes @v/{list,info,mod,zip} of path@v1.0.0 into a GOPROXY tree. */
async function writeModule(
  proxy: string,
  modPath: string,
  files: number,
  fileBytes: number,
  seed: number,
): Promise<void> {
  const dir = path.join(proxy, modPath, '@v');
  await mkdir(dir, { recursive: true });
  const gomod = `module ${modPath}\n\ngo 1.19\n`;
  await writeFile(path.join(dir, 'list'), 'v1.0.0\n');
  await writeFile(path.join(dir, 'v1.0.0.info'), '{"Version":"v1.0.0","Time":"2024-01-01T00:00:00Z"}\n');
  await writeFile(path.join(dir, 'v1.0.0.mod'), gomod);
  const zip = new yazl.ZipFile();
  const prefix = `${modPath}@v1.0.0/`;
  zip.addBuffer(Buffer.from(gomod), prefix + 'go.mod');
  const rand = rng(seed);
  for (let i = 0; i < files; i++) {
    const sub = i % 4 === 0 ? '' : `pkg${i % 4}/`;
    zip.addBuffer(Buffer.from(`package p\n\n${sourceText(rand, fileBytes)}`), `${prefix}${sub}f${i}.go`);
  }
  zip.end();
  const out = createWriteStream(path.join(dir, 'v1.0.0.zip'));
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(out).on('close', resolve).on('error', reject);
  });
}

/** writeDriver writes a one-line CLI entry into work (removed with it); each benchmark has its own. */
async function writeDriver(work: string): Promise<string> {
  const f = path.join(work, 'modrescue.mjs');
  await writeCliDriver(f);
  return f;
}

function baseEnv(work: string, proxy: string): NodeJS.ProcessEnv {
  return {
    ...isolatedGoEnv(work),
    GOTOOLCHAIN: 'local',
    GOFLAGS: '-mod=mod',
    GOPROXY: proxy,
    GOSUMDB: 'off',
    GONOSUMDB: '*',
  };
}

async function writeMain(dir: string, mods: string[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(
    path.join(dir, 'go.mod'),
    `module bench.example.com/main\n\ngo 1.19\n\nrequire (\n${mods.map((m) => `\t${m} v1.0.0`).join('\n')}\n)\n`,
  );
}

// ---- mod verify on a large cache ----

let vWork = '';
let vEnv: NodeJS.ProcessEnv = {};
let vMain = '';
let vCli = '';

async function verifySetup(): Promise<void> {
  if (vWork) return;
  vWork = await mkdtemp(path.join(os.tmpdir(), 'modrescue-supply-verify-'));
  vCli = await writeDriver(vWork);
  const proxy = path.join(vWork, 'proxy');
  const mods = Array.from({ length: VERIFY_N }, (_, i) => `verify.example.com/big${String(i).padStart(3, '0')}`);
  // ~8 MB of source per module in 64 files: about 256 MB of trees plus the zips for 32 modules.
  for (let i = 0; i < mods.length; i++) await writeModule(proxy, mods[i]!, 64, 128 * 1024, i + 1);
  vMain = path.join(vWork, 'main');
  await writeMain(vMain, mods);
  vEnv = baseEnv(vWork, 'file://' + proxy);
  mustSucceed(
    await timeProcess('go', ['mod', 'download', 'all'], { cwd: vMain, env: vEnv }),
    'go mod download (setup)',
  );
  vEnv = { ...vEnv, GOPROXY: 'off' };
  cacheBytes = await treeBytes(path.join(vWork, 'gopath', 'pkg', 'mod'));
}

let cacheBytes = 0;

/** treeBytes adds up the sizes of the files under dir. */
async function treeBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) n += await treeBytes(p);
    else n += (await stat(p)).size;
  }
  return n;
}

async function verifySide(file: string, args: string[]) {
  const p = mustSucceed(await timeProcess(file, args, { cwd: vMain, env: vEnv }), `${file} ${args.join(' ')}`);
  if (p.stdout !== 'all modules verified\n') throw new Error(`${file} mod verify printed ${p.stdout}${p.stderr}`);
  return { ms: p.ms, maxRssKiB: p.maxRssKiB };
}

// ---- mod download from a loopback proxy ----

let dWork = '';
let dEnv: NodeJS.ProcessEnv = {};
let dMain = '';
let dCli = '';
let server: TestProxy | undefined;

async function downloadSetup(): Promise<void> {
  if (dWork) return;
  dWork = await mkdtemp(path.join(os.tmpdir(), 'modrescue-supply-download-'));
  dCli = await writeDriver(dWork);
  const proxy = path.join(dWork, 'proxy');
  const mods = Array.from({ length: DOWNLOAD_N }, (_, i) => `dl.example.com/m${String(i).padStart(3, '0')}`);
  for (let i = 0; i < mods.length; i++) await writeModule(proxy, mods[i]!, 12, 4 * 1024, 1000 + i);
  server = await startTestProxy({ root: proxy });
  dMain = path.join(dWork, 'main');
  await writeMain(dMain, mods);
  dEnv = baseEnv(dWork, server.url);
  // go.sum, once: later runs only download (and verify against it).
  mustSucceed(
    await timeProcess('go', ['mod', 'download', 'all'], { cwd: dMain, env: dEnv }),
    'go mod download (setup)',
  );
}

async function freshCache(): Promise<void> {
  const gopath = path.join(dWork, 'gopath');
  await makeWritable(gopath);
  await rm(gopath, { recursive: true, force: true });
}

async function downloadSide(file: string, args: string[]) {
  await freshCache();
  const p = mustSucceed(await timeProcess(file, args, { cwd: dMain, env: dEnv }), `${file} ${args.join(' ')}`);
  return { ms: p.ms, maxRssKiB: p.maxRssKiB };
}

const benchmarks: Benchmark[] = [
  {
    name: `mod verify (${VERIFY_N} modules, >300 MB cache)`,
    target: 'ratio <= 1.0',
    runs: 3,
    setup: verifySetup,
    ours: () => verifySide(process.execPath, [vCli, 'mod', 'verify']),
    peer: () => verifySide('go', ['mod', 'verify']),
    notes: () => [`module cache: ${(cacheBytes / 2 ** 20).toFixed(0)} MiB`],
    async teardown() {
      await makeWritable(vWork);
      await rm(vWork, { recursive: true, force: true });
      vWork = '';
    },
  },
  {
    name: `mod download (${DOWNLOAD_N} modules, loopback proxy)`,
    target: 'ratio <= 1.0',
    runs: 3,
    setup: downloadSetup,
    ours: () => downloadSide(process.execPath, [dCli, 'mod', 'download']),
    peer: () => downloadSide('go', ['mod', 'download']),
    async teardown() {
      await server?.close();
      server = undefined;
      await makeWritable(dWork);
      await rm(dWork, { recursive: true, force: true });
      dWork = '';
    },
  },
];

export default benchmarks;
