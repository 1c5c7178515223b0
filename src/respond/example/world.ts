/**
 * An example incident made real, offline, in a temporary directory: a COPY of the
 * example's Go project (turned into a git repository, with the example's history and
 * tags when it has one), its module proxies and checksum database on 127.0.0.1, an
 * isolated HOME/GOPATH/GOMODCACHE, a go env file with the incident's broken settings,
 * and the environment that points both the go command and modrescue at all of it.
 * The checkout under examples/ is never written.
 *
 * An example directory holds `example.json` (ExampleSpec), `ci.log` (the failed job's
 * log), `project/` (the Go project as it is on the broken branch), `modules/` (txtar
 * sources of the module versions the proxies serve) and, for a history, `history/<step>/`
 * (the project's files at each earlier commit).
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile, chmod, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CodedError } from '../../shared/errors.js';
import { readModuleSources, writeLists, writeModule, key, type BuiltModule } from './modules.js';
import { startServers, type ProxySpec, type RunningServers, type SumdbSpec } from './servers.js';

const run = promisify(execFile);

/** HistoryStep is one earlier commit of an example's project (oldest first). */
export interface HistoryStep {
  /** Directory under history/ holding the project's files at this commit. */
  readonly dir: string;
  readonly message: string;
  /** An annotated tag put on this commit. */
  readonly tag?: string;
  /** Commit (and tag) time, RFC 3339. */
  readonly date: string;
}

/** ExampleSpec is the content of `example.json`. */
export interface ExampleSpec {
  readonly title: string;
  /** What happened, for people (one paragraph). */
  readonly story: string;
  /** The command the CI job ran (and the verification command when go is installed). */
  readonly ciCommand: string;
  readonly proxies: Readonly<Record<string, ProxySpec>>;
  readonly sumdb?: SumdbSpec;
  /**
   * The go env file of the runner (`go env -w` settings), with `${proxy:NAME}` and
   * `${sumdb}` replaced by the servers' URLs and the GOSUMDB value.
   */
  readonly goEnv: Readonly<Record<string, string>>;
  /** Extra process environment (same placeholders). */
  readonly env?: Readonly<Record<string, string>>;
  /** Earlier commits of the project; the last commit is project/ itself. */
  readonly history?: readonly HistoryStep[];
  /** The message and date of the commit holding project/. */
  readonly head?: { readonly message: string; readonly date: string; readonly tag?: string };
  /**
   * Real hosts of the CI log and the loopback servers that play them in the example
   * (`"https://athens.corp.example": "${proxy:corp}"`), so output can say who is who.
   */
  readonly aliases?: Readonly<Record<string, string>>;
  /** What respond must conclude (the examples test asserts it). */
  readonly expect: {
    /** The category triage must name. */
    readonly category: string;
    /** The doctor checks that fail before the fix. */
    readonly failing: readonly string[];
    /** The fix actions respond applies, in order. */
    readonly actions: readonly string[];
  };
}

/** ExampleWorld is a running example. close() stops its servers and removes it (unless kept). */
export interface ExampleWorld {
  readonly name: string;
  readonly spec: ExampleSpec;
  /** The temporary root. */
  readonly dir: string;
  /** The copy of the project (a git repository). */
  readonly project: string;
  /** The copy of the CI log. */
  readonly log: string;
  readonly home: string;
  /** The go env file ($HOME/.config/go/env). */
  readonly envFile: string;
  /** The process environment for modrescue and the go command. */
  readonly env: Readonly<Record<string, string>>;
  readonly modules: readonly BuiltModule[];
  readonly servers: RunningServers;
  /** Real host URL of the log → the loopback URL playing it (ExampleSpec.aliases, filled in). */
  readonly aliases: Readonly<Record<string, string>>;
  close(options?: { keep?: boolean }): Promise<void>;
}

/** examplesDir is the examples/ directory of this checkout (works from src/ and dist/). */
export function examplesDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../examples');
}

/** listExamples returns the names of the examples (directories holding example.json), sorted. */
export async function listExamples(root = examplesDir()): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(root, { withFileTypes: true }).catch(() => [])) {
    if (!e.isDirectory()) continue;
    if (await stat(path.join(root, e.name, 'example.json')).catch(() => undefined)) out.push(e.name);
  }
  return out.sort();
}

/**
 * readExampleSpec reads examples/<name>/example.json. It rejects with
 * ERR_RESPOND_EXAMPLE_UNKNOWN (listing the examples) when there is no such example and
 * ERR_RESPOND_EXAMPLE_INVALID when the file is not valid JSON.
 */
export async function readExampleSpec(name: string, root = examplesDir()): Promise<ExampleSpec> {
  const file = path.join(root, name, 'example.json');
  let text: string;
  try {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error('bad name');
    text = await readFile(file, 'utf8');
  } catch {
    const names = await listExamples(root);
    throw new CodedError(
      'ERR_RESPOND_EXAMPLE_UNKNOWN',
      `unknown example "${name}" (examples: ${names.join(', ') || 'none found in ' + root})`,
      { name, exitCode: 2 },
    );
  }
  try {
    return JSON.parse(text) as ExampleSpec;
  } catch (e) {
    throw new CodedError('ERR_RESPOND_EXAMPLE_INVALID', `${file}: ${(e as Error).message}`, { file });
  }
}

/** CreateExampleOptions configure createExampleWorld. */
export interface CreateExampleOptions {
  /** Where examples live (default: this checkout's examples/). */
  readonly root?: string;
  /** Parent of the temporary directory (default os.tmpdir()). */
  readonly tmpDir?: string;
  /** PATH for the go and git commands (default /usr/local/bin:/usr/bin:/bin). */
  readonly path?: string;
  /**
   * The time the incident is replayed at: the log's timestamps and the commit dates are
   * shifted so that the job failed FAILED_AGO_MS before it (default: now). Pass null to
   * keep the committed times.
   */
  readonly now?: Date | null;
}

/** FAILED_AGO_MS is how long before the replay time the example's CI job failed. */
export const FAILED_AGO_MS = 4 * 60_000;

const LOG_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{7})Z/;

/** logTimes returns the first and last timestamps of a GitHub Actions log (ms since the epoch). */
function logTimes(text: string): { first?: number; last?: number } {
  let first: number | undefined;
  let last: number | undefined;
  for (const line of text.split('\n')) {
    const m = LOG_TIME.exec(line);
    if (!m) continue;
    const t = Date.parse(`${m[1]}.${m[2]!.slice(0, 3)}Z`);
    first ??= t;
    last = t;
  }
  return { first, last };
}

/** shiftLog moves every line timestamp of a GitHub Actions log by offsetMs (whole milliseconds; the sub-ms digits kept). */
export function shiftLog(text: string, offsetMs: number): string {
  return text
    .split('\n')
    .map((line) => {
      const m = LOG_TIME.exec(line);
      if (!m) return line;
      const t = Date.parse(`${m[1]}.${m[2]!.slice(0, 3)}Z`) + offsetMs;
      const iso = new Date(t).toISOString();
      return `${iso.slice(0, 23)}${m[2]!.slice(3)}Z${line.slice(m[0].length)}`;
    })
    .join('\n');
}

const shiftDate = (iso: string, offsetMs: number) =>
  new Date(Date.parse(iso) + offsetMs).toISOString().replace(/\.\d{3}Z$/, 'Z');

const GIT_IDENTITY = {
  GIT_AUTHOR_NAME: 'Dana Developer',
  GIT_AUTHOR_EMAIL: 'dana@checkout.example',
  GIT_COMMITTER_NAME: 'Dana Developer',
  GIT_COMMITTER_EMAIL: 'dana@checkout.example',
};

async function git(cwd: string, env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env, timeout: 20_000 });
  return stdout;
}

/** replaceFiles makes dir hold exactly the files of src (the .git directory kept). */
async function replaceFiles(dir: string, src: string): Promise<void> {
  for (const e of await readdir(dir)) if (e !== '.git') await rm(path.join(dir, e), { recursive: true, force: true });
  await cp(src, dir, { recursive: true });
}

/** tamperedModule returns m with one altered byte pattern: a mirror that serves different bytes. */
function tamperedModule(m: BuiltModule): BuiltModule {
  const files = m.files.map((f, i) =>
    i === m.files.findIndex((x) => x.name.endsWith('.go'))
      ? { name: f.name, data: Buffer.concat([Buffer.from(f.data), Buffer.from('\nfunc init() { _ = "mirror" }\n')]) }
      : f,
  );
  return { ...m, files };
}

/**
 * createExampleWorld sets up example `name` in a new temporary directory and starts its
 * servers. It rejects with ERR_RESPOND_EXAMPLE_UNKNOWN for an unknown example, and with
 * the error of git or of the module builder when the example is malformed.
 */
export async function createExampleWorld(name: string, options: CreateExampleOptions = {}): Promise<ExampleWorld> {
  const root = options.root ?? examplesDir();
  const spec = await readExampleSpec(name, root);
  const src = path.join(root, name);
  const dir = await mkdtemp(path.join(options.tmpDir ?? os.tmpdir(), `modrescue-example-${name}-`));
  let servers: RunningServers | undefined;
  try {
    const project = path.join(dir, 'project');
    const home = path.join(dir, 'home');
    const gopath = path.join(dir, 'gopath');
    await mkdir(project, { recursive: true });
    await mkdir(path.join(home, '.config', 'go'), { recursive: true });

    // The module proxy tree, built from the committed sources.
    const proxyDir = path.join(dir, 'proxy');
    const sources = await readModuleSources(path.join(src, 'modules'));
    const modules: BuiltModule[] = [];
    for (const m of sources) modules.push(await writeModule(proxyDir, m));
    await writeLists(proxyDir, sources);
    const tamperedZips = new Map<string, string>();
    for (const p of Object.values(spec.proxies)) {
      for (const k of p.tampered ?? []) {
        const m = modules.find((x) => key(x) === k);
        if (!m || tamperedZips.has(k)) continue;
        tamperedZips.set(k, (await writeModule(path.join(dir, 'tampered'), tamperedModule(m))).zipPath);
      }
    }
    servers = await startServers(spec.proxies, spec.sumdb, modules, tamperedZips);
    const s = servers;
    const fill = (v: string) =>
      v
        .replace(/\$\{proxy:([a-z0-9-]+)\}/g, (_m, n: string) => {
          const url = s.proxies[n];
          if (!url) throw new CodedError('ERR_RESPOND_EXAMPLE_INVALID', `${name}/example.json: no proxy "${n}"`, {});
          return url;
        })
        .replace(/\$\{sumdb\}/g, () => s.gosumdb ?? 'off')
        .replace(/\$\{sumdb:url\}/g, () => s.sumdbUrl ?? '');

    const env: Record<string, string> = {
      PATH: options.path ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: home,
      GOPATH: gopath,
      GOMODCACHE: path.join(gopath, 'pkg', 'mod'),
      GOCACHE: path.join(dir, 'gocache'),
      GO111MODULE: 'on',
      GOWORK: 'off',
      GOTOOLCHAIN: 'local',
      TMPDIR: options.tmpDir ?? os.tmpdir(),
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_TERMINAL_PROMPT: '0',
      GITHUB_ACTIONS: '',
      ...Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, fill(v)])),
    };
    const envFile = path.join(home, '.config', 'go', 'env');
    await writeFile(
      envFile,
      Object.entries(spec.goEnv)
        .map(([k, v]) => `${k}=${fill(v)}\n`)
        .join(''),
    );

    // Replay: the job failed a few minutes ago, and the commits moved with it.
    const logText = await readFile(path.join(src, 'ci.log'), 'utf8');
    const { last } = logTimes(logText);
    const replayAt = options.now === undefined ? new Date() : options.now;
    const offset = replayAt && last !== undefined ? replayAt.getTime() - FAILED_AGO_MS - last : 0;

    // The project: a git repository with the example's history, HEAD = project/.
    const gitEnv = { ...env, ...GIT_IDENTITY };
    try {
      await git(project, gitEnv, 'init', '-q', '-b', 'main');
    } catch (e) {
      // Without git an example that needs no history still runs (as a plain directory).
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || (spec.history ?? []).length > 0) {
        throw new CodedError(
          'ERR_RESPOND_EXAMPLE_INVALID',
          `example ${name}: git is needed to build its history: ${(e as Error).message}`,
          { name },
        );
      }
      await cp(path.join(src, 'project'), project, { recursive: true });
      return finish();
    }
    await git(project, gitEnv, 'config', 'user.name', GIT_IDENTITY.GIT_AUTHOR_NAME);
    await git(project, gitEnv, 'config', 'user.email', GIT_IDENTITY.GIT_AUTHOR_EMAIL);
    const steps = [
      ...(spec.history ?? []).map((h) => ({ ...h, from: path.join(src, 'history', h.dir) })),
      {
        from: path.join(src, 'project'),
        message: spec.head?.message ?? 'checkout: current main',
        date: spec.head?.date ?? '2025-03-14T09:00:00Z',
        ...(spec.head?.tag ? { tag: spec.head.tag } : {}),
      },
    ];
    for (const step of steps) {
      await replaceFiles(project, step.from);
      const date = shiftDate(step.date, offset);
      const dated = { ...gitEnv, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
      await git(project, dated, 'add', '-A');
      await git(project, dated, 'commit', '-q', '--allow-empty', '-m', step.message);
      if (step.tag) await git(project, dated, 'tag', '-a', step.tag, '-m', `release ${step.tag}`);
    }

    return await finish();

    async function finish(): Promise<ExampleWorld> {
      const log = path.join(dir, 'ci.log');
      await writeFile(log, offset === 0 ? logText : shiftLog(logText, offset));
      return {
        name,
        spec,
        dir,
        project,
        log,
        home,
        envFile,
        env,
        modules,
        servers: s,
        aliases: Object.fromEntries(Object.entries(spec.aliases ?? {}).map(([k, v]) => [k, fill(v)])),
        async close(opts = {}) {
          await s.close();
          if (!opts.keep) await removeTree(dir);
        },
      };
    }
  } catch (e) {
    await servers?.close();
    await removeTree(dir);
    throw e;
  }
}

/** removeTree removes dir, making read-only module-cache directories writable first. */
export async function removeTree(dir: string): Promise<void> {
  const walk = async (d: string): Promise<void> => {
    await chmod(d, 0o755).catch(() => undefined);
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      if (e.isDirectory()) await walk(path.join(d, e.name));
    }
  };
  await walk(dir);
  await rm(dir, { recursive: true, force: true });
}
