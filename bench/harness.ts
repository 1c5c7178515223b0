/**
 * Benchmark harness: every benchmark runs ours and its peer (the go command, sha256sum,
 * grep, nginx…) side by side in the same run, alternating, and reports the median of N
 * runs and the ratio ours/peer. Benchmarks never run as part of `npm test`.
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface Measured {
  /** Wall time in milliseconds. */
  ms: number;
  /** Peak resident set size in KiB, when measured. */
  maxRssKiB?: number;
}

export interface Benchmark {
  readonly name: string;
  /** The goal, printed next to the ratio (e.g. "ratio <= 1.5"). */
  readonly target?: string;
  /** Runs per side (default 5). */
  readonly runs?: number;
  /** For throughput benchmarks: the peer is better when its number is higher. */
  readonly higherIsBetter?: boolean;
  /** Unit of the measured numbers (default "ms"). */
  readonly unit?: string;
  setup?(): Promise<void>;
  ours(): Promise<Measured | number>;
  peer(): Promise<Measured | number>;
  teardown?(): Promise<void>;
  /** Extra lines to print after the row (e.g. peak RSS figures). */
  notes?(): string[];
}

export interface Row {
  name: string;
  ours: number;
  peer: number;
  ratio: number;
  unit: string;
  target?: string;
  notes: string[];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const value = (m: Measured | number) => (typeof m === 'number' ? m : m.ms);

/** runBenchmark measures one benchmark and returns its row. */
export async function runBenchmark(b: Benchmark): Promise<Row> {
  await b.setup?.();
  try {
    // One warm-up each, not counted.
    await b.ours();
    await b.peer();
    const ours: number[] = [];
    const peer: number[] = [];
    const runs = b.runs ?? 5;
    for (let i = 0; i < runs; i++) {
      ours.push(value(await b.ours()));
      peer.push(value(await b.peer()));
    }
    const o = median(ours);
    const p = median(peer);
    return {
      name: b.name,
      ours: o,
      peer: p,
      ratio: o / p,
      unit: b.unit ?? 'ms',
      target: b.target,
      notes: b.notes?.() ?? [],
    };
  } finally {
    await b.teardown?.();
  }
}

/** formatRow prints `name  ours  peer  ratio` (+ target). */
export function formatRow(r: Row): string {
  const f = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
  return `${r.name.padEnd(44)}  ${(f(r.ours) + ' ' + r.unit).padStart(12)}  ${(f(r.peer) + ' ' + r.unit).padStart(12)}  ${r.ratio.toFixed(2).padStart(6)}${r.target ? `  (target: ${r.target})` : ''}`;
}

export interface TimedProcess {
  code: number;
  ms: number;
  maxRssKiB: number;
  stdout: string;
  stderr: string;
}

/** timeProcess runs a command under GNU time and returns wall time and peak RSS. */
export function timeProcess(
  file: string,
  args: string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; stdoutToNull?: boolean } = {},
): Promise<TimedProcess> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '__MAXRSS__%M', file, ...args], {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', opts.stdoutToNull ? 'ignore' : 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      let stderr = Buffer.concat(err).toString();
      const m = /__MAXRSS__(\d+)\s*$/.exec(stderr);
      stderr = m ? stderr.slice(0, m.index) : stderr;
      resolve({
        code: code ?? -1,
        ms,
        maxRssKiB: m ? Number(m[1]) : NaN,
        stdout: Buffer.concat(out).toString(),
        stderr,
      });
    });
  });
}

/** mustSucceed throws if a timed process failed, with its stderr. */
export function mustSucceed(p: TimedProcess, what: string): TimedProcess {
  if (p.code !== 0) throw new Error(`${what} exited ${p.code}: ${p.stderr.slice(0, 2000)}`);
  return p;
}

/** DIST is the build the benchmarks run: MODRESCUE_DIST, or the repository's dist/. */
export const DIST = path.resolve(
  process.env['MODRESCUE_DIST'] ?? path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist'),
);

/**
 * writeCliDriver writes, at file, a CLI entry like bin/modrescue.js bound to DIST's
 * build, and returns file: benchmarks run `node <file> <args>`.
 */
export async function writeCliDriver(file: string): Promise<string> {
  await writeFile(
    file,
    `import { main } from ${JSON.stringify(pathToFileURL(path.join(DIST, 'cli', 'main.js')).href)};\n` +
      'process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.cwd() });\n',
  );
  return file;
}

/**
 * isolatedGoEnv is a benchmark's own Go environment under work: no go env file, its own
 * GOPATH, module cache and build cache, module mode, no workspace. Callers add GOPROXY,
 * GOSUMDB, GOFLAGS and the rest. home is $HOME (default: work).
 */
export function isolatedGoEnv(work: string, home = work): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: home,
    GOENV: 'off',
    GOPATH: path.join(work, 'gopath'),
    GOMODCACHE: path.join(work, 'gopath', 'pkg', 'mod'),
    GOCACHE: path.join(work, 'gocache'),
    GO111MODULE: 'on',
    GOWORK: 'off',
  };
}
