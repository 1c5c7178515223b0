/**
 * gosum-verified: every go.sum line agrees with what the proxy serves, with the
 * checksum database (tlog-verified lookups) and with the module cache.
 *
 * Each go.mod line is compared with the hash of the `.mod` the GOPROXY chain serves, each
 * zip line of a build-list module with the hash of the `.zip` it serves (downloaded in
 * full and compared with the cached zip as it streams in: byte-identical means the cached
 * zip's hash, computed once for the run; otherwise the proxy's bytes are written to a
 * temporary file, hashed and removed — see zip-compare.ts), both with the database's
 * record, and with what the module cache holds (`.ziphash`, `.mod`). A disagreement names the side that differs and
 * what that means: go.sum alone differs → tampered or badly merged go.sum; the proxy alone
 * → a poisoned proxy or mirror; the cache alone → a corrupt or poisoned module cache;
 * the database alone → content changed after publication; a private module whose content
 * changed → a force-pushed tag.
 *
 * Example: `verifying github.com/pkg/errors@v0.9.1: checksum mismatch\n\tdownloaded: h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt0=\n\tgo.sum:     h1:iURUrRGxPUNPdy5/HRSm+Yj6okJ6UtLINN0Q9M4+h3I=`
 *
 * Fix: depends on the side: `modrescue fix sum` (go.sum), `modrescue fix proxy` (proxy),
 * `modrescue fix cache` (cache), `modrescue fix pin` (a private tag that moved).
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { hashGoMod } from '../../mod/sumdb/dirhash/index.js';
import { cachePath } from '../../mod/modcache/index.js';
import { GoproxyError } from '../../mod/goproxy/index.js';
import { Findings, fixAction, skipped, type CheckContext, type CheckDefinition, type CheckOutcome } from '../check.js';
import { isDeadline } from '../session.js';
import type { DoctorFix, Evidence } from '../types.js';
import { errorMessage, mapLimit, plural } from '../util.js';
import { compareZip } from '../zip-compare.js';

/** readSmall reads a small cache file synchronously (a thread-pool round trip costs more), or undefined when unreadable. */
function readSmall(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Sides are the hashes each source gives for one go.sum line (undefined: not known). */
interface Sides {
  readonly gosum: string;
  proxy?: string;
  db?: string;
  cache?: string;
}

/** judge explains a disagreement among the sides, or returns undefined when they agree. */
export function judge(
  line: string,
  sides: Sides,
  privateModule: boolean,
): { text: string; fix: DoctorFix; side: string } | undefined {
  const { gosum, proxy, db, cache } = sides;
  const others = [proxy, db, cache].filter((h): h is string => h !== undefined);
  if (others.every((h) => h === gosum)) return undefined;
  const show = `\n\tgo.sum:     ${gosum}${proxy ? `\n\tproxy:      ${proxy}` : ''}${db ? `\n\tchecksum DB: ${db}` : ''}${cache ? `\n\tmodule cache: ${cache}` : ''}`;
  const agree = (a?: string, b?: string) => a !== undefined && b !== undefined && a === b;
  if (
    (agree(proxy, db) || (db === undefined && agree(proxy, cache)) || (proxy === undefined && agree(db, cache))) &&
    gosum !== (proxy ?? db)
  ) {
    if (privateModule && db === undefined) {
      return {
        side: 'go.sum',
        text: `${line}: the content changed since go.sum recorded it (a force-pushed or re-created private tag)${show}`,
        fix: fixAction(
          'pin',
          '',
          'pins the module to a commit you trust (or ask its owner to restore the tag) instead of accepting new content',
        ),
      };
    }
    return {
      side: 'go.sum',
      text: `${line}: go.sum disagrees with ${db ? 'the checksum database' : 'the proxy'}${proxy && db ? ' and the proxy' : ''}: go.sum was tampered with or badly merged${show}`,
      fix: fixAction('sum', '', 'rewrites the line with the hash the checksum database confirms'),
    };
  }
  if (
    proxy !== undefined &&
    proxy !== gosum &&
    (db === undefined || db === gosum) &&
    (cache === undefined || cache === gosum)
  ) {
    if (privateModule && db === undefined && cache === undefined) {
      return {
        side: 'proxy',
        text: `${line}: the proxy serves different content than go.sum recorded (a force-pushed private tag, or a poisoned proxy)${show}`,
        fix: fixAction('pin', '', 'pins the module to a commit you trust instead of accepting new content'),
      };
    }
    return {
      side: 'proxy',
      text: `${line}: the proxy serves different content than go.sum${db ? ' and the checksum database' : ''} recorded: a poisoned proxy or mirror (SECURITY)${show}`,
      fix: fixAction('proxy', '', 'switches to a proxy that serves the genuine content, then report the bad one'),
    };
  }
  if (
    cache !== undefined &&
    cache !== gosum &&
    (proxy === undefined || proxy === gosum) &&
    (db === undefined || db === gosum)
  ) {
    return {
      side: 'cache',
      text: `${line}: the module cache holds different content than go.sum recorded: a corrupt or poisoned module cache${show}`,
      fix: fixAction('cache', '', 'removes the bad entry from the module cache and downloads it again, verified'),
    };
  }
  if (db !== undefined && db !== gosum && (proxy === undefined || proxy === gosum)) {
    return {
      side: 'checksum DB',
      text: `${line}: go.sum${proxy ? ' and the proxy' : ''} agree but the checksum database recorded another hash: the content changed after it was first published (re-tagged), or go.sum and the proxy are compromised (SECURITY)${show}`,
      fix: fixAction('pin', '', 'moves to a version whose content the checksum database confirms'),
    };
  }
  return {
    side: 'all',
    text: `${line}: go.sum, the proxy, the checksum database and the module cache disagree${show}`,
    fix: fixAction(
      'sum',
      '',
      'rebuilds the line from the checksum database after you have found out why the sources differ',
    ),
  };
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const f = new Findings();
  const sums = await s.goSum();
  if (!sums.exists) return skipped('there is no go.sum (see gosum-complete)');
  const lines = sums.sum.entries().filter((l) => l.hash.startsWith('h1:'));
  if (lines.length === 0) return { status: 'pass', summary: 'go.sum has no lines', fix: null };
  const bl = await s.buildList();
  const inBuild = new Set(bl.modules.map((m) => `${m.path}@${m.version}`));
  const modcache = s.v('GOMODCACHE');
  const client = s.proxyClient();
  // The temporary directory is only made when a proxy zip differs from the cached one.
  let tmpRoot: Promise<string> | undefined;
  const tmpFile = async () => {
    tmpRoot ??= mkdtemp(path.join(s.options.tmpDir ?? os.tmpdir(), 'modrescue-doctor-'));
    return path.join(await tmpRoot, `${seq++}.zip`);
  };
  let verified = 0;
  let unverified = 0;
  let zipsFetched = 0;
  let seq = 0;
  let skippedZips = 0;
  const problems: Array<NonNullable<ReturnType<typeof judge>> & { at: number }> = [];
  const bySide = { proxy: 0, db: 0, cache: 0 };
  // Notes and evidence per line, added in go.sum order once every line was looked at.
  const notes: string[][] = lines.map(() => []);
  const evidence: Array<Evidence | undefined> = lines.map(() => undefined);

  /** proxyZip establishes the hash of the zip the proxy serves (see zip-compare.ts). */
  const proxyZip = async (p: string, version: string): Promise<string> => {
    const cached = cachePath(modcache, { path: p, version }, 'zip');
    const cmp = compareZip(cached, tmpFile);
    try {
      await client!.zip(p, version, cmp.handle);
      const got = await cmp.finish();
      zipsFetched++;
      // Byte-identical to the cached zip: the same hash, computed once for the run.
      if (got.same) return await s.hasher().hashZip(cached);
      try {
        return await s.hasher().hashZip(got.file);
      } finally {
        await rm(got.file, { force: true });
      }
    } finally {
      await cmp.close();
    }
  };

  try {
    ctx.step(`verifying ${plural(lines.length, 'go.sum line')}`);
    // Lines wait on the network (bounded by the session), so many are in flight at once.
    await mapLimit(lines, 32, async (l, at) => {
      const goMod = l.version.endsWith('/go.mod');
      const version = goMod ? l.version.slice(0, -'/go.mod'.length) : l.version;
      const key = `${l.path}@${version}`;
      const sides: Sides = { gosum: l.hash };
      const privateModule = s.isDirect(l.path) || s.noSumdb(l.path);
      const note = (text: string) => notes[at]!.push(text);
      // The checksum database: one tlog-verified lookup per module version.
      const dbSide = async () => {
        if (s.noSumdb(l.path)) return;
        const r = await s.sumdbLookup(l.path, version);
        const want = `${l.path} ${l.version} `;
        const hit = r.lines?.find((x) => x.startsWith(want));
        if (hit) sides.db = hit.slice(want.length);
        else if (r.error && !/\b(404|410)\b|not found/i.test(errorMessage(r.error))) {
          note(`${l.path} ${l.version}: checksum database not consulted: ${errorMessage(r.error).split('\n')[0]}`);
        }
      };
      // The proxy (modules the go command fetches through it).
      const proxySide = async () => {
        if (!client || s.isDirect(l.path)) return;
        try {
          if (goMod) {
            sides.proxy = hashGoMod(await s.proxyGoMod(l.path, version));
          } else if (inBuild.has(key)) {
            sides.proxy = await proxyZip(l.path, version);
          } else {
            skippedZips++;
          }
        } catch (e) {
          if (ctx.signal.aborted) throw ctx.signal.reason;
          if (!(e instanceof GoproxyError && e.notFound)) {
            note(`${l.path} ${l.version}: proxy not consulted: ${errorMessage(e).split('\n')[0]}`);
          }
        }
      };
      try {
        ctx.signal.throwIfAborted();
        // The module cache (small files: read synchronously).
        try {
          if (goMod) {
            const data = readSmall(cachePath(modcache, { path: l.path, version }, 'mod'));
            if (data) sides.cache = hashGoMod(new Uint8Array(data.buffer, data.byteOffset, data.length));
          } else {
            const zh = readSmall(cachePath(modcache, { path: l.path, version }, 'zip') + 'hash');
            if (zh) sides.cache = zh.toString('utf8').trim();
          }
        } catch {
          // An unusable path or version: the other sides still count.
        }
        const [db, proxy] = await Promise.allSettled([dbSide(), proxySide()]);
        for (const r of [db, proxy]) if (r.status === 'rejected') throw r.reason;
      } catch (e) {
        if (isDeadline(e) || ctx.signal.aborted) {
          unverified++;
          return;
        }
        throw e;
      }
      if (sides.proxy === undefined && sides.db === undefined && sides.cache === undefined) {
        unverified++;
        return;
      }
      verified++;
      if (sides.proxy) bySide.proxy++;
      if (sides.db) bySide.db++;
      if (sides.cache) bySide.cache++;
      const j = judge(`${l.path} ${l.version}`, sides, privateModule);
      if (j) problems.push({ ...j, at });
      evidence[at] = {
        line: `${l.path} ${l.version}`,
        gosum: sides.gosum,
        ...(sides.proxy ? { proxy: sides.proxy } : {}),
        ...(sides.db ? { checksumDB: sides.db } : {}),
        ...(sides.cache ? { cache: sides.cache } : {}),
        ...(j ? { disagrees: j.side } : {}),
      };
    });
  } finally {
    if (tmpRoot) {
      const dir = await tmpRoot.catch(() => undefined);
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  }
  for (const list of notes) for (const n of list) f.info(n);
  for (const e of evidence) if (e) f.evidence(e);
  // Report in go.sum order, whatever order the answers arrived in.
  for (const p of problems.sort((a, b) => a.at - b.at)) f.fail(p.text, p.fix);
  if (unverified > 0) {
    f.info(
      `${plural(unverified, 'line')} could not be compared with any other source${ctx.signal.aborted ? ' before the deadline' : ' (private and not in the module cache, or not served)'}`,
    );
  }
  if (skippedZips > 0)
    f.info(
      `${plural(skippedZips, 'zip line')} of modules outside the build list compared with the checksum database and cache only`,
    );
  if (ctx.signal.aborted && problems.length === 0) {
    f.warn(`the deadline passed after ${plural(verified, 'line')} of ${lines.length} were verified`);
  }
  return f.outcome(
    `${plural(verified, 'go.sum line')} verified: ${bySide.proxy} against the proxy (${plural(zipsFetched, 'zip')} re-hashed), ${bySide.db} against the checksum database, ${bySide.cache} against the module cache`,
  );
}

/** gosumVerified is the `gosum-verified` check (see the file comment; registered in registry.ts). */
export const gosumVerified: CheckDefinition = {
  id: 'gosum-verified',
  title: 'go.sum agrees with proxy, checksum DB and cache',
  network: true,
  doc: {
    detects:
      'A go.sum line that disagrees with what the proxy serves (.mod and .zip re-hashed), with the checksum database (tlog-verified lookup) or with the module cache, saying which side differs and what it means: tampered go.sum, poisoned proxy or mirror, corrupt cache, content changed after publication, force-pushed private tag.',
    example:
      'verifying github.com/pkg/errors@v0.9.1: checksum mismatch\n\tdownloaded: h1:FEBLx1zS214owpjy7qsBeixbURkuhQAwrK5UwLGTwt0=\n\tgo.sum:     h1:iURUrRGxPUNPdy5/HRSm+Yj6okJ6UtLINN0Q9M4+h3I=',
    fix: 'Depends on the side that differs: `modrescue fix sum`, `modrescue fix proxy`, `modrescue fix cache`, or `modrescue fix pin`.',
  },
  run,
};
