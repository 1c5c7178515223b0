/**
 * `go mod verify` for one module version (cmd/go/internal/modcmd verify.go verifyMod):
 * the cached zip and the extracted tree must both still hash to what `.ziphash`
 * recorded when the module was downloaded.
 */
import { readFileSync, statSync } from 'node:fs';
import { hashDir, hashZip } from '../sumdb/dirhash/index.js';
import { ioError } from '../internal/io-error.js';
import { trimSpace } from '../modfile/utf8.js';
import { downloadDirSync, isNotExist } from './extract.js';
import { cachePath, type ModuleVersion } from './layout.js';

/** Hasher computes the two hashes verify needs (in this thread, or in worker threads). */
export interface Hasher {
  hashZip(zipFile: string): Promise<string>;
  hashDir(dir: string, prefix: string): Promise<string>;
}

/** LOCAL_HASHER hashes in the calling thread with package dirhash. */
export const LOCAL_HASHER: Hasher = { hashZip, hashDir };

/**
 * verifyMod checks m's cache entries and returns the go command's messages, one per
 * problem (none when all is well or nothing was downloaded):
 *
 *   - `<path> <version>: missing ziphash: open <file>: no such file or directory`
 *     (a zip or a complete tree exists but no `.ziphash`);
 *   - `<path> <version>: zip has been modified (<zip file>)`;
 *   - `<path> <version>: dir has been modified (<dir>)`;
 *   - `<path> <version>: <error>` when the zip or tree cannot be hashed (then nothing else
 *     is checked).
 *
 * An invalid path or non-canonical version throws (cachePath's errors).
 */
export async function verifyMod(modcache: string, m: ModuleVersion, hasher: Hasher = LOCAL_HASHER): Promise<string[]> {
  const errs: string[] = [];
  const zip = cachePath(modcache, m, 'zip');
  let zipErr: unknown;
  // The look-ups before hashing are a few stat calls and a 47-byte read in the local
  // module cache: synchronous calls (a thread-pool round trip each costs more).
  try {
    statSync(zip);
  } catch (e) {
    zipErr = e;
  }
  const { dir, error: dirErr } = downloadDirSync(modcache, m);
  let data: string;
  try {
    data = readFileSync(zip + 'hash', 'utf8');
  } catch (e) {
    if (zipErr !== undefined && isNotExist(zipErr) && dirErr !== undefined && isNotExist(dirErr)) {
      // Nothing downloaded yet: nothing to verify.
      return [];
    }
    errs.push(`${m.path} ${m.version}: missing ziphash: ${ioError('ERR_MODCACHE_IO', e).message}`);
    return errs;
  }
  const h = trimSpace(data);
  const [hz, hd] = await Promise.all([
    zipErr !== undefined && isNotExist(zipErr)
      ? undefined
      : hasher.hashZip(zip).then(
          (v) => ({ ok: v }),
          (e: unknown) => ({ err: e }),
        ),
    dirErr !== undefined && isNotExist(dirErr)
      ? undefined
      : hasher.hashDir(dir, `${m.path}@${m.version}`).then(
          (v) => ({ ok: v }),
          (e: unknown) => ({ err: e }),
        ),
  ]);
  if (hz) {
    if ('err' in hz) {
      errs.push(`${m.path} ${m.version}: ${(hz.err as Error).message}`);
      return errs;
    }
    if (hz.ok !== h) errs.push(`${m.path} ${m.version}: zip has been modified (${zip})`);
  }
  if (hd) {
    if ('err' in hd) {
      errs.push(`${m.path} ${m.version}: ${(hd.err as Error).message}`);
      return errs;
    }
    if (hd.ok !== h) errs.push(`${m.path} ${m.version}: dir has been modified (${dir})`);
  }
  return errs;
}

/**
 * verifyModules runs verifyMod over mods with at most `parallel` modules in flight and
 * returns their messages in the order of mods (deterministic, as the go command's
 * output). The first thrown error rejects.
 */
export async function verifyModules(
  modcache: string,
  mods: readonly ModuleVersion[],
  options: { parallel?: number; hasher?: Hasher } = {},
): Promise<string[][]> {
  const out: string[][] = new Array<string[]>(mods.length);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= mods.length) return;
      out[i] = await verifyMod(modcache, mods[i]!, options.hasher);
    }
  };
  const n = Math.max(1, Math.min(options.parallel ?? 4, mods.length));
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}
