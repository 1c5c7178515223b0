/**
 * The texts a checksum database serves: signed tree descriptions and records
 * (golang.org/x/mod/sumdb/tlog, note.go).
 */
import { CodedError } from '../../internal/errors.js';
import { concatBytes, decodeBase64Std, decodeUtf8, encodeUtf8, hasNoControl, indexOfBytes, toBytes } from '../text.js';
import { HASH_SIZE, hashString } from './tlog.js';
import type { Hash } from './tlog.js';

/** A Tree is a tree description (size and root hash), as signed by a checksum database. */
export interface Tree {
  readonly n: number;
  readonly hash: Hash;
}

const TREE_PREFIX = 'go.sum database tree\n';

/**
 * formatTree formats a tree description for a note: three lines
 * `go.sum database tree`, N in decimal, the hash in base64, each ending in newline.
 */
export function formatTree(tree: Tree): string {
  return `${TREE_PREFIX}${tree.n}\n${hashString(tree.hash)}\n`;
}

function malformedTree(): CodedError {
  return new CodedError('ERR_TLOG_MALFORMED_TREE', 'malformed tree note', {});
}

/**
 * parseTree parses a formatted tree description; lines after the third are ignored
 * (forward compatibility). A wrong first line, fewer than three newlines, more than
 * 1e6 bytes, a non-canonical or negative size, a size beyond 2^53-1 (Go allows
 * int64) or a hash that is not base64 of 32 bytes throws `malformed tree note`.
 */
export function parseTree(text: string | Uint8Array): Tree {
  // Only ASCII matters below; latin1 keeps byte offsets for any input bytes.
  const s =
    typeof text === 'string' ? text : Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString('latin1');
  const size = typeof text === 'string' ? Buffer.byteLength(text) : text.length;
  if (!s.startsWith(TREE_PREFIX) || s.split('\n').length - 1 < 3 || size > 1e6) throw malformedTree();
  const lines = s.split('\n', 3);
  const nText = lines[1]!;
  if (!/^[0-9]+$/.test(nText) || String(Number(nText)) !== nText || !Number.isSafeInteger(Number(nText))) {
    throw malformedTree();
  }
  const h = decodeBase64Std(lines[2]!);
  if (h === undefined || h.length !== HASH_SIZE) throw malformedTree();
  return { n: Number(nText), hash: h };
}

function malformedRecord(why: string): CodedError {
  return new CodedError('ERR_TLOG_MALFORMED_RECORD', 'malformed record data', { why });
}

/**
 * isValidRecordText reports whether text is valid record text: UTF-8 without ASCII
 * control characters other than newline, ending in a newline, without blank lines.
 */
export function isValidRecordText(text: Uint8Array): boolean {
  const s = decodeUtf8(text);
  return s !== undefined && hasNoControl(s) && s.endsWith('\n') && !s.includes('\n\n');
}

/**
 * formatRecord formats record id for a lookup response: the id in decimal, a newline,
 * the text and a terminating blank line. Invalid record text (see isValidRecordText)
 * throws `malformed record data`.
 */
export function formatRecord(id: number, text: Uint8Array | string): Uint8Array {
  const t = toBytes(text);
  if (!isValidRecordText(t)) throw malformedRecord('invalid record text');
  return concatBytes([encodeUtf8(`${id}\n`), t, encodeUtf8('\n')]);
}

/** A ParsedRecord is a record id, its text and the bytes after the record's blank line. */
export interface ParsedRecord {
  readonly id: number;
  readonly text: Uint8Array;
  readonly rest: Uint8Array;
}

const NL = encodeUtf8('\n');
const NLNL = encodeUtf8('\n\n');

/**
 * parseRecord parses the record at the start of msg, up to and including its
 * terminating blank line. A missing or non-decimal id line (Go's ParseInt: optional
 * sign; beyond 2^53-1 rejected here), no blank line, or invalid record text throws
 * `malformed record data`.
 */
export function parseRecord(msg: Uint8Array | string): ParsedRecord {
  const m = toBytes(msg);
  const i = indexOfBytes(m, NL);
  if (i < 0) throw malformedRecord('no id line');
  const idText = Buffer.from(m.buffer, m.byteOffset, i).toString('latin1');
  const id = Number(idText);
  if (!/^[+-]?[0-9]+$/.test(idText) || !Number.isSafeInteger(id)) throw malformedRecord('bad id');
  const body = m.subarray(i + 1);
  const j = indexOfBytes(body, NLNL);
  if (j < 0) throw malformedRecord('no blank line');
  const text = body.subarray(0, j + 1);
  if (!isValidRecordText(text)) throw malformedRecord('invalid record text');
  return { id: id === 0 ? 0 : id, text, rest: body.subarray(j + 2) };
}
