// Crash safety: an apply killed (SIGKILL) between its steps leaves every file with either
// its old or its new bytes, the journal's dangling `pending` entry says which, a later run
// reports it, and undo takes back exactly what was done.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDoctorWorld, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { repoRoot } from '../../../test/support/shared.js';
import { run } from '../../../test/support/cli.js';
import { PAUSE_ENV } from './fix.js';
import { journalOf, sha256File } from '../../fix/testdata/world.js';

const ENTRY = path.join(repoRoot, 'test/support/cli-entry.ts');
const TOKEN = 'tok-CRASH-8e2f61d0c3a9';

let world: DoctorWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** applyAndKill runs `modrescue args` in a child, waits until it pauses after step, and SIGKILLs it. */
async function applyAndKill(args: string[], env: Record<string, string>, step: number): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', ENTRY, ...args], {
    cwd: repoRoot,
    env: { ...env, [PAUSE_ENV]: String(step) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = once(child, 'exit');
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.includes(`paused after step ${step}`)) resolve();
    });
    void exited.then(() => reject(new Error(`the child exited before pausing:\n${stderr}`)));
  });
  child.kill('SIGKILL');
  const [code, signal] = await exited;
  expect(code).toBeNull();
  expect(signal).toBe('SIGKILL');
  return stderr;
}

async function setup() {
  world = await createDoctorWorld();
  const envFile = path.join(world.home, '.config', 'go', 'env');
  await mkdir(path.dirname(envFile), { recursive: true });
  await writeFile(envFile, 'GOSUMDB=off\n');
  const netrc = path.join(world.home, '.netrc');
  await writeFile(netrc, 'machine other.example login bob password x\n', { mode: 0o600 });
  const { GOENV: _e, GOPRIVATE: _p, GONOPROXY: _n, GONOSUMDB: _s, ...env } = world.env;
  const fixEnv = { ...env, CORP_TOKEN: TOKEN };
  const args = [
    'fix',
    'private',
    '--project',
    world.project,
    '--pattern',
    'git.corp.example',
    '--netrc-token-env',
    'CORP_TOKEN',
    '--scope',
    'go-env',
    '--offline',
    '--apply',
  ];
  const before = { env: await sha256File(envFile), netrc: await sha256File(netrc) };
  return { envFile, netrc, env: fixEnv, args, before };
}

describe('crash safety', () => {
  it('killed after its first write: one file new, one old, the journal says which; undo restores it', async () => {
    const s = await setup();
    await applyAndKill(s.args, s.env, 1);
    // The go env file was written (step 1), .netrc not yet.
    const [entry, ...rest] = await journalOf(world!.project);
    expect(rest).toEqual([]);
    expect(entry!.status).toBe('pending');
    const byRole = Object.fromEntries(entry!.files.map((f) => [f.role, f]));
    expect(await sha256File(s.envFile)).toBe(byRole['go env file']!.after);
    expect(byRole['go env file']!.before).toBe(s.before.env);
    expect(await sha256File(s.netrc)).toBe(byRole['netrc']!.before);
    expect(await readFile(s.envFile, 'utf8')).toBe('GOPRIVATE=git.corp.example\nGOSUMDB=off\n');
    // No temporary file is left beside the targets, and the token was never journalled.
    expect((await readdir(path.dirname(s.envFile))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(await readFile(path.join(world!.project, '.modrescue', 'journal.jsonl'), 'utf8')).not.toContain(TOKEN);

    // A later run says what the interrupted action left.
    const later = await run(['fix', 'toolchain', '--offline'], { cwd: world!.project, env: s.env });
    expect(later.stderr).toContain(
      `modrescue: warning: action ${entry!.id} (private) was interrupted at ${entry!.time}: home/.config/go/env has its new bytes, home/.netrc has its old bytes; run 'modrescue undo ${entry!.id}' to take back what it did`.replace(
        /home\//g,
        `${world!.home.replace(/^\//, '')}/`,
      ),
    );
    const u = await run(['undo', entry!.id], { cwd: world!.project, env: s.env });
    expect(u.code, u.stderr).toBe(0);
    expect(await sha256File(s.envFile)).toBe(s.before.env);
    expect(await sha256File(s.netrc)).toBe(s.before.netrc);
    const after = await journalOf(world!.project);
    expect(after.map((e) => [e.action, e.status])).toEqual([
      ['private', 'pending'],
      ['undo', 'done'],
    ]);
    // Only the file that had been written was restored.
    expect(after[1]!.files.map((f) => f.role)).toEqual(['go env file']);
  });

  it('killed after the pending entry, before any write: nothing changed; killed after the last write: both new', async () => {
    const s = await setup();
    await applyAndKill(s.args, s.env, 0);
    expect(await sha256File(s.envFile)).toBe(s.before.env);
    expect(await sha256File(s.netrc)).toBe(s.before.netrc);
    const [first] = await journalOf(world!.project);
    expect(first!.status).toBe('pending');
    expect((await run(['undo', first!.id], { cwd: world!.project, env: s.env })).code).toBe(0);

    await applyAndKill(s.args, s.env, 2);
    const entries = await journalOf(world!.project);
    const second = entries[entries.length - 1]!;
    expect(second.status).toBe('pending');
    for (const f of second.files) expect(await sha256File(f.path)).toBe(f.after);
    expect(await readFile(s.netrc, 'utf8')).toContain(`password ${TOKEN}`);
    // The lock of the killed process does not block the next command.
    const u = await run(['undo', '--last'], { cwd: world!.project, env: s.env });
    expect(u.code, u.stderr).toBe(0);
    expect(await sha256File(s.envFile)).toBe(s.before.env);
    expect(await sha256File(s.netrc)).toBe(s.before.netrc);
  });
});
