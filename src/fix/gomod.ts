/**
 * go.mod editing for fix actions, as `go mod edit` does it: parse strictly, apply the
 * edits in order, sortBlocks, cleanup, format. The bytes are the go command's (the
 * differential tests in replace.test.ts and pin.test.ts compare them with Go 1.19's).
 * Argument parsing keeps go mod edit's rules and wording, with fix's flag names.
 */
import { readFile } from 'node:fs/promises';
import { CodedError } from '../shared/errors.js';
import * as module from '../mod/module/index.js';
import { goQuote, isDirectoryPath, isModfileParseError, mustQuote, parse, type File } from '../mod/modfile/index.js';
import { trimSpace } from '../mod/modfile/utf8.js';

/** usage builds a usage error (exit 2) in go mod edit's wording. */
export function fixUsage(message: string): CodedError {
  return new CodedError('ERR_FIX_USAGE', message, { exitCode: 2 });
}

/** readGoModFile parses go.mod strictly; it throws ERR_FIX_GOMOD_PARSE (exit 3) with every error. */
export async function readGoModFile(file: string, label: string): Promise<{ data: Buffer; mod: File }> {
  const data = await readFile(file);
  try {
    return { data, mod: parse(file, new Uint8Array(data)) };
  } catch (e) {
    if (isModfileParseError(e)) {
      throw new CodedError('ERR_FIX_GOMOD_PARSE', `errors parsing ${label}:\n${e.message}`, { file, exitCode: 3 });
    }
    throw e;
  }
}

/** editGoMod applies edits to a parsed go.mod and returns the bytes go mod edit would write. */
export function editGoMod(mod: File, edits: ReadonlyArray<(f: File) => void>): Buffer {
  for (const e of edits) e(mod);
  mod.sortBlocks();
  mod.cleanup();
  return mod.format();
}

/** allowedVersionArg reports whether a token may be used as a version in go.mod. */
function allowedVersionArg(arg: string): boolean {
  return !mustQuote(arg);
}

/**
 * parsePathVersion parses `path@version` (pin's argument). It throws ERR_FIX_USAGE with go
 * mod edit's wording (`need path@version`, `invalid path: …`, `invalid version "…"`).
 */
export function parsePathVersion(flag: string, arg: string): [string, string] {
  const i = arg.indexOf('@');
  if (i < 0) throw fixUsage(`${flag}=${arg}: need path@version`);
  const p = trimSpace(arg.slice(0, i));
  const v = trimSpace(arg.slice(i + 1));
  const err = module.checkImportPath(p);
  if (err !== undefined) throw fixUsage(`${flag}=${arg}: invalid path: ${err.message}`);
  if (!allowedVersionArg(v)) throw fixUsage(`${flag}=${arg}: invalid version ${goQuote(v)}`);
  return [p, v];
}

/** parsePathVersionOptional parses `path[@version]`; adj ("old", "new") words the errors as go mod edit. */
export function parsePathVersionOptional(
  flag: string,
  flagArg: string,
  adj: string,
  arg: string,
  allowDirPath: boolean,
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
    throw fixUsage(`${flag}=${flagArg}: invalid ${adj} path: ${err.message}`);
  }
  if (p !== arg && !allowedVersionArg(v)) throw fixUsage(`${flag}=${flagArg}: invalid ${adj} version: ${goQuote(v)}`);
  return [p, v];
}

/** ReplaceArg is a parsed `old[@v]=new[@v]`. */
export interface ReplaceArg {
  readonly oldPath: string;
  readonly oldVersion: string;
  readonly newPath: string;
  readonly newVersion: string;
}

/** parseReplace parses `old[@v]=new[@v]` as go mod edit -replace does. */
export function parseReplace(flag: string, arg: string): ReplaceArg {
  const i = arg.indexOf('=');
  if (i < 0) throw fixUsage(`${flag}=${arg}: need old[@v]=new[@w] (missing =)`);
  const oldArg = trimSpace(arg.slice(0, i));
  const newArg = trimSpace(arg.slice(i + 1));
  if (newArg.startsWith('>')) throw fixUsage(`${flag}=${arg}: separator between old and new is =, not =>`);
  const [oldPath, oldVersion] = parsePathVersionOptional(flag, arg, 'old', oldArg, false);
  const [newPath, newVersion] = parsePathVersionOptional(flag, arg, 'new', newArg, true);
  if (newPath === newArg && !isDirectoryPath(newArg)) {
    throw fixUsage(`${flag}=${arg}: unversioned new path must be local directory`);
  }
  return { oldPath, oldVersion, newPath, newVersion };
}

/** guarded wraps an error raised by an edit in go mod edit's wording (`-flag=arg: message`), exit 3. */
export function guarded(flag: string, arg: string, fn: (f: File) => void): (f: File) => void {
  return (f) => {
    try {
      fn(f);
    } catch (e) {
      throw new CodedError('ERR_FIX_GOMOD_EDIT', `${flag}=${arg}: ${(e as Error).message}`, { exitCode: 3 });
    }
  };
}
