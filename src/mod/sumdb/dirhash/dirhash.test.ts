// dirhash: every case of ../shared/testdata/dirhash.json (hash and intermediate summary),
// plus Go's behaviour at the edges (byte order, duplicate zip names, directory entries,
// damaged zips) and the streaming contract.
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testdata } from '../../../../test/support/shared.js';
import { isCodedError } from '../../internal/errors.js';
import { openZipReader, writeZip, type ZipWriterEntry } from '../../zip/archive.js';
import { dirFiles, hash1, hashDir, hashGoMod, hashZip, hashZipReader, summary1 } from './index.js';

interface NamedContent {
  name: string;
  content: string;
}
const vectors = JSON.parse(await readFile(testdata('dirhash.json'), 'utf8')) as {
  hash1: Array<{ name: string; files: NamedContent[]; summary?: string; want?: string; error?: string }>;
  hashDir: Array<{ name: string; dirFiles: NamedContent[]; prefix: string; summary: string; want: string }>;
  hashZip: Array<{ name: string; zipEntries: NamedContent[]; summary: string; want: string }>;
  dirFiles: Array<{ name: string; dirFiles?: NamedContent[]; path?: string; prefix: string; rule: string }>;
};

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-dirhash-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

let counter = 0;
const fresh = async () => {
  const d = path.join(work, `t${counter++}`);
  await mkdir(d, { recursive: true });
  return d;
};
async function writeTree(dir: string, files: NamedContent[]): Promise<void> {
  for (const f of files) {
    await mkdir(path.dirname(path.join(dir, f.name)), { recursive: true });
    await writeFile(path.join(dir, f.name), f.content);
  }
}
async function zipFile(entries: ZipWriterEntry[]): Promise<string> {
  const file = path.join(await fresh(), 'z.zip');
  await writeZip(createWriteStream(file), entries);
  return file;
}
const contentOf = (files: NamedContent[]) => (name: string) => files.find((f) => f.name === name)!.content;
const sha = (s: string | Uint8Array) => createHash('sha256').update(s).digest('hex');

describe('dirhash.json', () => {
  it.each(vectors.hash1.map((c) => [c.name, c] as const))('hash1: %s', async (_n, c) => {
    const names = c.files.map((f) => f.name);
    if (c.error !== undefined) {
      await expect(hash1(names, contentOf(c.files))).rejects.toThrow(c.error);
      await expect(hash1(names, contentOf(c.files))).rejects.toMatchObject({ code: 'ERR_DIRHASH_NEWLINE' });
      return;
    }
    expect(await summary1(names, contentOf(c.files))).toBe(c.summary);
    expect(await hash1(names, contentOf(c.files))).toBe(c.want);
    // The opener may also return streams (a Readable is an AsyncIterable of chunks).
    expect(await hash1(names, (n) => Readable.from([Buffer.from(contentOf(c.files)(n))]))).toBe(c.want);
  });

  it.each(vectors.hashDir.map((c) => [c.name, c] as const))('hashDir: %s', async (_n, c) => {
    const dir = await fresh();
    await writeTree(dir, c.dirFiles);
    const files = await dirFiles(dir, c.prefix);
    const open = (n: string) => readFile(path.join(dir, n.slice(c.prefix.length + 1)));
    expect(await summary1(files, open)).toBe(c.summary);
    expect(await hashDir(dir, c.prefix)).toBe(c.want);
  });

  it.each(vectors.hashZip.map((c) => [c.name, c] as const))('hashZip: %s', async (_n, c) => {
    const file = await zipFile(c.zipEntries.map((e) => ({ name: e.name, data: Buffer.from(e.content) })));
    expect(
      await summary1(
        c.zipEntries.map((e) => e.name),
        contentOf(c.zipEntries.map((e) => e)),
      ),
    ).toBe(c.summary);
    expect(await hashZip(file)).toBe(c.want);
  });

  it('dirFiles: valid directory (prefix + slash path, every file once)', async () => {
    const c = vectors.dirFiles.find((d) => d.dirFiles)!;
    const dir = await fresh();
    await writeTree(dir, c.dirFiles!);
    const got = await dirFiles(dir, c.prefix);
    expect([...got].sort()).toEqual(c.dirFiles!.map((f) => `${c.prefix}/${f.name}`).sort());
  });

  it('dirFiles: not a directory fails and returns nothing', async () => {
    const c = vectors.dirFiles.find((d) => d.path)!;
    const file = path.join(await fresh(), c.path!);
    await writeFile(file, 'x');
    await expect(dirFiles(file, c.prefix)).rejects.toMatchObject({
      code: 'ERR_DIRHASH_NOT_DIR',
      message: `${file} is not a directory`,
    });
  });
});

describe('hash1 details', () => {
  it('sorts names by UTF-8 bytes like Go (U+FFFD before U+1F600, unlike UTF-16 order)', async () => {
    const names = ['\u{1F600}', '\uFFFD', 'z'];
    const s = await summary1(names, () => 'x');
    expect(s.split('\n').map((l) => l.slice(66))).toEqual(['z', '\uFFFD', '\u{1F600}', '']);
  });

  it('hashes a duplicated name twice, as Go does', async () => {
    const s = await summary1(['a', 'a'], () => 'x');
    expect(s).toBe(`${sha('x')}  a\n${sha('x')}  a\n`);
  });

  it('reports the first failing file in sorted order even when later ones fail first', async () => {
    const open = async (n: string) => {
      if (n === 'b') {
        await new Promise((r) => setTimeout(r, 30));
        throw new Error('open b failed');
      }
      if (n === 'c') throw new Error('open c failed');
      return 'x';
    };
    await expect(hash1(['c', 'b', 'a'], open)).rejects.toThrow('open b failed');
  });

  it('fails on a newline name only after the files before it opened fine', async () => {
    await expect(hash1(['b\n', 'a'], (n) => (n === 'a' ? Promise.reject(new Error('a')) : 'x'))).rejects.toThrow('a');
    await expect(hash1(['b\n', 'a'], () => 'x')).rejects.toMatchObject({ code: 'ERR_DIRHASH_NEWLINE' });
  });

  it('hashes an empty list to the empty-zip hash of x/mod', async () => {
    expect(await hash1([], () => '')).toBe('h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
  });

  it('hashGoMod is hash1 of a lone go.mod (the go.sum /go.mod hash)', async () => {
    const mod = 'module rsc.io/quote\n\nrequire rsc.io/sampler v1.3.0\n';
    expect(hashGoMod(mod)).toBe(await hash1(['go.mod'], () => mod));
    expect(hashGoMod(Buffer.from(mod))).toBe(hashGoMod(mod));
    // cmd/go's emptyGoModHash: the hash of a zero-length go.mod.
    expect(hashGoMod('')).toBe('h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=');
  });
});

describe('hashDir and dirFiles on real trees', () => {
  it('walks directories in Go order and ignores empty directories', async () => {
    const dir = await fresh();
    await writeTree(dir, [
      { name: 'a.go', content: '1' },
      { name: 'a/b', content: '2' },
      { name: 'B', content: '3' },
    ]);
    await mkdir(path.join(dir, 'empty'));
    // filepath.Walk order: each directory's names in byte order ("B" < "a" < "a.go").
    expect(await dirFiles(dir, 'm@v1')).toEqual(['m@v1/B', 'm@v1/a/b', 'm@v1/a.go']);
    expect(await dirFiles(dir, '')).toEqual(['B', 'a/b', 'a.go']);
    // hashDir with a trailing-slash prefix (x/mod's Unzip test) names files the same way.
    expect(await hashDir(dir, 'm@v1/')).toBe(await hashDir(dir, 'm@v1'));
  });

  it('includes symbolic links to files (content followed) and fails on a link to a directory', async () => {
    const dir = await fresh();
    await writeTree(dir, [{ name: 'f', content: 'data' }]);
    await symlink('f', path.join(dir, 'link'));
    expect(await summary1(await dirFiles(dir, 'p'), () => 'data')).toBe(
      `${sha('data')}  p/f\n${sha('data')}  p/link\n`,
    );
    expect(await hashDir(dir, 'p')).toBe(await hash1(['p/f', 'p/link'], () => 'data'));
    await symlink('.', path.join(dir, 'loop'));
    const err = await hashDir(dir, 'p').catch((e: unknown) => e);
    expect(isCodedError(err, 'ERR_DIRHASH_IO')).toBe(true);
    expect((err as Error).message).toBe(`read ${path.join(dir, 'loop')}: is a directory`);
  });

  it('hashes small files (read synchronously) and big ones (streamed) alike, across many files', async () => {
    const dir = await fresh();
    const files: Array<{ name: string; data: Buffer }> = [
      { name: 'big.bin', data: randomBytes((1 << 20) + 12345) },
      { name: 'sub/big2.bin', data: randomBytes(3 << 20) },
      { name: 'empty', data: Buffer.alloc(0) },
    ];
    // More files than are hashed between two yields to the event loop.
    for (let i = 0; i < 600; i++) files.push({ name: `many/f${i}.go`, data: randomBytes(i % 7) });
    for (const f of files) {
      await mkdir(path.dirname(path.join(dir, f.name)), { recursive: true });
      await writeFile(path.join(dir, f.name), f.data);
    }
    const byName = new Map(files.map((f) => [`m@v1/${f.name}`, f.data]));
    const want = await hash1([...byName.keys()], (n) => byName.get(n)!);
    expect(await hashDir(dir, 'm@v1')).toBe(want);
    // The same files in a zip (stored, so it is over the synchronous-read size) hash the same.
    const zip = await zipFile(files.map((f) => ({ name: `m@v1/${f.name}`, data: f.data, store: true })));
    expect((await stat(zip)).size).toBeGreaterThan(4 << 20);
    expect(await hashZip(zip)).toBe(want);
    // And deflated into a small zip, read synchronously.
    const small = await zipFile(
      files.filter((f) => f.data.length < 1000).map((f) => ({ name: `m@v1/${f.name}`, data: f.data })),
    );
    const smallWant = await hash1(
      files.filter((f) => f.data.length < 1000).map((f) => `m@v1/${f.name}`),
      (n) => byName.get(n)!,
    );
    expect(await hashZip(small)).toBe(smallWant);
  });

  it('fails on a file that vanished after the walk with the open error, in name order', async () => {
    const dir = await fresh();
    await writeTree(dir, [
      { name: 'a', content: '1' },
      { name: 'b', content: '2' },
    ]);
    // A dangling symbolic link is listed by the walk (lstat) and fails when read.
    await symlink('missing-target', path.join(dir, 'c'));
    const err = await hashDir(dir, 'p').catch((e: unknown) => e);
    expect(isCodedError(err, 'ERR_DIRHASH_IO')).toBe(true);
    expect((err as Error).message).toBe(`open ${path.join(dir, 'c')}: no such file or directory`);
  });

  it('reports a missing directory in Go wording', async () => {
    const missing = path.join(work, 'nope');
    await expect(dirFiles(missing, '')).rejects.toMatchObject({
      code: 'ERR_DIRHASH_IO',
      message: `lstat ${missing}: no such file or directory`,
    });
  });
});

describe('hashZip details', () => {
  it('counts directory entries and hashes the last of duplicated names for both lines', async () => {
    const file = await zipFile([
      { name: 'p/d/', data: new Uint8Array() },
      { name: 'p/x', data: Buffer.from('first') },
      { name: 'p/x', data: Buffer.from('second') },
    ]);
    const want = await hash1(['p/d/', 'p/x', 'p/x'], (n) => (n === 'p/x' ? 'second' : ''));
    expect(await hashZip(file)).toBe(want);
  });

  it('hashes stored and deflated entries alike', async () => {
    const a = await zipFile([{ name: 'm@v1/a', data: Buffer.from('abc'.repeat(1000)), store: true }]);
    const b = await zipFile([{ name: 'm@v1/a', data: Buffer.from('abc'.repeat(1000)) }]);
    expect(await hashZip(a)).toBe(await hashZip(b));
  });

  it('fails with "zip: checksum error" when stored content was altered', async () => {
    const file = await zipFile([{ name: 'm@v1/a', data: Buffer.from('hello, world'), store: true }]);
    const bytes = await readFile(file);
    const at = bytes.indexOf('hello, world');
    bytes[at] = 'j'.charCodeAt(0);
    await writeFile(file, bytes);
    await expect(hashZip(file)).rejects.toMatchObject({ code: 'ERR_ZIP_CHECKSUM', message: 'zip: checksum error' });
  });

  it('fails with "unexpected EOF" when an entry is shorter than declared, stored or deflated', async () => {
    for (const store of [true, false]) {
      const file = await zipFile([{ name: 'm@v1/a', data: Buffer.from('x'.repeat(1000)), store }]);
      const bytes = await readFile(file);
      // Declare 1001 bytes (both headers) where there are 1000.
      const from = Buffer.alloc(4);
      from.writeUInt32LE(1000);
      const to = Buffer.alloc(4);
      to.writeUInt32LE(1001);
      let count = 0;
      // Stored entries also record 1000 as the compressed size: patch only the uncompressed field.
      for (let i = bytes.indexOf(from); i >= 0; i = bytes.indexOf(from, i + 4)) {
        if (store && bytes.readUInt32LE(i - 4) === 1000) {
          to.copy(bytes, i);
          count++;
          i += 4;
        } else if (!store) {
          to.copy(bytes, i);
          count++;
        }
      }
      expect(count).toBe(2);
      await writeFile(file, bytes);
      await expect(hashZip(file)).rejects.toMatchObject({ code: 'ERR_ZIP_SHORT_ENTRY', message: 'unexpected EOF' });
    }
  });

  it('fails on corrupt deflate data', async () => {
    const text = 'package m\n\nfunc F() int { return 42 }\n'.repeat(200);
    const file = await zipFile([{ name: 'm@v1/a.go', data: Buffer.from(text) }]);
    const bytes = await readFile(file);
    const dataStart = 30 + 'm@v1/a.go'.length;
    for (let i = dataStart; i < dataStart + 8; i++) bytes[i] = 0xff;
    await writeFile(file, bytes);
    const err = await hashZip(file).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_ZIP_FORMAT' });
    expect((err as Error).message).toMatch(/^flate: corrupt input in m@v1\/a\.go: /);
  });

  it('fails with "zip: not a valid zip file" on a file that is not a zip', async () => {
    const file = path.join(await fresh(), 'not.zip');
    await writeFile(file, 'just text, no central directory');
    await expect(hashZip(file)).rejects.toMatchObject({ code: 'ERR_ZIP_FORMAT', message: 'zip: not a valid zip file' });
  });

  it('fails in Go wording when the zip is missing', async () => {
    const file = path.join(work, 'missing.zip');
    await expect(hashZip(file)).rejects.toMatchObject({
      code: 'ERR_ZIP_IO',
      message: `open ${file}: no such file or directory`,
    });
  });

  it('hashes non-UTF-8 entry names by their bytes', async () => {
    // yazl writes names as given; patch one byte of a placeholder to an invalid UTF-8 byte.
    const file = await zipFile([{ name: 'm@v1/aXb', data: Buffer.from('c'), store: true }]);
    const bytes = await readFile(file);
    let at = -1;
    while ((at = bytes.indexOf('m@v1/aXb', at + 1)) >= 0) bytes[at + 6] = 0xff;
    await writeFile(file, bytes);
    const name = Buffer.from('m@v1/a\xffb', 'latin1');
    const line = Buffer.concat([Buffer.from(`${sha('c')}  `), name, Buffer.from('\n')]);
    expect(await hashZip(file)).toBe('h1:' + createHash('sha256').update(line).digest('base64'));
  });
});

describe('hashZipReader (a zip the caller opened)', () => {
  it('equals hashZip and leaves the reader open for the caller', async () => {
    const file = await zipFile([
      { name: 'm@v1/go.mod', data: Buffer.from('module m\n') },
      { name: 'm@v1/a/b.go', data: Buffer.from('package b\n'.repeat(50)) },
      { name: 'm@v1/c.txt', data: Buffer.from('c'), store: true },
    ]);
    const z = await openZipReader(file);
    try {
      const h = await hashZipReader(z);
      expect(h).toBe(await hashZip(file));
      // Still usable: the entries can be read (and hashed again) after hashing.
      expect(z.readAllSync(z.entries[0]!, 1 << 20)!.toString()).toBe('module m\n');
      expect(await hashZipReader(z)).toBe(h);
    } finally {
      await z.close();
    }
  });

  it('fails as hashZip does on a damaged entry (the first failing name)', async () => {
    const file = await zipFile([
      { name: 'm@v1/b', data: Buffer.from('hello, world'), store: true },
      { name: 'm@v1/a', data: Buffer.from('fine') },
    ]);
    const bytes = await readFile(file);
    bytes[bytes.indexOf('hello, world')] = 'j'.charCodeAt(0);
    await writeFile(file, bytes);
    const z = await openZipReader(file);
    try {
      await expect(hashZipReader(z)).rejects.toMatchObject({
        code: 'ERR_ZIP_CHECKSUM',
        message: 'zip: checksum error',
      });
    } finally {
      await z.close();
    }
  });
});

describe('hashZip of a big zip (hashed on worker threads)', () => {
  // Incompressible content, so the zip is over the 16 MiB worker threshold.
  const big = Array.from({ length: 36 }, (_, i) => ({
    name: `m@v1/pkg${i % 5}/f${String(i).padStart(2, '0')}.bin`,
    data: randomBytes(i === 7 ? 5 << 20 : 400 << 10), // one entry above the 4 MiB small-entry size
  }));

  it('equals hash1 over the contents (duplicated names, directory entries, a large entry)', async () => {
    const entries = [
      ...big,
      { name: 'm@v1/pkg1/f03.bin', data: Buffer.from('dup') },
      { name: 'm@v1/dir/', data: new Uint8Array() },
    ];
    const file = await zipFile(entries);
    expect((await stat(file)).size).toBeGreaterThan(16 << 20);
    const content = new Map(entries.map((e) => [e.name, e.data]));
    const want = await hash1(
      entries.map((e) => e.name),
      (n) => content.get(n)!,
    );
    expect(await hashZip(file)).toBe(want);
  });

  it('reports the first failing entry in name order, whichever worker found it', async () => {
    const file = await zipFile(big.map((e) => ({ ...e, store: true })));
    const bytes = await readFile(file);
    // Corrupt the content of two entries far apart in name order.
    for (const victim of [big[3]!, big[30]!]) {
      const at = bytes.indexOf(Buffer.from(victim.data.subarray(0, 64)));
      expect(at).toBeGreaterThan(0);
      bytes[at + 10] = bytes[at + 10]! ^ 0xff;
    }
    await writeFile(file, bytes);
    const err = await hashZip(file).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_ZIP_CHECKSUM', message: 'zip: checksum error' });
    // pkg0/f30 sorts before pkg3/f03, although it comes later in the zip.
    expect([big[3]!.name, big[30]!.name].sort()[0]).toBe('m@v1/pkg0/f30.bin');
    expect((err as { fields: { entry: string } }).fields.entry).toBe('m@v1/pkg0/f30.bin');
  });
});
