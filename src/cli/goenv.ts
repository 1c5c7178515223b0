/**
 * Resolves the module-related Go environment exactly as `go env` does (cmd/go/internal/cfg
 * and envcmd): the process environment (`io.env`) wins when non-empty, then the go env file
 * (`$GOENV`, default `os.UserConfigDir()/go/env`; `GOENV=off` disables it), then the
 * defaults of current Go. The result is a frozen GoEnv (src/shared/goenv.ts) that records
 * each value's source; invalid settings are collected as problems with the go command's
 * wording rather than thrown, because `go env` itself keeps working with them.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  GO_ENV_NAMES,
  NETWORK_ENV_NAMES,
  type EnvName,
  type GoEnv,
  type GoEnvProblem,
  type GoEnvValue,
} from '../shared/goenv.js';
import { isCodedError } from '../shared/errors.js';
import { parseProxyList } from '../mod/goproxy/list.js';
import { goQuote } from '../mod/module/index.js';
import type { HttpClientOptions } from '../mod/web/client.js';

export type { GoEnv } from '../shared/goenv.js';

/** GO_DEFAULTS are current Go's defaults (from $GOROOT/go.env and cmd/go/internal/cfg). */
export const GO_DEFAULTS = {
  GOPROXY: 'https://proxy.golang.org,direct',
  GOSUMDB: 'sum.golang.org',
  GOTOOLCHAIN: 'auto',
  GOAUTH: 'netrc',
} as const;

export interface ResolveGoEnvOptions {
  /** The process environment (io.env). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The working directory (GOWORK discovery searches upward from here). */
  readonly cwd: string;
}

/** parseGoEnvFile parses the go env file format written by `go env -w` (KEY=VALUE lines; others ignored; the last duplicate wins). */
export function parseGoEnvFile(data: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of data.split('\n')) {
    const i = line.indexOf('=');
    // The go command ignores lines without '=' and lines not starting with A-Z
    // (comments, blank lines, corruption): it must stay usable whatever the file holds.
    if (i < 0 || line.length === 0 || line[0]! < 'A' || line[0]! > 'Z') continue;
    m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

/**
 * envFilePath returns the go env file the go command would read, or an explanation of why
 * there is none (`GOENV=off`, no config directory), as cfg.EnvFile does.
 */
export function envFilePath(env: ResolveGoEnvOptions['env']): { path?: string; reason?: string } {
  const goenv = env['GOENV'];
  if (goenv) return goenv === 'off' ? { reason: 'GOENV=off' } : { path: goenv };
  let dir = env['XDG_CONFIG_HOME'] ?? '';
  if (dir !== '' && !path.isAbsolute(dir)) return { reason: 'path in $XDG_CONFIG_HOME is relative' };
  if (dir === '') {
    const home = env['HOME'] ?? '';
    if (home === '') return { reason: 'neither $XDG_CONFIG_HOME nor $HOME are defined' };
    dir = home + '/.config';
  }
  return { path: path.join(dir, 'go/env') };
}

/** resolveGoEnv resolves every variable of GO_ENV_NAMES and NETWORK_ENV_NAMES; it never throws on bad settings (see GoEnv.problems). */
export async function resolveGoEnv(options: ResolveGoEnvOptions): Promise<GoEnv> {
  const env = options.env;
  const fileInfo = envFilePath(env);
  let file = new Map<string, string>();
  let read = false;
  if (fileInfo.path) {
    try {
      file = parseGoEnvFile(await readFile(fileInfo.path, 'utf8'));
      read = true;
    } catch {
      // A missing or unreadable env file is the same as an empty one (cfg.initEnvCache).
    }
  }

  const vars = {} as Record<EnvName, GoEnvValue>;
  const getenv = (name: string): GoEnvValue | undefined => {
    const v = env[name];
    if (v) return { value: v, source: 'environment' };
    const f = file.get(name);
    if (f) return { value: f, source: 'go env file' };
    return undefined;
  };
  const envOr = (name: string, def: GoEnvValue): GoEnvValue => getenv(name) ?? def;
  const dflt = (value: string): GoEnvValue => ({ value, source: 'default' });

  vars.GO111MODULE = envOr('GO111MODULE', dflt(''));
  vars.GOAUTH = envOr('GOAUTH', dflt(GO_DEFAULTS.GOAUTH));
  vars.GOENV = env['GOENV'] ? { value: fileInfo.path ?? '', source: 'environment' } : dflt(fileInfo.path ?? '');
  vars.GOFLAGS = envOr('GOFLAGS', dflt(''));
  vars.GOINSECURE = envOr('GOINSECURE', dflt(''));
  const home = env['HOME'] ?? '';
  vars.GOPATH = envOr('GOPATH', dflt(home ? path.join(home, 'go') : ''));
  const firstGopath = vars.GOPATH.value.split(':')[0] ?? '';
  // A GOPATH inferred from a relative $HOME is dropped (cmd/go main), after GOMODCACHE was derived from it.
  const inferredGopath = vars.GOPATH;
  if (inferredGopath.source === 'default' && inferredGopath.value !== '' && !path.isAbsolute(inferredGopath.value)) {
    vars.GOPATH = dflt('');
  }
  vars.GOMODCACHE = envOr('GOMODCACHE', {
    value: firstGopath === '' ? '' : path.join(firstGopath, 'pkg/mod'),
    source: inferredGopath.source,
    from: 'GOPATH',
  });
  vars.GOPRIVATE = envOr('GOPRIVATE', dflt(''));
  const fromPrivate: GoEnvValue =
    vars.GOPRIVATE.value === ''
      ? dflt('')
      : { value: vars.GOPRIVATE.value, source: vars.GOPRIVATE.source, from: 'GOPRIVATE' };
  vars.GONOPROXY = envOr('GONOPROXY', fromPrivate);
  vars.GONOSUMDB = envOr('GONOSUMDB', fromPrivate);
  vars.GOPROXY = envOr('GOPROXY', dflt(GO_DEFAULTS.GOPROXY));
  vars.GOSUMDB = envOr('GOSUMDB', dflt(GO_DEFAULTS.GOSUMDB));
  vars.GOTOOLCHAIN = envOr('GOTOOLCHAIN', dflt(GO_DEFAULTS.GOTOOLCHAIN));
  vars.GOVCS = envOr('GOVCS', dflt(''));
  vars.GOWORK = await resolveGowork(getenv('GOWORK'), options.cwd);

  // Proxy variables: upper-case first, then lower-case (golang.org/x/net/http/httpproxy);
  // the process environment only.
  for (const name of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY'] as const) {
    const upper = env[name];
    const lower = env[name.toLowerCase()];
    vars[name] = upper
      ? { value: upper, source: 'environment' }
      : lower
        ? { value: lower, source: 'environment', from: name.toLowerCase() }
        : dflt('');
  }
  vars.SSL_CERT_FILE = env['SSL_CERT_FILE'] ? { value: env['SSL_CERT_FILE'], source: 'environment' } : dflt('');
  vars.SSL_CERT_DIR = env['SSL_CERT_DIR'] ? { value: env['SSL_CERT_DIR'], source: 'environment' } : dflt('');
  vars.NETRC = env['NETRC']
    ? { value: env['NETRC'], source: 'environment' }
    : dflt(home ? path.join(home, '.netrc') : '');

  const problems = checkGoEnv(vars);
  for (const name of [...GO_ENV_NAMES, ...NETWORK_ENV_NAMES]) Object.freeze(vars[name]);
  return Object.freeze({
    vars: Object.freeze(vars),
    envFile: Object.freeze({ path: fileInfo.path, read }),
    problems: Object.freeze(problems),
  });
}

async function resolveGowork(setting: GoEnvValue | undefined, cwd: string): Promise<GoEnvValue> {
  const raw = setting?.value ?? '';
  if (raw === 'off') return setting!;
  if (raw !== '' && raw !== 'auto') return setting!;
  let dir = path.resolve(cwd);
  for (;;) {
    const f = path.join(dir, 'go.work');
    const st = await stat(f).catch(() => undefined);
    if (st && !st.isDirectory()) return { value: f, source: setting?.source ?? 'default' };
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { value: '', source: setting?.source ?? 'default' };
}

/**
 * KNOWN_GO_FLAGS are the flag names any go subcommand defines; `GOFLAGS` may name only
 * these (base.InitGOFLAGS checks against every command's flag set).
 */
const KNOWN_GO_FLAGS = new Set(
  (
    'C a args asan asmflags bench benchmem benchtime blockprofile buildmode buildvcs c cache compat compiled ' +
    'compiler count cover covermode coverpkg coverprofile cpu cpuprofile d debug-actiongraph debug-trace deps diff ' +
    'dropexclude dropgodebug dropreplace droprequire dropretract droptool dropuse e exclude exec export f failfast ' +
    'find fix fmt fullpath fuzz fuzzcache fuzzminimizetime fuzztime gccgoflags gcflags go godebug i insecure installsuffix ' +
    'json l ldflags linkshared list m memprofile memprofilerate mod modcache modcacherw modfile module msan ' +
    'mutexprofile mutexprofilefraction n o outputdir overlay p parallel pgo pkgdir print r race replace require ' +
    'retract retracted reuse run s short shuffle skip sync t tags test testcache timeout tool toolchain toolexec ' +
    'trace trimpath u use v versions vet vettool w work x'
  ).split(' '),
);

/** checkGoEnv returns the problems of resolved values, in the go command's wording. */
export function checkGoEnv(vars: Readonly<Record<EnvName, GoEnvValue>>): GoEnvProblem[] {
  const problems: GoEnvProblem[] = [];
  const add = (name: EnvName, code: string, message: string) => problems.push({ name, code, message });

  switch (vars.GO111MODULE.value) {
    case '':
    case 'auto':
    case 'on':
    case 'off':
      break;
    default:
      add('GO111MODULE', 'ERR_GOENV_GO111MODULE', `unknown environment setting GO111MODULE=${vars.GO111MODULE.value}`);
  }

  for (const f of vars.GOFLAGS.value.split(/[ \t\n\r\v\f]+/).filter((w) => w !== '')) {
    if (
      !f.startsWith('-') ||
      f === '-' ||
      f === '--' ||
      f.startsWith('---') ||
      f.startsWith('-=') ||
      f.startsWith('--=')
    ) {
      add('GOFLAGS', 'ERR_GOENV_GOFLAGS', `parsing $GOFLAGS: non-flag ${goQuote(f)}`);
      continue;
    }
    let name = f.slice(1);
    if (name.startsWith('-')) name = name.slice(1);
    const eq = name.indexOf('=');
    if (eq >= 0) name = name.slice(0, eq);
    if (!KNOWN_GO_FLAGS.has(name)) add('GOFLAGS', 'ERR_GOENV_GOFLAGS', `parsing $GOFLAGS: unknown flag -${name}`);
  }

  try {
    parseProxyList(vars.GOPROXY.value, { noProxy: vars.GONOPROXY.value });
  } catch (e) {
    if (!isCodedError(e)) throw e;
    add('GOPROXY', 'ERR_GOENV_GOPROXY', e.message);
  }

  const sumdb = checkGosumdb(vars.GOSUMDB.value);
  if (sumdb) add('GOSUMDB', 'ERR_GOENV_GOSUMDB', sumdb);

  const gopath = vars.GOPATH.value;
  for (const entry of gopath.split(':')) {
    if (entry === '') continue;
    if (entry.startsWith('~')) {
      add('GOPATH', 'ERR_GOENV_GOPATH', `GOPATH entry cannot start with shell metacharacter '~': ${goQuote(entry)}`);
    } else if (!path.isAbsolute(entry)) {
      add(
        'GOPATH',
        'ERR_GOENV_GOPATH',
        `GOPATH entry is relative; must be absolute path: ${goQuote(entry)}.\nFor more details see: 'go help gopath'`,
      );
    }
  }
  const modcache = vars.GOMODCACHE.value;
  if (modcache !== '' && !path.isAbsolute(modcache)) {
    add(
      'GOMODCACHE',
      'ERR_GOENV_GOMODCACHE',
      `GOMODCACHE entry is relative; must be absolute path: ${goQuote(modcache)}.`,
    );
  }
  if (modcache === '' && gopath === '') {
    add('GOPATH', 'ERR_GOENV_GOPATH', 'module cache not found: neither GOMODCACHE nor GOPATH is set');
  }
  const gowork = vars.GOWORK.value;
  if (gowork !== '' && gowork !== 'off' && !path.isAbsolute(gowork)) {
    add('GOWORK', 'ERR_GOENV_GOWORK', 'the path provided to GOWORK must be an absolute path');
  }

  const auth = vars.GOAUTH.value;
  const cmds = auth.split(';');
  for (const c of cmds) {
    const words = c
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '');
    if (words.length === 0) {
      add('GOAUTH', 'ERR_GOENV_GOAUTH', `GOAUTH encountered an empty command (GOAUTH=${auth})`);
    } else if (words[0] === 'off' && cmds.length !== 1) {
      add(
        'GOAUTH',
        'ERR_GOENV_GOAUTH',
        `GOAUTH=off cannot be combined with other authentication commands (GOAUTH=${auth})`,
      );
    } else if (words[0] === 'netrc' && words.length !== 1) {
      add('GOAUTH', 'ERR_GOENV_GOAUTH', 'GOAUTH=netrc does not accept arguments');
    }
  }
  return problems;
}

/** KNOWN_SUMDB are the GOSUMDB names the go command has keys for. */
const KNOWN_SUMDB = new Set(['sum.golang.org', 'sum.golang.google.cn']);

/** checkGosumdb returns the go command's error for a GOSUMDB value it cannot dial, or undefined. */
export function checkGosumdb(value: string): string | undefined {
  if (value === 'off') return undefined;
  const fields = value.split(/\s+/).filter((f) => f !== '');
  if (fields.length === 0) return 'missing GOSUMDB';
  if (fields.length > 2) return 'invalid GOSUMDB: too many fields';
  const key = fields[0]!;
  if (!KNOWN_SUMDB.has(key)) {
    const err = checkVerifierKey(key);
    if (err) return `invalid GOSUMDB: ${err}`;
    const name = key.slice(0, key.indexOf('+'));
    if (name.endsWith('/') || !/^[^/?#@:\s]+(:\d+)?(\/[^?#\s]*)?$/.test(name)) {
      return `invalid sumdb name (must be host[/path]): ${name}`;
    }
  }
  if (fields.length === 2) {
    try {
      new URL(fields[1]!);
    } catch {
      if (!fields[1]!.startsWith('/')) return `invalid GOSUMDB URL: parse ${goQuote(fields[1]!)}: invalid URI`;
    }
  }
  return undefined;
}

/** checkVerifierKey checks a note verifier key `name+hash+base64` as note.NewVerifier does. */
function checkVerifierKey(vkey: string): string | undefined {
  const [name = '', hash16 = '', ...rest] = vkey.split('+');
  const key64 = rest.join('+');
  const key = /^[A-Za-z0-9+/]*={0,2}$/.test(key64) && key64.length % 4 === 0 ? Buffer.from(key64, 'base64') : undefined;
  if (hash16.length !== 8 || !/^[0-9a-fA-F]{8}$/.test(hash16) || !key || key.length === 0 || !isValidNoteName(name)) {
    return 'malformed verifier id';
  }
  const sum = createHash('sha256')
    .update(name + '\n')
    .update(key)
    .digest();
  if (sum.readUInt32BE(0) !== parseInt(hash16, 16)) return 'invalid verifier hash';
  if (key[0] !== 1) return 'unknown verifier algorithm';
  if (key.length !== 33) return 'malformed verifier id';
  return undefined;
}

function isValidNoteName(name: string): boolean {
  return name !== '' && !/[\s+]/u.test(name);
}

/**
 * httpClientOptions turns a resolved GoEnv into createHttpClient options, as the go
 * command configures its client: HTTP_PROXY/HTTPS_PROXY/NO_PROXY values, extra CAs from
 * SSL_CERT_FILE and the ':'-separated SSL_CERT_DIR, GOAUTH, and the .netrc content read
 * from NETRC (default $HOME/.netrc; a missing file means no credentials). `overrides`
 * (timeouts, retries) win.
 */
export async function httpClientOptions(env: GoEnv, overrides: HttpClientOptions = {}): Promise<HttpClientOptions> {
  const v = (n: keyof GoEnv['vars']) => env.vars[n].value;
  let netrc = '';
  if (v('NETRC') !== '') netrc = await readFile(v('NETRC'), 'utf8').catch(() => '');
  return {
    httpProxy: v('HTTP_PROXY'),
    httpsProxy: v('HTTPS_PROXY'),
    noProxy: v('NO_PROXY'),
    ...(v('SSL_CERT_FILE') !== '' ? { caFiles: [v('SSL_CERT_FILE')] } : {}),
    ...(v('SSL_CERT_DIR') !== ''
      ? {
          caDirs: v('SSL_CERT_DIR')
            .split(':')
            .filter((d) => d !== ''),
        }
      : {}),
    goauth: v('GOAUTH'),
    netrc,
    ...overrides,
  };
}

/**
 * goCacheDir returns the build cache directory the go command uses for this process
 * environment: GOCACHE when set, else $XDG_CACHE_HOME/go-build, else $HOME/.cache/go-build
 * (os.UserCacheDir), else '' (none can be located).
 */
export function goCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env['GOCACHE']) return env['GOCACHE'];
  if (env['XDG_CACHE_HOME']) return path.join(env['XDG_CACHE_HOME'], 'go-build');
  const home = env['HOME'] ?? '';
  return home ? path.join(home, '.cache', 'go-build') : '';
}
