/**
 * `modrescue mod zip <dir> -module=path@version [-o out.zip] [-check] [--json]`: make
 * the module zip of a directory with the go command's rules (x/mod's CreateFromDir)
 * and print its h1 hash — the hash go.sum will record for that content — or, with
 * -check, report which files go in, which are left out and which make a zip
 * impossible. Also the shared helpers of `mod hash` and `mod unzip`.
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CodedError, isCodedError } from '../../shared/errors.js';
import { hashZip } from '../../mod/sumdb/dirhash/index.js';
import {
  checkDir,
  checkModuleVersion,
  createFromDir,
  formatCheckedFiles,
  type FileError,
} from '../../mod/zip/index.js';
import type { CliContext } from '../context.js';
import { parseFlags, usageError } from '../flags.js';

export const usage = `usage: modrescue mod zip <dir> -module=path@version [-o out.zip] [-check] [--json]

Zip creates the module zip of the module rooted at <dir> for path@version, with
the go command's rules (golang.org/x/mod/zip): files of nested modules, vendored
packages, VCS directories (.git, .hg, .svn, .bzr), symbolic links and
.hg_archival.txt are left out; bad file names, case-insensitive collisions and
size limits are errors. It prints the zip's h1: hash, which is what a proxy
serving this zip makes go.sum record.

  -module path@version  the module path and version the zip is for (required)
  -o out.zip            also write the zip there (written to a temporary file, then
                        renamed, so a failure never leaves a partial zip)
  -check                only report: valid files, omitted files (with the reason),
                        invalid files (with the error)
  --json                print a modrescue JSON document (schemaVersion 1)

Exit status: 0, 1 when the module cannot be zipped (or a file cannot be read),
2 for a usage error.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(
    args,
    {
      module: { kind: 'string' },
      o: { kind: 'string', aliases: ['output'] },
      check: { kind: 'bool' },
      json: { kind: 'bool' },
    },
    { interspersed: true },
  );
  if (flags.args.length !== 1) throw usageError('mod zip: expected one directory argument');
  const m = moduleFlag(flags.values['module'], 'mod zip');
  const dirArg = flags.args[0]!;
  const dir = ctx.resolve(dirArg);
  const json = flags.values['json'] === true;
  try {
    const bad = badModule(m);
    if (bad) return fail(ctx, bad);
    await mustBeDir(dir, dirArg);
    if (flags.values['check']) return await check(ctx, m, dir, json);
    const out = flags.values['o'] as string | undefined;
    if (out !== undefined) await mustHaveParent(ctx.resolve(out), out);
    const tmpRoot = ctx.io.env['TMPDIR'] || os.tmpdir();
    const hash = await zipAndHash(m, dir, out === undefined ? undefined : ctx.resolve(out), tmpRoot);
    if (json) ctx.json({ module: m, dir, ...(out !== undefined ? { zip: ctx.resolve(out) } : {}), hash });
    else ctx.out(hash);
    return 0;
  } catch (e) {
    return fail(ctx, e);
  }
}

/** check prints the CheckDir report with paths relative to the module root. */
async function check(
  ctx: CliContext,
  m: { path: string; version: string },
  dir: string,
  json: boolean,
): Promise<number> {
  const cf = await checkDir(dir);
  const rel = (p: string) => path.relative(dir, p).split(path.sep).join('/') || '.';
  const relErr = (f: FileError) => ({ ...f, path: rel(f.path) });
  const report = { valid: cf.valid.map(rel), omitted: cf.omitted.map(relErr), invalid: cf.invalid.map(relErr) };
  if (json) {
    ctx.json({
      module: m,
      dir,
      ok: cf.error === undefined,
      valid: report.valid,
      omitted: report.omitted,
      invalid: report.invalid,
      sizeError: cf.sizeError ? { code: cf.sizeError.code, message: cf.sizeError.message } : null,
    });
  } else {
    ctx.io.stdout.write(formatCheckedFiles(report));
    if (cf.sizeError) ctx.err(`modrescue: ${cf.sizeError.message}`);
  }
  return cf.error ? 1 : 0;
}

/**
 * zipAndHash creates the zip (into out, atomically, or a temporary file under tmpRoot) and returns
 * its h1 hash, read back from the written zip as the go command would hash it.
 */
async function zipAndHash(
  m: { path: string; version: string },
  dir: string,
  out: string | undefined,
  tmpRoot: string,
): Promise<string> {
  const tmpDir = out === undefined ? await mkdtemp(path.join(tmpRoot, 'modrescue-zip-')) : undefined;
  const target = out ?? path.join(tmpDir!, 'module.zip');
  const tmp = out === undefined ? target : `${out}.tmp-${randomBytes(6).toString('hex')}`;
  try {
    const ws = createWriteStream(tmp);
    await createFromDir(ws, m, dir).catch((e: unknown) => {
      ws.destroy();
      throw e;
    });
    const hash = await hashZip(tmp);
    if (tmp !== target) await rename(tmp, target);
    return hash;
  } finally {
    if (tmp !== target) await rm(tmp, { force: true });
    if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  }
}

/**
 * moduleFlag parses -module=path@version (required). A missing or unsplittable value
 * is a usage error; validity (canonical version, path rules) is checked by the
 * command, which reports it as the go command would (exit 1).
 */
export function moduleFlag(value: unknown, command: string): { path: string; version: string } {
  if (typeof value !== 'string' || value === '') throw usageError(`${command}: -module=path@version is required`);
  const at = value.indexOf('@');
  if (at <= 0 || at === value.length - 1) {
    throw usageError(`${command}: -module=${value}: want path@version (for example example.com/m@v1.2.3)`);
  }
  return { path: value.slice(0, at), version: value.slice(at + 1) };
}

/** mustBeDir fails with ERR_CLI_BAD_PATH when dir does not exist or is not a directory. */
async function mustBeDir(dir: string, arg: string): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (!st) throw new CodedError('ERR_CLI_BAD_PATH', `${arg}: no such file or directory`, { path: dir });
  if (!st.isDirectory()) throw new CodedError('ERR_CLI_BAD_PATH', `${arg}: not a directory`, { path: dir });
}

/** mustHaveParent fails with ERR_CLI_BAD_PATH when the directory of the -o file does not exist. */
async function mustHaveParent(file: string, arg: string): Promise<void> {
  const st = await stat(path.dirname(file)).catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new CodedError('ERR_CLI_BAD_PATH', `-o ${arg}: no such directory: ${path.dirname(arg)}`, { path: file });
  }
}

/**
 * badModule returns the error for a module version no zip can be made for, naming
 * the module when x/mod's message does not ("version "v1.0" is not canonical …").
 */
export function badModule(m: { path: string; version: string }): CodedError | undefined {
  const bad = checkModuleVersion(m);
  if (!bad || bad.message.startsWith(m.path)) return bad;
  return new CodedError(bad.code, `${m.path}@${m.version}: ${bad.message}`, bad.fields, { cause: bad });
}

/**
 * fail prints a CodedError the plumbing way ("modrescue: <message>", exit 1). Usage
 * errors and anything that is not a CodedError (a bug) go to main, which reports
 * them with exit 2 and 70.
 */
export function fail(ctx: CliContext, e: unknown): number {
  if (!isCodedError(e) || e.code === 'ERR_CLI_USAGE') throw e;
  ctx.err(`modrescue: ${e.message}`);
  return 1;
}
