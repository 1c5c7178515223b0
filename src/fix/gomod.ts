/**
 * go.mod editing for fix actions, as `go mod edit` does it: parse strictly, apply the
 * edits in order, sortBlocks, cleanup, format. The bytes are the go command's (the
 * differential tests in replace.test.ts and pin.test.ts compare them with Go 1.19's).
 * Argument parsing is go mod edit's (src/shared/gomod-args.ts), with fix's flag names
 * and fixUsage as the error.
 */
import { readFile } from 'node:fs/promises';
import { CodedError } from '../shared/errors.js';
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
