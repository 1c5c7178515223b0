import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createDoctorWorld, QUOTE_FIXTURES, type DoctorWorld } from '../../../test/support/doctor-world.js';
import { startTestProxy, type TestProxy } from '../../../test/support/proxy-server.js';
import { runGo } from '../../../test/support/go.js';
import { run } from '../../../test/support/cli.js';
import { closedPort } from '../../shared/net.js';
import { closeClients, journalOf } from '../testdata/world.js';

let world: DoctorWorld | undefined;
const extra: TestProxy[] = [];
afterEach(async () => {
  await closeClients();
  for (const p of extra.splice(0)) await p.close();
  await world?.close();
  world = undefined;
});

/** deadURL returns a loopback URL nothing listens on. */
async function deadURL(): Promise<string> {
  return `http://127.0.0.1:${await closedPort()}/mod`;
}

describe('fix proxy', () => {
  it('--set writes the go env file as go env -w does; the go command reads it; undo restores it', async () => {
    world = await createDoctorWorld();
    const envFile = path.join(world.home, '.config', 'go', 'env');
    await mkdir(path.dirname(envFile), { recursive: true });
    await writeFile(envFile, 'GOSUMDB=off\nGOPRIVATE=git.corp.example\n');
    const { GOPROXY: _p, GOENV: _e, ...env } = world.env;
    const r = await run(['fix', 'proxy', '--set', `${world.proxy.url},direct`, '--scope', 'go-env', '--apply'], {
      cwd: world.project,
      env,
    });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('-GOSUMDB=off');
    expect(await readFile(envFile, 'utf8')).toBe(
      `GOPRIVATE=git.corp.example\nGOPROXY=${world.proxy.url},direct\nGOSUMDB=off\n`,
    );
    const go = await runGo(['env', 'GOPROXY'], { cwd: world.project, env });
    expect(go.stdout).toBe(`${world.proxy.url},direct\n`);
    const [entry] = await journalOf(world.project);
    expect(entry!.env).toEqual([
      { scope: 'go-env', name: 'GOPROXY', before: null, after: `${world.proxy.url},direct`, file: envFile },
    ]);
    expect((await run(['undo', '--last'], { cwd: world.project, env })).code).toBe(0);
    expect(await readFile(envFile, 'utf8')).toBe('GOSUMDB=off\nGOPRIVATE=git.corp.example\n');
  });

  it('probes the mirrors live: unreachable and hanging ones are dropped, serving ones first, direct kept', async () => {
    world = await createDoctorWorld({
      env: { GOPROXY: 'http://127.0.0.1:9/mod,direct', GONOPROXY: 'git.corp.example' },
    });
    const empty = await startTestProxy({ fixtures: [] });
    const hanging = await startTestProxy({
      fixtures: QUOTE_FIXTURES,
      faults: [{ pattern: '*', fault: { kind: 'hang' } }],
    });
    const failing = await startTestProxy({
      fixtures: QUOTE_FIXTURES,
      faults: [{ pattern: '*', fault: { kind: 'status', status: 502 } }],
    });
    extra.push(empty, hanging, failing);
    const dead = await deadURL();
    const ghEnv = path.join(world.dir, 'github_env');
    await writeFile(ghEnv, 'EARLIER=1\n');
    const args = ['fix', 'proxy', '--timeout', '1s', '--scope', 'ci', '--apply'];
    for (const m of [dead, empty.url, hanging.url, failing.url, world.proxy.url]) args.push('--mirror', m);
    const r = await run(args, { cwd: world.project, env: { ...world.env, GITHUB_ENV: ghEnv } });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const chain = `${world.proxy.url},${empty.url},direct`;
    expect(r.stdout).toContain(`set GOPROXY=${chain} in $GITHUB_ENV`);
    expect(r.stdout).toMatch(/probe http:\/\/127\.0\.0\.1:\d+\/mod\/rsc\.io\/quote\/@v\/v1\.5\.2\.info: unreachable/);
    expect(r.stdout).toContain('private routing is kept: GONOPROXY=git.corp.example');
    expect(await readFile(ghEnv, 'utf8')).toBe(`EARLIER=1\nGOPROXY=${chain}\n`);
    // Verification ran with the new chain.
    expect(r.stdout).toMatch(/pass goproxy-reachable/);
  });

  it('mirrors come from modrescue.yaml; none answering is refused', async () => {
    world = await createDoctorWorld();
    const dead = await deadURL();
    await writeFile(path.join(world.project, 'modrescue.yaml'), `fix:\n  mirrors:\n    - ${dead}\n`);
    const r = await run(['fix', 'proxy', '--timeout', '1s', '--scope', 'shell'], {
      cwd: world.project,
      env: world.env,
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('refused: no mirror answered');
    await writeFile(path.join(world.project, 'modrescue.yaml'), 'fix:\n  mirrors: 3\n');
    const bad = await run(['fix', 'proxy', '--scope', 'shell'], { cwd: world.project, env: world.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('modrescue.yaml: fix.mirrors');
  });

  it('shell scope: stdout is only the export line (for eval); undo prints the line that restores it', async () => {
    world = await createDoctorWorld();
    const r = await run(['fix', 'proxy', '--set', `${world.proxy.url},direct`, '--scope', 'shell', '--apply'], {
      cwd: world.project,
      env: world.env,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout, r.stderr).toBe(`export GOPROXY='${world.proxy.url},direct'\n`);
    const sh = await promisify(execFile)('sh', ['-c', `eval "$1"; printf %s "$GOPROXY"`, 'sh', r.stdout]);
    expect(sh.stdout).toBe(`${world.proxy.url},direct`);
    const u = await run(['undo', '--last'], { cwd: world.project, env: world.env });
    expect(u.stdout).toBe(`export GOPROXY='${world.env['GOPROXY']}'\n`);
  });

  it('a password in the GOPROXY URL reaches the go env file, but never the output, --json or the journal', async () => {
    world = await createDoctorWorld();
    const envFile = path.join(world.home, '.config', 'go', 'env');
    await mkdir(path.dirname(envFile), { recursive: true });
    const { GOENV: _e, ...env } = world.env;
    const chain = 'https://bob:s3cr3tpass@proxy.corp.example,direct';
    const outputs: string[] = [];
    for (const extra of [['--json'], ['--apply'], ['--json', '--apply']]) {
      const r = await run(['fix', 'proxy', '--set', chain, '--scope', 'go-env', '--no-verify', ...extra], {
        cwd: world.project,
        env,
      });
      outputs.push(r.stdout, r.stderr);
    }
    expect(await readFile(envFile, 'utf8')).toBe(`GOPROXY=${chain}\n`);
    expect(outputs.join('\n')).toContain('https://bob:***@proxy.corp.example');
    expect(outputs.join('\n')).not.toContain('s3cr3tpass');
    expect(await readFile(path.join(world.project, '.modrescue', 'journal.jsonl'), 'utf8')).not.toContain('s3cr3tpass');
  });

  it('ci scope on GitLab writes a dotenv file (--ci-file), replacing the variable in place', async () => {
    world = await createDoctorWorld();
    const env = { ...world.env, GITLAB_CI: 'true' };
    const refused = await run(['fix', 'proxy', '--set', 'https://a.example,direct'], { cwd: world.project, env });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('refused: ci scope on GitLab needs --ci-file <dotenv file>');
    await writeFile(path.join(world.project, 'ci.env'), 'GOFLAGS=-mod=mod\nGOPROXY=https://old.example\n');
    for (const set of ['https://a.example,direct', 'https://b.example,direct']) {
      const r = await run(['fix', 'proxy', '--set', set, '--ci-file', 'ci.env', '--no-verify', '--apply'], {
        cwd: world.project,
        env,
      });
      expect(r.code, r.stdout + r.stderr).toBe(0);
    }
    expect(await readFile(path.join(world.project, 'ci.env'), 'utf8')).toBe(
      'GOFLAGS=-mod=mod\nGOPROXY=https://b.example,direct\n',
    );
    expect((await run(['undo', '--last'], { cwd: world.project, env })).code).toBe(0);
    expect(await readFile(path.join(world.project, 'ci.env'), 'utf8')).toBe(
      'GOFLAGS=-mod=mod\nGOPROXY=https://a.example,direct\n',
    );
  });

  it('--set is checked with the go command rules', async () => {
    world = await createDoctorWorld();
    const r = await run(['fix', 'proxy', '--set', 'ftp://x.example'], { cwd: world.project, env: world.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fix proxy: --set "ftp://x.example"');
  });
});
