/**
 * Package module defines module versions and the rules for module paths, import
 * paths, file paths and versions, as golang.org/x/mod/module does.
 *
 * A module version is a (path, version) pair ({@link ModuleVersion}); the version is
 * usually a canonical semantic version. The checks here decide what the go command
 * accepts (https://go.dev/ref/mod#module-path, #versions, #pseudo-versions,
 * #major-version-suffixes, #goproxy-protocol for the escaped forms, and
 * "go help module-private" for matchPrefixPatterns).
 *
 * Conventions (invariants callers rely on):
 *  - check* functions are checkers: they RETURN the error (InvalidPathError,
 *    InvalidVersionError or ModuleError, all CodedErrors) or undefined when valid,
 *    mirroring Go's error result. They never throw.
 *  - Transforms that cannot produce a value THROW the error x/mod returns:
 *    escapePath, unescapePath, escapeVersion, unescapeVersion, and
 *    pseudoVersionBase/Time/Rev of something that is not a pseudo-version.
 *  - Predicates (isPseudoVersion, matchPathMajor, matchPrefixPatterns…) never throw.
 *  - Every message is x/mod's Error() text byte for byte; paths are quoted as Go's
 *    %q quotes them.
 *
 * Invalid UTF-8. Go module paths are byte strings and may be invalid UTF-8 (for
 * example a zip entry name). The path-taking checkers (check, checkPath,
 * checkImportPath, checkFilePath) and escapePath/unescapePath accept a `Uint8Array`
 * for such raw bytes, besides a JS string. Invalid bytes are reported exactly as Go
 * reports them (`malformed module path "x.y/\xffz": invalid UTF-8`). A JS string with
 * a lone surrogate is treated the same way (its WTF-8 bytes are not valid UTF-8), so
 * text decoded elsewhere with U+FFFD replacement is still rejected, though then as
 * `invalid char '�'` rather than as invalid UTF-8: pass the bytes to get Go's message.
 */

export {
  InvalidPathError,
  InvalidVersionError,
  ModuleError,
  versionError,
  type ModuleVersion,
  type PathKind,
} from './errors.js';
export {
  canonicalVersion,
  check,
  checkFilePath,
  checkImportPath,
  checkPath,
  checkPathMajor,
  matchPathMajor,
  pathMajorPrefix,
  splitPathVersion,
  type SplitPath,
} from './check.js';
export { escapePath, escapeVersion, unescapePath, unescapeVersion } from './escape.js';
export { matchPrefixPatterns } from './match.js';
export {
  pseudoVersionTimestampFormat,
  isPseudoVersion,
  isZeroPseudoVersion,
  pseudoVersion,
  pseudoVersionBase,
  pseudoVersionRev,
  pseudoVersionTime,
  zeroPseudoVersion,
} from './pseudo.js';
export { compareModuleVersions, sort, versionString } from './sort.js';
export { goQuote, goQuoteRune, type GoString } from './quote.js';
