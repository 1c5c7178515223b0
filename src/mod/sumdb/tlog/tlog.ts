/**
 * The tamper-evident log's hashes, hash storage layout and proofs
 * (golang.org/x/mod/sumdb/tlog, tlog.go). See index.ts for the model.
 *
 * Integers: Go uses int64 for record numbers and storage indexes. Here they are
 * JavaScript numbers and must be safe integers (< 2^53, far beyond any real log);
 * bit shifts are written as multiplication and division by powers of two because
 * JavaScript's shift operators work on 32 bits.
 */
import { createHash, hash as oneShotHash } from 'node:crypto';
import { CodedError } from '../../internal/errors.js';
import { bytesEqual, decodeBase64Std, encodeBase64Std } from '../text.js';

/** A Hash is the 32-byte SHA-256 hash of a record or of a tree node. */
export type Hash = Uint8Array;

/** HASH_SIZE is the size of a Hash in bytes. */
export const HASH_SIZE = 32;

/** shr is n >> k for non-negative safe integers of any size. */
export function shr(n: number, k: number): number {
  return Math.floor(n / 2 ** k);
}

/** shl is n << k for non-negative safe integers of any size. */
export function shl(n: number, k: number): number {
  return n * 2 ** k;
}

/** trailingZeros returns the number of trailing zero bits of n > 0 (64 for 0, like Go). */
export function trailingZeros(n: number): number {
  if (n === 0) return 64;
  let z = 0;
  while (n % 2 === 0) {
    n /= 2;
    z++;
  }
  return z;
}

/** internal reports a broken invariant (Go panics with "bad math"); it is never the caller's fault. */
export function internal(msg: string): CodedError {
  return new CodedError('ERR_TLOG_INTERNAL', msg, {});
}

/** hashString returns the base64 form of h, as Go's Hash.String. */
export function hashString(h: Hash): string {
  return encodeBase64Std(h);
}

/** hashEqual reports whether two hashes are equal. */
export function hashEqual(a: Hash, b: Hash): boolean {
  return bytesEqual(a, b);
}

/**
 * parseHash parses the base64 form of a hash. Anything that is not base64 of exactly
 * 32 bytes throws `malformed hash` (ERR_TLOG_MALFORMED_HASH).
 */
export function parseHash(s: string): Hash {
  const data = decodeBase64Std(s);
  if (data === undefined || data.length !== HASH_SIZE) {
    throw new CodedError('ERR_TLOG_MALFORMED_HASH', 'malformed hash', { hash: s });
  }
  return data;
}

/** recordHash returns the content hash of record data: SHA-256(0x00 || data) (RFC 6962 §2.1). */
export function recordHash(data: Uint8Array | string): Hash {
  return new Uint8Array(
    createHash('sha256')
      .update(new Uint8Array([0]))
      .update(data)
      .digest(),
  );
}

/** nodeInput is the reused input buffer of nodeHash (0x01 || left || right). */
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE);
nodeInput[0] = 1;

/** nodeHash returns the hash of an interior node: SHA-256(0x01 || left || right) (RFC 6962 §2.1). */
export function nodeHash(left: Hash, right: Hash): Hash {
  // A one-shot hash of one buffer: the tile checks of a lookup hash hundreds of nodes.
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return oneShotHash('sha256', nodeInput, 'buffer');
}

/** maxpow2 returns k, the largest power of two smaller than n (1 for n ≤ 2), and l = log2(k). */
function maxpow2(n: number): [number, number] {
  let l = 0;
  while (2 ** (l + 1) < n) l++;
  return [2 ** l, l];
}

/**
 * storedHashIndex maps the tree coordinates (level, n) to the dense linear order used
 * for hash storage: level L's n'th hash is stored right after level L+1's (2n+1)'th.
 * Arguments must be non-negative safe integers (not checked, as in Go).
 */
export function storedHashIndex(level: number, n: number): number {
  for (let l = level; l > 0; l--) n = 2 * n + 1;
  // Level 0's n'th hash is stored at n + n/2 + n/4 + ...
  let i = 0;
  for (; n > 0; n = Math.floor(n / 2)) i += n;
  return i + level;
}

/**
 * splitStoredHashIndex is the inverse of storedHashIndex: it returns [level, n] such
 * that storedHashIndex(level, n) === index. index must be a non-negative safe integer.
 */
export function splitStoredHashIndex(index: number): [number, number] {
  // storedHashIndex(0, n) < 2n, so the n we want is in [index/2, index/2 + log2(index)].
  let n = Math.floor(index / 2);
  let indexN = storedHashIndex(0, n);
  if (indexN > index) throw internal('bad math');
  for (;;) {
    // Each new record n adds 1 + trailingZeros(n + 1) hashes.
    const x = indexN + 1 + trailingZeros(n + 1);
    if (x > index) break;
    n++;
    indexN = x;
  }
  // The hash we want was stored with record n: it is one of (0, n), (1, n/2), (2, n/4), …
  const level = index - indexN;
  return [level, shr(n, level)];
}

/** storedHashCount returns the number of stored hashes of a tree with n records. */
export function storedHashCount(n: number): number {
  if (n === 0) return 0;
  // The hashes up to the last leaf hash, plus those of the subtrees that leaf completes.
  let numHash = storedHashIndex(0, n - 1) + 1;
  for (let i = n - 1; i % 2 === 1; i = Math.floor(i / 2)) numHash++;
  return numHash;
}

/**
 * A HashReader reads stored hashes by storage index (see storedHashIndex). It must
 * return exactly one hash per index, or throw. It may be faster with sorted indexes.
 */
export interface HashReader {
  readHashes(indexes: readonly number[]): Hash[] | Promise<Hash[]>;
}

/** hashReaderFromArray returns a HashReader over an in-memory array of stored hashes. */
export function hashReaderFromArray(hashes: readonly Hash[]): HashReader {
  return {
    readHashes(indexes) {
      return indexes.map((x) => {
        const h = hashes[x];
        if (h === undefined) throw new CodedError('ERR_TLOG_INDEX_NOT_IN_TREE', 'indexes not in tree', { index: x });
        return h;
      });
    },
  };
}

/**
 * readExactly calls r.readHashes and checks that it returned one hash per index; a
 * reader that returns another count rejects with ERR_TLOG_READ_HASHES (errors of r are
 * passed on). Package tlog's proofs and readTileData share it.
 */
export async function readExactly(r: HashReader, indexes: readonly number[]): Promise<Hash[]> {
  const hashes = await r.readHashes(indexes);
  if (hashes.length !== indexes.length) {
    throw new CodedError(
      'ERR_TLOG_READ_HASHES',
      `tlog: ReadHashes(${indexes.length} indexes) = ${hashes.length} hashes`,
      { want: indexes.length, got: hashes.length },
    );
  }
  return hashes;
}

/**
 * storedHashes returns the hashes to store when writing record n with the given data,
 * to be stored from index storedHashIndex(0, n) on: the record hash and the hashes of
 * the subtrees it completes (reading up to log2(n) earlier hashes from r).
 */
export function storedHashes(n: number, data: Uint8Array | string, r: HashReader): Promise<Hash[]> {
  return storedHashesForRecordHash(n, recordHash(data), r);
}

/** storedHashesForRecordHash is storedHashes given recordHash(data) instead of data. */
export async function storedHashesForRecordHash(n: number, h: Hash, r: HashReader): Promise<Hash[]> {
  const hashes: Hash[] = [h];
  // Each trailing 1 bit of n completes a subtree and consumes a hash from its left sibling.
  const m = trailingZeros(n + 1);
  const indexes: number[] = new Array<number>(m);
  for (let i = 0; i < m; i++) indexes[m - 1 - i] = storedHashIndex(i, shr(n, i) - 1);
  const old = m === 0 ? [] : await readExactly(r, indexes);
  for (let i = 0; i < m; i++) {
    h = nodeHash(old[m - 1 - i]!, h);
    hashes.push(h);
  }
  return hashes;
}

/** EMPTY_TREE_HASH is the hash of the tree of size zero: SHA-256 of no bytes (pinned x/mod). */
export const EMPTY_TREE_HASH: Hash = new Uint8Array(createHash('sha256').digest());

/**
 * treeHash computes the root hash of the tree with n records from its stored hashes,
 * with one call to r asking for at most 1 + log2(n) hashes. The tree of size zero
 * has hash SHA-256("") (the pinned x/mod; Go 1.19's copy returned all zeros).
 */
export async function treeHash(n: number, r: HashReader): Promise<Hash> {
  if (n === 0) return EMPTY_TREE_HASH;
  const indexes = subTreeIndex(0, n, []);
  const hashes = await readExactly(r, indexes);
  const [hash, rest] = subTreeHash(0, n, hashes);
  if (rest.length !== 0) throw internal('tlog: bad index math in TreeHash');
  return hash;
}

/** subTreeIndex appends to need the storage indexes needed for the hash of records [lo, hi). */
export function subTreeIndex(lo: number, hi: number, need: number[]): number[] {
  while (lo < hi) {
    const [k, level] = maxpow2(hi - lo + 1);
    if (lo % k !== 0) throw internal('tlog: bad math in subTreeIndex');
    need.push(storedHashIndex(level, shr(lo, level)));
    lo += k;
  }
  return need;
}

/**
 * subTreeHash computes the hash of records [lo, hi) from hashes (as listed by
 * subTreeIndex) and returns it with the unused rest of hashes.
 */
function subTreeHash(lo: number, hi: number, hashes: Hash[]): [Hash, Hash[]] {
  // Split into complete subtrees of decreasing size; the hash folds from the right.
  let numTree = 0;
  while (lo < hi) {
    const [k] = maxpow2(hi - lo + 1);
    if (lo % k !== 0 || lo >= hi) throw internal('tlog: bad math in subTreeHash');
    numTree++;
    lo += k;
  }
  if (hashes.length < numTree) throw internal('tlog: bad index math in subTreeHash');
  let h = hashes[numTree - 1]!;
  for (let i = numTree - 2; i >= 0; i--) h = nodeHash(hashes[i]!, h);
  return [h, hashes.slice(numTree)];
}

/** A RecordProof proves that a tree contains a record (RFC 6962's "Merkle audit path"). */
export type RecordProof = Hash[];

/**
 * proveRecord returns the proof that the tree of size t contains record n. It throws
 * `tlog: invalid inputs in ProveRecord` unless 0 ≤ n < t.
 */
export async function proveRecord(t: number, n: number, r: HashReader): Promise<RecordProof> {
  if (t < 0 || n < 0 || n >= t) throw invalidInputs('ProveRecord');
  const indexes = leafProofIndex(0, t, n, []);
  if (indexes.length === 0) return [];
  const hashes = await readExactly(r, indexes);
  const [p, rest] = leafProof(0, t, n, hashes);
  if (rest.length !== 0) throw internal('tlog: bad index math in ProveRecord');
  return p;
}

function invalidInputs(fn: string): CodedError {
  return new CodedError('ERR_TLOG_INVALID_INPUT', `tlog: invalid inputs in ${fn}`, { function: fn });
}

/** leafProofIndex appends the indexes needed to prove that leaf n is in the subtree [lo, hi). */
function leafProofIndex(lo: number, hi: number, n: number, need: number[]): number[] {
  if (!(lo <= n && n < hi)) throw internal('tlog: bad math in leafProofIndex');
  if (lo + 1 === hi) return need;
  const [k] = maxpow2(hi - lo);
  if (n < lo + k) {
    leafProofIndex(lo, lo + k, n, need);
    subTreeIndex(lo + k, hi, need);
  } else {
    subTreeIndex(lo, lo + k, need);
    leafProofIndex(lo + k, hi, n, need);
  }
  return need;
}

/** leafProof builds the proof that leaf n is in the subtree [lo, hi), returning unused hashes. */
function leafProof(lo: number, hi: number, n: number, hashes: Hash[]): [RecordProof, Hash[]] {
  if (!(lo <= n && n < hi)) throw internal('tlog: bad math in leafProof');
  // At the leaf: the verifier knows its hash.
  if (lo + 1 === hi) return [[], hashes];
  // Walk toward n, recording the hash of the path not taken.
  let p: RecordProof;
  let th: Hash;
  const [k] = maxpow2(hi - lo);
  if (n < lo + k) {
    [p, hashes] = leafProof(lo, lo + k, n, hashes);
    [th, hashes] = subTreeHash(lo + k, hi, hashes);
  } else {
    [th, hashes] = subTreeHash(lo, lo + k, hashes);
    [p, hashes] = leafProof(lo + k, hi, n, hashes);
  }
  p.push(th);
  return [p, hashes];
}

/** proofFailed is x/mod's errProofFailed. */
function proofFailed(): CodedError {
  return new CodedError('ERR_TLOG_INVALID_PROOF', 'invalid transparency proof', {});
}

/**
 * checkRecord verifies that p proves that the tree of size t with hash th has record n
 * with hash h. It throws `invalid transparency proof` if not, and
 * `tlog: invalid inputs in CheckRecord` unless 0 ≤ n < t.
 */
export function checkRecord(p: readonly Hash[], t: number, th: Hash, n: number, h: Hash): void {
  if (t < 0 || n < 0 || n >= t) throw invalidInputs('CheckRecord');
  const th2 = runRecordProof(p, 0, t, n, h);
  if (!hashEqual(th2, th)) throw proofFailed();
}

/** runRecordProof runs proof p that leaf n is in [lo, hi), returning the implied subtree hash. */
function runRecordProof(p: readonly Hash[], lo: number, hi: number, n: number, leafHash: Hash): Hash {
  if (!(lo <= n && n < hi)) throw internal('tlog: bad math in runRecordProof');
  if (lo + 1 === hi) {
    // At the leaf: the proof must have no unnecessary hashes.
    if (p.length !== 0) throw proofFailed();
    return leafHash;
  }
  if (p.length === 0) throw proofFailed();
  const [k] = maxpow2(hi - lo);
  const last = p[p.length - 1]!;
  if (n < lo + k) return nodeHash(runRecordProof(p.slice(0, -1), lo, lo + k, n, leafHash), last);
  return nodeHash(last, runRecordProof(p.slice(0, -1), lo + k, hi, n, leafHash));
}

/** A TreeProof proves that a tree contains an earlier tree as a prefix (RFC 6962's "consistency proof"). */
export type TreeProof = Hash[];

/**
 * proveTree returns the proof that the tree of size t contains as a prefix all the
 * records of the tree of size n. It throws `tlog: invalid inputs in ProveTree` unless
 * 1 ≤ n ≤ t.
 */
export async function proveTree(t: number, n: number, r: HashReader): Promise<TreeProof> {
  if (t < 1 || n < 1 || n > t) throw invalidInputs('ProveTree');
  const indexes = treeProofIndex(0, t, n, []);
  if (indexes.length === 0) return [];
  const hashes = await readExactly(r, indexes);
  const [p, rest] = treeProof(0, t, n, hashes);
  if (rest.length !== 0) throw internal('tlog: bad index math in ProveTree');
  return p;
}

/** treeProofIndex appends the indexes needed for the sub-proof of the subtree [lo, hi). */
function treeProofIndex(lo: number, hi: number, n: number, need: number[]): number[] {
  if (!(lo < n && n <= hi)) throw internal('tlog: bad math in treeProofIndex');
  if (n === hi) {
    if (lo === 0) return need;
    return subTreeIndex(lo, hi, need);
  }
  const [k] = maxpow2(hi - lo);
  if (n <= lo + k) {
    treeProofIndex(lo, lo + k, n, need);
    subTreeIndex(lo + k, hi, need);
  } else {
    subTreeIndex(lo, lo + k, need);
    treeProofIndex(lo + k, hi, n, need);
  }
  return need;
}

/** treeProof builds the sub-proof for the subtree [lo, hi), returning unused hashes. */
function treeProof(lo: number, hi: number, n: number, hashes: Hash[]): [TreeProof, Hash[]] {
  if (!(lo < n && n <= hi)) throw internal('tlog: bad math in treeProof');
  if (n === hi) {
    // Common ground: the old tree itself needs no hash (the verifier has it).
    if (lo === 0) return [[], hashes];
    const [th, rest] = subTreeHash(lo, hi, hashes);
    return [[th], rest];
  }
  let p: TreeProof;
  let th: Hash;
  const [k] = maxpow2(hi - lo);
  if (n <= lo + k) {
    [p, hashes] = treeProof(lo, lo + k, n, hashes);
    [th, hashes] = subTreeHash(lo + k, hi, hashes);
  } else {
    [th, hashes] = subTreeHash(lo, lo + k, hashes);
    [p, hashes] = treeProof(lo + k, hi, n, hashes);
  }
  p.push(th);
  return [p, hashes];
}

/**
 * checkTree verifies that p proves that the tree of size t with hash th contains as a
 * prefix the tree of size n with hash h. It throws `invalid transparency proof` if not,
 * and `tlog: invalid inputs in CheckTree` unless 1 ≤ n ≤ t.
 */
export function checkTree(p: readonly Hash[], t: number, th: Hash, n: number, h: Hash): void {
  if (t < 1 || n < 1 || n > t) throw invalidInputs('CheckTree');
  const [h2, th2] = runTreeProof(p, 0, t, n, h);
  if (!hashEqual(th2, th) || !hashEqual(h2, h)) throw proofFailed();
}

/**
 * runTreeProof runs the sub-proof p for the subtree [lo, hi) where old is the hash of
 * the old tree of size n, returning the implied old and new subtree hashes.
 */
function runTreeProof(p: readonly Hash[], lo: number, hi: number, n: number, old: Hash): [Hash, Hash] {
  if (!(lo < n && n <= hi)) throw internal('tlog: bad math in runTreeProof');
  if (n === hi) {
    if (lo === 0) {
      if (p.length !== 0) throw proofFailed();
      return [old, old];
    }
    if (p.length !== 1) throw proofFailed();
    return [p[0]!, p[0]!];
  }
  if (p.length === 0) throw proofFailed();
  const [k] = maxpow2(hi - lo);
  const last = p[p.length - 1]!;
  if (n <= lo + k) {
    const [oh, th] = runTreeProof(p.slice(0, -1), lo, lo + k, n, old);
    return [oh, nodeHash(th, last)];
  }
  const [oh, th] = runTreeProof(p.slice(0, -1), lo + k, hi, n, old);
  return [nodeHash(last, oh), nodeHash(last, th)];
}
