/**
 * The -mod build mode the go command will use for the project (modload's buildMod
 * default): the -mod flag from GOFLAGS if any; otherwise `vendor` when go.mod has a go
 * line >= 1.14 and a vendor directory exists, else `readonly`.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import * as semver from '../mod/semver/index.js';
import type { DoctorSession } from './session.js';

/** BuildMode is the -mod value and why. */
export interface BuildMode {
  readonly mode: string;
  /** "GOFLAGS" when the flag sets it, "default" otherwise. */
  readonly from: 'GOFLAGS' | 'default';
  readonly vendorDir: boolean;
  readonly modulesTxt: boolean;
}

/** goflagsMod returns the last -mod value set in GOFLAGS, if any. */
export function goflagsMod(goflags: string): string | undefined {
  let mod: string | undefined;
  for (const f of goflags.split(/\s+/)) {
    const m = /^--?mod=(.*)$/.exec(f);
    if (m) mod = m[1];
  }
  return mod;
}

/** buildMode computes the project's build mode (go.mod's go line decides the vendor default). */
export async function buildMode(s: DoctorSession): Promise<BuildMode> {
  return s.memo('buildMode', async () => {
    const root = await s.root();
    const vendorDir = (await stat(path.join(root, 'vendor')).catch(() => undefined))?.isDirectory() ?? false;
    const modulesTxt = (await stat(path.join(root, 'vendor', 'modules.txt')).catch(() => undefined))?.isFile() ?? false;
    const flag = goflagsMod(s.v('GOFLAGS'));
    if (flag !== undefined) return { mode: flag, from: 'GOFLAGS' as const, vendorDir, modulesTxt };
    // Without a go line the vendor directory is not used (the go command says "unspecified").
    let goVersion = '';
    try {
      goVersion = (await s.mainModule()).rawGoVersion;
    } catch {
      // go.mod does not parse; gomod-syntax reports it.
    }
    const vendor = vendorDir && goVersion !== '' && semver.compare('v' + goVersion, 'v1.14') >= 0;
    return { mode: vendor ? 'vendor' : 'readonly', from: 'default' as const, vendorDir, modulesTxt };
  });
}
