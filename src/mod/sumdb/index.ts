/**
 * Package sumdb speaks the Go checksum database protocol as the go command does:
 * the client (golang.org/x/mod/sumdb Client), the go command's glue around it
 * (cmd/go/internal/modfetch: GOSUMDB, GONOSUMDB, the GOPROXY walk, the on-disk
 * layout, checkSumDB), and the server side (x/mod's Server as a web-standard handler,
 * plus an in-memory growable log).
 *
 * Protocol (https://go.dev/design/25530-sumdb). A database is a tamper-evident log
 * (package tlog) of records, one per module version, each the module's go.sum lines:
 * `path version h1:…\npath version/go.mod h1:…\n`. Its server answers
 *
 *   - `/latest`: the signed tree head, a note (package note) whose text is
 *     `go.sum database tree\nN\nHASH\n`;
 *   - `/lookup/<escaped path>@<escaped version>`: `ID\nTEXT\n\n` and a signed tree head;
 *   - `/tile/H/L/NNN[.p/W]` and `/tile/H/data/…`: hash tiles and record data.
 *
 * A proxy that supports the database answers 200 at `<proxy>/sumdb/<name>/supported`
 * and serves these paths under `<proxy>/sumdb/<name>/`.
 *
 * Client invariants (as x/mod):
 *   - a record is used only after its hash was proven, through tiles, to be in a tree
 *     head signed by the configured key;
 *   - every tree head seen is proven consistent with the latest one remembered in the
 *     `latest` config file; a head that is not is proof of a forked log, reported
 *     through ClientOps.securityError with the go command's `SECURITY ERROR` text;
 *   - only authenticated records and tiles are written to the cache;
 *   - the `latest` file only moves forward, by compare-and-swap, so concurrent
 *     clients merge instead of overwriting each other.
 *
 * On disk (as the go command): `$GOPATH/pkg/sumdb/<name>/latest`, and
 * `$GOMODCACHE/cache/download/sumdb/<name>/lookup/<path>@<version>` and
 * `…/sumdb/<name>/tile/H/L/NNN[.p/W]` (removed by `go clean -modcache`).
 *
 * Layering: no environment reads; the GOSUMDB value, the GONOSUMDB patterns, the
 * GOPROXY list and the directories are parameters; all network access goes through an
 * injected FetchLike with a timeout.
 *
 * See https://go.dev/ref/mod#checksum-database and
 * https://go.dev/ref/mod#authenticating.
 */
export { Client } from './client.js';
export type { ClientOps, ClientOptions } from './client.js';
export { findCode, gonosumdbError, isNotExist, notFoundError, securityError, writeConflict } from './errors.js';
export { GOSUMDB_ALIASES, KNOWN_GOSUMDB, parseGOSUMDB, useSumDB } from './gosumdb.js';
export type { SumdbConfig } from './gosumdb.js';
export { checkSumDB, createGoClientOps, createGoSumdb, SUMDB_MISMATCH, tryProxies } from './gocmd.js';
export type { GoSumdb, GoSumdbOptions, ProxyEntry } from './gocmd.js';
export { createMemoryLog, createServerHandler, SERVER_PATHS } from './server.js';
export type { MemoryLog, MemoryLogOptions, ServerHandlerOptions, ServerOps } from './server.js';
export { formatErrorDetail, getBytes, goRedacted, joinURL } from './web.js';
export type { GetOptions } from './web.js';
