/**
 * Package txtar reads and writes the trivial text archive format of
 * golang.org/x/tools/txtar, which the Go project uses for test fixtures: the module
 * versions served by cmd/go's test proxy, the x/mod zip test cases and cmd/go's
 * script tests are all txtar files.
 *
 * An archive is a comment followed by a sequence of files:
 *
 *     comment lines…
 *     -- NAME --
 *     file data lines…
 *     -- OTHER/NAME --
 *     …
 *
 * A file marker is a whole line that begins with the three bytes "-- " and ends with
 * " --"; the name between them has surrounding white space removed and must not be
 * empty. The comment (and each file's data) runs up to the next marker line. If the
 * archive does not end in a newline, a final newline is assumed.
 *
 * Invariants:
 *  - There are no syntax errors: every byte sequence parses, and parse never throws.
 *  - The format is bytes, not text. Comments and data are Uint8Array and are never
 *    decoded, so fixtures holding invalid UTF-8 (x/mod's invalid_utf8_mod_path cases)
 *    survive a parse/format round trip unchanged. Only names are decoded (as UTF-8).
 *  - parse(format(a)) equals a whenever a is well formed (no data contains a marker
 *    line, every name is non-empty and has no surrounding space or newline).
 *  - A marker line may end in CR LF; the CR is not part of the name (as x/tools does
 *    since golang.org/issue/59264). Data bytes, including CRs, are kept.
 *
 * The format has no section in the module reference; it is described in
 * https://pkg.go.dev/golang.org/x/tools/txtar.
 */
import { readFile } from 'node:fs/promises';
import { concatBytes } from '../internal/bytes.js';
import { trimSpace } from '../modfile/utf8.js';

/** File is one file of an archive. */
export interface File {
  /** The name from the marker line, e.g. "foo/bar.txt" (decoded as UTF-8, trimmed). */
  name: string;
  /** The file's content, always empty or ending in "\n" after parse. */
  data: Uint8Array;
}

/** Archive is a parsed txtar archive: a comment and the files in order. */
export interface Archive {
  /** Everything before the first marker line (empty or ending in "\n" after parse). */
  comment: Uint8Array;
  files: File[];
}

const NL = 0x0a;
const CR = 0x0d;
const DASH = 0x2d;
const SPACE = 0x20;
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * parse parses the serialized form of an archive. It never fails: text before the
 * first marker is the comment, and a missing final newline is supplied. The returned
 * comment and data are views into data where possible (copies only when a newline
 * has to be added), so callers that mutate data should copy first.
 */
export function parse(data: Uint8Array): Archive {
  const files: File[] = [];
  let found = findFileMarker(data, 0);
  const comment = found.before;
  while (found.name !== undefined) {
    const name = found.name;
    found = findFileMarker(data, found.after);
    files.push({ name, data: found.before });
  }
  return { comment, files };
}

/**
 * format returns the serialized form of a. It assumes a is well formed (see the
 * package invariants): a name that is empty or contains a newline, or data that
 * contains a marker line, produces an archive that parses differently. A comment
 * or data without a final newline gets one.
 */
export function format(a: Archive): Uint8Array {
  const parts: Uint8Array[] = [fixNL(a.comment)];
  for (const f of a.files) {
    parts.push(encoder.encode(`-- ${f.name} --\n`), fixNL(f.data));
  }
  return concatBytes(parts);
}

/**
 * parseFile reads and parses the archive at path. It rejects with the file system
 * error when the file cannot be read; the content itself can never be malformed.
 */
export async function parseFile(path: string): Promise<Archive> {
  return parse(new Uint8Array(await readFile(path)));
}

/** Found is the result of findFileMarker: the bytes before the marker, its name and where the next section starts. */
interface Found {
  before: Uint8Array;
  /** The marker's name, or undefined when no marker follows (before then runs to the end). */
  name: string | undefined;
  /** Offset in data just after the marker line. */
  after: number;
}

/**
 * findFileMarker finds the first marker line at or after offset start, where start
 * is the beginning of a line. Without one, before is the rest of data with a final
 * newline supplied.
 */
function findFileMarker(data: Uint8Array, start: number): Found {
  let i = start;
  for (;;) {
    const marker = isMarker(data, i);
    if (marker) return { before: data.subarray(start, i), name: marker.name, after: marker.after };
    // Only a line beginning with "-- " can be a marker: look for the next "\n-- ".
    const j = indexOfNewlineMarker(data, i);
    if (j < 0) return { before: fixNL(data.subarray(start)), name: undefined, after: data.length };
    i = j + 1;
  }
}

/** indexOfNewlineMarker returns the index of the next "\n-- " at or after from, or -1. */
function indexOfNewlineMarker(data: Uint8Array, from: number): number {
  for (let j = data.indexOf(NL, from); j >= 0; j = data.indexOf(NL, j + 1)) {
    if (data[j + 1] === DASH && data[j + 2] === DASH && data[j + 3] === SPACE) return j;
  }
  return -1;
}

/**
 * isMarker reports whether the line starting at offset i is a file marker line and
 * if so returns its trimmed, non-empty name and the offset after the line.
 */
function isMarker(data: Uint8Array, i: number): { name: string; after: number } | undefined {
  if (!(data[i] === DASH && data[i + 1] === DASH && data[i + 2] === SPACE)) return undefined;
  const nl = data.indexOf(NL, i);
  let end = nl < 0 ? data.length : nl;
  const after = nl < 0 ? data.length : nl + 1;
  if (end > i && data[end - 1] === CR) end--;
  // The line must end in " --" and be at least "-- " + " --" long.
  if (end - i < 6 || data[end - 3] !== SPACE || data[end - 2] !== DASH || data[end - 1] !== DASH) return undefined;
  const name = trimSpace(utf8.decode(data.subarray(i + 3, end - 3)));
  if (name === '') return undefined;
  return { name, after };
}

/** fixNL returns data if it is empty or ends in "\n", else a copy with "\n" appended. */
function fixNL(data: Uint8Array): Uint8Array {
  if (data.length === 0 || data[data.length - 1] === NL) return data;
  const out = new Uint8Array(data.length + 1);
  out.set(data);
  out[data.length] = NL;
  return out;
}
