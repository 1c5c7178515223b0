/**
 * `modrescue env [-json] [VAR ...]` prints the module-related Go environment the way
 * `go env` prints it (Go 1.19's `NAME="value"` lines in go env order, `-json` as Go's
 * encoder writes it, `env VAR…` one raw value per line). `--explain` says where each value
 * came from and what it means, and compares with `go env -json` when a go command exists.
 */
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import type { CliContext } from '../context.js';
import { parseFlags, usageError } from '../flags.js';
import { resolveGoEnv } from '../goenv.js';
import {
  GO119_UNKNOWN_NAMES,
  GO_ENV_NAMES,
  NETWORK_ENV_NAMES,
  goEnvValue,
  type EnvName,
  type GoEnv,
  type GoEnvValue,
} from '../../shared/goenv.js';
import { parseProxyList } from '../../mod/goproxy/list.js';
import { redactUrl } from '../../mod/web/url.js';
import { redact } from '../../shared/redact.js';
import { EXIT } from '../exit.js';

export const usage = `usage: modrescue env [-json] [--explain [--json]] [var ...]

Env prints the module-related Go environment exactly as 'go env' does:
by default NAME="value" lines; with -json a JSON object; with variable
names, the raw value of each, one per line.

Values are resolved as the go command resolves them: the process
environment first, then the go env file ($GOENV, default
$XDG_CONFIG_HOME/go/env or $HOME/.config/go/env), then Go's defaults.

  -json      print the environment in JSON format (as 'go env -json')
  --explain  say where each value came from and what it means; when a go
             command is on PATH, also compare with 'go env -json'
  --json     with --explain: a modrescue JSON document (schemaVersion 1)

Variables: ${GO_ENV_NAMES.join(' ')}
and (explain and 'env VAR' only) ${NETWORK_ENV_NAMES.join(' ')}.

Exit status: 0, or 2 for a usage error.`;

export async function run(args: readonly string[], ctx: CliContext): Promise<number> {
  const flags = parseFlags(
    args,
    { json: { kind: 'bool' }, explain: { kind: 'bool' }, u: { kind: 'bool' }, w: { kind: 'bool' } },
    { interspersed: false },
  );
  if (flags.values['u'] || flags.values['w']) {
    throw usageError('env -w and -u are not supported: modrescue only reads the Go environment (use go env -w)');
  }
  const env = await resolveGoEnv({ env: ctx.io.env, cwd: ctx.io.cwd });
  if (flags.values['explain']) return explain(env, ctx, flags.values['json'] === true, flags.args);

  const names = flags.args.length > 0 ? flags.args : [...GO_ENV_NAMES];
  if (flags.values['json']) {
    const entries = names.map((n) => [n, printable(env, n)] as [string, string]);
    ctx.io.stdout.write(goJsonObject(entries));
    return EXIT.OK;
  }
  if (flags.args.length > 0) {
    for (const n of names) ctx.io.stdout.write(printable(env, n) + '\n');
    return EXIT.OK;
  }
  for (const n of names) ctx.io.stdout.write(`${n}="${printable(env, n)}"\n`);
  return EXIT.OK;
}

/**
 * printable is the value as go env prints it, except that secrets (URL passwords, tokens)
 * are redacted: the one deliberate difference from go env, which prints them.
 */
function printable(env: GoEnv, name: string): string {
  return redact(goEnvValue(env, name));
}

/**
 * goJsonObject encodes entries as Go's json.Encoder with SetIndent("", "\t") encodes a
 * map[string]string: keys sorted, tab indentation, HTML characters escaped, newline at the end.
 */
export function goJsonObject(entries: Array<[string, string]>): string {
  const m = new Map(entries);
  const keys = [...m.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (keys.length === 0) return '{}\n';
  return '{\n' + keys.map((k) => `\t${goJsonString(k)}: ${goJsonString(m.get(k)!)}`).join(',\n') + '\n}\n';
}

/** goJsonString quotes s as Go 1.19's encoding/json does (HTML-safe, \u00XX for other controls). */
export function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

interface Explained {
  name: EnvName;
  value: string;
  source: GoEnvValue['source'];
  from?: string;
  meaning: string;
}

interface GoComparison {
  go: string;
  version?: string;
  error?: string;
  agree: string[];
  differ: Array<{ name: string; modrescue: string; go: string }>;
  unknownToGo: string[];
}

async function explain(env: GoEnv, ctx: CliContext, json: boolean, only: string[]): Promise<number> {
  const all = [...GO_ENV_NAMES, ...NETWORK_ENV_NAMES] as EnvName[];
  for (const n of only)
    if (!all.includes(n as EnvName)) throw usageError(`unknown variable ${n} (known: ${all.join(', ')})`);
  const names = only.length > 0 ? (only as EnvName[]) : all;
  const rows: Explained[] = names.map((name) => {
    const v = env.vars[name];
    return {
      name,
      value: redact(redactUrl(v.value)),
      source: v.source,
      ...(v.from ? { from: v.from } : {}),
      meaning: meaning(name, env),
    };
  });
  const comparison = await compareWithGo(env, ctx);
  if (json) {
    const doc = { envFile: env.envFile, variables: rows, problems: env.problems, goCommand: comparison ?? null };
    // Redact the serialised document (messages and go's values may embed credentials).
    ctx.json(JSON.parse(redact(JSON.stringify(doc))) as Record<string, unknown>);
    return EXIT.OK;
  }
  const out: string[] = [];
  out.push(
    env.envFile.path
      ? `go env file: ${env.envFile.path}${env.envFile.read ? '' : ' (not present)'}`
      : 'go env file: none (GOENV=off or no config directory)',
    '',
  );
  for (const r of rows) {
    const src = r.from ? `${r.source}, via ${r.from}` : r.source;
    out.push(`${r.name}=${JSON.stringify(r.value)}  (${src})`);
    out.push(`    ${r.meaning}`);
  }
  if (env.problems.length > 0) {
    out.push('', 'Problems:');
    for (const p of env.problems) out.push(`  ${p.name}: ${p.message.replace(/\n/g, '\n    ')}`);
  }
  out.push('');
  if (!comparison) {
    out.push('go command: not found on PATH (no comparison with go env)');
  } else if (comparison.error) {
    out.push(`go command: ${comparison.go}: ${comparison.error}`);
  } else {
    const ver = comparison.version ? ` (${comparison.version})` : '';
    if (comparison.differ.length === 0) {
      out.push(`go command${ver}: agrees on ${comparison.agree.length} variables`);
    } else {
      out.push(`go command${ver}: ${comparison.differ.length} difference(s):`);
      for (const d of comparison.differ) {
        out.push(`  ${d.name}: modrescue ${JSON.stringify(d.modrescue)}, go ${JSON.stringify(d.go)}`);
      }
    }
    if (comparison.unknownToGo.length > 0) {
      out.push(`  not known to this go command: ${comparison.unknownToGo.join(', ')}`);
    }
  }
  ctx.out(redact(out.join('\n')));
  return EXIT.OK;
}

/** meaning says in plain words what a value does. */
function meaning(name: EnvName, env: GoEnv): string {
  const v = (n: EnvName) => env.vars[n].value;
  const value = v(name);
  const sumdbName =
    v('GOSUMDB') === 'off' ? 'the checksum database' : (v('GOSUMDB').split(/\s+/)[0] ?? '').split('+')[0];
  switch (name) {
    case 'GO111MODULE':
      if (value === 'off') return 'module mode is off: the go command uses GOPATH mode';
      if (value === 'on') return 'module mode is on everywhere';
      return 'module mode (the default): go.mod files are used';
    case 'GOAUTH':
      if (value === 'off') return 'no credentials are sent to proxies or servers';
      if (value === 'netrc')
        return `credentials for HTTPS hosts come from ${v('NETRC') || 'the .netrc file'} (Basic auth, only to the matching host)`;
      return `authentication commands: ${value} (modrescue applies only the netrc method)`;
    case 'GOENV':
      return value === ''
        ? 'no go env file is used'
        : `the go env file (written by go env -w) read for settings not in the environment`;
    case 'GOFLAGS':
      return value === '' ? 'no default flags' : `flags added to every go command: ${value}`;
    case 'GOINSECURE':
      return value === ''
        ? 'every module is fetched over HTTPS with certificate checks'
        : `module paths fetched without HTTPS certificate checks: ${list(value)}`;
    case 'GOMODCACHE':
      return `downloaded modules are stored in ${value || '(nowhere: neither GOMODCACHE nor GOPATH is set)'}`;
    case 'GONOPROXY':
      return value === ''
        ? 'every module goes through GOPROXY'
        : `module paths fetched directly from version control, not through GOPROXY: ${list(value)}`;
    case 'GONOSUMDB':
      return value === ''
        ? `every module is checked against ${sumdbName}`
        : `module paths not checked against ${sumdbName}: ${list(value)}`;
    case 'GOPATH':
      return value === ''
        ? 'GOPATH is not set'
        : `the Go workspace (the module cache defaults to its first entry + /pkg/mod)`;
    case 'GOPRIVATE':
      return value === ''
        ? 'no private module paths'
        : `private paths: ${list(value)}; these are fetched directly and not checked against ${sumdbName}`;
    case 'GOPROXY':
      return describeProxyList(value, v('GONOPROXY'));
    case 'GOSUMDB':
      if (value === 'off') return 'the checksum database is not consulted: go.sum is the only check';
      return `downloaded modules are checked against the checksum database ${sumdbName}`;
    case 'GOTOOLCHAIN':
      if (value === 'local') return 'always use the installed go command';
      if (value === 'auto') return 'switch to a newer toolchain when go.mod or go.work asks for one (Go 1.21+)';
      return `toolchain selection: ${value} (Go 1.21+)`;
    case 'GOVCS':
      return value === ''
        ? 'default version-control rules (public: git and hg; private: all)'
        : `version-control systems allowed: ${value}`;
    case 'GOWORK':
      if (value === 'off') return 'workspace mode is disabled';
      return value === '' ? 'no go.work file: not in workspace mode' : `workspace file in use: ${value}`;
    case 'HTTP_PROXY':
      return value === ''
        ? 'plain-HTTP requests go out directly'
        : `plain-HTTP requests go through ${redactUrl(value)}`;
    case 'HTTPS_PROXY':
      return value === '' ? 'HTTPS requests go out directly' : `HTTPS requests go through ${redactUrl(value)}`;
    case 'NO_PROXY':
      return value === '' ? 'no hosts bypass the HTTP proxy' : `hosts reached without the proxy: ${value}`;
    case 'SSL_CERT_FILE':
      return value === '' ? 'system CA certificates only' : `extra CA certificates are read from ${value}`;
    case 'SSL_CERT_DIR':
      return value === ''
        ? 'no extra CA certificate directory'
        : `extra CA certificates are read from the files in ${value}`;
    case 'NETRC':
      return `the .netrc file with credentials for HTTPS hosts: ${value || '(none: $HOME is not set)'}`;
  }
}

function list(value: string): string {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .join(', ');
}

function describeProxyList(goproxy: string, gonoproxy: string): string {
  let specs;
  try {
    specs = parseProxyList(goproxy, { noProxy: gonoproxy });
  } catch (e) {
    return `invalid: ${(e as Error).message}`;
  }
  const parts: string[] = [];
  specs.forEach((s, i) => {
    if (s.url === 'noproxy') return;
    const last = i === specs.length - 1;
    const name =
      s.url === 'direct'
        ? 'direct (from version control)'
        : s.url === 'off'
          ? 'off (downloads are disallowed)'
          : redactUrl(s.url);
    const next =
      last || s.url === 'direct' || s.url === 'off'
        ? ''
        : s.fallBackOnError
          ? ' (next on any error)'
          : ' (next only on 404/410)';
    parts.push(name + next);
  });
  return `modules are fetched from: ${parts.join(', then ')}`;
}

/** findOnPath returns the first executable `go` on PATH from io.env. */
async function findGo(envPath: string | undefined): Promise<string | undefined> {
  for (const dir of (envPath ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const p = path.join(dir, 'go');
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

function execGo(
  go: string,
  args: string[],
  ctx: CliContext,
): Promise<{ stdout: string; stderr: string; error?: Error }> {
  return new Promise((resolve) => {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(ctx.io.env)) if (v !== undefined) env[k] = v;
    execFile(
      go,
      args,
      { cwd: ctx.io.cwd, env, timeout: 15_000, maxBuffer: 4 * 1024 * 1024, encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ stdout, stderr, ...(error ? { error } : {}) }),
    );
  });
}

async function compareWithGo(env: GoEnv, ctx: CliContext): Promise<GoComparison | undefined> {
  const go = await findGo(ctx.io.env['PATH']);
  if (!go) return undefined;
  const ver = await execGo(go, ['env', 'GOVERSION'], ctx);
  const version = ver.error ? undefined : ver.stdout.trim();
  const res = await execGo(go, ['env', '-json'], ctx);
  if (res.error) {
    const msg = (res.stderr.trim() || res.error.message).split('\n')[0] ?? '';
    return {
      go,
      ...(version ? { version } : {}),
      error: `go env -json failed: ${msg}`,
      agree: [],
      differ: [],
      unknownToGo: [],
    };
  }
  let goEnv: Record<string, string>;
  try {
    goEnv = JSON.parse(res.stdout) as Record<string, string>;
  } catch {
    return { go, error: 'go env -json printed something that is not JSON', agree: [], differ: [], unknownToGo: [] };
  }
  const cmp: GoComparison = { go, ...(version ? { version } : {}), agree: [], differ: [], unknownToGo: [] };
  for (const name of GO_ENV_NAMES) {
    if (!(name in goEnv)) {
      cmp.unknownToGo.push(name);
      continue;
    }
    const ours = env.vars[name].value;
    if (ours === goEnv[name]) cmp.agree.push(name);
    else cmp.differ.push({ name, modrescue: redactUrl(ours), go: redactUrl(goEnv[name] ?? '') });
  }
  // Variables that only newer Go reports are "unknown", not differences.
  for (const n of GO119_UNKNOWN_NAMES) if (!(n in goEnv) && !cmp.unknownToGo.includes(n)) cmp.unknownToGo.push(n);
  return cmp;
}
