/**
 * The metadata files of the download cache (cmd/go/internal/modfetch cache.go):
 * `.info` (the version's RevInfo as JSON), `.mod` (its go.mod), `list` (the versions
 * whose .mod is cached) and `.ziphash` (the h1 hash of the cached zip).
 *
 * Writes are atomic as the go command's writeDiskCache: a temporary file named
 * `<final name><random>.tmp` beside the target (the pattern the go command cleans up),
 * then a rename. `list` is rewritten in place under its lock, zero-filled first so a
 * torn write shows up as NUL bytes, exactly as rewriteVersionList does.
 */
import { randomInt } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  writeSync,
} from 'node:fs';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../internal/errors.js';
import { trimSpaceBytes } from '../modfile/utf8.js';
import * as module from '../module/index.js';
import * as semver from '../semver/index.js';
import { ioError } from '../internal/io-error.js';
import { cachePath, type ModuleVersion } from './layout.js';
import type { FileLocker } from './lock.js';

/** RevInfo is a cached `.info` document (Go's modfetch.RevInfo as JSON). */
export interface CachedInfo {
  readonly version: string;
  /** RFC 3339 time as Go prints it (RFC3339Nano). */
  readonly time: string;
  /** Provenance (codehost.Origin) when the proxy sent one, in Go's field order. */
  readonly origin?: Readonly<Record<string, string>>;
}

/** ZERO_TIME is Go's zero time.Time in JSON. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

/** OLD_VGO_PREFIX marks go.mod files written by vgo prototypes; the go command ignores them. */
const OLD_VGO_PREFIX = '//vgo 0.0.';

/** ORIGIN_FIELDS are codehost.Origin's JSON fields in struct order. */
const ORIGIN_FIELDS = ['VCS', 'URL', 'Subdir', 'TagPrefix', 'TagSum', 'Ref', 'Hash', 'RepoSum'] as const;

/**
 * formatGoTime re-encodes an RFC 3339 time as Go's time.Time JSON does (RFC3339Nano:
 * fractional seconds without trailing zeros, "Z" for a zero offset). An unparsable time
 * is returned unchanged.
 */
export function formatGoTime(t: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})$/.exec(t);
  if (!m) return t;
  const frac = (m[3] ?? '').slice(0, 9).replace(/0+$/, '');
  const zone = m[4] === 'Z' || m[4] === 'z' || /^[+-]00:00$/.test(m[4]!) ? 'Z' : m[4]!;
  return `${m[1]}T${m[2]}${frac ? '.' + frac : ''}${zone}`;
}

/**
 * encodeInfo returns the bytes the go command writes to a `.info` file
 * (writeDiskStat: json.Marshal of RevInfo; Name and Short are never written; from the
 * Origin, TagPrefix and TagSum are dropped, and Ref too for a pseudo-version).
 */
export function encodeInfo(info: CachedInfo): Uint8Array {
  const doc: Record<string, unknown> = { Version: info.version, Time: formatGoTime(info.time || ZERO_TIME) };
  if (info.origin) {
    const o: Record<string, string> = {};
    for (const k of ORIGIN_FIELDS) {
      const v = info.origin[k];
      if (typeof v !== 'string' || v === '') continue;
      if (k === 'TagPrefix' || k === 'TagSum') continue;
      if (k === 'Ref' && module.isPseudoVersion(info.version)) continue;
      o[k] = v;
    }
    doc['Origin'] = o;
  }
  return new TextEncoder().encode(goJsonCompact(doc));
}

/** goJsonCompact is json.Marshal: no spaces, "<", ">", "&", U+2028/2029 escaped. */
function goJsonCompact(v: unknown): string {
  return JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/**
 * decodeInfo parses a cached `.info` file as readDiskStat does; undefined when it is not
 * a JSON object (the go command then treats the entry as not cached).
 */
export function decodeInfo(data: Uint8Array): CachedInfo | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const o = raw as Record<string, unknown>;
  if (o['Version'] !== undefined && typeof o['Version'] !== 'string') return undefined;
  if (o['Time'] !== undefined && typeof o['Time'] !== 'string') return undefined;
  const origin =
    o['Origin'] !== null && typeof o['Origin'] === 'object' ? (o['Origin'] as Record<string, string>) : undefined;
  return {
    version: (o['Version'] as string | undefined) ?? '',
    time: (o['Time'] as string | undefined) ?? ZERO_TIME,
    ...(origin ? { origin } : {}),
  };
}

/** tempName returns the go command's temporary name for file: `<file><random>.tmp`. */
function tempName(file: string): string {
  return `${file}${randomInt(1_000_000_000)}.tmp`;
}

/**
 * openTempFile creates a new empty file named as the go command's tempFile does
 * (`<dir>/<base><random>.tmp`, O_EXCL, mode 0666 & ~umask) and returns its name and
 * an open handle for writing (one open per temporary file). When the directory is
 * missing it is created (with its parents) and the creation retried once. It throws
 * ERR_MODCACHE_IO (Go's wording) when the file cannot be created.
 */
export async function openTempFile(file: string): Promise<{ name: string; handle: FileHandle }> {
  let madeDir = false;
  for (let i = 0; ; i++) {
    const name = tempName(file);
    try {
      return { name, handle: await open(name, 'wx', 0o666) };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' && i < 10_000) continue;
      if (code === 'ENOENT' && !madeDir) {
        // The common case is a directory that exists: create it only when it does not.
        madeDir = true;
        try {
          await mkdir(path.dirname(file), { recursive: true });
        } catch (e2) {
          throw ioError('ERR_MODCACHE_IO', e2, { file });
        }
        continue;
      }
      throw ioError('ERR_MODCACHE_IO', e, { file });
    }
  }
}

/**
 * createTempFile is openTempFile for callers that write the file by name: the file is
 * created (and closed) and its name returned.
 */
export async function createTempFile(file: string): Promise<string> {
  const { name, handle } = await openTempFile(file);
  await handle.close();
  return name;
}

/** writeAllSync writes all of data at the descriptor's position. */
function writeAllSync(fd: number, data: Uint8Array, position: number | null = null): void {
  for (let off = 0; off < data.length;) {
    off += writeSync(fd, data, off, data.length - off, position === null ? null : position + off);
  }
}

/**
 * writeFileAtomic writes data to file as the go command's writeDiskCache does: into a
 * new temporary file beside it (created as openTempFile does, written through the
 * same handle), then renamed over file, so that file is never seen half-written.
 * The temporary file is removed when anything fails; failures throw ERR_MODCACHE_IO.
 * The calls run on the thread pool: creating a file is slow on some file systems,
 * and many modules' metadata are written at once.
 */
async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const { name, handle } = await openTempFile(file);
  try {
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
    await rename(name, file);
  } catch (e) {
    await rm(name, { force: true });
    throw ioError('ERR_MODCACHE_IO', e, { file });
  }
}

/**
 * writeDiskCache writes data to file atomically (temporary file + rename), creating the
 * directory when it is missing; after a `.mod` file it rewrites the directory's `list`
 * (rewriteVersionList). Failures throw ERR_MODCACHE_IO in the go command's wording.
 */
export async function writeDiskCache(file: string, data: Uint8Array, locker?: FileLocker): Promise<void> {
  await writeFileAtomic(file, data);
  if (file.endsWith('.mod')) await rewriteVersionList(path.dirname(file), locker);
}

/**
 * rewriteVersionList rewrites `<dir>/list` (dir is an `@v` directory) to the sorted
 * canonical versions that have a `.mod` file, as the go command does after caching a
 * go.mod. The file is edited in place while holding its lock: left alone when already
 * right, else truncated, zero-filled to the new size and written. A dir that is not an
 * `@v` directory throws ERR_MODCACHE_INTERNAL.
 */
export async function rewriteVersionList(dir: string, locker?: FileLocker): Promise<void> {
  if (path.basename(dir) !== '@v') {
    throw new CodedError('ERR_MODCACHE_INTERNAL', 'internal error: misuse of rewriteVersionList', { dir });
  }
  const listFile = path.join(dir, 'list');
  const unlock = locker ? await locker.lock(listFile) : undefined;
  try {
    // A directory listing and a file of a few lines: synchronous calls.
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch (e) {
      throw ioError('ERR_MODCACHE_IO', e, { dir });
    }
    const list: string[] = [];
    for (const name of names) {
      if (!name.endsWith('.mod')) continue;
      const v = name.slice(0, -'.mod'.length);
      // Escaped versions ("v1.0.0-!p!r!e") are not canonical, as in the go command.
      if (v !== '' && module.canonicalVersion(v) === v) list.push(v);
    }
    semver.sort(list);
    const want = Buffer.from(list.map((v) => v + '\n').join(''));
    let fd: number;
    try {
      fd = openSync(listFile, constants.O_RDWR | constants.O_CREAT, 0o666);
    } catch (e) {
      throw ioError('ERR_MODCACHE_IO', e, { file: listFile });
    }
    try {
      if (fstatSync(fd).size === want.length) {
        const old = Buffer.alloc(want.length + 1);
        const bytesRead = readSync(fd, old, 0, old.length, 0);
        if (bytesRead === want.length && old.subarray(0, bytesRead).equals(want)) return;
      }
      // Zero-fill to the final size first: a torn write leaves NUL bytes, never a short list.
      ftruncateSync(fd, 0);
      ftruncateSync(fd, want.length);
      writeAllSync(fd, want, 0);
    } catch (e) {
      throw ioError('ERR_MODCACHE_IO', e, { file: listFile });
    } finally {
      closeSync(fd);
    }
  } finally {
    await unlock?.();
  }
}

/** readDiskCache reads a (small) cache file synchronously; undefined when it cannot be read. */
function readDiskCache(file: string): Uint8Array | undefined {
  try {
    return new Uint8Array(readFileSync(file));
  } catch {
    return undefined;
  }
}

/**
 * readDiskStat returns the cached `.info` of m and its file, or the file alone when it is
 * missing or unreadable (readDiskStat; the caller fetches and calls writeDiskStat). A
 * `.info` holding extra fields (old Name/Short) is rewritten in Go's canonical form, as
 * the go command does. An uncacheable version (not canonical semver) yields no file.
 */
export async function readDiskStat(modcache: string, m: ModuleVersion): Promise<{ file?: string; info?: CachedInfo }> {
  let file: string;
  try {
    file = cachePath(modcache, m, 'info');
  } catch {
    return {};
  }
  const data = readDiskCache(file);
  if (!data) return { file };
  const info = decodeInfo(data);
  if (!info) return { file };
  const canonical = encodeInfo(info);
  if (!Buffer.from(canonical).equals(Buffer.from(data))) {
    // As Go: the stale file is rewritten (with its old bytes; harmless) best effort.
    await writeDiskCache(file, data).catch(() => {});
  }
  return { file, info };
}

/** writeDiskStat writes info to file (from readDiskStat) in the go command's form. */
export async function writeDiskStat(file: string | undefined, info: CachedInfo, locker?: FileLocker): Promise<void> {
  if (!file) return;
  await writeDiskCache(file, encodeInfo(info), locker);
}

/**
 * readDiskGoMod returns the cached go.mod of m and its file; data is undefined when the
 * file is missing, unreadable or an old vgo conversion (readDiskGoMod). Checking the
 * content against go.sum is the caller's job.
 */
export async function readDiskGoMod(modcache: string, m: ModuleVersion): Promise<{ file?: string; data?: Uint8Array }> {
  let file: string;
  try {
    file = cachePath(modcache, m, 'mod');
  } catch {
    return {};
  }
  const data = readDiskCache(file);
  if (!data) return { file };
  if (Buffer.from(data.subarray(0, OLD_VGO_PREFIX.length)).toString('latin1') === OLD_VGO_PREFIX) return { file };
  return { file, data };
}

/** writeDiskGoMod caches a go.mod (and rewrites the version list). */
export async function writeDiskGoMod(file: string | undefined, data: Uint8Array, locker?: FileLocker): Promise<void> {
  if (!file) return;
  await writeDiskCache(file, data, locker);
}

/** H1_LENGTH is the length of "h1:" + base64 of a SHA-256. */
const H1_LENGTH = 3 + 44;

/**
 * isValidSum reports whether data is a complete `.ziphash` (isValidSum): no NUL byte
 * (a torn write leaves zeros) and exactly the length of an h1 hash.
 */
export function isValidSum(data: Uint8Array): boolean {
  return !data.includes(0) && data.length === H1_LENGTH;
}

/**
 * readZipHash reads `<v>.ziphash` as the go command does (lockedfile.Read + TrimSpace),
 * throwing ERR_MODCACHE_IO (`open …: no such file or directory`) when it cannot be read;
 * valid says whether the content is a complete hash.
 */
export async function readZipHash(file: string): Promise<{ hash: string; valid: boolean }> {
  let data: Uint8Array;
  try {
    data = trimSpaceBytes(new Uint8Array(readFileSync(file)));
  } catch (e) {
    throw ioError('ERR_MODCACHE_IO', e, { file });
  }
  return { hash: Buffer.from(data).toString('utf8'), valid: isValidSum(data) };
}

/**
 * sum returns the hash of m's cached zip as recorded in `.ziphash`, or "" when there is
 * none or it is not a complete hash (modfetch.Sum).
 */
export async function sum(modcache: string, m: ModuleVersion): Promise<string> {
  if (modcache === '') return '';
  let file: string;
  try {
    file = cachePath(modcache, m, 'ziphash');
  } catch {
    return '';
  }
  try {
    const r = await readZipHash(file);
    return r.valid ? r.hash : '';
  } catch {
    return '';
  }
}

/**
 * writeZipHash writes hash to a `.ziphash` file atomically, without a trailing newline
 * (the bytes the go command writes). Failures throw ERR_MODCACHE_IO.
 */
export async function writeZipHash(file: string, hash: string): Promise<void> {
  await writeFileAtomic(file, hash);
}
