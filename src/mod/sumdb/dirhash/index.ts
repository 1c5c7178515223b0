/**
 * Package dirhash defines hashes over file trees, as golang.org/x/mod/sumdb/dirhash.
 * These are the "h1:" hashes recorded in go.sum files and in the Go checksum
 * database, which let the go command verify that a newly downloaded module has the
 * expected content (https://go.dev/ref/mod#go-sum-files).
 *
 * Hash1, the only algorithm, is "h1:" followed by the standard base64 encoding of the
 * SHA-256 of a summary prepared as if by
 *
 *     find . -type f -printf 'prefix/%P\n' | sort | xargs sha256sum
 *
 * that is, one line per file, in byte order of the file names: the lower-case hex
 * SHA-256 of the content, two spaces, the name, a newline. The names of a module zip
 * are "path@version/rel"; a go.mod file alone is hashed under the name "go.mod" (the
 * go.sum "/go.mod" line).
 *
 * Invariants:
 *  - Only names and contents count: zip metadata, compression, timestamps, modes and
 *    the order files are given in do not change a hash.
 *  - A name containing a newline is an error (it would forge summary lines).
 *  - Memory does not grow with the size of the files: every content is streamed
 *    through the hash (a few files at a time, in bounded chunks), never held whole.
 *    A big zip (over 16 MiB stored) is hashed on worker threads (zip-digest.ts):
 *    inflating and hashing are CPU-bound, and each worker reads its share
 *    synchronously; the result and the error reported are the same either way.
 *  - Module trees and zips are mostly small: hashDir walks and reads small regular
 *    files, and hashZip reads a small zip, with synchronous system calls through one
 *    bounded buffer (a thread-pool round trip per file costs several times the read
 *    itself), yielding to the event loop every few hundred files; big files are
 *    streamed. Results and errors do not depend on the path taken.
 *  - Names are compared as byte strings (Go's sort.Strings), and zip entry names are
 *    hashed as their raw bytes, so names that are not valid UTF-8 hash as in Go.
 */
import { createHash } from 'node:crypto';
import { closeSync, lstatSync, openSync, readSync, readdirSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../../internal/errors.js';
import { ioError } from '../../internal/io-error.js';
import { openZipReader, type ZipReader } from '../../zip/archive.js';
import { digestZipEntries } from './zip-digest.js';

/**
 * Content is what an opener returns for one file: the bytes, or a stream of chunks
 * (a Node Readable is one), possibly behind a promise.
 */
export type Content = Uint8Array | string | AsyncIterable<Uint8Array | string>;

/** Opener opens the named file's content; it is called once per name. */
export type Opener = (name: string) => Content | Promise<Content>;

/** Hash is a directory hash function (Go's dirhash.Hash): files and an opener in, "h1:…" out. */
export type Hash = (files: readonly string[], open: Opener) => Promise<string>;

/** How many files are read and hashed at the same time (I/O and inflate overlap with hashing). */
const PARALLEL = 4;

/** NEWLINE_ERROR is x/mod's text for a name that contains a newline. */
const NEWLINE_ERROR = 'dirhash: filenames with newlines are not supported';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * hash1 computes the "h1:" hash of the named files, reading each through open.
 * The names are sorted (byte order) first; duplicates are hashed twice, as in Go.
 * It rejects with ERR_DIRHASH_NEWLINE when a name contains "\n" and with whatever
 * open (or reading its content) fails with, for the first failing name in order.
 */
export async function hash1(files: readonly string[], open: Opener): Promise<string> {
  return hashSummary(await summary(toItems(files, open)));
}

/**
 * summary1 returns the text that hash1 hashes: one "<sha256 hex>  <name>\n" line per
 * file in sorted order. It fails exactly as hash1 does. Useful to explain a mismatch.
 */
export async function summary1(files: readonly string[], open: Opener): Promise<string> {
  return decoder.decode(await summary(toItems(files, open)));
}

/** defaultHash is the hash used for new go.sum lines (Go's DefaultHash). */
export const defaultHash: Hash = hash1;

/**
 * hashGoMod returns the hash recorded on a go.sum "/go.mod" line: Hash1 of a tree
 * holding only the file "go.mod" with content data. It cannot fail.
 */
export function hashGoMod(data: Uint8Array | string): string {
  const hex = createHash('sha256').update(data).digest('hex');
  return 'h1:' + createHash('sha256').update(`${hex}  go.mod\n`).digest('base64');
}

/**
 * dirFiles returns the files (everything that is not a directory, symbolic links
 * included) in the tree rooted at dir, named prefix + "/" + the slash-separated path
 * relative to dir (prefix "" gives bare relative paths), in the walk order of Go's
 * filepath.Walk (each directory's entries in byte order). It rejects with
 * ERR_DIRHASH_NOT_DIR ("<dir> is not a directory") when dir is not a directory and
 * with ERR_DIRHASH_IO (Go's wording, e.g. "lstat x: no such file or directory") when
 * the tree cannot be read.
 */
export async function dirFiles(dir: string, prefix: string): Promise<string[]> {
  return (await walkTree(dir, prefix)).map((f) => f.name);
}

/** TreeFile is one file found by walkTree: its hash name, where it is, and what lstat said. */
interface TreeFile {
  readonly name: string;
  readonly abs: string;
  /** lstat's size; only meaningful when regular. */
  readonly size: number;
  /** A regular file (not a symbolic link or a device): its content can be read without following anything. */
  readonly regular: boolean;
}

/** Entries walked (or files hashed) between two yields to the event loop. */
const YIELD_EVERY = 256;

/** yieldNow lets other work of the process run between synchronous batches. */
const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * walkTree is filepath.Walk over dir with lstat, as dirFiles documents. The walk uses
 * synchronous system calls (a thread-pool round trip per lstat costs several times the
 * call itself on small module trees) and yields to the event loop every YIELD_EVERY
 * entries, so a huge tree does not stall the rest of the process.
 */
async function walkTree(dir: string, prefix: string): Promise<TreeFile[]> {
  const root = cleanPath(dir);
  let info;
  try {
    info = lstatSync(root);
  } catch (e) {
    throw ioError('ERR_DIRHASH_IO', e, { dir });
  }
  if (!info.isDirectory()) {
    throw new CodedError('ERR_DIRHASH_NOT_DIR', `${root} is not a directory`, { dir: root });
  }
  const files: TreeFile[] = [];
  let steps = 0;
  const walk = async (abs: string, rel: string): Promise<void> => {
    let names: string[];
    try {
      names = readdirSync(abs);
    } catch (e) {
      throw ioError('ERR_DIRHASH_IO', e, { dir });
    }
    names.sort(compareNames);
    for (const name of names) {
      if (++steps % YIELD_EVERY === 0) await yieldNow();
      const childAbs = path.join(abs, name);
      const childRel = rel === '' ? name : `${rel}/${name}`;
      let st;
      try {
        st = lstatSync(childAbs);
      } catch (e) {
        throw ioError('ERR_DIRHASH_IO', e, { dir });
      }
      if (st.isDirectory()) await walk(childAbs, childRel);
      else files.push({ name: joinPrefix(prefix, childRel), abs: childAbs, size: st.size, regular: st.isFile() });
    }
  };
  await walk(root, '');
  return files;
}

/**
 * Regular files up to this size are read and hashed synchronously, through one shared
 * buffer (memory stays bounded); larger files and symbolic links are streamed.
 */
const SYNC_FILE_MAX = 1 << 20;

/** readBuffer is the shared buffer of the synchronous reads (never held across an await). */
const readBuffer = Buffer.allocUnsafe(64 * 1024);

/**
 * sha256FileSync hashes a small regular file with synchronous reads, failing with
 * ERR_DIRHASH_IO in Go's wording ("open f: …", "read f: …").
 */
function sha256FileSync(file: string): string {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw ioError('ERR_DIRHASH_IO', e, { file });
  }
  try {
    const h = createHash('sha256');
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, readBuffer, 0, readBuffer.length, null);
      } catch (e) {
        throw ioError('ERR_DIRHASH_IO', Object.assign(e as object, { path: file, syscall: 'read' }), { file });
      }
      if (n === 0) break;
      h.update(readBuffer.subarray(0, n));
    }
    return h.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/**
 * hashDir returns the h1 hash of the local directory dir, naming each file as
 * dirFiles(dir, prefix) does; with prefix "path@version" it equals the hash of that
 * module's zip. It fails as dirFiles and hash1 do (reading a file that disappeared
 * or a symbolic link to a directory fails with ERR_DIRHASH_IO): files are hashed in
 * name order, so the error is the first failing file's, and a name with a newline
 * fails with ERR_DIRHASH_NEWLINE once every file before it was read.
 */
export async function hashDir(dir: string, prefix: string): Promise<string> {
  const files = await walkTree(dir, prefix);
  const items = files.map((f) => ({ file: f, name: encoder.encode(f.name) }));
  items.sort((a, b) => Buffer.compare(a.name, b.name));
  const parts: Uint8Array[] = [];
  let done = 0;
  for (const { file, name } of items) {
    if (name.includes(0x0a)) throw new CodedError('ERR_DIRHASH_NEWLINE', NEWLINE_ERROR, { name: file.name });
    let hex: string;
    if (file.regular && file.size <= SYNC_FILE_MAX) {
      hex = sha256FileSync(file.abs);
      if (++done % YIELD_EVERY === 0) await yieldNow();
    } else {
      hex = await sha256Hex(await readFileStream(file.abs));
    }
    parts.push(encoder.encode(`${hex}  `), name, NL);
  }
  return hashSummary(Buffer.concat(parts));
}

/**
 * hashZip returns the h1 hash of the entries of the zip file at zipPath: every entry
 * (directory entries too) under its name exactly as stored; when a name occurs twice,
 * both lines hash the last such entry's content, as in Go. Entries are read and
 * verified (size and CRC-32) without holding more than a few of them in memory; a big
 * zip is hashed on several worker threads. It rejects with ERR_ZIP_IO /
 * ERR_ZIP_FORMAT when the file cannot be opened or is not a zip, with the entry read
 * errors of zip's archive reader for the first failing entry in name order, and with
 * ERR_DIRHASH_NEWLINE for a name containing "\n".
 */
export async function hashZip(zipPath: string): Promise<string> {
  // openZipReader reads a small zip with synchronous positioned reads (directory, local
  // headers, small entries): far cheaper than a thread-pool round trip each.
  const z = await openZipReader(zipPath);
  try {
    return await hashZipReader(z);
  } finally {
    await z.close();
  }
}

/**
 * hashZipReader is hashZip over a zip the caller has already opened (package zip's
 * openZipReader), so that a caller who also inspects the entries (the download path
 * checks their names) opens the file once. It leaves z open, and fails as hashZip
 * does once the zip is open: the entry read errors for the first failing entry in
 * name order, ERR_DIRHASH_NEWLINE for a name containing "\n".
 */
export async function hashZipReader(z: ZipReader): Promise<string> {
  const last = new Map<string, number>();
  for (const e of z.entries) last.set(byteKey(e.nameBytes), e.index);
  const sorted = [...z.entries].sort((a, b) => Buffer.compare(a.nameBytes, b.nameBytes));
  let stop = sorted.findIndex((e) => e.nameBytes.includes(0x0a));
  if (stop < 0) stop = sorted.length;
  // The entries to hash, in name order (a duplicated name hashes its last entry, once).
  const order: number[] = [];
  const seen = new Set<number>();
  for (const e of sorted.slice(0, stop)) {
    const index = last.get(byteKey(e.nameBytes))!;
    if (!seen.has(index)) order.push(index);
    seen.add(index);
  }
  const { digests, failure } = await digestZipEntries(z, order);
  if (failure) throw failure.error;
  if (stop < sorted.length) {
    throw new CodedError('ERR_DIRHASH_NEWLINE', NEWLINE_ERROR, { name: decoder.decode(sorted[stop]!.nameBytes) });
  }
  const parts: Uint8Array[] = [];
  for (const e of sorted) {
    parts.push(encoder.encode(`${digests.get(last.get(byteKey(e.nameBytes))!)!}  `), e.nameBytes, NL);
  }
  return hashSummary(Buffer.concat(parts));
}

/** Item is one file to summarise: its name as bytes and how to get its SHA-256 (hex). */
interface Item {
  name: Uint8Array;
  digest: () => Promise<string>;
}

function toItems(files: readonly string[], open: Opener): Item[] {
  return files.map((f) => ({ name: encoder.encode(f), digest: async () => sha256Hex(await open(f)) }));
}

/**
 * summary sorts items by name bytes and returns the summary bytes. Files are hashed
 * PARALLEL at a time; errors are reported for the first failing item in sorted
 * order, and a name with a newline stops the summary there, as Go's loop does.
 */
async function summary(items: Item[]): Promise<Uint8Array> {
  const sorted = [...items].sort((a, b) => Buffer.compare(a.name, b.name));
  let stop = sorted.findIndex((it) => it.name.includes(0x0a));
  if (stop < 0) stop = sorted.length;
  const digests: string[] = new Array<string>(stop);
  const errors: unknown[] = new Array<unknown>(stop);
  let next = 0;
  let firstError = stop;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= stop || i > firstError) return;
      try {
        digests[i] = await sorted[i]!.digest();
      } catch (e) {
        errors[i] = e;
        firstError = Math.min(firstError, i);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, stop) }, worker));
  if (firstError < stop) throw errors[firstError];
  if (stop < sorted.length)
    throw new CodedError('ERR_DIRHASH_NEWLINE', NEWLINE_ERROR, { name: decoder.decode(sorted[stop]!.name) });
  const parts: Uint8Array[] = [];
  for (let i = 0; i < stop; i++) parts.push(encoder.encode(`${digests[i]}  `), sorted[i]!.name, NL);
  return Buffer.concat(parts);
}

const NL = Uint8Array.of(0x0a);

function hashSummary(sum: Uint8Array): string {
  return 'h1:' + createHash('sha256').update(sum).digest('base64');
}

/** sha256Hex hashes content, streaming chunks as they arrive. */
async function sha256Hex(content: Content): Promise<string> {
  const h = createHash('sha256');
  if (typeof content === 'string' || content instanceof Uint8Array) {
    h.update(content);
  } else {
    for await (const chunk of content) h.update(chunk);
  }
  return h.digest('hex');
}

/** readFileStream opens a file for streaming, failing with ERR_DIRHASH_IO in Go's wording. */
async function readFileStream(file: string): Promise<AsyncIterable<Uint8Array>> {
  let fh;
  try {
    fh = await openFile(file, 'r');
  } catch (e) {
    throw ioError('ERR_DIRHASH_IO', e, { file });
  }
  const stream = fh.createReadStream({ highWaterMark: 1 << 20 });
  return (async function* () {
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } catch (e) {
      // Go's os.File reports "read <file>: <text>", e.g. for a link to a directory.
      throw ioError('ERR_DIRHASH_IO', Object.assign(e as object, { path: file, syscall: 'read' }), { file });
    } finally {
      await fh.close().catch(() => {});
    }
  })();
}

/** cleanPath is Go's filepath.Clean for the paths dirFiles reports. */
function cleanPath(p: string): string {
  return p === '' ? '.' : path.normalize(p).replace(/(.)\/+$/, '$1');
}

/** joinPrefix is filepath.Join(prefix, rel) (rel is already clean). */
function joinPrefix(prefix: string, rel: string): string {
  return prefix === '' ? rel : path.posix.join(prefix, rel);
}

/** compareNames orders names as Go's sort.Strings: by UTF-8 bytes (= code points). */
function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** byteKey makes a map key that distinguishes names with different bytes. */
function byteKey(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}
