/**
 * Module-cache operations of fix and undo: moving a version's cache entries aside into
 * the action's backup directory (quarantine — corrupt entries are evidence, and undo puts
 * them back), moving them back, and removing entries an action added.
 *
 * A version's entries are its extracted tree `<path>@<version>/` and its download files
 * `cache/download/<path>/@v/<version>.*` except the `.lock` file (the go command's lock,
 * held by whoever is downloading). The version's lock is taken while entries move, so a
 * concurrent go command never sees half of them; the `@v/list` file is rewritten by the
 * go command's own rule afterwards. Extracted trees are read-only: a tree's top directory
 * is made writable only for the rename (which updates its `..`) and read-only again after.
 */
import { chmod, cp, mkdir, readdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import * as modcache from '../mod/modcache/index.js';
import * as module from '../mod/module/index.js';

/** ModuleVersion is a path@version. */
export interface MV {
  readonly path: string;
  readonly version: string;
}

/** versionEntries lists the existing cache entries of m, relative to the cache root. */
export async function versionEntries(cache: string, m: MV): Promise<string[]> {
  const out: string[] = [];
  const vdir = modcache.cacheDir(cache, m.path);
  const ev = module.escapeVersion(m.version);
  const names = await readdir(vdir).catch(() => [] as string[]);
  for (const n of names.sort()) {
    if (n.startsWith(ev + '.') && !n.endsWith('.lock')) out.push(path.relative(cache, path.join(vdir, n)));
  }
  const tree = modcache.downloadDirPath(cache, m);
  if (await stat(tree).catch(() => undefined)) out.push(path.relative(cache, tree));
  return out;
}

/** moveEntry renames src to dest (creating dest's parent), copying across file systems. */
export async function moveEntry(src: string, dest: string): Promise<void> {
  await mkdir(path.dirname(dest), { recursive: true });
  const st = await stat(src);
  const isDir = st.isDirectory();
  if (isDir) await chmod(src, (st.mode & 0o7777) | 0o200);
  try {
    await rename(src, dest);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') {
      if (isDir) await chmod(src, st.mode & 0o7777).catch(() => undefined);
      throw e;
    }
    await cp(src, dest, { recursive: true, preserveTimestamps: true });
    if (isDir) await modcache.removeAll(src);
    else await modcache.removeAll(src).catch(() => undefined);
  }
  if (isDir) await chmod(dest, st.mode & 0o7777);
}

/** withVersionLock runs f holding m's `.lock` (shared with the go command when flock is available). */
export async function withVersionLock<T>(cache: string, m: MV, f: () => Promise<T>): Promise<T> {
  const locker = modcache.createFileLocker();
  try {
    const lockFile = modcache.cachePath(cache, m, 'lock');
    await mkdir(path.dirname(lockFile), { recursive: true });
    const unlock = await locker.lock(lockFile, 'exclusive');
    try {
      return await f();
    } finally {
      await unlock();
    }
  } finally {
    await locker.close();
  }
}

/** rewriteList rewrites m's `@v/list` (versions with a cached .mod), ignoring a missing directory. */
export async function rewriteList(cache: string, m: MV): Promise<void> {
  const vdir = modcache.cacheDir(cache, m.path);
  if (await stat(vdir).catch(() => undefined)) await modcache.rewriteVersionList(vdir);
}

/**
 * eachEntry runs op on each of the given entries (relative paths) of m that exists under
 * root, holding m's lock, then rewrites m's `@v/list`; it returns the entries op ran on.
 */
async function eachEntry(
  cache: string,
  m: MV,
  entries: readonly string[],
  root: string,
  op: (abs: string, rel: string) => Promise<void>,
): Promise<string[]> {
  return withVersionLock(cache, m, async () => {
    const done: string[] = [];
    for (const rel of entries) {
      const abs = path.join(root, rel);
      if (!(await stat(abs).catch(() => undefined))) continue;
      await op(abs, rel);
      done.push(rel);
    }
    await rewriteList(cache, m);
    return done;
  });
}

/**
 * quarantine moves the given entries (relative to cache) of m into backupRoot, keeping
 * their relative paths; it returns the entries moved. Entries already gone are skipped.
 */
export async function quarantine(
  cache: string,
  m: MV,
  entries: readonly string[],
  backupRoot: string,
): Promise<string[]> {
  return eachEntry(cache, m, entries, cache, (src, rel) => moveEntry(src, path.join(backupRoot, rel)));
}

/** restoreEntries moves entries of m back from backupRoot into the cache (those present in the backup). */
export async function restoreEntries(
  cache: string,
  m: MV,
  entries: readonly string[],
  backupRoot: string,
): Promise<string[]> {
  return eachEntry(cache, m, entries, backupRoot, (src, rel) => moveEntry(src, path.join(cache, rel)));
}

/** removeEntries deletes entries of m from the cache (read-only trees included). */
export async function removeEntries(cache: string, m: MV, entries: readonly string[]): Promise<string[]> {
  return eachEntry(cache, m, entries, cache, (p) => modcache.removeAll(p));
}
