/**
 * A runner for the cmd/go script tests in ../shared/testdata/go-scripts (format:
 * go-scripts/README): the txtar comment is the script, its files are written to
 * $WORK/gopath/src (names starting with $WORK/ to $WORK), and each line runs one
 * command, optionally prefixed by conditions ([short], [!net:host], [GOOS:linux], …)
 * and by ! (must fail) or ? (may fail).
 *
 * `go …` lines run modrescue in-process or Debian's Go 1.19, as a routing function
 * decides per line (or stop the script there, with a reason). The script engine's own
 * commands — stdout, stderr, cmp, cmpenv, cp, env, cd, exists, grep, rm, mkdir,
 * replace, cat, echo, skip, stop, exec — are implemented here. Every executed line is
 * recorded with who ran it and whether it held.
 *
 * The only normalisation: modrescue's error prefix "modrescue: " is read as the go
 * command's "go: " at the start of stderr lines (docs/architecture.md §4).
 */
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { constants } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseTxtar } from '../../src/mod/txtar/index.js';
import { makeWritable, runGo } from './go.js';
import { run } from './cli.js';

/** Runner says who runs a `go` line. */
export type Runner = 'modrescue' | 'go1.19';

/** Route is the decision for one `go` line: a runner, or stop the script with a reason. */
export type Route = Runner | { readonly stop: string };

/** StepRecord is one executed script line. */
export interface StepRecord {
  readonly line: number;
  readonly text: string;
  /** Who ran it: a `go` line's runner, or "script" for the engine's own commands. */
  readonly by: Runner | 'script';
  readonly ok: boolean;
  readonly message?: string;
  /** For checks (stdout, stderr, cmp, exists, grep…): who ran the last `go` line before it. */
  readonly after?: Runner;
}

/** ScriptResult is how a script ended. */
export interface ScriptResult {
  readonly name: string;
  readonly steps: readonly StepRecord[];
  /** passed: ran to its end; stopped: a stop line or the route stopped it; skipped; failed. */
  readonly status: 'passed' | 'stopped' | 'skipped' | 'failed';
  /** The line and reason of a stop, skip or failure. */
  readonly at?: { readonly line: number; readonly reason: string };
}

/** GoScriptOptions configure one run. */
export interface GoScriptOptions {
  /** GOPROXY for the script (the test proxy's base URL, …/mod). */
  readonly goproxy: string;
  /** GOSUMDB for the script. */
  readonly gosumdb: string;
  /** route decides who runs a `go` line (args without "go"). */
  route(args: readonly string[], line: number): Route;
  /** The value of $goversion (the emulated go command's version). */
  readonly goversion: string;
}

/** Conditions this host satisfies (README's list; everything unknown is false). */
function condition(name: string): boolean {
  if (name === 'short') return false;
  if (name.startsWith('net:')) return false;
  if (name === 'GOOS:linux' || name === 'GOARCH:amd64' || name === 'compiler:gc') return true;
  if (name.startsWith('GOOS:') || name.startsWith('GOARCH:') || name.startsWith('compiler:')) return false;
  if (name === 'root') return process.getuid?.() === 0;
  if (name === 'case-sensitive' || name === 'symlink' || name === 'link') return true;
  if (name === 'git' || name === 'exec:git') return existsSync('/usr/bin/git');
  if (name.startsWith('exec:')) return existsSync(`/usr/bin/${name.slice(5)}`);
  return false;
}

/** words splits a script line into words: whitespace-separated, '…' quoting ('' = '), $VAR expansion outside quotes, # comments. */
function words(line: string, env: Record<string, string>): string[] {
  const out: string[] = [];
  let cur: string | undefined;
  let i = 0;
  const expand = (s: string) =>
    s.replace(/\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_m, a: string | undefined, b: string | undefined) => {
      const name = a ?? b!;
      if (name === '/') return '/';
      if (name === ':') return ':';
      return env[name] ?? '';
    });
  while (i < line.length) {
    const c = line[i]!;
    if (c === ' ' || c === '\t') {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
      i++;
    } else if (c === '#' && cur === undefined) {
      break;
    } else if (c === "'") {
      let j = i + 1;
      let s = '';
      for (;;) {
        const k = line.indexOf("'", j);
        if (k < 0) throw new Error(`unterminated quoted argument in: ${line}`);
        s += line.slice(j, k);
        if (line[k + 1] === "'") {
          s += "'";
          j = k + 2;
          continue;
        }
        i = k + 1;
        break;
      }
      cur = (cur ?? '') + s;
    } else {
      let j = i;
      while (j < line.length && line[j] !== ' ' && line[j] !== '\t' && line[j] !== "'") j++;
      cur = (cur ?? '') + expand(line.slice(i, j));
      i = j;
    }
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

function execProgram(file: string, args: string[], cwd: string, env: Record<string, string>) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(file, args, { cwd, env, encoding: 'utf8', timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** toGoStderr reads modrescue's "modrescue: " line prefix as the go command's "go: ". */
function toGoStderr(s: string): string {
  return s
    .split('\n')
    .map((l) => (l.startsWith('modrescue: ') ? 'go: ' + l.slice('modrescue: '.length) : l))
    .join('\n');
}

/** runGoScript runs one script file and reports every step. The scratch $WORK is removed afterwards. */
export async function runGoScript(file: string, options: GoScriptOptions): Promise<ScriptResult> {
  const name = path.basename(file, '.txt');
  const work = await mkdtemp(path.join(os.tmpdir(), `modrescue-script-${name}-`));
  try {
    return await runIn(work, file, name, options);
  } finally {
    await makeWritable(work);
    await rm(work, { recursive: true, force: true });
  }
}

async function runIn(work: string, file: string, name: string, options: GoScriptOptions): Promise<ScriptResult> {
  const archive = parseTxtar(new Uint8Array(await readFile(file)));
  const gopath = path.join(work, 'gopath');
  const src = path.join(gopath, 'src');
  await mkdir(src, { recursive: true });
  await mkdir(path.join(work, 'tmp'), { recursive: true });
  for (const f of archive.files) {
    const dest = f.name.startsWith('$WORK/') ? path.join(work, f.name.slice(6)) : path.join(src, f.name);
    await mkdir(path.dirname(dest), { recursive: true });
    await writeFile(dest, f.data);
  }
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    WORK: work,
    HOME: '/no-home',
    TMPDIR: path.join(work, 'tmp'),
    GOPATH: gopath,
    GOCACHE: path.join(work, 'gocache'),
    GOENV: 'off',
    GOPROXY: options.goproxy,
    GOSUMDB: options.gosumdb,
    GONOPROXY: '',
    GONOSUMDB: '',
    GOPRIVATE: '',
    GOVCS: '*:all',
    GOTOOLCHAIN: 'auto',
    CGO_ENABLED: '0',
    goversion: options.goversion,
    newline: '\n',
  };
  let cwd = src;
  let stdout = '';
  let stderr = '';
  const steps: StepRecord[] = [];
  let lastRunner: Runner | undefined;
  const script = new TextDecoder().decode(archive.comment).split('\n');
  const resolve = (p: string) => path.resolve(cwd, p);
  const readArg = async (p: string) =>
    p === 'stdout' ? stdout : p === 'stderr' ? stderr : readFile(resolve(p), 'utf8');

  for (let n = 0; n < script.length; n++) {
    const lineNo = n + 1;
    let text = script[n]!.trim();
    if (text === '' || text.startsWith('#')) continue;
    const raw = text;
    // Conditions and the !/? prefix.
    let neg = false;
    let maybe = false;
    let skipLine = false;
    for (;;) {
      const m = /^\[(!?)([^\]]+)\]\s*/.exec(text);
      if (m) {
        const holds = condition(m[2]!) !== (m[1] === '!');
        if (!holds) skipLine = true;
        text = text.slice(m[0].length);
        continue;
      }
      if (text.startsWith('! ')) {
        neg = true;
        text = text.slice(2).trim();
        continue;
      }
      if (text.startsWith('? ')) {
        maybe = true;
        text = text.slice(2).trim();
        continue;
      }
      break;
    }
    if (skipLine) continue;
    const w = words(text, env);
    const cmd = w[0]!;
    const args = w.slice(1);
    const isCheck = ['stdout', 'stderr', 'cmp', 'cmpenv', 'exists', 'grep'].includes(cmd);
    const record = (by: StepRecord['by'], ok: boolean, message?: string) =>
      steps.push({
        line: lineNo,
        text: raw,
        by,
        ok,
        ...(message !== undefined ? { message } : {}),
        ...(isCheck && lastRunner ? { after: lastRunner } : {}),
      });
    const fail = (by: StepRecord['by'], message: string): ScriptResult => {
      record(by, false, message);
      return { name, steps, status: 'failed', at: { line: lineNo, reason: message } };
    };
    const check = (by: StepRecord['by'], held: boolean, what: string): ScriptResult | undefined => {
      if (maybe) {
        record(by, true);
        return undefined;
      }
      if (held === !neg) {
        record(by, true);
        return undefined;
      }
      return fail(by, neg ? `unexpected success: ${what}` : what);
    };

    try {
      switch (cmd) {
        case 'go': {
          const route = options.route(args, lineNo);
          if (typeof route !== 'string') {
            return { name, steps, status: 'stopped', at: { line: lineNo, reason: route.stop } };
          }
          lastRunner = route;
          let res;
          if (route === 'modrescue') {
            res = await run(args, { cwd, env });
            res = { ...res, stderr: toGoStderr(res.stderr) };
          } else {
            res = await runGo(args, { cwd, env });
          }
          stdout = res.stdout;
          stderr = res.stderr;
          const r = check(route, res.code === 0, `exit status ${res.code}\n${res.stderr}`);
          if (r) return r;
          break;
        }
        case 'stdout':
        case 'stderr': {
          let count: number | undefined;
          let rest = args;
          while (rest[0]?.startsWith('-')) {
            const f = rest[0];
            if (f.startsWith('-count=')) count = Number(f.slice(7));
            rest = rest.slice(1);
          }
          const re = new RegExp(goRegexp(rest[0]!), 'gm');
          const buf = cmd === 'stdout' ? stdout : stderr;
          const n = [...buf.matchAll(re)].length;
          const held = count === undefined ? n > 0 : n === count;
          const r = check('script', held, `no match for ${rest[0]} in ${cmd}:\n${buf}`);
          if (r) return r;
          break;
        }
        case 'grep': {
          let count: number | undefined;
          let rest = args;
          while (rest[0]?.startsWith('-')) {
            if (rest[0].startsWith('-count=')) count = Number(rest[0].slice(7));
            rest = rest.slice(1);
          }
          const content = await readFile(resolve(rest[1]!), 'utf8').catch(() => '');
          const n = [...content.matchAll(new RegExp(goRegexp(rest[0]!), 'gm'))].length;
          const r = check('script', count === undefined ? n > 0 : n === count, `no match for ${rest[0]} in ${rest[1]}`);
          if (r) return r;
          break;
        }
        case 'cmp':
        case 'cmpenv': {
          const a = args.filter((x) => x !== '-q');
          const got = await readArg(a[0]!);
          let want = await readArg(a[1]!);
          if (cmd === 'cmpenv') want = expandEnv(want, env);
          const r = check('script', got === want, `${a[0]} and ${a[1]} differ:\n--- got\n${got}\n--- want\n${want}`);
          if (r) return r;
          break;
        }
        case 'cp': {
          const dst = resolve(args[args.length - 1]!);
          const srcs = args.slice(0, -1);
          const dstIsDir = existsSync(dst) && statSync(dst).isDirectory();
          for (const s of srcs) {
            const data = await readArg(s);
            const target = dstIsDir ? path.join(dst, path.basename(s)) : dst;
            await mkdir(path.dirname(target), { recursive: true });
            await rm(target, { force: true });
            await writeFile(target, data);
          }
          record('script', true);
          break;
        }
        case 'env': {
          for (const kv of args) {
            const eq = kv.indexOf('=');
            if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1);
          }
          record('script', true);
          break;
        }
        case 'cd':
          cwd = resolve(args[0]!);
          record('script', true);
          break;
        case 'exists': {
          const files = args.filter((x) => !x.startsWith('-'));
          let held = true;
          for (const f of files) {
            try {
              await access(resolve(f), args.includes('-exec') ? constants.X_OK : constants.F_OK);
            } catch {
              held = false;
            }
          }
          const r = check('script', held, `${files.join(' ')} ${neg ? 'exists' : 'does not exist'}`);
          if (r) return r;
          break;
        }
        case 'rm':
          for (const f of args) {
            await makeWritable(resolve(f)).catch(() => {});
            await rm(resolve(f), { recursive: true, force: true });
          }
          record('script', true);
          break;
        case 'mkdir':
          for (const f of args) await mkdir(resolve(f), { recursive: true });
          record('script', true);
          break;
        case 'replace': {
          const f = resolve(args[args.length - 1]!);
          let content = await readFile(f, 'utf8');
          for (let i = 0; i + 1 < args.length - 1; i += 2) {
            content = content
              .split(JSON.parse(`"${args[i]!}"`) as string)
              .join(JSON.parse(`"${args[i + 1]!}"`) as string);
          }
          await writeFile(f, content);
          record('script', true);
          break;
        }
        case 'cat':
          stdout = (await Promise.all(args.map((a) => readFile(resolve(a), 'utf8')))).join('');
          record('script', true);
          break;
        case 'echo':
          stdout = args.join(' ') + '\n';
          record('script', true);
          break;
        case 'skip':
          return { name, steps, status: 'skipped', at: { line: lineNo, reason: args.join(' ') || 'skip' } };
        case 'stop':
          return { name, steps, status: 'stopped', at: { line: lineNo, reason: args.join(' ') || 'stop' } };
        case 'exec': {
          const res = await execProgram(resolve(args[0]!), args.slice(1), cwd, env);
          stdout = res.stdout;
          stderr = res.stderr;
          const r = check('script', res.code === 0, `exec ${args[0]}: exit ${res.code}`);
          if (r) return r;
          break;
        }
        default:
          return { name, steps, status: 'stopped', at: { line: lineNo, reason: `unsupported script command ${cmd}` } };
      }
    } catch (e) {
      return fail('script', `${cmd}: ${(e as Error).message}`);
    }
  }
  return { name, steps, status: 'passed' };
}

/** expandEnv replaces $VAR and ${VAR} in text with the script environment's values. */
function expandEnv(text: string, env: Record<string, string>): string {
  return text.replace(
    /\$\{([^}]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, a: string | undefined, b: string | undefined) => {
      const name = a ?? b!;
      if (name === '/') return '/';
      if (name === ':') return ':';
      return env[name] ?? '';
    },
  );
}

/** goRegexp adapts an RE2 pattern to JavaScript (the script engine compiles "(?m)" + pattern). */
function goRegexp(p: string): string {
  return p.replace(/\\Q(.*?)(\\E|$)/g, (_m, lit: string) => lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
}
