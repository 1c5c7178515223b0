/**
 * Package gover implements the go command's arithmetic on Go versions
 * (cmd/go/internal/gover and internal/gover), as described in
 * https://go.dev/doc/toolchain#version. Go toolchains are not versioned with semver:
 *
 *  - Released versions are "1.N.P" (the first release of Go 1.N is "1.N.0" since
 *    Go 1.21); release candidates "1.NrcR"; older betas "1.NbetaB".
 *  - "1.N" alone is the language version of the 1.N family. Since 1.21 it sorts
 *    before all of its releases: 1.21 < 1.21rc1 < 1.21rc2 < 1.21.0 < 1.21.1. Before
 *    1.21 it IS the first release: 1.20rc1 < 1.20 = 1.20.0 < 1.20.1, and
 *    1.18beta1 < 1.18beta2 < 1.18rc1 < 1.18 < 1.18.1.
 *  - The language version decides across families: 1.21.9 < 1.22.
 *  - A toolchain is named "go" + version, with an optional "-suffix" that does not
 *    take part in ordering: go1.21.0 and go1.21.0-custom compare equal.
 *
 * Invariants: versions are passed WITHOUT the "go" prefix (use fromToolchain for
 * names); nothing here throws; invalid versions are older than every valid version
 * and equal to each other; numbers are compared as decimal strings of any length.
 *
 * The go.mod `go`/`toolchain` line syntax (isGoLine, laxGoLine, isToolchainLine) is
 * modfile's and is looser than isValid; the "go"/"toolchain" pseudo-module helpers
 * (modCompare, modSort, …) are used by MVS and `go get`.
 */

export { cmpInt, compare, isLang, isPrerelease, isValid, lang, max, prev } from './version.js';
export { fromToolchain, isGoLine, isToolchainLine, laxGoLine, maybeToolchainVersion } from './toolchain.js';
export { isToolchain, modCompare, modIsPrefix, modIsPrerelease, modIsValid, modMajorMinor, modSort } from './mod.js';

/**
 * narrowAllVersion is the Go version from which the "all" pattern no longer includes
 * the dependencies of tests of dependencies.
 */
export const narrowAllVersion = '1.16';

/**
 * defaultGoModVersion is assumed for a go.mod without a `go` line. It stays 1.16
 * forever: such a file predates graph pruning (1.17) and must be read that way.
 */
export const defaultGoModVersion = '1.16';

/** defaultGoWorkVersion is assumed for a go.work without a `go` line (workspaces began in 1.18). */
export const defaultGoWorkVersion = '1.18';

/**
 * explicitIndirectVersion is the version from which a go.mod lists every module that
 * provides a package it imports transitively, so the module graph can be pruned
 * (https://go.dev/ref/mod#graph-pruning).
 */
export const explicitIndirectVersion = '1.17';

/** separateIndirectVersion is the version from which `// indirect` requirements get their own block. */
export const separateIndirectVersion = '1.17';

/**
 * tidyGoModSumVersion is the version from which `go mod tidy` keeps the go.sum
 * go.mod checksums needed to build test dependencies of packages in "all".
 */
export const tidyGoModSumVersion = '1.21';

/**
 * goStrictVersion is the version from which `go` lines are strict requirements: a
 * module's `go` line must be ≥ its dependencies', and a too-new one is fatal.
 */
export const goStrictVersion = '1.21';
