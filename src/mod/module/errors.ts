/**
 * The error types of golang.org/x/mod/module, as CodedErrors.
 *
 * Each class keeps x/mod's fields (camelCased) and produces x/mod's Error() text
 * byte for byte, because the go command prints these messages verbatim and our
 * output, and the logs we triage, must read the same:
 *
 *   ModuleError          path@version: err | path@version: invalid version: err | module path: err
 *   InvalidVersionError  version "v" invalid: err | pseudo-version "v" invalid: err
 *   InvalidPathError     malformed module path "p": err (kind module, import or file)
 *
 * The wrapped `err` is also the standard `cause`, so `code` matching and cause chains
 * work as for every other CodedError.
 */

import { CodedError } from '../internal/errors.js';
import { goQuote, type GoString } from './quote.js';

/** ModuleVersion is a module path and version pair (x/mod's module.Version), both unescaped. */
export interface ModuleVersion {
  /** The module path, like "golang.org/x/text" or "rsc.io/quote/v2". */
  path: string;
  /**
   * The version, usually a canonical semantic version. "" means the main module
   * (or a directory replacement); "none" is MVS's "no version".
   */
  version: string;
}

/** PathKind says which of the three path grammars an InvalidPathError is about. */
export type PathKind = 'module' | 'import' | 'file';

/**
 * InvalidVersionError reports a version that is unusable on its own, whatever the
 * module path (x/mod's InvalidVersionError). Message: `version "v" invalid: <err>`,
 * or `pseudo-version "v" invalid: <err>` when `pseudo` is set.
 * Code ERR_MODULE_INVALID_VERSION.
 */
export class InvalidVersionError extends CodedError {
  /** The offending version string, as given. */
  readonly version: string;
  /** Whether the version was meant as a pseudo-version (changes the noun). */
  readonly pseudo: boolean;
  /** The reason, without the version. */
  readonly err: Error;

  constructor(version: string, pseudo: boolean, err: Error) {
    super(
      'ERR_MODULE_INVALID_VERSION',
      `${pseudo ? 'pseudo-version' : 'version'} ${goQuote(version)} invalid: ${err.message}`,
      { version, pseudo, reason: err.message },
      { cause: err },
    );
    this.name = 'InvalidVersionError';
    this.version = version;
    this.pseudo = pseudo;
    this.err = err;
  }

  /** noun is "pseudo-version" or "version", as the message uses it. */
  get noun(): string {
    return this.pseudo ? 'pseudo-version' : 'version';
  }
}

/**
 * ModuleError reports an error specific to a module (x/mod's ModuleError). Message:
 *  - err is an InvalidVersionError: `path@<its version>: invalid <noun>: <its reason>`;
 *  - version set: `path@version: <err>`;
 *  - otherwise: `module path: <err>`.
 * Code ERR_MODULE_ERROR.
 */
export class ModuleError extends CodedError {
  readonly path: string;
  readonly version: string;
  readonly err: Error;

  constructor(path: string, version: string, err: Error) {
    super(
      'ERR_MODULE_ERROR',
      moduleErrorMessage(path, version, err),
      { path, version, reason: err.message },
      {
        cause: err,
      },
    );
    this.name = 'ModuleError';
    this.path = path;
    this.version = version;
    this.err = err;
  }
}

function moduleErrorMessage(path: string, version: string, err: Error): string {
  if (err instanceof InvalidVersionError) return `${path}@${err.version}: invalid ${err.noun}: ${err.err.message}`;
  if (version !== '') return `${path}@${version}: ${err.message}`;
  return `module ${path}: ${err.message}`;
}

/**
 * InvalidPathError reports a module, import or file path that breaks the naming
 * rules (x/mod's InvalidPathError). Message: `malformed <kind> path "<path>": <err>`,
 * the path quoted as Go's %q (bytes that are not UTF-8 appear as \xNN).
 * Code ERR_MODULE_INVALID_PATH.
 */
export class InvalidPathError extends CodedError {
  readonly kind: PathKind;
  /** The path as text; bytes that were not valid UTF-8 show as U+FFFD. */
  readonly path: string;
  readonly err: Error;

  /** raw, when given, is the Go byte string the path came from (used for quoting). */
  constructor(kind: PathKind, path: string, err: Error, raw?: GoString) {
    super(
      'ERR_MODULE_INVALID_PATH',
      `malformed ${kind} path ${goQuote(raw ?? path)}: ${err.message}`,
      { kind, path, reason: err.message },
      { cause: err },
    );
    this.name = 'InvalidPathError';
    this.kind = kind;
    this.path = path;
    this.err = err;
  }
}

/**
 * versionError wraps err in a ModuleError for m, or returns err itself when it
 * already is (or wraps, through its cause chain) a ModuleError for the same path and
 * version (x/mod's VersionError).
 */
export function versionError(m: ModuleVersion, err: Error): Error {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e instanceof ModuleError) {
      if (e.path === m.path && e.version === m.version) return err;
      break;
    }
  }
  return new ModuleError(m.path, m.version, err);
}

/**
 * reason makes the plain inner error that the classes above wrap (x/mod's
 * fmt.Errorf reasons). It is never thrown on its own.
 */
export function reason(message: string): Error {
  return new Error(message);
}
