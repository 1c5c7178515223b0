// Transcript tests of `modrescue mod edit`, run in-process (test/support/cli.ts) in real
// temporary directories. The byte-for-byte agreement with the go command is proven by
// mod-edit.differential.test.ts; these pin what the oracle cannot show: atomic writes,
// file modes, symlinks, the go env file, bytes that are not UTF-8, and our usage text.
import { chmod, lstat, mkdir, mkdtemp, readFile, readdir, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { run } from '../../../test/support/cli.js';

let dir = '';
const env = (extra: Record<string, string> = {}) => ({ GOENV: 'off', GOFLAGS: '', TMPDIR: os.tmpdir(), ...extra });

beforeEach(async () => {
  dir = await realpath(await mkdtemp(path.join(os.tmpdir(), 'modrescue-modedit-t-')));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const gomod = () => path.join(dir, 'go.mod');

describe('modrescue mod edit', () => {
  it('formats go.mod in place, atomically, keeping its mode and leaving no temporary file', async () => {
    await writeFile(gomod(), 'module   example.com/m\nrequire (\n example.com/x   v1.0.0\n)\n');
    await chmod(gomod(), 0o640);
    const r = await run(['mod', 'edit', '-require=example.com/y@v1.2.3'], { cwd: dir, env: env() });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await readFile(gomod(), 'utf8')).toBe(
      'module example.com/m\n\nrequire (\n\texample.com/x v1.0.0\n\texample.com/y v1.2.3\n)\n',
    );
    expect((await lstat(gomod())).mode & 0o777).toBe(0o640);
    expect(await readdir(dir)).toEqual(['go.mod']);
  });

  it('edits the file a symlink points to and keeps the link', async () => {
    await mkdir(path.join(dir, 'real'));
    await writeFile(path.join(dir, 'real', 'go.mod'), 'module example.com/m\n');
    await symlink(path.join(dir, 'real', 'go.mod'), gomod());
    const r = await run(['mod', 'edit', '-go=1.19'], { cwd: dir, env: env() });
    expect(r.code).toBe(0);
    expect((await lstat(gomod())).isSymbolicLink()).toBe(true);
    expect(await readFile(path.join(dir, 'real', 'go.mod'), 'utf8')).toBe('module example.com/m\n\ngo 1.19\n');
  });

  it('finds go.mod in a parent directory and reports errors with its absolute path', async () => {
    await writeFile(gomod(), 'module example.com/m\n\n requre x v1\n');
    await mkdir(path.join(dir, 'a', 'b'), { recursive: true });
    const r = await run(['mod', 'edit', '-fmt'], { cwd: path.join(dir, 'a', 'b'), env: env() });
    expect(r).toEqual({
      code: 1,
      stdout: '',
      stderr: `modrescue: errors parsing ../../go.mod:\n${gomod()}:3:2: unknown directive: requre\n`,
    });
  });

  it('keeps bytes that are not UTF-8 exactly', async () => {
    const data = Buffer.from('module example.com/m // caf\xe9\n\nrequire example.com/x v1.0.0 // \xff\xfe\n', 'latin1');
    await writeFile(gomod(), data);
    const printed = await run(['mod', 'edit', '-fmt', '-print'], { cwd: dir, env: env() });
    expect(printed.code).toBe(0);
    await run(['mod', 'edit', '-fmt'], { cwd: dir, env: env() });
    expect((await readFile(gomod())).equals(data)).toBe(true);
  });

  it('applies editing flags from GOFLAGS in the go env file', async () => {
    await writeFile(gomod(), 'module example.com/m\n');
    const envFile = path.join(dir, 'goenv');
    await writeFile(envFile, 'GOFLAGS=-require=example.com/from-env@v1.0.0 -mod=mod\n');
    const r = await run(['mod', 'edit', '-print'], { cwd: dir, env: { GOENV: envFile, TMPDIR: os.tmpdir() } });
    expect(r).toEqual({ code: 0, stdout: 'module example.com/m\n\nrequire example.com/from-env v1.0.0\n', stderr: '' });
  });

  it('prints Go-style usage errors with exit 2 and fatal errors with exit 1', async () => {
    await writeFile(gomod(), 'module example.com/m\n');
    expect(await run(['mod', 'edit', '-nope'], { cwd: dir, env: env() })).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'flag provided but not defined: -nope\n' +
        'usage: modrescue mod edit [editing flags] [-fmt|-print|-json] [go.mod]\n' +
        "Run 'modrescue help mod edit' for details.\n",
    });
    expect(await run(['mod', 'edit', '-replace=example.com/a=example.com/b'], { cwd: dir, env: env() })).toEqual({
      code: 1,
      stdout: '',
      stderr: 'modrescue: -replace=example.com/a=example.com/b: unversioned new path must be local directory\n',
    });
    expect(await readFile(gomod(), 'utf8')).toBe('module example.com/m\n');
  });

  it('supports the directives newer than Go 1.19 (-toolchain, -godebug, -tool, -ignore, -go=none)', async () => {
    await writeFile(gomod(), 'module example.com/m\n\ngo 1.21\n');
    const r = await run(
      [
        'mod',
        'edit',
        '-toolchain=go1.22.1',
        '-godebug=panicnil=1',
        '-tool=example.com/cmd/gen',
        '-ignore=./node_modules',
        '-json',
      ],
      { cwd: dir, env: env() },
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      Module: { Path: 'example.com/m' },
      Go: '1.21',
      Toolchain: 'go1.22.1',
      Godebug: [{ Key: 'panicnil', Value: '1' }],
      Require: null,
      Exclude: null,
      Replace: null,
      Retract: null,
      Tool: [{ Path: 'example.com/cmd/gen' }],
      Ignore: [{ Path: './node_modules' }],
    });
    const dropped = await run(['mod', 'edit', '-go=none', '-toolchain=none', '-print'], { cwd: dir, env: env() });
    expect(dropped.stdout).toBe('module example.com/m\n');
    expect((await run(['mod', 'edit', '-toolchain=1.22'], { cwd: dir, env: env() })).stderr).toBe(
      'modrescue: invalid -toolchain option; expecting something like "-toolchain go1.19"\n',
    );
    expect((await run(['mod', 'edit', '-godebug=novalue'], { cwd: dir, env: env() })).stderr).toBe(
      'modrescue: -godebug=novalue: need key=value\n',
    );
  });

  it('answers -h/--help like go mod edit -h (usage on stderr, exit 2) and `help mod edit` with the full text', async () => {
    const r = await run(['mod', 'edit', '--help'], { cwd: dir, env: env() });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('usage: modrescue mod edit [editing flags] [-fmt|-print|-json] [go.mod]');
    const h = await run(['help', 'mod', 'edit'], { cwd: dir, env: env() });
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('usage: modrescue mod edit [editing flags] [-fmt|-print|-json] [go.mod]');
    expect(h.stdout).toContain('-replace=old[@v]=new[@v]');
  });
});
