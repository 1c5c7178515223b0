/**
 * The module supply as fix uses it: filling the module cache the way the go command
 * does (modfetch over the GOPROXY chain, every zip and go.mod checked against go.sum and
 * the checksum database), and fresh downloads for "trust on first use" hashes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CodedError } from '../shared/errors.js';
import { createGoproxyClient, type GoproxyClient } from '../mod/goproxy/index.js';
import * as modcache from '../mod/modcache/index.js';
import { openFetchStack } from '../mod/modfetch/index.js';
import { hashGoMod, hashZip } from '../mod/sumdb/dirhash/index.js';
import { errorMessage } from '../doctor/util.js';
import type { PlanContext } from './context.js';
import type { MV } from './cache-ops.js';

/** offlineError says that a step needs the network (exit 3). */
export function offlineError(what: string): CodedError {
  return new CodedError('ERR_FIX_OFFLINE', `${what} needs the network, and this run is offline`, { exitCode: 3 });
}

/** proxyClient builds the GOPROXY client of the context (ERR_FIX_OFFLINE without a network). */
export function proxyClient(pc: PlanContext): GoproxyClient {
  const fetch = pc.ctx.fetch;
  if (!fetch) throw offlineError('downloading modules');
  return createGoproxyClient({
    fetch,
    proxy: pc.v('GOPROXY'),
    noProxy: pc.v('GONOPROXY'),
    ...(pc.ctx.signal ? { signal: pc.ctx.signal } : {}),
  });
}

/**
 * fillCache downloads modules into the module cache as `go mod download` does: zip,
 * extraction, `.ziphash`, every hash checked against go.sum (a mismatch stops it) and,
 * for hashes go.sum does not have, the checksum database. go.sum itself is never written.
 */
export async function fillCache(pc: PlanContext, cache: string, modules: readonly MV[]): Promise<void> {
  const fetch = pc.ctx.fetch;
  if (!fetch) throw offlineError('filling the module cache');
  const locker = modcache.createFileLocker();
  try {
    const { fetcher } = openFetchStack({
      fetch,
      env: pc.v,
      modcache: cache,
      locker,
      goSumFile: pc.hasGoMod ? path.join(pc.root, 'go.sum') : '',
      cmdName: 'mod download',
      sumdbTimeoutMs: pc.timeoutMs,
      ...(pc.ctx.signal ? { signal: pc.ctx.signal } : {}),
    });
    const errors: string[] = [];
    // A few at a time: zips are large, and the proxy is often the thing under stress.
    const queue = [...modules];
    const worker = async () => {
      for (let m = queue.shift(); m; m = queue.shift()) {
        pc.ctx.onProgress?.(`downloading ${m.path}@${m.version}`);
        try {
          // As go mod download: .info, .mod, then the zip and the extracted tree.
          await fetcher.infoFile(m.path, m.version);
          await fetcher.goMod(m.path, m.version);
          await fetcher.download(m);
        } catch (e) {
          errors.push(errorMessage(e));
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, modules.length) }, worker));
    if (errors.length > 0) {
      throw new CodedError('ERR_FIX_DOWNLOAD', errors.join('\n'), { count: errors.length });
    }
  } finally {
    await locker.close();
  }
}

/** FreshHashes are the go.sum hashes of a module version computed from a fresh download. */
export interface FreshHashes {
  readonly zip?: string;
  readonly goMod?: string;
}

/**
 * freshHashes downloads m's go.mod (and its zip unless goModOnly) through the GOPROXY
 * chain into a temporary directory, hashes them and removes the files. It throws the
 * goproxy error when the proxy cannot serve them (a GONOPROXY module is fetched
 * directly, which modrescue does not do: ERR_GOPROXY_DIRECT_UNSUPPORTED).
 */
export async function freshHashes(
  pc: PlanContext,
  client: GoproxyClient,
  m: MV,
  goModOnly = false,
): Promise<FreshHashes> {
  const goMod = hashGoMod(await client.goMod(m.path, m.version));
  if (goModOnly) return { goMod };
  const tmp = await mkdtemp(path.join(pc.ctx.processEnv['TMPDIR'] || os.tmpdir(), 'modrescue-fix-'));
  try {
    const file = path.join(tmp, 'm.zip');
    await client.zip(m.path, m.version, file);
    return { goMod, zip: await hashZip(file) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
