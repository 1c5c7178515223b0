/**
 * The optional size cap of the store (`storage.maxBytes`).
 *
 * withEviction wraps a Storage: it keeps a running total of the bytes written and, when
 * the total passes the cap, scans the store and deletes least recently used objects until
 * it is at 90 % of the cap. Only refreshable data is evicted (lists, `@latest`, query
 * `.info` answers, checksum-database tree heads), which the proxy fetches again anyway;
 * versioned files, tiles and lookups are evicted only with `storage.evictVersioned`. When
 * the cap cannot be met without them, a warning is logged (never a silent drop).
 * "Recently used" is the last time the proxy served the object in this process, else the
 * time it was written.
 */
import type { Logger } from './log.js';
import { parseRoute } from './route.js';
import type { ObjectInfo, PutBody, Storage } from './storage/types.js';

/** EvictionOptions configures withEviction. */
export interface EvictionOptions {
  /** The cap in bytes (0: no cap; the storage is returned unchanged). */
  readonly maxBytes: number;
  readonly evictVersioned: boolean;
  /** Last access time of a key (ms), when known. */
  readonly lastAccess: (key: string) => number | undefined;
  readonly logger: Logger;
  /** Called with each evicted object. */
  readonly onEvict?: (info: ObjectInfo, kind: 'list' | 'versioned') => void;
}

/** EvictingStorage is a Storage with an explicit eviction pass (tests, operations). */
export interface EvictingStorage extends Storage {
  /** evictNow runs a pass if the store is over the cap and resolves when it is done. */
  evictNow(): Promise<void>;
}

/** isRefreshableKey reports whether key holds data the proxy refreshes (lists, @latest, query .info, sumdb latest). */
export function isRefreshableKey(key: string): boolean {
  if (key.startsWith('sumdb/')) return key.endsWith('/latest');
  if (key.startsWith('-/')) return false;
  try {
    const r = parseRoute('/' + key);
    return r.kind === 'module' && !r.immutable;
  } catch {
    return false;
  }
}

/** withEviction returns storage unchanged when maxBytes is 0, else a wrapper that enforces the cap. */
export function withEviction(storage: Storage, options: EvictionOptions): EvictingStorage {
  let total: number | undefined;
  let running: Promise<void> | undefined;
  let warned = false;

  const scan = async (): Promise<ObjectInfo[]> => {
    const all: ObjectInfo[] = [];
    for await (const info of storage.list('')) if (!info.key.startsWith('-/')) all.push(info);
    return all;
  };

  const pass = async (): Promise<void> => {
    const all = await scan();
    total = all.reduce((n, i) => n + i.size, 0);
    if (total <= options.maxBytes) return;
    const target = Math.floor(options.maxBytes * 0.9);
    const used = (i: ObjectInfo) => options.lastAccess(i.key) ?? i.modified.getTime();
    const lists = all.filter((i) => isRefreshableKey(i.key)).sort((a, b) => used(a) - used(b));
    const versioned = options.evictVersioned
      ? all.filter((i) => !isRefreshableKey(i.key)).sort((a, b) => used(a) - used(b))
      : [];
    for (const [kind, group] of [
      ['list', lists],
      ['versioned', versioned],
    ] as const) {
      for (const info of group) {
        if (total <= target) break;
        if (await storage.delete(info.key).catch(() => false)) {
          total -= info.size;
          options.onEvict?.(info, kind);
        }
      }
    }
    if (total > options.maxBytes && !warned) {
      warned = true;
      options.logger.warn(
        { totalBytes: total, maxBytes: options.maxBytes },
        'storage is over storage.maxBytes but only versioned files are left; they are kept (set storage.evictVersioned to evict them)',
      );
    } else if (total <= options.maxBytes) {
      warned = false;
    }
  };

  const evictNow = (): Promise<void> => {
    running ??= pass()
      .catch((e: unknown) => options.logger.warn({ err: (e as Error).message }, 'eviction pass failed'))
      .finally(() => (running = undefined));
    return running;
  };

  const added = (info: ObjectInfo): ObjectInfo => {
    if (total !== undefined) total += info.size;
    if (total === undefined || total > options.maxBytes) void evictNow();
    return info;
  };

  if (options.maxBytes <= 0) return { ...storage, evictNow: async () => {} };
  return {
    ...storage,
    kind: storage.kind,
    tempDir: storage.tempDir,
    stat: (k) => storage.stat(k),
    get: (k, r) => storage.get(k, r),
    delete: (k) => storage.delete(k),
    list: (p) => storage.list(p),
    checkWritable: () => storage.checkWritable(),
    ...(storage.localPath ? { localPath: (k: string) => storage.localPath!(k) } : {}),
    ...(storage.close ? { close: () => storage.close!() } : {}),
    put: async (key: string, body: PutBody) => added(await storage.put(key, body)),
    putFile: async (key: string, file: string) => added(await storage.putFile(key, file)),
    evictNow,
  };
}
