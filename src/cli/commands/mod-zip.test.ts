// Transcripts of `modrescue mod zip | mod hash | mod unzip`, run in-process.
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../test/support/cli.js';
import { hashDir, hashGoMod, hashZip } from '../../mod/sumdb/dirhash/index.js';

let work: string;
const M = '-module=example.com/m@v1.0.0';
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-modzip-'));
  const files: Record<string, string> = {
    'm/go.mod': 'module example.com/m\n\ngo 1.19\n',
    'm/m.go': 'package m\n',
    'm/internal/x/x.go': 'package x\n',
    'm/.git/HEAD': 'ref: refs/heads/main\n',
    'm/sub/go.mod': 'module example.com/m/sub\n',
    'm/sub/s.go': 'package sub\n',
    'm/vendor/example.com/dep/dep.go': 'package dep\n',
    'bad/go.mod': 'module example.com/bad\n',
    "bad/it's.go": 'package bad\n',
    'bad/A.go': 'package bad\n',
    'bad/a.go': 'package bad\n',
  };
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(work, name)), { recursive: true });
    await writeFile(path.join(work, name), content);
  }
  await symlink('m.go', path.join(work, 'm', 'link.go'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});
const mr = (...argv: string[]) => run(argv, { cwd: work });

describe('mod zip', () => {
  it('prints the h1 hash of the zip; -o writes that zip; nothing else is left behind', async () => {
    const r = await mr('mod', 'zip', 'm', M);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^h1:[A-Za-z0-9+/]{43}=\n$/);
    const o = await mr('mod', 'zip', 'm', M, '-o', 'out/m.zip');
    expect(o).toEqual({ code: 1, stdout: '', stderr: 'modrescue: -o out/m.zip: no such directory: out\n' });
    await mkdir(path.join(work, 'out'));
    const ok = await mr('mod', 'zip', 'm', M, '-o', 'out/m.zip');
    expect(ok).toMatchObject({ code: 0, stdout: r.stdout });
    expect(await hashZip(path.join(work, 'out/m.zip'))).toBe(r.stdout.trim());
    expect(await readdir(path.join(work, 'out'))).toEqual(['m.zip']);
  });

  it('-check prints the report (paths relative to the module root)', async () => {
    const r = await mr('mod', 'zip', '-check', 'm', M);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(
      [
        'valid:',
        'go.mod',
        'internal/x/x.go',
        'm.go',
        '',
        'omitted:',
        '.git: directory is a version control repository',
        'link.go: not a regular file',
        'sub: directory is in another module',
        'vendor/example.com/dep: file is in vendor directory',
        'vendor/example.com/dep/dep.go: file is in vendor directory',
        '',
        'invalid:',
        '',
      ].join('\n'),
    );
  });

  it('-check --json is a schemaVersion 1 document; invalid files exit 1', async () => {
    const r = await mr('mod', 'zip', 'bad', '-module=example.com/bad@v1.0.0', '-check', '--json');
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(doc)[0]).toBe('schemaVersion');
    expect(doc).toMatchObject({
      schemaVersion: 1,
      module: { path: 'example.com/bad', version: 'v1.0.0' },
      ok: false,
      valid: ['A.go', 'go.mod'],
      invalid: [
        {
          path: 'a.go',
          code: 'ERR_ZIP_CASE_COLLISION',
          message: 'case-insensitive file name collision: "A.go" and "a.go"',
        },
        {
          path: "it's.go",
          code: 'ERR_MODULE_INVALID_PATH',
          message: `malformed file path "it's.go": invalid char '\\''`,
        },
      ],
    });
  });

  it('--json without -check reports the hash and the zip', async () => {
    const r = await mr('mod', 'zip', 'm', M, '--json', '-o', 'm2.zip');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      schemaVersion: 1,
      module: { path: 'example.com/m', version: 'v1.0.0' },
      dir: path.join(work, 'm'),
      zip: path.join(work, 'm2.zip'),
      hash: await hashZip(path.join(work, 'm2.zip')),
    });
  });

  it.each([
    [
      ['mod', 'zip', 'bad', '-module=example.com/bad@v1.0.0'],
      1,
      `modrescue: create zip ${'$W'}/bad: a.go: case-insensitive file name collision: "A.go" and "a.go"\nit's.go: malformed file path "it's.go": invalid char '\\''\n`,
    ],
    [['mod', 'zip', 'nope', M], 1, 'modrescue: nope: no such file or directory\n'],
    [['mod', 'zip', 'm/m.go', M], 1, 'modrescue: m/m.go: not a directory\n'],
    [
      ['mod', 'zip', 'm', '-module=example.com/m@v1.0'],
      1,
      'modrescue: example.com/m@v1.0: version "v1.0" is not canonical (should be "v1.0.0")\n',
    ],
    [
      ['mod', 'zip', 'm', '-module=example.com/m@v2.0.0'],
      1,
      'modrescue: example.com/m@v2.0.0: invalid version: should be v0 or v1, not v2\n',
    ],
    [
      ['mod', 'zip', 'm', '-module=cache@v1.0.0'],
      1,
      'modrescue: cache@v1.0.0: malformed module path "cache": missing dot in first path element\n',
    ],
    [
      ['mod', 'zip', 'm'],
      2,
      "modrescue: mod zip: -module=path@version is required\nRun 'modrescue --help' for usage.\n",
    ],
    [
      ['mod', 'zip', 'm', '-module=example.com/m'],
      2,
      "modrescue: mod zip: -module=example.com/m: want path@version (for example example.com/m@v1.2.3)\nRun 'modrescue --help' for usage.\n",
    ],
    [['mod', 'zip', M], 2, "modrescue: mod zip: expected one directory argument\nRun 'modrescue --help' for usage.\n"],
  ])('%j exits %i', async (argv, code, stderr) => {
    const r = await run(argv, { cwd: work });
    expect(r.stderr).toBe(stderr.replaceAll('$W', work));
    expect(r.code).toBe(code);
    expect(r.stdout).toBe('');
  });
});

describe('mod hash', () => {
  it('hashes a zip, an extracted module directory and a go.mod file', async () => {
    const zip = (await mr('mod', 'zip', 'm', M, '-o', 'h.zip')).stdout;
    expect(await mr('mod', 'hash', 'h.zip')).toEqual({ code: 0, stdout: zip, stderr: '' });
    expect(await mr('mod', 'hash', 'h.zip', M)).toEqual({ code: 0, stdout: zip, stderr: '' });
    expect((await mr('mod', 'unzip', 'h.zip', 'x', M)).code).toBe(0);
    // The extracted tree hashes like the zip (no directory entries in module zips).
    expect(await mr('mod', 'hash', 'x', M)).toEqual({ code: 0, stdout: zip, stderr: '' });
    expect((await mr('mod', 'hash', 'm', M)).stdout.trim()).toBe(
      await hashDir(path.join(work, 'm'), 'example.com/m@v1.0.0'),
    );
    const gomod = await readFile(path.join(work, 'm/go.mod'));
    expect(await mr('mod', 'hash', 'm/go.mod')).toEqual({ code: 0, stdout: hashGoMod(gomod) + '\n', stderr: '' });
  });

  it.each([
    [['mod', 'hash', 'nope.zip'], 1, 'modrescue: nope.zip: no such file or directory\n'],
    [['mod', 'hash', 'm/m.go'], 1, 'modrescue: m/m.go: zip: not a valid zip file\n'],
    [['mod', 'hash', 'h.zip', '-module=example.com/other@v1.0.0'], 1, 'prefix'],
    [['mod', 'hash', 'm'], 2, 'needs -module'],
    [['mod', 'hash'], 2, 'expected one file or directory argument'],
  ])('%j exits %i', async (argv, code, stderr) => {
    const r = await run(argv, { cwd: work });
    expect(r.code).toBe(code);
    expect(r.stderr).toContain(stderr);
    expect(r.stdout).toBe('');
  });

  it('names an unreadable go.mod in Go wording', async () => {
    await writeFile(path.join(work, 'locked.mod'), 'module x\n');
    await chmod(path.join(work, 'locked.mod'), 0o000);
    const r = await mr('mod', 'hash', 'locked.mod');
    // root reads it anyway; everyone else gets "open …: permission denied"
    if (process.getuid?.() === 0) expect(r.code).toBe(0);
    else expect(r.stderr).toBe(`modrescue: open ${path.join(work, 'locked.mod')}: permission denied\n`);
  });
});

describe('mod unzip', () => {
  it('extracts read-only files; refuses a non-empty target and another module', async () => {
    await mr('mod', 'zip', 'm', M, '-o', 'u.zip');
    expect(await mr('mod', 'unzip', 'u.zip', 'u/out', M)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await stat(path.join(work, 'u/out/m.go'))).mode & 0o777).toBe(0o444);
    const again = await mr('mod', 'unzip', 'u.zip', 'u/out', M);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `modrescue: unzip ${path.join(work, 'u.zip')}: target directory ${path.join(work, 'u/out')} exists and is not empty\n`,
    );
    const other = await mr('mod', 'unzip', 'u.zip', 'u/other', '-module=example.com/other@v1.0.0');
    expect(other.code).toBe(1);
    expect(other.stderr).toContain(
      `example.com/m@v1.0.0/go.mod: path does not have prefix "example.com/other@v1.0.0/"`,
    );
    await expect(stat(path.join(work, 'u/other'))).rejects.toThrow();
  });

  it.each([
    [['mod', 'unzip', 'nope.zip', 'd', M], 1, 'modrescue: nope.zip: no such file or directory\n'],
    [['mod', 'unzip', 'm/m.go', 'd', M], 1, 'modrescue: unzip $W/m/m.go: zip: not a valid zip file\n'],
    [['mod', 'unzip', 'm', 'd', M], 1, 'modrescue: m: not a file\n'],
    [
      ['mod', 'unzip', 'u.zip', 'd'],
      2,
      "modrescue: mod unzip: -module=path@version is required\nRun 'modrescue --help' for usage.\n",
    ],
    [
      ['mod', 'unzip', 'u.zip', M],
      2,
      "modrescue: mod unzip: expected a zip file and a target directory\nRun 'modrescue --help' for usage.\n",
    ],
  ])('%j exits %i', async (argv, code, stderr) => {
    const r = await run(argv, { cwd: work });
    expect(r.stderr).toBe(stderr.replaceAll('$W', work));
    expect(r.code).toBe(code);
  });
});
