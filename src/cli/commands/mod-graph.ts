/** `modrescue mod graph [-go=version] [-x]`: go mod graph, byte for byte. */
import type { CliContext } from '../context.js';
import { parseFlags } from '../flags.js';
import { GO_VERSION_RE } from '../../mod/modfile/index.js';
import * as gover from '../../mod/gover/index.js';
import { goError, openModule, type Opened } from './list.js';
import { releaseFromGotoolchain } from '../../mod/modload/index.js';
import { resolveGoEnv } from '../goenv.js';
import { goEnvValue } from '../../shared/goenv.js';

export const usage = `usage: modrescue mod graph [-go=version] [-x]

Print the module requirement graph (with replacements applied) in text form, as
'go mod graph' does: each line is a module and one of its requirements.
-go loads the graph as the given Go version would (pruned at 1.17 and above);
-x prints the HTTP requests made. GOTOOLCHAIN=go1.N selects the go release whose
behaviour to reproduce.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const env = await resolveGoEnv({ env: ctx.io.env, cwd: ctx.io.cwd });
  const release = releaseFromGotoolchain(goEnvValue(env, 'GOTOOLCHAIN'));
  // Go 1.19's go mod graph has no -x flag; later releases print web requests with it.
  const hasX = release.modernErrors;
  const goUsage = `usage: go mod graph [-go=version]${hasX ? ' [-x]' : ''}\nRun 'go help mod graph' for details.`;
  let flags;
  try {
    flags = parseFlags(args, { go: { kind: 'string' }, ...(hasX ? { x: { kind: 'bool' as const } } : {}) });
  } catch (e) {
    ctx.err(`${(e as Error).message}\n${goUsage}`);
    return 2;
  }
  const goFlag = flags.values['go'] as string | undefined;
  if (goFlag !== undefined && goFlag !== '') {
    // goVersionFlag.Set: a Go version this release knows.
    const latest = hasX ? `${release.version}.0` : release.version;
    const why = !GO_VERSION_RE.test(goFlag)
      ? `expecting a Go version like "${latest}"`
      : gover.compare(goFlag, latest) > 0
        ? `maximum supported Go version is ${latest}`
        : undefined;
    if (why !== undefined) {
      ctx.err(`invalid value "${goFlag}" for flag -go: ${why}\n${goUsage}`);
      return 2;
    }
  }
  if (flags.args.length > 0) {
    ctx.err("modrescue: 'go mod graph' accepts no arguments");
    return 1;
  }
  let opened: Opened | undefined;
  try {
    opened = await openModule(ctx, { cmdName: 'mod graph', trace: flags.values['x'] === true });
    await opened.loader.loadModFile();
    for (const w of opened.loader.loadWarnings) ctx.err(`modrescue: ${w}`);
    const mg = await opened.loader.loadModGraph(goFlag);
    const fmt = (m: { path: string; version: string }) => (m.version === '' ? m.path : `${m.path}@${m.version}`);
    const lines: string[] = [];
    mg.walkBreadthFirst((m) => {
      const from = fmt(m);
      for (const r of mg.requiredBy(m) ?? []) lines.push(`${from} ${fmt(r)}\n`);
    });
    ctx.io.stdout.write(lines.join(''));
    return 0;
  } catch (e) {
    return goError(ctx, e);
  } finally {
    await opened?.close();
  }
}
