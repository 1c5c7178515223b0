// compareZip against the real GOPROXY client and a loopback proxy: a download that equals
// the cached zip byte for byte is recognised without writing anything; any difference
// (early, late, longer, shorter, nothing cached) leaves exactly the proxy's bytes in the
// temporary file; a fall-through to the next proxy starts over.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestProxy, type TestProxy } from '../../test/support/proxy-server.js';
import { createGoproxyClient } from '../mod/goproxy/index.js';
import { createHttpClient, type HttpClient } from '../mod/web/index.js';
import { writeZip } from '../mod/zip/archive.js';
import { compareZip } from './zip-compare.js';

const MOD = 'example.com/big';
const V = 'v1.0.0';

let work: string;
let proxy: TestProxy;
let truncating: TestProxy;
let http: HttpClient;
let served: Buffer;
let seq = 0;

/** zipFile writes a zip of MOD@V with a stored random entry of size bytes (many response chunks). */
async function zipFile(file: string, size: number): Promise<Buffer> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeZip(createWriteStream(file), [
    { name: `${MOD}@${V}/go.mod`, data: Buffer.from(`module ${MOD}\n`) },
    { name: `${MOD}@${V}/blob.bin`, data: randomBytes(size) },
  ]);
  return readFile(file);
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-zip-compare-'));
  const root = path.join(work, 'proxy');
  const vdir = path.join(root, MOD, '@v');
  served = await zipFile(path.join(vdir, `${V}.zip`), 600_000);
  await writeFile(path.join(vdir, 'list'), `${V}\n`);
  proxy = await startTestProxy({ root });
  truncating = await startTestProxy({ root, faults: [{ pattern: '*.zip', fault: { kind: 'truncate' } }] });
  http = createHttpClient({ retries: 0 });
});

afterAll(async () => {
  await http?.close();
  await proxy?.close();
  await truncating?.close();
  await rm(work, { recursive: true, force: true });
});

/** cached writes bytes as the "cached zip" of one test and returns its path. */
async function cached(bytes: Buffer | undefined): Promise<string> {
  const file = path.join(work, `cached-${seq++}.zip`);
  if (bytes) await writeFile(file, bytes);
  return file;
}

/** download runs the real client's zip download into a comparison and returns its verdict and file bytes. */
async function download(cachedZip: string, goproxy = proxy.url) {
  let asked = 0;
  const cmp = compareZip(cachedZip, async () => {
    asked++;
    return path.join(work, `tmp-${seq++}.zip`);
  });
  try {
    const client = createGoproxyClient({ fetch: http, proxy: goproxy });
    await client.zip(MOD, V, cmp.handle);
    const got = await cmp.finish();
    return { same: got.same, asked, bytes: got.same ? undefined : await readFile(got.file) };
  } finally {
    await cmp.close();
  }
}

describe('compareZip with the real GOPROXY client', () => {
  it('recognises a byte-identical download without writing a file', async () => {
    const r = await download(await cached(served));
    expect(r).toEqual({ same: true, asked: 0, bytes: undefined });
  });

  it('keeps exactly the proxy bytes when they differ late in the body (matched prefix copied from the cache)', async () => {
    const other = Buffer.from(served);
    other[other.length - 100]! ^= 0xff;
    const r = await download(await cached(other));
    expect(r.same).toBe(false);
    expect(r.asked).toBe(1);
    expect(Buffer.compare(r.bytes!, served)).toBe(0);
  });

  it('keeps exactly the proxy bytes when they differ in the first byte', async () => {
    const other = Buffer.from(served);
    other[0]! ^= 0xff;
    const r = await download(await cached(other));
    expect(r.same).toBe(false);
    expect(Buffer.compare(r.bytes!, served)).toBe(0);
  });

  it('keeps the proxy bytes when nothing is cached', async () => {
    const r = await download(await cached(undefined));
    expect(r.same).toBe(false);
    expect(Buffer.compare(r.bytes!, served)).toBe(0);
  });

  it('keeps the proxy bytes when the cached zip is only a prefix of them', async () => {
    const r = await download(await cached(served.subarray(0, 200_000)));
    expect(r.same).toBe(false);
    expect(Buffer.compare(r.bytes!, served)).toBe(0);
  });

  it('keeps the proxy bytes when the cached zip is longer (the proxy served a prefix of it)', async () => {
    const longer = Buffer.concat([served, Buffer.from('trailing bytes')]);
    const r = await download(await cached(longer));
    expect(r.same).toBe(false);
    expect(Buffer.compare(r.bytes!, served)).toBe(0);
  });

  it('starts over when the client falls through to the next proxy after a truncated body', async () => {
    // The first proxy cuts the body (the bytes so far match the cache), "|" moves on to the second.
    const same = await download(await cached(served), `${truncating.url}|${proxy.url}`);
    expect(same).toEqual({ same: true, asked: 0, bytes: undefined });
    // Diverged on the first proxy already: the file is rewritten with the second proxy's bytes only.
    const other = Buffer.from(served);
    other[10]! ^= 0xff;
    const diverged = await download(await cached(other), `${truncating.url}|${proxy.url}`);
    expect(diverged.same).toBe(false);
    expect(Buffer.compare(diverged.bytes!, served)).toBe(0);
  });

  it('never changes the cached file', async () => {
    const other = Buffer.from(served);
    other[5000]! ^= 0xff;
    const file = await cached(other);
    const before = path.join(work, 'before.zip');
    await copyFile(file, before);
    await download(file);
    expect(Buffer.compare(await readFile(file), await readFile(before))).toBe(0);
  });
});

describe('compareZip driven directly', () => {
  it('treats a download shorter than the cached zip as different (its bytes are what was served)', async () => {
    const file = await cached(Buffer.from('0123456789'));
    const cmp = compareZip(file, async () => path.join(work, `tmp-${seq++}.zip`));
    try {
      await cmp.handle.truncate(0);
      await cmp.handle.write(Buffer.from('01234'), 0, 5, 0);
      const got = await cmp.finish();
      expect(got.same).toBe(false);
      if (!got.same) expect((await readFile(got.file)).toString()).toBe('01234');
    } finally {
      await cmp.close();
    }
  });

  it('rejects writes that are not sequential (the sink only supports streaming)', async () => {
    const file = await cached(Buffer.from('0123456789'));
    const cmp = compareZip(file, async () => path.join(work, `tmp-${seq++}.zip`));
    try {
      await cmp.handle.truncate(0);
      await expect(cmp.handle.write(Buffer.from('56'), 0, 2, 5)).rejects.toThrow(/sequential/);
    } finally {
      await cmp.close();
    }
  });
});
