/**
 * What the proxy serves for a module zip, established with the least work: the zip is
 * downloaded in full (every byte the proxy sends is looked at), but instead of being
 * written to a temporary file and hashed, each chunk is compared with the same range of
 * the cached zip as it arrives. When every byte matches and the lengths are equal, the
 * proxy serves exactly the cached file, so its h1 hash is the cached zip's — which the
 * run computes once anyway (modcache-integrity verifies it) and shares through the
 * session's hasher. Only when the bytes differ (or nothing is cached) are the proxy's
 * bytes written to a temporary file — the matched prefix copied from the cached zip,
 * then the rest as it arrives — and hashed on their own.
 *
 * Evidence: equal length and equal bytes at every offset is byte identity, so the two
 * hashes are the same function of the same input; nothing is inferred from sizes,
 * headers or ETags. The download itself keeps all of goproxy's checks (size limit,
 * truncation against Content-Length, end-of-central-directory record, fall-through
 * through the GOPROXY list).
 *
 * Memory stays bounded: the comparison reads the cached zip range by range (one shared
 * buffer, synchronous positioned reads: a zip of a few KiB costs one system call), and
 * a divergent zip is streamed to disk.
 */
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

/** The shared comparison buffer (never held across an await). */
const scratch = Buffer.allocUnsafe(64 * 1024);

/**
 * ZipComparison is where goproxy's zip download writes (a FileHandle-shaped sink: the
 * client truncates it, then writes every chunk at its position) and what the download
 * turned out to be.
 */
export interface ZipComparison {
  /** The sink handed to GoproxyClient.zip (only truncate and positioned write are used). */
  readonly handle: FileHandle;
  /**
   * finish says what the proxy served, once the download resolved: `same` (byte-identical
   * to the cached zip) or `file` (the proxy's bytes are in that file, for the caller to hash
   * and remove).
   */
  finish(): Promise<{ same: true } | { same: false; file: string }>;
  /** close releases what the comparison holds (call it whatever happened; idempotent). */
  close(): Promise<void>;
}

/**
 * compareZip prepares the comparison of a download with cachedZip (which may be missing);
 * tmpFile names the file divergent bytes go to (asked for only when they do). It never
 * touches the cached file's content.
 */
export function compareZip(cachedZip: string, tmpFile: () => Promise<string>): ZipComparison {
  let cachedFd: number | undefined;
  let cachedSize = -1;
  let opened = false;
  /** Bytes received so far that equal the cached zip's first `matched` bytes. */
  let matched = 0;
  let out: FileHandle | undefined;
  let outFile = '';
  let outPos = 0;

  const openCached = () => {
    if (opened) return;
    opened = true;
    try {
      cachedFd = openSync(cachedZip, 'r');
      cachedSize = fstatSync(cachedFd).size;
    } catch {
      // Not cached (or unreadable): every byte goes to the temporary file.
      closeCached();
    }
  };
  const closeCached = () => {
    if (cachedFd !== undefined) closeSync(cachedFd);
    cachedFd = undefined;
    cachedSize = -1;
  };

  /** equalsCached reports whether bytes equal the cached zip at position pos. */
  const equalsCached = (bytes: Uint8Array, pos: number): boolean => {
    if (cachedFd === undefined || pos + bytes.length > cachedSize) return false;
    for (let off = 0; off < bytes.length;) {
      const n = Math.min(scratch.length, bytes.length - off);
      const got = readSync(cachedFd, scratch, 0, n, pos + off);
      if (got !== n || Buffer.compare(scratch.subarray(0, n), bytes.subarray(off, off + n)) !== 0) return false;
      off += n;
    }
    return true;
  };

  const writeOut = async (bytes: Uint8Array) => {
    for (let off = 0; off < bytes.length;) {
      const { bytesWritten } = await out!.write(bytes, off, bytes.length - off, outPos);
      off += bytesWritten;
      outPos += bytesWritten;
    }
  };

  /** diverge moves to the temporary file: the matched prefix is copied there first. */
  const diverge = async () => {
    outFile = await tmpFile();
    out = await open(outFile, 'w');
    outPos = 0;
    for (let pos = 0; pos < matched;) {
      const n = readSync(cachedFd!, scratch, 0, Math.min(scratch.length, matched - pos), pos);
      if (n === 0) throw new Error(`${cachedZip}: changed while it was compared`);
      await writeOut(Buffer.from(scratch.subarray(0, n)));
      pos += n;
    }
    closeCached();
  };

  const sink = {
    async truncate(len = 0): Promise<void> {
      // goproxy truncates before writing (again when it falls through to the next proxy).
      if (len !== 0) throw new Error('zip-compare: only truncate(0) is supported');
      matched = 0;
      if (out) {
        await out.truncate(0);
        outPos = 0;
      }
      openCached();
    },
    async write(
      buffer: Uint8Array,
      offset = 0,
      length = buffer.length - offset,
      position: number | null = null,
    ): Promise<{ bytesWritten: number; buffer: Uint8Array }> {
      openCached();
      const bytes = buffer.subarray(offset, offset + length);
      const at = position ?? (out ? outPos : matched);
      if (!out) {
        if (at === matched && equalsCached(bytes, at)) {
          matched += bytes.length;
          return { bytesWritten: bytes.length, buffer };
        }
        if (at !== matched) throw new Error('zip-compare: writes must be sequential');
        await diverge();
      }
      if (at !== outPos) throw new Error('zip-compare: writes must be sequential');
      await writeOut(bytes);
      return { bytesWritten: bytes.length, buffer };
    },
  };

  return {
    handle: sink as unknown as FileHandle,
    async finish() {
      openCached();
      if (!out && cachedFd !== undefined && matched === cachedSize) return { same: true };
      // A proper prefix of the cached zip (or nothing cached): the proxy's bytes go to the file.
      if (!out) await diverge();
      await out!.close();
      out = undefined;
      return { same: false, file: outFile };
    },
    async close() {
      closeCached();
      if (out) {
        const o = out;
        out = undefined;
        await o.close().catch(() => undefined);
      }
    },
  };
}
