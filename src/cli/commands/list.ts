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
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { CliContext } from '../context.js';
import { parseFlags, usageError } from '../flags.js';
import { httpClientOptions, resolveGoEnv, type GoEnv } from '../goenv.js';
import { goEnvValue } from '../../shared/goenv.js';
import { CodedError } from '../../shared/errors.js';
import { redact, redactUrl } from '../../shared/redact.js';
import { createHttpClient, type HttpClient } from '../../mod/web/index.js';
import { createGoproxyClient, type GoproxyClient } from '../../mod/goproxy/index.js';
import * as modcache from '../../mod/modcache/index.js';
import {
  GoSumState,
  createFetcher,
  createFetcherSource,
  isFatal,
  type Fetcher,
  type SumDB,
} from '../../mod/modfetch/index.js';
import { checkSumDB, createGoSumdb, parseGOSUMDB, useSumDB } from '../../mod/sumdb/index.js';
import {
  Lister,
  Loader,
  NO_MOD_ROOT,
  commitRequirements,
  executeTemplate,
  findModuleRoot,
  formatModule,
  goJson,
  loadWorkspace,
  orderKeys,
  parseGoMod,
  parseTemplate,
  readMainModule,
  releaseFromGotoolchain,
  type GoRelease,
  type MainModule,
  type ModFileSource,
  type ModulePublic,
  type Workspace,
} from '../../mod/modload/index.js';

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
  readonly fetcher: Fetcher;
  readonly client: GoproxyClient;
  readonly goSum: GoSumState;
  /** The go.mod path written by commits (-modfile's file when given). */
  readonly goModPath: string;
  /** A SECURITY ERROR from the checksum database, if one was raised. */
  securityError(): string | undefined;
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
 */
export async function openModule(ctx: CliContext, options: OpenOptions): Promise<Opened> {
  const env = await resolveGoEnv({ env: ctx.io.env, cwd: ctx.io.cwd });
  const v = (n: string) => goEnvValue(env, n);
  const release = releaseFromGotoolchain(v('GOTOOLCHAIN'));
  const log = options.onLog ?? ((line: string) => ctx.err(prefixed(line)));
  const goflags = v('GOFLAGS');
  let mod = options.mod ?? goFlag(goflags, 'mod');
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
    if (root === undefined) throw new CodedError('ERR_MODLOAD_NO_MOD_ROOT', NO_MOD_ROOT, { dir: ctx.io.cwd });
    if (modfileFlag === undefined) {
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
  modcache.checkCacheDir(modcacheDir);
  let fetch: HttpClient = createHttpClient(await httpClientOptions(env));
  if (options.trace) fetch = traceFetch(fetch, (line) => ctx.err(line));
  const locker = modcache.createFileLocker();
  let security: string | undefined;
  try {
    const client = createGoproxyClient({ fetch, proxy: v('GOPROXY'), noProxy: v('GONOPROXY'), signal: ctx.io.signal });
    let sumdb: SumDB | undefined;
    const gosumdb = v('GOSUMDB');
    if (gosumdb !== 'off') {
      const config = parseGOSUMDB(gosumdb);
      const gopath = v('GOPATH').split(':')[0] ?? '';
      const db = createGoSumdb({
        config,
        proxies: client.proxies,
        fetch,
        sumdbDir: gopath === '' ? undefined : path.join(gopath, 'pkg', 'sumdb'),
        modCacheDir: modcacheDir,
        ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
        onSecurityError: (msg) => (security ??= msg),
      });
      const gonosumdb = v('GONOSUMDB');
      sumdb = { use: (p) => useSumDB(gosumdb, gonosumdb, p), check: (m, h) => checkSumDB(db, m, h) };
    }
    const goSumFile = workspace
      ? workspace.path + '.sum'
      : main.goModPath.endsWith('.mod')
        ? main.goModPath.slice(0, -'.mod'.length) + '.sum'
        : main.goModPath + '.sum';
    const goSum = new GoSumState({
      file: goSumFile,
      locker: readOnlyWhenMissing(locker, goSumFile),
      sideLock: modcache.sideLockPath(modcacheDir),
      onLog: log,
    });
    const fetcher = createFetcher({
      modcache: modcacheDir,
      client,
      locker,
      goSum,
      ...(sumdb ? { sumdb } : {}),
      cmdName: options.cmdName,
      onLog: log,
      ...(ctx.io.signal ? { signal: ctx.io.signal } : {}),
    });
    const base = createFetcherSource(fetcher);
    const source: ModFileSource = {
      ...base,
      query: async (p, q, o) => {
        const info = await client.query(p, q, { current: o.current, ...(o.allowed ? { allowed: o.allowed } : {}) });
        return { version: info.version, time: info.time };
      },
    };
    const loader = new Loader(main, {
      source,
      parseGoMod,
      buildMod,
      buildModExplicit: explicit,
      buildModReason: reason,
      haveSum: (m) => goSum.hasSumLoaded(m),
      cwd: ctx.io.cwd,
      release: release.version,
      cmdName: options.cmdName,
      ...(workspace ? { workspace } : {}),
    });
    await goSum.init();
    return {
      loader,
      modcache: modcacheDir,
      release,
      env,
      fetcher,
      client,
      goSum,
      goModPath: main.goModPath,
      securityError: () => security,
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

/**
 * readOnlyWhenMissing wraps a FileLocker so that a shared (read) lock on file does not
 * create it when it does not exist: the go command reads go.sum with lockedfile.Read,
 * which never creates the file, and only a write may bring a go.sum into existence.
 */
function readOnlyWhenMissing(locker: modcache.FileLocker, file: string): modcache.FileLocker {
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
  const { loader, goSum } = opened;
  const res = await commitRequirements(loader);
  if (res.goMod) await writeFile(opened.goModPath, res.goMod);
  await goSum.write(res.keep, loader.mustHaveCompleteRequirements());
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
    try {
      opened = await openModule(ctx, {
        cmdName: 'list',
        ...(flags.values['mod'] !== undefined ? { mod: flags.values['mod'] as string } : {}),
        ...(flags.values['modfile'] !== undefined ? { modfile: flags.values['modfile'] as string } : {}),
        trace: flags.values['x'] === true,
      });
    } catch (e) {
      if (e instanceof CodedError && e.code === 'ERR_MODLOAD_NO_MOD_ROOT') {
        const pat = flags.args.find((a) => a === 'all' || a.includes('...'));
        if (pat !== undefined) {
          ctx.err(`modrescue: cannot match "${pat}": ${e.message}`);
          return 1;
        }
        const plain = flags.args.find((a) => !a.includes('@'));
        if (plain !== undefined && !mode.versions) {
          ctx.err(`modrescue: cannot match "${plain}" without -versions or an explicit version: ${e.message}`);
          return 1;
        }
      }
      throw e;
    }
    if (flags.values['reuse'] !== undefined) {
      ctx.err('go list -reuse cannot be used inside a module');
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
    const lister = new Lister({ loader, modcache: opened.modcache });
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
