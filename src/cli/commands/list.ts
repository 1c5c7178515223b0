/**
 * `modrescue list -m [-e] [-f format] [-json] [-u] [-versions] [-retracted] [-mod=mode]
 * [-modfile=file] [args]`: go list -m, byte for byte.
 *
 * Also exports openModule, the wiring the tracing commands share: the resolved Go
 * environment (GOTOOLCHAIN names the go command release to reproduce), the HTTP client
 * (proxies, .netrc, extra CAs, GOAUTH), the GOPROXY client, the checksum database,
 * go.sum, the module fetcher (module cache first, downloads logged as the go command
 * logs them), the main module or the go.work workspace, and the module loader.
 */
import { hash as cryptoHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CliContext } from '../context.js';
import { parseFlags, usageError } from '../flags.js';
import { httpClientOptions, resolveGoEnv, type GoEnv } from '../goenv.js';
import { goEnvValue } from '../../shared/goenv.js';
import { CodedError } from '../../shared/errors.js';
import { redact, redactUrl } from '../../shared/redact.js';
import type { HttpClient } from '../../mod/web/index.js';
import type { GoproxyClient } from '../../mod/goproxy/index.js';
import type { FileLocker } from '../../mod/modcache/index.js';
import type { Fetcher, GoSumState } from '../../mod/modfetch/index.js';
import { readGoSum } from '../../mod/gosum/index.js';
import type { ModuleVersion } from '../../mod/mvs/index.js';
// The tracing commands import the modload files they use (not its index), and the
// fetcher, proxy client, checksum database and module cache packages lazily: a warm
// run never loads them.
import {
  Loader,
  NO_MOD_ROOT,
  findModuleRoot,
  readMainModule,
  type MainModule,
  type Workspace,
} from '../../mod/modload/load.js';
import { Lister, formatModule, goJson, orderKeys, type ModulePublic } from '../../mod/modload/list.js';
import { commitRequirements } from '../../mod/modload/commit.js';
import { executeTemplate, parseTemplate } from '../../mod/modload/template.js';
import { loadWorkspace } from '../../mod/modload/workspace.js';
import { parseGoMod } from '../../mod/modload/modfile.js';
import { releaseFromGotoolchain, type GoRelease } from '../../mod/modload/release.js';
import { cachePath } from '../../mod/modload/source.js';
import type { ModFileSource, VersionInfo } from '../../mod/modload/types.js';

/**
 * FATAL_CODES are modfetch.FATAL_CODES (a go.sum checksum mismatch, an unusable
 * .ziphash): errors that end the go command at once, printed as they are. Kept here so
 * that reporting an error does not load the fetcher (a test checks they agree).
 */
export const FATAL_CODES: ReadonlySet<string> = new Set(['ERR_GOSUM_MISMATCH', 'ERR_MODFETCH_VERIFY']);

/** isFatal reports whether e is one of FATAL_CODES. */
export function isFatal(e: unknown): boolean {
  return e instanceof CodedError && FATAL_CODES.has(e.code);
}

export const usage = `usage: modrescue list -m [-e] [-f format] [-json] [-u] [-versions] [-retracted] [-mod=mode] [-modfile=file] [modules]

List modules as 'go list -m' does: the main module, 'all' (the build list),
patterns with '...', module paths, or path@version queries. Output is identical
to the go command's; -json prints Go's ModulePublic records and -f formats each
with a Go template. GOTOOLCHAIN=go1.N selects the go release whose behaviour to
reproduce (default: the newest release modrescue knows).`;

/** Opened is the loader and environment of one tracing command run. */
export interface Opened {
  readonly loader: Loader;
  readonly modcache: string;
  readonly release: GoRelease;
  readonly env: GoEnv;
  /** fetcher returns the module fetcher (built, with the GOPROXY client and go.sum, on first use). */
  fetcher(): Promise<Fetcher>;
  /** goSum returns the run's go.sum state (read on first use). */
  goSum(): Promise<GoSumState>;
  /** goSumIfLoaded returns the go.sum state if the run has built it (no sum can have been added otherwise). */
  goSumIfLoaded(): Promise<GoSumState | undefined>;
  /** The go.mod path written by commits (-modfile's file when given). */
  readonly goModPath: string;
  /** A SECURITY ERROR from the checksum database, if one was raised. */
  securityError(): string | undefined;
  /** noModule: there is no go.mod (allowNoModule's stand-in main module is in use). */
  readonly noModule: boolean;
  close(): Promise<void>;
}

/** OpenOptions say which go subcommand is being reproduced and what its flags set. */
export interface OpenOptions {
  /** The go subcommand ("list", "mod graph", "mod why", …): -mod defaults and messages depend on it. */
  readonly cmdName: string;
  /** -mod from the command line. */
  readonly mod?: string;
  /** -modfile from the command line. */
  readonly modfile?: string;
  /** -x: print the HTTP requests made (# get URL). */
  readonly trace?: boolean;
  /**
   * allowNoModule: outside a module, run with the go command's stand-in main module
   * "command-line-arguments" (no requirements) instead of failing; `go list -m` answers
   * queries (path@version, -versions) there.
   */
  readonly allowNoModule?: boolean;
  /** Receives the go command's stderr lines (already with modrescue's prefix). */
  readonly onLog?: (line: string) => void;
}

/** goFlag returns the last value of flag name set in GOFLAGS ("" for a bare boolean), or undefined. */
function goFlag(goflags: string, name: string): string | undefined {
  let v: string | undefined;
  for (const f of goflags.split(/\s+/)) {
    const m = /^--?([^=]+)(?:=(.*))?$/.exec(f);
    if (m && m[1] === name) v = m[2] ?? '';
  }
  return v;
}

/** prefixed turns a go command stderr line into modrescue's ("go: " becomes "modrescue: "). */
export function prefixed(line: string): string {
  return line.startsWith('go: ') ? 'modrescue: ' + line.slice(4) : line;
}

/**
 * traceFetch wraps an HTTP client so that every request is logged as the go command's
 * -x logs web requests ("# get URL" and "# get URL: 200 OK (0.012s)"), URLs redacted.
 */
function traceFetch(inner: HttpClient, log: (line: string) => void): HttpClient {
  const wrapped = (async (input: Parameters<HttpClient>[0], init?: Parameters<HttpClient>[1]) => {
    const url = redactUrl(input);
    log(`# get ${url}`);
    const start = performance.now();
    const secs = () => ((performance.now() - start) / 1000).toFixed(3);
    try {
      const res = await inner(input, init);
      log(`# get ${url}: ${res.status} ${res.statusText || httpStatusText(res.status)} (${secs()}s)`);
      return res;
    } catch (e) {
      log(`# get ${url}: ${(e as Error).message} (${secs()}s)`);
      throw e;
    }
  }) as HttpClient;
  return Object.assign(wrapped, { close: () => inner.close() });
}

function httpStatusText(status: number): string {
  const t: Record<number, string> = { 200: 'OK', 404: 'Not Found', 410: 'Gone', 500: 'Internal Server Error' };
  return t[status] ?? '';
}

/**
 * openModule resolves the Go environment, finds the main module (or the go.work
 * workspace) from the working directory, and builds a Loader whose go.mod source is the
 * module fetcher (module cache first, then GOPROXY, every go.mod checked against go.sum
 * and the checksum database). It throws the go command's errors (no go.mod,
 * malformed go.mod or go.work, bad -mod) as CodedErrors.
 *
 * What a warm run does not need is built on first use: the fetcher, the GOPROXY client,
 * the checksum database and the HTTP client (with their modules). go.mod files and .info
 * documents that the module cache holds, whose go.sum lines are already there and
 * match, are read directly (see diskFirst).
 */
export async function openModule(ctx: CliContext, options: OpenOptions): Promise<Opened> {
  const env = await resolveGoEnv({ env: ctx.io.env, cwd: ctx.io.cwd });
  const v = (n: string) => goEnvValue(env, n);
  const release = releaseFromGotoolchain(v('GOTOOLCHAIN'));
  if (v('GO111MODULE') === 'off') {
    throw new CodedError(
      'ERR_TRACE_MODULES_OFF',
      options.cmdName === 'list'
        ? 'list -m cannot be used with GO111MODULE=off'
        : "modules disabled by GO111MODULE=off; see 'go help modules'",
      {},
    );
  }
  const log = options.onLog ?? ((line: string) => ctx.err(prefixed(line)));
  const goflags = v('GOFLAGS');
  // GOFLAGS sets only flags the subcommand defines: go mod graph, why, download and
  // verify have no -mod flag (base.AddModCommonFlags adds -modcacherw and -modfile).
  const definesMod = options.cmdName === 'list';
  let mod = options.mod ?? (definesMod ? goFlag(goflags, 'mod') : undefined);
  const explicit = mod !== undefined && mod !== '';
  if (explicit && mod !== 'mod' && mod !== 'readonly' && mod !== 'vendor') {
    throw new CodedError('ERR_TRACE_BAD_MOD_FLAG', `-mod may only be set to readonly, vendor, or mod`, { exitCode: 1 });
  }
  const modfileFlag = options.modfile ?? goFlag(goflags, 'modfile');

  // The main module(s): go.work when GOWORK names one, else the nearest go.mod.
  let workspace: Workspace | undefined;
  let main: MainModule;
  const gowork = v('GOWORK');
  if (gowork !== '' && gowork !== 'off' && modfileFlag === undefined) {
    workspace = await loadWorkspace(gowork, parseGoMod, release);
    if (workspace.mains.length === 0) {
      throw new CodedError(
        'ERR_TRACE_EMPTY_WORKSPACE',
        "no modules were found in the current workspace; see 'go help work'",
        {},
      );
    }
    main = workspace.mains[0]!;
  } else {
    const root = await findModuleRoot(ctx.io.cwd);
    if (root === undefined && !options.allowNoModule) {
      throw new CodedError('ERR_MODLOAD_NO_MOD_ROOT', NO_MOD_ROOT, { dir: ctx.io.cwd });
    }
    if (root === undefined) {
      // The go command's stand-in main module outside a module (modload.LoadModFile).
      const goVersion = release.toolchainModules ? `${release.version}.0` : release.version;
      main = {
        path: 'command-line-arguments',
        root: '',
        goModPath: '',
        data: new Uint8Array(),
        file: { require: [], exclude: [], replace: [], retract: [], go: goVersion },
        goVersion,
        rawGoVersion: goVersion,
      };
    } else if (modfileFlag === undefined) {
      main = await readMainModule(root, parseGoMod, release);
    } else {
      // -modfile names the go.mod to use; a go.mod must still mark the module root.
      const file = path.resolve(ctx.io.cwd, modfileFlag);
      const data = new Uint8Array(await readFile(file));
      const parsed = parseGoMod(file, data, false);
      if (!parsed.module) {
        throw new CodedError(
          'ERR_MODLOAD_NO_MODULE_PATH',
          'no module declaration in go.mod. To specify the module path:\n\tgo mod edit -module=example.com/mod',
          { goModPath: file },
        );
      }
      main = {
        path: parsed.module.path,
        root,
        goModPath: file,
        data,
        file: parsed,
        goVersion: parsed.go ?? '1.16',
        rawGoVersion: parsed.go ?? '',
      };
    }
  }

  // -mod's default (modload.setDefaultBuildMod).
  let reason = '';
  if (!explicit) {
    const cmd = options.cmdName;
    if (cmd === 'mod graph' || cmd === 'mod why' || cmd === 'mod verify' || cmd === 'mod download') mod = 'mod';
    else if (workspace) mod = 'readonly';
    else {
      mod = 'readonly';
      const vendorDir = path.join(main.root, 'vendor');
      if (existsSync(vendorDir) && statSync(vendorDir).isDirectory()) {
        if (main.rawGoVersion !== '' && semverAtLeast(main.rawGoVersion, '1.14')) {
          mod = 'vendor';
          reason = 'Go version in go.mod is at least 1.14 and vendor directory exists.';
        } else {
          reason = `Go version in go.mod is ${main.rawGoVersion || 'unspecified'}, so vendor directory was not used.`;
        }
      }
    }
  } else if (workspace && mod !== 'readonly') {
    throw new CodedError(
      'ERR_TRACE_WORKSPACE_MOD',
      `-mod may only be set to readonly when in workspace mode, but it is set to "${mod}"\n\tRemove the -mod flag to use the default readonly value,\n\tor set GOWORK=off to disable workspace mode.`,
      {},
    );
  }
  const buildMod = mod as 'mod' | 'readonly' | 'vendor';

  const modcacheDir = v('GOMODCACHE');
  const goSumFile = workspace
    ? workspace.path + '.sum'
    : main.goModPath === ''
      ? ''
      : main.goModPath.endsWith('.mod')
        ? main.goModPath.slice(0, -'.mod'.length) + '.sum'
        : main.goModPath + '.sum';
  // The go.sum lines as the run starts: what haveSum and the disk-first reads trust.
  const sums = new Map<string, string[]>();
  if (!workspace && goSumFile !== '') {
    const data = await readFile(goSumFile).catch(() => undefined);
    if (data) {
      for (const l of readGoSum(goSumFile, data).sum.entries()) {
        const k = `${l.path} ${l.version}`;
        const list = sums.get(k) ?? [];
        list.push(l.hash);
        sums.set(k, list);
      }
    }
  }
  const haveSum = (m: { path: string; version: string }) =>
    (sums.get(`${m.path} ${m.version}`) ?? []).some((h) => h.startsWith('h1:'));

  // Lazily built: the HTTP client, GOPROXY client, checksum database, go.sum state and fetcher.
  let fetch: HttpClient | undefined;
  let stackSecurity: () => string | undefined = () => undefined;
  let supply: Promise<Supply> | undefined;
  const getSupply = (): Promise<Supply> =>
    (supply ??= (async () => {
      const [modcache, modfetch] = await Promise.all([
        import('../../mod/modcache/index.js'),
        import('../../mod/modfetch/index.js'),
      ]);
      modcache.checkCacheDir(modcacheDir);
      fetch = lazyHttpClient(env);
      if (options.trace) fetch = traceFetch(fetch, (line) => ctx.err(line));
      const locker = modcache.createFileLocker();
      const stack = modfetch.openFetchStack({
        fetch,
        env: v,
        modcache: modcacheDir,
        locker,
        goSumFile,
        goSumLocker: readOnlyWhenMissing(locker, goSumFile),
        cmdName: options.cmdName,
        onLog: log,
        ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
      });
      stackSecurity = stack.securityError;
      const { fetcher, client, goSum } = stack;
      await goSum.init();
      return { fetcher, client, goSum, locker, base: modfetch.createFetcherSource(fetcher) };
    })());

  const disk = diskFirst(modcacheDir, workspace ? undefined : sums);
  const source: ModFileSource = {
    goModCached: disk.goMod,
    infoCached: disk.info,
    goMod: async (m) => disk.goMod(m) ?? (await getSupply()).base.goMod(m),
    info: async (m) => disk.info(m) ?? (await getSupply()).base.info!(m),
    versions: async (p) => (await getSupply()).client.versions(p),
    latest: async (p) => {
      const i = await (await getSupply()).client.latest(p);
      return { version: i.version, time: i.time };
    },
    query: async (p, q, o) => {
      const info = await (
        await getSupply()
      ).client.query(p, q, { current: o.current, ...(o.allowed ? { allowed: o.allowed } : {}) });
      return { version: info.version, time: info.time };
    },
  };
  const loader = new Loader(main, {
    source,
    parseGoMod,
    buildMod,
    buildModExplicit: explicit,
    buildModReason: reason,
    haveSum,
    cwd: ctx.io.cwd,
    release: release.version,
    cmdName: options.cmdName,
    isFatal,
    ...(workspace ? { workspace } : {}),
  });
  return {
    loader,
    modcache: modcacheDir,
    release,
    env,
    fetcher: async () => (await getSupply()).fetcher,
    goSum: async () => (await getSupply()).goSum,
    goSumIfLoaded: async () => (supply ? (await supply).goSum : undefined),
    goModPath: main.goModPath,
    securityError: () => stackSecurity(),
    noModule: main.root === '',
    async close() {
      if (supply) {
        const s = await supply.catch(() => undefined);
        await s?.locker.close();
      }
      await fetch?.close();
    },
  };
}

/** Supply is what the lazily built part of openModule holds. */
interface Supply {
  readonly fetcher: Fetcher;
  readonly client: GoproxyClient;
  readonly goSum: GoSumState;
  readonly locker: FileLocker;
  readonly base: ModFileSource;
}

/**
 * lazyHttpClient returns an HTTP client that loads and builds the real one (undici,
 * certificates, .netrc) on its first request: a run served by the module cache or a
 * file:// proxy never pays for it.
 */
function lazyHttpClient(env: GoEnv): HttpClient {
  let inner: Promise<HttpClient> | undefined;
  const get = () =>
    (inner ??= (async () => {
      const { createHttpClient } = await import('../../mod/web/index.js');
      return createHttpClient(await httpClientOptions(env));
    })());
  const f = (async (url: string, init?: Parameters<HttpClient>[1]) => (await get())(url, init)) as HttpClient;
  return Object.assign(f, { close: async () => (inner ? (await inner).close() : undefined) });
}

/**
 * diskFirst answers, synchronously, the go.mod and .info reads that the module cache
 * can serve exactly as the fetcher would: a cached go.mod whose go.sum line is present
 * and matches (the go command then consults nothing else), a cached .info in its
 * canonical form. Thousands of small files are read this way far faster than through
 * the fetcher's promises. Everything else (not cached, a go.sum line missing or
 * different, an old vgo go.mod, a stale .info, a workspace's several go.sum files)
 * yields undefined, and the fetcher answers.
 */
function diskFirst(
  modcacheDir: string,
  sums: ReadonlyMap<string, readonly string[]> | undefined,
): { goMod(m: ModuleVersion): Uint8Array | undefined; info(m: ModuleVersion): VersionInfo | undefined } {
  const usable = modcacheDir !== '' && path.isAbsolute(modcacheDir);
  // One buffer serves every read (open, read, close: no fstat); results are copied out.
  let buf = Buffer.allocUnsafe(64 * 1024);
  const read = (m: ModuleVersion, ext: 'mod' | 'info'): Uint8Array | undefined => {
    if (!usable) return undefined;
    let fd: number;
    try {
      fd = openSync(cachePath(modcacheDir, m, ext), 'r');
    } catch {
      return undefined;
    }
    try {
      let n = 0;
      for (;;) {
        if (n === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger);
          buf = bigger;
        }
        const k = readSync(fd, buf, n, buf.length - n, null);
        if (k === 0) break;
        n += k;
      }
      return Uint8Array.prototype.slice.call(buf, 0, n);
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  };
  return {
    goMod(m) {
      if (!sums) return undefined;
      const want = sums.get(`${m.path} ${m.version}/go.mod`);
      if (!want) return undefined;
      const data = read(m, 'mod');
      if (!data || Buffer.from(data.subarray(0, 10)).toString('latin1') === '//vgo 0.0.') return undefined;
      return want.includes(goModHash(data)) ? data : undefined;
    },
    info(m) {
      const data = read(m, 'info');
      if (!data) return undefined;
      let j: unknown;
      try {
        j = JSON.parse(Buffer.from(data).toString('utf8'));
      } catch {
        return undefined;
      }
      const o = j as { Version?: unknown; Time?: unknown };
      if (typeof o !== 'object' || o === null || typeof o.Version !== 'string' || typeof o.Time !== 'string') {
        return undefined;
      }
      // Only the canonical form the go command writes ({"Version":…,"Time":…}) is taken as is.
      if (
        Object.keys(o).length !== 2 ||
        JSON.stringify({ Version: o.Version, Time: o.Time }) !== Buffer.from(data).toString('utf8')
      ) {
        return undefined;
      }
      return { version: o.Version, time: o.Time };
    },
  };
}

/** goModHash is dirhash.hashGoMod (Hash1 of a tree holding only go.mod) with one-shot hashing. */
function goModHash(data: Uint8Array): string {
  const hex = cryptoHash('sha256', data, 'hex');
  return 'h1:' + cryptoHash('sha256', `${hex}  go.mod\n`, 'base64');
}

/**
 * readOnlyWhenMissing wraps a FileLocker so that a shared (read) lock on file does not
 * create it when it does not exist: the go command reads go.sum with lockedfile.Read,
 * which never creates the file, and only a write may bring a go.sum into existence.
 */
function readOnlyWhenMissing(locker: FileLocker, file: string): FileLocker {
  return {
    kind: locker.kind,
    ...(locker.degraded !== undefined ? { degraded: locker.degraded } : {}),
    lock: (p, mode, signal) =>
      mode === 'shared' && p === file && !existsSync(p)
        ? Promise.resolve(async () => {})
        : locker.lock(p, mode, signal),
    close: () => locker.close(),
  };
}

function semverAtLeast(goVersion: string, want: string): boolean {
  const [a = 0, b = 0] = goVersion.split('.').map((x) => parseInt(x, 10));
  const [c = 0, d = 0] = want.split('.').map((x) => parseInt(x, 10));
  return a > c || (a === c && b >= d);
}

/**
 * commit writes back what the go command's commitRequirements decides for this run:
 * the new go.mod (-mod=mod) and the go.sum entries kept. It throws the go command's
 * "updates to go.mod needed" / "updates to go.sum needed" errors.
 */
export async function commit(opened: Opened): Promise<void> {
  const { loader } = opened;
  if (opened.noModule) return;
  // Sums are only ever added through the fetcher: when it was never needed, go.sum has
  // nothing new to write (WriteGoSum would find nothing dirty), so the kept set is moot.
  const goSum = await opened.goSumIfLoaded();
  const res = await commitRequirements(loader, goSum ? 'build-list-zips' : 'none');
  if (res.goMod) await writeFile(opened.goModPath, res.goMod);
  await goSum?.write(res.keep, loader.mustHaveCompleteRequirements());
}

/** goError reports e as the go command does (exit 1), with modrescue's prefix. */
export function goError(ctx: CliContext, e: unknown): number {
  if (e instanceof CodedError && e.code === 'ERR_CLI_USAGE') throw e;
  const msg = e instanceof Error ? e.message : String(e);
  // A fatal checksum error (SECURITY ERROR) prints as the go command prints it.
  ctx.err(isFatal(e) ? msg.replace(/\n$/, '') : `modrescue: ${msg}`);
  return 1;
}

/** splitJsonFlag turns Go's optional-value -json=Field,… into a separate flag our parser knows. */
function splitJsonFlag(args: readonly string[]): { args: string[]; fields?: string[] } {
  const out: string[] = [];
  let fields: string[] | undefined;
  let flagsDone = false;
  for (const a of args) {
    if (!flagsDone) {
      if (a === '--' || !a.startsWith('-')) flagsDone = true;
      const m = /^--?json=(.*)$/.exec(a);
      if (!flagsDone && m) {
        if (m[1] === 'true' || m[1] === '1') out.push('-json');
        else if (m[1] !== 'false' && m[1] !== '0') {
          out.push('-json');
          fields = m[1]!.split(',').filter((f) => f !== '');
        }
        continue;
      }
    }
    out.push(a);
  }
  return { args: out, ...(fields ? { fields } : {}) };
}

export async function run(rawArgs: readonly string[], ctx: CliContext): Promise<number> {
  const { args, fields } = splitJsonFlag(rawArgs);
  const flags = parseFlags(args, {
    m: { kind: 'bool' },
    json: { kind: 'bool' },
    u: { kind: 'bool' },
    versions: { kind: 'bool' },
    retracted: { kind: 'bool' },
    e: { kind: 'bool' },
    f: { kind: 'string' },
    mod: { kind: 'string' },
    modfile: { kind: 'string' },
    reuse: { kind: 'string' },
    x: { kind: 'bool' },
  });
  if (!flags.values['m']) throw usageError('list without -m is not supported: modrescue lists modules (use list -m)');
  const format = flags.values['f'] as string | undefined;
  if (format !== undefined && flags.values['json']) {
    ctx.err('go list -f cannot be used with -json');
    return 1;
  }
  let tmpl;
  try {
    tmpl = format !== undefined ? parseTemplate(format) : undefined;
  } catch (e) {
    ctx.err((e as Error).message);
    return 1;
  }
  const mode = {
    u: !!flags.values['u'],
    versions: !!flags.values['versions'],
    retracted: !!flags.values['retracted'],
  };
  let opened: Opened | undefined;
  try {
    opened = await openModule(ctx, {
      cmdName: 'list',
      ...(flags.values['mod'] !== undefined ? { mod: flags.values['mod'] as string } : {}),
      ...(flags.values['modfile'] !== undefined ? { modfile: flags.values['modfile'] as string } : {}),
      trace: flags.values['x'] === true,
      allowNoModule: true,
    });
    if (opened.noModule) {
      // listModules' checks of arguments that need a main module.
      for (const a of flags.args) {
        if (a === 'all' || a.includes('...')) {
          ctx.err(`modrescue: cannot match "${a}": ${NO_MOD_ROOT}`);
          return 1;
        }
        const at = a.indexOf('@');
        const vers = at < 0 ? '' : a.slice(at + 1);
        if ((at < 0 && !mode.versions) || vers === 'upgrade' || vers === 'patch') {
          ctx.err(
            at < 0
              ? `modrescue: cannot match "${a}" without -versions or an explicit version: ${NO_MOD_ROOT}`
              : `modrescue: cannot match "${a}": ${NO_MOD_ROOT}`,
          );
          return 1;
        }
      }
    }
    if (flags.values['reuse'] !== undefined) {
      ctx.err(
        opened.noModule
          ? 'modrescue: -reuse is not supported by modrescue'
          : 'go list -reuse cannot be used inside a module',
      );
      return 1;
    }
    const { loader } = opened;
    if (mode.retracted && loader.options.buildMod === 'vendor') {
      ctx.err('go list -retracted cannot be used when vendoring is enabled');
      return 1;
    }
    const rs = await loader.loadModFile();
    for (const w of loader.loadWarnings) ctx.err(`modrescue: ${w}`);
    if (loader.options.buildMod === 'vendor') {
      const disabled = (what: string) => {
        ctx.err(`modrescue: can't ${what} using the vendor directory\n\t(Use -mod=mod or -mod=readonly to bypass.)`);
        return 1;
      };
      if (mode.versions) return disabled('determine available versions');
      if (mode.u) return disabled('determine available upgrades');
      for (const a of flags.args) {
        if (a === 'all') return disabled("compute 'all'");
        if (a.includes('...')) return disabled('match module patterns');
      }
    }
    const textOnly = !flags.values['json'] && format === undefined;
    const lister = new Lister({ loader, modcache: opened.modcache, textOnly });
    const res = await lister.list(rs, flags.args, mode);
    await lister.addModeInfo(res.modules, mode);
    let err: Error | undefined = res.err;
    if (!err) {
      loader.requirements = res.rs;
      if (!(mode.u && opened.release.listUpdatesKeepGoSum)) {
        try {
          await commit(opened);
        } catch (e) {
          if (isFatal(e)) throw e;
          err = e instanceof Error ? e : new Error(String(e));
        }
      }
    }
    for (const w of res.warnings) ctx.err(w);
    const sec = opened.securityError();
    if (sec !== undefined) {
      ctx.err(sec.replace(/\n$/, ''));
      return 1;
    }
    if (!flags.values['e']) {
      let failed = false;
      for (const m of res.modules) {
        if (m.Error) {
          ctx.err(`modrescue: ${m.Error.Err}`);
          failed = true;
        }
      }
      if (err) {
        ctx.err(`modrescue: ${err.message}`);
        failed = true;
      }
      if (failed) return 1;
    }
    const out: string[] = [];
    for (const m of res.modules.map(orderKeys)) {
      if (flags.values['json']) out.push(goJson(fields ? pickFields(m, fields) : m) + '\n');
      else if (tmpl) {
        const s = executeTemplate(tmpl, m);
        out.push(s.endsWith('\n') || s === '' ? s : s + '\n');
      } else out.push(formatModule(m, mode.versions) + '\n');
    }
    ctx.io.stdout.write(redact(out.join('')));
    return 0;
  } catch (e) {
    return goError(ctx, e);
  } finally {
    await opened?.close();
  }
}

/** pickFields keeps only the named top-level fields (-json=Path,Version). */
function pickFields(m: ModulePublic, fields: readonly string[]): ModulePublic {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(m)) if (fields.includes(k)) out[k] = val;
  return out as unknown as ModulePublic;
}
