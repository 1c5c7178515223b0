/**
 * Package zip creates, checks and extracts module zip files, as golang.org/x/mod/zip
 * does. A module zip is what a GOPROXY serves as `@v/<version>.zip` and what the
 * go command unpacks into the module cache; its content hash is the go.sum line
 * (https://go.dev/ref/mod#zip-files).
 *
 * The rules, checked before anything is written or extracted:
 *
 *  - Every file path starts with "<module>@<version>/"; the module path must be
 *    valid, the version canonical, and the path's major version suffix must match
 *    the version (module.check). The rest of each path must pass
 *    module.checkFilePath (no "..", no backslash, no Windows-reserved names, valid
 *    UTF-8…) and be clean.
 *  - No two paths may be equal under Unicode case folding, and no path may be both
 *    a file and a directory.
 *  - A go.mod may appear only in the root, named exactly "go.mod"; directories
 *    holding a go.mod are other modules and are left out.
 *  - Sizes: the zip, and the total of its uncompressed files, at most 500 MiB
 *    (MAX_ZIP_FILE); go.mod and LICENSE at most 16 MiB each.
 *  - Vendored packages, symbolic links and other irregular files, .hg_archival.txt
 *    and (from directories) .bzr/.git/.hg/.svn are left out; which files count as
 *    vendored depends on the go.mod go line (Go 1.24 changed it).
 *  - Empty directories, file modes and timestamps are not part of a module zip.
 *
 * Checking functions return x/mod's CheckedFiles report (valid / omitted / invalid /
 * sizeError) with its error rather than throwing; create, createFromDir and unzip
 * throw CodedErrors whose messages are x/mod's ("create zip: …", "unzip x.zip: …").
 * Everything streams: memory does not grow with the size of the files or the zip.
 * Hashing lives in sumdb/dirhash, as in x/mod.
 */
export {
  MAX_GO_MOD,
  MAX_LICENSE,
  MAX_ZIP_FILE,
  OMIT,
  checkFiles,
  checkModuleVersion,
  checkZip,
  cleanPath,
  formatCheckedFiles,
  type CheckedFiles,
  type Content,
  type File,
  type FileError,
  type FileInfo,
  type FileType,
  type ZipModule,
} from './check.js';
export { checkDir, create, createFromDir, fileFromBytes, listFilesInDir } from './create.js';
export { unzip } from './unzip.js';
export { goModLanguage, isVendoredPackage } from './vendor.js';
export { strToFold } from './fold.js';
export {
  decodeGoString,
  goPathError,
  openZipReader,
  writeZip,
  type ZipEntry,
  type ZipReader,
  type ZipWriterEntry,
} from './archive.js';
