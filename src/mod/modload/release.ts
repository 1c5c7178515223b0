/**
 * Which go command release modload reproduces. The module loader's observable
 * behaviour changed between releases in a few places (the `go` and `toolchain`
 * pseudo-modules of the module graph since Go 1.21, the wording of the missing go.sum
 * entry error, when `go list -m -u` writes go.sum, which version a missing go line
 * gets); a GoRelease names the release and answers those questions, so one code path
 * serves both the differential oracle (Debian's Go 1.19) and current Go (the
 * go-scripts, go.dev/ref/mod).
 */
import * as gover from '../gover/index.js';

/** LATEST_RELEASE is the newest go command release whose behaviour modload reproduces. */
export const LATEST_RELEASE = '1.25';

/** OLDEST_RELEASE is the oldest release modload reproduces (older requests are served as this one). */
export const OLDEST_RELEASE = '1.19';

/** GoRelease is one go command release and the behaviours that depend on it. */
export interface GoRelease {
  /** The language version of the release ("1.19", "1.25"). */
  readonly version: string;
  /**
   * toolchainModules: the module graph holds the `go` and `toolchain` pseudo-modules
   * (the main module requires go@<go line>; a go.mod at go 1.21 or higher requires its
   * go version; go@1.21+ requires toolchain@go1.21+). Go 1.21 and later.
   */
  readonly toolchainModules: boolean;
  /** goModSumWording: "missing go.sum entry for go.mod file" (Go 1.20+) instead of "missing go.sum entry". */
  readonly goModSumWording: boolean;
  /** listUpdatesKeepGoSum: `list -m -u` never writes go.mod or go.sum (Go 1.21+). */
  readonly listUpdatesKeepGoSum: boolean;
  /**
   * modernErrors: the later wording of a few loader errors (the go.mod without a
   * module line, `'go mod graph' accepts no arguments`).
   */
  readonly modernErrors: boolean;
}

/**
 * goRelease returns the GoRelease of a language version ("1.19", "1.21.3", "1.25rc1").
 * Versions below OLDEST_RELEASE or above LATEST_RELEASE (and invalid ones) are served
 * as the nearest release modload reproduces.
 */
export function goRelease(version: string): GoRelease {
  let v = gover.isValid(version) ? gover.lang(version) : LATEST_RELEASE;
  if (gover.compare(v, OLDEST_RELEASE) < 0) v = OLDEST_RELEASE;
  if (gover.compare(v, LATEST_RELEASE) > 0) v = LATEST_RELEASE;
  const atLeast = (w: string) => gover.compare(v, w) >= 0;
  return {
    version: v,
    toolchainModules: atLeast('1.21'),
    goModSumWording: atLeast('1.20'),
    listUpdatesKeepGoSum: atLeast('1.21'),
    modernErrors: atLeast('1.21'),
  };
}

/**
 * releaseFromGotoolchain returns the release a GOTOOLCHAIN setting asks for: the
 * version of `go1.N[.P]`, `go1.N[.P]+auto` and `go1.N[.P]+path`; LATEST_RELEASE for
 * `local`, `auto`, `path` and anything else (modrescue itself is the local toolchain).
 */
export function releaseFromGotoolchain(value: string): GoRelease {
  const name = value.replace(/\+(auto|path)$/, '');
  if (name.startsWith('go')) {
    const v = gover.fromToolchain(name);
    if (v !== '') return goRelease(v);
  }
  return goRelease(LATEST_RELEASE);
}
