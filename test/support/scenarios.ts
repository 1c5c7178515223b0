/**
 * Scenario modules for the tracing differential tests: a main module (go.mod, Go
 * files, optional local replacement directories, optional go.work) over a file:// proxy
 * built from ../shared/testdata/goproxy-fixtures, run with Debian's Go 1.19 and with
 * modrescue side by side: each in its own copy of the module and with its own, initially
 * empty module cache (ORACLE.md §3 environment; GOTOOLCHAIN=go1.19.8 asks modrescue to
 * reproduce that release — Go 1.19 itself does not read GOTOOLCHAIN).
 *
 * After every command the outcomes are compared: exit status, stdout, stderr and the
 * resulting go.mod, go.sum and go.work.sum files. Normalisation is limited to what
 * cannot be equal: the scratch directories' names, the program name at the start of
 * an error line ("go: " vs "modrescue: "), and the order of consecutive
 * "go: downloading" lines (the go command downloads in parallel, in no fixed order).
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildFixtureProxy, createWorkspace, runGo, type ExecResult, type Workspace } from './go.js';
import { run } from './cli.js';

/** Scenario describes one main module and the commands to compare. */
export interface Scenario {
  readonly name: string;
  /** Files of the main module (path → content), go.mod included. */
  readonly files: Readonly<Record<string, string>>;
  /** Commands (without "go"/"modrescue") to run in order. */
  readonly commands: readonly (readonly string[])[];
  /** Extra environment (e.g. GOFLAGS=-mod=readonly). */
  readonly env?: Readonly<Record<string, string>>;
  /** Subdirectory of the scenario to run the commands in (default: its root). */
  readonly cwd?: string;
}

/** Outcome is one command's result from both implementations, normalised. */
export interface Outcome {
  readonly command: string;
  readonly go: ExecResult & { files: Record<string, string | null> };
  readonly ours: ExecResult & { files: Record<string, string | null> };
}

/** FILES are the files compared after each command (missing: null). */
const FILES = ['go.mod', 'go.sum', 'go.work.sum'];

/** normalizeGoStderr maps the go command's program prefix to modrescue's ("go: " → "modrescue: "). */
export function normalizeGoStderr(s: string): string {
  return s
    .split('\n')
    .map((l) => (l.startsWith('go: ') ? 'modrescue: ' + l.slice(4) : l))
    .join('\n');
}

/** sortDownloads puts each run of consecutive "…: downloading …" lines in a fixed order. */
export function sortDownloads(s: string): string {
  const lines = s.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length;) {
    if (!/^\S+: downloading /.test(lines[i]!)) {
      out.push(lines[i++]!);
      continue;
    }
    const run: string[] = [];
    while (i < lines.length && /^\S+: downloading /.test(lines[i]!)) run.push(lines[i++]!);
    out.push(...run.sort());
  }
  return out.join('\n');
}

/** createScenarioWorkspace makes a workspace whose proxy holds every fixture (built once per call). */
export async function createScenarioWorkspace(): Promise<Workspace> {
  const ws = await createWorkspace('modrescue-trace-');
  await buildFixtureProxy(ws.proxyDir, 'all');
  return ws;
}

/** ScenarioRun is one scenario written out for both implementations. */
interface Side {
  readonly dir: string;
  readonly env: Record<string, string>;
}

async function prepare(ws: Workspace, s: Scenario, who: 'go' | 'ours'): Promise<Side> {
  const root = path.join(ws.dir, who);
  const dir = path.join(root, 'src', s.name);
  for (const [name, content] of Object.entries(s.files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  const gopath = path.join(root, 'gopath', s.name);
  const env = {
    ...ws.env,
    GOPATH: gopath,
    GOMODCACHE: path.join(gopath, 'pkg', 'mod'),
    GOCACHE: path.join(root, 'gocache'),
    GOTOOLCHAIN: 'go1.19.8',
    ...s.env,
  };
  return { dir, env };
}

async function snapshot(dir: string): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const f of FILES) out[f] = await readFile(path.join(dir, f), 'utf8').catch(() => null);
  return out;
}

/**
 * runScenario writes the scenario's module twice (for Go 1.19 and for modrescue), then
 * runs each command with both, each in its own directory and module cache, and returns
 * the normalised outcomes (the scratch paths of both sides read "$WORK/…" alike).
 */
export async function runScenario(ws: Workspace, s: Scenario): Promise<Outcome[]> {
  const go = await prepare(ws, s, 'go');
  const ours = await prepare(ws, s, 'ours');
  const norm = (text: string, who: 'go' | 'ours') =>
    text
      .split(path.join(ws.dir, who, 'src'))
      .join('$WORK/src')
      .split(path.join(ws.dir, who, 'gopath', s.name))
      .join('$WORK/gopath')
      .split(ws.dir)
      .join('$WORK');
  const out: Outcome[] = [];
  for (const c of s.commands) {
    const g = await runGo([...c], { cwd: path.join(go.dir, s.cwd ?? ''), env: go.env });
    const o = await run([...c], { cwd: path.join(ours.dir, s.cwd ?? ''), env: ours.env });
    out.push({
      command: c.join(' '),
      go: {
        code: g.code,
        stdout: norm(g.stdout, 'go'),
        stderr: sortDownloads(normalizeGoStderr(norm(g.stderr, 'go'))),
        files: await snapshot(go.dir),
      },
      ours: {
        code: o.code,
        stdout: norm(o.stdout, 'ours'),
        stderr: sortDownloads(norm(o.stderr, 'ours')),
        files: await snapshot(ours.dir),
      },
    });
  }
  return out;
}

/** copyTree copies a directory (used by scenarios that share a prepared tree). */
export async function copyTree(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
}
