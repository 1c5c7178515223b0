// Acceptance: every h1 of ../shared/testdata/goproxy-fixtures-sums.json is reproduced by
// `modrescue mod hash` (in-process) on the proxy tree test/support/fixtures.ts builds —
// zip sums, go.mod sums, and the checksum-DB h1 where it differs (from a directory of
// the fixture's files) — and the fixtures Go 1.19 rejects are rejected for the same reason.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../test/support/cli.js';
import { fixture, writeProxyTree, type ProxyTree } from '../../../test/support/fixtures.js';
import { testdata } from '../../../test/support/shared.js';
import { checkZip } from '../../mod/zip/index.js';

interface SumRecord {
  fixture: string;
  path: string;
  version: string;
  h1: string;
  zipH1: string;
  goModH1?: string;
  oracle: { sum?: string; goModSum?: string; error?: string; version?: string };
  agree: boolean | null;
}
const sums = JSON.parse(readFileSync(testdata('goproxy-fixtures-sums.json'), 'utf8')) as { fixtures: SumRecord[] };
const records = sums.fixtures;

let work: string;
let tree: ProxyTree;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-fixture-sums-'));
  tree = await writeProxyTree(path.join(work, 'proxy'), 'all');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const hashOf = async (...argv: string[]) => {
  const r = await run(['mod', 'hash', ...argv], { cwd: work });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout.trim();
};
const fx = (r: SumRecord) => fixture(`${r.path}@${r.version}`);

describe('goproxy-fixtures-sums.json via modrescue mod hash', () => {
  it('has the 250 fixtures, 247 + 248 oracle hashes and 8 oracle errors', () => {
    expect(records).toHaveLength(250);
    expect(records.filter((r) => r.oracle.sum)).toHaveLength(247);
    expect(records.filter((r) => r.oracle.goModSum)).toHaveLength(248);
    expect(records.filter((r) => r.oracle.error)).toHaveLength(8);
  });

  it('reproduces every zip hash (= the oracle sum where the version was not remapped)', async () => {
    const wrong: string[] = [];
    for (const r of records) {
      const got = await hashOf(tree.zipPath(fx(r)));
      if (got !== r.zipH1) wrong.push(`${r.fixture}: ${got} != ${r.zipH1}`);
      if (r.agree && r.oracle.sum && got !== r.oracle.sum) wrong.push(`${r.fixture}: ${got} != oracle ${r.oracle.sum}`);
    }
    expect(wrong).toEqual([]);
  });

  it('reproduces every go.mod hash from the .mod files the proxy serves', async () => {
    const wrong: string[] = [];
    let n = 0;
    for (const r of records) {
      if (!r.goModH1) continue;
      const f = fx(r);
      const got = await hashOf(path.join(tree.dir, f.escapedPath, '@v', `${f.escapedVersion}.mod`));
      n++;
      if (got !== r.goModH1) wrong.push(`${r.fixture}: ${got} != ${r.goModH1}`);
      if (r.agree && r.oracle.goModSum && got !== r.oracle.goModSum)
        wrong.push(`${r.fixture}: oracle ${r.oracle.goModSum}`);
    }
    expect(wrong).toEqual([]);
    expect(n).toBe(249);
  });

  it('reproduces the checksum-DB h1 where it differs (dot files left out), hashing a directory', async () => {
    const differing = records.filter((r) => r.h1 !== r.zipH1);
    expect(differing.map((r) => r.fixture).sort()).toEqual([
      'example.com_dotname_v1.0.0.txt',
      'rsc.io_badfile1_v1.0.0.txt',
      'rsc.io_badzip_v1.0.0.txt',
    ]);
    for (const r of differing) {
      const files = fx(r).files.filter((f) => !f.name.startsWith('.'));
      // rsc.io/badzip's "/…" section makes a name with "//", which no directory can hold.
      if (files.some((f) => f.name.startsWith('/'))) continue;
      const dir = path.join(work, 'h1', r.fixture);
      for (const f of files) {
        await mkdir(path.dirname(path.join(dir, f.name)), { recursive: true });
        await writeFile(path.join(dir, f.name), f.data);
      }
      expect(await hashOf(dir, `-module=${r.path}@${r.version}`), r.fixture).toBe(r.h1);
    }
  });
});

describe('fixtures the go command rejects', () => {
  const rejected = records.filter((r) => r.oracle.error);
  const WORK_ZIP = /^unzip \$WORK\/\S+\.zip: /;

  it.each(rejected.map((r) => [r.fixture, r] as const))('%s', async (_n, r) => {
    const error = r.oracle.error!;
    const zip = tree.zipPath(fx(r));
    const m = { path: r.path, version: r.version };
    const report = await checkZip(m, zip).catch((e: unknown) => e as Error);
    const cli = await run(['mod', 'hash', zip, `-module=${r.path}@${r.version}`], { cwd: work });
    if (WORK_ZIP.test(error)) {
      // x/mod's Unzip refused the zip: the same checkZip error, word for word.
      const reason = error.replace(WORK_ZIP, '');
      const got = report instanceof Error ? report.message : report.error?.message;
      expect(got).toBe(reason);
      expect(cli.code).toBe(1);
      expect(cli.stderr).toContain(reason);
    } else if (error.includes('has unexpected file')) {
      // cmd/go's own prefix check; checkZip reports the same entry as outside the prefix.
      const entry = /has unexpected file (\S+)$/.exec(error)![1]!;
      expect(report).not.toBeInstanceOf(Error);
      const cf = report as Exclude<typeof report, Error>;
      expect(cf.invalid).toContainEqual(expect.objectContaining({ path: entry, code: 'ERR_ZIP_PREFIX' }));
      expect(cli.code).toBe(1);
    } else if (error.includes('malformed module path')) {
      // module.Check refuses the module path itself, before any zip is read; the go
      // command (and modrescue's CLI) prefix x/mod's error with the module version.
      expect(report).toBeInstanceOf(Error);
      expect(`${r.path}@${r.version}: ${(report as Error).message}`).toBe(error);
      expect(cli.stderr).toBe(`modrescue: ${error}\n`);
    } else {
      // Not a zip problem (a missing .mod file): the zip itself is fine.
      expect(error).toMatch(/\.mod: no such file or directory$/);
      expect(report).not.toBeInstanceOf(Error);
      expect((report as Exclude<typeof report, Error>).error).toBeUndefined();
    }
  });
});
