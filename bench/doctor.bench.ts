/**
 * Doctor benchmark (issue 6 §4): a generated 300-module project (each module one package,
 * go 1.17 go.mod files; the main module imports every package) served by a loopback
 * GOPROXY and a loopback checksum database (test key) that knows every module, with a
 * module cache warmed by the go command. Compares the full `modrescue doctor` (13 checks:
 * every GOPROXY probe, 300 checksum-database lookups, 300 zips downloaded and re-hashed,
 * the cache verified, packages loaded, retractions read…) with `go list -m all && go mod
 * verify` run back to back. Target: ratio <= 1.0 while doing more. The CLI is
 * MODRESCUE_DIST (default <repo>/dist); DOCTOR_BENCH_MODULES changes the size;
 * DOCTOR_BENCH_NODE_FLAGS are passed to doctor's node (e.g. `--cpu-prof`).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mustSucceed, timeProcess, type Benchmark } from './harness.js';
import { startTestProxy, type TestProxy } from '../test/support/proxy-server.js';
import { startTestSumdb, type TestRecord, type TestSumdb } from '../test/support/sumdb.js';
import { writeZip } from '../src/mod/zip/archive.js';
import { hashGoMod, hashZip } from '../src/mod/sumdb/dirhash/index.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = process.env['MODRESCUE_DIST'] ?? path.join(repo, 'dist');
const N = Number(process.env['DOCTOR_BENCH_MODULES'] ?? 300);

let work = '';
let cli = '';
let env: NodeJS.ProcessEnv = {};
let proxy: TestProxy | undefined;
let sumdb: TestSumdb | undefined;
const checksRun: string[] = [];

const name = (i: number) => `bench.example.com/dep${String(i).padStart(3, '0')}`;

async function setup(): Promise<void> {
  if (work) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-doctor-bench-'));
  const root = path.join(work, 'proxy');
  const records: TestRecord[] = [];
  const sum: string[] = [];
  for (let i = 0; i < N; i++) {
    const p = name(i);
    const v = 'v1.0.0';
    const dir = path.join(root, p, '@v');
    await mkdir(dir, { recursive: true });
    // A few requirements on higher-numbered modules, so the graph has edges.
    const reqs = [i + 1, i + 7].filter((j) => j < N).map((j) => `\t${name(j)} v1.0.0`);
    const mod = `module ${p}\n\ngo 1.17\n${reqs.length ? `\nrequire (\n${reqs.join('\n')}\n)\n` : ''}`;
    const pkg = p.split('/').pop()!;
    const src = `package ${pkg}\n\n// Name returns the module's name.\nfunc Name() string { return ${JSON.stringify(p)} }\n`;
    await writeFile(path.join(dir, 'list'), `${v}\n`);
    await writeFile(path.join(dir, `${v}.mod`), mod);
    await writeFile(path.join(dir, `${v}.info`), JSON.stringify({ Version: v, Time: '2024-01-01T00:00:00Z' }) + '\n');
    const zip = path.join(dir, `${v}.zip`);
    await writeZip(createWriteStream(zip), [
      { name: `${p}@${v}/go.mod`, data: Buffer.from(mod) },
      { name: `${p}@${v}/${pkg}.go`, data: Buffer.from(src) },
      { name: `${p}@${v}/LICENSE`, data: Buffer.from('Copyright 2024 The Bench Authors.\n'.repeat(40)) },
    ]);
    const h1 = await hashZip(zip);
    const goModH1 = hashGoMod(new Uint8Array(await readFile(path.join(dir, `${v}.mod`))));
    records.push({ path: p, version: v, h1, goModH1 });
    sum.push(`${p} ${v} ${h1}`, `${p} ${v}/go.mod ${goModH1}`);
  }
  proxy = await startTestProxy({ root });
  sumdb = await startTestSumdb({ records });

  const mainDir = path.join(work, 'main');
  await mkdir(mainDir, { recursive: true });
  const all = Array.from({ length: N }, (_, i) => name(i));
  await writeFile(
    path.join(mainDir, 'go.mod'),
    `module bench.example.com/main\n\ngo 1.19\n\nrequire (\n${all.map((p) => `\t${p} v1.0.0`).join('\n')}\n)\n`,
  );
  await writeFile(path.join(mainDir, 'go.sum'), sum.sort().join('\n') + '\n');
  await writeFile(
    path.join(mainDir, 'main.go'),
    `package main\n\nimport (\n${all.map((p) => `\t${JSON.stringify(p)}`).join('\n')}\n)\n\nfunc main() {\n${all.map((p) => `\tprintln(${p.split('/').pop()}.Name())`).join('\n')}\n}\n`,
  );
  cli = path.join(work, 'modrescue.mjs');
  await writeFile(
    cli,
    `import { main } from ${JSON.stringify(path.join(dist, 'cli', 'main.js'))};\n` +
      'process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });\n',
  );
  env = {
    PATH: process.env['PATH'],
    HOME: path.join(work, 'home'),
    GOENV: 'off',
    GOPATH: path.join(work, 'gopath'),
    GOMODCACHE: path.join(work, 'gopath', 'pkg', 'mod'),
    GOCACHE: path.join(work, 'gocache'),
    GO111MODULE: 'on',
    GOWORK: 'off',
    GOTOOLCHAIN: 'local',
    GOFLAGS: '',
    GOPROXY: proxy.url,
    GOSUMDB: sumdb.gosumdb,
    TMPDIR: os.tmpdir(),
  };
  await mkdir(env['HOME']!, { recursive: true });
  // Warm the module cache with the go command, as an engineer's machine would be.
  mustSucceed(
    await timeProcess('go', ['mod', 'download'], { cwd: mainDir, env, stdoutToNull: true }),
    'go mod download (warm-up)',
  );
}

async function ours() {
  // DOCTOR_BENCH_NODE_FLAGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles doctor's process.
  const flags = (process.env['DOCTOR_BENCH_NODE_FLAGS'] ?? '').split(' ').filter((f) => f !== '');
  const p = await timeProcess(process.execPath, [...flags, cli, 'doctor', '--json', '--timeout', '120s'], {
    cwd: path.join(work, 'main'),
    env,
  });
  if (p.stdout.trim() === '') throw new Error(`doctor printed nothing (exit ${p.code}): ${p.stderr.slice(0, 2000)}`);
  const doc = JSON.parse(p.stdout) as { checks: Array<{ id: string; status: string; summary: string }> };
  const bad = doc.checks.filter((c) => c.status !== 'pass');
  if (p.code !== 0 || bad.length > 0) {
    throw new Error(`doctor exited ${p.code}: ${bad.map((c) => `${c.id} ${c.status}: ${c.summary}`).join('; ')}`);
  }
  if (checksRun.length === 0) checksRun.push(...doc.checks.map((c) => c.id));
  return { ms: p.ms, maxRssKiB: p.maxRssKiB };
}

async function peer() {
  const p = mustSucceed(
    await timeProcess('sh', ['-c', 'go list -m all >/dev/null && go mod verify'], {
      cwd: path.join(work, 'main'),
      env,
    }),
    'go list -m all && go mod verify',
  );
  return { ms: p.ms, maxRssKiB: p.maxRssKiB };
}

const benchmarks: Benchmark[] = [
  {
    name: `doctor vs go list -m all && go mod verify (${N} modules)`,
    target: 'ratio <= 1.0',
    runs: 3,
    setup,
    ours,
    peer,
    notes: () => [`doctor ran ${checksRun.length} checks, all passing: ${checksRun.join(', ')}`],
    async teardown() {
      await proxy?.close();
      await sumdb?.close();
      if (work) {
        await timeProcess('chmod', ['-R', 'u+w', work]);
        await rm(work, { recursive: true, force: true });
      }
      work = '';
    },
  },
];

export default benchmarks;
