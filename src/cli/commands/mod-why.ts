/** `modrescue mod why [-m] [-vendor] packages...`: go mod why, byte for byte. */
import { stat } from 'node:fs/promises';
import type { CliContext } from '../context.js';
import { parseFlags } from '../flags.js';
import { downloadDir, loadAll, whyModules, whyPackages } from '../../mod/modload/index.js';
import { goError, openModule, type Opened } from './list.js';

export const usage = `usage: modrescue mod why [-m] [-vendor] packages...

Show a shortest path in the import graph from the main module to each listed
package (with -m, to each module's closest package), as 'go mod why' does.
Module source trees are read from the module cache.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(args, { m: { kind: 'bool' }, vendor: { kind: 'bool' } });
  if (flags.values['m']) {
    for (const a of flags.args) {
      if (a.includes('@')) {
        ctx.err(`modrescue: ${a}: 'go mod why' requires a module path, not a version query`);
        return 1;
      }
    }
  }
  let opened: Opened | undefined;
  try {
    opened = await openModule(ctx, 'mod');
    const { loader, modcache } = opened;
    const mg = await loader.loadModGraph();
    const pg = await loadAll(mg, async (m) => {
      const d = downloadDir(modcache, m);
      return (await stat(d).catch(() => undefined))?.isDirectory() ? d : undefined;
    });
    const text = flags.values['m'] ? whyModules(pg, flags.args) : whyPackages(pg, flags.args);
    ctx.io.stdout.write(text);
    return 0;
  } catch (e) {
    return goError(ctx, e);
  } finally {
    await opened?.close();
  }
}
