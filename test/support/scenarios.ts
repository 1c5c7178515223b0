/**
 * Scenario modules for the tracing differential tests: a main module (go.mod, Go
 * files, optional local replacement directories) over a file:// proxy built from
 * ../shared/testdata/goproxy-fixtures, run with Debian's Go 1.19 and with modrescue
 * in the same workspace and environment (ORACLE.md §3).
 */
import { mkdir, writeFile } from 'node:fs/promises';
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
}

/** Outcome is one command's result from both implementations. */
export interface Outcome {
  readonly command: string;
  readonly go: ExecResult;
  readonly ours: ExecResult;
}

/** normalizeStderr maps Go's stderr to modrescue's conventions: the "go: " program prefix becomes "modrescue: ", download progress lines are dropped. */
export function normalizeGoStderr(s: string): string {
  return (
    s
      .split('\n')
      .filter((l) => !l.startsWith('go: downloading ') && !l.startsWith('go: finding module '))
      .map((l) => (l.startsWith('go: ') ? 'modrescue: ' + l.slice(4) : l))
      // Known wording change after Go 1.19 (modrescue follows current Go, as the go-scripts do).
      .map((l) => l.replace(': missing go.sum entry; to add it:', ': missing go.sum entry for go.mod file; to add it:'))
      .join('\n')
  );
}

/** createScenarioWorkspace makes a workspace whose proxy holds every fixture (built once per call). */
export async function createScenarioWorkspace(): Promise<Workspace> {
  const ws = await createWorkspace('modrescue-trace-');
  await buildFixtureProxy(ws.proxyDir, 'all');
  return ws;
}

/**
 * runScenario writes the scenario's module under ws.dir/<name>, then runs each command
 * with Go 1.19 first (which also fills the module cache) and then with modrescue.
 */
export async function runScenario(ws: Workspace, s: Scenario): Promise<Outcome[]> {
  const dir = path.join(ws.dir, s.name);
  for (const [name, content] of Object.entries(s.files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  const env = { ...ws.env, ...s.env };
  const out: Outcome[] = [];
  for (const c of s.commands) {
    const go = await runGo([...c], { cwd: dir, env });
    const ours = await run([...c], { cwd: dir, env });
    out.push({
      command: c.join(' '),
      go: { ...go, stderr: normalizeGoStderr(go.stderr).split(ws.dir).join('$WORK') },
      ours: { ...ours, stderr: ours.stderr.split(ws.dir).join('$WORK') },
    });
  }
  return out;
}
