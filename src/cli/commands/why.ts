/** `modrescue why <module|package>... [--json]`: the people view of "why is this here". */
import type { CliContext } from '../context.js';
import { EXIT } from '../exit.js';
import { parseFlags, usageError } from '../flags.js';
import {
  whyModule,
  formatWhyModule,
  replacedAnnotation,
  withoutToolchain,
  type Annotations,
} from '../../graph/index.js';
import * as semver from '../../mod/semver/index.js';
import { Lister, type ModulePublic } from '../../mod/modload/list.js';
import { isStandardImportPath, isStdPackage } from '../../mod/load/stdlib.js';
import { openModule, type Opened } from './list.js';

export const usage = `usage: modrescue why [--json] <module|package>...

For each module (or the module providing a package), print every shortest
requirement path from the main module to it, with the version each step
requires, the requirement(s) that decided the selected version, and whether it
is replaced, excluded, retracted or deprecated (the last two asked of GOPROXY).
Exit 0 when found, 1 when not in the graph, 3 when the graph cannot be loaded.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(args, { json: { kind: 'bool' } }, { interspersed: true });
  if (flags.args.length === 0) throw usageError('why: name at least one module or package');
  let opened: Opened | undefined;
  try {
    opened = await openModule(ctx, { cmdName: 'mod graph' });
    const mg = await opened.loader.loadModGraph();
    const g = withoutToolchain(mg);
    const replaced = replacedAnnotation(mg.mains);
    const selectedPaths = mg
      .buildList()
      .map((m) => m.path)
      .filter((p) => p !== 'go' && p !== 'toolchain');
    // Retractions and deprecations of the modules asked about (the latest go.mod of each,
    // through GOPROXY; a lookup that fails leaves the note out).
    const lister = new Lister({ loader: opened.loader, modcache: opened.modcache });
    const retracted = new Map<string, readonly string[]>();
    const deprecated = new Map<string, string>();
    const results = [];
    for (const arg of flags.args) {
      // A package path resolves to the longest module path in the build list that prefixes it.
      const mod =
        selectedPaths.filter((p) => arg === p || arg.startsWith(p + '/')).sort((a, b) => b.length - a.length)[0] ?? arg;
      const v = g.selected(mod);
      if (v !== 'none' && v !== '') {
        const mp: ModulePublic = { Path: mod, Version: v };
        await lister.addRetraction(mp);
        await lister.addDeprecation(mp);
        if (mp.Retracted) retracted.set(`${mod}@${v}`, mp.Retracted);
        if (mp.Deprecated) deprecated.set(mod, mp.Deprecated);
      }
      const notes: Annotations = { replaced, excluded: mg.excluded, retracted, deprecated };
      const std = mod === arg && isStandardImportPath(arg) && isStdPackage(arg);
      results.push({
        query: arg,
        ...(std ? { standardLibrary: true } : {}),
        ...whyModule(g, mod, notes, semver.compare),
      });
    }
    const found = results.every((r) => r.paths.length > 0);
    if (flags.values['json']) {
      ctx.json({ main: mg.main.path, results });
    } else {
      ctx.out(
        results
          .map((r) =>
            r.standardLibrary
              ? `${r.query}: a standard-library package, not a module (modrescue mod why ${r.query} shows who imports it)`
              : (r.query !== r.module ? `# ${r.query} (package of module ${r.module})\n` : '') + formatWhyModule(r),
          )
          .join('\n\n'),
      );
    }
    return found ? EXIT.OK : EXIT.FINDINGS;
  } catch (e) {
    ctx.err(`modrescue: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT.INCOMPLETE;
  } finally {
    await opened?.close();
  }
}
