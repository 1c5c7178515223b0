/** `modrescue mod graph [-go=version]`: go mod graph, byte for byte. */
import type { CliContext } from '../context.js';
import { parseFlags } from '../flags.js';
import { goError, openModule, type Opened } from './list.js';

export const usage = `usage: modrescue mod graph [-go=version]

Print the module requirement graph (with replacements applied) in text form, as
'go mod graph' does: each line is a module and one of its requirements.
-go loads the graph as the given Go version would (pruned at 1.17 and above).`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(args, { go: { kind: 'string' }, x: { kind: 'bool' } });
  if (flags.args.length > 0) {
    ctx.err('modrescue: mod graph: unexpected arguments');
    return 1;
  }
  let opened: Opened | undefined;
  try {
    opened = await openModule(ctx, 'mod');
    for (const w of opened.loader.mainRoots().warnings) ctx.err(`modrescue: ${w}`);
    const mg = await opened.loader.loadModGraph(flags.values['go'] as string | undefined);
    const fmt = (m: { path: string; version: string }) => (m.version === '' ? m.path : `${m.path}@${m.version}`);
    const lines: string[] = [];
    mg.walkBreadthFirst((m) => {
      for (const r of mg.requiredBy(m) ?? []) lines.push(`${fmt(m)} ${fmt(r)}`);
    });
    if (lines.length > 0) ctx.io.stdout.write(lines.join('\n') + '\n');
    return 0;
  } catch (e) {
    return goError(ctx, e);
  } finally {
    await opened?.close();
  }
}
