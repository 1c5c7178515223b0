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
 *    is read entry by entry and content is streamed in bounded chunks.
 *
 * It also turns Node's file-system errors into the go command's wording
 * ("open x.zip: no such file or directory"), which both zip and dirhash report.
 */
import { createHash } from 'node:crypto';
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { PassThrough, Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import yauzl from 'yauzl';
import yazl from 'yazl';
import { CodedError } from '../internal/errors.js';

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
   * sha256 returns the lower-case hex SHA-256 of the entry's content, with the same
   * checks and errors as read. Small entries are read and inflated synchronously in
   * one piece (cheapest for hashing, and what the hashing workers want); large ones
   * are streamed.
   */
  sha256(entry: ZipEntry): Promise<string>;
  close(): Promise<void>;
}

/** Go's archive/zip error texts. */
export const ERR_FORMAT_TEXT = 'zip: not a valid zip file';
const ERR_CHECKSUM_TEXT = 'zip: checksum error';
const ERR_ALGORITHM_TEXT = 'zip: unsupported compression algorithm';

/** Read size for entry content: large enough that per-read overhead does not matter. */
const CHUNK = 1 << 20;

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

/**
 * openZipReader opens the zip file at path and reads its central directory. With
 * options.syncReads the directory and local headers are read synchronously (for a
 * thread that does nothing else, such as a hashing worker). It
 * rejects with ERR_ZIP_IO (file system error, Go wording), ERR_ZIP_TOO_LARGE when the
 * file is over options.sizeLimit bytes (checked before anything is parsed, with
 * x/mod's "module zip file is too large" text) or ERR_ZIP_FORMAT ("zip: not a valid
 * zip file", with yauzl's diagnosis in fields.detail).
 */
export async function openZipReader(
  path: string,
  options: { sizeLimit?: number; syncReads?: boolean } = {},
): Promise<ZipReader> {
  let fh: FileHandle;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    throw ioError('ERR_ZIP_IO', e, { file: path });
  }
  let size: number;
  let zf: yauzl.ZipFile;
  const entries: ZipEntry[] = [];
  const raw: yauzl.Entry[] = [];
  try {
    size = (await fh.stat()).size;
  } catch (e) {
    await fh.close().catch(() => {});
    throw ioError('ERR_ZIP_IO', e, { file: path });
  }
  if (options.sizeLimit !== undefined && size > options.sizeLimit) {
    await fh.close().catch(() => {});
    throw new CodedError(
      'ERR_ZIP_TOO_LARGE',
      `module zip file is too large (${size} bytes; limit is ${options.sizeLimit} bytes)`,
      { file: path, size, limit: options.sizeLimit },
    );
  }
  try {
    zf = await yauzl.fromRandomAccessReaderPromise(new HandleReader(fh, options.syncReads === true), size, {
      autoClose: false,
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: false,
    });
    for await (const e of zf.eachEntry()) {
      const nameBytes = e.fileNameRaw;
      const { text, valid } = decodeGoString(nameBytes);
      raw.push(e);
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
    await fh.close().catch(() => {});
    if (isErrno(e)) throw ioError('ERR_ZIP_IO', e, { file: path });
    throw new CodedError('ERR_ZIP_FORMAT', ERR_FORMAT_TEXT, { file: path, detail: errorText(e) }, { cause: e });
  }
  const zipFile = zf;
  return {
    path,
    size,
    entries,
    open(entry) {
      const out = new PassThrough({ highWaterMark: CHUNK });
      readEntry(zipFile, fh, path, raw[entry.index]!, entry, (chunk) => {
        if (!out.write(chunk)) return once(out, 'drain').then(() => undefined);
        return undefined;
      }).then(
        () => out.end(),
        (e: unknown) => out.destroy(e as Error),
      );
      return out;
    },
    read(entry, onChunk) {
      return readEntry(zipFile, fh, path, raw[entry.index]!, entry, onChunk);
    },
    async sha256(entry) {
      if (isSmall(entry) && (entry.method === 0 || entry.method === 8)) {
        const start = await dataStart(zipFile, path, raw[entry.index]!, entry);
        const content = readSmallSync(fh.fd, path, start, entry);
        return createHash('sha256').update(content).digest('hex');
      }
      const h = createHash('sha256');
      await readEntry(zipFile, fh, path, raw[entry.index]!, entry, (chunk) => {
        h.update(chunk);
      });
      return h.digest('hex');
    },
    async close() {
      zipFile.close();
      await fh.close().catch(() => {});
    },
  };
}

/**
 * HandleReader lets yauzl read through our FileHandle. yauzl's own fd reader closes
 * the descriptor when the zip is closed, behind the FileHandle's back; this one
 * leaves closing to the owner, and serves yauzl's many small sequential
 * central-directory reads from a read-ahead block, so a zip with thousands of entries
 * opens in a few reads.
 */
class HandleReader extends yauzl.RandomAccessReader {
  private block = Buffer.alloc(0);
  private blockStart = 0;
  /** Where the previous request ended: a request starting there is sequential. */
  private lastEnd = -1;
  constructor(
    private readonly fh: FileHandle,
    private readonly sync: boolean,
  ) {
    super();
  }
  override _readStreamForRange(start: number, end: number): Readable {
    return new RangeReader(this.fh, start, end);
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
    // Read ahead only for sequential requests (the central directory); the scattered
    // local-header reads of the entries get exactly what they ask for.
    const want = sequential ? Math.max(length, DIRECTORY_BLOCK) : length;
    const block = Buffer.alloc(want);
    if (this.sync) {
      // A dedicated thread (a hashing worker): a small synchronous read beats a
      // thread-pool round trip per local header.
      let bytesRead: number;
      try {
        bytesRead = readSync(this.fh.fd, block, 0, want, position);
      } catch (e) {
        process.nextTick(callback, e as Error);
        return;
      }
      this.block = block.subarray(0, bytesRead);
      this.blockStart = position;
      const n = Math.min(length, bytesRead);
      this.block.copy(buffer, offset, 0, n);
      process.nextTick(callback, null, n);
      return;
    }
    this.fh.read(block, 0, want, position).then(
      ({ bytesRead }) => {
        this.block = block.subarray(0, bytesRead);
        this.blockStart = position;
        const n = Math.min(length, bytesRead);
        this.block.copy(buffer, offset, 0, n);
        callback(null, n);
      },
      (e: unknown) => callback(e as Error),
    );
  }
  override close(callback: (err: Error | null) => void): void {
    callback(null);
  }
}

/**
 * RangeReader streams the bytes [start, end) of an open file in CHUNK-sized reads. It
 * never closes the FileHandle (its owner does) and, unlike a FileHandle read stream
 * with autoClose off, it is destroyed when it ends, so nothing lingers per entry.
 */
class RangeReader extends Readable {
  private pos: number;
  constructor(
    private readonly fh: FileHandle,
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
    this.fh.read(Buffer.allocUnsafe(n), 0, n, this.pos).then(
      ({ bytesRead, buffer }) => {
        if (bytesRead === 0) {
          // The file is shorter than the central directory says.
          this.destroy(new CodedError('ERR_ZIP_SHORT_ENTRY', 'unexpected EOF'));
          return;
        }
        this.pos += bytesRead;
        this.push(buffer.subarray(0, bytesRead));
      },
      (e: unknown) => this.destroy(e as Error),
    );
  }
}

/** Block size for central-directory reads. */
const DIRECTORY_BLOCK = 64 * 1024;

/**
 * readEntry pumps one entry's content to onChunk: compressed bytes are read in CHUNK
 * pieces and, for deflate, inflated by zlib (off the main thread); every output chunk
 * is counted and CRC-32'd before onChunk sees it, and the totals are checked at the
 * end as Go's checksumReader does.
 */
async function readEntry(
  zf: yauzl.ZipFile,
  fh: FileHandle,
  path: string,
  raw: yauzl.Entry,
  entry: ZipEntry,
  onChunk: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new CodedError('ERR_ZIP_ALGORITHM', ERR_ALGORITHM_TEXT, { file: path, entry: entry.name });
  }
  const start = await dataStart(zf, path, raw, entry);
  const v = createVerifier(path, entry);
  const check = (chunk: Buffer) => {
    v.add(chunk);
    return onChunk(chunk);
  };
  try {
    if (isSmall(entry)) {
      await readSmall(fh, path, start, entry, check);
    } else if (entry.method === 0) {
      await pumpStored(fh, start, entry.compressedSize, check);
    } else {
      await pumpDeflated(fh, start, entry.compressedSize, check);
    }
  } catch (e) {
    throw translateStreamError(e, path, entry);
  }
  v.finish();
}

/** dataStart returns where the entry's stored bytes begin (after its local header). */
async function dataStart(zf: yauzl.ZipFile, path: string, raw: yauzl.Entry, entry: ZipEntry): Promise<number> {
  try {
    return (await zf.readLocalFileHeaderPromise(raw, { minimal: true })).fileDataStart;
  } catch (e) {
    throw new CodedError('ERR_ZIP_FORMAT', ERR_FORMAT_TEXT, { file: path, entry: entry.name, detail: errorText(e) });
  }
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
function readSmallSync(fd: number, path: string, start: number, entry: ZipEntry): Buffer {
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
  fh: FileHandle,
  path: string,
  start: number,
  entry: ZipEntry,
  sink: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  const size = entry.compressedSize;
  const buf = Buffer.allocUnsafe(size);
  let got = 0;
  while (got < size) {
    const { bytesRead } = await fh.read(buf, got, size - got, start + got);
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

const inflateRaw = promisify(zlib.inflateRaw) as (buf: Buffer, options: zlib.ZlibOptions) => Promise<Buffer>;

/** pumpStored passes the bytes [start, start+size) of the file to sink. */
async function pumpStored(
  fh: FileHandle,
  start: number,
  size: number,
  sink: (chunk: Buffer) => void | Promise<void>,
): Promise<void> {
  for (let pos = start, end = start + size; pos < end;) {
    const len = Math.min(CHUNK, end - pos);
    const { bytesRead, buffer } = await fh.read(Buffer.allocUnsafe(len), 0, len, pos);
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
  fh: FileHandle,
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
      const { bytesRead, buffer } = await fh.read(Buffer.allocUnsafe(len), 0, len, pos);
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

/** Go's texts for the errno values file operations report (syscall.Errno.Error). */
const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'file name too long',
  EMFILE: 'too many open files',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EIO: 'input/output error',
  EXDEV: 'invalid cross-device link',
};

/** isErrno reports whether e is a Node system error carrying an errno code. */
export function isErrno(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'errno' in e;
}

/**
 * goPathError formats a Node file-system error as Go's *fs.PathError does:
 * "op path: text" (e.g. "open /x/go.mod: no such file or directory"). Other errors
 * yield their message.
 */
export function goPathError(e: unknown): string {
  if (!isErrno(e)) return errorText(e);
  const code = e.code ?? '';
  const text = ERRNO_TEXT[code] ?? e.message.replace(/^[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  const op = e.syscall === 'scandir' ? 'open' : (e.syscall ?? 'open');
  return e.path !== undefined ? `${op} ${e.path}: ${text}` : text;
}

/** ioError wraps a file-system error in a CodedError with Go's wording. */
export function ioError(code: string, e: unknown, fields: Record<string, unknown> = {}): CodedError {
  if (e instanceof CodedError) return e;
  const errno = isErrno(e) ? { errno: e.code, syscall: e.syscall, path: e.path } : {};
  return new CodedError(code, goPathError(e), { ...fields, ...errno }, { cause: e });
}

/** errorText returns the message of an error-like value. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
