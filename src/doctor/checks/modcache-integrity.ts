/**
 * modcache-integrity: the module cache entries of the build list are intact and usable.
 *
 * Detects, for every module of the build list: a zip or extracted tree that no longer
 * hashes to its `.ziphash` (what `go mod verify` reports, in its words), a missing
 * `.ziphash`, a tree not completely extracted (`.partial`), temporary files of interrupted
 * downloads, a cached empty go.mod (the signature of an old go command bug or a torn
 * write); lock files held by another process for longer than the stale threshold (a
 * stuck go command blocks every other one), and O_EXCL lock files left by a crashed
 * process in `$GOPATH/pkg/sumdb`; a GOMODCACHE that is unset, relative or not writable.
 *
 * Example: `github.com/pkg/errors v0.9.1: dir has been modified (/root/go/pkg/mod/github.com/pkg/errors@v0.9.1)`
 *
 * Fix: `modrescue fix cache` (removes the damaged entries and downloads them again,
 * verified against go.sum), or `go clean -modcache`.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync, type Stats } from 'node:fs';
import { readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as modcache from '../../mod/modcache/index.js';
import type { ModuleVersion } from '../../mod/mvs/index.js';
import {
  Findings,
  fixAction,
  fixCommand,
  type CheckContext,
  type CheckDefinition,
  type CheckOutcome,
} from '../check.js';
import { heldLocks } from '../locks.js';
import { errorMessage, formatMs, mapLimit, plural } from '../util.js';

/** SUMDB_LOCK_STALE_MS matches the sumdb glue's rule: an O_EXCL lock older than this was left by a crashed process. */
const SUMDB_LOCK_STALE_MS = 30_000;

/** writeProbe creates and removes a file in dir; it returns the error, if any. */
async function writeProbe(dir: string): Promise<NodeJS.ErrnoException | undefined> {
  const file = path.join(dir, `.modrescue-doctor-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(file, '', { flag: 'wx' });
    await rm(file, { force: true });
    return undefined;
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
}

/** statQuiet is statSync that returns undefined for any failure. */
function statQuiet(p: string): Stats | undefined {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** nearestExisting returns p or its nearest existing ancestor, with whether that is a directory. */
async function nearestExisting(p: string): Promise<{ path: string; isDir: boolean } | undefined> {
  let d = p;
  for (;;) {
    const st = await stat(d).catch((e: NodeJS.ErrnoException) => e);
    if (!(st instanceof Error)) return { path: d, isDir: st.isDirectory() };
    if (st.code !== 'ENOENT' && st.code !== 'ENOTDIR') return { path: d, isDir: false };
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const f = new Findings();
  const cache = s.v('GOMODCACHE');
  const fixCache = fixAction(
    'cache',
    '',
    'removes the damaged cache entries and downloads them again, verified against go.sum',
  );
  try {
    modcache.checkCacheDir(cache);
  } catch (e) {
    f.fail(
      errorMessage(e).trim(),
      fixCommand('go env -u GOMODCACHE', 'goes back to $GOPATH/pkg/mod (an absolute path)'),
    );
    return f.outcome('');
  }

  // The go command must be able to write new downloads.
  ctx.step('checking that the module cache is writable');
  const download = path.join(cache, 'cache', 'download');
  const at = await nearestExisting(download);
  if (!at) {
    f.fail(`GOMODCACHE=${cache}: no existing parent directory`, fixCache);
  } else if (!at.isDir) {
    f.fail(
      `GOMODCACHE=${cache}: ${at.path} is not a directory: the go command cannot create the module cache`,
      fixCommand(
        `go env -w GOMODCACHE=<a writable directory>`,
        'points the module cache at a directory the go command can create and write',
      ),
    );
  } else {
    const err = await writeProbe(at.path);
    if (err) {
      f.fail(
        `the module cache is not writable: ${at.path}: ${err.code ?? err.message}: every download fails ("could not create module cache" / "permission denied")`,
        fixCommand(
          `sudo chown -R $(id -u) ${cache}`,
          'gives the module cache back to the user who runs the go command (or set GOMODCACHE to a writable directory)',
        ),
      );
    }
    f.evidence({ modcache: cache, writableAt: at.path, writable: err === undefined });
  }

  const bl = await s.buildList();
  // Only canonical versions of valid paths have cache entries (cachePath throws for others).
  const mods = (await s.actualModules()).filter((m) => {
    try {
      modcache.cachePath(cache, m, 'mod');
      return true;
    } catch {
      return false;
    }
  });
  if (bl.from === 'go.mod')
    f.info(`module graph not loaded (${bl.error?.split('\n')[0]}); checked go.mod's requirements`);

  // go mod verify, in its words.
  ctx.step(`hashing ${plural(mods.length, 'cached module')}`);
  const messages = await modcache.verifyModules(cache, mods, { parallel: 8, hasher: s.hasher() });
  ctx.signal.throwIfAborted();
  const modified = messages.flat();
  for (const m of modified) f.fail(m, fixCache);
  f.evidence({ verified: mods.length, problems: modified.length });

  // Partial extractions, leftovers, empty go.mod files, held locks.
  ctx.step('looking for partial downloads and held locks');
  const locks = await heldLocks();
  const staleMs = s.options.staleLockMs ?? 60_000;
  let inCache = 0;
  // Findings per module, added in build-list order once every module was looked at.
  const later: Array<Array<() => void>> = mods.map(() => []);
  await mapLimit(mods, 16, async (m: ModuleVersion, i) => {
    // This module's findings, queued so that they are reported in build-list order.
    const mf = {
      warn: (...a: Parameters<Findings['warn']>) => later[i]!.push(() => f.warn(...a)),
      fail: (...a: Parameters<Findings['fail']>) => later[i]!.push(() => f.fail(...a)),
    };
    const modFile = modcache.cachePath(cache, m, 'mod');
    const vdir = path.dirname(modFile);
    // Small synchronous file-system calls: a thread-pool round trip each costs several times more.
    let names: string[];
    try {
      names = readdirSync(vdir);
    } catch {
      return;
    }
    inCache++;
    const ev = path.basename(modFile).slice(0, -'.mod'.length);
    // downloadDir (the go command's DownloadDir) decides what a partial tree is; the
    // listing shows when it cannot report one (.ziphash there, no .partial, a directory).
    const present = new Set(names);
    const complete =
      present.has(`${ev}.ziphash`) &&
      !present.has(`${ev}.partial`) &&
      statQuiet(modcache.downloadDirPath(cache, m))?.isDirectory() === true;
    if (!complete) {
      const { error } = await modcache.downloadDir(cache, m);
      if (error && error.code === 'ERR_MODCACHE_PARTIAL') {
        mf.warn(
          `${m.path}@${m.version}: ${error.message} (an interrupted download; the go command extracts it again, an older go may use it half-extracted)`,
          fixCache,
        );
      }
    }
    for (const n of names) {
      if (n.startsWith(ev + '.') && /\.tmp$/.test(n)) {
        mf.warn(`${path.join(vdir, n)}: left behind by an interrupted download`, fixCache);
      }
    }
    const st = present.has(`${ev}.mod`) ? statQuiet(modFile) : undefined;
    if (st && st.size === 0) {
      mf.fail(
        `${modFile} is empty: the go command reads no module line and no requirements from it (the empty-go.mod signature of an old go command bug or an interrupted write)`,
        fixCache,
      );
    }
    const lockFile = modcache.cachePath(cache, m, 'lock');
    const lst = locks.size > 0 && present.has(`${ev}.lock`) ? statQuiet(lockFile) : undefined;
    if (lst) {
      for (const h of locks.get(lst.ino) ?? []) {
        if ((h.runningMs ?? Infinity) < staleMs) continue;
        mf.warn(
          `${lockFile} is locked by pid ${h.pid}${h.command ? ` (${h.command})` : ''}${h.runningMs !== undefined ? `, running for ${formatMs(h.runningMs)}` : ''}: every go command that needs ${m.path}@${m.version} waits for it (a stuck download?)`,
          fixCommand(`kill ${h.pid}`, 'ends the stuck process holding the lock (the kernel then releases it)'),
        );
      }
    }
  });
  for (const list of later) for (const add of list) add();
  const side = modcache.sideLockPath(cache);
  const sst = await stat(side).catch(() => undefined);
  for (const h of sst ? (locks.get(sst.ino) ?? []) : []) {
    if ((h.runningMs ?? Infinity) < staleMs) continue;
    f.warn(
      `${side} (the go.sum lock) is locked by pid ${h.pid}${h.command ? ` (${h.command})` : ''}: go commands that update go.sum wait for it`,
      fixCommand(`kill ${h.pid}`, 'ends the stuck process holding the lock'),
    );
  }
  // O_EXCL locks of the checksum-database state (`latest.lock`), left by a crashed process.
  const sumdbDir = s.sumdbDir();
  const walk = async (dir: string, depth: number): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const file = path.join(dir, e.name);
      // Database names may have path elements (host/path): look a few levels down.
      if (e.isDirectory() && depth < 4) await walk(file, depth + 1);
      if (!e.isFile() || !e.name.endsWith('.lock')) continue;
      const lst = await stat(file).catch(() => undefined);
      if (!lst) continue;
      const age = s.now() - lst.mtimeMs;
      if (age > SUMDB_LOCK_STALE_MS) {
        f.warn(
          `${file} is a stale lock (${formatMs(age)} old), left by a crashed process: checksum-database updates wait for it`,
          fixCommand(`rm ${file}`, 'removes the stale lock file'),
        );
      }
    }
  };
  if (sumdbDir) await walk(sumdbDir, 0);
  return f.outcome(
    `${plural(inCache, 'cached module')} of ${mods.length} verified (zip and tree match .ziphash); the cache is writable; no partial downloads or stuck locks`,
  );
}

/** modcacheIntegrity is the `modcache-integrity` check (see the file comment; registered in registry.ts). */
export const modcacheIntegrity: CheckDefinition = {
  id: 'modcache-integrity',
  title: 'the module cache is intact',
  network: false,
  doc: {
    detects:
      'Cached modules of the build list whose zip or extracted tree no longer match their .ziphash (go mod verify), missing .ziphash, partial extractions and interrupted downloads, cached empty go.mod files, locks held by a stuck process, stale lock files, and a module cache that is unset, relative or not writable.',
    example: 'github.com/pkg/errors v0.9.1: dir has been modified (/root/go/pkg/mod/github.com/pkg/errors@v0.9.1)',
    fix: '`modrescue fix cache` (or `go clean -modcache`).',
  },
  run,
};
