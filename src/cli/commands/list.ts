/**
 * `modrescue list -m [-json] [-u] [-versions] [-retracted] [-e] [args]`: go list -m.
 * Also exports openModule, the wiring the tracing commands share (Go environment →
 * GOPROXY client → go.mod source → Loader).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliContext } from '../context.js';
import { parseFlags, usageError } from '../flags.js';
import { resolveGoEnv } from '../goenv.js';
import { goEnvValue } from '../../shared/goenv.js';
import { CodedError } from '../../shared/errors.js';
import { createHttpClient } from '../../mod/web/index.js';
import { createGoproxyClient } from '../../mod/goproxy/index.js';
import {
  Loader,
  createCacheSource,
  createLayeredSource,
  createProxySource,
  formatModule,
  goJson,
  listModules,
  loadMainModule,
  parseGoMod,
} from '../../mod/modload/index.js';

export const usage = `usage: modrescue list -m [-e] [-json] [-u] [-versions] [-retracted] [modules]

List modules as 'go list -m' does: the main module, 'all' (the build list),
patterns with '...', module paths, or path@version queries. Output is identical
to the go command's; -json prints Go's ModulePublic records.`;

/** Opened is the loader and environment of one tracing command run. */
export interface Opened {
  readonly loader: Loader;
  readonly modcache: string;
  close(): Promise<void>;
}

/** goflagsMod returns the -mod value set in GOFLAGS, if any. */
function goflagsMod(goflags: string): string | undefined {
  let mod: string | undefined;
  for (const f of goflags.split(/\s+/)) {
    const m = /^--?mod=(.*)$/.exec(f);
    if (m) mod = m[1];
  }
  return mod;
}

/**
 * openModule resolves the Go environment, finds the main module from the working
 * directory and builds a Loader whose go.mod source is the module cache, then GOPROXY.
 * defaultMod is the -mod value the go command uses for this command when GOFLAGS does
 * not set one.
 */
export async function openModule(ctx: CliContext, defaultMod: 'mod' | 'readonly'): Promise<Opened> {
  const env = await resolveGoEnv({ env: ctx.io.env, cwd: ctx.io.cwd });
  const v = (n: string) => goEnvValue(env, n);
  const modcache = v('GOMODCACHE');
  const fetch = createHttpClient({ httpProxy: v('HTTP_PROXY'), httpsProxy: v('HTTPS_PROXY'), noProxy: v('NO_PROXY') });
  const client = createGoproxyClient({ fetch, proxy: v('GOPROXY'), noProxy: v('GONOPROXY') });
  const source = createLayeredSource(createCacheSource(modcache), createProxySource(client));
  const mod = goflagsMod(v('GOFLAGS')) ?? defaultMod;
  if (mod !== 'mod' && mod !== 'readonly' && mod !== 'vendor') {
    throw new CodedError('ERR_TRACE_BAD_MOD_FLAG', `-mod may only be set to readonly, vendor, or mod`, { exitCode: 1 });
  }
  const main = await loadMainModule(ctx.io.cwd, parseGoMod);
  const sums = new Set<string>();
  const gosum = await readFile(path.join(main.root, 'go.sum'), 'utf8').catch(() => '');
  for (const line of gosum.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length === 3) sums.add(`${f[0]}@${f[1]}`);
  }
  const loader = new Loader(main, {
    source,
    parseGoMod,
    buildMod: mod,
    haveSum: (m) => sums.has(`${m.path}@${m.version}`),
    cwd: ctx.io.cwd,
  });
  return { loader, modcache, close: () => fetch.close() };
}

/** goError reports e as the go command does (exit 1), with modrescue's prefix. */
export function goError(ctx: CliContext, e: unknown): number {
  if (e instanceof CodedError && e.code === 'ERR_CLI_USAGE') throw e;
  ctx.err(`modrescue: ${e instanceof Error ? e.message : String(e)}`);
  return 1;
}

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(args, {
    m: { kind: 'bool' },
    json: { kind: 'bool' },
    u: { kind: 'bool' },
    versions: { kind: 'bool' },
    retracted: { kind: 'bool' },
    e: { kind: 'bool' },
    mod: { kind: 'string' },
  });
  if (!flags.values['m']) throw usageError('list without -m is not supported: modrescue lists modules (use list -m)');
  let opened: Opened | undefined;
  try {
    try {
      opened = await openModule(ctx, 'readonly');
    } catch (e) {
      const pat = flags.args.find((a) => a === 'all' || a.includes('...'));
      if (e instanceof CodedError && e.code === 'ERR_MODLOAD_NO_MOD_ROOT' && pat !== undefined) {
        ctx.err(`modrescue: cannot match "${pat}": ${e.message}`);
        return 1;
      }
      throw e;
    }
    const { loader, modcache } = opened;
    const mode = {
      u: !!flags.values['u'],
      versions: !!flags.values['versions'],
      retracted: !!flags.values['retracted'],
    };
    const needGraph = flags.args.length > 0;
    if (needGraph) for (const w of loader.mainRoots().warnings) ctx.err(`modrescue: ${w}`);
    const mg = needGraph ? await loader.loadModGraph() : undefined;
    const res = await listModules({ loader, modcache }, flags.args, mode, mg);
    for (const w of res.warnings) ctx.err(w);
    if (!flags.values['e']) {
      const errs = res.modules.filter((m) => m.Error);
      if (errs.length > 0) {
        for (const m of errs) ctx.err(`modrescue: ${m.Error!.Err}`);
        return 1;
      }
    }
    for (const m of res.modules) ctx.out(flags.values['json'] ? goJson(m) : formatModule(m, mode.versions));
    return 0;
  } catch (e) {
    return goError(ctx, e);
  } finally {
    await opened?.close();
  }
}
