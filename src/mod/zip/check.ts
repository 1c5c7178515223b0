/**
 * The rules a module zip's file list must satisfy (x/mod's checkFiles, CheckDir,
 * CheckZip): which files are valid, which are omitted (and why) and which are
 * invalid (and why). create and unzip apply the same rules before writing anything.
 */
import path from 'node:path';
import { CodedError, isCodedError } from '../internal/errors.js';
import * as module from '../module/index.js';
import { decodeGoString, errorText, openZipReader, type ZipReader } from './archive.js';
import { strToFold } from './fold.js';
import { goModLanguage, isVendoredPackage } from './vendor.js';

/** MAX_ZIP_FILE is the largest module zip, and the largest total uncompressed content, in bytes (500 MiB). */
export const MAX_ZIP_FILE = 500 << 20;
/** MAX_GO_MOD is the largest go.mod file in a module zip, in bytes (16 MiB). */
export const MAX_GO_MOD = 16 << 20;
/** MAX_LICENSE is the largest LICENSE file in a module zip, in bytes (16 MiB). */
export const MAX_LICENSE = 16 << 20;

/**
 * ZipModule names the module version of a zip: module.ModuleVersion, except that the
 * path may be given as raw bytes (a Go byte string that is not valid UTF-8 is
 * reported exactly as Go reports it).
 */
export interface ZipModule {
  readonly path: module.GoString;
  readonly version: string;
}

/** modulePathText returns a checked module path as text. */
export function modulePathText(m: ZipModule): string {
  return typeof m.path === 'string' ? m.path : decodeGoString(m.path).text;
}

/** FileType is what lstat says a file is (symbolic links are not followed). */
export type FileType = 'file' | 'dir' | 'symlink' | 'other';

/** FileInfo is the part of lstat that the zip rules read. */
export interface FileInfo {
  /** Size in bytes. A negative size models a corrupt declared size (rejected as too large). */
  readonly size: number;
  readonly type: FileType;
}

/** Content is a file's data: bytes, or a stream of chunks (a Node Readable is one). */
export type Content = Uint8Array | AsyncIterable<Uint8Array>;

/**
 * File is one file offered for a module zip (x/mod's zip.File): a clean,
 * slash-separated path relative to the module root, its lstat information, and a
 * way to read it. A path that is not valid UTF-8 can be given as its raw bytes.
 */
export interface File {
  readonly path: module.GoString;
  /** lstat returns the file's information; throwing makes the file invalid with that message. */
  lstat(): FileInfo | Promise<FileInfo>;
  /** open returns the content of a regular file (called at most once, when it is written). */
  open(): Content | Promise<Content>;
}

/**
 * FileError is one entry of the omitted or invalid lists: the file, a stable code
 * (ERR_… for invalid files, a kebab-case reason id for omitted ones) and x/mod's
 * message for it.
 */
export interface FileError {
  readonly path: string;
  readonly code: string;
  readonly message: string;
}

/**
 * CheckedFiles is x/mod's report on a set of files: valid (go into the zip),
 * omitted (left out on purpose, with the reason), invalid (make the zip impossible,
 * with the error) and sizeError (the total is over the limit). error is the error
 * the check returns: sizeError if set, else the invalid list as one error
 * (ERR_ZIP_INVALID_FILES, one "path: message" line per file), else undefined.
 */
export interface CheckedFiles {
  readonly valid: string[];
  readonly omitted: FileError[];
  readonly invalid: FileError[];
  readonly sizeError: CodedError | undefined;
  readonly error: CodedError | undefined;
}

/** Omitted-file reasons: x/mod's messages with stable ids. */
export const OMIT = {
  vcs: { code: 'vcs-directory', message: 'directory is a version control repository' },
  vendored: { code: 'vendored', message: 'file is in vendor directory' },
  submoduleFile: { code: 'submodule-file', message: 'file is in another module' },
  submoduleDir: { code: 'submodule-directory', message: 'directory is in another module' },
  hgArchival: { code: 'hg-archival', message: "file is inserted by 'hg archive' and is always omitted" },
  symlink: { code: 'symlink', message: 'file is a symbolic link' },
  notRegular: { code: 'not-regular', message: 'not a regular file' },
} as const;

/** Invalid-file errors with fixed wording (x/mod's predefined errors). */
const INVALID = {
  notClean: { code: 'ERR_ZIP_PATH_NOT_CLEAN', message: 'file path is not clean' },
  notRelative: { code: 'ERR_ZIP_PATH_NOT_RELATIVE', message: 'file path is not relative' },
  goModCase: { code: 'ERR_ZIP_GOMOD_CASE', message: 'go.mod files must have lowercase names' },
  goModSize: { code: 'ERR_ZIP_GOMOD_TOO_LARGE', message: `go.mod file too large (max size is ${MAX_GO_MOD} bytes)` },
  licenseSize: {
    code: 'ERR_ZIP_LICENSE_TOO_LARGE',
    message: `LICENSE file too large (max size is ${MAX_LICENSE} bytes)`,
  },
  goModNotRoot: { code: 'ERR_ZIP_GOMOD_NOT_ROOT', message: 'go.mod file not in module root directory' },
} as const;

/**
 * formatCheckedFiles renders a report as x/mod's tests and `modrescue mod zip -check`
 * print it: "valid:" then one path per line, a blank line, "omitted:" then
 * "path: reason" lines, a blank line, "invalid:" then "path: error" lines.
 */
export function formatCheckedFiles(cf: Pick<CheckedFiles, 'valid' | 'omitted' | 'invalid'>): string {
  let out = 'valid:\n';
  for (const f of cf.valid) out += f + '\n';
  out += '\nomitted:\n';
  for (const f of cf.omitted) out += `${f.path}: ${f.message}\n`;
  out += '\ninvalid:\n';
  for (const f of cf.invalid) out += `${f.path}: ${f.message}\n`;
  return out;
}

/** reportError is x/mod's CheckedFiles.Err: the size error, else the invalid list as one error. */
function reportError(invalid: FileError[], sizeError: CodedError | undefined): CodedError | undefined {
  if (sizeError) return sizeError;
  if (invalid.length === 0) return undefined;
  return new CodedError('ERR_ZIP_INVALID_FILES', invalid.map((f) => `${f.path}: ${f.message}`).join('\n'), {
    invalid: invalid.map((f) => ({ ...f })),
  });
}

/** finishReport completes a report with its error. */
export function finishReport(
  valid: string[],
  omitted: FileError[],
  invalid: FileError[],
  sizeError: CodedError | undefined,
): CheckedFiles {
  return { valid, omitted, invalid, sizeError, error: reportError(invalid, sizeError) };
}

/** CheckedList is checkFiles' result plus the valid files and sizes create writes. */
export interface CheckedList extends CheckedFiles {
  readonly validFiles: ReadonlyArray<{ file: File; path: string; size: number }>;
}

/**
 * checkFiles reports whether files satisfy the module zip rules (x/mod's CheckFiles):
 * every file lands in exactly one of valid, omitted, invalid. It opens only the root
 * go.mod (for its go line, which selects the vendoring rules of Go 1.24); other files
 * are never read. It does not throw; lstat failures make a file invalid.
 */
export async function checkFiles(files: readonly File[]): Promise<CheckedList> {
  const omitted: FileError[] = [];
  const invalid: FileError[] = [];
  const errPaths = new Set<string>();
  const addError = (p: string, kind: 'omitted' | 'invalid', e: { code: string; message: string }) => {
    if (errPaths.has(p)) return;
    errPaths.add(p);
    (kind === 'omitted' ? omitted : invalid).push({ path: p, code: e.code, message: e.message });
  };
  const texts = files.map((f) => (typeof f.path === 'string' ? f.path : decodeGoString(f.path).text));
  const infos = new Map<number, FileInfo>();
  const lstat = async (i: number): Promise<FileInfo> => {
    const have = infos.get(i);
    if (have) return have;
    const info = await files[i]!.lstat();
    infos.set(i, info);
    return info;
  };
  /** lstatOrInvalid is lstat, with a failure recorded as p's invalid-file error (then undefined). */
  const lstatOrInvalid = async (i: number, p: string): Promise<FileInfo | undefined> => {
    try {
      return await lstat(i);
    } catch (e) {
      addError(p, 'invalid', { code: 'ERR_ZIP_LSTAT', message: errorText(e) });
      return undefined;
    }
  };

  // Directories holding a go.mod (other than the root) are other modules; note the
  // root go.mod's language version on the way.
  const haveGoMod = new Set<string>();
  let vers = '';
  for (let i = 0; i < files.length; i++) {
    const p = texts[i]!;
    const [dir, base] = splitPath(p);
    if (strToFold(base) !== 'go.mod') continue;
    const info = await lstatOrInvalid(i, p);
    if (info === undefined) continue;
    if (info.type !== 'file') continue;
    haveGoMod.add(dir);
    if (base === 'go.mod' && dir === '') vers = await readGoModLanguage(files[i]!);
  }
  const inSubmodule = (p: string): boolean => {
    for (;;) {
      const [dir] = splitPath(p);
      if (dir === '') return false;
      if (haveGoMod.has(dir)) return true;
      p = dir.slice(0, -1);
    }
  };

  const collisions = createCollisionChecker();
  const valid: string[] = [];
  const validFiles: Array<{ file: File; path: string; size: number }> = [];
  let sizeError: CodedError | undefined;
  let maxSize = MAX_ZIP_FILE;
  for (let i = 0; i < files.length; i++) {
    const f = files[i]!;
    const p = texts[i]!;
    if (p !== cleanPath(p)) {
      addError(p, 'invalid', INVALID.notClean);
      continue;
    }
    if (p.startsWith('/')) {
      addError(p, 'invalid', INVALID.notRelative);
      continue;
    }
    if (isVendoredPackage(p, vers)) {
      addError(p, 'omitted', OMIT.vendored);
      continue;
    }
    if (inSubmodule(p)) {
      addError(p, 'omitted', OMIT.submoduleFile);
      continue;
    }
    if (p === '.hg_archival.txt') {
      // Inserted by hg archive; the go command drops it whatever the VCS.
      addError(p, 'omitted', OMIT.hgArchival);
      continue;
    }
    const pathErr = module.checkFilePath(f.path);
    if (pathErr) {
      addError(p, 'invalid', { code: pathErr.code, message: pathErr.message });
      continue;
    }
    if (p.toLowerCase() === 'go.mod' && p !== 'go.mod') {
      addError(p, 'invalid', INVALID.goModCase);
      continue;
    }
    const info = await lstatOrInvalid(i, p);
    if (info === undefined) continue;
    const collision = collisions.check(p, info.type === 'dir');
    if (collision) {
      addError(p, 'invalid', collision);
      continue;
    }
    if (info.type === 'symlink') {
      // Symbolic links are never followed into a module zip (golang.org/issue/27093).
      addError(p, 'omitted', OMIT.symlink);
      continue;
    }
    if (info.type !== 'file') {
      addError(p, 'omitted', OMIT.notRegular);
      continue;
    }
    const size = info.size;
    if (size >= 0 && size <= maxSize) {
      maxSize -= size;
    } else if (!sizeError) {
      sizeError = new CodedError(
        'ERR_ZIP_TOO_LARGE',
        `module source tree too large (max size is ${MAX_ZIP_FILE} bytes)`,
        {
          limit: MAX_ZIP_FILE,
        },
      );
    }
    if (p === 'go.mod' && size > MAX_GO_MOD) {
      addError(p, 'invalid', INVALID.goModSize);
      continue;
    }
    if (p === 'LICENSE' && size > MAX_LICENSE) {
      addError(p, 'invalid', INVALID.licenseSize);
      continue;
    }
    valid.push(p);
    validFiles.push({ file: f, path: p, size });
  }
  return { ...finishReport(valid, omitted, invalid, sizeError), validFiles };
}

/** readGoModLanguage opens the root go.mod and returns its language version ("" on any failure). */
async function readGoModLanguage(f: File): Promise<string> {
  try {
    const content = await f.open();
    const chunks: Uint8Array[] = [];
    let n = 0;
    if (content instanceof Uint8Array) {
      chunks.push(content);
      n = content.length;
    } else {
      for await (const c of content) {
        chunks.push(c);
        n += c.length;
        // A go.mod over the limit is invalid anyway; do not read without bound.
        if (n > MAX_GO_MOD) return '';
      }
    }
    return goModLanguage(Buffer.concat(chunks, n));
  } catch {
    return '';
  }
}

/**
 * CollisionChecker finds paths equal under case folding and paths used both as a
 * file and as a directory (x/mod's collisionChecker).
 */
interface CollisionChecker {
  /** check records p (and its parent directories) and returns the error if it collides. */
  check(p: string, isDir: boolean): { code: string; message: string } | undefined;
}

function createCollisionChecker(): CollisionChecker {
  const seen = new Map<string, { path: string; isDir: boolean }>();
  const check = (p: string, isDir: boolean): { code: string; message: string } | undefined => {
    const fold = strToFold(p);
    const other = seen.get(fold);
    if (other) {
      if (p !== other.path) {
        return {
          code: 'ERR_ZIP_CASE_COLLISION',
          message: `case-insensitive file name collision: ${module.goQuote(other.path)} and ${module.goQuote(p)}`,
        };
      }
      if (isDir !== other.isDir) {
        return { code: 'ERR_ZIP_FILE_AND_DIR', message: `entry ${module.goQuote(p)} is both a file and a directory` };
      }
      if (!isDir) return { code: 'ERR_ZIP_DUPLICATE', message: `multiple entries for file ${module.goQuote(p)}` };
      // The same directory again (every file checks its parents): fine.
    } else {
      seen.set(fold, { path: p, isDir });
    }
    const parent = path.posix.dirname(p);
    return parent !== '.' && parent !== '/' ? check(parent, true) : undefined;
  };
  return { check };
}

/**
 * checkZip reports whether the entries of the zip file at zipPath satisfy the module
 * zip rules for m (x/mod's CheckZip). Every entry must be under "path@version/"; the
 * report lists full entry names. It rejects (instead of reporting) when m's version is
 * not canonical or m is not a valid module version, and when the zip cannot be
 * opened or read (ERR_ZIP_IO, ERR_ZIP_FORMAT). A zip over MAX_ZIP_FILE bytes yields a
 * report with only sizeError set.
 */
export async function checkZip(m: ZipModule, zipPath: string): Promise<CheckedFiles> {
  const { report, reader } = await checkZipOpen(m, zipPath);
  await reader?.close();
  return report;
}

/**
 * checkModuleVersion returns x/mod's error for a module version a zip cannot be made
 * or read for: a non-canonical version, or one module.check rejects.
 */
export function checkModuleVersion(m: ZipModule): CodedError | undefined {
  const canonical = module.canonicalVersion(m.version);
  if (canonical !== m.version) {
    return new CodedError(
      'ERR_ZIP_VERSION_NOT_CANONICAL',
      `version ${module.goQuote(m.version)} is not canonical (should be ${module.goQuote(canonical)})`,
      { path: modulePathText(m), version: m.version, canonical },
    );
  }
  return module.check(m.path, m.version);
}

/** checkZipOpen is checkZip that keeps the reader open for unzip (undefined when the size check failed). */
export async function checkZipOpen(
  m: ZipModule,
  zipPath: string,
): Promise<{ report: CheckedFiles; reader: ZipReader | undefined }> {
  const bad = checkModuleVersion(m);
  if (bad) throw bad;
  let reader: ZipReader;
  try {
    reader = await openZipReader(zipPath, { sizeLimit: MAX_ZIP_FILE });
  } catch (e) {
    // An oversized zip is a report (sizeError), not a failure to check.
    if (isCodedError(e, 'ERR_ZIP_TOO_LARGE')) return { report: finishReport([], [], [], e), reader: undefined };
    throw e;
  }
  const invalid: FileError[] = [];
  const valid: string[] = [];
  let sizeError: CodedError | undefined;
  const prefix = `${modulePathText(m)}@${m.version}/`;
  const prefixBytes = Buffer.from(prefix);
  const collisions = createCollisionChecker();
  let size = 0;
  for (const zf of reader.entries) {
    const add = (e: { code: string; message: string }) =>
      invalid.push({ path: zf.name, code: e.code, message: e.message });
    if (!startsWith(zf.nameBytes, prefixBytes)) {
      add({ code: 'ERR_ZIP_PREFIX', message: `path does not have prefix ${module.goQuote(prefix)}` });
      continue;
    }
    const rawName = zf.nameBytes.subarray(prefixBytes.length);
    let name = zf.name.slice(prefix.length);
    if (rawName.length === 0) continue;
    const isDir = name.endsWith('/');
    if (isDir) name = name.slice(0, -1);
    if (cleanPath(name) !== name) {
      add(INVALID.notClean);
      continue;
    }
    const pathErr = module.checkFilePath(zf.validUtf8 ? name : isDir ? rawName.subarray(0, -1) : rawName);
    if (pathErr) {
      add({ code: pathErr.code, message: pathErr.message });
      continue;
    }
    const collision = collisions.check(name, isDir);
    if (collision) {
      add(collision);
      continue;
    }
    if (isDir) continue;
    const base = path.posix.basename(name);
    if (strToFold(base) === 'go.mod') {
      if (base !== name) {
        add(INVALID.goModNotRoot);
        continue;
      }
      if (name !== 'go.mod') {
        add(INVALID.goModCase);
        continue;
      }
    }
    const sz = zf.uncompressedSize;
    if (sz >= 0 && MAX_ZIP_FILE - size >= sz) {
      size += sz;
    } else if (!sizeError) {
      sizeError = new CodedError(
        'ERR_ZIP_TOO_LARGE',
        `total uncompressed size of module contents too large (max size is ${MAX_ZIP_FILE} bytes)`,
        { limit: MAX_ZIP_FILE },
      );
    }
    if (name === 'go.mod' && sz > MAX_GO_MOD) {
      add(INVALID.goModSize);
      continue;
    }
    if (name === 'LICENSE' && sz > MAX_LICENSE) {
      add(INVALID.licenseSize);
      continue;
    }
    valid.push(zf.name);
  }
  return { report: finishReport(valid, [], invalid, sizeError), reader };
}

/**
 * cleanPath is Go's path.Clean: the shortest equivalent slash path ("" becomes ".",
 * trailing slashes go, "a/./b" and "a/x/../b" become "a/b").
 */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const n = path.posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** splitPath is Go's path.Split: dir (with its trailing slash) and base. */
function splitPath(p: string): [string, string] {
  const i = p.lastIndexOf('/');
  return [p.slice(0, i + 1), p.slice(i + 1)];
}

function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}
