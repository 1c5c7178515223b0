/**
 * Module versions of the "go" and "toolchain" pseudo-modules (cmd/go/internal/gover
 * mod.go). MVS and `go get` treat the go.mod `go` and `toolchain` lines as
 * requirements on modules named "go" and "toolchain", whose versions are Go versions
 * (and toolchain names), not semantic versions; these helpers pick the right
 * arithmetic by module path.
 */

import * as semver from '../semver/index.js';
import { compareStrings } from '../semver/strings.js';
import type { ModuleVersion } from '../module/index.js';
import { fromToolchain, maybeToolchainVersion } from './toolchain.js';
import { compare, isLang, isPrerelease, isValid, lang } from './version.js';

/**
 * isToolchain reports whether path is one of the virtual, non-downloadable modules
 * "go" and "toolchain" (not the real "golang.org/toolchain" module).
 */
export function isToolchain(path: string): boolean {
  return path === 'go' || path === 'toolchain';
}

/**
 * modCompare compares versions x and y of the module path: Go-version order for
 * "go", toolchain order for "toolchain" (accepting "1.21.0" or "go1.21.0"), semver
 * order otherwise. Invalid versions are older than valid ones and equal to each other.
 */
export function modCompare(path: string, x: string, y: string): number {
  if (path === 'go') return compare(x, y);
  if (path === 'toolchain') return compare(maybeToolchainVersion(x), maybeToolchainVersion(y));
  return semver.compare(x, y);
}

/**
 * modSort sorts list in place like module.sort (path, then version, then a "/file"
 * suffix such as "/go.mod") but with modCompare's order for "go" and "toolchain", and
 * returns it. Distinct versions that compare equal fall back to byte order, so the
 * result is deterministic.
 */
export function modSort<T extends ModuleVersion>(list: T[]): T[] {
  return list.sort((a, b) => {
    if (a.path !== b.path) return compareStrings(a.path, b.path);
    const [vi, fi] = splitFile(a.version);
    const [vj, fj] = splitFile(b.version);
    if (vi !== vj) return modCompare(a.path, vi, vj) || compareStrings(vi, vj);
    return compareStrings(fi, fj);
  });
}

function splitFile(v: string): [string, string] {
  const k = v.indexOf('/');
  return k < 0 ? [v, ''] : [v.slice(0, k), v.slice(k)];
}

/**
 * modIsValid reports whether vers is valid version syntax for the module path:
 * a Go version for "go", a toolchain name for "toolchain" ("go1.21.0"), a semantic
 * version otherwise.
 */
export function modIsValid(path: string, vers: string): boolean {
  if (path === 'go') return isValid(vers);
  if (path === 'toolchain') return isValid(fromToolchain(vers));
  return semver.isValid(vers);
}

/**
 * modIsPrefix reports whether vers is a version prefix for path, as `go get
 * path@prefix` queries use: a language version for "go"/"toolchain" ("1.21",
 * "go1.21"), or a semver with at most one dot and no prerelease/build ("v1", "v1.2").
 * The caller is expected to have checked modIsValid.
 */
export function modIsPrefix(path: string, vers: string): boolean {
  if (path === 'go') return isLang(vers);
  if (path === 'toolchain') return isLang(fromToolchain(vers));
  let dots = 0;
  for (const c of vers) {
    if (c === '-' || c === '+') return false;
    if (c === '.' && ++dots >= 2) return false;
  }
  return true;
}

/** modIsPrerelease reports whether vers is a prerelease for path ("1.21rc1"; "v1.0.0-pre"). */
export function modIsPrerelease(path: string, vers: string): boolean {
  if (isToolchain(path)) return isPrerelease(vers);
  return semver.prerelease(vers) !== '';
}

/**
 * modMajorMinor returns the major.minor truncation of vers used by `@patch` queries:
 * lang(vers) for "go", "go" + lang for "toolchain", semver.majorMinor otherwise.
 * Invalid input gives "" (or "go" for "toolchain", as in cmd/go).
 */
export function modMajorMinor(path: string, vers: string): string {
  if (path === 'go') return lang(vers);
  if (path === 'toolchain') return 'go' + lang(fromToolchain(vers));
  return semver.majorMinor(vers);
}
