/**
 * `modrescue mod download [-x] [-json] [modules]`: go mod download, byte for byte.
 * Also exports openSupply, the wiring that mod verify shares: Go environment → HTTP
 * client → GOPROXY client → checksum database → go.sum → Fetcher → modload Loader.
 */
import os from 'node:os';
import path from 'node:path';
import type { CliContext } from '../context.js';
import { parseFlags } from '../flags.js';
import { httpClientOptions, resolveGoEnv } from '../goenv.js';
import { goEnvValue } from '../../shared/goenv.js';
import { CodedError } from '../../shared/errors.js';
import { redact } from '../../shared/redact.js';
import { createHttpClient, type HttpClient } from '../../mod/web/index.js';
import { isRevisionQuery, type GoproxyClient } from '../../mod/goproxy/index.js';
import * as modcache from '../../mod/modcache/index.js';
import {
  createFetcherSource,
  isFatal,
  openFetchStack,
  type Fetcher,
  type GoSumState,
} from '../../mod/modfetch/index.js';
import {
  Lister,
  Loader,
  listModules,
  moduleInfo,
  loadMainModule,
  parseGoMod,
  goJson,
  type MainModule,
  type ModuleGraph,
  type ModulePublic,
} from '../../mod/modload/index.js';
import * as semver from '../../mod/semver/index.js';
import * as module from '../../mod/module/index.js';

export const usage = `usage: modrescue mod download [-x] [-json] [modules]

Download the named modules (module patterns selecting dependencies of the main
module, or module queries path@version) into the module cache, as
'go mod download' does: through the GOPROXY chain, checked against go.sum and the
checksum database. Without arguments: the modules the main module needs.
-json prints one JSON object per module (Path, Version, Query, Error, Info, GoMod,
Zip, Dir, Sum, GoModSum). -x is accepted (modrescue runs no commands).`;

/** Supply is one command run's module supply (see openSupply). */
export interface Supply {
  readonly fetcher: Fetcher;
  readonly client: GoproxyClient;
  readonly goSum: GoSumState;
  readonly modcache: string;
  /** The main module, when the working directory is inside one. */
  readonly main?: MainModule;
  /** A loader over the fetcher (present with main). */
  readonly loader?: Loader;
  /** The -mod value in force. */
  readonly buildMod: 'mod' | 'readonly' | 'vendor';
  /** A SECURITY ERROR from the checksum database, if one was raised. */
  securityError(): string | undefined;
  close(): Promise<void>;
}

/** goFlags returns the flags set in GOFLAGS as name → value ("" for booleans). */
export function goFlags(goflags: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const f of goflags.split(/\s+/).filter((w) => w !== '')) {
    const mm = /^--?([^=]+)(?:=(.*))?$/.exec(f);
    if (mm) m.set(mm[1]!, mm[2] ?? '');
  }
  return m;
}

const isTrue = (v: string | undefined) => v !== undefined && ['', '1', 't', 'T', 'true', 'TRUE', 'True'].includes(v);

export interface OpenSupplyOptions {
  /** The go command's subcommand ("mod download", "mod verify"): sets -mod's default and progress lines. */
  readonly cmdName: string;
  /** -modcacherw from the command line. */
  readonly modcacherw?: boolean;
  /** Receives the go command's stderr lines. */
  readonly onLog: (line: string) => void;
}

/**
 * openSupply resolves the Go environment and builds everything a plumbing command that
 * fetches needs. It throws CodedErrors with the go command's wording for unusable
 * settings (GOMODCACHE, GOPROXY, GOSUMDB).
 */
export async function openSupply(ctx: CliContext, options: OpenSupplyOptions): Promise<Supply> {
  const env = await resolveGoEnv({ env: ctx.io.env, cwd: ctx.io.cwd });
  const v = (n: string) => goEnvValue(env, n);
  const flags = goFlags(v('GOFLAGS'));
  const modcacheDir = v('GOMODCACHE');
  modcache.checkCacheDir(modcacheDir);
  // 'go mod download' and 'go mod verify' define no -mod flag, so GOFLAGS=-mod=… does not
  // apply to them: they always run as -mod=mod (modload's setDefaultBuildMod).
  const buildMod = 'mod' as 'mod' | 'readonly' | 'vendor';
  const fetch: HttpClient = createHttpClient(await httpClientOptions(env));
  const locker = modcache.createFileLocker();
  try {
    let main: MainModule | undefined;
    try {
      main = await loadMainModule(ctx.io.cwd, parseGoMod);
    } catch (e) {
      if (!(e instanceof CodedError && e.code === 'ERR_MODLOAD_NO_MOD_ROOT')) throw e;
    }
    const { client, goSum, fetcher, securityError } = openFetchStack({
      fetch,
      env: v,
      modcache: modcacheDir,
      locker,
      goSumFile: main ? path.join(main.root, 'go.sum') : '',
      cmdName: options.cmdName,
      ...(options.modcacherw || flags.has('modcacherw')
        ? { writable: options.modcacherw || isTrue(flags.get('modcacherw')) }
        : {}),
      onLog: options.onLog,
      ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
    });
    const loader = main
      ? new Loader(main, {
          source: createFetcherSource(fetcher),
          parseGoMod,
          buildMod,
          cwd: ctx.io.cwd,
          // -mod=readonly: a go.mod whose sum is missing cannot be read (the loader says so).
          haveSum: (m) => goSum.hasSumLoaded(m),
        })
      : undefined;
    await goSum.init();
    return {
      fetcher,
      client,
      goSum,
      modcache: modcacheDir,
      ...(main ? { main } : {}),
      ...(loader ? { loader } : {}),
      buildMod,
      securityError,
      async close() {
        await locker.close();
        await fetch.close();
      },
    };
  } catch (e) {
    await locker.close();
    await fetch.close();
    throw e;
  }
}

/** ModuleJSON is the go command's moduleJSON (field order = JSON order). */
interface ModuleJSON {
  Path?: string;
  Version?: string;
  Query?: string;
  Error?: string;
  Info?: string;
  GoMod?: string;
  Zip?: string;
  Dir?: string;
  Sum?: string;
  GoModSum?: string;
}

const JSON_ORDER: Array<keyof ModuleJSON> = [
  'Path',
  'Version',
  'Query',
  'Error',
  'Info',
  'GoMod',
  'Zip',
  'Dir',
  'Sum',
  'GoModSum',
];

function ordered(m: ModuleJSON): ModuleJSON {
  const o: ModuleJSON = {};
  for (const k of JSON_ORDER) if (m[k] !== undefined && m[k] !== '') o[k] = m[k];
  return o;
}

/** modinfoError words a query failure as the go command's modinfoError. */
function modinfoError(p: string, vers: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (e instanceof CodedError && e.code === 'ERR_GOPROXY_NO_MATCH') return `module ${p}: ${msg}`;
  if (msg.startsWith(`${p}@`) || msg.startsWith(`module ${p}:`)) return msg;
  return vers === '' ? `module ${p}: ${msg}` : `${p}@${vers}: ${msg}`;
}

/** RESOLVE_PARALLEL bounds concurrent argument resolutions (each may be a proxy request). */
const RESOLVE_PARALLEL = 32;

/** mapLimit maps items through f with at most limit calls in flight, keeping the order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, f: (x: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await f(items[i]!);
      }
    }),
  );
  return out;
}

/** FatalExit carries a go command base.Fatalf: the message is printed as is, exit 1. */
class FatalExit extends Error {}

/** downloadOne fills m as the go command's downloadModule does. */
async function downloadOne(fetcher: Fetcher, m: ModuleJSON): Promise<void> {
  const p = m.Path!;
  const version = m.Version!;
  try {
    m.Info = (await fetcher.infoFile(p, version)).file;
    m.GoMod = await fetcher.goModFile(p, version);
    m.GoModSum = await fetcher.goModSum(p, version);
    const mv = { path: p, version };
    m.Zip = await fetcher.downloadZip(mv);
    m.Sum = await fetcher.sum(mv);
    m.Dir = await fetcher.download(mv);
  } catch (e) {
    if (isFatal(e)) throw new FatalExit((e as Error).message);
    m.Error = (e as Error).message;
  }
}

/** keepKeys computes the go command's keepSums for a graph (or its roots when none was loaded). */
function keepKeys(supply: Supply, mg: ModuleGraph | undefined): Set<string> {
  const keep = new Set<string>();
  const loader = supply.loader;
  if (!loader) return keep;
  const add = (m: { path: string; version: string }, goModOnly: boolean) => {
    const r = loader.resolveReplacement(m);
    if (r.version === '') return;
    keep.add(`${r.path} ${r.version}/go.mod`);
    if (!goModOnly) keep.add(`${r.path} ${r.version}`);
  };
  if (!mg) {
    for (const m of loader.mainRoots().roots) add(m, false);
    return keep;
  }
  mg.walkBreadthFirst((m) => {
    if (m.version !== '' && mg.requiredBy(m) !== undefined) add(m, true);
  });
  for (const m of mg.buildList()) if (m.version !== '') add(m, false);
  return keep;
}

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(args, {
    json: { kind: 'bool' },
    x: { kind: 'bool' },
    reuse: { kind: 'string' },
    modcacherw: { kind: 'bool' },
  });
  const log = (line: string) => ctx.err(line.startsWith('go: ') ? 'modrescue: ' + line.slice(4) : line);
  let supply: Supply | undefined;
  let status = 0;
  try {
    supply = await openSupply(ctx, {
      cmdName: 'mod download',
      modcacherw: flags.values['modcacherw'] === true,
      onLog: log,
    });
    const s = supply;
    let argv = [...flags.args];
    const haveExplicitArgs = argv.length > 0;
    let mg: ModuleGraph | undefined;
    if (s.main && s.loader) {
      if (flags.values['reuse'] !== undefined) {
        ctx.err('modrescue: go mod download -reuse cannot be used inside a module');
        return 1;
      }
      if (haveExplicitArgs) {
        for (const arg of argv) {
          if (arg === s.main.path || arg === `${s.main.path}@upgrade` || arg === `${s.main.path}@patch`) {
            ctx.err(`modrescue: skipping download of ${arg} that resolves to the main module`);
          }
        }
      } else if (s.main.rawGoVersion === '' || semver.compare('v' + s.main.rawGoVersion, 'v1.17') < 0) {
        if (s.main.file.require.length > 0) argv = ['all'];
      } else {
        // go 1.17+: the direct requirements, after loading the whole graph (so that
        // 'go list all' and 'go mod graph' work offline afterwards).
        try {
          mg = await s.loader.loadModGraph();
        } catch (e) {
          if (isFatal(e)) throw new FatalExit((e as Error).message);
        }
        argv = s.main.file.require.map((r) => r.mod.path);
      }
    } else if (flags.values['reuse'] !== undefined) {
      ctx.err('modrescue: -reuse is not supported by modrescue');
      return 1;
    }
    if (argv.length === 0) {
      if (s.main) {
        ctx.err('modrescue: no module dependencies to download');
        return 0;
      }
      ctx.err("modrescue: no modules specified (see 'go help mod download')");
      return 1;
    }

    // ListModules: resolve every argument to module versions.
    const mods: ModuleJSON[] = [];
    // listModules loads the full graph only when an argument needs it (as the go command).
    const rootSelected = new Map<string, string>();
    for (const r of s.loader?.mainRoots().roots ?? []) rootSelected.set(r.path, r.version);
    const unpruned =
      s.main !== undefined && (s.main.rawGoVersion === '' || semver.compare('v' + s.main.rawGoVersion, 'v1.17') < 0);
    const needGraph = argv.some((a) => {
      if (a === 'all' || a.includes('...')) return true;
      const at = a.indexOf('@');
      if (at < 0) return !rootSelected.has(a) || unpruned;
      const vers = a.slice(at + 1);
      return (vers === 'upgrade' || vers === 'patch') && (!rootSelected.has(a.slice(0, at)) || unpruned);
    });
    if (needGraph && !s.loader) {
      const pat = argv.find((a) => !a.includes('@'))!;
      throw new CodedError(
        'ERR_MODFETCH_NO_MAIN_MODULE',
        `cannot match "${pat}": go.mod file not found in current directory or any parent directory; see 'go help modules'`,
        {},
      );
    }
    if (needGraph && !mg) mg = await s.loader!.loadModGraph();
    // Queries skip excluded and retracted versions (CheckAllowed), except revision queries.
    const lister = s.loader ? new Lister({ loader: s.loader, modcache: s.modcache }) : undefined;
    /** resolve is one argument's part of ListModules (path@query, a path, or a pattern). */
    const resolve = async (arg: string): Promise<{ mods: ModuleJSON[]; warnings: string[] }> => {
      const at = arg.indexOf('@');
      if (at >= 0) {
        const p = arg.slice(0, at);
        const vers = arg.slice(at + 1);
        if (s.main && p === s.main.path) return { mods: [], warnings: [] };
        const current = mg ? mg.selected(p) : (rootSelected.get(p) ?? 'none');
        try {
          // A version names itself: the cached .info answers first (cachingRepo.Stat), so
          // a full cache works with GOPROXY=off; other queries need the version list.
          const exact = semver.isValid(vers) && module.canonicalVersion(vers) === vers;
          const info = exact
            ? await s.fetcher.stat(p, vers)
            : lister && !isRevisionQuery(vers)
              ? await lister.query(p, vers, current, true)
              : await s.client.query(p, vers, { current });
          // The query's .info is cached as the go command's cachingRepo.Stat does.
          const resolved = exact ? info : await s.fetcher.stat(p, info.version);
          return {
            mods: [{ Path: p, Version: resolved.version, ...(vers !== resolved.version ? { Query: vers } : {}) }],
            warnings: [],
          };
        } catch (e) {
          if (isFatal(e)) throw new FatalExit((e as Error).message);
          return { mods: [{ Path: p, Version: vers, Error: modinfoError(p, vers, e) }], warnings: [] };
        }
      }
      const lc = { loader: s.loader!, modcache: s.modcache };
      const res = mg
        ? await listModules(lc, [arg], {}, mg)
        : { warnings: [], modules: [await moduleInfo(lc, undefined, { path: arg, version: rootSelected.get(arg)! })] };
      const out: ModuleJSON[] = [];
      for (const mp of res.modules as ModulePublic[]) {
        const info = mp.Replace ?? mp;
        if (!info.Version && !info.Error) continue;
        out.push({
          Path: info.Path,
          ...(info.Version ? { Version: info.Version } : {}),
          ...(info.Query ? { Query: info.Query } : {}),
          ...(info.Error ? { Error: info.Error.Err } : {}),
          ...(arg === 'all' || arg.includes('...') ? { pattern: true } : {}),
        } as ModuleJSON);
      }
      return { mods: out, warnings: res.warnings };
    };
    const resolved = await mapLimit(argv, RESOLVE_PARALLEL, resolve);
    const seen = new Set<string>();
    for (const r of resolved) {
      for (const w of r.warnings) ctx.err(w);
      for (const m of r.mods as Array<ModuleJSON & { pattern?: boolean }>) {
        // A module matched by several patterns is listed once (ListModules' matchedModule).
        const k = `${m.Path}@${m.Version ?? ''}`;
        if (m.pattern) {
          delete m.pattern;
          if (seen.has(k)) continue;
          seen.add(k);
        }
        mods.push(m);
      }
    }
    if (!haveExplicitArgs) {
      // As the go command: sums found while loading the graph are saved before downloading.
      await s.goSum.write(keepKeys(s, mg), s.buildMod === 'readonly');
    }

    // Download, a bounded number at a time (the go command uses GOMAXPROCS).
    const todo = mods.filter((m) => !m.Error);
    let next = 0;
    const bound = Math.max(4, os.availableParallelism() * 4);
    await Promise.all(
      Array.from({ length: Math.min(bound, todo.length) }, async () => {
        while (next < todo.length) await downloadOne(s.fetcher, todo[next++]!);
      }),
    );
    const sec = s.securityError();
    if (sec !== undefined) throw new FatalExit(sec);

    if (flags.values['json']) {
      const out: string[] = [];
      for (const m of mods) {
        out.push(redact(goJson(ordered(m))) + '\n');
        if (m.Error) status = 1;
      }
      ctx.io.stdout.write(out.join(''));
    } else {
      for (const m of mods) {
        if (m.Error) {
          ctx.err(`modrescue: ${m.Error.replace(/\n$/, '')}`);
          status = 1;
        }
      }
      if (status !== 0) return status;
    }
    if (haveExplicitArgs) {
      try {
        await s.goSum.write(keepKeys(s, mg), s.buildMod === 'readonly');
      } catch (e) {
        ctx.err(`modrescue: ${(e as Error).message.replace(/\n$/, '')}`);
        status = 1;
      }
    }
    return status;
  } catch (e) {
    if (e instanceof FatalExit) {
      ctx.err(e.message.replace(/\n$/, ''));
      return 1;
    }
    if (e instanceof CodedError && e.code === 'ERR_CLI_USAGE') throw e;
    // log.Printf adds a newline only when the message has none.
    ctx.err(`modrescue: ${(e instanceof Error ? e.message : String(e)).replace(/\n$/, '')}`);
    return 1;
  } finally {
    await supply?.close();
  }
}
