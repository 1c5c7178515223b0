/**
 * Extracting module zips safely (x/mod's Unzip).
 *
 * A module zip is mostly many small files, so extraction is built around them: each
 * directory is created once (the first time a file needs it), and a small file
 * (at most SMALL_FILE bytes, stored and declared) is read, inflated and verified in
 * memory, then created and written on the thread pool, a window of files at a time;
 * big files are streamed.
 * Either way the checks are the same (checkZip first, exclusive no-follow creation,
 * read-only mode, declared sizes and CRC-32 enforced).
 */
import { close, constants, mkdir, open as openCb, readdirSync, write } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CodedError } from '../internal/errors.js';
import { ioError } from '../internal/io-error.js';
import type { ZipEntry, ZipReader } from './archive.js';
import { checkZipOpen, modulePathText, type ZipModule } from './check.js';
import { zipError } from './create.js';

/** Files whose stored and declared sizes are at most this are extracted from memory. */
const SMALL_FILE = 1 << 20;

/** The flags of a file being extracted: created exclusively, never through a symbolic link. */
const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * unzip extracts the module zip zipPath of m into dir (x/mod's Unzip). dir may be
 * missing (it is created) or empty; anything else fails with ERR_ZIP_TARGET_NOT_EMPTY.
 * Nothing is written before the whole zip passed checkZip, so a zip with an entry
 * outside "path@version/", an unclean or malformed path ("..", absolute, backslash,
 * reserved names), a case-insensitive collision, a go.mod outside the root or a size
 * over the limits extracts nothing. Files are created read-only (0444), exclusively
 * and without following symbolic links, with their declared sizes and CRC-32
 * enforced; on such a late failure dir may hold part of the tree. Errors read
 * "unzip <zipPath>: …" as in Go.
 */
export async function unzip(dir: string, m: ZipModule, zipPath: string): Promise<void> {
  try {
    let existing: string[] = [];
    try {
      existing = readdirSync(dir);
    } catch {
      // Missing (or unreadable: creating it below says why).
    }
    if (existing.length > 0) {
      throw new CodedError('ERR_ZIP_TARGET_NOT_EMPTY', `target directory ${dir} exists and is not empty`, { dir });
    }
    const { report, reader } = await checkZipOpen(m, zipPath);
    if (report.error || !reader) throw report.error;
    try {
      await extractAll(reader, dir, Buffer.byteLength(`${modulePathText(m)}@${m.version}/`));
    } finally {
      await reader.close();
    }
  } catch (e) {
    throw zipError('unzip', zipPath, e);
  }
}

/** At most this many small files, holding at most this many bytes, are being written at once. */
const WINDOW_FILES = 4;
const WINDOW_BYTES = 8 << 20;

/** InFlight is a small file being written: its outcome and the bytes it holds. */
interface InFlight {
  readonly done: Promise<void>;
  readonly bytes: number;
}

/**
 * extractAll writes every file entry of reader (already checked: valid UTF-8, clean,
 * relative, under the prefix of prefixBytes bytes) below dir. Reading and inflating
 * happen here, in zip order; creating and writing small files (kernel work that is
 * slow on some file systems) run a window at a time on libuv's thread pool, so they
 * overlap. Outcomes are collected in zip order: the error reported is the first
 * failing file's, as a sequential extraction would report it.
 */
async function extractAll(reader: ZipReader, dir: string, prefixBytes: number): Promise<void> {
  await mkdirOrFail(dir);
  // Each directory is created once, when its first file needs it.
  const made = new Map<string, Promise<void>>([[dir, Promise.resolve()]]);
  const window: InFlight[] = [];
  let held = 0;
  const settleOldest = async (): Promise<void> => {
    const f = window.shift()!;
    held -= f.bytes;
    await f.done;
  };
  try {
    for (const zf of reader.entries) {
      const name = Buffer.from(zf.nameBytes.subarray(prefixBytes)).toString('utf8');
      if (name === '' || name.endsWith('/')) continue;
      const dst = path.join(dir, name);
      const parent = path.dirname(dst);
      let ready = made.get(parent);
      if (ready === undefined) {
        ready = mkdirOrFail(parent);
        for (let d = parent; d.length > dir.length && !made.has(d); d = path.dirname(d)) made.set(d, ready);
      }
      if (zf.compressedSize > SMALL_FILE || zf.uncompressedSize > SMALL_FILE) {
        // A big file is streamed by itself, once the files before it are written.
        while (window.length > 0) await settleOldest();
        await ready;
        await writeStreamed(reader, zf, dst);
        continue;
      }
      let data: Buffer | undefined;
      let readError: unknown;
      try {
        // readAllSync verifies size and CRC-32; it answers for every entry within SMALL_FILE.
        data = reader.readAllSync(zf, SMALL_FILE)!;
      } catch (e) {
        readError = e;
      }
      const content = data;
      // A sequential extraction creates the file before reading its content, so a
      // creation failure is the one reported, then the content's.
      const done =
        content !== undefined
          ? ready.then(() => writeNewFile(dst, content))
          : ready
              .then(() => writeNewFile(dst, Buffer.alloc(0)))
              .then(() => {
                throw ioError('ERR_ZIP_IO', readError);
              });
      done.catch(() => {}); // Observed in order by settleOldest.
      window.push({ done, bytes: content?.length ?? 0 });
      held += content?.length ?? 0;
      if (content === undefined) break;
      while (window.length >= WINDOW_FILES || held > WINDOW_BYTES) await settleOldest();
    }
    while (window.length > 0) await settleOldest();
  } catch (e) {
    // The writes still in flight finish (and close their files) before the error is reported.
    await Promise.allSettled(window.map((f) => f.done));
    throw e;
  }
}

/** mkdirOrFail creates d (and missing parents), failing with ERR_ZIP_IO in Go's wording. */
function mkdirOrFail(d: string): Promise<void> {
  return new Promise((resolve, reject) => {
    mkdir(d, { recursive: true }, (e) => (e ? reject(ioError('ERR_ZIP_IO', e)) : resolve()));
  });
}

/**
 * writeNewFile creates dst (exclusively, read-only, not through a symbolic link) and
 * writes data into it, with callback file-system calls (one thread-pool job each).
 */
function writeNewFile(dst: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (e: unknown) => reject(ioError('ERR_ZIP_IO', e));
    openCb(dst, CREATE_FLAGS, 0o444, (openErr, fd) => {
      if (openErr) return fail(openErr);
      const finish = () => close(fd, (closeErr) => (closeErr ? fail(closeErr) : resolve()));
      const writeFrom = (off: number): void => {
        if (off >= data.length) return finish();
        write(fd, data, off, data.length - off, null, (writeErr, n) => {
          if (writeErr) return close(fd, () => fail(writeErr));
          writeFrom(off + n);
        });
      };
      writeFrom(0);
    });
  });
}

/** writeStreamed creates dst and streams the (big) entry zf into it. */
async function writeStreamed(reader: ZipReader, zf: ZipEntry, dst: string): Promise<void> {
  const fh = await open(dst, CREATE_FLAGS, 0o444).catch((e: unknown) => {
    throw ioError('ERR_ZIP_IO', e);
  });
  try {
    // The write stream closes fh when it finishes or fails.
    await pipeline(reader.open(zf), fh.createWriteStream());
  } catch (e) {
    await fh.close().catch(() => {});
    throw e;
  }
}
