/**
 * Package load finds what Go packages import, for package-level `why` and the `all`
 * pattern: it reads the package clause and import declarations of .go files, decides
 * which files belong to a build (file-name GOOS/GOARCH suffixes, `//go:build` and
 * `// +build` constraints, cgo files), and recognises standard-library packages from a
 * shipped list (https://go.dev/ref/mod#resolve-pkg-mod, cmd/go/internal/imports).
 *
 * Invariants:
 *  - Only file headers are read: scanning stops at the first non-import declaration.
 *  - Import lists are sorted and de-duplicated; test imports (_test.go files) are kept
 *    apart from the package's own imports.
 *  - With anyTags() every constraint except the "ignore" tag is satisfied, as the go
 *    command loads packages for `go mod why` and `go mod tidy`.
 *  - Nothing here touches the network; file I/O happens only in scanDir (a path argument).
 */
export {
  readImports,
  parseFileHeader,
  shouldBuild,
  matchFile,
  tagsFor,
  anyTags,
  scanFiles,
  scanDir,
  KNOWN_OS,
  KNOWN_ARCH,
  type ImportSpec,
  type FileImports,
  type BuildContext,
  type SourceFile,
  type PackageImports,
} from './scan.js';
export {
  parse as parseConstraint,
  evaluate,
  matchTag,
  isGoBuild,
  isPlusBuild,
  ConstraintSyntaxError,
  type Expr,
  type Tags,
} from './constraint.js';
export { isStandardImportPath, isStdPackage, stdImports, stdPackages, type StdImports } from './stdlib.js';
export { STD_IMPORTS_VERSION } from './stdlib-imports.js';
