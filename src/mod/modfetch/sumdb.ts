/**
 * The checksum database as the Fetcher consults it (cmd/go/internal/modfetch sumdb.go:
 * useSumDB, dbDial, checkSumDB): the GOSUMDB, GONOSUMDB and GOPATH values become one
 * SumDB, reached through the same GOPROXY list and network as the modules.
 */
import path from 'node:path';
import type { ProxySpec } from '../goproxy/list.js';
import { checkSumDB, createGoSumdb } from '../sumdb/gocmd.js';
import { parseGOSUMDB, useSumDB } from '../sumdb/gosumdb.js';
import type { FetchLike } from '../web/types.js';
import type { SumDB } from './fetch.js';

/** SumDBOptions are the go environment values and the plumbing createSumDB needs. */
export interface SumDBOptions {
  /** GOSUMDB after the go env defaults ("off" disables the database). */
  readonly gosumdb: string;
  /** GONOSUMDB after the go env defaults (GOPRIVATE when unset). */
  readonly gonosumdb: string;
  /** GOPATH (its first entry keeps `pkg/sumdb/<name>/latest`); "" when unusable. */
  readonly gopath: string;
  /** The parsed GOPROXY list (the database may be proxied). */
  readonly proxies: readonly ProxySpec[];
  readonly fetch: FetchLike;
  /** $GOMODCACHE (lookups and tiles are cached under cache/download/sumdb). */
  readonly modcache: string;
  /** Bounds every checksum-database request (createGoSumdb's default when absent). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Receives the SECURITY ERROR text of a misbehaving database (the command then fails). */
  readonly onSecurityError?: (msg: string) => void;
}

/**
 * createSumDB returns the checksum-database check of the go command for these settings,
 * or undefined when GOSUMDB=off. It throws parseGOSUMDB's ERR_SUMDB_GOSUMDB errors (Go's
 * wording) for an unusable GOSUMDB; nothing is fetched before the first check.
 */
export function createSumDB(options: SumDBOptions): SumDB | undefined {
  const { gosumdb, gonosumdb } = options;
  if (gosumdb === 'off') return undefined;
  const config = parseGOSUMDB(gosumdb);
  const gopath = options.gopath.split(path.delimiter)[0] ?? '';
  const db = createGoSumdb({
    config,
    proxies: options.proxies,
    fetch: options.fetch,
    sumdbDir: gopath === '' ? undefined : path.join(gopath, 'pkg', 'sumdb'),
    modCacheDir: options.modcache,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onSecurityError ? { onSecurityError: options.onSecurityError } : {}),
  });
  return {
    use: (p) => useSumDB(gosumdb, gonosumdb, p),
    check: (m, h) => checkSumDB(db, m, h),
  };
}
