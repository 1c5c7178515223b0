// private-modules and credentials with real components: a proxy and a checksum database
// that do not know a private module, and a git server (git's smart HTTP behind Basic
// auth) that demands credentials, reached through a git insteadOf rewrite as engineers
// configure it for GitHub.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDoctorWorld, goSumFor, QUOTE_MODULES, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { startGitServer, type GitServer } from '../../../test/support/doctor-git-server.js';
import { run } from '../../../test/support/cli.js';
import { runDoctor, type CheckId, type CheckResult, type DoctorOptions } from '../index.js';

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function world(options: Parameters<typeof createDoctorWorld>[0] = {}): Promise<DoctorWorld> {
  const w = await createDoctorWorld(options);
  cleanups.push(() => w.close());
  return w;
}

async function check(w: DoctorWorld, id: CheckId, extra: Partial<DoctorOptions> = {}): Promise<CheckResult> {
  const report = await runDoctor(await w.options({ probeTimeoutMs: 5_000, ...extra, only: [id] }));
  return report.checks[0]!;
}

const text = (r: CheckResult) => [r.summary, ...r.details].join('\n');

const PRIVATE_GO_MOD = (mod: string) => `module example.com/app

go 1.19

require (
	${mod} v1.0.0
	rsc.io/quote v1.5.2
)

require (
	golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c // indirect
	rsc.io/sampler v1.3.0 // indirect
)
`;

describe('private-modules', () => {
  it('a private module no pattern covers: the public proxy and checksum DB do not know it', async () => {
    const w = await world({ files: { 'go.mod': PRIVATE_GO_MOD('git.corp.example.com/team/lib') } });
    const r = await check(w, 'private-modules');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('git.corp.example.com/team/lib@v1.0.0 looks private');
    expect(r.summary).toContain('the proxy chain does not have it (404/410)');
    expect(r.summary).toContain('the checksum database localhost.localdev/sumdb does not know it');
    expect(r.summary).toContain('GOPRIVATE/GONOPROXY/GONOSUMDB do not cover it');
    expect(r.fix?.action).toBe('private');
  });

  it('a module replaced by a local directory is not fetched, so it is not a private-module problem', async () => {
    const w = await world({
      files: {
        'go.mod':
          PRIVATE_GO_MOD('git.corp.example.com/team/lib') + '\nreplace git.corp.example.com/team/lib => ./lib\n',
        'lib/go.mod': 'module git.corp.example.com/team/lib\n\ngo 1.19\n',
      },
    });
    const r = await check(w, 'private-modules');
    expect(r.status, text(r)).toBe('pass');
  });

  it('an internal DNS name is private by itself', async () => {
    const w = await world({ files: { 'go.mod': PRIVATE_GO_MOD('git.svc.internal/team/lib') } });
    const r = await check(w, 'private-modules');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain('git.svc.internal is an internal DNS name');
  });

  it('GONOPROXY without GONOSUMDB leaks the private path to the checksum database', async () => {
    const w = await world({ files: { 'go.mod': PRIVATE_GO_MOD('git.corp.example.com/team/lib') } });
    w.env = { ...w.env, GONOPROXY: 'git.corp.example.com' };
    const r = await check(w, 'private-modules');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(
      'git.corp.example.com/team/lib@v1.0.0 is fetched directly (GONOPROXY=git.corp.example.com) but GONOSUMDB does not cover it',
    );
  });

  it('GOPRIVATE covering the module passes; a pattern that matches nothing warns', async () => {
    const w = await world({ files: { 'go.mod': PRIVATE_GO_MOD('git.corp.example.com/team/lib') } });
    w.env = { ...w.env, GOPRIVATE: 'git.corp.example.com' };
    const ok = await check(w, 'private-modules');
    expect(ok.status, text(ok)).toBe('pass');
    expect(ok.summary).toContain('1 private module covered by GOPRIVATE/GONOPROXY/GONOSUMDB');
    w.env = { ...w.env, GOPRIVATE: 'git.corp.example.com,corp.typo.example' };
    const typo = await check(w, 'private-modules');
    expect(typo.status).toBe('warn');
    expect(typo.summary).toContain('GOPRIVATE pattern "corp.typo.example" matches no module of this build');
  });
});

describe('credentials', () => {
  const SECRET = 'tok-s3cret-planted-7781';
  async function privateWorld(): Promise<{ w: DoctorWorld; git: GitServer }> {
    const git = await startGitServer({
      repos: {
        'corp/private': { 'go.mod': 'module github.com/corp/private\n\ngo 1.19\n', 'p.go': 'package private\n' },
      },
      auth: { user: 'bob', password: SECRET },
    });
    cleanups.push(() => git.close());
    const w = await world({
      files: { 'go.mod': PRIVATE_GO_MOD('github.com/corp/private'), 'go.sum': goSumFor(QUOTE_MODULES) },
    });
    // As engineers route GitHub through a mirror or SSH: git rewrites the URL the go command gives it.
    await writeFile(path.join(w.home, '.gitconfig'), `[url "${git.url}"]\n\tinsteadOf = https://github.com/\n`);
    w.env = { ...w.env, GOPRIVATE: 'github.com/corp' };
    return { w, git };
  }

  it('git asks for credentials that are not configured: a real ls-remote fails without prompting', async () => {
    const { w, git } = await privateWorld();
    const r = await check(w, 'credentials');
    expect(r.status).toBe('fail');
    expect(r.summary).toContain(
      'git ls-remote https://github.com/corp/private failed for github.com/corp/private@v1.0.0',
    );
    expect(r.summary).toContain('git needs credentials and none are configured');
    expect(text(r)).toMatch(/terminal prompts disabled/);
    expect(text(r)).toContain(`git rewrites https://github.com/corp/private to ${git.url}corp/private`);
    expect(text(r)).toContain('add a .netrc entry for 127.0.0.1 in $HOME/.netrc');
    expect(git.requests.some((q) => q.path.endsWith('/info/refs') && !q.authorized)).toBe(true);
    expect(r.fix?.action).toBe('private');
  });

  it('with a $HOME/.netrc entry git ls-remote succeeds, and the secret never shows', async () => {
    const { w, git } = await privateWorld();
    await writeFile(path.join(w.home, '.netrc'), `machine 127.0.0.1 login bob password ${SECRET}\n`);
    const r = await check(w, 'credentials');
    expect(r.status, text(r)).toBe('pass');
    expect(r.summary).toBe('1 private repository answered git ls-remote with the configured credentials');
    expect(git.requests.some((q) => q.authorized && q.path.endsWith('/info/refs'))).toBe(true);
    const cli = await run(['doctor', '--json', '--only', 'credentials,private-modules,go-env'], {
      cwd: w.project,
      env: w.env,
    });
    const cliText = await run(['doctor', '--only', 'credentials'], { cwd: w.project, env: w.env });
    for (const out of [JSON.stringify(r), cli.stdout, cli.stderr, cliText.stdout, cliText.stderr])
      expect(out).not.toContain(SECRET);
    expect(cli.stdout).toContain('"login": "bob"');
  });

  it('NETRC elsewhere is read by the go command but not by git', async () => {
    const { w } = await privateWorld();
    const netrc = path.join(w.dir, 'netrc');
    await writeFile(netrc, `machine 127.0.0.1 login bob password ${SECRET}\n`);
    w.env = { ...w.env, NETRC: netrc };
    const r = await check(w, 'credentials');
    expect(r.status).toBe('fail');
    expect(text(r)).toContain(
      `NETRC=${netrc} is read by the go command, but git (curl) reads only ${path.join(w.home, '.netrc')}`,
    );
    expect(JSON.stringify(r)).not.toContain(SECRET);
  });
});
