/**
 * Toolchain names and the go.mod `go` / `toolchain` line syntax.
 *
 * A toolchain is named "go" + a Go version ("go1.21.0", "go1.21rc1"); non-standard
 * builds append "-suffix" ("go1.21.0-bigcorp"), which is ignored for ordering. The
 * go.mod line rules are golang.org/x/mod/modfile's regular expressions; they are
 * looser than isValid (a `go 1.21.3rc1` line is syntactically accepted), so they are
 * kept separate from the version arithmetic.
 */

import { isValid } from './version.js';

/**
 * fromToolchain returns the Go version of the toolchain named name, derived from the
 * name alone: "go1.21.3" → "1.21.3", "go1.21.0-bigcorp" → "1.21.0" (a suffix starting
 * at the first "-", space or tab is dropped). A name without the "go" prefix or
 * whose version is invalid ("1.2.3", "go1.2.3+bigcorp", "gccgo-go1.23rc4") gives "".
 */
export function fromToolchain(name: string): string {
  if (!name.startsWith('go')) return '';
  let v = name.slice(2);
  const i = v.search(/[ \t-]/);
  if (i >= 0) v = v.slice(0, i);
  return isValid(v) ? v : '';
}

/**
 * maybeToolchainVersion returns name itself when it already is a Go version, else
 * fromToolchain(name): the "toolchain" pseudo-module's versions come either way.
 */
export function maybeToolchainVersion(name: string): string {
  return isValid(name) ? name : fromToolchain(name);
}

/** The strict `go` line syntax (modfile.GoVersionRE). */
const GO_LINE_RE = /^([1-9][0-9]*)\.(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))?([a-z]+[0-9]+)?$/;

/**
 * The lax `go` line syntax of dependency go.mod files (modfile's laxGoVersionRE);
 * `[^\n]` is Go's `.`, which excludes only the newline.
 */
const LAX_GO_LINE_RE = /^v?(([1-9][0-9]*)\.(0|[1-9][0-9]*))([^0-9][^\n]*)$/;

/** The `toolchain` line syntax (modfile.ToolchainRE), deliberately loose for forward compatibility. */
const TOOLCHAIN_LINE_RE = /^default$|^go1($|\.)/;

/**
 * isGoLine reports whether v is a valid argument of a go.mod/go.work `go` line in a
 * main module: "1.21", "1.21.0", "1.21rc1", "1.2beta1" (also "1.21.3rc1", which the
 * syntax allows though isValid does not). "1", "v1.21", "1.2.beta1" and "1.21 x" are
 * not. Never throws.
 */
export function isGoLine(v: string): boolean {
  return GO_LINE_RE.test(v);
}

/**
 * laxGoLine returns the language version that a dependency's `go` line is read as
 * when it is not strictly valid ("1.2.beta1" → "1.2", "v1.2.3" → "1.2"), or undefined
 * when even the lax syntax fails (then the go command reports the line).
 */
export function laxGoLine(v: string): string | undefined {
  return LAX_GO_LINE_RE.exec(v)?.[1];
}

/**
 * isToolchainLine reports whether name is a valid argument of a `toolchain` line:
 * "default", or anything starting with "go1." or equal to "go1" ("go1.21.0",
 * "go1.2rc1-gccgo"). Never throws.
 */
export function isToolchainLine(name: string): boolean {
  return TOOLCHAIN_LINE_RE.test(name);
}
