/**
 * Package tlog implements the tamper-evident log of a Go checksum database
 * (golang.org/x/mod/sumdb/tlog), following Certificate Transparency (RFC 6962): its
 * proofs are RFC 6962 audit paths and consistency proofs.
 *
 * Model. The log is a sequence of records 0, 1, … n-1. Record i has the hash
 * recordHash(data) = SHA-256(0x00 || data); interior nodes hash as
 * nodeHash(l, r) = SHA-256(0x01 || l || r); the tree hash of size n folds the
 * complete subtrees of sizes given by n's binary digits from the right. The tree of
 * size zero has hash SHA-256("") (the pinned x/mod; Go 1.19's copy used 32 zero bytes).
 *
 * Storage. Every hash of every complete subtree is stored once, in the order
 * storedHashIndex(level, n) (Crosby and Wallach §3.3): writing record n appends
 * storedHashes(n) (its leaf hash plus the subtrees it completes), so a log of n
 * records holds storedHashCount(n) hashes.
 *
 * Tiles. Stored hashes are published in tiles of height h (the go command uses 8):
 * tile (h, l, n) lists up to 2^h consecutive hashes of tree level h*l; a partial tile
 * (`.p/W`) holds the first W. Tile paths are `tile/H/L/NNN[.p/W]` with N written in
 * three-digit elements (`x123/x456/789`); level `data` holds record texts.
 * tileHashReader authenticates every tile it loads against a signed tree hash before
 * returning any hash from it.
 *
 * Texts. A signed tree head's text is `go.sum database tree\nN\nHASH\n` (formatTree);
 * a lookup answer is formatRecord(id, text) followed by the signed tree head.
 *
 * Invariants: functions that read stored hashes go through a HashReader and check it
 * returned one hash per index; a proof check throws `invalid transparency proof` and
 * never returns false; record numbers and indexes are safe integers (< 2^53).
 *
 * See https://go.dev/ref/mod#checksum-database, https://research.swtch.com/tlog and
 * https://pkg.go.dev/golang.org/x/mod/sumdb/tlog.
 */
export {
  checkRecord,
  checkTree,
  EMPTY_TREE_HASH,
  HASH_SIZE,
  hashEqual,
  hashReaderFromArray,
  hashString,
  nodeHash,
  parseHash,
  proveRecord,
  proveTree,
  recordHash,
  splitStoredHashIndex,
  storedHashCount,
  storedHashes,
  storedHashesForRecordHash,
  storedHashIndex,
  treeHash,
} from './tlog.js';
export type { Hash, HashReader, RecordProof, TreeProof } from './tlog.js';
export {
  formatTilePath,
  hashFromTile,
  newTiles,
  parseTilePath,
  readTileData,
  tileForIndex,
  tileHashReader,
  tileKey,
} from './tile.js';
export type { Tile, TileReader } from './tile.js';
export { formatRecord, formatTree, isValidRecordText, parseRecord, parseTree } from './note.js';
export type { ParsedRecord, Tree } from './note.js';
