// Transcript tests of `modrescue fix`: usage, plan output, --json, errors, stale plans,
// the project lock, and an apply that fails midway (rolled back, journalled as failed).
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../../test/support/cli.js';
import { applyPlan, planAction, type FixContext } from '../../fix/index.js';
import { readJournal } from '../../shared/journal.js';
import { resolveGoEnv } from '../goenv.js';

const GO_MOD = 'module example.com/app\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n';
let dir: string;
let env: Record<string, string>;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-fixcli-'));
  await mkdir(path.join(dir, 'home'));
  await mkdir(path.join(dir, 'app'));
  await writeFile(path.join(dir, 'app', 'go.mod'), GO_MOD);
  env = {
    HOME: path.join(dir, 'home'),
    GOENV: 'off',
    GOFLAGS: '',
    GOPROXY: 'off',
    GOSUMDB: 'off',
    GOPATH: path.join(dir, 'gopath'),
    PATH: process.env['PATH']!,
  };
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const app = () => path.join(dir, 'app');
const fix = (args: string[], extra: Record<string, string> = {}) =>
  run(['fix', ...args], { cwd: app(), env: { ...env, ...extra } });

describe('modrescue fix: usage', () => {
  it.each([
    [[], 'fix: name an action (proxy, cache, replace, pin, sum, private, toolchain, rollback)'],
    [['frobnicate'], 'fix: unknown action "frobnicate"'],
    [['sum', '--add', 'x=y'], 'fix sum: flag --add does not apply (flags of sum: none)'],
    [['pin'], 'fix pin: give exactly one module@version'],
    [['pin', 'rsc.io/quote'], 'pin=rsc.io/quote: need path@version'],
    [['pin', 'rsc.io/quote@master'], 'pin=rsc.io/quote@master: "master" is not a canonical semantic version (vX.Y.Z)'],
    [['replace', '--add', 'rsc.io/quote'], '--add=rsc.io/quote: need old[@v]=new[@w] (missing =)'],
    [
      ['replace', '--add', 'rsc.io/quote=>../x'],
      '--add=rsc.io/quote=>../x: separator between old and new is =, not =>',
    ],
    [
      ['replace', '--add', 'rsc.io/quote=example.com/fork'],
      '--add=rsc.io/quote=example.com/fork: unversioned new path must be local directory',
    ],
    [['replace'], 'fix replace: give --add old[@v]=new[@v] or --drop old[@v]'],
    [['cache'], 'fix cache: give --purge module@version, --corrupt or --warm'],
    [['proxy', '--scope', 'everywhere'], 'fix proxy: --scope must be shell, go-env, ci'],
    [['private'], 'fix private: --pattern is required'],
    [
      ['private', '--pattern', 'x.example', '--ssh', '--netrc-token-env', 'T'],
      'fix private: use either --ssh or --netrc-token-env, not both',
    ],
    [['rollback', '--files-only', '--push'], 'fix rollback: --push pushes the new hotfix branch'],
  ])('fix %j', async (args, message) => {
    const r = await fix(args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`modrescue: ${message}`);
    expect(await readJournal(path.join(app(), '.modrescue', 'journal.jsonl'))).toMatchObject({ entries: [] });
  });

  it('--help lists every action with its form', async () => {
    const r = await run(['fix', '--help'], { cwd: app(), env });
    expect(r.code).toBe(0);
    for (const a of ['proxy', 'cache', 'replace', 'pin', 'sum', 'private', 'toolchain', 'rollback']) {
      expect(r.stdout).toContain(`  fix ${a}`);
    }
  });
});

describe('modrescue fix: plans and results', () => {
  it('a dry run prints the plan and the diff and changes nothing; --json describes it (schemaVersion 1, no file contents)', async () => {
    const r = await fix(['replace', '--add', 'rsc.io/quote=../fork', '--offline']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^modrescue fix replace \(dry run, nothing was changed\) — plan replace-\d{8}T\d{6}Z-[0-9a-f]{4}\n/,
    );
    expect(r.stdout).toContain(
      '--- a/go.mod\n+++ b/go.mod\n@@ -3,3 +3,5 @@\n go 1.19\n \n require rsc.io/quote v1.5.2\n+\n+replace rsc.io/quote => ../fork\n',
    );
    expect(await readFile(path.join(app(), 'go.mod'), 'utf8')).toBe(GO_MOD);
    const j = await fix(['replace', '--add', 'rsc.io/quote=../fork', '--offline', '--json']);
    const doc = JSON.parse(j.stdout) as {
      schemaVersion: number;
      applied: boolean;
      plan: { ops: Array<{ content?: string }> };
    };
    expect(Object.keys(doc)[0]).toBe('schemaVersion');
    expect(doc.schemaVersion).toBe(1);
    expect(doc.applied).toBe(false);
    expect(doc.plan).toMatchObject({
      action: 'replace',
      args: { add: ['rsc.io/quote=../fork'] },
      risk: { level: 'medium' },
      noop: false,
      diffs: [{ role: 'go.mod', kind: 'modify' }],
      ops: [{ kind: 'write-file', role: 'go.mod' }],
    });
    expect(doc.plan.ops[0]!.content).toBeUndefined();
  });

  it('--apply --json returns the journal entry; --journal puts the journal elsewhere', async () => {
    const journal = path.join(dir, 'elsewhere', 'j.jsonl');
    const r = await fix(['pin', 'rsc.io/quote@v1.5.3', '--offline', '--apply', '--json', '--journal', journal]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { applied: boolean; entry: { id: string } };
    expect(doc.applied).toBe(true);
    expect(doc.entry).toMatchObject({ action: 'pin', status: 'done', outcome: { status: 'ok' } });
    expect((await readJournal(journal)).entries.map((e) => e.id)).toEqual([doc.entry.id]);
    expect(await readFile(path.join(app(), 'go.mod'), 'utf8')).toBe(GO_MOD.replace('v1.5.2', 'v1.5.3'));
    const u = await run(['undo', '--journal', journal], { cwd: app(), env });
    expect(u.code, u.stderr).toBe(0);
    expect(await readFile(path.join(app(), 'go.mod'), 'utf8')).toBe(GO_MOD);
  });

  it('no go.mod: exit 3 with the go command wording; a go.mod that does not parse: every error with file:line', async () => {
    const none = await run(['fix', 'sum'], { cwd: dir, env });
    expect(none.code).toBe(3);
    expect(none.stderr).toContain('fix sum: go.mod file not found in');
    await writeFile(path.join(app(), 'go.mod'), 'module example.com/app\nrequre x v1\nfoo bar\n');
    const bad = await fix(['pin', 'rsc.io/quote@v1.5.3']);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toContain('modrescue: errors parsing go.mod:\n');
    expect(bad.stderr).toContain(
      `${path.join(app(), 'go.mod')}:2: unknown directive: requre\n${path.join(app(), 'go.mod')}:3: unknown directive: foo\n`,
    );
  });
});

describe('applyPlan', () => {
  const ctx = async (): Promise<FixContext> => ({
    dir: app(),
    env: await resolveGoEnv({ env, cwd: app() }),
    processEnv: env,
    verify: false,
  });

  it('refuses a stale plan (the file changed since planning): nothing is changed or journalled', async () => {
    const c = await ctx();
    const plan = await planAction({ action: 'pin', module: 'rsc.io/quote@v1.5.3' }, c);
    await writeFile(path.join(app(), 'go.mod'), GO_MOD + '// edited meanwhile\n');
    await expect(applyPlan(plan, c)).rejects.toMatchObject({ code: 'ERR_FIX_STALE_PLAN', fields: { exitCode: 1 } });
    expect(await readFile(path.join(app(), 'go.mod'), 'utf8')).toBe(GO_MOD + '// edited meanwhile\n');
    expect((await readJournal(plan.journal)).entries).toEqual([]);
  });

  it('the project lock: a live holder blocks (exit 3), a dead one is taken over', async () => {
    const c = await ctx();
    const plan = await planAction({ action: 'pin', module: 'rsc.io/quote@v1.5.3' }, c);
    await mkdir(path.join(app(), '.modrescue'), { recursive: true });
    const sleeper = execFile('sleep', ['30']);
    try {
      await writeFile(path.join(app(), '.modrescue', 'lock'), `${sleeper.pid}\n`);
      await expect(applyPlan(plan, c)).rejects.toMatchObject({ code: 'ERR_FIX_LOCKED', fields: { exitCode: 3 } });
    } finally {
      sleeper.kill('SIGKILL');
    }
    await new Promise((r) => sleeper.once('exit', r));
    const entry = await applyPlan(plan, c);
    expect(entry.status).toBe('done');
  });

  it('an operation that fails is rolled back and journalled as failed (a git commit refused by a hook)', async () => {
    const git = promisify(execFile);
    const genv = { ...env, GIT_CONFIG_NOSYSTEM: '1' };
    const g = (...a: string[]) => git('git', a, { cwd: app(), env: genv });
    await g('init', '-q', '-b', 'main');
    await g('config', 'user.name', 'Alice');
    await g('config', 'user.email', 'alice@example.com');
    await g('add', '-A');
    await g('commit', '-q', '-m', 'one');
    await g('tag', 'v1.0.0');
    await writeFile(path.join(app(), 'go.mod'), GO_MOD.replace('v1.5.2', 'v1.5.3'));
    await g('commit', '-q', '-am', 'two');
    const hook = path.join(app(), '.git', 'hooks', 'pre-commit');
    await writeFile(hook, '#!/bin/sh\necho "policy: no commits today" >&2\nexit 1\n');
    await chmod(hook, 0o755);
    const r = await run(['fix', 'rollback', '--files-only', '--to', 'v1.0.0', '--offline', '--apply'], {
      cwd: app(),
      env: genv,
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('git commit failed: policy: no commits today');
    expect(r.stderr).toContain('every change was rolled back');
    expect(await readFile(path.join(app(), 'go.mod'), 'utf8')).toBe(GO_MOD.replace('v1.5.2', 'v1.5.3'));
    expect((await g('status', '--porcelain')).stdout).toBe('');
    const [entry] = (await readJournal(path.join(app(), '.modrescue', 'journal.jsonl'))).entries;
    expect(entry).toMatchObject({ status: 'failed', outcome: { status: 'failed', code: 'ERR_FIX_GIT' } });
    expect(entry!.files.map((f) => f.written)).toEqual([false]);
  });
});
