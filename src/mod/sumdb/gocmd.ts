/**
 * The go command's checksum-database glue (cmd/go/internal/modfetch/sumdb.go and
 * checkSumDB in fetch.go): how the database is reached through the GOPROXY list, where
 * its files live on disk, and how a downloaded hash is checked against it.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open as openFile, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../internal/errors.js';
import { tryProxies as walkProxies } from '../goproxy/client.js';
import type { ProxySpec } from '../goproxy/list.js';
import { createDeadlineQueue } from '../web/deadline.js';
import type { FetchLike } from '../web/types.js';
import { Client } from './client.js';
import type { ClientOps } from './client.js';
import { isNotExist, writeConflict } from './errors.js';
import type { SumdbConfig } from './gosumdb.js';
import { bytesEqual } from './text.js';
import { formatGoURL, getBytes, joinGoURL, parseGoURL } from './web.js';
import type { GoURL } from './web.js';

/**
 * A ProxyEntry is one parsed GOPROXY entry (goproxy's ProxySpec): a proxy URL, or
 * "direct", "off" or "noproxy" (the go command's implicit first entry when GONOPROXY is
 * set). fallBackOnError is true when the entry was followed by "|" rather than ",".
 */
export type ProxyEntry = ProxySpec;

/** GoSumdbOptions configure the go command's way of reaching one checksum database. */
export interface GoSumdbOptions {
  /** config is the parsed GOSUMDB (see parseGOSUMDB). */
  readonly config: SumdbConfig;
  /** proxies is the parsed GOPROXY list, in order. */
  readonly proxies: readonly ProxyEntry[];
  /** fetch performs all network access (file:// URLs included, if proxies use them). */
  readonly fetch: FetchLike;
  /**
   * sumdbDir is $GOPATH/pkg/sumdb, where "<name>/latest" is kept. Undefined means
   * GOPATH is unusable; goPathError then says why (Go's cfg.GoPathError).
   */
  readonly sumdbDir: string | undefined;
  readonly goPathError?: string;
  /** modCacheDir is $GOMODCACHE; lookups and tiles are cached in cache/download/sumdb under it. */
  readonly modCacheDir: string;
  /** timeoutMs bounds every request (default 30 s). */
  readonly timeoutMs?: number;
  /** signal aborts every request (e.g. on interrupt). */
  readonly signal?: AbortSignal;
  /** tileHeight overrides the client's tile height (default 8). */
  readonly tileHeight?: number;
  /** onSecurityError receives the SECURITY ERROR report (the go command prints it and exits 1). */
  readonly onSecurityError?: (msg: string) => void;
  /** onLog receives the client's log messages. */
  readonly onLog?: (msg: string) => void;
}

/** notExistError is an error that counts as "not found" when walking the proxy list. */
function notExistError(message: string): CodedError {
  return new CodedError('ERR_SUMDB_NOT_FOUND', message, { notExist: true });
}

/**
 * tryProxies calls f for each proxy entry until one succeeds, the way the go command's
 * TryProxies does (goproxy's tryProxies, with this package's errors: "not found" is
 * isNotExist, and the noproxy entry's useProxy field): an entry's error ends the walk
 * unless it means "not found" (404, 410) or the entry falls back on any error ("|").
 * It resolves with undefined on success, else with the error ranked most useful:
 * "direct" and "noproxy" errors first, then other proxy errors, then "not found"
 * errors. An empty list resolves with ERR_SUMDB_GOPROXY.
 */
export async function tryProxies(
  proxies: readonly ProxyEntry[],
  f: (proxy: string) => Promise<void>,
): Promise<unknown | undefined> {
  if (proxies.length === 0) {
    return new CodedError('ERR_SUMDB_GOPROXY', 'GOPROXY list is not the empty string, but contains no entries', {});
  }
  try {
    await walkProxies(proxies, f, {
      classify: (err) => ({
        notFound: isNotExist(err),
        useProxy: err instanceof CodedError && err.fields['useProxy'] === true,
      }),
      direct: (err) => err,
    });
    return undefined;
  } catch (e) {
    return e;
  }
}

/** LOCK_STALE_MS: a config lock file older than this was left by a crashed process. */
const LOCK_STALE_MS = 30_000;
/** LOCK_WAIT_MS: give up waiting for the config lock after this long. */
const LOCK_WAIT_MS = 15_000;

/** withLock runs fn holding an exclusive lock file next to target (created with O_EXCL). */
async function withLock<T>(target: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${target}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const fh = await openFile(lock, 'wx');
      await fh.close();
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = await stat(lock).catch(() => undefined);
      if (st && Date.now() - st.mtimeMs > LOCK_STALE_MS) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new CodedError('ERR_SUMDB_LOCK', `timed out waiting for lock ${lock}`, { lock });
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

/**
 * writeAtomic writes data to file through a temporary file and a rename (never
 * half-visible). made remembers directories already created (one mkdir per directory).
 */
async function writeAtomic(file: string, data: Uint8Array, made?: Set<string>): Promise<void> {
  const dir = path.dirname(file);
  if (!made?.has(dir)) {
    await mkdir(dir, { recursive: true });
    made?.add(dir);
  }
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, data, { mode: 0o666 });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * createGoClientOps returns ClientOps that behave as the go command's (modfetch's
 * dbClient):
 *
 *   - readRemote reaches the database at GOSUMDB's explicit URL if it has one;
 *     otherwise, before the first request, it walks the GOPROXY list: for a proxy URL
 *     it GETs `<proxy>/sumdb/<name>/supported`; 200 means "use `<proxy>/sumdb/<name>`";
 *     404/410 (or any error after a "|") moves on; "direct", "off" and "noproxy" also
 *     move on; when every entry moved on, the database's own URL (https://<name>) is
 *     used. Any other failure becomes the error of every remote read.
 *   - readConfig("key") is the GOSUMDB key; "<name>/latest" is read from sumdbDir
 *     (missing file = empty).
 *   - writeConfig is a compare-and-swap of that file under a lock file, written
 *     atomically (temporary file + rename).
 *   - readCache/writeCache use modCacheDir/cache/download/sumdb/<file>; an empty file
 *     counts as missing.
 *
 * Every request has a timeout. File names come from the client (database name,
 * escaped module paths, tile paths) and are confined to the two directories.
 */
export function createGoClientOps(options: GoSumdbOptions): ClientOps {
  const { config, fetch } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  // One timer for the client's requests (see web's createDeadlineQueue).
  const deadlines = createDeadlineQueue();
  const get = (url: string): Promise<Uint8Array> =>
    getBytes(fetch, url, { timeoutMs, deadlines, ...(options.signal ? { signal: options.signal } : {}) });

  let base: Promise<GoURL> | undefined;
  const initBase = async (): Promise<GoURL> => {
    if (config.url !== undefined) return parseGoURL(config.url);
    let found: GoURL | undefined;
    const err = await tryProxies(options.proxies, async (proxy) => {
      switch (proxy) {
        case 'noproxy':
          throw new CodedError('ERR_SUMDB_NOT_FOUND', 'path does not match GOPRIVATE/GONOPROXY', {
            notExist: true,
            useProxy: true,
          });
        case 'direct':
        case 'off':
          throw notExistError('module lookup disabled by GOPROXY=off');
        default:
          await get(formatGoURL(joinGoURL(parseGoURL(proxy), `sumdb/${config.name}/supported`)));
          found = joinGoURL(parseGoURL(proxy), `sumdb/${config.name}`);
      }
    });
    if (found !== undefined) return found;
    // No proxies, all said "not found" (or fell back), or "direct"/"off" was reached.
    if (err === undefined || isNotExist(err)) return parseGoURL(config.directURL);
    throw err;
  };

  const within = (root: string, file: string): string => {
    const target = path.join(root, file);
    const rel = path.relative(root, target);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new CodedError('ERR_SUMDB_BAD_FILE', `invalid sumdb file name ${JSON.stringify(file)}`, { file });
    }
    return target;
  };
  const sumdbFile = (file: string): string => {
    if (options.sumdbDir === undefined) {
      throw new CodedError(
        'ERR_SUMDB_CONFIG',
        `could not locate sumdb file: missing $GOPATH: ${options.goPathError ?? 'GOPATH is not set'}`,
        { file },
      );
    }
    return within(options.sumdbDir, file);
  };
  const cacheRoot = path.join(options.modCacheDir, 'cache', 'download', 'sumdb');
  const made = new Set<string>();

  return {
    async readRemote(p: string): Promise<Uint8Array> {
      base ??= initBase();
      return get(formatGoURL(joinGoURL(await base, p)));
    },

    async readConfig(file: string): Promise<Uint8Array> {
      if (file === 'key') return new Uint8Array(Buffer.from(config.key));
      const target = sumdbFile(file);
      try {
        return new Uint8Array(await readFile(target));
      } catch (e) {
        // A missing file is the empty timeline: the first contact with this database.
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return new Uint8Array();
        throw e;
      }
    },

    async writeConfig(file: string, old: Uint8Array, new_: Uint8Array): Promise<void> {
      if (file === 'key') throw new CodedError('ERR_SUMDB_CONFIG', 'cannot write key', { file });
      const target = sumdbFile(file);
      await mkdir(path.dirname(target), { recursive: true });
      await withLock(target, async () => {
        const data = await readFile(target).catch((e: NodeJS.ErrnoException) => {
          if (e.code === 'ENOENT') return Buffer.alloc(0);
          throw e;
        });
        if (data.length > 0 && !bytesEqual(data, old)) throw writeConflict(file);
        await writeAtomic(target, new_);
      });
    },

    async readCache(file: string): Promise<Uint8Array> {
      const target = within(cacheRoot, file);
      const data = await readFile(target);
      // An empty file is one being written: treat it as missing.
      if (data.length === 0) throw Object.assign(new Error(`read ${target}: file does not exist`), { code: 'ENOENT' });
      return new Uint8Array(data);
    },

    async writeCache(file: string, data: Uint8Array): Promise<void> {
      await writeAtomic(within(cacheRoot, file), data, made);
    },

    log(msg: string): void {
      options.onLog?.(msg);
    },

    securityError(msg: string): void {
      options.onSecurityError?.(msg);
    },
  };
}

/** A GoSumdb is a client for one checksum database, set up as the go command does. */
export interface GoSumdb {
  /** name is the database name (used in mismatch messages). */
  readonly name: string;
  readonly client: Client;
}

/** createGoSumdb builds the client the go command's dbDial builds (see createGoClientOps). */
export function createGoSumdb(options: GoSumdbOptions): GoSumdb {
  const ops = createGoClientOps(options);
  return {
    name: options.config.name,
    client: new Client(ops, options.tileHeight !== undefined ? { tileHeight: options.tileHeight } : {}),
  };
}

/** SUMDB_MISMATCH is the go command's explanation after a checksum mismatch with the database. */
export const SUMDB_MISMATCH = `

SECURITY ERROR
This download does NOT match the one reported by the checksum server.
The bits may have been replaced on the origin server, or an attacker may
have intercepted the download attempt.

For more information, see 'go help module-auth'.
`;

/**
 * checkSumDB checks the hash h of a downloaded module (version "vX" for the zip,
 * "vX/go.mod" for the go.mod file) against the checksum database, as the go command's
 * checkSumDB. A lookup failure rejects with
 * `path@version: verifying module: <lookup error>` (ERR_SUMDB_VERIFY; "go.mod" instead
 * of "module" for a go.mod hash); a different hash rejects with
 * `path@version: verifying module: checksum mismatch\n\tdownloaded: h1:…\n\t<db>: h1:…`
 * followed by the SECURITY ERROR explanation (ERR_SUMDB_CHECKSUM_MISMATCH). If the
 * database lists no hash for the module, the check passes (as in Go).
 */
export async function checkSumDB(db: GoSumdb, mod: { path: string; version: string }, h: string): Promise<void> {
  const goMod = mod.version.endsWith('/go.mod');
  const noun = goMod ? 'go.mod' : 'module';
  const version = goMod ? mod.version.slice(0, -'/go.mod'.length) : mod.version;
  let lines: string[];
  try {
    lines = await db.client.lookup(mod.path, mod.version);
  } catch (e) {
    const inner = e instanceof Error ? e.message : String(e);
    const reasonCode = e instanceof CodedError ? (e.fields['reasonCode'] ?? e.code) : undefined;
    throw new CodedError(
      'ERR_SUMDB_VERIFY',
      `${mod.path}@${version}: verifying ${noun}: ${inner}`,
      { path: mod.path, version, noun, ...(reasonCode ? { reasonCode } : {}) },
      { cause: e },
    );
  }
  const have = `${mod.path} ${mod.version} ${h}`;
  const prefix = `${mod.path} ${mod.version} h1:`;
  for (const line of lines) {
    if (line === have) return;
    if (line.startsWith(prefix)) {
      const dbHash = line.slice(prefix.length - 'h1:'.length);
      throw new CodedError(
        'ERR_SUMDB_CHECKSUM_MISMATCH',
        `${mod.path}@${version}: verifying ${noun}: checksum mismatch\n\tdownloaded: ${h}\n\t${db.name}: ${dbHash}${SUMDB_MISMATCH}`,
        { path: mod.path, version, noun, downloaded: h, database: db.name, databaseHash: dbHash },
      );
    }
  }
}
