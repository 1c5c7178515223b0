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
 *
 * The notes under the row break the median doctor run down (process start-up and exit
 * versus checking, the slowest checks, the requests sent to the loopback servers) and
 * time `doctor --offline` — the local checks alone, no network — after each run, since
 * Go's peer does no network work either.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isolatedGoEnv, writeCliDriver, mustSucceed, timeProcess, type Benchmark } from './harness.js';
import { startTestProxy, type TestProxy } from '../test/support/proxy-server.js';
import { startTestSumdb, type TestRecord, type TestSumdb } from '../test/support/sumdb.js';
import { writeZip } from '../src/mod/zip/archive.js';
import { hashGoMod, hashZip } from '../src/mod/sumdb/dirhash/index.js';

const N = Number(process.env['DOCTOR_BENCH_MODULES'] ?? 300);

let work = '';
let cli = '';
let env: NodeJS.ProcessEnv = {};
let proxy: TestProxy | undefined;
let sumdb: TestSumdb | undefined;
const checksRun: string[] = [];
/** What the timed doctor runs reported, for the breakdown printed under the row. */
const runs: Array<{ ms: number; inRunMs: number; checks: Record<string, number>; proxy: number; sumdb: number }> = [];
/** Wall times of `doctor --offline` (the local checks only), measured after each timed run. */
const offlineMs: number[] = [];
/** Wall times of the peer, for the offline ratio. */
const peerMs: number[] = [];

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
  await writeCliDriver(cli);
  env = {
    ...isolatedGoEnv(work, path.join(work, 'home')),
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
  const proxyBefore = proxy!.requests.length;
  const sumdbBefore = sumdb!.requests.length;
  const p = await timeProcess(process.execPath, [...flags, cli, 'doctor', '--json', '--timeout', '120s'], {
    cwd: path.join(work, 'main'),
    env,
  });
  if (p.stdout.trim() === '') throw new Error(`doctor printed nothing (exit ${p.code}): ${p.stderr.slice(0, 2000)}`);
  const doc = JSON.parse(p.stdout) as {
    durationMs: number;
    checks: Array<{ id: string; status: string; summary: string; durationMs: number }>;
  };
  const bad = doc.checks.filter((c) => c.status !== 'pass');
  if (p.code !== 0 || bad.length > 0) {
    throw new Error(`doctor exited ${p.code}: ${bad.map((c) => `${c.id} ${c.status}: ${c.summary}`).join('; ')}`);
  }
  if (checksRun.length === 0) checksRun.push(...doc.checks.map((c) => c.id));
  runs.push({
    ms: p.ms,
    inRunMs: doc.durationMs,
    checks: Object.fromEntries(doc.checks.map((c) => [c.id, c.durationMs])),
    proxy: proxy!.requests.length - proxyBefore,
    sumdb: sumdb!.requests.length - sumdbBefore,
  });
  // The local checks alone (no network), as Go's peer does no network work either.
  const off = await timeProcess(process.execPath, [cli, 'doctor', '--json', '--offline'], {
    cwd: path.join(work, 'main'),
    env,
  });
  if (off.code !== 0) throw new Error(`doctor --offline exited ${off.code}: ${off.stdout.slice(0, 2000)}`);
  offlineMs.push(off.ms);
  return { ms: p.ms, maxRssKiB: p.maxRssKiB };
}

/** breakdown says where doctor's time went in its median run: start-up and exit, the run, the slowest checks, the requests. */
function breakdown(): string[] {
  if (runs.length === 0) return [];
  // The harness's first call of each side is its warm-up, not counted.
  const timed = <T>(xs: T[]) => (xs.length > 1 ? xs.slice(1) : xs);
  const sorted = timed(runs).sort((a, b) => a.ms - b.ms);
  const r = sorted[sorted.length >> 1]!;
  const slow = Object.entries(r.checks)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 5)
    .map(([id, ms]) => `${id} ${ms} ms`);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
  const off = median(timed(offlineMs));
  return [
    `median doctor run: ${r.ms.toFixed(0)} ms = ${(r.ms - r.inRunMs).toFixed(0)} ms process start-up, module loading and exit + ${r.inRunMs} ms checking (checks run concurrently; the slowest: ${slow.join(', ')})`,
    `requests per run: ${r.proxy} to the GOPROXY, ${r.sumdb} to the checksum database (Go's peer makes none: its cache is warm)`,
    `doctor --offline (the local checks only, no network): median ${off.toFixed(0)} ms, ratio ${(off / median(timed(peerMs))).toFixed(2)}`,
  ];
}

async function peer() {
  const p = mustSucceed(
    await timeProcess('sh', ['-c', 'go list -m all >/dev/null && go mod verify'], {
      cwd: path.join(work, 'main'),
      env,
    }),
    'go list -m all && go mod verify',
  );
  peerMs.push(p.ms);
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
    notes: () => [`doctor ran ${checksRun.length} checks, all passing: ${checksRun.join(', ')}`, ...breakdown()],
    async teardown() {
      await proxy?.close();
      await sumdb?.close();
      if (work) {
        await timeProcess('chmod', ['-R', 'u+w', work]);
        await rm(work, { recursive: true, force: true });
      }
      work = '';
      runs.length = 0;
      offlineMs.length = 0;
      peerMs.length = 0;
    },
  },
];

export default benchmarks;
