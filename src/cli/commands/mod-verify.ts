/**
 * `modrescue mod verify`: go mod verify, byte for byte. Every module of the build list
 * is checked against the `.ziphash` recorded at download time (zip and extracted tree),
 * several modules at a time, hashing in worker threads so both cores work.
 */
import os from 'node:os';
import type { CliContext } from '../context.js';
import { parseFlags } from '../flags.js';
import { CodedError } from '../../shared/errors.js';
import * as modcache from '../../mod/modcache/index.js';
import { isFatal } from '../../mod/modfetch/index.js';
import { openSupply, type Supply } from './mod-download.js';

export const usage = `usage: modrescue mod verify

Check that the dependencies of the main module stored in the module cache have not
been modified since they were downloaded, as 'go mod verify' does: prints "all
modules verified", or one line per modified module and exits 1.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(args, { modcacherw: { kind: 'bool' } });
  if (flags.args.length !== 0) {
    ctx.err('modrescue: verify takes no arguments');
    return 1;
  }
  const log = (line: string) => ctx.err(line.startsWith('go: ') ? 'modrescue: ' + line.slice(4) : line);
  let supply: Supply | undefined;
  const pool = modcache.createHashPool({ threads: Math.max(1, Math.min(os.availableParallelism(), 4)) });
  try {
    supply = await openSupply(ctx, { cmdName: 'mod verify', onLog: log });
    if (!supply.loader) {
      throw new CodedError(
        'ERR_MODFETCH_NO_MAIN_MODULE',
        "go.mod file not found in current directory or any parent directory; see 'go help modules'",
        {},
      );
    }
    const mg = await supply.loader.loadModGraph();
    const mods = mg.buildList().slice(1);
    const results = await modcache.verifyModules(supply.modcache, mods, {
      parallel: Math.max(2, pool.threads * 2),
      hasher: pool,
    });
    let ok = true;
    for (const errs of results) {
      for (const e of errs) {
        ctx.err(e);
        ok = false;
      }
    }
    if (ok) {
      ctx.out('all modules verified');
      return 0;
    }
    return 1;
  } catch (e) {
    if (isFatal(e)) {
      ctx.err((e as Error).message.replace(/\n$/, ''));
      return 1;
    }
    if (e instanceof CodedError && e.code === 'ERR_CLI_USAGE') throw e;
    // log.Printf adds a newline only when the message has none.
    ctx.err(`modrescue: ${(e instanceof Error ? e.message : String(e)).replace(/\n$/, '')}`);
    return 1;
  } finally {
    await pool.close();
    await supply?.close();
  }
}
