/**
 * Which files of a module are vendored copies of other packages (and so stay out of
 * its zip). The rule depends on the module's go.mod `go` line: Go 1.24 changed it
 * (golang.org/issue/63395, golang.org/issue/37397), and old versions keep the old
 * rule so that existing checksums stay valid.
 */
import * as gover from '../gover/index.js';
import * as modfile from '../modfile/index.js';

/**
 * isVendoredPackage reports whether the file name (a slash path relative to the
 * module root) lies in a package whose import path contains, but does not end
 * with, the element "vendor". vers is the module's language version with the "go"
 * prefix, as goModLanguage returns it ("" when go.mod has no go line).
 *
 * From go1.24: "vendor/modules.txt" is vendored, and for a nested "/vendor/" the
 * check starts after it. Before: "vendor/modules.txt" is kept, and a nested
 * "x/vendor/" is measured from the wrong offset, so "pkg/vendor/vendor.go" counts
 * as vendored (the bug that cannot be fixed without changing old checksums).
 * Any string is accepted; it never throws.
 */
export function isVendoredPackage(name: string, vers: string): boolean {
  const go124 = compareGo(vers, 'go1.24') >= 0;
  if (go124 && name === 'vendor/modules.txt') return true;
  let i: number;
  if (name.startsWith('vendor/')) {
    i = 'vendor/'.length;
  } else {
    const j = name.indexOf('/vendor/');
    if (j < 0) return false;
    // Before go1.24 the offset forgets j (golang.org/issue/31562, /issue/37397).
    i = go124 ? j + '/vendor/'.length : '/vendor/'.length;
  }
  return name.slice(i).includes('/');
}

/**
 * goModLanguage returns the language version a go.mod declares, as Go's
 * version.Lang("go" + go line) does: "go1.24" for "go 1.24.3", "go1.21" for
 * "go 1.21rc2". It returns "" when data does not parse leniently (modfile.parseLax)
 * or has no go line; it never throws.
 */
export function goModLanguage(data: Uint8Array): string {
  let v: string | undefined;
  try {
    v = modfile.parseLax('go.mod', data).go?.version;
  } catch {
    return '';
  }
  if (v === undefined) return '';
  const lang = gover.lang(v);
  return lang === '' ? '' : 'go' + lang;
}

/**
 * compareGo is go/version.Compare: versions carry the "go" prefix (a "-suffix" is
 * ignored); a string without it is invalid, and invalid versions are older than
 * every valid one.
 */
function compareGo(x: string, y: string): number {
  return gover.compare(stripGo(x), stripGo(y));
}

function stripGo(v: string): string {
  const dash = v.indexOf('-');
  if (dash >= 0) v = v.slice(0, dash);
  return v.startsWith('go') && v.length >= 2 ? v.slice(2) : '';
}
