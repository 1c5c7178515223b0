// gosum: cmd/go's go.sum reading, lookups, editing and write order — tables, every go.sum
// of the shared go-scripts (read in place), and differential runs of Go 1.19 rewriting
// go.sum files (ordering, de-duplication, foreign/unknown lines, silent truncation).
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureProxy, createWorkspace, runGo, type Workspace } from '../../../test/support/go.js';
import { testdata } from '../../../test/support/shared.js';
import { isCodedError } from '../internal/errors.js';
import { hashGoMod, hashZip } from '../sumdb/dirhash/index.js';
import { parse as parseTxtar } from '../txtar/index.js';
import { createGoSum, EMPTY_GOMOD_HASH, mismatchError, parse, readGoSum } from './index.js';

const Q = 'h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=';
const QMOD = 'h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=';

describe('parse', () => {
  it('reads lines, skips blank ones, accepts any Unicode white space and CRLF', () => {
    const s = parse('go.sum', `rsc.io/quote v1.5.2 ${Q}\n\n  \t\nrsc.io/quote\tv1.5.2/go.mod\u00a0${QMOD}\r\n`);
    expect(s.entries()).toEqual([
      { path: 'rsc.io/quote', version: 'v1.5.2', hash: Q, line: 1 },
      { path: 'rsc.io/quote', version: 'v1.5.2/go.mod', hash: QMOD, line: 4 },
    ]);
    expect(s.lookup('rsc.io/quote', 'v1.5.2')).toEqual([Q]);
    expect(s.lookupGoMod('rsc.io/quote', 'v1.5.2')).toEqual([QMOD]);
    expect(s.lookup('rsc.io/quote', 'v1.5.1')).toEqual([]);
  });

  it.each([
    ['two fields', 'a v1 h1:x\nbad line\n', 'malformed go.sum:\ngo.sum:2: wrong number of fields 2'],
    ['four fields', '\n\na v1 h1:x extra', 'malformed go.sum:\ngo.sum:3: wrong number of fields 4'],
    ['one field', 'lonely', 'malformed go.sum:\ngo.sum:1: wrong number of fields 1'],
  ])('%s: the go command text, with every bad line in fields', (_n, text, message) => {
    const err = (() => {
      try {
        parse('go.sum', text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isCodedError(err, 'ERR_GOSUM_MALFORMED')).toBe(true);
    expect((err as Error).message).toBe(message);
  });

  it('collects all malformed lines with file:line:col', () => {
    try {
      parse('/w/go.sum', 'x\n  y z\nok v1 h1:a\n');
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toBe('malformed go.sum:\n/w/go.sum:1: wrong number of fields 1');
      expect((e as { fields: { errors: unknown } }).fields.errors).toEqual([
        { file: '/w/go.sum', line: 1, col: 1, fields: 1 },
        { file: '/w/go.sum', line: 2, col: 3, fields: 2 },
      ]);
    }
  });

  it('drops the empty-go.mod hash of the old go command bug and reports it', () => {
    const s = parse('go.sum', `a v1.0.0/go.mod ${EMPTY_GOMOD_HASH}\nb v1.0.0 h1:x\n`);
    expect(s.entries().map((l) => l.path)).toEqual(['b']);
    expect(s.format()).toBe('b v1.0.0 h1:x\n');
    expect(s.check()).toEqual([{ kind: 'dropped-empty-gomod', path: 'a', version: 'v1.0.0/go.mod', line: 1 }]);
  });

  it('a missing go.sum is an empty one', () => {
    expect(parse('go.sum', '').format()).toBe('');
    expect(parse('go.sum', new Uint8Array()).entries()).toEqual([]);
  });
});

describe('readGoSum (what the go command actually sees)', () => {
  it('stops at the first malformed line and keeps the error the go command ignores', () => {
    const { sum, error } = readGoSum('go.sum', `a v1 h1:a\nbad line\nb v1 h1:b\n\nc v1 h1:c\n`);
    expect(sum.entries().map((l) => l.path)).toEqual(['a']);
    expect(error?.message).toBe('malformed go.sum:\ngo.sum:2: wrong number of fields 2');
    expect(sum.check()).toEqual([{ kind: 'malformed', line: 2, fields: 2, ignoredLines: 3 }]);
  });

  it('is parse for a well-formed file', () => {
    const { sum, error } = readGoSum('go.sum', `a v1 h1:a\n`);
    expect(error).toBeUndefined();
    expect(sum.format()).toBe('a v1 h1:a\n');
  });
});

describe('verify, haveSum, add, remove, check', () => {
  it('verify follows haveModSumLocked: same hash ok, another h1 mismatch, other algorithms ignored', () => {
    const s = parse('go.sum', `m v1 h2:zzz\nm v1 ${Q}\n`);
    expect(s.verify('m', 'v1', Q)).toEqual({ status: 'ok' });
    expect(s.verify('m', 'v1', 'h1:other')).toEqual({ status: 'mismatch', recorded: Q });
    expect(s.verify('m', 'v2', Q)).toEqual({ status: 'missing' });
    expect(parse('go.sum', 'm v1 h2:zzz\n').verify('m', 'v1', Q)).toEqual({ status: 'missing' });
  });

  it('haveSum counts only h1 hashes (mod_sum_readonly go.sum.h2only)', () => {
    const s = parse('go.sum', 'rsc.io/quote v1.5.2/go.mod h2:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=\n');
    expect(s.haveSum('rsc.io/quote', 'v1.5.2/go.mod')).toBe(false);
    expect(s.lookupGoMod('rsc.io/quote', 'v1.5.2')).toHaveLength(1);
  });

  it('mismatchError is the go command SECURITY ERROR text (ORACLE.md transcript)', () => {
    const e = mismatchError('rsc.io/quote', 'v1.5.2', Q, 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    expect(e.code).toBe('ERR_GOSUM_MISMATCH');
    const oracle = readFileSync(testdata('ORACLE.md'), 'utf8');
    const start = oracle.indexOf('verifying rsc.io/quote@v1.5.2: checksum mismatch');
    const end = oracle.indexOf("'go help module-auth'.\n", start) + "'go help module-auth'.\n".length;
    expect(e.message).toBe(oracle.slice(start, end));
  });

  it('add is idempotent, keeps conflicting hashes for check, and refuses unwritable fields', () => {
    const s = createGoSum();
    s.add('m', 'v1.0.0', 'h1:b');
    s.add('m', 'v1.0.0', 'h1:b');
    s.add('m', 'v1.0.0', 'h1:a');
    expect(s.format()).toBe('m v1.0.0 h1:a\nm v1.0.0 h1:b\n');
    expect(s.check()).toEqual([
      {
        kind: 'conflict',
        path: 'm',
        version: 'v1.0.0',
        hashes: [
          { hash: 'h1:b', line: 0 },
          { hash: 'h1:a', line: 0 },
        ],
      },
    ]);
    expect(() => s.add('m', 'v1 .0', 'h1:x')).toThrow(/invalid go.sum version/);
    expect(() => s.add('', 'v1', 'h1:x')).toThrow(/invalid go.sum module path/);
  });

  it('remove deletes a module, a version (zip and go.mod lines) or just a go.mod line', () => {
    const text = `m v1 h1:a\nm v1/go.mod h1:b\nm v2 h1:c\nn v1 h1:d\n`;
    let s = parse('go.sum', text);
    expect(s.remove('m', 'v1/go.mod')).toBe(1);
    expect(s.format()).toBe('m v1 h1:a\nm v2 h1:c\nn v1 h1:d\n');
    s = parse('go.sum', text);
    expect(s.remove('m', 'v1')).toBe(2);
    expect(s.remove('m', 'v9')).toBe(0);
    expect(s.remove('n')).toBe(1);
    expect(s.format()).toBe('m v2 h1:c\n');
  });

  it('check reports duplicates and conflicts in file order', () => {
    const s = parse('go.sum', `a v1 h1:x\nb v1 h1:y\na v1 h1:x\nb v1 h1:z\nc v1 h2:q\n`);
    expect(s.check()).toEqual([
      { kind: 'duplicate', path: 'a', version: 'v1', hash: 'h1:x', lines: [1, 3] },
      {
        kind: 'conflict',
        path: 'b',
        version: 'v1',
        hashes: [
          { hash: 'h1:y', line: 2 },
          { hash: 'h1:z', line: 4 },
        ],
      },
      { kind: 'unknown-algorithm', path: 'c', version: 'v1', hash: 'h2:q', line: 5 },
    ]);
  });

  it('format sorts like module.Sort: semver order, zip line before /go.mod, hashes sorted', () => {
    const s = parse(
      'go.sum',
      [
        'x v1.10.0 h1:j',
        'x v1.9.0/go.mod h1:i',
        'x v1.9.0 h1:z',
        'x v1.9.0 h1:a',
        'x v1.9.0-pre h1:p',
        'x v0.0.0-20170915032832-14c0d48ead0c h1:q',
        'a.example/z v1.0.0 h1:w',
        '',
      ].join('\n'),
    );
    expect(s.format()).toBe(
      [
        'a.example/z v1.0.0 h1:w',
        'x v0.0.0-20170915032832-14c0d48ead0c h1:q',
        'x v1.9.0-pre h1:p',
        'x v1.9.0 h1:a',
        'x v1.9.0 h1:z',
        'x v1.9.0/go.mod h1:i',
        'x v1.10.0 h1:j',
        '',
      ].join('\n'),
    );
  });
});

describe('go.sum files of the shared go-scripts', () => {
  const sections: Array<[string, string]> = [];
  for (const f of readdirSync(testdata('go-scripts')).filter((n) => n.endsWith('.txt'))) {
    for (const file of parseTxtar(readFileSync(testdata('go-scripts', f))).files) {
      if (/(^|\/)go\.sum/.test(file.name)) sections.push([`${f}: ${file.name}`, Buffer.from(file.data).toString()]);
    }
  }

  it('finds the go.sum sections (15 across 11 scripts)', () => {
    expect(sections).toHaveLength(15);
  });

  it.each(sections)('%s: parses, round-trips (modulo blank lines) and answers lookups', (_n, text) => {
    const s = parse('go.sum', text);
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    expect(s.format()).toBe(lines.map((l) => l + '\n').join(''));
    for (const l of lines) {
      const [p, v, h] = l.split(' ') as [string, string, string];
      expect(s.lookup(p, v)).toContain(h);
      if (v.endsWith('/go.mod')) expect(s.lookupGoMod(p, v.slice(0, -'/go.mod'.length))).toContain(h);
    }
  });
});

describe('differential: Go 1.19 rewriting go.sum', () => {
  let ws: Workspace;
  let modDir: string;
  let quoteZipH1: string;
  let sums: Record<string, string>;
  beforeAll(async () => {
    ws = await createWorkspace('modrescue-gosum-');
    await buildFixtureProxy(ws.proxyDir, [
      'rsc.io_quote_v1.5.2.txt',
      'rsc.io_sampler_v1.3.0.txt',
      'golang.org_x_text_v0.0.0-20170915032832-14c0d48ead0c.txt',
    ]);
    // Our own hashes of what the proxy serves (no hard-coded sums).
    const v = (p: string, ver: string, ext: string) => path.join(ws.proxyDir, p, '@v', `${ver}.${ext}`);
    quoteZipH1 = await hashZip(v('rsc.io/quote', 'v1.5.2', 'zip'));
    sums = {
      quoteMod: hashGoMod(await readFile(v('rsc.io/quote', 'v1.5.2', 'mod'))),
      samplerMod: hashGoMod(await readFile(v('rsc.io/sampler', 'v1.3.0', 'mod'))),
      textMod: hashGoMod(await readFile(v('golang.org/x/text', 'v0.0.0-20170915032832-14c0d48ead0c', 'mod'))),
    };
    modDir = path.join(ws.dir, 'm');
    await mkdir(modDir);
    await writeFile(path.join(modDir, 'go.mod'), 'module example.com/m\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n');
    await writeFile(path.join(modDir, 'm.go'), 'package m\n\nimport _ "rsc.io/quote"\n');
  });
  afterAll(async () => {
    await ws.cleanup();
  });

  /** runs `go mod download rsc.io/quote` on input and returns the go.sum Go wrote. */
  async function goRewrite(input: string): Promise<string> {
    await writeFile(path.join(modDir, 'go.sum'), input);
    const r = await runGo(['mod', 'download', 'rsc.io/quote'], { cwd: modDir, env: ws.env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    return readFile(path.join(modDir, 'go.sum'), 'utf8');
  }

  /** our prediction: what readGoSum keeps, plus the zip hash the download adds. */
  function ours(input: string): string {
    const { sum } = readGoSum('go.sum', input);
    sum.add('rsc.io/quote', 'v1.5.2', quoteZipH1);
    return sum.format();
  }

  it('sorts, de-duplicates, keeps foreign and unknown-algorithm lines, adds the new sum in place', async () => {
    const input = [
      'zzz.example/x v1.0.0 h2:abc',
      `rsc.io/sampler v1.3.0/go.mod ${sums.samplerMod}`,
      `rsc.io/quote v1.5.2/go.mod ${sums.quoteMod}`,
      `rsc.io/quote v1.5.2/go.mod ${sums.quoteMod}`,
      '',
      `golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c/go.mod ${sums.textMod}`,
      'aaa.example/y v1.10.0 h1:zz',
      'aaa.example/y v1.9.0 h1:b',
      'aaa.example/y v1.9.0 h1:a',
      'aaa.example/y v1.9.0/go.mod h1:c',
      'aaa.example/y v1.9.0-rc.1 h1:d',
      `rsc.io/quote v1.5.2/go.mod ${EMPTY_GOMOD_HASH}`,
      '',
    ].join('\n');
    const got = await goRewrite(input);
    expect(got).toContain(`rsc.io/quote v1.5.2 ${quoteZipH1}\n`);
    expect(ours(input)).toBe(got);
  });

  it('silently drops a malformed line and everything after it', async () => {
    const input = [
      `rsc.io/quote v1.5.2/go.mod ${sums.quoteMod}`,
      `rsc.io/sampler v1.3.0/go.mod ${sums.samplerMod}`,
      `golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c/go.mod ${sums.textMod}`,
      'bad line',
      'aaa.example/y v1.0.0 h1:xyz',
      '',
    ].join('\n');
    const got = await goRewrite(input);
    expect(got).not.toContain('aaa.example/y');
    expect(ours(input)).toBe(got);
  });
});
