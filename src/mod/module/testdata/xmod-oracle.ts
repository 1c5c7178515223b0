/**
 * The x/mod differential oracle for src/mod/module and src/mod/semver tests.
 *
 * Builds xmod-oracle/main.go against the golang.org/x/mod copy that ships inside
 * Debian's Go 1.19 (GOROOT/src/cmd/vendor/golang.org/x/mod, v0.6.0-dev 2022) and
 * runs batches of calls through it. The build is offline (GOPROXY=off) and cached in
 * the OS temp dir by content hash, so only the first run pays for it.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec, goBinary } from '../../../../test/support/go.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** OracleCall is one call: fn names a case in main.go; "hex:…" args are raw bytes. */
export interface OracleCall {
  fn: string;
  args: string[];
}

/** OracleResult is main.go's answer: results in order and the error text (null when nil). */
export interface OracleResult {
  out: unknown[] | null;
  err: string | null;
}

async function goEnv(go: string, name: string): Promise<string> {
  const r = await exec(go, ['env', name], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: os.tmpdir() } });
  if (r.code !== 0) throw new Error(`go env ${name}: ${r.stderr}`);
  return r.stdout.trim();
}

let built: Promise<string> | undefined;

/** oracleBinary builds (once per content hash) and returns the oracle executable. */
export function oracleBinary(): Promise<string> {
  built ??= build();
  return built;
}

async function build(): Promise<string> {
  const go = goBinary();
  const goroot = await goEnv(go, 'GOROOT');
  const xmod = path.join(goroot, 'src', 'cmd', 'vendor', 'golang.org', 'x', 'mod');
  if (!existsSync(path.join(xmod, 'module', 'module.go'))) {
    throw new Error(`the go toolchain at ${goroot} has no vendored golang.org/x/mod (install golang-go 1.19)`);
  }
  const src = await readFile(path.join(here, 'xmod-oracle', 'main.go'));
  const version = (await exec(go, ['version'], { env: { PATH: process.env['PATH'] ?? '' } })).stdout;
  const key = createHash('sha256').update(src).update(version).update(goroot).digest('hex').slice(0, 16);
  const out = path.join(os.tmpdir(), `modrescue-xmod-oracle-${key}`);
  if (existsSync(out)) return out;

  const work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-xmod-build-'));
  try {
    await cp(xmod, path.join(work, 'xmod'), { recursive: true });
    await writeFile(path.join(work, 'xmod', 'go.mod'), 'module golang.org/x/mod\n\ngo 1.17\n');
    await mkdir(path.join(work, 'oracle'));
    await writeFile(path.join(work, 'oracle', 'main.go'), src);
    await writeFile(
      path.join(work, 'oracle', 'go.mod'),
      'module xmodoracle\n\ngo 1.19\n\nrequire golang.org/x/mod v0.0.0\n\nreplace golang.org/x/mod => ../xmod\n',
    );
    const env = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: work,
      GOPATH: path.join(work, 'gopath'),
      GOCACHE: path.join(os.tmpdir(), 'modrescue-xmod-gocache'),
      GOFLAGS: '-mod=mod',
      GOPROXY: 'off',
      GOSUMDB: 'off',
      GOWORK: 'off',
      GOTOOLCHAIN: 'local',
      GO111MODULE: 'on',
      CGO_ENABLED: '0',
    };
    const tmpOut = out + '.' + process.pid;
    const r = await exec(go, ['build', '-o', tmpOut, '.'], { cwd: path.join(work, 'oracle'), env });
    if (r.code !== 0) throw new Error(`building the x/mod oracle failed:\n${r.stderr}`);
    await rename(tmpOut, out);
    return out;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** askOracle runs calls through x/mod and returns one result per call. */
export async function askOracle(calls: OracleCall[]): Promise<OracleResult[]> {
  const bin = await oracleBinary();
  const r = await exec(bin, [], { input: JSON.stringify(calls), env: {} });
  if (r.code !== 0) throw new Error(`x/mod oracle failed (${r.code}): ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleResult[];
}

/** hexArg encodes raw bytes as an oracle argument. */
export function hexArg(b: Uint8Array): string {
  return 'hex:' + Buffer.from(b).toString('hex');
}
