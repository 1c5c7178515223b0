/**
 * Package modcache reads and writes the module cache ($GOMODCACHE) exactly as the go
 * command lays it out (cmd/go/internal/modfetch cache.go and fetch.go), so that a cache
 * filled by modrescue serves the go command and the other way round.
 *
 *     cache/download/<escaped path>/@v/list               versions with a cached .mod
 *     cache/download/<escaped path>/@v/<v>.info           {"Version":…,"Time":…}
 *     cache/download/<escaped path>/@v/<v>.mod            the go.mod
 *     cache/download/<escaped path>/@v/<v>.zip            the module zip
 *     cache/download/<escaped path>/@v/<v>.ziphash        its h1 hash (no newline)
 *     cache/download/<escaped path>/@v/<v>.lock           flock'd while downloading/extracting
 *     cache/download/<escaped path>/@v/<v>.partial        present while extracting
 *     cache/download/sumdb/<name>/…                       checksum-database tiles (package sumdb)
 *     cache/lock                                          flock'd around go.sum edits
 *     <escaped path>@<escaped version>/                   the extracted, read-only tree
 *
 * Invariants, all the go command's:
 *  - Paths and versions are case-escaped (module.escapePath/escapeVersion); only
 *    canonical semantic versions name cache files.
 *  - A file is never half-visible: metadata and zips are written to
 *    `<name><random>.tmp` and renamed; the version `list` is rewritten under its lock.
 *  - Zip download and extraction of one version happen under `<v>.lock`, an advisory
 *    flock shared with the go command (see lock.ts); a tree is complete only when no
 *    `.partial` marker exists and the `.ziphash` does.
 *  - Extracted files and directories are read-only.
 *
 * File I/O only: fetching, go.sum and checksum-database checks live in package modfetch.
 * See https://go.dev/ref/mod#module-cache.
 */
export {
  cacheDir,
  cachePath,
  checkCacheDir,
  checkCacheVersion,
  downloadDirPath,
  ensureCacheDir,
  sideLockPath,
  sumdbCacheDir,
  type CacheSuffix,
  type ModuleVersion,
} from './layout.js';
export {
  ZERO_TIME,
  createTempFile,
  openTempFile,
  decodeInfo,
  encodeInfo,
  formatGoTime,
  isValidSum,
  readDiskGoMod,
  readDiskStat,
  readZipHash,
  rewriteVersionList,
  sum,
  writeDiskCache,
  writeDiskGoMod,
  writeDiskStat,
  writeZipHash,
  type CachedInfo,
} from './cache.js';
export {
  downloadDir,
  downloadDirSync,
  extract,
  isNotExist,
  makeDirsReadOnly,
  removeAll,
  type DownloadDirResult,
  type ExtractOptions,
} from './extract.js';
export { createFileLocker, type FileLocker, type LockMode, type Unlock } from './lock.js';
export { createHashPool, type HashPool } from './hash-pool.js';
export { LOCAL_HASHER, verifyMod, verifyModules, type Hasher } from './verify.js';
