// Module zips: every x/mod case under ../shared/testdata/zip (create, create_from_dir,
// unzip, check_files, check_dir, check_zip), zip-vendored.json, x/mod's size-limit
// table, and the safety properties of unzip.
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testdata } from '../../../test/support/shared.js';
import { hash1, hashDir, hashZip } from '../sumdb/dirhash/index.js';
import { parse as parseTxtar, type Archive } from '../txtar/index.js';
import {
  checkDir,
  checkFiles,
  checkZip,
  create,
  createFromDir,
  fileFromBytes,
  formatCheckedFiles,
  isVendoredPackage,
  MAX_GO_MOD,
  MAX_LICENSE,
  MAX_ZIP_FILE,
  openZipReader,
  unzip,
  writeZip,
  type CheckedFiles,
  type File,
  type ZipModule,
} from './index.js';

let work: string;
let n = 0;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-zip-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});
const fresh = async (name = 'd') => {
  const d = path.join(work, `${name}${n++}`);
  await mkdir(d, { recursive: true });
  return d;
};

/** TestCase is one x/mod zip test file: the comment's key=value lines and the archive. */
interface TestCase {
  name: string;
  path: string | Uint8Array;
  version: string;
  wantErr?: string;
  hash?: string;
  want?: string;
  archive: Archive;
}

/** readTest reads a zip test case as x/mod's readTest does ("#" comments, trimmed key=value). */
function readTest(file: string): TestCase {
  const archive = parseTxtar(readFileSync(file));
  const tc: TestCase = { name: path.basename(file, '.txt'), path: '', version: '', archive };
  const comment = Buffer.from(archive.comment);
  let start = 0;
  while (start < comment.length) {
    let end = comment.indexOf(0x0a, start);
    if (end < 0) end = comment.length;
    let line = comment.subarray(start, end);
    start = end + 1;
    const hash = line.indexOf(0x23);
    if (hash >= 0) line = line.subarray(0, hash);
    const text = line.toString('latin1').trim();
    if (text === '') continue;
    const eq = text.indexOf('=');
    if (eq < 0) throw new Error(`${file}: missing = separator`);
    const key = text.slice(0, eq).trim();
    const raw = Buffer.from(text.slice(eq + 1).trim(), 'latin1');
    const value = raw.toString('utf8');
    const exact = Buffer.from(value, 'utf8').equals(raw);
    if (key === 'path') tc.path = exact ? value : new Uint8Array(raw);
    else if (key === 'version') tc.version = value;
    else if (key === 'wantErr') tc.wantErr = value;
    else if (key === 'hash') tc.hash = value;
    else throw new Error(`${file}: unknown key ${key}`);
  }
  const want = archive.files.find((f) => f.name === 'want');
  if (want) {
    tc.want = Buffer.from(want.data).toString('utf8');
    archive.files = archive.files.filter((f) => f !== want);
  }
  return tc;
}

function cases(dir: string): TestCase[] {
  const d = testdata('zip', dir);
  return readdirSync(d)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => readTest(path.join(d, f)));
}

const mv = (tc: TestCase): ZipModule => ({ path: tc.path, version: tc.version });
const filesOf = (tc: TestCase): File[] => tc.archive.files.map((f) => fileFromBytes(f.name, f.data));

async function extractToDir(tc: TestCase): Promise<string> {
  const dir = await fresh('tree');
  for (const f of tc.archive.files) {
    await mkdir(path.dirname(path.join(dir, f.name)), { recursive: true });
    await writeFile(path.join(dir, f.name), f.data);
  }
  return dir;
}

async function extractToZip(entries: Array<{ name: string; data: Uint8Array; store?: boolean }>): Promise<string> {
  const file = path.join(await fresh('zip'), 'txtar.zip');
  await writeZip(createWriteStream(file), entries);
  return file;
}

/** expectOutcome checks err against the case: containing wantErr, or success. */
function expectOutcome(tc: TestCase, err: unknown): boolean {
  if (tc.wantErr) {
    expect(err, 'want error').toBeInstanceOf(Error);
    expect((err as Error).message).toContain(tc.wantErr);
    return false;
  }
  expect(err).toBeUndefined();
  return true;
}

const attempt = async (f: () => Promise<unknown>): Promise<unknown> => {
  try {
    await f();
    return undefined;
  } catch (e) {
    return e;
  }
};

describe('testdata/zip/create', () => {
  it.each(cases('create').map((c) => [c.name, c] as const))('%s', async (_n, tc) => {
    const zip = path.join(await fresh(), 'out.zip');
    const err = await attempt(() => create(createWriteStream(zip), mv(tc), filesOf(tc)));
    if (expectOutcome(tc, err)) expect(await hashZip(zip)).toBe(tc.hash);
  });
});

describe('testdata/zip/create_from_dir', () => {
  it.each(cases('create_from_dir').map((c) => [c.name, c] as const))('%s', async (_n, tc) => {
    const dir = await extractToDir(tc);
    const zip = path.join(await fresh(), 'out.zip');
    const err = await attempt(() => createFromDir(createWriteStream(zip), mv(tc), dir));
    if (expectOutcome(tc, err)) expect(await hashZip(zip)).toBe(tc.hash);
  });
});

describe('testdata/zip/unzip', () => {
  it.each(cases('unzip').map((c) => [c.name, c] as const))('%s', async (_n, tc) => {
    const zip = await extractToZip(tc.archive.files);
    const dir = await fresh('out');
    const err = await attempt(() => unzip(dir, mv(tc), zip));
    if (expectOutcome(tc, err)) expect(await hashDir(dir, `${tc.path as string}@${tc.version}/`)).toBe(tc.hash);
  });
});

/** expectReport compares a report with the case's want and checks that the error is the invalid list. */
function expectReport(tc: TestCase, cf: CheckedFiles, replace = (s: string) => s): void {
  expect(replace(formatCheckedFiles(cf))).toBe(tc.want);
  const wantErr = cf.invalid.map((f) => `${f.path}: ${f.message}`).join('\n');
  expect(cf.error?.message ?? '').toBe(wantErr);
  if (cf.invalid.length > 0) expect(cf.error?.code).toBe('ERR_ZIP_INVALID_FILES');
}

describe('testdata/zip/check_files', () => {
  it.each(cases('check_files').map((c) => [c.name, c] as const))('%s', async (_n, tc) => {
    expectReport(tc, await checkFiles(filesOf(tc)));
  });
});

describe('testdata/zip/check_dir', () => {
  it.each(cases('check_dir').map((c) => [c.name, c] as const))('%s', async (_n, tc) => {
    const dir = await extractToDir(tc);
    const cf = await checkDir(dir);
    expectReport(tc, cf, (s) => s.split(dir).join('$work'));
  });
});

describe('testdata/zip/check_zip', () => {
  it.each(cases('check_zip').map((c) => [c.name, c] as const))('%s', async (_n, tc) => {
    const zip = await extractToZip(tc.archive.files);
    expectReport(tc, await checkZip(mv(tc), zip));
  });

  it('reports every entry: prefix, cleanliness, file paths, collisions, go.mod placement', async () => {
    const p = 'example.com/m@v1.0.0/';
    const zip = await extractToZip(
      [
        `${p}ok.go`,
        `${p}`,
        `${p}dir/`,
        'other/x.go',
        `${p}a/./b.go`,
        `${p}bad'.go`,
        `${p}OK.go`,
        `${p}sub/go.mod`,
        `${p}GO.MOD`,
        `${p}dir/f.go`,
        `${p}LICENSE`,
      ].map((name) => ({ name, data: Buffer.from('x') })),
    );
    const cf = await checkZip({ path: 'example.com/m', version: 'v1.0.0' }, zip);
    expect(formatCheckedFiles(cf)).toBe(
      [
        'valid:',
        `${p}ok.go`,
        `${p}dir/f.go`,
        `${p}LICENSE`,
        '',
        'omitted:',
        '',
        'invalid:',
        `other/x.go: path does not have prefix "${p}"`,
        `${p}a/./b.go: file path is not clean`,
        `${p}bad'.go: malformed file path "bad'.go": invalid char '\\''`,
        `${p}OK.go: case-insensitive file name collision: "ok.go" and "OK.go"`,
        `${p}sub/go.mod: go.mod file not in module root directory`,
        `${p}GO.MOD: go.mod files must have lowercase names`,
        '',
      ].join('\n'),
    );
  });
});

describe('zip-vendored.json', () => {
  const v = JSON.parse(readFileSync(testdata('zip-vendored.json'), 'utf8')) as {
    cases: Array<{ path: string; want: boolean; goVersions: string[] }>;
  };
  const rows = v.cases.flatMap((c) => c.goVersions.map((g) => [c.path, g, c.want] as const));
  it('covers every case and go version group', () => {
    expect(rows.length).toBeGreaterThan(100);
  });
  it.each(rows)('isVendoredPackage(%j, %j) = %s', (p, g, want) => {
    expect(isVendoredPackage(p, g)).toBe(want);
  });
});

describe('size limits (x/mod sizeLimitTests)', () => {
  const zero = (name: string, size: number): File => ({
    path: name,
    lstat: () => ({ size, type: 'file' }),
    open: () => {
      throw new Error('content is not read by checkFiles');
    },
  });
  it.each([
    ['one_large', [zero('large.go', MAX_ZIP_FILE)], ''],
    ['one_too_large', [zero('large.go', MAX_ZIP_FILE + 1)], 'module source tree too large'],
    ['total_large', [zero('small.go', 10), zero('large.go', MAX_ZIP_FILE - 10)], ''],
    ['total_too_large', [zero('small.go', 10), zero('large.go', MAX_ZIP_FILE - 9)], 'module source tree too large'],
    ['large_gomod', [zero('go.mod', MAX_GO_MOD)], ''],
    ['too_large_gomod', [zero('go.mod', MAX_GO_MOD + 1)], 'go.mod file too large'],
    ['large_license', [zero('LICENSE', MAX_LICENSE)], ''],
    ['too_large_license', [zero('LICENSE', MAX_LICENSE + 1)], 'LICENSE file too large'],
    ['negative', [zero('neg.go', -1)], 'module source tree too large'],
  ] as const)('checkFiles %s', async (_n, files, wantErr) => {
    const cf = await checkFiles(files);
    if (wantErr === '') expect(cf.error).toBeUndefined();
    else expect(cf.error?.message).toContain(wantErr);
  });

  it('create: a file larger than its declared size fails (size_is_a_lie)', async () => {
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const err = await attempt(() =>
      create(sink, { path: 'example.com/large', version: 'v1.0.0' }, [
        fileFromBytes('lie.go', Buffer.from('package large'), 1),
      ]),
    );
    expect((err as Error).message).toBe('create zip: file "lie.go" is larger than declared size');
  });

  it('create: a too large tree fails before anything is read', async () => {
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const err = await attempt(() =>
      create(sink, { path: 'example.com/large', version: 'v1.0.0' }, [zero('large.go', MAX_ZIP_FILE + 1)]),
    );
    expect((err as Error).message).toBe(`create zip: module source tree too large (max size is ${MAX_ZIP_FILE} bytes)`);
  });

  it('checkZip and unzip: declared sizes over the limits (sizes patched into a small zip)', async () => {
    const m = { path: 'example.com/large', version: 'v1.0.0' };
    for (const [name, declared, wantErr] of [
      ['large.go', MAX_ZIP_FILE + 1, 'total uncompressed size of module contents too large'],
      ['go.mod', MAX_GO_MOD + 1, 'go.mod file too large'],
      ['LICENSE', MAX_LICENSE + 1, 'LICENSE file too large'],
    ] as const) {
      const zip = await extractToZip([{ name: `${m.path}@${m.version}/${name}`, data: Buffer.from('ABCD') }]);
      await patchUint32(zip, 4, declared);
      const cf = await checkZip(m, zip);
      expect(cf.error?.message).toContain(wantErr);
      const err = await attempt(() => unzip(path.join(work, `never${n++}`), m, zip));
      expect((err as Error).message).toContain(wantErr);
    }
  });

  it('unzip: a zip file over 500 MiB is refused before it is read (too_large_zip); at the limit it is read', async () => {
    const m = { path: 'example.com/m', version: 'v1.0.0' };
    const big = path.join(await fresh(), 'big.zip');
    await writeFile(big, '');
    await truncate(big, MAX_ZIP_FILE + 1);
    expect(((await attempt(() => unzip(path.join(work, `never${n++}`), m, big))) as Error).message).toBe(
      `unzip ${big}: module zip file is too large (${MAX_ZIP_FILE + 1} bytes; limit is ${MAX_ZIP_FILE} bytes)`,
    );
    await truncate(big, MAX_ZIP_FILE);
    expect(((await attempt(() => unzip(path.join(work, `never${n++}`), m, big))) as Error).message).toContain(
      'not a valid zip file',
    );
  });

  it('unzip: content larger than its declared size is refused (size_is_a_lie)', async () => {
    const m = { path: 'example.com/m', version: 'v1.0.0' };
    const zip = await extractToZip([{ name: 'example.com/m@v1.0.0/go.mod', data: new Uint8Array(0x0bad) }]);
    await patchUint32(zip, 0x0bad, 0x00ac);
    const out = await fresh('out');
    const err = await attempt(() => unzip(out, m, zip));
    expect((err as Error).message).toContain('not a valid zip file');
  });
});

describe('unzip safety', () => {
  const m = { path: 'example.com/m', version: 'v1.0.0' };
  const p = 'example.com/m@v1.0.0/';

  it.each([
    [
      'a parent-directory escape',
      'xx/evil.go',
      '../evil.go',
      'malformed file path "../evil.go": invalid path element ".."',
    ],
    ['a backslash', 'a_b.go', 'a\\b.go', `malformed file path "a\\\\b.go": invalid char '\\\\'`],
    ['an absolute path', 'Xetc/passwd', '/etc/passwd', 'malformed file path "/etc/passwd": empty path element'],
  ])('refuses %s and writes nothing', async (_n, placeholder, evil, want) => {
    const zip = await extractToZip([
      { name: `${p}ok.go`, data: Buffer.from('package ok\n') },
      { name: `${p}${placeholder}`, data: Buffer.from('x') },
    ]);
    await patchName(zip, p + placeholder, p + evil);
    const parent = await fresh('parent');
    const dir = path.join(parent, 'target');
    const err = await attempt(() => unzip(dir, m, zip));
    expect((err as Error).message).toBe(`unzip ${zip}: ${p}${evil}: ${want}`);
    expect(await readdir(parent)).toEqual([]);
  });

  it('refuses a name that is not UTF-8, quoting its bytes as Go does', async () => {
    const zip = await extractToZip([{ name: `${p}aXb.go`, data: Buffer.from('x') }]);
    const bytes = await readFile(zip);
    let count = 0;
    for (let i = bytes.indexOf(`${p}aXb.go`); i >= 0; i = bytes.indexOf(`${p}aXb.go`, i + 1)) {
      bytes[i + p.length + 1] = 0xff;
      count++;
    }
    expect(count).toBe(2);
    await writeFile(zip, bytes);
    const cf = await checkZip(m, zip);
    expect(cf.invalid.map((f) => f.message)).toEqual(['malformed file path "a\\xffb.go": invalid UTF-8']);
    expect(cf.invalid[0]!.path).toBe(`${p}a\ufffdb.go`);
  });

  it('refuses a case-insensitive collision and a non-empty target', async () => {
    const zip = await extractToZip([
      { name: `${p}README`, data: Buffer.from('a') },
      { name: `${p}readme`, data: Buffer.from('b') },
    ]);
    expect(((await attempt(() => unzip(path.join(work, `t${n++}`), m, zip))) as Error).message).toContain(
      'case-insensitive file name collision: "README" and "readme"',
    );
    const ok = await extractToZip([{ name: `${p}a.go`, data: Buffer.from('a') }]);
    const dir = await fresh('full');
    await symlink('/etc', path.join(dir, 'link'));
    const err = await attempt(() => unzip(dir, m, ok));
    expect((err as Error).message).toBe(`unzip ${ok}: target directory ${dir} exists and is not empty`);
    expect((err as { code: string }).code).toBe('ERR_ZIP_TARGET_NOT_EMPTY');
  });

  it('extracts read-only files into a fresh tree (hash equals the zip hash)', async () => {
    const zip = await extractToZip([
      { name: `${p}go.mod`, data: Buffer.from('module example.com/m\n') },
      { name: `${p}a/b/c.go`, data: Buffer.from('package b\n') },
      { name: `${p}a/`, data: new Uint8Array() },
    ]);
    const dir = path.join(await fresh(), 'new', 'nested');
    await unzip(dir, m, zip);
    // Directory entries are not extracted (hashZip would count the "a/" entry; hashDir cannot).
    const content: Record<string, string> = {
      [`${p}go.mod`]: 'module example.com/m\n',
      [`${p}a/b/c.go`]: 'package b\n',
    };
    expect(await hashDir(dir, p)).toBe(await hash1(Object.keys(content), (f) => content[f]!));
    expect((await stat(path.join(dir, 'a/b/c.go'))).mode & 0o777).toBe(0o444);
    expect((await lstat(path.join(dir, 'a'))).isDirectory()).toBe(true);
  });
});

describe('unzip of small (in-memory) and big (streamed) files', () => {
  const m = { path: 'example.com/m', version: 'v1.0.0' };
  const p = 'example.com/m@v1.0.0/';
  /** A deterministic, poorly compressible buffer (so a big entry is big stored too). */
  const noise = (size: number, seed: number) => {
    const b = Buffer.alloc(size);
    let x = seed >>> 0;
    for (let i = 0; i < size; i++) {
      x = (x * 1664525 + 1013904223) >>> 0;
      b[i] = x >>> 24;
    }
    return b;
  };

  it('extracts hundreds of files in nested directories plus big entries, as hashZip sees them', async () => {
    const entries: Array<{ name: string; data: Uint8Array; store?: boolean }> = [
      { name: `${p}go.mod`, data: Buffer.from('module example.com/m\n') },
    ];
    for (let i = 0; i < 300; i++) {
      const dir = i % 3 === 0 ? '' : `d${i % 7}/e${i % 2}/`;
      entries.push({ name: `${p}${dir}f${i}.go`, data: Buffer.from(`package p\n// ${i}\n`.repeat(i % 5)) });
    }
    // Over the in-memory limit (1 MiB): streamed, deflated and stored.
    entries.push({ name: `${p}big/deflated.bin`, data: noise((1 << 20) + 5, 1) });
    entries.push({ name: `${p}big/stored.bin`, data: noise((1 << 20) + 7, 2), store: true });
    const zip = path.join(await fresh('zip'), 'm.zip');
    await writeZip(createWriteStream(zip), entries);
    const dir = path.join(await fresh(), 'tree');
    await unzip(dir, m, zip);
    expect(await hashDir(dir, p.slice(0, -1))).toBe(await hashZip(zip));
    expect((await stat(path.join(dir, 'd1/e1/f1.go'))).mode & 0o777).toBe(0o444);
    expect((await stat(path.join(dir, 'big/stored.bin'))).mode & 0o777).toBe(0o444);
    expect((await readFile(path.join(dir, 'big/deflated.bin'))).equals(noise((1 << 20) + 5, 1))).toBe(true);
    expect((await readFile(path.join(dir, 'f0.go'))).length).toBe(0);
  });

  it.each([
    ['small', 'hello, small world', true],
    ['big', 'x', false],
  ])('refuses a %s file whose content fails its CRC-32 with "zip: checksum error"', async (_k, text, small) => {
    const data = small ? Buffer.from(text) : Buffer.concat([Buffer.from('MARK'), noise((1 << 20) + 3, 3)]);
    // Stored, so that the content is visible (and alterable) in the file.
    const zip = await extractToZip([
      { name: `${p}ok.go`, data: Buffer.from('package ok\n') },
      { name: `${p}bad.bin`, data, store: true },
    ]);
    const bytes = await readFile(zip);
    const at = bytes.indexOf(small ? text : 'MARK');
    bytes[at] = bytes[at]! ^ 0x20;
    await writeFile(zip, bytes);
    const dir = path.join(await fresh(), 'tree');
    const err = await attempt(() => unzip(dir, m, zip));
    expect(err).toMatchObject({ code: 'ERR_ZIP_CHECKSUM', message: `unzip ${zip}: zip: checksum error` });
  });
});

describe('ZipReader.readAllSync and local headers', () => {
  it('returns small entries whole and leaves big ones to streaming', async () => {
    const zip = await extractToZip([
      { name: 'a', data: Buffer.from('alpha'.repeat(100)) },
      { name: 'b', data: new Uint8Array(2 << 20) },
    ]);
    const z = await openZipReader(zip);
    try {
      expect(z.readAllSync(z.entries[0]!, 1 << 20)!.toString()).toBe('alpha'.repeat(100));
      expect(z.readAllSync(z.entries[1]!, 1 << 20)).toBeUndefined();
      // The cap never exceeds 4 MiB, whatever is asked for; 2 MiB is within it.
      expect(z.readAllSync(z.entries[1]!, 64 << 20)!.length).toBe(2 << 20);
    } finally {
      await z.close();
      await z.close();
    }
  });

  it('refuses an entry whose local header is damaged or whose data overflows the file', async () => {
    const zip = await extractToZip([{ name: 'only', data: Buffer.from('content') }]);
    const bytes = await readFile(zip);
    const bad = Buffer.from(bytes);
    bad.writeUInt32LE(0x01020304, 0); // the local header's signature
    await writeFile(zip, bad);
    let z = await openZipReader(zip);
    try {
      expect(() => z.readAllSync(z.entries[0]!, 1 << 20)).toThrow(
        expect.objectContaining({
          code: 'ERR_ZIP_FORMAT',
          message: 'zip: not a valid zip file',
          fields: expect.objectContaining({ detail: 'invalid local file header signature: 0x1020304' }),
        }),
      );
      await expect(z.sha256(z.entries[0]!)).rejects.toMatchObject({ code: 'ERR_ZIP_FORMAT' });
    } finally {
      await z.close();
    }
    const long = Buffer.from(bytes);
    long.writeUInt16LE(0xffff, 26); // a file name length that runs past the end
    await writeFile(zip, long);
    z = await openZipReader(zip);
    try {
      await expect(z.read(z.entries[0]!, () => {})).rejects.toMatchObject({
        code: 'ERR_ZIP_FORMAT',
        fields: expect.objectContaining({ detail: expect.stringMatching(/^file data overflows file bounds: /) }),
      });
    } finally {
      await z.close();
    }
  });

  it('refuses a compression method other than store and deflate, whatever the size', async () => {
    const zip = await extractToZip([{ name: 'x', data: Buffer.from('data') }]);
    const bytes = await readFile(zip);
    // The method field: local header at 8, central directory header at 10.
    bytes.writeUInt16LE(12, 8);
    const cd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    bytes.writeUInt16LE(12, cd + 10);
    await writeFile(zip, bytes);
    const z = await openZipReader(zip);
    try {
      expect(() => z.readAllSync(z.entries[0]!, 0)).toThrow('zip: unsupported compression algorithm');
    } finally {
      await z.close();
    }
  });
});

/** patchUint32 replaces every little-endian occurrence of from with to (the zip's size fields). */
async function patchUint32(file: string, from: number, to: number): Promise<void> {
  const bytes = await readFile(file);
  const a = Buffer.alloc(4);
  a.writeUInt32LE(from);
  const b = Buffer.alloc(4);
  b.writeUInt32LE(to);
  let count = 0;
  for (let i = bytes.indexOf(a); i >= 0; i = bytes.indexOf(a, i + 4)) {
    b.copy(bytes, i);
    count++;
  }
  expect(count).toBeGreaterThanOrEqual(2); // local header and central directory
  await writeFile(file, bytes);
}

/** patchName rewrites an entry name of the same byte length in both of its headers. */
async function patchName(file: string, from: string, to: string): Promise<void> {
  expect(Buffer.byteLength(from)).toBe(Buffer.byteLength(to));
  const bytes = await readFile(file);
  let count = 0;
  for (let i = bytes.indexOf(from); i >= 0; i = bytes.indexOf(from, i + 1)) {
    Buffer.from(to).copy(bytes, i);
    count++;
  }
  expect(count).toBe(2);
  await writeFile(file, bytes);
}
