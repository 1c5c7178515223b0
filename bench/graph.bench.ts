/**
 * Tracing benchmarks: a generated graph of 2,000 modules (3 versions each, go 1.16
 * go.mod files so the whole graph is read, fan-out 0–6, depth ~10) served from a
 * file:// proxy, with a warm module cache (go fills it in setup). Compares
 * `modrescue list -m all` with `go list -m all` and `modrescue mod graph` with
 * `go mod graph`, and prints both commands' peak RSS. The CLI is MODRESCUE_DIST
 * (default <repo>/dist).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isolatedGoEnv, writeCliDriver, mustSucceed, timeProcess, type Benchmark } from './harness.js';

const N = Number(process.env['GRAPH_BENCH_MODULES'] ?? 2000);
const VERSIONS = ['v1.0.0', 'v1.1.0', 'v1.2.0'];

let work = '';
let cli = '';
let env: NodeJS.ProcessEnv = {};
const rss: Record<string, number[]> = {};

/** A deterministic pseudo-random generator so every run builds the same graph. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

async function setup(): Promise<void> {
  if (work) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-graph-bench-'));
  const proxy = path.join(work, 'proxy');
  const rand = rng(42);
  const name = (i: number) => `bench.example.com/m${String(i).padStart(4, '0')}`;
  for (let i = 0; i < N; i++) {
    const dir = path.join(proxy, name(i), '@v');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'list'), VERSIONS.join('\n') + '\n');
    for (const v of VERSIONS) {
      // Requirements point only to higher-numbered modules (a DAG), mostly nearby.
      const reqs = new Set<string>();
      const fan = Math.floor(rand() * 7);
      for (let k = 0; k < fan && i + 1 < N; k++) {
        const j = Math.min(N - 1, i + 1 + Math.floor(rand() * rand() * 200));
        reqs.add(`${name(j)} ${VERSIONS[Math.floor(rand() * VERSIONS.length)]}`);
      }
      const body = `module ${name(i)}\n\ngo 1.16\n${reqs.size ? `\nrequire (\n${[...reqs].map((r) => '\t' + r).join('\n')}\n)\n` : ''}`;
      await writeFile(path.join(dir, `${v}.mod`), body);
      await writeFile(path.join(dir, `${v}.info`), JSON.stringify({ Version: v, Time: '2024-01-01T00:00:00Z' }) + '\n');
    }
  }
  // A driver like bin/modrescue.js, bound to MODRESCUE_DIST's build.
  cli = path.join(work, 'modrescue.mjs');
  await writeCliDriver(cli);
  const mainDir = path.join(work, 'main');
  await mkdir(mainDir, { recursive: true });
  const roots = Array.from({ length: 20 }, (_, i) => `\t${name(i * 3)} v1.2.0`).join('\n');
  await writeFile(path.join(mainDir, 'go.mod'), `module bench.example.com/main\n\ngo 1.16\n\nrequire (\n${roots}\n)\n`);
  env = {
    ...isolatedGoEnv(work),
    GOFLAGS: '-mod=mod',
    // modrescue reproduces the go command release GOTOOLCHAIN names; the peer is Go 1.19
    // (which ignores GOTOOLCHAIN), so both print the same graph.
    GOTOOLCHAIN: 'go1.19.8',
    GOPROXY: 'file://' + proxy,
    GOSUMDB: 'off',
    GONOSUMDB: '*',
  };
  // Warm the module cache (and go.sum) with the go command, as an engineer's machine would be.
  mustSucceed(
    await timeProcess('go', ['mod', 'graph'], { cwd: mainDir, env, stdoutToNull: true }),
    'go mod graph (warm-up)',
  );
  // Both sides must print the same thing, or the comparison means nothing.
  for (const args of [
    ['list', '-m', 'all'],
    ['mod', 'graph'],
  ]) {
    const g = mustSucceed(await timeProcess('go', args, { cwd: mainDir, env }), `go ${args.join(' ')}`);
    const o = mustSucceed(
      await timeProcess(process.execPath, [cli, ...args], { cwd: mainDir, env }),
      `modrescue ${args.join(' ')}`,
    );
    if (g.stdout !== o.stdout) throw new Error(`modrescue ${args.join(' ')} prints something else than go`);
  }
}

function side(key: string, file: string, args: string[]) {
  return async () => {
    const p = mustSucceed(
      await timeProcess(file, args, { cwd: path.join(work, 'main'), env, stdoutToNull: true }),
      `${file} ${args.join(' ')}`,
    );
    (rss[key] ??= []).push(p.maxRssKiB);
    return { ms: p.ms, maxRssKiB: p.maxRssKiB };
  };
}

const peak = (k: string) => Math.max(...(rss[k] ?? [NaN]));
const notes = (a: string, b: string) => () => [
  `peak RSS: modrescue ${(peak(a) / 1024).toFixed(0)} MiB, go ${(peak(b) / 1024).toFixed(0)} MiB (${N} modules)`,
];

const benchmarks: Benchmark[] = [
  {
    name: `list -m all (${N} modules, warm cache)`,
    target: 'ratio <= 1.0',
    setup,
    ours: () => side('ours-list', process.execPath, [cli, 'list', '-m', 'all'])(),
    peer: side('go-list', 'go', ['list', '-m', 'all']),
    notes: notes('ours-list', 'go-list'),
  },
  {
    name: `mod graph (${N} modules, warm cache)`,
    target: 'ratio <= 1.0',
    setup,
    ours: () => side('ours-graph', process.execPath, [cli, 'mod', 'graph'])(),
    peer: side('go-graph', 'go', ['mod', 'graph']),
    notes: notes('ours-graph', 'go-graph'),
    async teardown() {
      if (work) await rm(work, { recursive: true, force: true });
      work = '';
    },
  },
];

export default benchmarks;
