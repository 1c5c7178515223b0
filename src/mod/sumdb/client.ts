/**
 * The checksum-database client (golang.org/x/mod/sumdb, client.go): lookups verified
 * through tiles against signed tree heads, with the latest head kept consistent over
 * time. See index.ts for the protocol and the invariants.
 */
import { CodedError } from '../internal/errors.js';
import { escapePath, escapeVersion, matchPrefixPatterns } from '../module/index.js';
import { open, verifierList, newVerifier } from './note/index.js';
import type { Verifiers } from './note/index.js';
import {
  EMPTY_TREE_HASH,
  formatTilePath,
  hashEqual,
  hashString,
  parseRecord,
  parseTree,
  proveTree,
  checkTree,
  recordHash,
  storedHashIndex,
  tileHashReader,
  tileKey,
  treeHash,
} from './tlog/index.js';
import type { Tile, TileReader, Tree } from './tlog/index.js';
import { gonosumdbError, securityError, wrapError, findCode } from './errors.js';
import { decodeUtf8 } from './text.js';

/**
 * ClientOps are the external operations a Client needs (x/mod's ClientOps). All may be
 * called concurrently (overlapping promises).
 */
export interface ClientOps {
  /**
   * readRemote returns the content served at path ("/lookup/…", "/latest" or "/tile/…")
   * on the database server; it rejects for any non-200 answer.
   */
  readRemote(path: string): Promise<Uint8Array>;
  /**
   * readConfig returns a configuration file: "key" (the verifier key) or
   * "<name>/latest" (the latest signed tree head seen; empty bytes for none yet).
   */
  readConfig(file: string): Promise<Uint8Array>;
  /**
   * writeConfig atomically replaces configuration file content old by new (a
   * compare-and-swap): if the stored content is not old it must throw the
   * writeConflict error (code ERR_SUMDB_WRITE_CONFLICT). "key" is never written.
   */
  writeConfig(file: string, old: Uint8Array, new_: Uint8Array): Promise<void>;
  /** readCache returns a cache file ("<name>/lookup/…", "<name>/tile/…"); any rejection means "not cached". */
  readCache(file: string): Promise<Uint8Array>;
  /** writeCache stores a cache file; failures are ignored (the data is fetched again next time). */
  writeCache(file: string, data: Uint8Array): Promise<void>;
  /** log reports a message. */
  log(msg: string): void;
  /**
   * securityError reports proof that the server misbehaved (the go command prints it
   * and exits). The operation that found it then rejects with ERR_SUMDB_SECURITY.
   */
  securityError(msg: string): void;
}

/** ClientOptions are what x/mod sets with SetTileHeight and SetGONOSUMDB. */
export interface ClientOptions {
  /** tileHeight is the tile height to read (default 8, as the go command). */
  readonly tileHeight?: number;
  /** nosumdb is a comma-separated GONOSUMDB glob list; matching paths are not looked up. */
  readonly nosumdb?: string;
}

/** When a tree head is relative to the client's latest one. */
type When = 'past' | 'now' | 'future';

/** treeEqual reports whether two trees are the same tree. */
function treeEqual(a: Tree, b: Tree): boolean {
  return a.n === b.n && hashEqual(a.hash, b.hash);
}

/** text decodes bytes for an error message (invalid UTF-8 shows as U+FFFD). */
function text(b: Uint8Array): string {
  return decodeUtf8(b) ?? Buffer.from(b).toString('utf8');
}

/**
 * A Client is a client of one checksum database (x/mod's sumdb.Client). All methods
 * may be used concurrently. Lookups of the same module@version, and reads of the same
 * tile, share one request for the client's lifetime (errors included, as x/mod's
 * parCache).
 */
export class Client {
  private readonly ops: ClientOps;
  private didLookup = false;
  private tileHeight = 0;
  private nosumdb = '';

  private initPromise: Promise<void> | undefined;
  private name = '';
  private verifiers: Verifiers | undefined;

  private readonly recordCache = new Map<string, Promise<Uint8Array>>();
  private readonly tileCache = new Map<string, Promise<Uint8Array>>();
  private readonly tileSaved = new Set<string>();

  /** latest is the latest known tree head; latestMsg its signed note (empty for the empty tree). */
  private latest: Tree = { n: 0, hash: EMPTY_TREE_HASH };
  private latestMsg: Uint8Array = new Uint8Array();

  private readonly tileReader: TileReader;

  /**
   * openedNotes remembers the text of tree notes already verified (by content): every
   * lookup answer carries the same signed head, and the signature check is the costly
   * part. Bounded; the verifier key never changes for a client.
   */
  private readonly openedNotes = new Map<string, string>();

  /** constructor makes a Client over ops (x/mod's NewClient); options may set the tile height and GONOSUMDB. */
  constructor(ops: ClientOps, options: ClientOptions = {}) {
    this.ops = ops;
    if (options.tileHeight !== undefined) this.setTileHeight(options.tileHeight);
    if (options.nosumdb !== undefined && options.nosumdb !== '') this.setGONOSUMDB(options.nosumdb);
    const height = (): number => this.tileHeight;
    this.tileReader = {
      get height() {
        return height();
      },
      readTiles: (tiles) => this.readTiles(tiles),
      saveTiles: (tiles, data) => this.saveTiles(tiles, data),
    };
  }

  /**
   * setTileHeight sets the tile height (default 8). It throws ERR_SUMDB_CLIENT_STATE if
   * called after the first lookup, twice, or with a height ≤ 0 (x/mod panics).
   */
  setTileHeight(height: number): void {
    if (this.didLookup) throw clientState('SetTileHeight used after Lookup');
    if (!Number.isInteger(height) || height <= 0 || height > 30) throw clientState('invalid call to SetTileHeight');
    if (this.tileHeight !== 0) throw clientState('multiple calls to SetTileHeight');
    this.tileHeight = height;
  }

  /**
   * setGONOSUMDB sets the comma-separated GONOSUMDB glob list: lookup of a matching
   * path rejects with ERR_SUMDB_GONOSUMDB. It throws ERR_SUMDB_CLIENT_STATE if called
   * after the first lookup or twice (x/mod panics).
   */
  setGONOSUMDB(list: string): void {
    if (this.didLookup) throw clientState('SetGONOSUMDB used after Lookup');
    if (this.nosumdb !== '') throw clientState('multiple calls to SetGONOSUMDB');
    this.nosumdb = list;
  }

  /** init reads the key and the latest tree head, once; its failure is sticky. */
  private init(): Promise<void> {
    this.initPromise ??= this.initWork().catch((e: unknown) => {
      throw wrapError('ERR_SUMDB_INIT', 'initializing sumdb.Client: ', e);
    });
    return this.initPromise;
  }

  private async initWork(): Promise<void> {
    if (this.tileHeight === 0) this.tileHeight = 8;
    const vkey = await this.ops.readConfig('key');
    const verifier = newVerifier(Buffer.from(vkey).toString('utf8').trim());
    this.verifiers = verifierList(verifier);
    this.name = verifier.name;
    const data = await this.ops.readConfig(this.name + '/latest');
    await this.mergeLatest(data);
  }

  /**
   * lookup returns the go.sum lines for module path at version vers (for vers ending in
   * "/go.mod", the go.mod lines): every line of the verified record that starts with
   * "path vers". The record is read from the cache or the server, and is authenticated
   * by a tile proof against a signed tree head that is proven consistent with the
   * latest one seen. Failures reject with `path@vers: <reason>` (ERR_SUMDB_LOOKUP,
   * reasonCode = the underlying code); a path matching GONOSUMDB rejects with
   * ERR_SUMDB_GONOSUMDB; proof of a misbehaving server is reported through
   * ops.securityError and rejects with reasonCode ERR_SUMDB_SECURITY.
   */
  async lookup(path: string, vers: string): Promise<string[]> {
    this.didLookup = true;
    if (this.nosumdb !== '' && matchPrefixPatterns(this.nosumdb, path)) throw gonosumdbError(path);
    try {
      await this.init();
      const epath = escapePath(path);
      const evers = escapeVersion(vers.endsWith('/go.mod') ? vers.slice(0, -'/go.mod'.length) : vers);
      const remotePath = `/lookup/${epath}@${evers}`;
      const file = this.name + remotePath;

      // One fetch per record: go.sum lines come in pairs (zip and go.mod) for one record.
      let result = this.recordCache.get(file);
      if (!result) {
        result = this.fetchRecord(file, remotePath);
        this.recordCache.set(file, result);
      }
      const data = await result;

      const prefix = `${path} ${vers}`;
      return text(data)
        .split('\n')
        .filter((line) => line.startsWith(prefix));
    } catch (e) {
      throw wrapError('ERR_SUMDB_LOOKUP', `${path}@${vers}: `, e, { path, version: vers });
    }
  }

  /** fetchRecord reads a lookup answer from the cache or the server and authenticates it. */
  private async fetchRecord(file: string, remotePath: string): Promise<Uint8Array> {
    let writeCache = false;
    let data: Uint8Array;
    try {
      data = await this.ops.readCache(file);
    } catch {
      data = await this.ops.readRemote(remotePath);
      writeCache = true;
    }
    // Validate the record before using it for anything.
    const { id, text: recText, rest: treeMsg } = parseRecord(data);
    await this.mergeLatest(treeMsg);
    await this.checkRecord(id, recText);
    // Now that it is validated, it may be cached (unless that is where it came from).
    if (writeCache) await this.ops.writeCache(file, data).catch(() => undefined);
    return data;
  }

  /**
   * mergeLatest merges the tree head in msg into the client's latest one, checking that
   * they are on one timeline, and writes a newer head back to the "latest" config file,
   * merging any concurrent update of that file (writeConfig is a compare-and-swap).
   */
  private async mergeLatest(msg: Uint8Array): Promise<void> {
    const when = await this.mergeLatestMem(msg);
    if (when !== 'future') return;
    for (;;) {
      const cfg = await this.ops.readConfig(this.name + '/latest');
      const w = await this.mergeLatestMem(cfg);
      // The file matched our present or was from the future: memory now matches it.
      if (w !== 'past') return;
      try {
        await this.ops.writeConfig(this.name + '/latest', cfg, this.latestMsg);
        return;
      } catch (e) {
        if (!findCode(e, 'ERR_SUMDB_WRITE_CONFLICT')) throw e;
      }
    }
  }

  /**
   * mergeLatestMem merges msg into the in-memory latest tree head only, and says whether
   * msg was from the past, the present, or the future (then it became the latest).
   */
  private async mergeLatestMem(msg: Uint8Array): Promise<When> {
    if (msg.length === 0) {
      // Empty is the unsigned, empty timeline.
      return this.latest.n === 0 ? 'now' : 'past';
    }
    const msgKey = Buffer.from(msg.buffer, msg.byteOffset, msg.byteLength).toString('latin1');
    let noteText: string;
    try {
      noteText = this.openedNotes.get(msgKey) ?? open(msg, this.verifiers).text;
      if (this.openedNotes.size >= 64) this.openedNotes.clear();
      this.openedNotes.set(msgKey, noteText);
    } catch (e) {
      throw wrapError('ERR_SUMDB_TREE_NOTE', 'reading tree note: ', e, {}, `\nnote:\n${text(msg)}`);
    }
    let tree: Tree;
    try {
      tree = parseTree(noteText);
    } catch (e) {
      throw wrapError('ERR_SUMDB_TREE', 'reading tree: ', e, {}, `\ntree:\n${noteText}`);
    }

    // Other lookups may move the latest head while the tiles load: loop until installed.
    let latest = this.latest;
    let latestMsg = this.latestMsg;
    for (;;) {
      if (tree.n <= latest.n) {
        // An old-looking head must be on our timeline.
        await this.checkTrees(tree, msg, latest, latestMsg);
        return tree.n < latest.n ? 'past' : 'now';
      }
      // A new head: our timeline must be its prefix.
      await this.checkTrees(latest, latestMsg, tree, msg);
      if (treeEqual(this.latest, latest)) {
        this.latest = tree;
        this.latestMsg = msg;
        return 'future';
      }
      latest = this.latest;
      latestMsg = this.latestMsg;
    }
  }

  /**
   * checkTrees checks that older (signed in olderNote) is a prefix of newer. Malformed
   * data or network problems reject with `checking tree#N…: <reason>`. Evidence of a
   * fork is reported through ops.securityError with the go command's text, and then
   * rejects with ERR_SUMDB_SECURITY.
   */
  private async checkTrees(older: Tree, olderNote: Uint8Array, newer: Tree, newerNote: Uint8Array): Promise<void> {
    const thr = tileHashReader(newer, this.tileReader);
    let h: Uint8Array;
    try {
      h = await treeHash(older.n, thr);
    } catch (e) {
      const prefix =
        older.n === newer.n ? `checking tree#${older.n}: ` : `checking tree#${older.n} against tree#${newer.n}: `;
      throw wrapError('ERR_SUMDB_CHECK_TREE', prefix, e, { older: older.n, newer: newer.n });
    }
    if (hashEqual(h, older.hash)) return;

    // A fork in the timeline: report both signed heads and the proof that they disagree.
    // The proof reuses the tiles just loaded, so it needs no further network access.
    const indent = (b: Uint8Array): string => text(b).replaceAll('\n', '\n\t');
    let buf = 'SECURITY ERROR\n';
    buf += 'go.sum database server misbehavior detected!\n\n';
    buf += `old database:\n\t${indent(olderNote)}\n`;
    buf += `new database:\n\t${indent(newerNote)}\n`;
    buf += `proof of misbehavior:\n\t${hashString(h)}`;
    try {
      const p = await proveTree(newer.n, older.n, thr);
      try {
        checkTree(p, newer.n, newer.hash, older.n, h);
        for (const x of p) buf += `\n\t${hashString(x)}`;
      } catch {
        buf += '\tinternal error: generated inconsistent proof\n';
      }
    } catch (e) {
      buf += `\tinternal error: ${(e as Error).message}\n`;
    }
    this.ops.securityError(buf);
    throw securityError();
  }

  /** checkRecord checks that record id's hash in the latest tree matches data. */
  private async checkRecord(id: number, data: Uint8Array): Promise<void> {
    const latest = this.latest;
    if (id >= latest.n) {
      throw new CodedError('ERR_SUMDB_RECORD_NOT_IN_TREE', `cannot validate record ${id} in tree of size ${latest.n}`, {
        id,
        treeSize: latest.n,
      });
    }
    const [h] = await tileHashReader(latest, this.tileReader).readHashes([storedHashIndex(0, id)]);
    if (h && hashEqual(h, recordHash(data))) return;
    throw new CodedError('ERR_SUMDB_RECORD_MISMATCH', 'cannot authenticate record data in server response', { id });
  }

  /** readTiles reads all tiles in parallel; the first failure (in tile order) rejects. */
  private async readTiles(tiles: readonly Tile[]): Promise<Uint8Array[]> {
    const results = await Promise.allSettled(tiles.map((t) => this.readTile(t)));
    return results.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
  }

  private tileFile(tile: Tile): string {
    return `${this.name}/${formatTilePath(tile)}`;
  }

  /** readTile reads one tile from the cache or the server, once per client. */
  private readTile(tile: Tile): Promise<Uint8Array> {
    const key = tileKey(tile);
    let p = this.tileCache.get(key);
    if (!p) {
      p = this.readTileWork(tile);
      this.tileCache.set(key, p);
    }
    return p;
  }

  private async readTileWork(tile: Tile): Promise<Uint8Array> {
    // The requested tile from the cache.
    try {
      const data = await this.ops.readCache(this.tileFile(tile));
      this.tileSaved.add(tileKey(tile));
      return data;
    } catch {
      // not cached
    }
    // The full tile from the cache: only authenticated tiles are cached, so its prefix is too.
    const full: Tile = { ...tile, w: 2 ** tile.h };
    const prefixOf = (data: Uint8Array): Uint8Array => data.subarray(0, Math.floor(data.length / full.w) * tile.w);
    if (tile.w !== full.w) {
      try {
        const data = await this.ops.readCache(this.tileFile(full));
        this.tileSaved.add(tileKey(tile)); // no need to save the partial tile later
        return prefixOf(data);
      } catch {
        // not cached
      }
    }
    // The requested tile from the server.
    let err: unknown;
    try {
      return await this.ops.readRemote('/' + formatTilePath(tile));
    } catch (e) {
      err = e;
    }
    // A partial tile may be gone because the tile was completed: try the full one. It is
    // not cached here (not yet validated as a whole); saveTiles caches the partial tile.
    if (tile.w !== full.w) {
      try {
        return prefixOf(await this.ops.readRemote('/' + formatTilePath(full)));
      } catch {
        // report the error for the requested tile
      }
    }
    throw err;
  }

  /** saveTiles writes the tiles that tileHashReader authenticated and that are not cached yet. */
  private async saveTiles(tiles: readonly Tile[], data: readonly Uint8Array[]): Promise<void> {
    const writes: Promise<void>[] = [];
    tiles.forEach((tile, i) => {
      const key = tileKey(tile);
      if (this.tileSaved.has(key)) return;
      // Marked even if the write fails: a later run downloads it again.
      this.tileSaved.add(key);
      writes.push(this.ops.writeCache(this.tileFile(tile), data[i]!).catch(() => undefined));
    });
    await Promise.all(writes);
  }
}

function clientState(msg: string): CodedError {
  return new CodedError('ERR_SUMDB_CLIENT_STATE', msg, {});
}
