/**
 * Tiles: the fixed-size blocks in which a log's stored hashes are published and cached
 * (golang.org/x/mod/sumdb/tlog, tile.go). See index.ts for the model.
 */
import { CodedError } from '../../internal/errors.js';
import {
  HASH_SIZE,
  hashEqual,
  internal,
  nodeHash,
  readExactly,
  shl,
  shr,
  splitStoredHashIndex,
  storedHashIndex,
  subTreeIndex,
} from './tlog.js';
import type { Hash, HashReader } from './tlog.js';
import type { Tree } from './note.js';

/**
 * A Tile describes one tile of a log: a tile of height h at level l, number n, lists w
 * consecutive hashes of tree level h*l, starting at hash n*2^h. A complete tile has
 * w = 2^h; a partial one fewer. Level -1 is a data tile (record texts, path "data").
 * Ranges: 1 ≤ h ≤ 30, -1 ≤ l ≤ 63, 0 ≤ n, 1 ≤ w ≤ 2^h.
 */
export interface Tile {
  readonly h: number;
  readonly l: number;
  readonly n: number;
  readonly w: number;
}

/** tileKey returns a string that identifies t (usable as a Map key). */
export function tileKey(t: Tile): string {
  return `${t.h}/${t.l}/${t.n}/${t.w}`;
}

/**
 * tileForIndex returns the tile of height h ≥ 1 and least width that stores the hash
 * with the given storage index. h ≤ 0 throws (Go panics).
 */
export function tileForIndex(h: number, index: number): Tile {
  if (h <= 0) throw new CodedError('ERR_TLOG_INVALID_HEIGHT', `TileForIndex: invalid height ${h}`, { height: h });
  return tileForIndexRange(h, index)[0];
}

/**
 * tileForIndexRange returns tileForIndex's tile and the byte range [start, end) of the
 * tile data whose hashes fold into the wanted hash (see tileHash).
 */
function tileForIndexRange(h: number, index: number): [Tile, number, number] {
  let [level, n] = splitStoredHashIndex(index);
  const l = Math.floor(level / h);
  level -= l * h; // level within the tile
  const tn = shr(shl(n, level), h);
  n -= shr(shl(tn, h), level); // n within the tile, at that level
  const w = shl(n + 1, level);
  return [{ h, l, n: tn, w }, shl(n, level) * HASH_SIZE, shl(n + 1, level) * HASH_SIZE];
}

/** tileHash computes the hash of the subtree whose 2^k leaf hashes are concatenated in data. */
function tileHash(data: Uint8Array): Hash {
  if (data.length === 0) throw internal('bad math in tileHash');
  if (data.length === HASH_SIZE) return data.slice();
  const n = data.length / 2;
  return nodeHash(tileHash(data.subarray(0, n)), tileHash(data.subarray(n)));
}

/**
 * tileHashMemo remembers tileHash results per tile data buffer and byte range. A client
 * re-authenticates the same tiles for every lookup of a tree (as x/mod does); the memo
 * makes the repeats free. Entries go with their buffers (WeakMap), so tile data must not
 * be modified once it has been used.
 */
const tileHashMemo = new WeakMap<Uint8Array, Map<string, Hash>>();

/** tileHashOf is tileHash(data.subarray(start, end)), memoised. */
function tileHashOf(data: Uint8Array, start: number, end: number): Hash {
  let m = tileHashMemo.get(data);
  if (!m) {
    m = new Map();
    tileHashMemo.set(data, m);
  }
  const key = `${start}:${end}`;
  let h = m.get(key);
  if (!h) {
    h = tileHash(data.subarray(start, end));
    m.set(key, h);
  }
  return h;
}

/**
 * hashFromTile returns the hash with the given storage index from tile t's data, where
 * t is tileForIndex(t.h, index) or a wider version of it. An invalid tile, data shorter
 * than t.w hashes, or an index stored in another tile throws (ERR_TLOG_INVALID_TILE).
 */
export function hashFromTile(t: Tile, data: Uint8Array, index: number): Hash {
  if (t.h < 1 || t.h > 30 || t.l < 0 || t.l >= 64 || t.w < 1 || t.w > 2 ** t.h) {
    throw invalidTile(`invalid tile ${formatTilePath(t)}`, t);
  }
  if (data.length < t.w * HASH_SIZE) {
    throw invalidTile(`data len ${data.length} too short for tile ${formatTilePath(t)}`, t);
  }
  const [t1, start, end] = tileForIndexRange(t.h, index);
  if (t.l !== t1.l || t.n !== t1.n || t.w < t1.w) {
    throw invalidTile(`index ${index} is in ${formatTilePath(t1)} not ${formatTilePath(t)}`, t);
  }
  return tileHashOf(data, start, end);
}

function invalidTile(msg: string, t: Tile): CodedError {
  return new CodedError('ERR_TLOG_INVALID_TILE', msg, { tile: formatTilePath(t) });
}

/**
 * newTiles returns the tiles of height h ≥ 1 that must be published when the tree grows
 * from oldTreeSize to newTreeSize: only the strictly necessary ones, as the pinned x/mod
 * (Go 1.19's copy also listed superseded partial tiles). h ≤ 0 throws.
 */
export function newTiles(h: number, oldTreeSize: number, newTreeSize: number): Tile[] {
  if (h <= 0) throw new CodedError('ERR_TLOG_INVALID_HEIGHT', `NewTiles: invalid height ${h}`, { height: h });
  const tiles: Tile[] = [];
  for (let level = 0; shr(newTreeSize, h * level) > 0; level++) {
    const oldN = shr(oldTreeSize, h * level);
    const newN = shr(newTreeSize, h * level);
    if (oldN === newN) continue;
    for (let n = shr(oldN, h); n < shr(newN, h); n++) tiles.push({ h, l: level, n, w: 2 ** h });
    const n = shr(newN, h);
    const w = newN - shl(n, h);
    if (w > 0) tiles.push({ h, l: level, n, w });
  }
  return tiles;
}

/**
 * readTileData reads the hashes of hash tile t from r and returns the tile data (the
 * concatenated hashes). A data tile (l = -1) throws; errors of r are passed on.
 */
export async function readTileData(t: Tile, r: HashReader): Promise<Uint8Array> {
  if (t.l < 0) throw invalidTile(`invalid tile ${formatTilePath(t)}`, t);
  const size = t.w === 0 ? 2 ** t.h : t.w;
  const start = shl(t.n, t.h);
  const indexes: number[] = [];
  for (let i = 0; i < size; i++) indexes.push(storedHashIndex(t.h * t.l, start + i));
  const hashes = await readExactly(r, indexes);
  const tile = new Uint8Array(size * HASH_SIZE);
  hashes.forEach((h, i) => tile.set(h, i * HASH_SIZE));
  return tile;
}

/** PATH_BASE: tile numbers are written three decimal digits per path element. */
const PATH_BASE = 1000;

/**
 * formatTilePath returns t's coordinate path `tile/H/L/NNN[.p/W]`: N in 3-digit
 * elements, all but the last prefixed "x" (123456789 → x123/x456/789), ".p/W" only for
 * a partial tile, and "data" for level -1. (Go's Tile.Path.)
 */
export function formatTilePath(t: Tile): string {
  let n = t.n;
  let nStr = String(n % PATH_BASE).padStart(3, '0');
  while (n >= PATH_BASE) {
    n = Math.floor(n / PATH_BASE);
    nStr = `x${String(n % PATH_BASE).padStart(3, '0')}/${nStr}`;
  }
  const pStr = t.w !== 2 ** t.h ? `.p/${t.w}` : '';
  const l = t.l === -1 ? 'data' : String(t.l);
  return `tile/${t.h}/${l}/${nStr}${pStr}`;
}

/** atoi is Go's strconv.Atoi for the decimal forms that can occur here; undefined on error. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = Number(s);
  return Number.isSafeInteger(v) ? v : undefined;
}

/**
 * parseTilePath parses a tile coordinate path. Anything but the exact form
 * formatTilePath produces (1 ≤ H ≤ 30, L ≥ 0 or "data", 0 < W < 2^H after ".p/")
 * throws `malformed tile path "…"` (ERR_TLOG_MALFORMED_TILE_PATH).
 */
export function parseTilePath(path: string): Tile {
  const bad = (): CodedError =>
    new CodedError('ERR_TLOG_MALFORMED_TILE_PATH', `malformed tile path ${JSON.stringify(path)}`, { path });
  let f = path.split('/');
  if (f.length < 4 || f[0] !== 'tile') throw bad();
  const h = atoi(f[1]!);
  const isData = f[2] === 'data';
  let l = isData ? 0 : atoi(f[2]!);
  if (h === undefined || l === undefined || h < 1 || l < 0 || h > 30) throw bad();
  let w = 2 ** h;
  const dotP = f[f.length - 2]!;
  if (dotP.endsWith('.p')) {
    const ww = atoi(f[f.length - 1]!);
    if (ww === undefined || ww <= 0 || ww >= w) throw bad();
    w = ww;
    f = [...f.slice(0, -2), dotP.slice(0, -2)];
  }
  let n = 0;
  for (const s of f.slice(3)) {
    const nn = atoi(s.startsWith('x') ? s.slice(1) : s);
    if (nn === undefined || nn < 0 || nn >= PATH_BASE) throw bad();
    n = n * PATH_BASE + nn;
  }
  if (isData) l = -1;
  const t: Tile = { h, l, n, w };
  if (path !== formatTilePath(t)) throw bad();
  return t;
}

/**
 * A TileReader reads tiles of one log. readTiles returns the data of every requested
 * tile (data[i].length === tiles[i].w * 32) or throws. Tile data from a server is
 * suspect: a reader must not persist it until saveTiles confirms it was authenticated.
 */
export interface TileReader {
  /** height is the height of the available tiles. */
  readonly height: number;
  readTiles(tiles: readonly Tile[]): Promise<Uint8Array[]>;
  /**
   * saveTiles says that the tiles returned by readTiles were authenticated and may be
   * stored. Returned tile buffers must not be modified afterwards (results are memoised).
   */
  saveTiles(tiles: readonly Tile[], data: readonly Uint8Array[]): void | Promise<void>;
}

/** zeroTile is Go's Tile{}: tileParent's "no such parent". */
const ZERO_TILE: Tile = { h: 0, l: 0, n: 0, w: 0 };

/** tileParent returns t's k'th tile parent in the tiles of a tree of size n, or ZERO_TILE. */
function tileParent(t: Tile, k: number, n: number): Tile {
  const l = t.l + k;
  const tn = shr(t.n, k * t.h);
  let w = 2 ** t.h;
  const max = shr(n, l * t.h);
  if (shl(tn, t.h) + w >= max) {
    if (shl(tn, t.h) >= max) return ZERO_TILE;
    w = max - shl(tn, t.h);
  }
  return { h: t.h, l, n: tn, w };
}

/**
 * tileHashReader returns a HashReader that answers by loading tiles of the given tree
 * through tr. Every tile it loads is authenticated against tree.hash before any hash is
 * returned (so returned hashes are proven to be in the tree) and then passed to
 * tr.saveTiles. Tiles that do not hash to the tree throw `downloaded inconsistent tile`;
 * an index beyond the tree throws `indexes not in tree`.
 */
export function tileHashReader(tree: Tree, tr: TileReader): HashReader {
  return {
    async readHashes(indexes: readonly number[]): Promise<Hash[]> {
      const h = tr.height;
      if (tree.n === 0) {
        if (indexes.length === 0) return [];
        throw new CodedError('ERR_TLOG_INDEX_NOT_IN_TREE', 'indexes not in tree', { index: indexes[0], treeSize: 0 });
      }
      const tileOrder = new Map<string, number>(); // tileOrder[key(tiles[i])] = i
      const tiles: Tile[] = [];

      // Plan the tiles needed to recompute the tree hash: if it matches, they are authentic.
      const stx = subTreeIndex(0, tree.n, []);
      const stxTileOrder: number[] = new Array<number>(stx.length);
      stx.forEach((x, i) => {
        const tile = tileParent(tileForIndexRange(h, x)[0], 0, tree.n);
        const j = tileOrder.get(tileKey(tile));
        if (j !== undefined) {
          stxTileOrder[i] = j;
          return;
        }
        stxTileOrder[i] = tiles.length;
        tileOrder.set(tileKey(tile), tiles.length);
        tiles.push(tile);
      });

      // Plan the tiles holding the indexes, with the parents needed to authenticate them.
      const indexTileOrder: number[] = new Array<number>(indexes.length);
      for (let i = 0; i < indexes.length; i++) {
        const x = indexes[i]!;
        if (x >= storedHashIndex(0, tree.n)) {
          throw new CodedError('ERR_TLOG_INDEX_NOT_IN_TREE', 'indexes not in tree', { index: x, treeSize: tree.n });
        }
        const tile = tileForIndexRange(h, x)[0];
        // Walk up the parents to one already planned: that one will be authenticated.
        let k = 0;
        for (; ; k++) {
          const p = tileParent(tile, k, tree.n);
          const j = tileOrder.get(tileKey(p));
          if (j !== undefined) {
            if (k === 0) indexTileOrder[i] = j;
            break;
          }
          if (k > 64) throw internal(`bad math in tileHashReader: ${tree.n} ${x}`);
        }
        // Walk back down, planning children after their parents.
        for (k--; k >= 0; k--) {
          const p = tileParent(tile, k, tree.n);
          if (p.w !== 2 ** p.h) {
            // Only full tiles have parents; this one has a parent, so it must be full.
            throw internal(`bad math in tileHashReader: ${tree.n} ${x} ${formatTilePath(p)}`);
          }
          tileOrder.set(tileKey(p), tiles.length);
          if (k === 0) indexTileOrder[i] = tiles.length;
          tiles.push(p);
        }
      }

      // Fetch all the tile data.
      const data = await tr.readTiles(tiles);
      if (data.length !== tiles.length) {
        throw new CodedError(
          'ERR_TLOG_BAD_TILE_DATA',
          `TileReader returned bad result slice (len=${data.length}, want ${tiles.length})`,
          {},
        );
      }
      tiles.forEach((tile, i) => {
        if (data[i]!.length !== tile.w * HASH_SIZE) {
          throw new CodedError(
            'ERR_TLOG_BAD_TILE_DATA',
            `TileReader returned bad result slice (${formatTilePath(tile)} len=${data[i]!.length}, want ${tile.w * HASH_SIZE})`,
            { tile: formatTilePath(tile) },
          );
        }
      });

      // Authenticate the tree-hash tiles (parents come before children).
      let th: Hash | undefined;
      for (let i = stx.length - 1; i >= 0; i--) {
        const j = stxTileOrder[i]!;
        const hh = hashFromTile(tiles[j]!, data[j]!, stx[i]!);
        th = th === undefined ? hh : nodeHash(hh, th);
      }
      if (th === undefined || !hashEqual(th, tree.hash)) {
        // The tiles do not support the tree hash: at least one is wrong, we cannot say which.
        throw inconsistentTile();
      }

      // Authenticate the remaining full tiles against their parents.
      for (let i = (stxTileOrder[stx.length - 1] ?? -1) + 1; i < tiles.length; i++) {
        const tile = tiles[i]!;
        const p = tileParent(tile, 1, tree.n);
        const j = tileOrder.get(tileKey(p));
        if (j === undefined)
          throw internal(`bad math in tileHashReader ${tree.n}: lost parent of ${formatTilePath(tile)}`);
        const hh = hashFromTile(p, data[j]!, storedHashIndex(p.l * p.h, tile.n));
        if (!hashEqual(hh, tileHashOf(data[i]!, 0, data[i]!.length))) throw inconsistentTile();
      }

      // Every tile is authenticated: they may be stored now.
      await tr.saveTiles(tiles, data);

      return indexes.map((x, i) => {
        const j = indexTileOrder[i]!;
        return hashFromTile(tiles[j]!, data[j]!, x);
      });
    },
  };
}

function inconsistentTile(): CodedError {
  return new CodedError('ERR_TLOG_INCONSISTENT_TILE', 'downloaded inconsistent tile', {});
}
