/**
 * Where things live in the module cache (cmd/go/internal/modfetch cache.go: cacheDir,
 * CachePath, DownloadDir and checkCacheDir).
 *
 *     $GOMODCACHE/cache/download/<escaped path>/@v/list
 *     $GOMODCACHE/cache/download/<escaped path>/@v/<escaped version>.{info,mod,zip,ziphash,lock,partial}
 *     $GOMODCACHE/<escaped path>@<escaped version>/            (the extracted tree)
 *     $GOMODCACHE/cache/lock                                   (the go.sum side lock)
 *     $GOMODCACHE/cache/download/sumdb/<name>/…                (checksum database tiles)
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../internal/errors.js';
import * as module from '../module/index.js';
import * as semver from '../semver/index.js';
import { ioError } from '../internal/io-error.js';

/** ModuleVersion is a module path and version (module.Version). */
export interface ModuleVersion {
  readonly path: string;
  readonly version: string;
}

/** CacheSuffix is one kind of per-version file of the download cache. */
export type CacheSuffix = 'info' | 'mod' | 'zip' | 'ziphash' | 'lock' | 'partial';

/**
 * checkCacheDir checks the GOMODCACHE value as the go command does before using it:
 * it must be set (ERR_MODCACHE_NOT_SET) and absolute (ERR_MODCACHE_RELATIVE). It never
 * touches the file system; see ensureCacheDir.
 */
export function checkCacheDir(modcache: string): void {
  if (modcache === '') {
    throw new CodedError('ERR_MODCACHE_NOT_SET', 'module cache not found: neither GOMODCACHE nor GOPATH is set', {});
  }
  if (!path.isAbsolute(modcache)) {
    throw new CodedError(
      'ERR_MODCACHE_RELATIVE',
      `GOMODCACHE entry is relative; must be absolute path: ${module.goQuote(modcache)}.\n`,
      { modcache },
    );
  }
}

/**
 * ensureCacheDir checks modcache (checkCacheDir) and creates it when it does not exist,
 * as the go command's checkCacheDir does once per process. A path that exists but is not
 * a directory, or cannot be created, throws ERR_MODCACHE_CREATE
 * (`could not create module cache: …`).
 */
export async function ensureCacheDir(modcache: string): Promise<void> {
  checkCacheDir(modcache);
  let st;
  try {
    st = await stat(modcache);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new CodedError('ERR_MODCACHE_CREATE', `could not create module cache: ${ioError('', e).message}`, {
        modcache,
      });
    }
    try {
      await mkdir(modcache, { recursive: true });
    } catch (e2) {
      throw new CodedError('ERR_MODCACHE_CREATE', `could not create module cache: ${ioError('', e2).message}`, {
        modcache,
      });
    }
    return;
  }
  if (!st.isDirectory()) {
    throw new CodedError(
      'ERR_MODCACHE_CREATE',
      `could not create module cache: ${module.goQuote(modcache)} is not a directory`,
      { modcache },
    );
  }
}

/**
 * cacheDir returns `<modcache>/cache/download/<escaped path>/@v`. It throws the
 * InvalidPathError of module.escapePath for an invalid module path and the errors of
 * checkCacheDir for a bad modcache.
 */
export function cacheDir(modcache: string, modulePath: string): string {
  checkCacheDir(modcache);
  return path.join(modcache, 'cache', 'download', module.escapePath(modulePath), '@v');
}

/**
 * checkCacheVersion throws ERR_MODCACHE_BAD_VERSION with the go command's text when v
 * cannot name a cache file: `non-semver module version "v"` or `non-canonical module
 * version "v"`.
 */
export function checkCacheVersion(v: string): void {
  if (!semver.isValid(v)) {
    throw new CodedError('ERR_MODCACHE_BAD_VERSION', `non-semver module version ${module.goQuote(v)}`, { version: v });
  }
  if (module.canonicalVersion(v) !== v) {
    throw new CodedError('ERR_MODCACHE_BAD_VERSION', `non-canonical module version ${module.goQuote(v)}`, {
      version: v,
    });
  }
}

/**
 * cachePath returns the download-cache file of m with the given suffix
 * (`…/@v/<escaped version>.<suffix>`), as CachePath. The version must be a canonical
 * semantic version (ERR_MODCACHE_BAD_VERSION otherwise); an invalid path throws the
 * module package's InvalidPathError.
 */
export function cachePath(modcache: string, m: ModuleVersion, suffix: CacheSuffix): string {
  const dir = cacheDir(modcache, m.path);
  checkCacheVersion(m.version);
  return path.join(dir, `${module.escapeVersion(m.version)}.${suffix}`);
}

/**
 * downloadDirPath returns the extracted tree of m, `<modcache>/<escaped path>@<escaped
 * version>`, without looking at the disk (see downloadDir for the completeness check).
 * It throws as cachePath does.
 */
export function downloadDirPath(modcache: string, m: ModuleVersion): string {
  checkCacheDir(modcache);
  const enc = module.escapePath(m.path);
  checkCacheVersion(m.version);
  return path.join(modcache, `${enc}@${module.escapeVersion(m.version)}`);
}

/** sideLockPath is `<modcache>/cache/lock`, the lock the go command takes around go.sum edits. */
export function sideLockPath(modcache: string): string {
  checkCacheDir(modcache);
  return path.join(modcache, 'cache', 'lock');
}

/** sumdbCacheDir is `<modcache>/cache/download/sumdb`, where checksum-database lookups and tiles are cached. */
export function sumdbCacheDir(modcache: string): string {
  checkCacheDir(modcache);
  return path.join(modcache, 'cache', 'download', 'sumdb');
}
