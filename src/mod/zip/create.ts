/**
 * Creating module zips (x/mod's Create, CreateFromDir, CheckDir and listFilesInDir).
 */
import { createReadStream } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { CodedError, isCodedError } from '../internal/errors.js';
import * as module from '../module/index.js';
import { decodeGoString, ioError, writeZip } from './archive.js';
import {
  checkFiles,
  checkModuleVersion,
  finishReport,
  modulePathText,
  OMIT,
  type CheckedFiles,
  type Content,
  type File,
  type FileError,
  type FileInfo,
  type ZipModule,
} from './check.js';
import { goModLanguage, isVendoredPackage } from './vendor.js';

/**
 * create writes the module zip of m, made of files, to out (x/mod's Create). It
 * first checks everything: m's version must be canonical and m valid, and the files
 * must pass checkFiles (files it omits — other modules, vendored packages, symbolic
 * links, .hg_archival.txt — are left out silently). Then it streams each valid file
 * into out as "path@version/file", deflated. It rejects with the check's error or
 * with a read error, prefixed "create zip: " as Go does; a file holding more bytes
 * than its lstat size fails with `file "p" is larger than declared size`. On failure
 * out may have received part of a zip: write to a temporary file and rename.
 */
export async function create(out: Writable, m: ZipModule, files: readonly File[]): Promise<void> {
  // out may fail (e.g. its file cannot be opened) while the files are checked.
  let outError: unknown;
  const noteOutError = (e: unknown) => (outError ??= e);
  out.on('error', noteOutError);
  try {
    const bad = checkModuleVersion(m);
    if (bad) throw bad;
    const cf = await checkFiles(files);
    if (cf.error) throw cf.error;
    if (outError !== undefined) throw outError;
    const prefix = `${modulePathText(m)}@${m.version}/`;
    await writeZip(
      out,
      cf.validFiles.map((v) => ({
        name: prefix + v.path,
        data: async () => limitSize(await v.file.open(), v.path, v.size),
      })),
    );
  } catch (e) {
    throw zipError('create zip', '', e);
  } finally {
    out.off('error', noteOutError);
  }
}

/**
 * createFromDir writes the module zip of m made from the directory dir to out
 * (x/mod's CreateFromDir): as create over the files listFilesInDir finds, which also
 * leaves out the directories .bzr, .git, .hg and .svn, directories holding a go.mod
 * (other modules) and irregular files. Errors read "create zip <dir>: …" (a check
 * failure) or "create zip from directory <dir>: …" (the directory cannot be read).
 */
export async function createFromDir(out: Writable, m: ZipModule, dir: string): Promise<void> {
  let files: File[];
  try {
    ({ files } = await listFilesInDir(dir));
  } catch (e) {
    throw zipError('create zip from directory', dir, e);
  }
  try {
    await create(out, m, files);
  } catch (e) {
    // create's errors are already "create zip: …"; Go puts the directory in them.
    throw rewrap(e, 'create zip', dir);
  }
}

/**
 * checkDir reports whether the files in dir satisfy the module zip rules (x/mod's
 * CheckDir), with paths joined to dir. Omitted directories (VCS, other modules) are
 * listed once, their files not at all; files checkFiles omits come first in the
 * omitted list, then those the directory walk skipped. It rejects with ERR_ZIP_IO
 * when the directory cannot be read; a report with invalid files is returned, not
 * thrown (its error field holds the error).
 */
export async function checkDir(dir: string): Promise<CheckedFiles> {
  const { files, omitted } = await listFilesInDir(dir);
  const cf = await checkFiles(files);
  const join = (p: string) => path.join(dir, p);
  const valid = cf.valid.map(join);
  const omit: FileError[] = [...cf.omitted, ...omitted].map((f) => ({ ...f, path: join(f.path) }));
  const invalid = cf.invalid.map((f) => ({ ...f, path: join(f.path) }));
  return finishReport(valid, omit, invalid, cf.sizeError);
}

/**
 * fileFromBytes makes a File of regular-file type whose content is data (x/mod's
 * dataFile); size is data's length unless given (a wrong size models a file that
 * changed after lstat).
 */
export function fileFromBytes(p: module.GoString, data: Uint8Array, size = data.length): File {
  return { path: p, lstat: () => ({ size, type: 'file' }), open: () => data };
}

/**
 * listFilesInDir walks dir as Go's filepath.Walk does (entries in byte order, symbolic
 * links not followed) and returns the candidate files plus what it skipped: vendored
 * packages (per the root go.mod's go version), VCS directories, directories holding a
 * go.mod, and irregular files. File names that are not valid UTF-8 are kept as bytes.
 */
export async function listFilesInDir(dir: string): Promise<{ files: File[]; omitted: FileError[] }> {
  let vers = '';
  try {
    vers = goModLanguage(await readFile(path.join(dir, 'go.mod')));
  } catch {
    // No readable go.mod: the pre-1.24 vendoring rules apply.
  }
  const files: File[] = [];
  const omitted: FileError[] = [];
  const omit = (p: string, reason: { code: string; message: string }) =>
    omitted.push({ path: p, code: reason.code, message: reason.message });

  const visit = async (abs: Buffer, rel: Buffer | undefined, info: Awaited<ReturnType<typeof lstat>>) => {
    const slash = rel === undefined ? '.' : decodeGoString(rel).text;
    const goPath: module.GoString = rel === undefined ? '.' : decodeGoString(rel).valid ? slash : new Uint8Array(rel);
    if (isVendoredPackage(slash, vers)) {
      omit(slash, OMIT.vendored);
      // Go keeps walking into a vendored directory; its files are omitted one by one.
      if (!info.isDirectory()) return;
    } else if (info.isDirectory()) {
      if (rel !== undefined) {
        const base = path.posix.basename(slash);
        if (base === '.bzr' || base === '.git' || base === '.hg' || base === '.svn') {
          omit(slash, OMIT.vcs);
          return;
        }
        const gomod = await lstat(Buffer.concat([abs, Buffer.from('/go.mod')])).catch(() => undefined);
        if (gomod && !gomod.isDirectory()) {
          omit(slash, OMIT.submoduleDir);
          return;
        }
      }
    } else {
      if (!info.isFile()) {
        omit(slash, OMIT.notRegular);
        return;
      }
      const fileInfo: FileInfo = { size: Number(info.size), type: 'file' };
      files.push({
        path: goPath,
        lstat: () => fileInfo,
        open: () => openFileContent(abs),
      });
      return;
    }
    let names: Buffer[];
    try {
      names = await readdir(abs, { encoding: 'buffer' });
    } catch (e) {
      throw ioError('ERR_ZIP_IO', e, { dir });
    }
    names.sort(Buffer.compare);
    for (const name of names) {
      const childAbs = Buffer.concat([abs, Buffer.from('/'), name]);
      const childRel = rel === undefined ? name : Buffer.concat([rel, Buffer.from('/'), name]);
      let childInfo;
      try {
        childInfo = await lstat(childAbs);
      } catch (e) {
        throw ioError('ERR_ZIP_IO', e, { dir });
      }
      await visit(childAbs, childRel, childInfo);
    }
  };

  const root = Buffer.from(dir);
  let rootInfo;
  try {
    rootInfo = await lstat(root);
  } catch (e) {
    throw ioError('ERR_ZIP_IO', e, { dir });
  }
  await visit(root, undefined, rootInfo);
  return { files, omitted };
}

/** openFileContent streams a file's content (errors keep Go's "open <path>: …" wording). */
function openFileContent(abs: Buffer): Content {
  const stream = createReadStream(abs, { highWaterMark: 1 << 20 });
  return (async function* () {
    try {
      for await (const chunk of stream) yield chunk as Uint8Array;
    } catch (e) {
      throw ioError('ERR_ZIP_IO', e);
    }
  })();
}

/**
 * limitSize passes content through, failing once it exceeds size bytes: Go reads at
 * most size+1 bytes and reports `file "p" is larger than declared size`.
 */
function limitSize(content: Content, p: string, size: number): Readable {
  const source = content instanceof Uint8Array ? Readable.from([content]) : Readable.from(content);
  let n = 0;
  const limit = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      n += chunk.length;
      if (n > size) {
        cb(
          new CodedError('ERR_ZIP_SIZE_CHANGED', `file ${module.goQuote(p)} is larger than declared size`, {
            path: p,
            size,
          }),
        );
        return;
      }
      cb(null, chunk);
    },
  });
  source.on('error', (e) => limit.destroy(e));
  return source.pipe(limit);
}

/**
 * zipError wraps e as x/mod's zipError does: "<verb>: <err>" or "<verb> <path>: <err>",
 * keeping e's code (ERR_ZIP_IO for errors without one) and fields.
 */
export function zipError(verb: string, p: string, e: unknown): CodedError {
  const inner = isCodedError(e) ? e : ioError('ERR_ZIP_IO', e);
  const message = p === '' ? `${verb}: ${inner.message}` : `${verb} ${p}: ${inner.message}`;
  return new CodedError(
    inner.code,
    message,
    { ...inner.fields, op: verb, ...(p ? { target: p } : {}) },
    { cause: inner },
  );
}

/** rewrap replaces the "<verb>: " prefix of a zipError with "<verb> <path>: ". */
function rewrap(e: unknown, verb: string, p: string): CodedError {
  if (isCodedError(e) && e.fields['op'] === verb && e.cause !== undefined) return zipError(verb, p, e.cause);
  return zipError(verb, p, e);
}
