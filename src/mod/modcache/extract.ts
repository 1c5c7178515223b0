/**
 * The extracted module trees (cmd/go/internal/modfetch: DownloadDir, download,
 * makeDirsReadOnly, RemoveAll).
 *
 * A tree `<modcache>/<escaped path>@<escaped version>` is complete when it exists, no
 * `<v>.partial` file marks an interrupted extraction and `<v>.ziphash` exists. It is
 * extracted under the version's lock: `.partial` is created first and removed last, files
 * are read-only (0444) and directories are made read-only afterwards, as the go command
 * does, so that a later `go mod verify` (or modrescue's) can tell an edit.
 */
import { chmodSync, closeSync, mkdirSync, openSync, readdirSync, statSync, unlinkSync, type Dirent } from 'node:fs';
import { chmod, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../internal/errors.js';
import { unzip } from '../zip/unzip.js';
import { ioError } from '../internal/io-error.js';
import { cachePath, downloadDirPath, type ModuleVersion } from './layout.js';
import type { FileLocker } from './lock.js';

/**
 * DownloadDirResult is downloadDir's answer: the directory, and when it is not usable,
 * why. notExist errors (ERR_MODCACHE_NOT_EXIST, ERR_MODCACHE_PARTIAL) mean "extract it";
 * others are real failures.
 */
export interface DownloadDirResult {
  readonly dir: string;
  readonly error?: CodedError;
}

/** partialError is Go's DownloadDirPartialError: `<dir>: <reason>`, counted as "does not exist". */
function partialError(dir: string, reason: string): CodedError {
  return new CodedError('ERR_MODCACHE_PARTIAL', `${dir}: ${reason}`, { dir, notExist: true });
}

/** isNotExist reports whether e means "not there (yet)", as errors.Is(err, fs.ErrNotExist). */
export function isNotExist(e: unknown): boolean {
  if (e instanceof CodedError) return e.fields['notExist'] === true || e.fields['errno'] === 'ENOENT';
  return (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/**
 * downloadDir returns m's extracted directory and whether it is complete, as the go
 * command's DownloadDir: a missing directory is ERR_MODCACHE_NOT_EXIST (`stat <dir>: no
 * such file or directory`); a non-directory, a `.partial` marker or a missing `.ziphash`
 * are ERR_MODCACHE_PARTIAL (`<dir>: not completely extracted`, `<dir>: ziphash file is
 * missing`). An invalid path or version throws (cachePath's errors).
 */
export async function downloadDir(modcache: string, m: ModuleVersion): Promise<DownloadDirResult> {
  return downloadDirSync(modcache, m);
}

/**
 * downloadDirSync is downloadDir with its three stat calls made synchronously (they are
 * metadata lookups in the local module cache, cheaper than a thread-pool round trip);
 * it returns (and throws) exactly what downloadDir resolves with (and rejects with).
 */
export function downloadDirSync(modcache: string, m: ModuleVersion): DownloadDirResult {
  const dir = downloadDirPath(modcache, m);
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    const err = ioError('ERR_MODCACHE_NOT_EXIST', e, { dir });
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return { dir, error: new CodedError('ERR_MODCACHE_NOT_EXIST', err.message, { dir, notExist: true }) };
    }
    return { dir, error: partialError(dir, err.message) };
  }
  if (!st.isDirectory()) return { dir, error: partialError(dir, 'not a directory') };
  const partial = cachePath(modcache, m, 'partial');
  try {
    statSync(partial);
    return { dir, error: partialError(dir, 'not completely extracted') };
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return { dir, error: ioError('ERR_MODCACHE_IO', e) };
  }
  try {
    statSync(cachePath(modcache, m, 'ziphash'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { dir, error: partialError(dir, 'ziphash file is missing') };
    return { dir, error: ioError('ERR_MODCACHE_IO', e) };
  }
  return { dir };
}

/**
 * makeDirsReadOnly removes the write bits of dir and every directory below it, children
 * before parents, best effort (files are already read-only from extraction).
 */
export async function makeDirsReadOnly(dir: string): Promise<void> {
  // A freshly extracted module tree: a few directories, walked with synchronous calls.
  const dirs: Array<{ p: string; mode: number }> = [];
  const walk = (d: string): void => {
    let st;
    try {
      st = statSync(d);
    } catch {
      return;
    }
    if (!st.isDirectory()) return;
    if ((st.mode & 0o222) !== 0) dirs.push({ p: d, mode: st.mode & 0o7777 });
    let names: Dirent[] = [];
    try {
      names = readdirSync(d, { withFileTypes: true });
    } catch {
      // Best effort, as before: an unreadable directory keeps its children's modes.
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of names) if (e.isDirectory()) walk(path.join(d, e.name));
  };
  walk(dir);
  for (let i = dirs.length - 1; i >= 0; i--) {
    try {
      chmodSync(dirs[i]!.p, dirs[i]!.mode & ~0o222);
    } catch {
      // Best effort.
    }
  }
}

/**
 * removeAll removes a tree written by extraction, making its directories writable first
 * (the module cache's directories are 0555). A missing dir is not an error; other
 * failures throw ERR_MODCACHE_IO.
 */
export async function removeAll(dir: string): Promise<void> {
  const walk = async (d: string): Promise<void> => {
    await chmod(d, 0o777).catch(() => {});
    const names = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of names) if (e.isDirectory()) await walk(path.join(d, e.name));
  };
  const st = await stat(dir).catch(() => undefined);
  if (st?.isDirectory()) await walk(dir);
  try {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch (e) {
    throw ioError('ERR_MODCACHE_IO', e, { dir });
  }
}

export interface ExtractOptions {
  /** The lock provider (the go command's `<v>.lock` protocol). */
  readonly locker: FileLocker;
  /** Leave the tree writable (the go command's -modcacherw). */
  readonly writable?: boolean;
  /** Receives what the go command prints on stderr during extraction (`-> <error>`). */
  readonly onLog?: (line: string) => void;
  readonly signal?: AbortSignal;
  /**
   * The caller has just seen downloadDir report the tree as not there (as the go
   * command's download does before DownloadZip): extract then goes straight to the
   * lock and checks again only under it.
   */
  readonly checked?: boolean;
}

/**
 * extract makes m's tree complete from the cached zip at zipFile, as the second half of
 * the go command's download: under the version lock it re-checks the tree, removes
 * leftovers of interrupted extractions (`<dir>.tmp-*`, a partial tree), writes
 * `<v>.partial`, unzips (zip.unzip's checks), removes `.partial` and makes the tree
 * read-only. It resolves with the directory; an unzip failure removes the partial tree
 * and rethrows unzip's error (`unzip <zip>: …`).
 */
export async function extract(
  modcache: string,
  m: ModuleVersion,
  zipFile: string,
  options: ExtractOptions,
): Promise<string> {
  if (!options.checked) {
    const first = await downloadDir(modcache, m);
    if (!first.error) return first.dir;
    if (!isNotExist(first.error)) throw first.error;
  }
  const dir = downloadDirPath(modcache, m);
  const unlock = await options.locker.lock(cachePath(modcache, m, 'lock'), 'exclusive', options.signal);
  try {
    const again = await downloadDir(modcache, m);
    if (!again.error) return dir;
    const dirExists = again.error.code === 'ERR_MODCACHE_PARTIAL';
    const parent = path.dirname(dir);
    const tmpPrefix = path.basename(dir) + '.tmp-';
    let siblings: string[] = [];
    try {
      siblings = readdirSync(parent);
    } catch {
      // No parent yet: nothing to clean up.
    }
    for (const name of siblings) {
      if (name.startsWith(tmpPrefix)) await removeAll(path.join(parent, name)).catch(() => {});
    }
    if (dirExists) await removeAll(dir);
    const partial = cachePath(modcache, m, 'partial');
    try {
      mkdirSync(parent, { recursive: true });
      // writeFile(partial, '') with the go command's mode: create or truncate, empty.
      closeSync(openSync(partial, 'w', 0o666));
    } catch (e) {
      throw ioError('ERR_MODCACHE_IO', e, { dir });
    }
    try {
      await unzip(dir, m, zipFile);
    } catch (e) {
      options.onLog?.(`-> ${(e as Error).message}`);
      try {
        await removeAll(dir);
        await rm(partial, { force: true });
      } catch {
        // The .partial marker stays: the next run cleans up.
      }
      throw e;
    }
    try {
      unlinkSync(partial);
    } catch (e) {
      throw ioError('ERR_MODCACHE_IO', e, { dir });
    }
    if (!options.writable) await makeDirsReadOnly(dir);
    return dir;
  } finally {
    await unlock();
  }
}
