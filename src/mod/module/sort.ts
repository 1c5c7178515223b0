/**
 * Ordering and printing of module versions (x/mod's Sort and Version.String).
 */

import * as semver from '../semver/index.js';
import { compareStrings } from '../semver/strings.js';
import type { ModuleVersion } from './errors.js';

/**
 * versionString returns "path@version", or just the path when version is ""
 * (x/mod's Version.String), as the go command prints module versions.
 */
export function versionString(m: ModuleVersion): string {
  return m.version === '' ? m.path : m.path + '@' + m.version;
}

/**
 * compareModuleVersions is the order of sort: by path (byte order), then by version.
 * A version may carry a "/file" suffix ("v1.0.0/go.mod", as go.sum lines do): the
 * parts before the slash compare by semver.compare and the suffixes by byte order.
 * Where x/mod leaves the order open (two different strings that semver.compare calls
 * equal, such as two invalid versions, or "v1.0.0" and "v1.0.0+meta"), they fall back
 * to byte order, so the result is always deterministic.
 */
export function compareModuleVersions(a: ModuleVersion, b: ModuleVersion): number {
  if (a.path !== b.path) return compareStrings(a.path, b.path);
  const [vi, fi] = splitFile(a.version);
  const [vj, fj] = splitFile(b.version);
  if (vi !== vj) return semver.compare(vi, vj) || compareStrings(vi, vj);
  return compareStrings(fi, fj);
}

/** splitFile splits "v1.0.0/go.mod" into ["v1.0.0", "/go.mod"]. */
function splitFile(v: string): [string, string] {
  const k = v.indexOf('/');
  return k < 0 ? [v, ''] : [v.slice(0, k), v.slice(k)];
}

/**
 * sort sorts list in place by compareModuleVersions (path, then semantic version,
 * then "/file" suffix) and returns it. Invalid versions are allowed: they sort
 * before valid ones and among themselves by byte order.
 */
export function sort<T extends ModuleVersion>(list: T[]): T[] {
  return list.sort(compareModuleVersions);
}
