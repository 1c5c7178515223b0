/**
 * Scanning Go source files for what the module loader needs: the package clause,
 * the import declarations, and whether the file is part of the build for a tag set
 * (file-name GOOS/GOARCH suffixes, `//go:build` and `// +build` lines, cgo files).
 * This is cmd/go/internal/imports (ScanDir, ShouldBuild, MatchFile, ReadImports):
 * only the file header is read, never the declarations after the imports.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../internal/errors.js';
import { evaluate, isGoBuild, isPlusBuild, parse, type Tags } from './constraint.js';

/** ImportSpec is one import path found in a file, with its 1-based position. */
export interface ImportSpec {
  readonly path: string;
  readonly line: number;
  readonly col: number;
}

/** FileImports is the header of one Go file. */
export interface FileImports {
  /** The package name, or "" when the file has no valid package clause. */
  readonly packageName: string;
  readonly imports: readonly ImportSpec[];
  /** The first syntax error in the header, if any (the imports before it are kept). */
  readonly error?: string;
}

/**
 * readImports reads the package clause and import declarations of Go source text.
 * Comments and white space are skipped; reading stops at the first declaration that
 * is not an import. Syntax errors do not throw: they end the scan and are reported in
 * the result's error field.
 */
export function readImports(src: string): FileImports {
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const imports: ImportSpec[] = [];
  const skip = (): void => {
    for (;;) {
      const c = src[i];
      if (c === '\n') {
        i++;
        line++;
        lineStart = i;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === ';' || c === '\ufeff') {
        i++;
      } else if (c === '/' && src[i + 1] === '/') {
        while (i < src.length && src[i] !== '\n') i++;
      } else if (c === '/' && src[i + 1] === '*') {
        const end = src.indexOf('*/', i + 2);
        const stop = end < 0 ? src.length : end + 2;
        for (let k = i; k < stop; k++) {
          if (src[k] === '\n') {
            line++;
            lineStart = k + 1;
          }
        }
        i = stop;
      } else return;
    }
  };
  const ident = (): string => {
    const m = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(src.slice(i, i + 256));
    if (!m) return '';
    i += m[0].length;
    return m[0];
  };
  const str = (): ImportSpec | undefined => {
    const l = line;
    const col = i - lineStart + 1;
    const q = src[i];
    if (q === '`') {
      const end = src.indexOf('`', i + 1);
      if (end < 0) return undefined;
      const p = src.slice(i + 1, end);
      i = end + 1;
      return { path: p, line: l, col };
    }
    if (q !== '"') return undefined;
    let j = i + 1;
    let out = '';
    while (j < src.length && src[j] !== '"') {
      if (src[j] === '\n') return undefined;
      if (src[j] === '\\') {
        const e = src[j + 1];
        const simple: Record<string, string> = {
          n: '\n',
          t: '\t',
          '\\': '\\',
          '"': '"',
          "'": "'",
          a: '\x07',
          b: '\b',
          f: '\f',
          r: '\r',
          v: '\v',
        };
        if (e !== undefined && simple[e] !== undefined) {
          out += simple[e];
          j += 2;
          continue;
        }
        const hex = /^(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0-7]{3}))/.exec(
          src.slice(j + 1, j + 11),
        );
        if (!hex) return undefined;
        const code = hex[1] ?? hex[2] ?? hex[3];
        out +=
          code !== undefined ? String.fromCodePoint(parseInt(code, 16)) : String.fromCharCode(parseInt(hex[4]!, 8));
        j += 1 + hex[0].length;
        continue;
      }
      out += src[j];
      j++;
    }
    if (j >= src.length) return undefined;
    i = j + 1;
    return { path: out, line: l, col };
  };
  const spec = (): boolean => {
    // [name | "." | "_"] "path"
    skip();
    if (src[i] === '.') i++;
    else ident();
    skip();
    const s = str();
    if (!s) return false;
    imports.push(s);
    return true;
  };

  skip();
  if (ident() !== 'package') return { packageName: '', imports, error: 'expected package clause' };
  skip();
  const packageName = ident();
  if (packageName === '') return { packageName, imports, error: 'expected package name' };
  for (;;) {
    skip();
    const save = i;
    if (ident() !== 'import') {
      i = save;
      return { packageName, imports };
    }
    skip();
    if (src[i] === '(') {
      i++;
      for (;;) {
        skip();
        if (src[i] === ')') {
          i++;
          break;
        }
        if (i >= src.length || !spec())
          return { packageName, imports, error: `${line}:${i - lineStart + 1}: malformed import` };
      }
    } else if (!spec()) {
      return { packageName, imports, error: `${line}:${i - lineStart + 1}: malformed import` };
    }
  }
}

/**
 * parseFileHeader returns the leading part of src in which build constraints may
 * appear (blank and `//` lines before the first other line, cmd/go's rules) and the
 * `//go:build` line found there. It throws when there are two `//go:build` lines.
 */
export function parseFileHeader(src: string): { header: string; goBuild?: string } {
  let end = 0;
  let pos = 0;
  let ended = false;
  let inSlashStar = false;
  let goBuild: string | undefined;
  lines: while (pos < src.length) {
    let nl = src.indexOf('\n', pos);
    if (nl < 0) nl = src.length;
    let line = src.slice(pos, nl).trim();
    pos = Math.min(nl + 1, src.length);
    if (line.length === 0 && !ended) {
      end = pos;
      continue;
    }
    if (!line.startsWith('//')) ended = true;
    if (!inSlashStar && isGoBuild(line)) {
      if (goBuild !== undefined) throw new Error('multiple //go:build comments');
      goBuild = line;
    }
    for (;;) {
      if (line.length === 0) continue lines;
      if (inSlashStar) {
        const k = line.indexOf('*/');
        if (k < 0) continue lines;
        inSlashStar = false;
        line = line.slice(k + 2).trim();
        continue;
      }
      if (line.startsWith('//')) continue lines;
      if (line.startsWith('/*')) {
        inSlashStar = true;
        line = line.slice(2).trim();
        continue;
      }
      break lines;
    }
  }
  return { header: src.slice(0, end), goBuild };
}

/**
 * shouldBuild reports whether a file with content src is built for tags: its
 * `//go:build` line if it has one, otherwise every `// +build` line of its header
 * must hold. Malformed `//go:build` lines (and duplicate ones) exclude the file;
 * malformed `// +build` lines are ignored, as in the go command.
 */
export function shouldBuild(src: string, tags: Tags, goos = ''): boolean {
  let h: { header: string; goBuild?: string };
  try {
    h = parseFileHeader(src);
  } catch {
    return false;
  }
  if (h.goBuild !== undefined) {
    try {
      return evaluate(parse(h.goBuild), tags, true, goos);
    } catch {
      return false;
    }
  }
  let ok = true;
  for (const raw of h.header.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('//') || !line.includes('+build') || !isPlusBuild(line)) continue;
    try {
      if (!evaluate(parse(line), tags, true, goos)) ok = false;
    } catch {
      // Malformed +build lines are ignored.
    }
  }
  return ok;
}

/** KNOWN_OS are the GOOS values recognised in file-name suffixes. */
export const KNOWN_OS: ReadonlySet<string> = new Set([
  'aix',
  'android',
  'darwin',
  'dragonfly',
  'freebsd',
  'hurd',
  'illumos',
  'ios',
  'js',
  'linux',
  'nacl',
  'netbsd',
  'openbsd',
  'plan9',
  'solaris',
  'wasip1',
  'windows',
  'zos',
]);

/** KNOWN_ARCH are the GOARCH values recognised in file-name suffixes. */
export const KNOWN_ARCH: ReadonlySet<string> = new Set([
  '386',
  'amd64',
  'amd64p32',
  'arm',
  'armbe',
  'arm64',
  'arm64be',
  'loong64',
  'mips',
  'mipsle',
  'mips64',
  'mips64le',
  'mips64p32',
  'mips64p32le',
  'ppc',
  'ppc64',
  'ppc64le',
  'riscv',
  'riscv64',
  's390',
  's390x',
  'sparc',
  'sparc64',
  'wasm',
]);

/**
 * matchFile reports whether a file name's `_GOOS`, `_GOARCH` or `_GOOS_GOARCH`
 * suffix (before an optional `_test`) is satisfied by tags. With "*" every name matches.
 */
export function matchFile(name: string, tags: Tags, goos = ''): boolean {
  if (tags.has('*')) return true;
  const dot = name.indexOf('.');
  if (dot >= 0) name = name.slice(0, dot);
  const u = name.indexOf('_');
  if (u < 0) return true;
  let l = name.slice(u).split('_');
  if (l.length > 0 && l[l.length - 1] === 'test') l = l.slice(0, -1);
  const n = l.length;
  const m = (t: string) => evaluate({ kind: 'tag', tag: t }, tags, true, goos);
  if (n >= 2 && KNOWN_OS.has(l[n - 2]!) && KNOWN_ARCH.has(l[n - 1]!)) return m(l[n - 2]!) && m(l[n - 1]!);
  if (n >= 1 && KNOWN_OS.has(l[n - 1]!)) return m(l[n - 1]!);
  if (n >= 1 && KNOWN_ARCH.has(l[n - 1]!)) return m(l[n - 1]!);
  return true;
}

/** BuildContext names the target for tag evaluation. */
export interface BuildContext {
  readonly goos: string;
  readonly goarch: string;
  /** Whether cgo is enabled (the "cgo" tag; files importing "C" are skipped otherwise). */
  readonly cgoEnabled?: boolean;
  /** The Go release, e.g. "1.19": release tags go1.1 … go1.N are set. */
  readonly goVersion?: string;
  /** Extra tags (-tags). */
  readonly buildTags?: readonly string[];
}

/**
 * tagsFor returns the tag set of a build context (cmd/go's imports.Tags): GOOS,
 * GOARCH, "gc", "cgo" when enabled, the release tags, and the extra tags. An invalid
 * goVersion yields no release tags.
 */
export function tagsFor(ctx: BuildContext): Tags {
  const tags = new Set<string>([ctx.goos, ctx.goarch, 'gc', ...(ctx.buildTags ?? [])]);
  if (ctx.cgoEnabled) tags.add('cgo');
  const m = /^1\.(\d+)/.exec(ctx.goVersion ?? '');
  if (m) for (let i = 1; i <= Number(m[1]); i++) tags.add(`go1.${i}`);
  return tags;
}

/** anyTags returns the tag set that satisfies every constraint but "ignore" (imports.AnyTags). */
export function anyTags(): Tags {
  return new Set(['*']);
}

/** SourceFile is a Go file's base name and content, for scanning without a directory. */
export interface SourceFile {
  readonly name: string;
  readonly data: string | Uint8Array;
}

/** PackageImports is what scanning a package directory finds. */
export interface PackageImports {
  /** Sorted, de-duplicated imports of the non-test files. */
  readonly imports: string[];
  /** Sorted, de-duplicated imports of the _test.go files. */
  readonly testImports: string[];
  /** Per-file results (base name → header), for positions in error messages. */
  readonly files: ReadonlyMap<string, FileImports>;
}

/**
 * scanFiles scans files of one package directory for tags (imports.ScanDir without
 * the directory read): names starting with "_" or "." and non-.go files are ignored,
 * file-name suffixes and build constraints are applied, and a file importing "C" is
 * skipped unless the "cgo" (or "*") tag is set. It returns undefined when no file is
 * part of the package (Go's "no Go source files").
 */
export function scanFiles(files: readonly SourceFile[], tags: Tags, goos = ''): PackageImports | undefined {
  const imports = new Set<string>();
  const testImports = new Set<string>();
  const per = new Map<string, FileImports>();
  let n = 0;
  const dec = new TextDecoder();
  for (const f of files) {
    if (f.name.startsWith('_') || f.name.startsWith('.') || !f.name.endsWith('.go')) continue;
    if (!matchFile(f.name, tags, goos)) continue;
    const src = typeof f.data === 'string' ? f.data : dec.decode(f.data);
    const fi = readImports(src);
    if (fi.imports.some((s) => s.path === 'C') && !tags.has('cgo') && !tags.has('*')) continue;
    if (!shouldBuild(src, tags, goos)) continue;
    n++;
    per.set(f.name, fi);
    const into = f.name.endsWith('_test.go') ? testImports : imports;
    for (const s of fi.imports) into.add(s.path);
  }
  if (n === 0) return undefined;
  const sorted = (s: Set<string>) => [...s].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { imports: sorted(imports), testImports: sorted(testImports), files: per };
}

/**
 * scanDir reads the regular .go files of dir (following symlinks, ignoring broken
 * ones) and scans them with scanFiles. It rejects with ERR_LOAD_READ_DIR when dir
 * cannot be read, and resolves undefined when it holds no Go files for tags.
 */
export async function scanDir(dir: string, tags: Tags, goos = ''): Promise<PackageImports | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    throw new CodedError(
      'ERR_LOAD_READ_DIR',
      `open ${dir}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
      { dir },
      { cause: e },
    );
  }
  const files: SourceFile[] = [];
  for (const name of names.sort()) {
    if (!name.endsWith('.go') || name.startsWith('_') || name.startsWith('.')) continue;
    const p = path.join(dir, name);
    const st = await stat(p).catch(() => undefined);
    if (!st?.isFile()) continue;
    if (!matchFile(name, tags, goos)) continue;
    files.push({ name, data: await readFile(p) });
  }
  return scanFiles(files, tags, goos);
}
