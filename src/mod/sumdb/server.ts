/**
 * The checksum-database HTTP server (golang.org/x/mod/sumdb, server.go) as a
 * web-standard handler `(Request) => Promise<Response>`, and an in-memory log that
 * implements its operations (x/mod's TestServer, made growable).
 */
import { CodedError } from '../internal/errors.js';
import { unescapePath, unescapeVersion } from '../module/index.js';
import { newSigner, sign } from './note/index.js';
import type { Signer } from './note/index.js';
import {
  formatRecord,
  formatTree,
  hashReaderFromArray,
  readTileData,
  parseTilePath,
  recordHash,
  storedHashesForRecordHash,
  treeHash,
} from './tlog/index.js';
import type { Hash, Tile, Tree } from './tlog/index.js';
import { isNotExist, notFoundError } from './errors.js';
import { concatBytes, toBytes } from './text.js';

/** ServerOps are the database operations behind a checksum-database server (x/mod's ServerOps). */
export interface ServerOps {
  /** signed returns the signed note of the latest tree head. */
  signed(): Promise<Uint8Array | string>;
  /** readRecords returns the texts of records id … id+n-1; missing records reject (not-found errors give 404). */
  readRecords(id: number, n: number): Promise<Uint8Array[]>;
  /** lookup returns the record id for a module version; an unknown one rejects with a not-found error (404). */
  lookup(m: { path: string; version: string }): Promise<number>;
  /** readTileData returns the data of hash tile t (t.l ≥ 0). */
  readTileData(t: Tile): Promise<Uint8Array>;
}

/** SERVER_PATHS are the URL paths a server answers (x/mod's ServerPaths). */
export const SERVER_PATHS: readonly string[] = ['/lookup/', '/latest', '/tile/'];

const MOD_VER = /^[^@]+@v[0-9]+\.[0-9]+\.[0-9]+(-[^@]*)?(\+incompatible)?$/;

/** textResponse is Go's http.Error: the message and a newline, as plain text. */
function httpError(message: string, status: number): Response {
  return new Response(message + '\n', {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
  });
}

/** reportError answers 404 for a not-found error and 500 otherwise (x/mod's reportError). */
function reportError(e: unknown): Response {
  const msg = e instanceof Error ? e.message : String(e);
  return httpError(msg, isNotExist(e) ? 404 : 500);
}

function ok(body: Uint8Array | string, contentType: string): Response {
  return new Response(typeof body === 'string' ? body : new Uint8Array(body), {
    status: 200,
    headers: { 'content-type': contentType },
  });
}

/** ServerHandlerOptions configure createServerHandler. */
export interface ServerHandlerOptions {
  /**
   * basePath is a URL path prefix to strip first (e.g. "/sumdb/sum.golang.org" when the
   * database is served under a module proxy). Requests outside it get 404.
   */
  readonly basePath?: string;
}

/** decodePath percent-decodes a URL path as Go's URL.Path, or returns undefined for a bad escape. */
function decodePath(p: string): string | undefined {
  try {
    return decodeURIComponent(p);
  } catch {
    return undefined;
  }
}

/**
 * createServerHandler returns a handler serving the checksum-database protocol over ops
 * (x/mod's Server): `GET /latest` (the signed tree head), `GET /lookup/<path>@<version>`
 * (the record, then the signed tree head), `GET /tile/H/L/N[.p/W]` (hash tiles) and
 * `GET /tile/H/data/N[.p/W]` (record texts). Malformed lookups and tile paths get 400,
 * unknown modules 404 (from a not-found error of ops), other failures 500, any other
 * path Go's `404 page not found`. The handler never throws.
 */
export function createServerHandler(
  ops: ServerOps,
  options: ServerHandlerOptions = {},
): (req: Request) => Promise<Response> {
  const basePath = (options.basePath ?? '').replace(/\/$/, '');
  return async (req: Request): Promise<Response> => {
    const raw = new URL(req.url).pathname;
    let p = decodePath(raw);
    if (p === undefined) return httpError('invalid URL escape', 400);
    if (basePath !== '') {
      if (!p.startsWith(basePath + '/')) return httpError('404 page not found', 404);
      p = p.slice(basePath.length);
    }
    try {
      if (p.startsWith('/lookup/')) return await serveLookup(ops, p.slice('/lookup/'.length));
      if (p === '/latest') return ok(await ops.signed(), 'text/plain; charset=UTF-8');
      if (p.startsWith('/tile/')) return await serveTile(ops, p.slice(1));
      return httpError('404 page not found', 404);
    } catch (e) {
      return httpError(e instanceof Error ? e.message : String(e), 500);
    }
  };
}

async function serveLookup(ops: ServerOps, mod: string): Promise<Response> {
  if (!MOD_VER.test(mod)) return httpError('invalid module@version syntax', 400);
  const i = mod.indexOf('@');
  let path: string;
  let version: string;
  let id: number;
  try {
    path = unescapePath(mod.slice(0, i));
    version = unescapeVersion(mod.slice(i + 1));
    id = await ops.lookup({ path, version });
  } catch (e) {
    return reportError(e);
  }
  const records = await ops.readRecords(id, 1);
  if (records.length !== 1) return httpError('invalid record count returned by ReadRecords', 500);
  const msg = formatRecord(id, records[0]!);
  const signed = toBytes(await ops.signed());
  return ok(concatBytes([msg, signed]), 'text/plain; charset=UTF-8');
}

async function serveTile(ops: ServerOps, tilePath: string): Promise<Response> {
  let t: Tile;
  try {
    t = parseTilePath(tilePath);
  } catch {
    return httpError('invalid tile syntax', 400);
  }
  if (t.l === -1) {
    // Record data: the formatted records of the tile, each without its id line.
    const start = t.n * 2 ** t.h;
    let records: Uint8Array[];
    try {
      records = await ops.readRecords(start, t.w);
    } catch (e) {
      return reportError(e);
    }
    if (records.length !== t.w) return httpError('invalid record count returned by ReadRecords', 500);
    const parts = records.map((text, i) => formatRecord(start + i, text));
    return ok(concatBytes(parts), 'text/plain; charset=UTF-8');
  }
  try {
    return ok(await ops.readTileData(t), 'application/octet-stream');
  } catch (e) {
    return reportError(e);
  }
}

/** MemoryLogOptions configure createMemoryLog. */
export interface MemoryLogOptions {
  /** signer signs tree heads: a Signer or an encoded signer key. */
  readonly signer: Signer | string;
  /**
   * gosum, if set, is asked for the record text of a module version that is not in the
   * log yet; the record is then appended (x/mod's TestServer). It rejects (or returns
   * undefined) for an unknown module.
   */
  readonly gosum?: (path: string, version: string) => Promise<string | Uint8Array | undefined>;
}

/** A MemoryLog is an in-memory, growable checksum database implementing ServerOps. */
export interface MemoryLog extends ServerOps {
  /** size is the number of records. */
  readonly size: number;
  /** signerName is the database name (the signer's name). */
  readonly signerName: string;
  /**
   * add appends one record for module path@version (its go.sum lines, usually
   * "path version h1:…\npath version/go.mod h1:…\n") and returns its id. A module
   * already in the log, or invalid record text, throws.
   */
  add(path: string, version: string, text: string | Uint8Array): Promise<number>;
  /** addRecord appends a record that no lookup key points to (x/mod allows any record). */
  addRecord(text: string | Uint8Array): Promise<number>;
  /** tree returns the current tree head (unsigned). */
  tree(): Promise<Tree>;
  /** records returns a copy of all record texts, in log order. */
  records(): Uint8Array[];
  /** key returns the lookup key ("path@version") of record id, if any. */
  keyOf(id: number): string | undefined;
}

/**
 * createMemoryLog returns an empty in-memory log signed by options.signer. Appending
 * keeps the stored hashes in memory (memory grows with the log, as expected of a test
 * and cache server); signed tree heads are memoised per size.
 */
export function createMemoryLog(options: MemoryLogOptions): MemoryLog {
  const signer = typeof options.signer === 'string' ? newSigner(options.signer) : options.signer;
  const hashes: Hash[] = [];
  const records: Uint8Array[] = [];
  const lookup = new Map<string, number>();
  const keys = new Map<number, string>();
  const signedBySize = new Map<number, Promise<string>>();
  // Appends are serialised: each needs the hashes of the ones before.
  let tail: Promise<unknown> = Promise.resolve();

  const append = (text: Uint8Array, key: string | undefined, reuse = false): Promise<number> => {
    const run = async (): Promise<number> => {
      formatRecord(0, text); // validates the record text
      if (key !== undefined && lookup.has(key)) {
        // A concurrent lookup added it first: use that record (x/mod's TestServer does too).
        if (reuse) return lookup.get(key)!;
        throw new CodedError('ERR_SUMDB_DUPLICATE_RECORD', `duplicate record for ${key}`, { key });
      }
      const id = records.length;
      const stored = await storedHashesForRecordHash(id, recordHash(text), hashReaderFromArray(hashes));
      records.push(text);
      hashes.push(...stored);
      if (key !== undefined) {
        lookup.set(key, id);
        keys.set(id, key);
      }
      return id;
    };
    const p = tail.then(run);
    tail = p.catch(() => undefined);
    return p;
  };

  const log: MemoryLog = {
    get size() {
      return records.length;
    },
    signerName: signer.name,
    add: (path, version, text) => append(toBytes(text), `${path}@${version}`),
    addRecord: (text) => append(toBytes(text), undefined),
    async tree() {
      await tail;
      const n = records.length;
      return { n, hash: await treeHash(n, hashReaderFromArray(hashes)) };
    },
    records: () => records.map((r) => r.slice()),
    keyOf: (id) => keys.get(id),

    async signed() {
      const t = await log.tree();
      let s = signedBySize.get(t.n);
      if (!s) {
        s = Promise.resolve(sign({ text: formatTree(t) }, signer));
        signedBySize.set(t.n, s);
      }
      return s;
    },
    async readRecords(id, n) {
      await tail;
      const out: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        const r = records[id + i];
        if (r === undefined) throw notFoundError('missing records', { id: id + i });
        out.push(r);
      }
      return out;
    },
    async lookup(m) {
      const key = `${m.path}@${m.version}`;
      await tail;
      const id = lookup.get(key);
      if (id !== undefined) return id;
      const text = options.gosum ? await options.gosum(m.path, m.version) : undefined;
      if (text === undefined) throw notFoundError(`not found: ${key}`, { key });
      // Another lookup may add it meanwhile: append then reuses that record.
      return append(toBytes(text), key, true);
    },
    async readTileData(t) {
      await tail;
      const size = t.w * 2 ** (t.h * t.l) + t.n * 2 ** (t.h * (t.l + 1));
      if (t.l < 0 || size > records.length) throw notFoundError(`tile not found: ${t.h}/${t.l}/${t.n}/${t.w}`);
      return readTileData(t, hashReaderFromArray(hashes));
    },
  };
  return log;
}
