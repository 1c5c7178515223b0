/**
 * The zip container, as Go's archive/zip presents it to golang.org/x/mod: a list of
 * entries (raw byte names, declared sizes, CRC-32) read from the central directory,
 * and verified streaming access to each entry's content. The container format itself
 * is yauzl's (reading) and yazl's (writing) business; this file adds Go's semantics:
 *
 *  - Names are byte strings. Go never decodes CP437 and never rejects a name while
 *    reading, so entries keep their raw bytes; `name` is the UTF-8 reading of them and
 *    `validUtf8` says whether that reading is exact.
 *  - Reading an entry checks what Go's checksumReader checks: more bytes than the
 *    declared uncompressed size is "zip: not a valid zip file", fewer is "unexpected
 *    EOF", a CRC-32 mismatch is "zip: checksum error"; methods other than store and
 *    deflate are "zip: unsupported compression algorithm".
 *  - Memory never grows with the size of the zip or of an entry: the central directory
 *    is read entry by entry and content is streamed in bounded chunks (small entries,
 *    at most a few MiB, may be held whole: readAllSync, sha256).
 *  - Module zips are small and local: the file is opened and stat'ed with synchronous
 *    calls, a small zip's directory and every entry's local header are read
 *    synchronously (a thread-pool round trip costs more than such a read), and small
 *    entries can be read and inflated in one synchronous step. Big zips' directories
 *    and big entries are read asynchronously and streamed. Results and errors do not
 *    depend on the path taken.
 *
 * The file-system error wording ("open x.zip: no such file or directory") is
 * internal/io-error's, re-exported here for zip's and dirhash's callers.
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, read as fsRead, readSync } from 'node:fs';
import { once } from 'node:events';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import { CodedError } from '../internal/errors.js';
import { errorText, ioError, isErrno } from '../internal/io-error.js';

/** ZipEntry is one central-directory record of a zip file. */
export interface ZipEntry {
  /** Position in the central directory (Go's z.File order). */
  readonly index: number;
  /** The name read as UTF-8 (invalid bytes become U+FFFD; see validUtf8). */
  readonly name: string;
  /** The name's bytes exactly as stored. */
  readonly nameBytes: Uint8Array;
  /** Whether nameBytes is valid UTF-8, i.e. name is exactly Go's string. */
  readonly validUtf8: boolean;
  /** Declared uncompressed size (zip64-aware). */
  readonly uncompressedSize: number;
  readonly compressedSize: number;
  readonly crc32: number;
  /** Compression method: 0 store, 8 deflate. */
  readonly method: number;
  readonly flags: number;
}

/** ZipReader gives verified, streaming access to the entries of one zip file. */
export interface ZipReader {
  readonly path: string;
  /** Size of the zip file in bytes. */
  readonly size: number;
  readonly entries: readonly ZipEntry[];
  /**
   * open returns a stream of the entry's uncompressed content. The stream fails with
   * a CodedError (ERR_ZIP_FORMAT, ERR_ZIP_CHECKSUM, ERR_ZIP_SHORT_ENTRY,
   * ERR_ZIP_ALGORITHM or ERR_ZIP_IO) when the content does not match the directory.
   */
  open(entry: ZipEntry): Readable;
  /**
   * read pushes the entry's uncompressed content to onChunk, chunk by chunk, with the
   * same checks as open, and resolves when all of it passed (or rejects with the same
   * errors). A chunk is valid only during the call; when onChunk returns a promise,
   * reading waits for it. This is the fast path for hashing: no stream objects.
   */
  read(entry: ZipEntry, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void>;
  /**
   * readAllSync returns the entry's whole content, read, inflated and verified in one
   * synchronous step, when its declared and stored sizes are both at most maxBytes
   * (capped at SMALL_ENTRY, 4 MiB); for a larger entry it returns undefined (stream it
   * with open or read). It throws what read rejects with: ERR_ZIP_ALGORITHM for a
   * method other than store and deflate (whatever the size), ERR_ZIP_FORMAT,
   * ERR_ZIP_CHECKSUM, ERR_ZIP_SHORT_ENTRY or ERR_ZIP_IO.
   */
  readAllSync(entry: ZipEntry, maxBytes: number): Buffer | undefined;
  /**
   * sha256 returns the lower-case hex SHA-256 of the entry's content, with the same
   * checks and errors as read. Small entries are read and inflated synchronously in
   * one piece (cheapest for hashing, and what the hashing workers want); large ones
   * are streamed.
   */
  sha256(entry: ZipEntry): Promise<string>;
  /** close releases the file; the reader must not be used afterwards. Calling it twice is harmless. */
  close(): Promise<void>;
}

/** Go's archive/zip error texts. */
export const ERR_FORMAT_TEXT = 'zip: not a valid zip file';
const ERR_CHECKSUM_TEXT = 'zip: checksum error';
const ERR_ALGORITHM_TEXT = 'zip: unsupported compression algorithm';

/** Read size for entry content: large enough that per-read overhead does not matter. */
const CHUNK = 1 << 20;

/** Zips up to this size have their central directory read synchronously by default. */
const SYNC_DIRECTORY_MAX = 16 << 20;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const lossyUtf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** decodeGoString reads bytes as Go would print them as a string: UTF-8, invalid bytes as U+FFFD. */
export function decodeGoString(bytes: Uint8Array): { text: string; valid: boolean } {
  try {
    return { text: fatalUtf8.decode(bytes), valid: true };
  } catch {
    return { text: lossyUtf8.decode(bytes), valid: false };
  }
}

/** closeQuietly closes a descriptor, ignoring errors (the descriptor is gone either way). */
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing useful to report: the reader is being abandoned.
  }
}

/** readAt is a positioned read through the thread pool (fs.read), as a promise of the bytes read. */
function readAt(fd: number, buffer: Buffer, offset: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    fsRead(fd, buffer, offset, length, position, (e, n) => (e ? reject(e) : resolve(n)));
  });
}

/**
 * openZipReader opens the zip file at path and reads its central directory. The file
 * is opened and stat'ed synchronously; the directory is read synchronously for a zip
 * of at most 16 MiB or when options.syncReads is true (for a thread that does nothing
 * else, such as a hashing worker), else asynchronously. It rejects with ERR_ZIP_IO
 * (file system error, Go wording), ERR_ZIP_TOO_LARGE when the file is over
 * options.sizeLimit bytes (checked before anything is parsed, with x/mod's "module zip
 * file is too large" text) or ERR_ZIP_FORMAT ("zip: not a valid zip file", with
 * yauzl's diagnosis in fields.detail).
 */
export async function openZipReader(
  path: string,
  options: { sizeLimit?: number; syncReads?: boolean } = {},
): Promise<ZipReader> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw ioError('ERR_ZIP_IO', e, { file: path });
  }
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (e) {
    closeQuietly(fd);
    throw ioError('ERR_ZIP_IO', e, { file: path });
  }
  if (options.sizeLimit !== undefined && size > options.sizeLimit) {
    closeQuietly(fd);
    throw new CodedError(
      'ERR_ZIP_TOO_LARGE',
      `module zip file is too large (${size} bytes; limit is ${options.sizeLimit} bytes)`,
      { file: path, size, limit: options.sizeLimit },
    );
  }
  const entries: ZipEntry[] = [];
  /** Where each entry's local header starts, by index. */
  const offsets: number[] = [];
  let zf: yauzl.ZipFile;
  try {
    zf = await yauzl.fromRandomAccessReaderPromise(
      new FdReader(fd, options.syncReads ?? size <= SYNC_DIRECTORY_MAX),
      size,
      {
        autoClose: false,
        lazyEntries: true,
        decodeStrings: false,
        validateEntrySizes: false,
      },
    );
    for await (const e of zf.eachEntry()) {
      const nameBytes = e.fileNameRaw;
      const { text, valid } = decodeGoString(nameBytes);
      offsets.push(e.relativeOffsetOfLocalHeader);
      entries.push({
        index: entries.length,
        name: text,
        nameBytes,
        validUtf8: valid,
        uncompressedSize: e.uncompressedSize,
        compressedSize: e.compressedSize,
        crc32: e.crc32,
        method: e.compressionMethod,
        flags: e.generalPurposeBitFlag,
      });
    }
  } catch (e) {
    closeQuietly(fd);
    if (isErrno(e)) throw ioError('ERR_ZIP_IO', e, { file: path });
    throw new CodedError('ERR_ZIP_FORMAT', ERR_FORMAT_TEXT, { file: path, detail: errorText(e) }, { cause: e });
  }
  const zipFile = zf;
  const at = (entry: ZipEntry): Located => ({ fd, path, size, offset: offsets[entry.index]!, entry });
  let closed = false;
  return {
    path,
    size,
    entries,
    open(entry) {
      const out = new PassThrough({ highWaterMark: CHUNK });
      readEntry(at(entry), (chunk) => {
        if (!out.write(chunk)) return once(out, 'drain').then(() => undefined);
        return undefined;
      }).then(
        () => out.end(),
        (e: unknown) => out.destroy(e as Error),
      );
      return out;
    },
    read(entry, onChunk) {
      return readEntry(at(entry), onChunk);
    },
    readAllSync(entry, maxBytes) {
      checkMethod(path, entry);
      const max = Math.min(maxBytes, SMALL_ENTRY);
      if (entry.compressedSize > max || entry.uncompressedSize > max) return undefined;
      const loc = at(entry);
      return readSmallSync(loc, dataStartSync(loc));
    },
    async sha256(entry) {
      if (isSmall(entry) && (entry.method === 0 || entry.method === 8)) {
        const loc = at(entry);
        const content = readSmallSync(loc, dataStartSync(loc));
        return createHash('sha256').update(content).digest('hex');
      }
      const h = createHash('sha256');
      await readEntry(at(entry), (chunk) => {
        h.update(chunk);
      });
      return h.digest('hex');
    },
    async close() {
      if (closed) return;
      closed = true;
      zipFile.close();
      closeQuietly(fd);
    },
  };
}

/** Located is one entry of an open zip: where to read it and what the directory says. */
interface Located {
  readonly fd: number;
  readonly path: string;
  /** The zip file's size. */
  readonly size: number;
  /** Where the entry's local header starts. */
  readonly offset: number;
  readonly entry: ZipEntry;
}

/**
 * FdReader lets yauzl read through our descriptor. yauzl's own fd reader closes the
 * descriptor when the zip is closed, behind its owner's back; this one leaves closing
 * to the owner, and serves yauzl's many small sequential central-directory reads from
 * a read-ahead block, so a zip with thousands of entries opens in a few reads. With
 * sync, reads are synchronous (a small zip, or a thread that does nothing else).
 */
class FdReader extends yauzl.RandomAccessReader {
  private block = Buffer.alloc(0);
  private blockStart = 0;
  /** Where the previous request ended: a request starting there is sequential. */
  private lastEnd = -1;
  constructor(
    private readonly fd: number,
    private readonly sync: boolean,
  ) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return new RangeReader(this.fd, start, end);
  }
  override read(
    buffer: Buffer,
    offset: number,
    length: number,
    position: number,
    callback: (err: Error | null, bytesRead?: number) => void,
  ): void {
    const from = position - this.blockStart;
    const sequential = position === this.lastEnd;
    this.lastEnd = position + length;
    if (from >= 0 && from + length <= this.block.length) {
      this.block.copy(buffer, offset, from, from + length);
      process.nextTick(callback, null, length);
      return;
    }
    // Read ahead only for sequential requests (the central directory); scattered
    // reads get exactly what they ask for.
    const want = sequential ? Math.max(length, DIRECTORY_BLOCK) : length;
    const block = Buffer.alloc(want);
    const take = (bytesRead: number): number => {
      this.block = block.subarray(0, bytesRead);
      this.blockStart = position;
      const n = Math.min(length, bytesRead);
      this.block.copy(buffer, offset, 0, n);
      return n;
    };
    if (this.sync) {
      let bytesRead: number;
      try {
        bytesRead = readSync(this.fd, block, 0, want, position);
      } catch (e) {
        process.nextTick(callback, e as Error);
        return;
      }
      process.nextTick(callback, null, take(bytesRead));
      return;
    }
    fsRead(this.fd, block, 0, want, position, (e, bytesRead) => {
      if (e) callback(e);
      else callback(null, take(bytesRead));
    });
  }
  override close(callback: (err: Error | null) => void): void {
    callback(null);
  }
}

/**
 * RangeReader streams the bytes [start, end) of an open file in CHUNK-sized reads. It
 * never closes the descriptor (its owner does) and is destroyed when it ends, so
 * nothing lingers per entry.
 */
class RangeReader extends Readable {
  private pos: number;
  constructor(
    private readonly fd: number,
    start: number,
    private readonly end: number,
  ) {
    super({ highWaterMark: CHUNK });
    this.pos = start;
  }
  override _read(): void {
    const n = Math.min(CHUNK, this.end - this.pos);
    if (n <= 0) {
      this.push(null);
      return;
    }
    const buffer = Buffer.allocUnsafe(n);
    fsRead(this.fd, buffer, 0, n, this.pos, (e, bytesRead) => {
      if (e) {
        this.destroy(e);
        return;
      }
      if (bytesRead === 0) {
        // The file is shorter than the central directory says.
        this.destroy(new CodedError('ERR_ZIP_SHORT_ENTRY', 'unexpected EOF'));
        return;
      }
      this.pos += bytesRead;
      this.push(buffer.subarray(0, bytesRead));
    });
  }
}

/** Block size for central-directory reads. */
const DIRECTORY_BLOCK = 64 * 1024;

/** checkMethod throws ERR_ZIP_ALGORITHM unless the entry is stored or deflated. */
function checkMethod(path: string, entry: ZipEntry): void {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new CodedError('ERR_ZIP_ALGORITHM', ERR_ALGORITHM_TEXT, { file: path, entry: entry.name });
  }
}

/**
 * readEntry pumps one entry's content to onChunk: compressed bytes are read in CHUNK
 * pieces and, for deflate, inflated by zlib (off the main thread); every output chunk
 * is counted and CRC-32'd before onChunk sees it, and the totals are checked at the
 * end as Go's checksumReader does.
 */
async function readEntry(loc: Located, onChunk: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  const { fd, path, entry } = loc;
  checkMethod(path, entry);
  const start = dataStartSync(loc);
  const v = createVerifier(path, entry);
  const check = (chunk: Buffer) => {
    v.add(chunk);
    return onChunk(chunk);
  };
  try {
    if (isSmall(entry)) {
      await readSmall(fd, path, start, entry, check);
    } else if (entry.method === 0) {
      await pumpStored(fd, start, entry.compressedSize, check);
    } else {
      await pumpDeflated(fd, start, entry.compressedSize, check);
    }
  } catch (e) {
    throw translateStreamError(e, path, entry);
  }
  v.finish();
}

/** LOCAL_HEADER is the size of a local file header's fixed part. */
const LOCAL_HEADER = 30;

/**
 * dataStartSync reads the entry's local header (one small synchronous read) and returns
 * where its stored bytes begin. A header that is cut off, has the wrong signature or
 * puts the data past the end of the file is ERR_ZIP_FORMAT, with yauzl's wording of
 * the problem in fields.detail; so is a failing read.
 */
function dataStartSync(loc: Located): number {
  const { fd, path, size, offset, entry } = loc;
  const fail = (detail: string) =>
    new CodedError('ERR_ZIP_FORMAT', ERR_FORMAT_TEXT, { file: path, entry: entry.name, detail });
  const header = Buffer.allocUnsafe(LOCAL_HEADER);
  let n: number;
  try {
    n = readSync(fd, header, 0, LOCAL_HEADER, offset);
  } catch (e) {
    throw fail(errorText(e));
  }
  if (n < LOCAL_HEADER) throw fail('unexpected EOF');
  const signature = header.readUInt32LE(0);
  if (signature !== 0x04034b50) throw fail(`invalid local file header signature: 0x${signature.toString(16)}`);
  const start = offset + LOCAL_HEADER + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (start + entry.compressedSize > size) {
    throw fail(`file data overflows file bounds: ${start} + ${entry.compressedSize} > ${size}`);
  }
  return start;
}

/**
 * createVerifier checks an entry's content as Go's checksumReader does: add throws
 * "zip: not a valid zip file" as soon as there is more than the declared size;
 * finish throws "unexpected EOF" when there is less, "zip: checksum error" when the
 * CRC-32 differs (compared when one was recorded or a data descriptor follows).
 */
function createVerifier(path: string, entry: ZipEntry): { add(chunk: Buffer): void; finish(): void } {
  let n = 0;
  let crc = 0;
  return {
    add(chunk) {
      n += chunk.length;
      if (n > entry.uncompressedSize) throw tooLarge(path, entry);
      crc = zlib.crc32(chunk, crc);
    },
    finish() {
      if (n !== entry.uncompressedSize) throw shortEntry(path, entry);
      const hasDescriptor = (entry.flags & 0x8) !== 0;
      if ((entry.crc32 !== 0 || hasDescriptor) && crc >>> 0 !== entry.crc32 >>> 0) {
        throw new CodedError('ERR_ZIP_CHECKSUM', ERR_CHECKSUM_TEXT, { file: path, entry: entry.name });
      }
    },
  };
}

function tooLarge(path: string, entry: ZipEntry): CodedError {
  return new CodedError('ERR_ZIP_FORMAT', ERR_FORMAT_TEXT, {
    file: path,
    entry: entry.name,
    detail: 'entry larger than its declared size',
  });
}

/**
 * SMALL_ENTRY: entries whose declared and stored sizes are both at most this many
 * bytes (nearly every file of a module) are read in one piece and inflated in one
 * zlib call on the thread pool; larger ones are streamed.
 */
const SMALL_ENTRY = 4 << 20;

const isSmall = (entry: ZipEntry) => entry.compressedSize <= SMALL_ENTRY && entry.uncompressedSize <= SMALL_ENTRY;

/**
 * readSmallSync reads, inflates and verifies a small entry synchronously and returns
 * its content: no thread-pool round trips, which makes it the cheapest way to hash
 * many small files (the hashing workers use it; it blocks only its own thread).
 */
function readSmallSync(loc: Located, start: number): Buffer {
  const { fd, path, entry } = loc;
  try {
    const size = entry.compressedSize;
    const buf = Buffer.allocUnsafe(size);
    for (let got = 0; got < size;) {
      const n = readSync(fd, buf, got, size - got, start + got);
      if (n === 0) throw shortEntry(path, entry);
      got += n;
    }
    let content = buf;
    if (entry.method === 8) {
      const cap = entry.uncompressedSize + 1;
      try {
        content = zlib.inflateRawSync(buf, { maxOutputLength: cap, chunkSize: Math.max(64, cap) });
      } catch (e) {
        // maxOutputLength exceeded: Node throws a RangeError (zlib's own errors are plain Errors).
        if (e instanceof RangeError) throw tooLarge(path, entry);
        throw e;
      }
    }
    const v = createVerifier(path, entry);
    v.add(content);
    v.finish();
    return content;
  } catch (e) {
    throw translateStreamError(e, path, entry);
  }
}

/**
 * readSmall reads a small entry whole and inflates it in one call, with the output
 * capped just above the declared size (so a lying size cannot blow memory up).
 */
async function readSmall(
  fd: number,
  path: string,
  start: number,
  entry: ZipEntry,
  sink: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  const size = entry.compressedSize;
  const buf = Buffer.allocUnsafe(size);
  let got = 0;
  while (got < size) {
    const bytesRead = await readAt(fd, buf, got, size - got, start + got);
    if (bytesRead === 0) throw new CodedError('ERR_ZIP_SHORT_ENTRY', 'unexpected EOF');
    got += bytesRead;
  }
  if (entry.method === 0) {
    await sink(buf);
    return;
  }
  let out: Buffer;
  try {
    // One output buffer of the declared size (+1 to notice more): no growing and joining.
    const cap = entry.uncompressedSize + 1;
    out = await inflateRaw(buf, { maxOutputLength: cap, chunkSize: Math.max(64, cap) });
  } catch (e) {
    if (e instanceof RangeError) throw tooLarge(path, entry);
    throw e;
  }
  if (out.length > 0) await sink(out);
}

/** inflateRaw is zlib.inflateRaw as a promise (one call on the thread pool). */
function inflateRaw(buf: Buffer, options: zlib.ZlibOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    zlib.inflateRaw(buf, options, (e, out) => (e ? reject(e) : resolve(out)));
  });
}

/** pumpStored passes the bytes [start, start+size) of the file to sink. */
async function pumpStored(
  fd: number,
  start: number,
  size: number,
  sink: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  for (let pos = start, end = start + size; pos < end;) {
    const len = Math.min(CHUNK, end - pos);
    const buffer = Buffer.allocUnsafe(len);
    const bytesRead = await readAt(fd, buffer, 0, len, pos);
    if (bytesRead === 0) throw new CodedError('ERR_ZIP_SHORT_ENTRY', 'unexpected EOF');
    pos += bytesRead;
    await sink(buffer.subarray(0, bytesRead));
  }
}

/**
 * pumpDeflated inflates the deflate data at [start, start+size) into sink. Reading
 * stops while zlib's input is full (drain) and zlib pauses while an asynchronous sink
 * is busy, so at most a few chunks are in memory whatever the entry's size.
 */
async function pumpDeflated(
  fd: number,
  start: number,
  size: number,
  sink: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  const inflate = zlib.createInflateRaw({ chunkSize: CHUNK });
  let failure: unknown;
  const done = new Promise<void>((resolve, reject) => {
    inflate.on('data', (chunk: Buffer) => {
      if (failure !== undefined) return;
      try {
        const wait = sink(chunk);
        if (wait) {
          inflate.pause();
          wait.then(
            () => inflate.resume(),
            (e: unknown) => {
              failure ??= e;
              inflate.destroy();
              reject(e);
            },
          );
        }
      } catch (e) {
        failure ??= e;
        inflate.destroy();
        reject(e);
      }
    });
    inflate.on('end', () => resolve());
    inflate.on('error', (e) => {
      failure ??= e;
      reject(failure);
    });
    inflate.on('close', () => {
      if (failure !== undefined) reject(failure);
    });
  });
  done.catch(() => {});
  try {
    for (let pos = start, end = start + size; pos < end && failure === undefined;) {
      const len = Math.min(CHUNK, end - pos);
      const buffer = Buffer.allocUnsafe(len);
      const bytesRead = await readAt(fd, buffer, 0, len, pos);
      if (bytesRead === 0) throw new CodedError('ERR_ZIP_SHORT_ENTRY', 'unexpected EOF');
      pos += bytesRead;
      if (!inflate.write(buffer.subarray(0, bytesRead))) {
        await Promise.race([once(inflate, 'drain'), done]);
      }
    }
  } catch (e) {
    failure ??= e;
    inflate.destroy();
    throw e;
  }
  inflate.end();
  await done;
}

/** translateStreamError maps an inflate or read failure to Go's wording. */
function translateStreamError(e: unknown, path: string, entry: ZipEntry): Error {
  if (e instanceof CodedError) return e;
  if (isErrno(e) && (e as NodeJS.ErrnoException).syscall !== undefined) return ioError('ERR_ZIP_IO', e, { file: path });
  // A deflate stream that stops early is Go's io.ErrUnexpectedEOF, as is a truncated read.
  if ((e as { code?: string }).code === 'Z_BUF_ERROR') return shortEntry(path, entry);
  // zlib errors (corrupt deflate data): Go reports flate's CorruptInputError ("flate:
  // corrupt input before offset N"); zlib does not say where, so the detail is zlib's.
  return new CodedError(
    'ERR_ZIP_FORMAT',
    `flate: corrupt input in ${entry.name}: ${errorText(e)}`,
    { file: path, entry: entry.name },
    { cause: e },
  );
}

function shortEntry(path: string, entry: ZipEntry): CodedError {
  return new CodedError('ERR_ZIP_SHORT_ENTRY', 'unexpected EOF', { file: path, entry: entry.name });
}

/** ZipWriterEntry is one file to add to a zip being written. */
export interface ZipWriterEntry {
  /** The entry name, used verbatim (module zips: "path@version/rel"). */
  readonly name: string;
  /** Content: bytes, or a function opening a stream (called when the entry is written). */
  readonly data: Uint8Array | (() => Readable | Promise<Readable>);
  /** Store instead of deflate (default false: module zips are deflated, as Go writes them). */
  readonly store?: boolean;
}

/** FIXED_MTIME gives written zips reproducible bytes (1980-01-01, the first DOS date). */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);

/**
 * writeZip writes entries, deflated, in order, to out and resolves when out has
 * finished. Streams are opened one at a time, so memory does not grow with the
 * content. It rejects with the first error of a content stream, of yazl (for example
 * a name yazl refuses: empty, absolute, or with a ".." element) or of out.
 */
export async function writeZip(out: Writable, entries: Iterable<ZipWriterEntry>): Promise<void> {
  // yazl is loaded on first use: commands that only read zips never pay for it.
  const { default: yazl } = await import('yazl');
  const zip = new yazl.ZipFile();
  let failure: unknown;
  const fail = (e: unknown) => {
    failure ??= e;
    (zip.outputStream as Readable).destroy(e instanceof Error ? e : new Error(String(e)));
  };
  zip.on('error', fail);
  const done = pipeline(zip.outputStream, out);
  try {
    for (const e of entries) {
      const options = { mtime: FIXED_MTIME, mode: 0o100644, forceDosTimestamp: true, compress: !e.store };
      const data = e.data;
      if (e.name.endsWith('/')) {
        // A directory entry (names ending in "/" carry no content in Go either).
        zip.addEmptyDirectory(e.name, { mtime: FIXED_MTIME, mode: 0o40755, forceDosTimestamp: true });
        continue;
      }
      if (data instanceof Uint8Array) {
        zip.addBuffer(Buffer.from(data.buffer, data.byteOffset, data.byteLength), e.name, options);
        continue;
      }
      zip.addReadStreamLazy(e.name, options, (cb) => {
        Promise.resolve()
          .then(data)
          .then(
            (stream) => {
              stream.on('error', fail);
              cb(null, stream);
            },
            (err: unknown) => {
              fail(err);
              cb(err instanceof Error ? err : new Error(String(err)), undefined as unknown as Readable);
            },
          );
      });
    }
    zip.end();
  } catch (e) {
    fail(e);
  }
  try {
    await done;
  } catch (e) {
    throw failure ?? e;
  }
  if (failure !== undefined) throw failure;
}

export { errorText, goPathError, ioError, isErrno } from '../internal/io-error.js';
