// Conformance of package tlog against ../shared/testdata/tlog.json (x/mod's tlog tests,
// plus the derived vectors of the TestTree tree) and the TestTree property rules.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testdata } from '../../../../test/support/shared.js';
import {
  checkRecord,
  checkTree,
  formatRecord,
  formatTilePath,
  formatTree,
  hashFromTile,
  hashReaderFromArray,
  hashString,
  newTiles,
  parseHash,
  parseRecord,
  parseTilePath,
  parseTree,
  proveRecord,
  proveTree,
  readTileData,
  recordHash,
  splitStoredHashIndex,
  storedHashCount,
  storedHashes,
  storedHashIndex,
  tileForIndex,
  tileHashReader,
  tileKey,
  treeHash,
} from './index.js';
import type { Hash, HashReader, Tile, TileReader } from './index.js';

interface Vectors {
  recordHash: { data: string; hash: string }[];
  emptyTreeHash: { n: number; hash: string };
  formatTree: { n: number; hashOfRecord: string; want: string }[];
  parseTree: { good: { in: string; n: number; hash: string }[]; bad: string[] };
  formatRecord: { good: { id: number; text: string; want: string }[]; bad: { id: number; text: string }[] };
  parseRecord: {
    good: { in?: string; inHex?: string; id: number; text: string; rest?: string; restHex?: string }[];
    bad: { in?: string; inHex?: string }[];
  };
  tilePaths: { cases: { path: string; tile: { H: number; L: number; N: number; W: number } | null }[] };
  newTilesCount: { cases: { h: number; old: number; new: number; want: number }[] };
  certificateTransparency: { oldTree: { n: number; hash: string } };
  derived: {
    leafHashes: string[];
    treeHashes: Record<string, string>;
    storedHashCount: Record<string, number>;
    storedHashIndex: { level: number; n: number; index: number }[];
    recordProofs: { n: number; index: number; leafHash: string; proof: string[] }[];
    treeProofs: { n: number; m: number; proof: string[] }[];
    tilesHeight2Size100: { path: string; data: string }[];
  };
}

const V = JSON.parse(readFileSync(testdata('tlog.json'), 'utf8')) as Vectors;
const b64 = (h: Hash): string => hashString(h);
const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');
const flip = (p: Hash[], k: number): Hash[] => p.map((h, i) => (i === k ? h.map((x, j) => (j === 0 ? x ^ 1 : x)) : h));

describe('hashes and texts', () => {
  it.each(V.recordHash)('recordHash($data)', (c) => {
    expect(b64(recordHash(c.data))).toBe(c.hash);
    expect(b64(recordHash(bytes(c.data)))).toBe(c.hash);
  });

  it('treeHash(0) is SHA-256("") (pinned x/mod)', async () => {
    expect(b64(await treeHash(V.emptyTreeHash.n, hashReaderFromArray([])))).toBe(V.emptyTreeHash.hash);
  });

  it.each(V.formatTree)('formatTree($n)', (c) => {
    expect(formatTree({ n: c.n, hash: recordHash(c.hashOfRecord) })).toBe(c.want);
  });

  it.each(V.parseTree.good)('parseTree good #%#', (c) => {
    for (const input of [c.in, bytes(c.in)]) {
      const t = parseTree(input);
      expect(t.n).toBe(c.n);
      expect(b64(t.hash)).toBe(c.hash);
    }
  });

  it.each(V.parseTree.bad)('parseTree bad %j', (input) => {
    expect(() => parseTree(input)).toThrow(/^malformed tree note$/);
  });

  it('parseTree rejects non-canonical sizes and oversized notes', () => {
    const h = V.parseTree.good[0]!.hash;
    for (const n of ['0123', '+1', '-1', '', '99999999999999999999']) {
      expect(() => parseTree(`go.sum database tree\n${n}\n${h}\n`)).toThrow('malformed tree note');
    }
    expect(() => parseTree(`go.sum database tree\n1\n${h}\n` + 'x'.repeat(1e6))).toThrow('malformed tree note');
  });

  it.each(V.formatRecord.good)('formatRecord($id)', (c) => {
    expect(text(formatRecord(c.id, c.text))).toBe(c.want);
  });

  it.each(V.formatRecord.bad)('formatRecord rejects %j', (c) => {
    expect(() => formatRecord(c.id, c.text)).toThrow(/^malformed record data$/);
  });

  it.each(V.parseRecord.good)('parseRecord good #%#', (c) => {
    const input = c.inHex !== undefined ? new Uint8Array(Buffer.from(c.inHex, 'hex')) : bytes(c.in!);
    const r = parseRecord(input);
    expect(r.id).toBe(c.id);
    expect(text(r.text)).toBe(c.text);
    const rest = c.restHex !== undefined ? Buffer.from(c.restHex, 'hex') : Buffer.from(c.rest!, 'utf8');
    expect(Buffer.from(r.rest).equals(rest)).toBe(true);
    expect(r.rest).toBeInstanceOf(Uint8Array);
  });

  it.each(V.parseRecord.bad)('parseRecord bad %j', (c) => {
    const input = c.inHex !== undefined ? new Uint8Array(Buffer.from(c.inHex, 'hex')) : bytes(c.in!);
    expect(() => parseRecord(input)).toThrow(/^malformed record data$/);
  });

  it('parseHash accepts 32-byte base64 only', () => {
    const h = V.recordHash[0]!.hash;
    expect(b64(parseHash(h))).toBe(h);
    for (const bad of [h.slice(1), h.slice(0, -1), h.replace('=', ''), 'AAAA', h.replace('T', '-')]) {
      expect(() => parseHash(bad)).toThrow(/^malformed hash$/);
    }
  });
});

describe('tile paths', () => {
  it.each(V.tilePaths.cases)('$path', (c) => {
    if (c.tile === null) {
      expect(() => parseTilePath(c.path)).toThrow(`malformed tile path ${JSON.stringify(c.path)}`);
      return;
    }
    const t: Tile = { h: c.tile.H, l: c.tile.L, n: c.tile.N, w: c.tile.W };
    expect(formatTilePath(t)).toBe(c.path);
    expect(parseTilePath(c.path)).toEqual(t);
  });

  it('rejects non-canonical spellings', () => {
    for (const p of [
      'tile/4/0/1',
      'tile/+4/0/001',
      'tile/4/0/001.p/16',
      'tile/4/0/001.p/0',
      'tile/31/0/000',
      'tile/4/0',
      'tiles/4/0/001',
      'tile/4/00/001',
      'tile/4/0/x000/001',
    ]) {
      expect(() => parseTilePath(p), p).toThrow(/^malformed tile path/);
    }
  });

  it.each(V.newTilesCount.cases)('newTiles($h, $old, $new) has $want tiles', (c) => {
    expect(newTiles(c.h, c.old, c.new)).toHaveLength(c.want);
  });
});

describe('derived vectors of the TestTree tree (records "leaf 0".."leaf 99")', () => {
  const D = V.derived;
  const leaves = Array.from({ length: 100 }, (_, i) => `leaf ${i}`);

  async function buildStorage(n: number): Promise<Hash[]> {
    const storage: Hash[] = [];
    for (let i = 0; i < n; i++) storage.push(...(await storedHashes(i, leaves[i]!, hashReaderFromArray(storage))));
    return storage;
  }

  it('leaf hashes, tree hashes 1..100 and stored hash counts', async () => {
    expect(leaves.map((l) => b64(recordHash(l)))).toEqual(D.leafHashes);
    const storage = await buildStorage(100);
    const r = hashReaderFromArray(storage);
    for (let n = 1; n <= 100; n++) expect(b64(await treeHash(n, r)), `treeHash(${n})`).toBe(D.treeHashes[n]);
    for (const [n, count] of Object.entries(D.storedHashCount)) expect(storedHashCount(Number(n))).toBe(count);
    expect(storage).toHaveLength(storedHashCount(100));
  });

  it.each(D.storedHashIndex)('storedHashIndex($level, $n) = $index', (c) => {
    expect(storedHashIndex(c.level, c.n)).toBe(c.index);
    expect(splitStoredHashIndex(c.index)).toEqual([c.level, c.n]);
  });

  it('record proofs equal the vectors, check, and fail when corrupted', async () => {
    const r = hashReaderFromArray(await buildStorage(100));
    for (const c of D.recordProofs) {
      const p = await proveRecord(c.n, c.index, r);
      expect(p.map(b64), `proveRecord(${c.n}, ${c.index})`).toEqual(c.proof);
      const th = parseHash(D.treeHashes[c.n]!);
      const leaf = parseHash(c.leafHash);
      checkRecord(p, c.n, th, c.index, leaf);
      for (let k = 0; k < p.length; k++) {
        expect(() => checkRecord(flip(p, k), c.n, th, c.index, leaf)).toThrow(/^invalid transparency proof$/);
      }
    }
  });

  it('tree proofs equal the vectors, check, and fail when corrupted', async () => {
    const r = hashReaderFromArray(await buildStorage(100));
    for (const c of D.treeProofs) {
      const p = await proveTree(c.n, c.m, r);
      expect(p.map(b64), `proveTree(${c.n}, ${c.m})`).toEqual(c.proof);
      const th = parseHash(D.treeHashes[c.n]!);
      const h = parseHash(D.treeHashes[c.m]!);
      checkTree(p, c.n, th, c.m, h);
      for (let k = 0; k < p.length; k++) {
        expect(() => checkTree(flip(p, k), c.n, th, c.m, h)).toThrow(/^invalid transparency proof$/);
      }
    }
  });

  it('the 35 tiles of the size-100 tree at height 2', async () => {
    const r = hashReaderFromArray(await buildStorage(100));
    const tiles = newTiles(2, 0, 100);
    expect(tiles.map(formatTilePath)).toEqual(D.tilesHeight2Size100.map((t) => t.path));
    for (const [i, t] of tiles.entries()) {
      expect(Buffer.from(await readTileData(t, r)).toString('base64')).toBe(D.tilesHeight2Size100[i]!.data);
    }
  });

  it('invalid inputs are reported with x/mod texts', async () => {
    const r = hashReaderFromArray(await buildStorage(4));
    await expect(proveRecord(4, 4, r)).rejects.toThrow('tlog: invalid inputs in ProveRecord');
    await expect(proveTree(4, 0, r)).rejects.toThrow('tlog: invalid inputs in ProveTree');
    expect(() => checkRecord([], 1, new Uint8Array(32), 1, new Uint8Array(32))).toThrow(
      'tlog: invalid inputs in CheckRecord',
    );
    expect(() => checkTree([], 1, new Uint8Array(32), 2, new Uint8Array(32))).toThrow(
      'tlog: invalid inputs in CheckTree',
    );
    const short: HashReader = { readHashes: () => [] };
    await expect(treeHash(3, short)).rejects.toThrow('tlog: ReadHashes(2 indexes) = 0 hashes');
  });
});

describe('TestTree properties (tile height 2)', () => {
  /** A TileReader over a map of tile data that counts reads not yet saved (as upstream's test). */
  class TestTiles implements TileReader {
    readonly height = 2;
    unsaved = 0;
    constructor(readonly m: Map<string, Uint8Array>) {}
    readTiles(tiles: readonly Tile[]): Promise<Uint8Array[]> {
      this.unsaved += tiles.length;
      return Promise.resolve(tiles.map((t) => this.m.get(tileKey(t)) ?? new Uint8Array()));
    }
    saveTiles(tiles: readonly Tile[]): void {
      this.unsaved -= tiles.length;
    }
  }

  /** A HashReader that insists on increasing indexes, as upstream's testHashStorage. */
  const ordered = (storage: Hash[]): HashReader => ({
    readHashes(indexes) {
      for (let i = 1; i < indexes.length; i++)
        if (indexes[i - 1]! >= indexes[i]!) throw new Error('indexes out of order');
      return indexes.map((x) => storage[x]!);
    },
  });

  it('holds for every tree size 1..100', async () => {
    const storage: Hash[] = [];
    const trees: Hash[] = [];
    const leafHashes: Hash[] = [];
    const tiles = new Map<string, Uint8Array>();
    for (let i = 0; i < 100; i++) {
      const data = `leaf ${i}`;
      const hashes = await storedHashes(i, data, ordered(storage));
      leafHashes.push(recordHash(data));
      const oldStorage = storage.length;
      storage.push(...hashes);
      expect(storedHashCount(i + 1)).toBe(storage.length);
      const th = await treeHash(i + 1, ordered(storage));

      for (const tile of newTiles(2, i, i + 1)) {
        const data = await readTileData(tile, ordered(storage));
        const old = tiles.get(tileKey({ ...tile, w: tile.w - 1 })) ?? new Uint8Array();
        expect(old.length, `tile ${formatTilePath(tile)} extends`).toBe(data.length - 32);
        expect(Buffer.from(data.subarray(0, old.length)).equals(Buffer.from(old))).toBe(true);
        tiles.set(tileKey(tile), data);
      }
      for (const from of [0, Math.floor(i / 2)]) {
        for (const tile of newTiles(2, from, i + 1)) {
          expect(
            Buffer.from(await readTileData(tile, ordered(storage))).equals(Buffer.from(tiles.get(tileKey(tile))!)),
          ).toBe(true);
        }
      }
      for (let j = oldStorage; j < storage.length; j++) {
        const tile = tileForIndex(2, j);
        const data = tiles.get(tileKey(tile));
        expect(data, `tile for index ${j}`).toBeDefined();
        expect(b64(hashFromTile(tile, data!, j))).toBe(b64(storage[j]!));
      }
      trees.push(th);

      for (let j = 0; j <= i; j++) {
        const p = await proveRecord(i + 1, j, ordered(storage));
        checkRecord(p, i + 1, th, j, leafHashes[j]!);
        for (let k = 0; k < p.length; k++)
          expect(() => checkRecord(flip(p, k), i + 1, th, j, leafHashes[j]!)).toThrow();
      }

      const tr = new TestTiles(tiles);
      const thr = tileHashReader({ n: i + 1, hash: th }, tr);
      for (let j = 0; j <= i; j++) {
        const [h] = await thr.readHashes([storedHashIndex(0, j)]);
        expect(b64(h!)).toBe(b64(leafHashes[j]!));
        checkRecord(await proveRecord(i + 1, j, thr), i + 1, th, j, leafHashes[j]!);
      }
      expect(tr.unsaved).toBe(0);
      await expect(thr.readHashes([(i + 1) * 2])).rejects.toThrow('indexes not in tree');
      expect(tr.unsaved).toBe(0);

      for (let j = 0; j <= i; j++) {
        expect(b64(await treeHash(j + 1, thr))).toBe(b64(trees[j]!));
        const p = await proveTree(i + 1, j + 1, thr);
        checkTree(p, i + 1, th, j + 1, trees[j]!);
        for (let k = 0; k < p.length; k++) expect(() => checkTree(flip(p, k), i + 1, th, j + 1, trees[j]!)).toThrow();
      }
      expect(tr.unsaved).toBe(0);
    }
  });

  it('splitStoredHashIndex inverts storedHashIndex for l < 10, n < 100', () => {
    for (let l = 0; l < 10; l++) {
      for (let n = 0; n < 100; n++) expect(splitStoredHashIndex(storedHashIndex(l, n))).toEqual([l, n]);
    }
  });

  it('a tampered tile is rejected and not saved', async () => {
    const storage: Hash[] = [];
    for (let i = 0; i < 20; i++) storage.push(...(await storedHashes(i, `leaf ${i}`, hashReaderFromArray(storage))));
    const th = await treeHash(20, hashReaderFromArray(storage));
    const tiles = new Map<string, Uint8Array>();
    for (const t of newTiles(2, 0, 20)) tiles.set(tileKey(t), await readTileData(t, hashReaderFromArray(storage)));
    const victim = tileKey({ h: 2, l: 0, n: 1, w: 4 });
    const bad = tiles.get(victim)!.slice();
    bad[5] = bad[5]! ^ 0xff;
    tiles.set(victim, bad);
    const tr = new TestTiles(tiles);
    await expect(tileHashReader({ n: 20, hash: th }, tr).readHashes([storedHashIndex(0, 5)])).rejects.toThrow(
      /^downloaded inconsistent tile$/,
    );
    expect(tr.unsaved).toBeGreaterThan(0);
  });

  it('the certificate-transparency constant parses as a tree hash', () => {
    expect(b64(parseHash(V.certificateTransparency.oldTree.hash))).toBe(V.certificateTransparency.oldTree.hash);
  });
});
