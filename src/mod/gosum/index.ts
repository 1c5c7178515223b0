/**
 * Package gosum reads, queries, edits and writes go.sum files the way cmd/go does
 * (cmd/go/internal/modfetch: readGoSum, haveModSumLocked, WriteGoSum).
 *
 * A go.sum file holds one checksum per line:
 *
 *     <module path> <version> <hash>
 *     <module path> <version>/go.mod <hash>
 *
 * The first form is the hash of the module's zip (its file tree), the second the hash
 * of its go.mod file alone; both are dirhash "h1:" hashes today
 * (https://go.dev/ref/mod#go-sum-files). A module version may have several lines with
 * different hash algorithms; only "h1:" hashes are checked.
 *
 * Invariants (all from cmd/go):
 *  - Fields are separated by Unicode white space (strings.Fields); blank lines are
 *    skipped; a line with other than three fields is an error whose text is the go
 *    command's: "malformed go.sum:\n<file>:<line>: wrong number of fields <n>".
 *    The go command itself discards that error and simply stops reading at the bad
 *    line (Go 1.19 through 1.25); readGoSum reproduces that view, parse is strict.
 *  - Lines carrying the hash of an empty go.mod (written by an old go command bug) are
 *    dropped on read, so they disappear when the file is written again.
 *  - format writes the file in cmd/go's order: module.sort over (path, version) — the
 *    zip line before the "/go.mod" line of the same version, versions in semver order
 *    — and, within one line key, the hashes sorted and de-duplicated.
 *  - Nothing here touches the file system or the network; callers pass bytes in and
 *    write the formatted bytes out.
 */
import { CodedError } from '../internal/errors.js';
import * as module from '../module/index.js';
import { fields, isSpace } from '../modfile/utf8.js';

/** SumLine is one checksum line of a go.sum file. */
export interface SumLine {
  /** Module path. */
  readonly path: string;
  /** Version, with the "/go.mod" suffix on go.mod lines. */
  readonly version: string;
  /** The hash, e.g. "h1:…=". */
  readonly hash: string;
  /** 1-based line number in the parsed file; 0 for lines added since. */
  readonly line: number;
}

/** LineError locates one malformed line. */
export interface LineError {
  readonly file: string;
  readonly line: number;
  /** 1-based column of the line's first field. */
  readonly col: number;
  /** How many fields the line has (go.sum lines have exactly three). */
  readonly fields: number;
}

/** Problem is one finding of GoSum.check. */
export type Problem =
  | {
      /** The same line (module, version, hash) appears more than once; format keeps one. */
      readonly kind: 'duplicate';
      readonly path: string;
      readonly version: string;
      readonly hash: string;
      readonly lines: readonly number[];
    }
  | {
      /** One module version has different h1 hashes: the go command fails with a checksum mismatch. */
      readonly kind: 'conflict';
      readonly path: string;
      readonly version: string;
      readonly hashes: ReadonlyArray<{ readonly hash: string; readonly line: number }>;
    }
  | {
      /** A hash the go command does not check (not "h1:"); it is kept but never verifies anything. */
      readonly kind: 'unknown-algorithm';
      readonly path: string;
      readonly version: string;
      readonly hash: string;
      readonly line: number;
    }
  | {
      /**
       * A line without exactly three fields. The go command silently stops reading
       * go.sum there: this line and every line after it are ignored (and lost when it
       * rewrites the file), which shows up as "missing go.sum entry" errors.
       */
      readonly kind: 'malformed';
      readonly line: number;
      readonly fields: number;
      /** How many non-blank lines (this one included) the go command ignores. */
      readonly ignoredLines: number;
    }
  | {
      /** The empty-go.mod hash of an old go command bug; dropped on read, gone when the file is written. */
      readonly kind: 'dropped-empty-gomod';
      readonly path: string;
      readonly version: string;
      readonly line: number;
    };

/** VerifyResult is how a downloaded hash compares with go.sum (cmd/go's haveModSumLocked). */
export type VerifyResult =
  | { readonly status: 'ok' }
  | { readonly status: 'missing' }
  | { readonly status: 'mismatch'; readonly recorded: string };

/** EMPTY_GOMOD_HASH is the h1 hash of a zero-length go.mod (cmd/go's emptyGoModHash). */
export const EMPTY_GOMOD_HASH = 'h1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=';

/** GO_MOD_SUFFIX marks a go.mod line's version. */
const GO_MOD_SUFFIX = '/go.mod';

/**
 * The explanation cmd/go appends to a go.sum checksum mismatch (goSumMismatch).
 */
export const GO_SUM_MISMATCH_NOTE = `

SECURITY ERROR
This download does NOT match an earlier download recorded in go.sum.
The bits may have been replaced on the origin server, or an attacker may
have intercepted the download attempt.

For more information, see 'go help module-auth'.
`;

/**
 * GoSum is the content of one go.sum file: its lines in file order plus what parse
 * dropped. It is mutable (add, remove); format renders it in cmd/go's order.
 */
export class GoSum {
  /** The file name used in messages (as given to parse). */
  readonly file: string;
  private lines: SumLine[];
  private readonly dropped: SumLine[];
  private readonly truncated: { error: LineError; ignoredLines: number } | undefined;

  /** Use parse, readGoSum or createGoSum. */
  constructor(
    file: string,
    lines: SumLine[],
    dropped: SumLine[],
    truncated?: { error: LineError; ignoredLines: number },
  ) {
    this.file = file;
    this.lines = lines;
    this.dropped = dropped;
    this.truncated = truncated;
  }

  /** entries returns the lines in file order (added lines last). */
  entries(): readonly SumLine[] {
    return this.lines;
  }

  /**
   * lookup returns the hashes recorded for the zip of path@version, in file order,
   * whatever their algorithm (empty when there is none). A version with a "/go.mod"
   * suffix is looked up verbatim.
   */
  lookup(path: string, version: string): string[] {
    return this.lines.filter((l) => l.path === path && l.version === version).map((l) => l.hash);
  }

  /** lookupGoMod returns the hashes recorded for the go.mod file of path@version. */
  lookupGoMod(path: string, version: string): string[] {
    return this.lookup(path, version + GO_MOD_SUFFIX);
  }

  /**
   * haveSum reports whether go.sum has an "h1:" hash for path@version (cmd/go's
   * HaveSum: other algorithms do not count). Use version + "/go.mod" for go.mod lines.
   */
  haveSum(path: string, version: string): boolean {
    return this.lookup(path, version).some((h) => h.startsWith('h1:'));
  }

  /**
   * verify compares a computed hash with go.sum as cmd/go does before trusting a
   * download: "ok" when the same hash is recorded, "mismatch" (with the first
   * recorded "h1:" hash that differs) when go.sum disagrees, "missing" otherwise.
   */
  verify(path: string, version: string, hash: string): VerifyResult {
    for (const recorded of this.lookup(path, version)) {
      if (recorded === hash) return { status: 'ok' };
      if (recorded.startsWith('h1:')) return { status: 'mismatch', recorded };
    }
    return { status: 'missing' };
  }

  /**
   * add records hash for path@version (append "/go.mod" to version for a go.mod
   * line). Adding a line that is already present does nothing; adding a different
   * hash for the same version keeps both (check reports the conflict). It throws
   * ERR_GOSUM_BAD_ENTRY when a field is empty or contains white space, since such a
   * line could not be read back.
   */
  add(path: string, version: string, hash: string): void {
    for (const [name, value] of [
      ['module path', path],
      ['version', version],
      ['hash', hash],
    ] as const) {
      if (value === '' || fields(value).length !== 1) {
        throw new CodedError('ERR_GOSUM_BAD_ENTRY', `invalid go.sum ${name} ${JSON.stringify(value)}`, {
          path,
          version,
          hash,
        });
      }
    }
    if (this.lines.some((l) => l.path === path && l.version === version && l.hash === hash)) return;
    this.lines.push({ path, version, hash, line: 0 });
  }

  /**
   * remove deletes lines and returns how many went. remove(path) deletes every line
   * of the module; remove(path, version) deletes the zip and the go.mod line of that
   * version; a version ending in "/go.mod" deletes only the go.mod line. Removing
   * something absent is not an error (it returns 0).
   */
  remove(path: string, version?: string): number {
    const before = this.lines.length;
    this.lines = this.lines.filter((l) => {
      if (l.path !== path) return true;
      if (version === undefined) return false;
      if (version.endsWith(GO_MOD_SUFFIX)) return l.version !== version;
      return l.version !== version && l.version !== version + GO_MOD_SUFFIX;
    });
    return before - this.lines.length;
  }

  /**
   * format returns the file as the go command writes it: lines sorted by module
   * path, then version (zip line before "/go.mod" line), then hash; duplicates
   * removed; "\n" after every line. An empty GoSum formats to "".
   */
  format(): string {
    const byKey = new Map<string, { path: string; version: string; hashes: Set<string> }>();
    for (const l of this.lines) {
      const key = `${l.path} ${l.version}`;
      let e = byKey.get(key);
      if (!e) byKey.set(key, (e = { path: l.path, version: l.version, hashes: new Set() }));
      e.hashes.add(l.hash);
    }
    const mods = module.sort([...byKey.values()]);
    let out = '';
    for (const m of mods) {
      for (const h of [...m.hashes].sort(compareBytes)) out += `${m.path} ${m.version} ${h}\n`;
    }
    return out;
  }

  /**
   * check reports what is wrong with the file without failing: duplicated lines,
   * module versions with conflicting h1 hashes, hashes of unknown algorithms, and
   * lines parse dropped. Problems are in file order of their first line.
   */
  check(): Problem[] {
    const problems: Array<{ at: number; p: Problem }> = [];
    const seen = new Map<string, number[]>();
    const h1ByKey = new Map<string, Array<{ hash: string; line: number }>>();
    for (const l of this.lines) {
      const lineKey = `${l.path} ${l.version} ${l.hash}`;
      const at = seen.get(lineKey);
      if (at) at.push(l.line);
      else seen.set(lineKey, [l.line]);
      if (!l.hash.startsWith('h1:')) {
        problems.push({
          at: l.line,
          p: { kind: 'unknown-algorithm', path: l.path, version: l.version, hash: l.hash, line: l.line },
        });
        continue;
      }
      const key = `${l.path} ${l.version}`;
      const list = h1ByKey.get(key) ?? [];
      if (!list.some((x) => x.hash === l.hash)) list.push({ hash: l.hash, line: l.line });
      h1ByKey.set(key, list);
    }
    for (const [lineKey, lines] of seen) {
      if (lines.length < 2) continue;
      const [path, version, hash] = lineKey.split(' ') as [string, string, string];
      problems.push({ at: lines[0]!, p: { kind: 'duplicate', path, version, hash, lines } });
    }
    for (const [key, hashes] of h1ByKey) {
      if (hashes.length < 2) continue;
      const [path, version] = key.split(' ') as [string, string];
      problems.push({ at: hashes[0]!.line, p: { kind: 'conflict', path, version, hashes } });
    }
    for (const d of this.dropped) {
      problems.push({ at: d.line, p: { kind: 'dropped-empty-gomod', path: d.path, version: d.version, line: d.line } });
    }
    if (this.truncated) {
      const { error, ignoredLines } = this.truncated;
      problems.push({ at: error.line, p: { kind: 'malformed', line: error.line, fields: error.fields, ignoredLines } });
    }
    // Added lines (line 0) sort last.
    const rank = (n: number) => (n === 0 ? Number.MAX_SAFE_INTEGER : n);
    return problems.sort((a, b) => rank(a.at) - rank(b.at)).map((x) => x.p);
  }
}

/** createGoSum returns an empty go.sum (file names it in messages; default "go.sum"). */
export function createGoSum(options: { file?: string } = {}): GoSum {
  return new GoSum(options.file ?? 'go.sum', [], []);
}

/**
 * parse reads the go.sum content data strictly; file names it in messages (the go
 * command uses the path it read). A missing go.sum is simply an empty one: pass "".
 * On a malformed line it throws ERR_GOSUM_MALFORMED whose message is the go
 * command's text for the first bad line ("malformed go.sum:\n<file>:<line>: wrong
 * number of fields <n>") and whose fields.errors lists every bad line (file, line,
 * col, fields). Use readGoSum to see the file as the go command does instead.
 */
export function parse(file: string, data: Uint8Array | string): GoSum {
  const r = scan(file, data);
  if (r.errors.length > 0) throw malformed(file, r.errors);
  return new GoSum(file, r.lines, r.dropped);
}

/**
 * readGoSum reads go.sum as the go command does (cmd/go's readGoSumFile): reading
 * stops at the first malformed line and the go command IGNORES that error, so the
 * returned sum holds only the lines before it. error is the ERR_GOSUM_MALFORMED the
 * go command drops on the floor (undefined for a well-formed file), and
 * sum.check() reports the truncation as a 'malformed' problem. It never throws.
 */
export function readGoSum(file: string, data: Uint8Array | string): { sum: GoSum; error: CodedError | undefined } {
  const r = scan(file, data);
  const first = r.errors[0];
  if (!first) return { sum: new GoSum(file, r.lines, r.dropped), error: undefined };
  const before = (l: SumLine) => l.line < first.line;
  const ignoredLines = r.lines.filter((l) => !before(l)).length + r.dropped.filter((l) => !before(l)).length;
  const sum = new GoSum(file, r.lines.filter(before), r.dropped.filter(before), {
    error: first,
    ignoredLines: ignoredLines + r.errors.length,
  });
  return { sum, error: malformed(file, r.errors) };
}

/** scan splits data into lines and fields, collecting every malformed line. */
function scan(file: string, data: Uint8Array | string): { lines: SumLine[]; dropped: SumLine[]; errors: LineError[] } {
  const text = typeof data === 'string' ? data : decoder.decode(data);
  const lines: SumLine[] = [];
  const dropped: SumLine[] = [];
  const errors: LineError[] = [];
  let lineno = 0;
  let start = 0;
  while (start < text.length) {
    lineno++;
    const nl = text.indexOf('\n', start);
    const line = nl < 0 ? text.slice(start) : text.slice(start, nl);
    start = nl < 0 ? text.length : nl + 1;
    const f = fields(line);
    if (f.length === 0) continue;
    if (f.length !== 3) {
      errors.push({ file, line: lineno, col: firstNonSpace(line) + 1, fields: f.length });
      continue;
    }
    const entry: SumLine = { path: f[0]!, version: f[1]!, hash: f[2]!, line: lineno };
    if (entry.hash === EMPTY_GOMOD_HASH) dropped.push(entry);
    else lines.push(entry);
  }
  return { lines, dropped, errors };
}

/** malformed builds ERR_GOSUM_MALFORMED: Go's text for the first error, all of them in fields. */
function malformed(file: string, errors: LineError[]): CodedError {
  const first = errors[0]!;
  return new CodedError(
    'ERR_GOSUM_MALFORMED',
    `malformed go.sum:\n${first.file}:${first.line}: wrong number of fields ${first.fields}`,
    { file, line: first.line, col: first.col, errors },
  );
}

/**
 * mismatchError returns the go command's error for a download whose hash disagrees
 * with go.sum (ERR_GOSUM_MISMATCH): "verifying path@version: checksum mismatch",
 * the downloaded and recorded hashes, and the SECURITY ERROR note. sumFile is the
 * file name cmd/go shows ("go.sum", or "go.work.sum" in a workspace).
 */
export function mismatchError(
  path: string,
  version: string,
  downloaded: string,
  recorded: string,
  sumFile = 'go.sum',
): CodedError {
  return new CodedError(
    'ERR_GOSUM_MISMATCH',
    `verifying ${path}@${version}: checksum mismatch\n\tdownloaded: ${downloaded}\n\t${sumFile}:     ${recorded}` +
      GO_SUM_MISMATCH_NOTE,
    { path, version, downloaded, recorded, file: sumFile },
  );
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function firstNonSpace(s: string): number {
  let i = 0;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  return i;
}

/** compareBytes orders strings by UTF-8 bytes, as Go's sort.Strings. */
function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
