/**
 * The differential oracle: Debian's Go 1.19 (`apt-get install golang-go`, installed by
 * .ci/run), run offline against file:// or loopback proxies (see ../shared/testdata/ORACLE.md).
 * A missing go binary fails the test that needs it; it is never skipped.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, chmod, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sharedPath } from './shared.js';

let goPath: string | undefined;

/** goBinary returns the path of the oracle go command or throws with the install hint. */
export function goBinary(): string {
  if (goPath) return goPath;
  for (const p of ['/usr/lib/go-1.19/bin/go', '/usr/bin/go']) if (existsSync(p)) return (goPath = p);
  try {
    return (goPath = execFileSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' }).trim());
  } catch {
    throw new Error('the go command (oracle) is not installed: run `apt-get install -y golang-go` (.ci/run does)');
  }
}

export interface Workspace {
  /** Root of the scratch area ($WORK in ORACLE.md). */
  readonly dir: string;
  readonly proxyDir: string;
  readonly gopath: string;
  readonly modcache: string;
  /** The exact oracle environment of ORACLE.md §3 (GOPROXY=file://proxyDir). */
  readonly env: Record<string, string>;
  cleanup(): Promise<void>;
}

/**
 * oracleEnv is the oracle environment of ORACLE.md §3 for the scratch root: HOME, GOPATH
 * (with the module cache) and GOCACHE below it, no go env file, no workspace, the local
 * toolchain, GOPROXY=file://proxyDir, no checksum database, -mod=mod.
 */
export function oracleEnv(root: string, proxyDir: string): Record<string, string> {
  const gopath = path.join(root, 'gopath');
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: path.join(root, 'home'),
    GOENV: 'off',
    GOPATH: gopath,
    GOMODCACHE: path.join(gopath, 'pkg', 'mod'),
    GOCACHE: path.join(root, 'gocache'),
    GO111MODULE: 'on',
    GOWORK: 'off',
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
    GOPROXY: 'file://' + proxyDir,
    GOSUMDB: 'off',
    GONOSUMDB: '*',
    GOFLAGS: '-mod=mod',
  };
}

/** createWorkspace makes a scratch $WORK with the oracle environment. */
export async function createWorkspace(prefix = 'modrescue-'): Promise<Workspace> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const proxyDir = path.join(dir, 'proxy');
  const gopath = path.join(dir, 'gopath');
  const modcache = path.join(gopath, 'pkg', 'mod');
  await mkdir(proxyDir, { recursive: true });
  await mkdir(path.join(dir, 'home'), { recursive: true });
  const env: Record<string, string> = {
    ...oracleEnv(dir, proxyDir),
    GOPRIVATE: '',
    GONOPROXY: '',
    GOINSECURE: '',
    GOVCS: '',
  };
  return {
    dir,
    proxyDir,
    gopath,
    modcache,
    env,
    async cleanup() {
      await makeWritable(dir);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** makeWritable undoes the module cache's read-only modes so a tree can be removed. */
export async function makeWritable(dir: string): Promise<void> {
  if (!existsSync(dir)) return;
  const walk = async (d: string): Promise<void> => {
    await chmod(d, 0o755).catch(() => {});
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
    }
  };
  await walk(dir);
}

/** buildFixtureProxy turns fixtures (file names under goproxy-fixtures, or absolute paths) into a file:// proxy tree. */
export async function buildFixtureProxy(outDir: string, fixtures: string[] | 'all'): Promise<void> {
  const fixturesDir = sharedPath('testdata', 'goproxy-fixtures');
  const inputs =
    fixtures === 'all' ? [fixturesDir] : fixtures.map((f) => (path.isAbsolute(f) ? f : path.join(fixturesDir, f)));
  await exec(process.execPath, [sharedPath('tools', 'txtar-to-proxy.mjs'), '--quiet', '--out', outDir, ...inputs], {});
}

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** exec runs a program and resolves with its exit code and output (never rejects on exit status). */
export function exec(
  file: string,
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; input?: string; timeoutMs?: number },
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      args,
      {
        cwd: opts.cwd,
        env: opts.env,
        maxBuffer: 256 * 1024 * 1024,
        timeout: opts.timeoutMs ?? 120_000,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') return reject(err);
        resolve({ code: err ? (err.code as unknown as number) : 0, stdout, stderr });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** runGo runs the oracle go command in cwd with env. */
export function runGo(
  args: string[],
  opts: { cwd: string; env: Record<string, string>; input?: string },
): Promise<ExecResult> {
  return exec(goBinary(), args, opts);
}
