/**
 * go.mod supplies. The go command reads a dependency's go.mod from the module cache
 * ($GOMODCACHE/cache/download/<escaped path>/@v/<escaped version>.mod) when it is
 * there and downloads it through the GOPROXY chain otherwise; createLayeredSource
 * mirrors that order over any two ModFileSources.
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../internal/errors.js';
import { escapePath, escapeVersion } from '../module/index.js';
import type { ModFileSource, ModuleVersion, VersionInfo } from './types.js';

/** NotInCacheError says a file is not in the module cache (callers fall through to the proxy). */
export class NotInCacheError extends CodedError {
  constructor(file: string) {
    super('ERR_MODLOAD_NOT_IN_CACHE', `open ${file}: no such file or directory`, { file });
  }
}

/**
 * createCacheSource reads go.mod files and .info documents from the download cache
 * under modcacheDir. Missing files reject with NotInCacheError; it never writes.
 */
export function createCacheSource(modcacheDir: string): ModFileSource {
  const file = (m: ModuleVersion, ext: string) =>
    path.join(modcacheDir, 'cache', 'download', escapePath(m.path), '@v', `${escapeVersion(m.version)}.${ext}`);
  const read = async (f: string): Promise<Uint8Array> => {
    try {
      return new Uint8Array(await readFile(f));
    } catch {
      throw new NotInCacheError(f);
    }
  };
  return {
    goMod: (m) => read(file(m, 'mod')),
    async info(m): Promise<VersionInfo> {
      const j = JSON.parse(new TextDecoder().decode(await read(file(m, 'info')))) as {
        Version?: string;
        Time?: string;
      };
      return { version: j.Version ?? m.version, ...(j.Time ? { time: j.Time } : {}) };
    },
  };
}

/** cachePath returns where the go command keeps m's .mod/.info/.zip in the download cache. */
export function cachePath(
  modcacheDir: string,
  m: ModuleVersion,
  ext: 'mod' | 'info' | 'zip' | 'ziphash' | 'partial',
): string {
  let dir = escapedDirs.get(m.path);
  if (dir === undefined) {
    dir = escapePath(m.path);
    if (escapedDirs.size < 100_000) escapedDirs.set(m.path, dir);
  }
  return path.join(modcacheDir, 'cache', 'download', dir, '@v', `${escapeVersion(m.version)}.${ext}`);
}

/** escapedDirs remembers escapePath's answers (a graph asks for each module path many times). */
const escapedDirs = new Map<string, string>();

/**
 * downloadDirReady returns m's extracted tree when it is complete, as the go command's
 * modfetch.DownloadDir decides (the directory exists, no `.partial` marker, the
 * `.ziphash` is there), else undefined. It never throws (an invalid path or version
 * has no tree). Synchronous: `go list -m` asks it for every module it lists.
 */
export function downloadDirReady(modcacheDir: string, m: ModuleVersion): string | undefined {
  try {
    const dir = downloadDir(modcacheDir, m);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return undefined;
    if (statSync(cachePath(modcacheDir, m, 'partial'), { throwIfNoEntry: false })) return undefined;
    if (!statSync(cachePath(modcacheDir, m, 'ziphash'), { throwIfNoEntry: false })) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/** downloadDir returns the extracted module directory of m in the module cache. */
export function downloadDir(modcacheDir: string, m: ModuleVersion): string {
  return path.join(modcacheDir, `${escapePath(m.path)}@${escapeVersion(m.version)}`);
}

/**
 * createLayeredSource answers from `first` (the cache) and falls back to `second`
 * (the proxy) when first rejects with NotInCacheError; other errors propagate.
 * versions and latest always come from second (the cache does not know them).
 */
export function createLayeredSource(first: ModFileSource, second: ModFileSource): ModFileSource {
  const fallback = async <T>(a: () => Promise<T>, b: () => Promise<T>): Promise<T> => {
    try {
      return await a();
    } catch (e) {
      if (e instanceof NotInCacheError) return b();
      throw e;
    }
  };
  return {
    goMod: (m) =>
      fallback(
        () => first.goMod(m),
        () => second.goMod(m),
      ),
    info: (m) =>
      fallback(
        () => (first.info ? first.info(m) : Promise.reject(new NotInCacheError(''))),
        () => (second.info ? second.info(m) : Promise.reject(new NotInCacheError(''))),
      ),
    ...(second.versions ? { versions: (p: string) => second.versions!(p) } : {}),
    ...(second.latest ? { latest: (p: string) => second.latest!(p) } : {}),
  };
}

/** ProxyClientLike is the part of goproxy.GoproxyClient a ModFileSource needs. */
export interface ProxyClientLike {
  goMod(path: string, version: string): Promise<Uint8Array>;
  info(path: string, version: string): Promise<{ version: string; time: string }>;
  versions(path: string): Promise<string[]>;
  latest(path: string): Promise<{ version: string; time: string }>;
}

/**
 * createProxySource adapts a GOPROXY client (goproxy.createGoproxyClient) to a
 * ModFileSource; its errors keep the client's go-command wording.
 */
export function createProxySource(client: ProxyClientLike): ModFileSource {
  return {
    goMod: (m) => client.goMod(m.path, m.version),
    info: async (m) => {
      const i = await client.info(m.path, m.version);
      return { version: i.version, time: i.time };
    },
    versions: (p) => client.versions(p),
    latest: async (p) => {
      const i = await client.latest(p);
      return { version: i.version, time: i.time };
    },
  };
}
