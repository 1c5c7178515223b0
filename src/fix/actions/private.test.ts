import { execFile } from 'node:child_process';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createDoctorWorld, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { runGo } from '../../../test/support/go.js';
import { run } from '../../../test/support/cli.js';
import { closeClients } from '../testdata/world.js';
import { netrcWith } from './private.js';

let world: DoctorWorld | undefined;
afterEach(async () => {
  await closeClients();
  await world?.close();
  world = undefined;
});

const TOKEN = 'tok-PLANTED-4f1c9e2b7a6d';

/** everything returns the text of every file under dir (recursively). */
async function everything(dir: string): Promise<string> {
  let out = '';
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) out += await readFile(path.join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

async function setup(files: Record<string, string> = {}) {
  world = await createDoctorWorld();
  const envFile = path.join(world.home, '.config', 'go', 'env');
  await mkdir(path.dirname(envFile), { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(world.home, name), content);
  const { GOENV: _e, GOPRIVATE: _p, GONOPROXY: _n, GONOSUMDB: _s, ...env } = world.env;
  return { envFile, env: { ...env, CORP_TOKEN: TOKEN } };
}

describe('fix private', () => {
  it('GOPRIVATE in the go env file and a .netrc entry whose token never appears in output, plan or journal', async () => {
    const { envFile, env } = await setup({ '.netrc': 'machine other.example login bob password hunter22\n' });
    const args = ['fix', 'private', '--pattern', 'git.corp.example/*', '--netrc-token-env', 'CORP_TOKEN'];
    const outputs: string[] = [];
    for (const extra of [[], ['--json'], ['--apply'], ['--apply', '--json']]) {
      // A fresh plan each time: the second --apply is a no-op plan for GOPRIVATE.
      const r = await run([...args, ...extra], { cwd: world!.project, env });
      outputs.push(r.stdout, r.stderr);
      expect(r.code, r.stdout + r.stderr).toBeLessThanOrEqual(1);
    }
    const netrc = path.join(world!.home, '.netrc');
    expect(await readFile(netrc, 'utf8')).toBe(
      `machine other.example login bob password hunter22\nmachine git.corp.example login oauth2 password ${TOKEN}\n`,
    );
    expect((await stat(netrc)).mode & 0o777).toBe(0o600);
    expect(await readFile(envFile, 'utf8')).toBe('GOPRIVATE=git.corp.example/*\n');
    expect((await runGo(['env', 'GOPRIVATE', 'GONOSUMDB'], { cwd: world!.project, env })).stdout).toBe(
      'git.corp.example/*\ngit.corp.example/*\n',
    );
    expect(outputs.join('\n')).toContain('password ***');
    expect(outputs.join('\n')).not.toContain(TOKEN);
    expect(outputs.join('\n')).not.toContain('hunter22');
    const journalDir = path.join(world!.project, '.modrescue');
    const journal = await readFile(path.join(journalDir, 'journal.jsonl'), 'utf8');
    expect(journal).toContain('"netrc"');
    expect(journal).not.toContain(TOKEN);
    expect(await everything(journalDir)).not.toContain(TOKEN);

    const u = await run(['undo', '--last'], { cwd: world!.project, env });
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout + u.stderr).not.toContain(TOKEN);
    expect(await readFile(netrc, 'utf8')).toBe('machine other.example login bob password hunter22\n');
    expect((await stat(netrc)).mode & 0o777).toBe(0o644);
  });

  it('the token variable must be set; nothing is journalled when it is not', async () => {
    const { env } = await setup();
    const { CORP_TOKEN: _t, ...noToken } = env;
    const r = await run(
      ['fix', 'private', '--pattern', 'git.corp.example', '--netrc-token-env', 'CORP_TOKEN', '--apply'],
      {
        cwd: world!.project,
        env: noToken,
      },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: the environment variable CORP_TOKEN is not set or empty');
  });

  it('--ssh adds the insteadOf rewrite with git; explicit GONOSUMDB gains the pattern; undo restores .gitconfig', async () => {
    const gitconfig = '[user]\n\tname = Alice\n';
    const { env } = await setup({ '.gitconfig': gitconfig });
    const r = await run(['fix', 'private', '--pattern', 'git.corp.example/team', '--ssh', '--apply'], {
      cwd: world!.project,
      env: { ...env, GONOSUMDB: 'other.example' },
    });
    expect(r.code, r.stdout + r.stderr).toBeLessThanOrEqual(1);
    expect(r.stdout).toContain('set GONOSUMDB=other.example,git.corp.example/team');
    const git = await promisify(execFile)(
      'git',
      ['config', '--global', '--get', 'url.ssh://git@git.corp.example/.insteadOf'],
      {
        env: { PATH: process.env['PATH'], HOME: world!.home },
      },
    );
    expect(git.stdout).toBe('https://git.corp.example/\n');
    expect((await run(['undo', '--last'], { cwd: world!.project, env })).code).toBe(0);
    expect(await readFile(path.join(world!.home, '.gitconfig'), 'utf8')).toBe(gitconfig);
  });

  it('a private module the GOPROXY serves keeps that route (GONOPROXY=none, as the go command documents for a company proxy)', async () => {
    const { envFile, env } = await setup();
    const r = await run(['fix', 'private', '--pattern', 'rsc.io/quote', '--apply'], { cwd: world!.project, env });
    expect(r.code, r.stdout + r.stderr).toBeLessThanOrEqual(1);
    expect(r.stdout).toContain('GOPROXY serves rsc.io/quote@v1.5.2: the private modules keep that route');
    expect(await readFile(envFile, 'utf8')).toBe('GONOPROXY=none\nGOPRIVATE=rsc.io/quote\n');
    // The go command now skips the checksum database for it but still downloads it through the proxy.
    const dl = await runGo(['mod', 'download', '-json', 'rsc.io/quote@v1.5.2'], {
      cwd: world!.project,
      env: { ...env, GOFLAGS: '-mod=mod' },
    });
    expect(dl.code, dl.stdout + dl.stderr).toBe(0);
    expect(world!.sumdb!.requests.some((p) => p.includes('rsc.io/quote'))).toBe(false);
    const direct = await run(['fix', 'private', '--pattern', 'rsc.io/sampler', '--route', 'direct'], {
      cwd: world!.project,
      env,
    });
    // GONOPROXY is now set explicitly (none): a direct route adds the pattern to it.
    expect(direct.stdout).toContain('set GONOPROXY=none,rsc.io/sampler in the go env file');
  });

  it('--ssh needs a concrete host', async () => {
    const { env } = await setup();
    const r = await run(['fix', 'private', '--pattern', '*.corp.example', '--ssh'], { cwd: world!.project, env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('need a concrete host');
  });
});

describe('netrcWith', () => {
  it.each([
    ['', 'machine h.example login l password p\n'],
    ['machine a login x password y\n', 'machine a login x password y\nmachine h.example login l password p\n'],
    [
      'machine h.example\n  login old\n  password old\nmachine b login x password y\n',
      'machine h.example login l password p\nmachine b login x password y\n',
    ],
    [
      'machine h.example.org login x password y',
      'machine h.example.org login x password y\nmachine h.example login l password p\n',
    ],
  ])('%j', (before, after) => {
    expect(netrcWith(before, 'h.example', 'l', 'p')).toBe(after);
  });
});
