/**
 * `modrescue mod hash <file.zip|dir|go.mod> [-module=path@version]`: print the h1:
 * hash the go command records in go.sum for a module zip, an extracted module tree,
 * or a go.mod file (the "/go.mod" line).
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../../shared/errors.js';
import { hashDir, hashGoMod, hashZip } from '../../mod/sumdb/dirhash/index.js';
import { checkZip } from '../../mod/zip/index.js';
import type { CliContext } from '../context.js';
import { parseFlags, usageError } from '../flags.js';
import { badModule, fail, moduleFlag } from './mod-zip.js';

export const usage = `usage: modrescue mod hash <file.zip|dir|go.mod> [-module=path@version]

Hash prints the h1: hash that go.sum records (golang.org/x/mod/sumdb/dirhash):

  file.zip   the hash of the module zip: every entry by name and content, as
             'go mod download' computes it (with -module, the zip must also be a
             valid zip of that module version)
  dir        the hash of an extracted module (a directory in the module cache):
             every file under it, named path@version/<file>; -module is required
  *.mod      a go.mod file (go.mod, or a proxy's <version>.mod): the hash of the
             "<module> <version>/go.mod" go.sum line

To hash a source checkout as its zip would be, use 'modrescue mod zip', which
leaves out what the go command leaves out (.git, vendored packages, nested modules).

Exit status: 0, 1 for a missing or unreadable input, 2 for a usage error.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(args, { module: { kind: 'string' } }, { interspersed: true });
  if (flags.args.length !== 1) throw usageError('mod hash: expected one file or directory argument');
  const arg = flags.args[0]!;
  const target = ctx.resolve(arg);
  const m = flags.values['module'] === undefined ? undefined : moduleFlag(flags.values['module'], 'mod hash');
  try {
    if (m) {
      const bad = badModule(m);
      if (bad) return fail(ctx, bad);
    }
    const st = await stat(target).catch(() => undefined);
    if (!st) throw new CodedError('ERR_CLI_BAD_PATH', `${arg}: no such file or directory`, { path: target });
    let hash: string;
    if (st.isDirectory()) {
      if (!m)
        throw usageError(
          `mod hash: hashing a directory needs -module=path@version (files are named path@version/<file>)`,
        );
      hash = await hashDir(target, `${m.path}@${m.version}`);
    } else if (path.basename(target).endsWith('.mod')) {
      hash = hashGoMod(await readFile(target));
    } else {
      if (m) {
        const cf = await checkZip(m, target);
        if (cf.error) throw cf.error;
      }
      hash = await hashZip(target);
    }
    ctx.out(hash);
    return 0;
  } catch (e) {
    return fail(ctx, nameTheFile(e, arg, target));
  }
}

/** nameTheFile prefixes "<arg>: " to a zip error that does not say which file it is about. */
export function nameTheFile(e: unknown, arg: string, resolved: string): unknown {
  if (!(e instanceof CodedError) || e.code === 'ERR_CLI_USAGE') return e;
  if (e.message.includes(resolved) || e.message.startsWith(`${arg}:`)) return e;
  return new CodedError(e.code, `${arg}: ${e.message}`, e.fields, { cause: e });
}
