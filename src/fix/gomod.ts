/**
 * go.mod editing for fix actions, as `go mod edit` does it: parse strictly, apply the
 * edits in order, sortBlocks, cleanup, format. The bytes are the go command's (the
 * differential tests in replace.test.ts and pin.test.ts compare them with Go 1.19's).
 * Argument parsing keeps go mod edit's rules and wording, with fix's flag names.
 */
import { readFile } from 'node:fs/promises';
import { CodedError } from '../shared/errors.js';
import * as args from '../shared/gomod-args.js';
import { isModfileParseError, parse, type File } from '../mod/modfile/index.js';

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

/**
 * parsePathVersion parses `path@version` (pin's argument). It throws ERR_FIX_USAGE with go
 * mod edit's wording (`need path@version`, `invalid path: …`, `invalid version "…"`).
 */
export function parsePathVersion(flag: string, arg: string): [string, string] {
  return args.parsePathVersion(flag, arg, fixUsage);
}

/** parsePathVersionOptional parses `path[@version]`; adj ("old", "new") words the errors as go mod edit (ERR_FIX_USAGE). */
export function parsePathVersionOptional(
  flag: string,
  flagArg: string,
  adj: string,
  arg: string,
  allowDirPath: boolean,
): [string, string] {
  return args.parsePathVersionOptional(flag, flagArg, adj, arg, allowDirPath, fixUsage);
}

export type { ReplaceArg } from '../shared/gomod-args.js';

/** parseReplace parses `old[@v]=new[@v]` as go mod edit -replace does (ERR_FIX_USAGE). */
export function parseReplace(flag: string, arg: string): args.ReplaceArg {
  return args.parseReplace(flag, arg, fixUsage);
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
