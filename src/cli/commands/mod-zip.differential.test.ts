// Differential: `modrescue mod zip` against Go 1.19 on real-shaped module directories
// (nested packages, testdata, vendor/, a nested module, a real .git repository and other
// VCS directories, LICENSE, non-ASCII names, a symbolic link, bad names).
//
// Two oracles, both Debian's Go 1.19.8:
//  1. the go command: our zip, served from a file:// proxy, must be accepted by
//     `go mod download -json` (which re-checks it with x/mod's Unzip) and get our h1 as
//     its Sum;
//  2. x/mod itself: the golang.org/x/mod copy vendored in Go 1.19's source tree, built
//     into a tiny program in a temp dir, runs CreateFromDir + HashZip and CheckDir on
//     the same directory: same hash (or the same error) and the same report.
// Go 1.19's x/mod predates the go1.24 vendoring rules, so every go.mod here says < 1.24.
import { execFileSync } from 'node:child_process';
import { cp, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../test/support/cli.js';
import { createWorkspace, goBinary, runGo, type Workspace } from '../../../test/support/go.js';

let ws: Workspace;
let oracle: string;

/** The x/mod oracle: CreateFromDir + HashZip and CheckDir, as JSON (our own program). */
const ORACLE_MAIN = `package main

import (
	"encoding/json"
	"os"
	"path/filepath"

	"golang.org/x/mod/module"
	"golang.org/x/mod/sumdb/dirhash"
	modzip "golang.org/x/mod/zip"
)

func main() {
	dir, path, version, out := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	res := map[string]interface{}{}
	f, err := os.Create(out)
	if err != nil {
		panic(err)
	}
	err = modzip.CreateFromDir(f, module.Version{Path: path, Version: version}, dir)
	f.Close()
	if err != nil {
		res["error"] = err.Error()
	} else if h, err := dirhash.HashZip(out, dirhash.Hash1); err != nil {
		res["error"] = err.Error()
	} else {
		res["hash"] = h
	}
	cf, _ := modzip.CheckDir(dir)
	rel := func(p string) string { r, _ := filepath.Rel(dir, p); return filepath.ToSlash(r) }
	list := func(l []modzip.FileError) []string {
		out := []string{}
		for _, e := range l {
			out = append(out, rel(e.Path)+": "+e.Err.Error())
		}
		return out
	}
	valid := []string{}
	for _, p := range cf.Valid {
		valid = append(valid, rel(p))
	}
	res["valid"] = valid
	res["omitted"] = list(cf.Omitted)
	res["invalid"] = list(cf.Invalid)
	json.NewEncoder(os.Stdout).Encode(res)
}
`;

interface Scenario {
  name: string;
  files: Record<string, string>;
  /** Extra set-up (symbolic links, a git repository…). */
  setup?: (dir: string) => Promise<void>;
  /** The zip cannot be made (same error expected from both). */
  invalid?: boolean;
}

const mod = (name: string, go = '1.19') => `module example.com/zipdiff/${name}\n\ngo ${go}\n`;

const SCENARIOS: Scenario[] = [
  {
    name: 'nested',
    files: {
      'go.mod': mod('nested', '1.17'),
      'main.go': 'package main\n\nfunc main() {}\n',
      'internal/x/x.go': 'package x\n',
      'pkg/a/b/c/deep.go': 'package c\n',
      'pkg/a/doc.go': '// Package a.\npackage a\n',
      'testdata/golden.txt': 'expected output\n',
      'testdata/sub/data.bin': '\u0000\u0001\u0002binary-ish\n',
      '.gitignore': '*.out\n',
      'README.md': '# nested\n',
      LICENSE: 'Copyright (c) the authors. All rights reserved.\n',
      '.hg_archival.txt': 'repo: 0123\nnode: 4567\n',
    },
  },
  {
    name: 'vendored',
    files: {
      'go.mod': mod('vendored', '1.16'),
      'v.go': 'package v\n',
      'vendor/modules.txt': '# example.com/dep v1.0.0\nexample.com/dep\n',
      'vendor/example.com/dep/dep.go': 'package dep\n',
      'vendor/vendor.go': 'package vendor\n',
      'pkg/vendor/vendor.go': 'package vendor\n',
      'pkg/vendor/x/y.go': 'package x\n',
      'longpackagename/vendor/foo/foo.go': 'package foo\n',
    },
  },
  {
    name: 'submodule',
    files: {
      'go.mod': mod('submodule'),
      'root.go': 'package root\n',
      'sub/go.mod': 'module example.com/zipdiff/submodule/sub\n',
      'sub/s.go': 'package sub\n',
      'sub/inner/i.go': 'package inner\n',
      'other/GO.MOD': 'module example.com/zipdiff/submodule/other\n',
      'other/o.go': 'package other\n',
      'tools/go.mod/not-a-file.go': 'package gomoddir\n',
    },
  },
  {
    name: 'vcs',
    files: {
      'go.mod': mod('vcs', '1.21'),
      'vcs.go': 'package vcs\n',
      '.hg/store/data': 'hg\n',
      '.svn/entries': '12\n',
      '.bzr/branch-format': 'bzr\n',
      'docs/.git/config': 'not a real repo, still a VCS directory\n',
    },
    async setup(dir) {
      const git = (...args: string[]) =>
        execFileSync('git', args, {
          cwd: dir,
          env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, GIT_CONFIG_NOSYSTEM: '1' },
          stdio: 'pipe',
        });
      git('init', '-q', '-b', 'main');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', '.');
      git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'initial');
    },
  },
  {
    name: 'names',
    files: {
      'go.mod': mod('names'),
      LICENSE: 'MIT License\n',
      'données/é.go': 'package données\n',
      '日本語/ファイル.go': 'package 日本語\n',
      'Ünïcödé.txt': 'letters are fine in file names\n',
      'a-b_c~d.e+f/g,h.go': 'package x\n',
    },
    async setup(dir) {
      await symlink('LICENSE', path.join(dir, 'COPYING'));
      await mkdir(path.join(dir, 'empty', 'dirs', 'vanish'), { recursive: true });
    },
  },
  {
    name: 'go124', // the go line is read; Go 1.19 and modrescue still agree when nothing is vendored
    files: { 'go.mod': mod('go124', '1.24'), 'x.go': 'package x\n', 'sub/y.go': 'package sub\n' },
  },
  {
    name: 'badnames',
    invalid: true,
    files: {
      'go.mod': mod('badnames'),
      '☺.go': 'package smile\n',
      'A.go': 'package a\n',
      'a.go': 'package a\n',
      "it's.go": 'package q\n',
      'aux.go': 'package reserved\n',
    },
  },
  {
    name: 'badutf8', // a file name that is not UTF-8 (Linux allows any bytes)
    invalid: true,
    files: { 'go.mod': mod('badutf8'), 'ok.go': 'package ok\n' },
    async setup(dir) {
      await writeFile(
        Buffer.concat([Buffer.from(dir + '/'), Buffer.from([0x78, 0xff, 0x2e, 0x67, 0x6f])]),
        'package x\n',
      );
    },
  },
  {
    name: 'gomodcase',
    invalid: true,
    files: { 'GO.MOD': mod('gomodcase'), 'x.go': 'package x\n' },
  },
];

beforeAll(async () => {
  ws = await createWorkspace('modrescue-zipdiff-');
  // Build the x/mod oracle from the copy vendored in the Go 1.19 source tree.
  const goroot = execFileSync(goBinary(), ['env', 'GOROOT'], { env: ws.env, encoding: 'utf8' }).trim();
  const vendored = path.join(goroot, 'src', 'cmd', 'vendor', 'golang.org', 'x', 'mod');
  const xmod = path.join(ws.dir, 'xmod');
  for (const sub of ['module', 'semver', 'zip', 'internal', 'sumdb/dirhash']) {
    await cp(path.join(vendored, sub), path.join(xmod, sub), { recursive: true });
  }
  await writeFile(path.join(xmod, 'go.mod'), 'module golang.org/x/mod\n\ngo 1.17\n');
  const prog = path.join(ws.dir, 'oracle');
  await mkdir(prog);
  await writeFile(
    path.join(prog, 'go.mod'),
    'module oracle\n\ngo 1.19\n\nrequire golang.org/x/mod v0.0.0\n\nreplace golang.org/x/mod => ../xmod\n',
  );
  await writeFile(path.join(prog, 'main.go'), ORACLE_MAIN);
  oracle = path.join(ws.dir, 'xmod-oracle');
  const built = await runGo(['build', '-o', oracle, '.'], { cwd: prog, env: { ...ws.env, GOPROXY: 'off' } });
  expect(built.stderr).toBe('');
  expect(built.code).toBe(0);
}, 300_000);

afterAll(async () => {
  await ws?.cleanup();
});

interface OracleResult {
  hash?: string;
  error?: string;
  valid: string[];
  omitted: string[];
  invalid: string[];
}

async function materialize(s: Scenario): Promise<string> {
  const dir = path.join(ws.dir, 'src', s.name);
  for (const [name, content] of Object.entries(s.files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  await s.setup?.(dir);
  return dir;
}

describe('mod zip vs Go 1.19', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))('%s', async (_n, s) => {
    const dir = await materialize(s);
    const modPath = `example.com/zipdiff/${s.name}`;
    const version = 'v1.0.0';
    const vdir = path.join(ws.proxyDir, 'example.com', 'zipdiff', s.name, '@v');
    await mkdir(vdir, { recursive: true });

    const ours = await run(
      ['mod', 'zip', dir, `-module=${modPath}@${version}`, '-o', path.join(vdir, `${version}.zip`)],
      {
        cwd: ws.dir,
      },
    );
    const report = await run(['mod', 'zip', dir, `-module=${modPath}@${version}`, '-check', '--json'], { cwd: ws.dir });
    const doc = JSON.parse(report.stdout) as {
      valid: string[];
      omitted: Array<{ path: string; message: string }>;
      invalid: Array<{ path: string; message: string }>;
    };

    const xmod = execFileSync(oracle, [dir, modPath, version, path.join(ws.dir, `${s.name}.oracle.zip`)], {
      encoding: 'utf8',
    });
    const want = JSON.parse(xmod) as OracleResult;

    // Same report as x/mod's CheckDir (same order too).
    expect(doc.valid).toEqual(want.valid);
    expect(doc.omitted.map((f) => `${f.path}: ${f.message}`)).toEqual(want.omitted);
    expect(doc.invalid.map((f) => `${f.path}: ${f.message}`)).toEqual(want.invalid);

    if (s.invalid) {
      expect(want.error).toBeDefined();
      expect(ours).toEqual({ code: 1, stdout: '', stderr: `modrescue: ${want.error}\n` });
      return;
    }
    expect(ours.stderr).toBe('');
    expect(ours.code).toBe(0);
    const hash = ours.stdout.trim();
    expect(hash).toBe(want.hash);

    // The go command accepts the zip from a file:// proxy and records the same sum.
    await writeFile(
      path.join(vdir, `${version}.info`),
      JSON.stringify({ Version: version, Time: '2024-01-02T03:04:05Z' }),
    );
    await writeFile(path.join(vdir, `${version}.mod`), await readFile(path.join(dir, 'go.mod')));
    await writeFile(path.join(vdir, 'list'), `${version}\n`);
    const dl = await runGo(['mod', 'download', '-json', `${modPath}@${version}`], { cwd: ws.dir, env: ws.env });
    const info = JSON.parse(dl.stdout) as { Sum?: string; Error?: string; GoModSum?: string };
    expect(info.Error).toBeUndefined();
    expect(dl.code).toBe(0);
    expect(info.Sum).toBe(hash);
    const gomodHash = await run(['mod', 'hash', path.join(dir, 'go.mod')], { cwd: ws.dir });
    expect(gomodHash.stdout.trim()).toBe(info.GoModSum);
  });
});
