import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGo } from '../../test/support/go.js';
import { goEnvFileValue, lineToKey, updateGoEnvFile } from './envfile.js';

const STARTS: Array<[string, string | null]> = [
  ['no file', null],
  ['empty file', ''],
  ['one line', 'GOPROXY=https://a.example\n'],
  ['unsorted run', 'GOPRIVATE=x.example\nGOFLAGS=-mod=mod\n'],
  ['comments, blank lines and duplicates', '# team settings\nGOPROXY=a\n\nGONOSUMDB=b\nGOPROXY=c\nGOFLAGS=-v\n'],
  ['no final newline', 'GOSUMDB=off\nGOPROXY=https://a.example'],
  ['invalid lines', 'garbage line\nGOSUMDB=off\n=nokey\nGOINSECURE=z\n'],
];

const WRITES: Array<[string, string[]]> = [
  ['-w GOPROXY', ['-w', 'GOPROXY=https://m1.example,direct']],
  ['-w GOPRIVATE GONOSUMDB', ['-w', 'GOPRIVATE=git.corp.example/*', 'GONOSUMDB=git.corp.example/*']],
  ['-u GOPROXY', ['-u', 'GOPROXY']],
];

/** ours applies a go env -w/-u argument list with updateGoEnvFile. */
function ours(start: string, args: string[]): string {
  const add: Record<string, string> = {};
  const del: string[] = [];
  for (const a of args.slice(1)) {
    if (args[0] === '-w') add[a.slice(0, a.indexOf('='))] = a.slice(a.indexOf('=') + 1);
    else del.push(a);
  }
  return updateGoEnvFile(start, add, del);
}

describe('updateGoEnvFile equals go env -w/-u (Go 1.19)', () => {
  for (const [sname, start] of STARTS) {
    for (const [wname, args] of WRITES) {
      if (start === null && args[0] === '-u') continue; // go env -u of a missing file is an error
      it(`${sname}: go env ${wname}`, async () => {
        const dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-goenv-'));
        try {
          const file = path.join(dir, 'go', 'env');
          if (start !== null) {
            await mkdir(path.dirname(file), { recursive: true });
            await writeFile(file, start);
          }
          const r = await runGo(['env', ...args], {
            cwd: dir,
            env: { PATH: process.env['PATH']!, HOME: dir, GOENV: file, GOFLAGS: '' },
          });
          expect(r.code, r.stderr).toBe(0);
          expect(ours(start ?? '', args)).toBe(await readFile(file, 'utf8'));
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });
    }
  }
});

describe('go env file helpers', () => {
  it('lineToKey follows the go command (no key before "=" or with "#")', () => {
    expect(lineToKey('GOPROXY=x')).toBe('GOPROXY');
    expect(lineToKey('# GOPROXY=x')).toBe('');
    expect(lineToKey('no equals')).toBe('');
  });
  it('goEnvFileValue reads the last line of a key as the go command does', () => {
    expect(goEnvFileValue('GOPROXY=a\nGOPROXY=b\n', 'GOPROXY')).toBe('b');
    expect(goEnvFileValue('# GOPROXY=a\n', 'GOPROXY')).toBeNull();
  });
});
