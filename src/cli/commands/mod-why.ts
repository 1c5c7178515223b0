/** `modrescue mod why [-m] [-vendor] packages...`: go mod why, byte for byte. */
import path from 'node:path';
import type { CliContext } from '../context.js';
import { parseFlags } from '../flags.js';
import {
  Lister,
  loadAll,
  mainPackages,
  matchPattern,
  whyModules,
  whyPackages,
  type ModuleGraph,
} from '../../mod/modload/index.js';
import type { ModuleVersion } from '../../mod/mvs/index.js';
import { goError, isFatal, openModule, type Opened } from './list.js';

export const usage = `usage: modrescue mod why [-m] [-vendor] packages...

Show a shortest path in the import graph from the main module to each listed
package (with -m, to each module's closest package), as 'go mod why' does,
following standard-library imports too. By default the graph is that of
'go list all' including tests of every package in it; -vendor leaves out the
tests of dependencies. Module trees come from the module cache and are
downloaded through GOPROXY when missing ("go: downloading" lines, as the go
command prints them). GOTOOLCHAIN=go1.N selects the go release to reproduce.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(args, { m: { kind: 'bool' }, vendor: { kind: 'bool' } });
  const vendor = flags.values['vendor'] === true;
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
    opened = await openModule(ctx, { cmdName: 'mod why' });
    const { loader } = opened;
    const rs = await loader.loadModFile();
    for (const w of loader.loadWarnings) ctx.err(`modrescue: ${w}`);
    // go mod why always runs with -mod=mod (it defines no -mod flag, so GOFLAGS cannot
    // change that): missing go.sum lines never stop it, and nothing is written back.
    const o = opened;
    const moduleDir = async (m: ModuleVersion): Promise<string | undefined> => (await o.fetcher()).download(m);
    // As loadFromRoots: an unpruned graph is loaded (and its roots made consistent) up
    // front; a pruned one is read lazily, packages being looked up in the roots first.
    let mg;
    let graphError: Error | undefined;
    let listRS = rs;
    if (rs.pruning === 'unpruned') {
      const ex = await loader.expandGraph(rs);
      if (ex.err) throw ex.err;
      loader.requirements = listRS = ex.rs;
      mg = ex.mg;
    } else {
      const g = await loader.graph(rs);
      mg = g.mg;
      graphError = g.err;
    }
    const opts = { loadTests: !vendor, vendorAll: vendor, fatal: isFatal, ...(graphError ? { graphError } : {}) };
    let text: string;
    if (flags.values['m']) {
      const lister = new Lister({ loader, modcache: opened.modcache });
      const listed = await lister.list(listRS, flags.args, {});
      if (listed.err) throw listed.err;
      for (const w of listed.warnings) ctx.err(w);
      const pg = await loadAll(mg, moduleDir, opts);
      text = whyModules(
        pg,
        listed.modules.map((m) => m.Path),
        vendor,
      );
    } else {
      const pkgs = await expandPackagePatterns(ctx, mg, flags.args, moduleDir);
      const pg = await loadAll(mg, moduleDir, { ...opts, extraRoots: pkgs });
      text = whyPackages(pg, pkgs, vendor);
    }
    const sec = opened.securityError();
    if (sec !== undefined) {
      ctx.err(sec.replace(/\n$/, ''));
      return 1;
    }
    ctx.io.stdout.write(text);
    return 0;
  } catch (e) {
    return goError(ctx, e);
  } finally {
    await opened?.close();
  }
}

/**
 * expandPackagePatterns turns the arguments into package paths as LoadPackages matches
 * them: import paths stand for themselves; "./dir" paths name main-module packages;
 * "..." patterns match the packages of the main module(s) and of the build list's
 * modules whose paths could match (their trees are downloaded to be walked).
 */
async function expandPackagePatterns(
  ctx: CliContext,
  mg: ModuleGraph,
  args: readonly string[],
  moduleDir: (m: ModuleVersion) => Promise<string | undefined>,
): Promise<string[]> {
  const out: string[] = [];
  for (const arg of args) {
    let pattern = arg;
    if (arg === '.' || arg === '..' || arg.startsWith('./') || arg.startsWith('../')) {
      const abs = path.resolve(ctx.io.cwd, arg.replace(/\/\.\.\.$/, ''));
      const mm = mg.mains.find((x) => abs === x.root || abs.startsWith(x.root + path.sep));
      if (!mm) {
        out.push(arg);
        continue;
      }
      const rel = path.relative(mm.root, abs).split(path.sep).join('/');
      pattern = rel === '' ? mm.path : `${mm.path}/${rel}`;
      if (arg.endsWith('/...')) pattern += '/...';
      if (!pattern.includes('...')) {
        out.push(pattern);
        continue;
      }
    }
    if (!pattern.includes('...')) {
      out.push(pattern);
      continue;
    }
    const match = matchPattern(pattern);
    const prefix = pattern.slice(0, pattern.indexOf('...'));
    const treeCanMatch = (p: string) => p.startsWith(prefix) || prefix.startsWith(p + '/') || prefix === p;
    const found: string[] = [];
    for (const mm of mg.mains) {
      if (!treeCanMatch(mm.path)) continue;
      for (const p of await mainPackages(mm.root, mm.path)) if (match(p)) found.push(p);
    }
    for (const m of mg.buildList()) {
      if (m.version === '' || !treeCanMatch(m.path)) continue;
      const r = mg.replacements.replacement(m);
      let dir: string | undefined;
      try {
        dir = r && r.version === '' ? mg.replacements.dir(r) : await moduleDir(r ?? m);
      } catch {
        continue;
      }
      if (dir === undefined) continue;
      for (const p of await mainPackages(dir, m.path)) if (match(p)) found.push(p);
    }
    found.sort();
    out.push(...new Set(found));
  }
  return out;
}
