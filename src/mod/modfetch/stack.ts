/**
 * openFetchStack assembles what one go command run fetches with, from its Go
 * environment values: the GOPROXY client, the checksum database (none with
 * GOSUMDB=off), the main module's go.sum state and the Fetcher that fills the module
 * cache through them. Every command that downloads builds the same stack this way.
 */
import { createGoproxyClient, type GoproxyClient } from '../goproxy/index.js';
import * as modcache from '../modcache/index.js';
import type { FetchLike } from '../web/types.js';
import { createFetcher, type Fetcher } from './fetch.js';
import { GoSumState } from './gosum.js';
import { createSumDB } from './sumdb.js';

/** The Go environment variables the stack reads (values after the go env defaults). */
export type FetchStackEnvName = 'GOPROXY' | 'GONOPROXY' | 'GOSUMDB' | 'GONOSUMDB' | 'GOPATH';

export interface FetchStackOptions {
  readonly fetch: FetchLike;
  /** The resolved value of a Go environment variable. */
  readonly env: (name: FetchStackEnvName) => string;
  /** $GOMODCACHE (absolute). */
  readonly modcache: string;
  /** Locks for the module cache (and for go.sum unless goSumLocker is given). */
  readonly locker: modcache.FileLocker;
  /** The main module's go.sum; "" when there is none. */
  readonly goSumFile: string;
  readonly goSumLocker?: modcache.FileLocker;
  /** The go command's subcommand name (see FetcherOptions.cmdName). */
  readonly cmdName: string;
  /** Keep extracted trees writable (-modcacherw). */
  readonly writable?: boolean;
  /** Bounds every checksum-database request. */
  readonly sumdbTimeoutMs?: number;
  /** Receives the lines the go command prints on stderr. */
  readonly onLog?: (line: string) => void;
  readonly signal?: AbortSignal;
}

export interface FetchStack {
  readonly client: GoproxyClient;
  readonly goSum: GoSumState;
  readonly fetcher: Fetcher;
  /** The first SECURITY ERROR a misbehaving checksum database caused, if any (the command must fail). */
  securityError(): string | undefined;
}

/**
 * openFetchStack builds the stack; nothing is fetched or read yet (the caller runs
 * goSum.init() when it needs go.sum). It throws the go command's errors for an unusable
 * GOPROXY or GOSUMDB.
 */
export function openFetchStack(o: FetchStackOptions): FetchStack {
  const signal = o.signal ? { signal: o.signal } : {};
  let security: string | undefined;
  const client = createGoproxyClient({
    fetch: o.fetch,
    proxy: o.env('GOPROXY'),
    noProxy: o.env('GONOPROXY'),
    ...signal,
  });
  const sumdb = createSumDB({
    gosumdb: o.env('GOSUMDB'),
    gonosumdb: o.env('GONOSUMDB'),
    gopath: o.env('GOPATH'),
    proxies: client.proxies,
    fetch: o.fetch,
    modcache: o.modcache,
    ...(o.sumdbTimeoutMs !== undefined ? { timeoutMs: o.sumdbTimeoutMs } : {}),
    ...signal,
    onSecurityError: (msg) => (security ??= msg),
  });
  const goSum = new GoSumState({
    file: o.goSumFile,
    locker: o.goSumLocker ?? o.locker,
    sideLock: modcache.sideLockPath(o.modcache),
    ...(o.onLog ? { onLog: o.onLog } : {}),
  });
  const fetcher = createFetcher({
    modcache: o.modcache,
    client,
    locker: o.locker,
    goSum,
    ...(sumdb ? { sumdb } : {}),
    ...(o.writable !== undefined ? { writable: o.writable } : {}),
    cmdName: o.cmdName,
    ...(o.onLog ? { onLog: o.onLog } : {}),
    ...signal,
  });
  return { client, goSum, fetcher, securityError: () => security };
}
