import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createDoctorWorld, QUOTE_GO_MOD, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { run } from '../../../test/support/cli.js';
import { closeClients, journalOf } from '../testdata/world.js';
import { branchFor } from './rollback.js';

let world: DoctorWorld | undefined;
afterEach(async () => {
  await closeClients();
  await world?.close();
  world = undefined;
});

const exec = promisify(execFile);

interface Repo {
  git(...args: string[]): Promise<string>;
  env: Record<string, string>;
  shas: Record<string, string>;
  remote: string;
}

/**
 * makeRepo builds the history of a module whose newest tags are broken:
 *   v1.0.0 (Jan) good · v1.1.0 (Feb, annotated) good · v1.2.0 (Mar) requires rsc.io/quote
 *   v1.5.3, a version the proxy does not serve (a deleted tag) · v1.3.0 (Apr) go.mod does
 *   not parse · v2.0.0-rc.1 (May) prerelease · HEAD (Jun) tagged v1.4.0, also broken.
 * main is pushed to a bare remote.
 */
async function makeRepo(w: DoctorWorld): Promise<Repo> {
  const env = { ...w.env, GIT_CONFIG_NOSYSTEM: '1' };
  const git = async (...args: string[]) => (await exec('git', args, { cwd: w.project, env })).stdout;
  const shas: Record<string, string> = {};
  const commit = async (name: string, date: string, files: Record<string, string>) => {
    await w.write(files);
    await git('add', '-A');
    await exec('git', ['commit', '-q', '-m', name], {
      cwd: w.project,
      env: { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
    });
    shas[name] = (await git('rev-parse', 'HEAD')).trim();
  };
  const tag = async (t: string, date: string, annotated = false) => {
    await exec('git', annotated ? ['tag', '-a', t, '-m', t] : ['tag', t], {
      cwd: w.project,
      env: { ...env, GIT_COMMITTER_DATE: date },
    });
  };
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.name', 'Alice');
  await git('config', 'user.email', 'alice@example.com');
  await commit('v1.0.0', '2024-01-01T00:00:00Z', {});
  await tag('v1.0.0', '2024-01-01T00:00:00Z');
  await commit('v1.1.0', '2024-02-01T00:00:00Z', { 'README.md': 'hello\n' });
  await tag('v1.1.0', '2024-02-01T00:00:00Z', true);
  const deleted = QUOTE_GO_MOD.replace('rsc.io/quote v1.5.2', 'rsc.io/quote v1.5.3');
  await commit('v1.2.0', '2024-03-01T00:00:00Z', { 'go.mod': deleted });
  await tag('v1.2.0', '2024-03-01T00:00:00Z');
  await commit('v1.3.0', '2024-04-01T00:00:00Z', { 'go.mod': deleted + 'requre oops\n' });
  await tag('v1.3.0', '2024-04-01T00:00:00Z');
  await commit('rc', '2024-05-01T00:00:00Z', { 'go.mod': QUOTE_GO_MOD });
  await tag('v2.0.0-rc.1', '2024-05-01T00:00:00Z');
  await commit('head', '2024-06-01T00:00:00Z', { 'go.mod': deleted });
  await tag('v1.4.0', '2024-06-01T00:00:00Z');
  const remote = path.join(w.dir, 'remote.git');
  await exec('git', ['init', '-q', '--bare', remote], { env });
  await git('remote', 'add', 'origin', remote);
  await git('push', '-q', 'origin', 'main');
  return { git, env, shas, remote };
}

describe('fix rollback', () => {
  it('finds the last stable tag; creates and pushes only the hotfix branch; undo deletes it locally and explains the remote', async () => {
    world = await createDoctorWorld();
    const repo = await makeRepo(world);
    await writeFile(path.join(world.project, 'wip.txt'), 'uncommitted work\n');
    const dry = await run(['fix', 'rollback', '--push'], { cwd: world.project, env: repo.env });
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    const steps = dry.stdout.split('\n').filter((l) => /^\s+\d+\. /.test(l));
    expect(steps.slice(0, 4)).toEqual([
      '  1. skip v1.4.0: it is HEAD (what is being rolled back)',
      expect.stringMatching(/^ {2}2\. skip v1\.3\.0 \(2024-04-01T00:00:00\+00:00\): go\.mod does not parse: /),
      expect.stringMatching(
        /^ {2}3\. skip v1\.2\.0 \(2024-03-01T00:00:00\+00:00\): its dependencies do not resolve: rsc\.io\/quote@v1\.5\.3: reading http:\/\/127\.0\.0\.1:\d+\/mod\/rsc\.io\/quote\/@v\/v1\.5\.3\.mod: 404 Not Found$/,
      ),
      '  4. v1.1.0 (2024-02-01T00:00:00+00:00) is the last stable ref: go.mod and go.sum parse, every dependency resolves',
    ]);
    expect(dry.stdout).toContain('the work tree has uncommitted changes (1 path); they are left alone');

    const r = await run(['fix', 'rollback', '--push', '--apply'], { cwd: world.project, env: repo.env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect((await repo.git('rev-parse', 'hotfix/rollback-to-v1.1.0')).trim()).toBe(repo.shas['v1.1.0']);
    expect((await repo.git('rev-parse', 'HEAD')).trim()).toBe(repo.shas['head']);
    expect((await repo.git('ls-remote', 'origin', 'refs/heads/*')).trim().split('\n').sort()).toEqual(
      [`${repo.shas['head']}\trefs/heads/main`, `${repo.shas['v1.1.0']}\trefs/heads/hotfix/rollback-to-v1.1.0`].sort(),
    );
    expect(await readFile(path.join(world.project, 'wip.txt'), 'utf8')).toBe('uncommitted work\n');
    const [entry] = await journalOf(world.project);
    expect(entry!.actor).toEqual({ kind: 'git', name: 'Alice <alice@example.com>', email: 'alice@example.com' });
    expect(entry!.git.map((g) => g.kind)).toEqual(['branch', 'push']);

    const u = await run(['undo', entry!.id], { cwd: world.project, env: repo.env });
    expect(u.code).toBe(1);
    expect(u.stderr).toContain(
      'modrescue never deletes remote branches: run git push origin --delete hotfix/rollback-to-v1.1.0',
    );
    expect(await repo.git('branch', '--list', 'hotfix/*')).toBe('');
    expect(await repo.git('ls-remote', 'origin', 'refs/heads/hotfix/*')).toContain('hotfix/rollback-to-v1.1.0');
  });

  it('--files-only commits go.mod and go.sum from the stable tag on the current branch; undo reverts with a new commit', async () => {
    world = await createDoctorWorld();
    const repo = await makeRepo(world);
    const headMod = await readFile(path.join(world.project, 'go.mod'));
    await writeFile(path.join(world.project, 'wip.txt'), 'uncommitted work\n');
    const r = await run(['fix', 'rollback', '--files-only', '--apply'], { cwd: world.project, env: repo.env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('uncommitted changes to 1 other path (wip.txt) are left alone and not committed');
    expect(r.stdout).toContain('-require rsc.io/quote v1.5.3\n+require rsc.io/quote v1.5.2');
    expect(r.stdout).toMatch(/pass gomod-syntax/);
    expect(await readFile(path.join(world.project, 'go.mod'), 'utf8')).toBe(QUOTE_GO_MOD);
    const log = (await repo.git('log', '-2', '--format=%H %P %s')).trim().split('\n');
    expect(log[0]).toMatch(new RegExp(`^[0-9a-f]{40} ${repo.shas['head']} rollback go.mod to v1.1.0$`));
    expect((await repo.git('status', '--porcelain')).trim()).toBe('?? wip.txt');
    const body = await repo.git('log', '-1', '--format=%B');
    const [entry] = await journalOf(world.project);
    expect(body).toContain(`Modrescue-Action: ${entry!.id}`);

    const u = await run(['undo', '--last'], { cwd: world.project, env: repo.env });
    expect(u.code, u.stderr).toBe(0);
    expect(await readFile(path.join(world.project, 'go.mod'))).toEqual(headMod);
    expect((await repo.git('log', '-3', '--format=%s')).trim().split('\n')).toEqual([
      'Revert "rollback go.mod to v1.1.0"',
      'rollback go.mod to v1.1.0',
      'head',
    ]);
  });

  it('--files-only refuses a dirty go.mod; a pushed commit is not reverted by undo', async () => {
    world = await createDoctorWorld();
    const repo = await makeRepo(world);
    const mod = await readFile(path.join(world.project, 'go.mod'), 'utf8');
    await writeFile(path.join(world.project, 'go.mod'), mod + '// local edit\n');
    const refused = await run(['fix', 'rollback', '--files-only', '--apply'], { cwd: world.project, env: repo.env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('refused: go.mod has uncommitted changes: commit or stash them first');
    expect(await readFile(path.join(world.project, 'go.mod'), 'utf8')).toBe(mod + '// local edit\n');
    await writeFile(path.join(world.project, 'go.mod'), mod);

    const r = await run(['fix', 'rollback', '--files-only', '--to', 'v1.0.0', '--apply'], {
      cwd: world.project,
      env: repo.env,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    await repo.git('push', '-q', 'origin', 'main');
    const u = await run(['undo', '--last'], { cwd: world.project, env: repo.env });
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/commit [0-9a-f]{12} on main is pushed \(origin\/main\): it is not reverted here/);
    expect((await repo.git('log', '-1', '--format=%s')).trim()).toBe('rollback go.mod to v1.0.0');
  });

  it('a module in a subdirectory uses its own <dir>/vX.Y.Z tags', async () => {
    world = await createDoctorWorld();
    const env = { ...world.env, GIT_CONFIG_NOSYSTEM: '1' };
    const repo = world.dir;
    const git = async (...args: string[]) => (await exec('git', args, { cwd: repo, env })).stdout;
    await git('init', '-q', '-b', 'main');
    await git('config', 'user.name', 'Alice');
    await git('config', 'user.email', 'alice@example.com');
    // The world's project lives in <repo>/app: tags for it are app/vX.Y.Z.
    await exec('sh', ['-c', 'printf "gopath/\\nhome/\\ngocache/\\n" > .gitignore'], { cwd: repo });
    await git('add', '-A');
    await git('commit', '-q', '-m', 'good');
    await git('tag', 'app/v1.0.0');
    const good = (await git('rev-parse', 'HEAD')).trim();
    await world.write({ 'go.mod': QUOTE_GO_MOD.replace('v1.5.2', 'v1.5.3') });
    await git('commit', '-q', '-am', 'bad');
    await git('tag', 'app/v1.1.0');
    await git('tag', 'v9.9.9');
    await world.write({ 'main.go': '// head\n' });
    await git('commit', '-q', '-am', 'head');
    const r = await run(['fix', 'rollback', '--apply'], { cwd: world.project, env });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('skip app/v1.1.0');
    expect(r.stdout).not.toContain('v9.9.9');
    expect((await git('rev-parse', 'hotfix/rollback-to-app/v1.0.0')).trim()).toBe(good);
  });

  it('outside a git repository it says so (exit 3)', async () => {
    world = await createDoctorWorld();
    const r = await run(['fix', 'rollback'], {
      cwd: world.project,
      env: { ...world.env, GIT_CEILING_DIRECTORIES: world.dir },
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('is not in a git repository');
  });
});

describe('branchFor', () => {
  it.each([
    ['v1.2.3', 'hotfix/rollback-to-v1.2.3'],
    ['sub/v1.2.3', 'hotfix/rollback-to-sub/v1.2.3'],
    ['HEAD~3', 'hotfix/rollback-to-HEAD-3'],
    ['a..b', 'hotfix/rollback-to-a.b'],
  ])('%s', (ref, want) => expect(branchFor(ref)).toBe(want));
});
