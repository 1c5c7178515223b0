/**
 * The argument grammar of `go mod edit` (cmd/go's modcmd/edit.go): `path@version`,
 * `path[@version]` and `old[@v]=new[@w]`, validated and worded as the go command does.
 * Shared by `modrescue mod edit` (flags `-require=…`) and fix's go.mod actions (their own
 * flag names); each caller names the flag as it is spelled and supplies the error to
 * throw (fail), so messages read `<flag>=<arg>: <what>`.
 */
import * as module from '../mod/module/index.js';
import { goQuote, isDirectoryPath, mustQuote } from '../mod/modfile/index.js';
import { trimSpace } from '../mod/modfile/utf8.js';

/** Fail builds what a parser throws for a message in go mod edit's wording. */
export type Fail = (message: string) => unknown;

/** allowedVersionArg reports whether a token may be used as a version in go.mod (any single token, no quoting needed). */
export function allowedVersionArg(arg: string): boolean {
  return !mustQuote(arg);
}

/**
 * parsePathVersion parses `path@version` given to flag. It throws fail's error with go
 * mod edit's wording (`need path@version`, `invalid path: …`, `invalid version "…"`).
 */
export function parsePathVersion(flag: string, arg: string, fail: Fail): [string, string] {
  const i = arg.indexOf('@');
  if (i < 0) throw fail(`${flag}=${arg}: need path@version`);
  const p = trimSpace(arg.slice(0, i));
  const v = trimSpace(arg.slice(i + 1));
  const err = module.checkImportPath(p);
  if (err !== undefined) throw fail(`${flag}=${arg}: invalid path: ${err.message}`);
  if (!allowedVersionArg(v)) throw fail(`${flag}=${arg}: invalid version ${goQuote(v)}`);
  return [p, v];
}

/**
 * parsePathVersionOptional parses `path[@version]`, a part of flagArg; adj ("old", "new")
 * words the errors as go mod edit does. With allowDirPath a local directory is accepted
 * as the path. Invalid input throws fail's error.
 */
export function parsePathVersionOptional(
  flag: string,
  flagArg: string,
  adj: string,
  arg: string,
  allowDirPath: boolean,
  fail: Fail,
): [string, string] {
  let p = arg;
  let v = '';
  const i = arg.indexOf('@');
  if (i >= 0) {
    p = trimSpace(arg.slice(0, i));
    v = trimSpace(arg.slice(i + 1));
  }
  const err = module.checkImportPath(p);
  if (err !== undefined && (!allowDirPath || !isDirectoryPath(p))) {
    throw fail(`${flag}=${flagArg}: invalid ${adj} path: ${err.message}`);
  }
  if (p !== arg && !allowedVersionArg(v)) throw fail(`${flag}=${flagArg}: invalid ${adj} version: ${goQuote(v)}`);
  return [p, v];
}

/** ReplaceArg is a parsed `old[@v]=new[@v]`. */
export interface ReplaceArg {
  readonly oldPath: string;
  readonly oldVersion: string;
  readonly newPath: string;
  readonly newVersion: string;
}

/**
 * parseReplace parses `old[@v]=new[@v]` as go mod edit -replace does: a missing `=`, a
 * `=>` separator, invalid paths or versions, or an unversioned new path that is not a
 * local directory throw fail's error.
 */
export function parseReplace(flag: string, arg: string, fail: Fail): ReplaceArg {
  const i = arg.indexOf('=');
  if (i < 0) throw fail(`${flag}=${arg}: need old[@v]=new[@w] (missing =)`);
  const oldArg = trimSpace(arg.slice(0, i));
  const newArg = trimSpace(arg.slice(i + 1));
  if (newArg.startsWith('>')) throw fail(`${flag}=${arg}: separator between old and new is =, not =>`);
  const [oldPath, oldVersion] = parsePathVersionOptional(flag, arg, 'old', oldArg, false, fail);
  const [newPath, newVersion] = parsePathVersionOptional(flag, arg, 'new', newArg, true, fail);
  if (newPath === newArg && !isDirectoryPath(newArg)) {
    throw fail(`${flag}=${arg}: unversioned new path must be local directory`);
  }
  return { oldPath, oldVersion, newPath, newVersion };
}
