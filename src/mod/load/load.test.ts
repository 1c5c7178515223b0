import { describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runGo } from '../../../test/support/go.js';
import {
  anyTags,
  evaluate,
  isStandardImportPath,
  isStdPackage,
  matchFile,
  parseConstraint,
  readImports,
  scanDir,
  scanFiles,
  shouldBuild,
  tagsFor,
} from './index.js';

const linux = tagsFor({ goos: 'linux', goarch: 'amd64', goVersion: '1.19' });

describe('build constraints', () => {
  it.each([
    ['//go:build linux', true],
    ['//go:build !linux', false],
    ['//go:build linux && amd64', true],
    ['//go:build linux && !amd64', false],
    ['//go:build (darwin || windows) || (linux && go1.18)', true],
    ['//go:build go1.20', false],
    ['//go:build unix', true],
    ['//go:build ignore', false],
    ['// +build linux darwin', true],
    ['// +build linux,386', false],
    ['// +build !windows,!plan9', true],
  ])('%s for linux/amd64 -> %s', (line, want) => {
    expect(evaluate(parseConstraint(line), linux, true, 'linux')).toBe(want);
  });
  it.each(['//go:build', '//go:build linux &&', '//go:build (linux', '//go:build !!linux', '//go:build a b'])(
    '%s is a syntax error',
    (line) => expect(() => parseConstraint(line)).toThrow(),
  );
  it('"*" makes every tag but ignore true, and negations true too', () => {
    const any = anyTags();
    expect(evaluate(parseConstraint('//go:build windows && !windows'), any)).toBe(true);
    expect(evaluate(parseConstraint('//go:build ignore'), any)).toBe(false);
    expect(evaluate(parseConstraint('//go:build !ignore'), any)).toBe(true);
  });
});

describe('shouldBuild', () => {
  it.each([
    ['//go:build windows\n\npackage p\n', false],
    ['// Copyright\n\n//go:build linux\n// +build linux\n\npackage p\n', true],
    ['// +build windows\n\npackage p\n', false],
    ['package p\n\n//go:build windows\n', true],
    ['/* block */\n//go:build windows\npackage p\n', false],
    ['//go:build windows\n//go:build linux\npackage p\n', false],
  ])('%j', (src, want) => expect(shouldBuild(src, linux, 'linux')).toBe(want));
});

describe('matchFile', () => {
  it.each([
    ['x_linux.go', true],
    ['x_windows.go', false],
    ['x_linux_arm64.go', false],
    ['x_linux_amd64_test.go', true],
    ['x_windows_test.go', false],
    ['linux.go', true],
    ['x_test.go', true],
  ])('%s', (name, want) => expect(matchFile(name, linux, 'linux')).toBe(want));
});

describe('readImports', () => {
  it('reads single, grouped, named, dot and blank imports with positions', () => {
    const src = `// c\npackage  main // x\n\nimport "fmt"\nimport (\n\t_ "embed"\n\t. "strings" ; m "math"\n\t/* c */ "a.b/c\\x2fd"\n\t\`raw/path\`\n)\nimport "C"\nfunc main() {}\nimport "never"\n`;
    const r = readImports(src);
    expect(r.packageName).toBe('main');
    expect(r.error).toBeUndefined();
    expect(r.imports.map((s) => s.path)).toEqual(['fmt', 'embed', 'strings', 'math', 'a.b/c/d', 'raw/path', 'C']);
    expect(r.imports[0]).toMatchObject({ line: 4, col: 8 });
    expect(r.imports[1]).toMatchObject({ line: 6, col: 4 });
  });
  it('reports a malformed header', () => {
    expect(readImports('import "x"').error).toBe('expected package clause');
    expect(readImports('package p\nimport (\n\t"x"\n').error).toMatch(/malformed import/);
  });
});

describe('scanFiles', () => {
  const files = [
    { name: 'a.go', data: 'package p\nimport ("b.c/d"; "fmt")\n' },
    { name: 'a_windows.go', data: 'package p\nimport "golang.org/x/sys/windows"\n' },
    { name: 'cgo.go', data: 'package p\nimport "C"\nimport "x.y/cgoonly"\n' },
    { name: 'ign.go', data: '//go:build ignore\n\npackage main\nimport "x.y/ignored"\n' },
    { name: 'a_test.go', data: 'package p\nimport ("testing"; "b.c/d")\n' },
    { name: '_skip.go', data: 'package p\nimport "x.y/underscore"\n' },
  ];
  it('applies tags for a platform', () => {
    const r = scanFiles(files, linux, 'linux')!;
    expect(r.imports).toEqual(['b.c/d', 'fmt']);
    expect(r.testImports).toEqual(['b.c/d', 'testing']);
  });
  it('with any tags keeps every file except ignore-tagged ones', () => {
    const r = scanFiles(files, anyTags())!;
    expect(r.imports).toEqual(['C', 'b.c/d', 'fmt', 'golang.org/x/sys/windows', 'x.y/cgoonly']);
  });
  it('returns undefined when no file is built', () => {
    expect(scanFiles([{ name: 'x_windows.go', data: 'package p' }], linux, 'linux')).toBeUndefined();
  });
});

describe('std packages', () => {
  it.each([
    ['fmt', true, true],
    ['net/http', true, true],
    ['slices', true, true],
    ['log/slog', true, true],
    ['notstd/pkg', true, false],
    ['example.com/x', false, false],
  ])('%s', (p, std, listed) => {
    expect(isStandardImportPath(p)).toBe(std);
    expect(isStdPackage(p)).toBe(listed);
  });
});

describe('differential: imports of real std packages agree with go list (linux/amd64, CGO_ENABLED=0)', () => {
  const pkgs = ['net/http', 'os', 'crypto/x509', 'runtime', 'net', 'os/user', 'syscall', 'time', 'go/build'];
  it('scanDir == go list .Imports/.TestImports+XTestImports', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-load-'));
    try {
      const r = await runGo(
        [
          'list',
          '-f',
          '{{.ImportPath}}|{{.Dir}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}',
          ...pkgs,
        ],
        {
          cwd: dir,
          env: {
            PATH: process.env['PATH'] ?? '',
            HOME: dir,
            GOCACHE: path.join(dir, 'c'),
            GOFLAGS: '',
            CGO_ENABLED: '0',
            GOOS: 'linux',
            GOARCH: 'amd64',
            GO111MODULE: 'off',
          },
        },
      );
      expect(r.stderr).toBe('');
      const tags = tagsFor({ goos: 'linux', goarch: 'amd64', goVersion: '1.19' });
      for (const line of r.stdout.trim().split('\n')) {
        const [ip, pdir, imps, tests] = line.split('|') as [string, string, string, string];
        const got = (await scanDir(pdir, tags, 'linux'))!;
        const strip = (s: string) => s.replace(/^vendor\//, '');
        expect(
          got.imports.filter((x) => x !== 'C'),
          ip,
        ).toEqual(imps.split(' ').filter(Boolean).map(strip).sort());
        const wantTests = [...new Set(tests.split(' ').filter(Boolean).map(strip))].sort();
        expect(got.testImports, ip).toEqual(wantTests);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('scanDir reports a missing directory', async () => {
    await expect(scanDir('/nonexistent/dir', linux)).rejects.toMatchObject({ code: 'ERR_LOAD_READ_DIR' });
  });
  it('scanDir follows regular files only', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-load-'));
    await mkdir(path.join(dir, 'sub.go'));
    await writeFile(path.join(dir, 'x.go'), 'package x\nimport "a.b/c"\n');
    expect((await scanDir(dir, linux))?.imports).toEqual(['a.b/c']);
    await rm(dir, { recursive: true, force: true });
  });
});
