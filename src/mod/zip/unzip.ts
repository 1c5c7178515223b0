/**
 * Extracting module zips safely (x/mod's Unzip).
 *
 * A module zip is mostly many small files, so extraction is built around them: each
 * directory is created once (the first time a file needs it), and a small file
 * (at most SMALL_FILE bytes, stored and declared) is read, inflated and verified in
 * memory and written with one synchronous create and write; big files are streamed.
 * Either way the checks are the same (checkZip first, exclusive no-follow creation,
 * read-only mode, declared sizes and CRC-32 enforced).
 */
import { closeSync, constants, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CodedError } from '../internal/errors.js';
import { ioError } from '../internal/io-error.js';
import type { ZipEntry, ZipReader } from './archive.js';
import { checkZipOpen, modulePathText, type ZipModule } from './check.js';
import { zipError } from './create.js';

/** Files whose stored and declared sizes are at most this are extracted from memory in one write. */
const SMALL_FILE = 1 << 20;

/** How many files, or bytes, are written synchronously between two yields to the event loop. */
const YIELD_FILES = 128;
const YIELD_BYTES = 8 << 20;

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

/**
 * extractAll writes every file entry of reader (already checked: valid UTF-8, clean,
 * relative, under the prefix of prefixBytes bytes) below dir, in zip order.
 */
async function extractAll(reader: ZipReader, dir: string, prefixBytes: number): Promise<void> {
  mkdirOrFail(dir);
  // Directories known to exist: each is created once, when its first file needs it.
  const made = new Set<string>([dir]);
  let files = 0;
  let bytes = 0;
  for (const zf of reader.entries) {
    const name = Buffer.from(zf.nameBytes.subarray(prefixBytes)).toString('utf8');
    if (name === '' || name.endsWith('/')) continue;
    const dst = path.join(dir, name);
    const parent = path.dirname(dst);
    if (!made.has(parent)) {
      mkdirOrFail(parent);
      for (let d = parent; d.length > dir.length && !made.has(d); d = path.dirname(d)) made.add(d);
    }
    if (zf.compressedSize <= SMALL_FILE && zf.uncompressedSize <= SMALL_FILE) {
      bytes += writeSmall(reader, zf, dst);
      if (++files % YIELD_FILES === 0 || bytes >= YIELD_BYTES) {
        bytes = 0;
        await new Promise((resolve) => setImmediate(resolve));
      }
    } else {
      await writeStreamed(reader, zf, dst);
    }
  }
}

/** mkdirOrFail creates d (and missing parents), failing with ERR_ZIP_IO in Go's wording. */
function mkdirOrFail(d: string): void {
  try {
    mkdirSync(d, { recursive: true });
  } catch (e) {
    throw ioError('ERR_ZIP_IO', e);
  }
}

/**
 * writeSmall creates dst and writes the small entry zf into it, synchronously; it
 * returns the bytes written. The file is created before the content is read, as the
 * streamed path does, so that a creation failure is reported first.
 */
function writeSmall(reader: ZipReader, zf: ZipEntry, dst: string): number {
  let fd: number;
  try {
    fd = openSync(dst, CREATE_FLAGS, 0o444);
  } catch (e) {
    throw ioError('ERR_ZIP_IO', e);
  }
  let data: Buffer;
  try {
    // readAllSync verifies size and CRC-32; it answers for every entry within SMALL_FILE.
    data = reader.readAllSync(zf, SMALL_FILE)!;
    for (let off = 0; off < data.length;) off += writeSync(fd, data, off, data.length - off);
  } catch (e) {
    closeQuietly(fd);
    throw ioError('ERR_ZIP_IO', e);
  }
  try {
    closeSync(fd);
  } catch (e) {
    throw ioError('ERR_ZIP_IO', e);
  }
  return data.length;
}

/** closeQuietly closes fd after a failure that is the one to report. */
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // The earlier failure is what matters.
  }
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
