/**
 * `modrescue mod unzip <file.zip> <dir> -module=path@version`: extract a module zip the
 * way the go command fills its module cache (x/mod's Unzip), refusing anything unsafe.
 */
import { stat } from 'node:fs/promises';
import { CodedError } from '../../shared/errors.js';
import { unzip } from '../../mod/zip/index.js';
import type { CliContext } from '../context.js';
import { parseFlags, usageError } from '../flags.js';
import { nameTheFile } from './mod-hash.js';
import { badModule, fail, moduleFlag } from './mod-zip.js';

export const usage = `usage: modrescue mod unzip <file.zip> <dir> -module=path@version

Unzip extracts the module zip into <dir> (created if missing; it must be empty)
with the go command's checks: every entry must be under path@version/, file
names must be valid, clean and free of case-insensitive collisions, go.mod only
at the root, and the sizes within the limits (500 MiB in all, 16 MiB for go.mod
and LICENSE). Nothing is written unless the whole zip passes. Files are created
read-only, never through symbolic links, with their declared sizes and CRC-32
enforced.

  -module path@version  the module version the zip must be for (required)

Exit status: 0, 1 when the zip is invalid or cannot be read, 2 for a usage error.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(args, { module: { kind: 'string' } }, { interspersed: true });
  if (flags.args.length !== 2) throw usageError('mod unzip: expected a zip file and a target directory');
  const m = moduleFlag(flags.values['module'], 'mod unzip');
  const [zipArg, dirArg] = flags.args as [string, string];
  const zip = ctx.resolve(zipArg);
  try {
    const bad = badModule(m);
    if (bad) return fail(ctx, bad);
    const st = await stat(zip).catch(() => undefined);
    if (!st) throw new CodedError('ERR_CLI_BAD_PATH', `${zipArg}: no such file or directory`, { path: zip });
    if (!st.isFile()) throw new CodedError('ERR_CLI_BAD_PATH', `${zipArg}: not a file`, { path: zip });
    await unzip(ctx.resolve(dirArg), m, zip);
    return 0;
  } catch (e) {
    return fail(ctx, nameTheFile(e, zipArg, zip));
  }
}
