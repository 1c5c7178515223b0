/**
 * DoctorSession: the state one doctor run shares between its checks. Everything
 * expensive — the parsed go.mod and go.sum, the module graph, proxy answers, checksum
 * database lookups, the package graph — is computed at most once, on first use, so
 * checks running concurrently never repeat a request.
 *
 * All network access goes through `fetch`, which adds the run's abort signal (deadline or
 * Ctrl-C), a per-probe timeout backstop and a concurrency bound to the injected FetchLike.
 * Child processes get `processEnv`, never the parent's environment.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { setMaxListeners } from 'node:events';
import path from 'node:path';
import type { GoEnv } from '../shared/goenv.js';
import { CodedError } from '../shared/errors.js';
import * as gover from '../mod/gover/index.js';
import { LOCAL_HASHER, cachePath, downloadDirPath, type Hasher } from '../mod/modcache/index.js';
import * as module from '../mod/module/index.js';
import * as modfile from '../mod/modfile/index.js';
import * as gosum from '../mod/gosum/index.js';
import { createGoproxyClient, parseProxyList, type GoproxyClient, type ProxySpec } from '../mod/goproxy/index.js';
import { HttpError, type FetchLike } from '../mod/web/index.js';
import {
  Loader,
  NO_MOD_ROOT,
  createCacheSource,
  createLayeredSource,
  createProxySource,
  findModuleRoot,
  loadAll,
  loadMainModule,
  parseGoMod,
  type MainModule,
  type ModFileSource,
  type ModuleGraph,
  type PackageGraph,
} from '../mod/modload/index.js';
import { Client, createGoClientOps, parseGOSUMDB, type ClientOps, type SumdbConfig } from '../mod/sumdb/index.js';
import type { ModuleVersion } from '../mod/mvs/index.js';
import type { Clock, DiskThresholds, DoctorOptions } from './types.js';
import { createLimiter, errorMessage, runProcess, type Limiter, type ProcessResult } from './util.js';

/** ERR_DOCTOR_NO_PROJECT: the directory holds no Go module (exit 3). */
export function noProjectError(dir: string, reason: string): CodedError {
  return new CodedError('ERR_DOCTOR_NO_PROJECT', `doctor: cannot read the project in ${dir}: ${reason}`, {
    dir,
    exitCode: 3,
  });
}

/** DEADLINE_CODE marks the abort reason of a run whose deadline passed. */
export const DEADLINE_CODE = 'ERR_DOCTOR_DEADLINE';

/** isDeadline reports whether e (or its cause chain) is the run's deadline abort. */
export function isDeadline(e: unknown): boolean {
  for (let x: unknown = e, i = 0; x instanceof Error && i < 10; x = x.cause, i++) {
    if (x instanceof CodedError && x.code === DEADLINE_CODE) return true;
  }
  return false;
}

/** GoSumState is go.sum as the go command reads it. */
export interface GoSumState {
  readonly file: string;
  readonly exists: boolean;
  /** What the go command sees (reading stops at a malformed line). */
  readonly sum: gosum.GoSum;
  /** The malformed-line error the go command silently drops, if any. */
  readonly error?: CodedError;
}

/** GraphState is the module graph, or why it could not be loaded. */
export interface GraphState {
  readonly mg?: ModuleGraph;
  readonly error?: Error;
  readonly loader?: Loader;
}

/** BuildList is the modules of the build (without the main module) and where the list came from. */
export interface BuildList {
  readonly modules: readonly ModuleVersion[];
  /** "graph": the full build list; "go.mod": the graph could not be loaded, these are go.mod's requirements. */
  readonly from: 'graph' | 'go.mod';
  readonly error?: string;
}

/** SumdbState is the configured checksum database, `off`, or why GOSUMDB is unusable. */
export type SumdbState =
  | { readonly kind: 'off' }
  | { readonly kind: 'error'; readonly message: string }
  | { readonly kind: 'on'; readonly config: SumdbConfig; readonly client: Client; readonly ops: ClientOps };

/** ProbeRecord is one network request of the run (for evidence). */
export interface ProbeRecord {
  readonly url: string;
  readonly status?: number;
  readonly error?: string;
  readonly ms: number;
}

const decoder = new TextDecoder();

/** DoctorSession is created once per run by runDoctor (or createSession for one check). */
export class DoctorSession {
  readonly env: GoEnv;
  readonly dir: string;
  readonly offline: boolean;
  readonly deadlineMs: number;
  readonly probeTimeoutMs: number;
  readonly clock: Clock;
  readonly signal: AbortSignal;
  readonly processEnv: Readonly<Record<string, string | undefined>>;
  readonly options: DoctorOptions;
  readonly diskThresholds: Required<DiskThresholds>;
  /** Secrets met during the run (URL passwords, .netrc passwords): redacted from every output. */
  readonly secrets = new Set<string>();
  readonly probes: ProbeRecord[] = [];
  readonly #net: Limiter;
  readonly #memo = new Map<string, Promise<unknown>>();
  #root: Promise<string> | undefined;

  constructor(options: DoctorOptions, signal: AbortSignal) {
    this.options = options;
    this.env = options.env;
    this.dir = path.resolve(options.dir);
    this.offline = options.offline === true || options.fetch === undefined;
    this.deadlineMs = options.timeoutMs ?? 10_000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? Math.max(500, Math.min(5_000, Math.floor(this.deadlineMs / 2)));
    this.clock = options.clock ?? { now: () => Date.now() };
    this.signal = signal;
    // Every request in flight listens on the run's signal (and removes its listener when
    // done): more than 10 at once is normal here, not the leak Node warns about.
    setMaxListeners(0, signal);
    this.processEnv = options.processEnv ?? {};
    this.diskThresholds = {
      failBytes: options.diskThresholds?.failBytes ?? 256 * 1024 * 1024,
      warnBytes: options.diskThresholds?.warnBytes ?? 2 * 1024 * 1024 * 1024,
      failInodes: options.diskThresholds?.failInodes ?? 10_000,
      warnInodes: options.diskThresholds?.warnInodes ?? 100_000,
    };
    this.#net = createLimiter(options.networkConcurrency ?? 16);
    this.networkUp = new Promise<void>((resolve) => {
      this.#networkUp = resolve;
    });
    // Passwords in URL userinfo of GOPROXY are secrets wherever they show up.
    for (const entry of this.v('GOPROXY').split(/[,|]/)) {
      const m = /^[a-z][a-z0-9+.-]*:\/\/([^/@]*)@/i.exec(entry.trim());
      if (!m) continue;
      const info = m[1]!;
      const colon = info.indexOf(':');
      this.addSecret(colon >= 0 ? info.slice(colon + 1) : info);
      if (colon >= 0) this.addSecret(decodeURIComponentSafe(info.slice(colon + 1)));
    }
  }

  /** v returns the resolved value of a Go environment variable ('' when unknown). */
  v(name: string): string {
    return (this.env.vars as Record<string, { value: string } | undefined>)[name]?.value ?? '';
  }

  /** whereFrom says where a Go environment value came from: `environment`, `go env file <path>`, `default`. */
  whereFrom(name: string): string {
    const val = (this.env.vars as Record<string, { source: string; from?: string } | undefined>)[name];
    if (!val) return 'default';
    if (val.source === 'go env file')
      return this.env.envFile.path ? `go env file ${this.env.envFile.path}` : 'go env file';
    if (val.from && val.from !== name) return `${val.source}, from ${val.from}`;
    return val.source;
  }

  /** describe prints a value with its origin, e.g. `GOPROXY=off (go env file /home/u/.config/go/env)`. */
  describe(name: string): string {
    return `${name}=${this.v(name)} (${this.whereFrom(name)})`;
  }

  /** addSecret remembers a secret (at least 4 characters) for redaction. */
  addSecret(s: string): void {
    if (s.length >= 4) this.secrets.add(s);
  }

  /** memo computes f once per key for the run. */
  memo<T>(key: string, f: () => Promise<T>): Promise<T> {
    let p = this.#memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = f();
      // A rejected memo must not surface as an unhandled rejection when nobody awaits it yet.
      p.catch(() => undefined);
      this.#memo.set(key, p);
    }
    return p;
  }

  /** now is the run's clock. */
  now(): number {
    return this.clock.now();
  }

  /** networkUp resolves when the first request of the run settled (answered or failed). */
  readonly networkUp: Promise<void>;
  #networkUp: () => void = () => undefined;

  /** Requests in flight with their backstop deadline, oldest first (deadlines grow with start times). */
  readonly #inflight = new Set<{ readonly ctl: AbortController; readonly deadline: number; timedOut: boolean }>();
  #sweep: ReturnType<typeof setTimeout> | undefined;

  /** armSweep schedules the one backstop timer for the oldest request in flight. */
  #armSweep(): void {
    if (this.#sweep !== undefined) return;
    const first = this.#inflight.values().next();
    if (first.done) return;
    this.#sweep = setTimeout(
      () => {
        this.#sweep = undefined;
        const now = performance.now();
        for (const r of this.#inflight) {
          if (r.deadline > now) break;
          r.timedOut = true;
          r.ctl.abort();
          this.#inflight.delete(r);
        }
        this.#armSweep();
      },
      Math.max(0, first.value.deadline - performance.now()),
    );
    // Only the requests themselves keep the process alive.
    this.#sweep.unref?.();
  }

  /**
   * fetch is the network of the checks: the injected FetchLike with the run's signal, a
   * concurrency bound and a timeout backstop (a request that outlives the probe timeout
   * rejects with HttpError ETIMEDOUT, worded as Go's client). It rejects with the run's
   * abort reason when the deadline passes. Each request gets one AbortController; the
   * run's signal, the caller's signal and one shared backstop timer abort it (no
   * combined signal and no timer per request: a run makes a thousand requests).
   */
  readonly fetch: FetchLike = async (url, init = {}) => {
    const base = this.options.fetch;
    if (!base) throw new CodedError('ERR_DOCTOR_OFFLINE', `doctor: no network in this run (offline): ${url}`, { url });
    return this.#net(async () => {
      this.signal.throwIfAborted();
      init.signal?.throwIfAborted();
      const req = {
        ctl: new AbortController(),
        deadline: performance.now() + this.probeTimeoutMs + 250,
        timedOut: false,
      };
      const onAbort = () => req.ctl.abort(this.signal.aborted ? this.signal.reason : init.signal?.reason);
      this.signal.addEventListener('abort', onAbort, { once: true });
      if (init.signal) setMaxListeners(0, init.signal);
      init.signal?.addEventListener('abort', onAbort, { once: true });
      this.#inflight.add(req);
      this.#armSweep();
      const start = this.now();
      try {
        const res = await base(url, { ...init, signal: req.ctl.signal });
        this.probes.push({ url, status: res.status, ms: this.now() - start });
        return res;
      } catch (e) {
        if (this.signal.aborted) throw this.signal.reason;
        if (req.timedOut) {
          const err = new HttpError(
            'ERR_WEB_TRANSPORT',
            `${init.method === 'HEAD' ? 'Head' : 'Get'} ${JSON.stringify(url)}: context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
            { url, elapsedMs: this.now() - start, causeCode: 'ETIMEDOUT' },
          );
          this.probes.push({ url, error: err.message, ms: this.now() - start });
          throw err;
        }
        this.probes.push({ url, error: errorMessage(e), ms: this.now() - start });
        throw e;
      } finally {
        this.#networkUp();
        this.#inflight.delete(req);
        this.signal.removeEventListener('abort', onAbort);
        init.signal?.removeEventListener('abort', onAbort);
      }
    });
  };

  /** run runs a child process with processEnv (plus extra) and the probe timeout. */
  run(file: string, args: readonly string[], extra: Record<string, string> = {}, cwd?: string): Promise<ProcessResult> {
    return runProcess(file, args, {
      env: { ...this.processEnv, ...extra },
      timeoutMs: this.probeTimeoutMs,
      signal: this.signal,
      ...(cwd ? { cwd } : {}),
    });
  }

  /** root finds the main module's root from dir upwards; it throws ERR_DOCTOR_NO_PROJECT. */
  root(): Promise<string> {
    this.#root ??= (async () => {
      const st = await stat(this.dir).catch((e: NodeJS.ErrnoException) => e);
      if (st instanceof Error) throw noProjectError(this.dir, st.code === 'ENOENT' ? 'no such directory' : st.message);
      if (!st.isDirectory()) throw noProjectError(this.dir, 'not a directory');
      const root = await findModuleRoot(this.dir);
      if (root === undefined) throw noProjectError(this.dir, NO_MOD_ROOT);
      try {
        await readFile(path.join(root, 'go.mod'));
      } catch (e) {
        throw noProjectError(this.dir, errorMessage(e));
      }
      return root;
    })();
    return this.#root;
  }

  /** goModPath is the main module's go.mod. */
  async goModPath(): Promise<string> {
    return path.join(await this.root(), 'go.mod');
  }

  /** modFile parses go.mod strictly (modfile.parse); it rejects with the parse error (ERR_MODFILE_PARSE). */
  modFile(): Promise<modfile.File> {
    return this.memo('modfile', async () => {
      const file = await this.goModPath();
      return modfile.parse(file, new Uint8Array(await readFile(file)));
    });
  }

  /** mainModule is the main module as modload loads it; it rejects when go.mod does not parse. */
  mainModule(): Promise<MainModule> {
    return this.memo('main', async () => loadMainModule(await this.root(), parseGoMod));
  }

  /** goSum reads go.sum as the go command does (a missing file is an empty one). */
  goSum(): Promise<GoSumState> {
    return this.memo('gosum', async () => {
      const file = path.join(await this.root(), 'go.sum');
      let data: Uint8Array | undefined;
      try {
        data = new Uint8Array(await readFile(file));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
      const r = gosum.readGoSum(file, data ?? '');
      return { file, exists: data !== undefined, sum: r.sum, ...(r.error ? { error: r.error } : {}) };
    });
  }

  /** proxyList parses GOPROXY with GONOPROXY (the implicit noproxy entry); undefined with the error when invalid. */
  proxyList(): { list?: ProxySpec[]; error?: string } {
    return this.memoSync('proxyList', () => {
      try {
        return { list: parseProxyList(this.v('GOPROXY'), { noProxy: this.v('GONOPROXY') }) };
      } catch (e) {
        return { error: errorMessage(e) };
      }
    });
  }

  /** proxyClient is the GOPROXY client of the run (undefined offline or when GOPROXY is invalid). */
  proxyClient(): GoproxyClient | undefined {
    if (this.offline) return undefined;
    const list = this.proxyList().list;
    if (!list) return undefined;
    return this.memoSync('proxyClient', () =>
      createGoproxyClient({ fetch: this.fetch, proxy: list, noProxy: this.v('GONOPROXY'), signal: this.signal }),
    );
  }

  readonly #sync = new Map<string, unknown>();
  private memoSync<T>(key: string, f: () => T): T {
    if (!this.#sync.has(key)) this.#sync.set(key, f());
    return this.#sync.get(key) as T;
  }

  /** isDirect reports whether the go command fetches path directly (GONOPROXY, defaulting to GOPRIVATE). */
  isDirect(p: string): boolean {
    return module.matchPrefixPatterns(this.v('GONOPROXY'), p);
  }

  /** noSumdb reports whether the checksum database is skipped for path (GOSUMDB=off or GONOSUMDB). */
  noSumdb(p: string): boolean {
    return this.v('GOSUMDB') === 'off' || module.matchPrefixPatterns(this.v('GONOSUMDB'), p);
  }

  /**
   * source is the go.mod supply of the graph: the module cache, then GOPROXY (cache only
   * offline). Cached go.mod files are also handed over synchronously (goModCached: the
   * same bytes goMod would read from the cache, without a thread-pool round trip each).
   */
  private source(): ModFileSource {
    const modcache = this.v('GOMODCACHE');
    const cache = createCacheSource(modcache);
    const client = this.proxyClient();
    const layered = client ? createLayeredSource(cache, createProxySource(client)) : cache;
    const usable = modcache !== '' && path.isAbsolute(modcache);
    return {
      ...layered,
      goModCached: (m) => {
        if (!usable) return undefined;
        try {
          return new Uint8Array(readFileSync(cachePath(modcache, m, 'mod')));
        } catch {
          return undefined; // not cached, or an invalid path: goMod says why
        }
      },
    };
  }

  /** graph loads the module graph as `go list -m all` does (cache first, then GOPROXY). */
  graph(): Promise<GraphState> {
    return this.memo('graph', async () => {
      let main: MainModule;
      try {
        main = await this.mainModule();
      } catch (e) {
        return { error: e as Error };
      }
      const loader = new Loader(main, { source: this.source(), parseGoMod, buildMod: 'mod', cwd: this.dir });
      try {
        return { mg: await loader.loadModGraph(), loader };
      } catch (e) {
        if (this.signal.aborted) throw this.signal.reason;
        return { error: e as Error, loader };
      }
    });
  }

  /**
   * buildList returns the build list without the main module; when the graph cannot be
   * loaded it falls back to the requirements of go.mod (and says so).
   */
  buildList(): Promise<BuildList> {
    return this.memo('buildList', async () => {
      const g = await this.graph();
      if (g.mg) {
        const main = g.mg.main.path;
        // The graph may hold the "go" and "toolchain" pseudo-modules (Go 1.21+ graphs): not downloadable.
        return {
          modules: g.mg.buildList().filter((m) => m.path !== main && !gover.isToolchain(m.path)),
          from: 'graph' as const,
        };
      }
      let reqs: ModuleVersion[] = [];
      try {
        reqs = (await this.mainModule()).file.require.map((r) => r.mod);
      } catch {
        // go.mod does not parse: gomod-syntax reports it.
      }
      return { modules: reqs, from: 'go.mod' as const, error: errorMessage(g.error) };
    });
  }

  /**
   * actualModules maps the build list through go.mod's replace directives (exact version
   * first, then path-wide), as the go command fetches them: a module replaced by another
   * module version becomes that version; one replaced by a directory is left out (nothing
   * is downloaded for it). The result keeps the build-list order without duplicates.
   */
  actualModules(): Promise<ModuleVersion[]> {
    return this.memo('actualModules', async () => {
      const bl = await this.buildList();
      let replace: ReadonlyArray<{ old: ModuleVersion; new: ModuleVersion }> = [];
      try {
        replace = (await this.mainModule()).file.replace;
      } catch {
        // go.mod does not parse: no replacements to apply.
      }
      const out: ModuleVersion[] = [];
      const seen = new Set<string>();
      for (const m of bl.modules) {
        const r =
          replace.find((x) => x.old.path === m.path && x.old.version === m.version) ??
          replace.find((x) => x.old.path === m.path && x.old.version === '');
        const actual = r ? r.new : m;
        if (actual.version === '') continue;
        const k = `${actual.path}@${actual.version}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(actual);
      }
      return out;
    });
  }

  /** packages loads the import graph of "all" from the module cache's extracted trees. */
  packages(): Promise<{ graph?: PackageGraph; missingDirs: ModuleVersion[]; error?: string }> {
    return this.memo('packages', async () => {
      const g = await this.graph();
      if (!g.mg) return { missingDirs: [], error: errorMessage(g.error) };
      const missing: ModuleVersion[] = [];
      const modcache = this.v('GOMODCACHE');
      const dirOf = async (m: ModuleVersion): Promise<string | undefined> => {
        const dir = downloadDirPath(modcache, m);
        let ok = false;
        try {
          ok = statSync(dir, { throwIfNoEntry: false })?.isDirectory() === true;
        } catch {
          // unreadable: not inspected
        }
        if (!ok) missing.push(m);
        return ok ? dir : undefined;
      };
      return { graph: await loadAll(g.mg, dirOf), missingDirs: missing };
    });
  }

  /** proxyInfo fetches path@version's .info through the GOPROXY chain once per run. */
  proxyInfo(p: string, version: string): Promise<{ ok: boolean; error?: Error }> {
    return this.memo(`info ${p}@${version}`, async () => {
      const client = this.proxyClient();
      if (!client) return { ok: false, error: new Error('no GOPROXY client (offline or invalid GOPROXY)') };
      try {
        await client.info(p, version);
        return { ok: true };
      } catch (e) {
        if (this.signal.aborted) throw this.signal.reason;
        return { ok: false, error: e as Error };
      }
    });
  }

  /** proxyGoMod fetches path@version's .mod through the GOPROXY chain once per run. */
  proxyGoMod(p: string, version: string): Promise<Uint8Array> {
    return this.memo(`mod ${p}@${version}`, async () => {
      const client = this.proxyClient();
      if (!client) throw new Error('no GOPROXY client (offline or invalid GOPROXY)');
      return client.goMod(p, version);
    });
  }

  /** sumdbDir is $GOPATH/pkg/sumdb (first GOPATH entry), where the go command keeps `<name>/latest`. */
  sumdbDir(): string | undefined {
    const first = this.v('GOPATH').split(':')[0] ?? '';
    return first === '' ? undefined : path.join(first, 'pkg', 'sumdb');
  }

  /**
   * sumdbClient builds a checksum-database client set up as the go command's (GOSUMDB,
   * the GOPROXY walk for `/sumdb/<name>/supported`, `$GOPATH/pkg/sumdb/<name>/latest`),
   * except that it never writes: the latest tree head it learns stays in memory, so a
   * diagnosis leaves the go command's state as it was. With fresh, cached lookup records
   * are not read (every record comes from the network), while the tiles the go command
   * cached stay in use, so a tree it saw before is checked against the tiles it verified
   * then — as the go command itself does.
   */
  createSumdbClient(fresh: boolean): SumdbState {
    const value = this.v('GOSUMDB');
    if (value === 'off') return { kind: 'off' };
    let config: SumdbConfig;
    try {
      config = parseGOSUMDB(value);
    } catch (e) {
      return { kind: 'error', message: errorMessage(e) };
    }
    const proxies = this.proxyList().list ?? [];
    const base = createGoClientOps({
      config,
      proxies,
      fetch: this.fetch,
      sumdbDir: this.sumdbDir(),
      modCacheDir: this.v('GOMODCACHE'),
      timeoutMs: this.probeTimeoutMs,
      signal: this.signal,
    });
    const written = new Map<string, Uint8Array>();
    const sumdbCache = path.join(this.v('GOMODCACHE'), 'cache', 'download', 'sumdb');
    const ops: ClientOps = {
      readRemote: (p) => base.readRemote(p),
      readConfig: async (file) => written.get(file) ?? base.readConfig(file),
      writeConfig: async (file, _old, data) => {
        written.set(file, data);
      },
      readCache: (file) => {
        if (fresh && file.includes('/lookup/')) return Promise.reject(new Error(`${file}: not read (fresh lookup)`));
        // Most records are not cached: a synchronous existence check saves a failing
        // thread-pool read each (the go command's cache layout: <GOMODCACHE>/cache/download/sumdb/<file>).
        if (!existsSync(path.join(sumdbCache, file))) return Promise.reject(new Error(`${file}: not cached`));
        return base.readCache(file);
      },
      writeCache: async () => undefined,
      log: () => undefined,
      securityError: (msg) => {
        this.securityMessages.push(msg);
      },
    };
    return { kind: 'on', config, client: new Client(ops, { nosumdb: this.v('GONOSUMDB') }), ops };
  }

  /** securityMessages are the SECURITY ERROR reports the checksum-database clients raised. */
  readonly securityMessages: string[] = [];

  /** sumdb is the shared (cache-reading) checksum-database client of the run. */
  sumdb(): SumdbState {
    return this.memoSync('sumdb', () => this.createSumdbClient(false));
  }

  /** sumdbLookup returns the database's go.sum lines for path@version (lookup once per record). */
  sumdbLookup(p: string, version: string): Promise<{ lines?: string[]; error?: Error }> {
    return this.memo(`lookup ${p}@${version}`, async () => {
      const db = this.sumdb();
      if (db.kind !== 'on') return { error: new Error(db.kind === 'off' ? 'GOSUMDB=off' : db.message) };
      try {
        return { lines: await db.client.lookup(p, version) };
      } catch (e) {
        if (this.signal.aborted) throw this.signal.reason;
        return { error: e as Error };
      }
    });
  }

  /** installedGo returns the version of the go command on PATH (`1.22.3`), or undefined when there is none. */
  installedGo(): Promise<{ version?: string; raw?: string; error?: string }> {
    return this.memo('installedGo', async () => {
      const given = this.options.installedGo;
      if (given === null) return { error: 'no go command (as configured)' };
      if (given !== undefined) return { version: given.replace(/^go/, ''), raw: given };
      // GOTOOLCHAIN=local and a directory outside the module: report the installed toolchain,
      // never one that Go 1.21+ would switch to (or download) for this project.
      const r = await this.run('go', ['version'], { GOTOOLCHAIN: 'local', GOENV: 'off' }, path.parse(this.dir).root);
      if (r.spawnError) return { error: `no go command on PATH (${r.spawnError})` };
      const m = /go version go(\S+)/.exec(r.stdout);
      if (r.code !== 0 || !m) return { error: `go version failed: ${(r.stderr || r.stdout).trim()}` };
      return { version: m[1]!.replace(/-.*$/, ''), raw: r.stdout.trim() };
    });
  }

  #closed = false;

  /**
   * hasher hashes zips and extracted trees once per file for the run: modcache-integrity
   * and gosum-verified share the hashes of cached zips. Module files are mostly small, so
   * hashing stays on this thread (worker round trips cost more than they save; dirhash
   * moves big zips to workers itself), overlapping with the network work of other checks.
   */
  hasher(): Hasher {
    if (this.#closed) return LOCAL_HASHER;
    return (this.#hasher ??= {
      hashZip: (zip) => this.memo(`hashZip ${zip}`, () => LOCAL_HASHER.hashZip(zip)),
      hashDir: (dir, prefix) => this.memo(`hashDir ${dir} ${prefix}`, () => LOCAL_HASHER.hashDir(dir, prefix)),
    });
  }
  #hasher: Hasher | undefined;

  /** close ends the session: later hashing is not memoised (checks still winding down after the deadline). */
  async close(): Promise<void> {
    this.#closed = true;
    this.#hasher = undefined;
    clearTimeout(this.#sweep);
    this.#sweep = undefined;
  }

  /** readText reads a file as UTF-8, or undefined when it does not exist. */
  async readText(file: string): Promise<string | undefined> {
    try {
      return decoder.decode(await readFile(file));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') {
        return undefined;
      }
      throw e;
    }
  }
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** createSession makes a session for running checks directly (without runDoctor's deadline). */
export function createSession(
  options: DoctorOptions,
  signal: AbortSignal = new AbortController().signal,
): DoctorSession {
  return new DoctorSession(options, signal);
}
