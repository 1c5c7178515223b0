/**
 * Recognising standard-library import paths without a Go installation. The list is
 * generated (stdlib-list.ts, by scripts/gen-stdlib.mjs); the classification rule is
 * the go command's: an import path whose first element has no dot is looked up in
 * GOROOT, never in a module (https://go.dev/ref/mod#resolve-pkg-mod).
 */
import { STD_PACKAGES } from './stdlib-list.js';

const STD = new Set(STD_PACKAGES);

/**
 * isStandardImportPath reports whether path's first element has no dot, so the go
 * command resolves it in GOROOT (search.IsStandardImportPath). It never throws.
 */
export function isStandardImportPath(path: string): boolean {
  const i = path.indexOf('/');
  const elem = i < 0 ? path : path.slice(0, i);
  return !elem.includes('.');
}

/** isStdPackage reports whether path is a package of the standard library list. */
export function isStdPackage(path: string): boolean {
  return STD.has(path);
}

/** stdPackages returns the shipped list of standard-library import paths (sorted). */
export function stdPackages(): readonly string[] {
  return STD_PACKAGES;
}
