/**
 * Download, verify, fill the cache: the go command's modfetch (fetch.go and the caching
 * half of cache.go) over package goproxy (the network), package modcache (the disk),
 * the go.sum state (gosum.ts) and an optional checksum-database check.
 *
 * Per module version, as the go command:
 *   - stat/infoFile: `.info` from the cache, else from the proxy (written to the cache);
 *   - goMod/goModFile/goModSum: `.mod` from the cache, else from the proxy; either way
 *     its hash is checked against go.sum (and the checksum database) before use, and a
 *     downloaded one is cached (and `list` rewritten);
 *   - downloadZip: under `<v>.lock`, the zip is streamed to `<v>.zip<random>.tmp`, its
 *     entries checked to lie under `path@version/`, hashed and checked, `.ziphash`
 *     written, then renamed into place;
 *   - download: the extracted tree (modcache.extract), then checkMod re-checks the
 *     recorded `.ziphash` against go.sum.
 * Each operation runs once per version per Fetcher (par.Cache), however many callers.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { CodedError } from '../internal/errors.js';
import type { GoproxyClient, RevInfo } from '../goproxy/index.js';
import * as modcache from '../modcache/index.js';
import * as module from '../module/index.js';
import * as semver from '../semver/index.js';
import { hashGoMod, hashZip as dirhashZip, hashZipReader } from '../sumdb/dirhash/index.js';
import { ioError } from '../internal/io-error.js';
import { openZipReader } from '../zip/archive.js';
import type { GoSumState } from './gosum.js';

export type ModuleVersion = modcache.ModuleVersion;

/** SumDB is the checksum-database check the Fetcher consults for new sums. */
export interface SumDB {
  /** use reports whether path is checked (GOSUMDB not off, path not in GONOSUMDB). */
  use(modulePath: string): boolean;
  /** check rejects when the database disagrees with h for m (version "vX" or "vX/go.mod"). */
  check(m: ModuleVersion, h: string): Promise<void>;
}

export interface FetcherOptions {
  /** $GOMODCACHE (absolute). */
  readonly modcache: string;
  /** The GOPROXY client (routing, fall-through, protocol). */
  readonly client: GoproxyClient;
  readonly locker: modcache.FileLocker;
  /** The main module's go.sum; omit outside a module. */
  readonly goSum?: GoSumState;
  /** The checksum database; omit when GOSUMDB=off. */
  readonly sumdb?: SumDB;
  /** Keep extracted trees writable (-modcacherw). */
  readonly writable?: boolean;
  /**
   * The go command's subcommand name: "mod download" does not print
   * `go: downloading path version` lines (every other command does).
   */
  readonly cmdName?: string;
  /** Receives the lines the go command prints on stderr (without its `go: ` prefix handling). */
  readonly onLog?: (line: string) => void;
  readonly signal?: AbortSignal;
}

/**
 * FATAL_CODES are the errors that stop the go command at once (base.Fatalf) instead of
 * being reported per module: a go.sum checksum mismatch and an unusable `.ziphash`
 * during checkMod.
 */
export const FATAL_CODES: ReadonlySet<string> = new Set(['ERR_GOSUM_MISMATCH', 'ERR_MODFETCH_VERIFY']);

/** isFatal reports whether e must end the command (see FATAL_CODES). */
export function isFatal(e: unknown): boolean {
  return e instanceof CodedError && FATAL_CODES.has(e.code);
}

/** Fetcher is one command run's view of the module supply (memoised per version). */
export interface Fetcher {
  readonly options: FetcherOptions;
  /** stat resolves rev (a version) to its RevInfo through the cache, then the proxy (cachingRepo.Stat). */
  stat(modulePath: string, rev: string): Promise<RevInfo>;
  /** infoFile returns the RevInfo and the cached `.info` path (InfoFile); rejects `invalid version "v"` for non-semver. */
  infoFile(modulePath: string, version: string): Promise<{ info: RevInfo; file: string }>;
  /** goMod returns the go.mod bytes, checked against go.sum and the database (GoMod). */
  goMod(modulePath: string, version: string): Promise<Uint8Array>;
  /** goModFile returns the cached `.mod` path after goMod (GoModFile). */
  goModFile(modulePath: string, version: string): Promise<string>;
  /** goModSum returns the go.sum hash of the go.mod (GoModSum). */
  goModSum(modulePath: string, version: string): Promise<string>;
  /** downloadZip makes `<v>.zip` and `<v>.ziphash` present and checked; resolves with the zip path. */
  downloadZip(m: ModuleVersion): Promise<string>;
  /** download makes the extracted tree complete and checked (Download); resolves with its path. */
  download(m: ModuleVersion): Promise<string>;
  /** sum is the recorded `.ziphash` of m, or "" (Sum). */
  sum(m: ModuleVersion): Promise<string>;
  /** checkModSum checks h for m against go.sum and the database and records it (checkModSum). */
  checkModSum(m: ModuleVersion, h: string): Promise<void>;
}

/** memo runs f once per key (par.Cache), sharing the promise. */
function memo<T>(): (k: string, f: () => Promise<T>) => Promise<T> {
  const m = new Map<string, Promise<T>>();
  return (k, f) => {
    let p = m.get(k);
    if (!p) {
      p = f();
      m.set(k, p);
      p.catch(() => {});
    }
    return p;
  };
}

/** verifyError is checkMod's fatal `verifying path@version: …`. */
function verifyError(m: ModuleVersion, e: unknown): CodedError {
  const inner = module.versionError(m, e instanceof Error ? e : new Error(String(e)));
  return new CodedError(
    'ERR_MODFETCH_VERIFY',
    `verifying ${inner.message}`,
    { path: m.path, version: m.version },
    { cause: e },
  );
}

/** exists reports whether a file exists (stat succeeds); a synchronous look-up in the local cache. */
function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * createFetcher returns a Fetcher over options. Nothing is read or written before the
 * first call. Errors keep the go command's wording: goproxy's for the network,
 * `path@version: verifying module: …` for the checksum database, the fatal go.sum
 * mismatch (isFatal) for go.sum.
 */
export function createFetcher(options: FetcherOptions): Fetcher {
  const { client, locker } = options;
  const mc = options.modcache;
  const statMemo = memo<RevInfo>();
  const goModMemo = memo<Uint8Array>();
  const zipMemo = memo<string>();
  const dlMemo = memo<string>();
  const log = (line: string) => options.onLog?.(line);
  /**
   * knownDirs are `@v` directories this Fetcher has seen exist (it read or wrote a file
   * there): lockVersion creates the others first, as the go command's lockVersion does.
   */
  const knownDirs = new Set<string>();
  const lockVersion = async (m: ModuleVersion): Promise<modcache.Unlock> => {
    const file = modcache.cachePath(mc, m, 'lock');
    const dir = path.dirname(file);
    if (!knownDirs.has(dir)) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (e) {
        throw ioError('ERR_MODCACHE_IO', e);
      }
      knownDirs.add(dir);
    }
    return locker.lock(file, 'exclusive', options.signal);
  };
  // The go command checks (and creates) the cache directory once per process.
  let cacheDirChecked: Promise<void> | undefined;
  const ensureCacheDir = (): Promise<void> => {
    const p = (cacheDirChecked ??= modcache.ensureCacheDir(mc));
    p.catch(() => {
      if (cacheDirChecked === p) cacheDirChecked = undefined;
    });
    return p;
  };

  const checkModSum = async (m: ModuleVersion, h: string): Promise<void> => {
    const gs = options.goSum;
    if (gs && (await gs.haveModSum(m, h))) return;
    if (options.sumdb?.use(m.path)) await options.sumdb.check(m, h);
    if (gs) await gs.add(m, h);
  };

  const checkGoMod = async (p: string, version: string, data: Uint8Array): Promise<void> => {
    await checkModSum({ path: p, version: version + '/go.mod' }, hashGoMod(data));
  };

  /**
   * infoOnDisk holds the `.info` files this Fetcher read intact or wrote itself: a later
   * infoFile for that version needs no second read (readDiskStat would find them).
   */
  const infoOnDisk = new Map<string, string>();

  const statRev = (p: string, rev: string): Promise<RevInfo> =>
    statMemo(`${p}@${rev}`, async () => {
      const disk = await modcache.readDiskStat(mc, { path: p, version: rev });
      if (disk.info) {
        if (disk.file) {
          infoOnDisk.set(`${p}@${rev}`, disk.file);
          knownDirs.add(path.dirname(disk.file));
        }
        return { version: disk.info.version, time: disk.info.time };
      }
      const info = await client.info(p, rev);
      let file = disk.file;
      if (info.version !== rev) {
        try {
          file = modcache.cachePath(mc, { path: p, version: info.version }, 'info');
        } catch {
          file = undefined;
        }
      }
      try {
        await modcache.writeDiskStat(
          file,
          { version: info.version, time: info.time, ...(isOrigin(info.origin) ? { origin: info.origin } : {}) },
          locker,
        );
        if (file) {
          infoOnDisk.set(`${p}@${info.version}`, file);
          knownDirs.add(path.dirname(file));
        }
      } catch (e) {
        log(`go: writing stat cache: ${(e as Error).message}`);
      }
      return info;
    });

  const goMod = (p: string, rev: string): Promise<Uint8Array> =>
    goModMemo(`${p}@${rev}`, async () => {
      let version = rev;
      if (!semver.isValid(version)) version = (await statRev(p, rev)).version;
      const disk = await modcache.readDiskGoMod(mc, { path: p, version });
      if (disk.data) {
        await checkGoMod(p, version, disk.data);
        if (disk.file) knownDirs.add(path.dirname(disk.file));
        return disk.data;
      }
      const data = await client.goMod(p, version);
      await checkGoMod(p, version, data);
      try {
        await modcache.writeDiskGoMod(disk.file, data, locker);
        if (disk.file) knownDirs.add(path.dirname(disk.file));
      } catch (e) {
        log(`go: writing go.mod cache: ${(e as Error).message}`);
      }
      return data;
    });

  /**
   * zipHashes remembers each version's `.ziphash` as this Fetcher last read or wrote it
   * (Sum and checkMod read the same file; one read serves both). A failed read is
   * forgotten, so that the next caller reads again.
   */
  const zipHashes = new Map<string, Promise<{ hash: string; valid: boolean }>>();
  const readZipHash = (m: ModuleVersion): Promise<{ hash: string; valid: boolean }> => {
    const k = `${m.path}@${m.version}`;
    let p = zipHashes.get(k);
    if (!p) {
      const read = (async () => modcache.readZipHash(modcache.cachePath(mc, m, 'ziphash')))();
      read.catch(() => {
        if (zipHashes.get(k) === read) zipHashes.delete(k);
      });
      zipHashes.set(k, (p = read));
    }
    return p;
  };

  /** hashZipFile hashes zipFile, checks the hash, and writes ziphashFile (modfetch.hashZip). */
  const hashZipFile = async (m: ModuleVersion, zipFile: string, ziphashFile: string): Promise<void> => {
    await recordZipHash(m, await dirhashZip(zipFile), ziphashFile);
  };

  /** recordZipHash checks the hash h of m's zip and writes ziphashFile (the second half of modfetch.hashZip). */
  const recordZipHash = async (m: ModuleVersion, h: string, ziphashFile: string): Promise<void> => {
    await checkModSum(m, h);
    await modcache.writeZipHash(ziphashFile, h);
    zipHashes.set(`${m.path}@${m.version}`, Promise.resolve({ hash: h, valid: true }));
  };

  const downloadZipLocked = async (m: ModuleVersion, zipFile: string): Promise<void> => {
    const ziphashFile = zipFile + 'hash';
    const zipExists = exists(zipFile);
    if (zipExists && exists(ziphashFile)) return;
    // (The directory exists after the lock file was created in it.)
    const dir = path.dirname(zipFile);
    // Temporary files of interrupted downloads: safe to remove while holding the lock.
    const base = path.basename(zipFile);
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      // Nothing to clean up.
    }
    for (const name of names) {
      if (name.startsWith(base) && name.endsWith('.tmp')) rmSync(path.join(dir, name), { force: true });
    }
    if (zipExists) {
      // The .ziphash was lost: hash the zip again without downloading it.
      await hashZipFile(m, zipFile, ziphashFile);
      return;
    }
    // One descriptor for the temporary zip: created exclusively, written by the client.
    const { name: tmp, handle } = await modcache.openTempFile(zipFile);
    try {
      try {
        await client.zip(m.path, m.version, handle);
      } finally {
        await handle.close();
      }
      // One open of the zip: its names are checked, then its entries hashed.
      const prefix = `${m.path}@${m.version}/`;
      const z = await openZipReader(tmp);
      let h: string;
      try {
        for (const e of z.entries) {
          if (!e.name.startsWith(prefix)) {
            throw new CodedError(
              'ERR_MODFETCH_ZIP_UNEXPECTED_FILE',
              `zip for ${prefix.slice(0, -1)} has unexpected file ${e.name}`,
              { path: m.path, version: m.version, file: e.name },
            );
          }
        }
        h = await hashZipReader(z);
      } finally {
        await z.close();
      }
      await recordZipHash(m, h, ziphashFile);
      renameSync(tmp, zipFile);
    } catch (e) {
      rmSync(tmp, { force: true });
      if (e instanceof CodedError) throw e;
      throw ioError('ERR_MODCACHE_IO', e);
    }
  };

  const downloadZip = (m: ModuleVersion): Promise<string> =>
    zipMemo(`${m.path}@${m.version}`, async () => {
      const zipFile = modcache.cachePath(mc, m, 'zip');
      if (exists(zipFile) && exists(zipFile + 'hash')) return zipFile;
      if (options.cmdName !== 'mod download') log(`go: downloading ${m.path} ${m.version}`);
      const unlock = await lockVersion(m);
      try {
        await downloadZipLocked(m, zipFile);
      } finally {
        await unlock();
      }
      return zipFile;
    });

  /** checkMod re-checks the recorded zip hash of a downloaded module; its failures are fatal. */
  const checkMod = async (m: ModuleVersion): Promise<void> => {
    let ziphash: string;
    let rec: { hash: string; valid: boolean };
    try {
      ziphash = modcache.cachePath(mc, m, 'ziphash');
      rec = await readZipHash(m);
    } catch (e) {
      throw verifyError(m, e);
    }
    if (!rec.valid) {
      try {
        await hashZipFile(m, modcache.cachePath(mc, m, 'zip'), ziphash);
      } catch (e) {
        if (isFatal(e)) throw e;
        throw verifyError(m, e);
      }
      return;
    }
    if (!rec.hash.startsWith('h1:')) throw verifyError(m, new Error(`unexpected ziphash: ${module.goQuote(rec.hash)}`));
    try {
      await checkModSum(m, rec.hash);
    } catch (e) {
      if (isFatal(e)) throw e;
      throw new CodedError(
        'ERR_MODFETCH_VERIFY',
        (e as Error).message,
        { path: m.path, version: m.version },
        { cause: e },
      );
    }
  };

  const download = (m: ModuleVersion): Promise<string> =>
    dlMemo(`${m.path}@${m.version}`, async () => {
      await ensureCacheDir();
      const d = modcache.downloadDirSync(mc, m);
      let dir = d.dir;
      if (d.error) {
        if (!modcache.isNotExist(d.error)) throw d.error;
        const zipFile = await downloadZip(m);
        dir = await modcache.extract(mc, m, zipFile, {
          locker,
          checked: true,
          ...(options.writable ? { writable: true } : {}),
          onLog: log,
          ...(options.signal ? { signal: options.signal } : {}),
        });
      }
      await checkMod(m);
      return dir;
    });

  return {
    options,
    stat: statRev,
    async infoFile(p, version) {
      if (!semver.isValid(version))
        throw new CodedError('ERR_MODFETCH_BAD_VERSION', `invalid version ${module.goQuote(version)}`, {
          path: p,
          version,
        });
      const known = infoOnDisk.get(`${p}@${version}`);
      if (known) {
        // Read or written intact by this Fetcher: what readDiskStat would find (InfoFile).
        const info = await statRev(p, version);
        if (info.version === version) return { info, file: known };
      }
      const disk = await modcache.readDiskStat(mc, { path: p, version });
      if (disk.info && disk.file)
        return { info: { version: disk.info.version, time: disk.info.time }, file: disk.file };
      const info = await statRev(p, version);
      return { info, file: modcache.cachePath(mc, { path: p, version }, 'info') };
    },
    goMod,
    async goModFile(p, version) {
      if (!semver.isValid(version))
        throw new CodedError('ERR_MODFETCH_BAD_VERSION', `invalid version ${module.goQuote(version)}`, {
          path: p,
          version,
        });
      await goMod(p, version);
      return modcache.cachePath(mc, { path: p, version }, 'mod');
    },
    async goModSum(p, version) {
      if (!semver.isValid(version))
        throw new CodedError('ERR_MODFETCH_BAD_VERSION', `invalid version ${module.goQuote(version)}`, {
          path: p,
          version,
        });
      return hashGoMod(await goMod(p, version));
    },
    downloadZip: async (m) => {
      await ensureCacheDir();
      return downloadZip(m);
    },
    download,
    async sum(m) {
      // modfetch.Sum: the recorded hash when it is complete, else "".
      if (mc === '') return '';
      try {
        const r = await readZipHash(m);
        return r.valid ? r.hash : '';
      } catch {
        return '';
      }
    },
    checkModSum,
  };
}

/** isOrigin reports whether a proxy's Origin field is a JSON object of strings. */
function isOrigin(o: unknown): o is Record<string, string> {
  return o !== null && typeof o === 'object' && !Array.isArray(o);
}
