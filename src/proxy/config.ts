/**
 * The proxy's configuration: one schema, three sources, validated once.
 *
 * Sources, lowest to highest precedence: built-in defaults, a config file (YAML or JSON;
 * JSON is YAML), environment variables `MODRESCUE_PROXY_*`, command-line flags. The CLI
 * reads the file and the environment and passes their contents here (this layer does no
 * I/O); resolveProxyConfig merges them, validates everything with zod, and either returns
 * a frozen ProxyConfig with the source of every value or throws one ProxyConfigError that
 * lists every problem at once (with file:line:col for file values).
 *
 * SETTINGS is the single table of keys, environment variables and flags; docs/proxy.md is
 * checked against it by a test.
 */
import { LineCounter, parseDocument, stringify } from 'yaml';
import { z } from 'zod';
import { parseProxyList } from '../mod/goproxy/list.js';
import { redact, REDACTED } from '../shared/redact.js';
import { ProxyError } from './errors.js';

/** UpstreamConfig is one upstream proxy of the chain. */
export interface UpstreamConfig {
  /** Base URL (http, https or file), possibly with credentials; `off` ends the chain. */
  readonly url: string;
  /** After this upstream, fall through on any error (`|`) rather than only on 404/410 (`,`). */
  readonly fallBackOnError: boolean;
  /** Total time limit of one request to this upstream, in ms. */
  readonly timeoutMs: number;
  /** Connect time limit, in ms. */
  readonly connectTimeoutMs: number;
  /** Retries of a failed idempotent request (network errors, 429, 5xx). */
  readonly retries: number;
  /** Extra request headers (e.g. Authorization); values are secrets. */
  readonly headers: Readonly<Record<string, string>>;
}

/** ProxyConfig is the validated, effective configuration. */
export interface ProxyConfig {
  readonly listen: { readonly host: string; readonly port: number };
  readonly storage: {
    readonly root: string;
    readonly fsync: boolean;
    /** Size cap in bytes (0: none). Over the cap, least recently used list data is evicted. */
    readonly maxBytes: number;
    /** Whether versioned files (.info/.mod/.zip) may be evicted too when over the cap. */
    readonly evictVersioned: boolean;
  };
  readonly upstreams: readonly UpstreamConfig[];
  /** Checksum databases in GOSUMDB syntax (`name`, `name+key`, `name+key url`); empty: off. */
  readonly sumdb: readonly string[];
  /** GONOSUMDB patterns: matching modules are not checked against a checksum database. */
  readonly noSumdb: string;
  /** GOPRIVATE patterns: like noSumdb (private modules are never looked up publicly). */
  readonly private: string;
  /** Serve only from the cache. */
  readonly offline: boolean;
  readonly verify: {
    /**
     * Refuse a zip whose go.mod differs from the module's `.mod` (default true). Off, the
     * difference is only logged; both files are still checked against the checksum database.
     */
    readonly goModMatchesZip: boolean;
  };
  readonly cache: {
    /** How long a cached list/@latest answer is fresh, ms. */
    readonly listTtlMs: number;
    /** After the TTL, how long the cached answer is still served while a refresh runs in the background, ms. */
    readonly staleWhileRevalidateMs: number;
    /** How long a cached checksum-database `latest` is fresh, ms. */
    readonly sumdbLatestTtlMs: number;
  };
  readonly breaker: { readonly failures: number; readonly halfOpenAfterMs: number };
  readonly retry: { readonly baseDelayMs: number; readonly maxDelayMs: number };
  readonly limits: {
    readonly maxPathLength: number;
    readonly maxUpstreamFetches: number;
    readonly requestTimeoutMs: number;
    readonly maxZipBytes: number;
    readonly maxModBytes: number;
  };
  readonly shutdownTimeoutMs: number;
  readonly log: { readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent' };
}

/** SettingKind says how a string value (environment, flag) is read. */
export type SettingKind = 'string' | 'bool' | 'int' | 'duration' | 'size' | 'list';

/** Setting is one row of the settings table. */
export interface Setting {
  /** Dotted key in the config file (`storage.root`). */
  readonly key: string;
  /** Environment variable. */
  readonly env: string;
  /** Command-line flag name (without dashes), when there is one. */
  readonly flag?: string;
  readonly kind: SettingKind;
  /** The default as written in a config file ('' when none). */
  readonly default: string;
  /** One-line description (docs/proxy.md). */
  readonly doc: string;
}

/** SETTINGS is every configuration key with its environment variable and flag. */
export const SETTINGS: readonly Setting[] = [
  {
    key: 'listen',
    env: 'MODRESCUE_PROXY_LISTEN',
    flag: 'listen',
    kind: 'string',
    default: '127.0.0.1:8080',
    doc: 'Address to listen on: host:port, :port or port (0 = any free port).',
  },
  {
    key: 'storage.root',
    env: 'MODRESCUE_PROXY_STORAGE_ROOT',
    flag: 'storage',
    kind: 'string',
    default: '',
    doc: 'Cache directory (filesystem storage); default $XDG_CACHE_HOME/modrescue/proxy.',
  },
  {
    key: 'storage.fsync',
    env: 'MODRESCUE_PROXY_STORAGE_FSYNC',
    kind: 'bool',
    default: 'true',
    doc: 'fsync every object and its directory before it becomes visible.',
  },
  {
    key: 'storage.maxBytes',
    env: 'MODRESCUE_PROXY_STORAGE_MAX_BYTES',
    kind: 'size',
    default: '0',
    doc: 'Size cap (e.g. 20GiB; 0 = none). Over it, least recently used list data is evicted.',
  },
  {
    key: 'storage.evictVersioned',
    env: 'MODRESCUE_PROXY_STORAGE_EVICT_VERSIONED',
    kind: 'bool',
    default: 'false',
    doc: 'Also evict versioned files (.info/.mod/.zip) when over the cap.',
  },
  {
    key: 'upstreams',
    env: 'MODRESCUE_PROXY_UPSTREAMS',
    flag: 'upstream',
    kind: 'string',
    default: 'https://proxy.golang.org',
    doc: 'Upstream chain in GOPROXY syntax (`,` falls through on 404/410, `|` on any error, `off`), or a list of {url, fallback, timeout, connectTimeout, retries, headers}.',
  },
  {
    key: 'upstreamTimeout',
    env: 'MODRESCUE_PROXY_UPSTREAM_TIMEOUT',
    kind: 'duration',
    default: '2m',
    doc: 'Default total time limit of one upstream request.',
  },
  {
    key: 'connectTimeout',
    env: 'MODRESCUE_PROXY_CONNECT_TIMEOUT',
    kind: 'duration',
    default: '10s',
    doc: 'Default connect time limit of one upstream request.',
  },
  {
    key: 'retries',
    env: 'MODRESCUE_PROXY_RETRIES',
    kind: 'int',
    default: '2',
    doc: 'Default retries of a failed upstream request (network error, 429, 5xx).',
  },
  {
    key: 'retry.baseDelay',
    env: 'MODRESCUE_PROXY_RETRY_BASE_DELAY',
    kind: 'duration',
    default: '200ms',
    doc: 'First retry delay; doubles per attempt, with jitter.',
  },
  {
    key: 'retry.maxDelay',
    env: 'MODRESCUE_PROXY_RETRY_MAX_DELAY',
    kind: 'duration',
    default: '5s',
    doc: 'Longest retry delay (also caps Retry-After).',
  },
  {
    key: 'breaker.failures',
    env: 'MODRESCUE_PROXY_BREAKER_FAILURES',
    kind: 'int',
    default: '5',
    doc: "Consecutive failures that open an upstream's circuit.",
  },
  {
    key: 'breaker.halfOpenAfter',
    env: 'MODRESCUE_PROXY_BREAKER_HALF_OPEN_AFTER',
    kind: 'duration',
    default: '30s',
    doc: 'How long a circuit stays open before one probe request is let through.',
  },
  {
    key: 'sumdb',
    env: 'MODRESCUE_PROXY_SUMDB',
    flag: 'sumdb',
    kind: 'list',
    default: 'sum.golang.org',
    doc: 'Checksum databases in GOSUMDB syntax (`name[+key] [url]`), comma-separated in env/flags; `off` disables verification against a database.',
  },
  {
    key: 'noSumdb',
    env: 'MODRESCUE_PROXY_GONOSUMDB',
    kind: 'string',
    default: '',
    doc: 'GONOSUMDB patterns: modules not checked against a checksum database.',
  },
  {
    key: 'private',
    env: 'MODRESCUE_PROXY_GOPRIVATE',
    kind: 'string',
    default: '',
    doc: 'GOPRIVATE patterns: private modules (not checked against a public checksum database).',
  },
  {
    key: 'offline',
    env: 'MODRESCUE_PROXY_OFFLINE',
    flag: 'offline',
    kind: 'bool',
    default: 'false',
    doc: 'Serve only from the cache; never contact upstreams.',
  },
  {
    key: 'verify.goModMatchesZip',
    env: 'MODRESCUE_PROXY_VERIFY_GO_MOD_MATCHES_ZIP',
    kind: 'bool',
    default: 'true',
    doc: "Refuse a zip whose go.mod differs from the module's .mod (false: log it and store both; hashes are still checked).",
  },
  {
    key: 'cache.listTtl',
    env: 'MODRESCUE_PROXY_CACHE_LIST_TTL',
    kind: 'duration',
    default: '1m',
    doc: 'How long a cached @v/list or @latest answer is fresh.',
  },
  {
    key: 'cache.staleWhileRevalidate',
    env: 'MODRESCUE_PROXY_CACHE_STALE_WHILE_REVALIDATE',
    kind: 'duration',
    default: '10m',
    doc: 'After the TTL, serve the cached list at once and refresh it in the background for this long.',
  },
  {
    key: 'cache.sumdbLatestTtl',
    env: 'MODRESCUE_PROXY_CACHE_SUMDB_LATEST_TTL',
    kind: 'duration',
    default: '30s',
    doc: 'How long a cached checksum-database `latest` is fresh.',
  },
  {
    key: 'limits.maxPathLength',
    env: 'MODRESCUE_PROXY_LIMITS_MAX_PATH_LENGTH',
    kind: 'int',
    default: '2048',
    doc: 'Longest accepted request path, in bytes (longer: 400).',
  },
  {
    key: 'limits.maxUpstreamFetches',
    env: 'MODRESCUE_PROXY_LIMITS_MAX_UPSTREAM_FETCHES',
    kind: 'int',
    default: '64',
    doc: 'Upstream fetches running at once; more wait in a queue.',
  },
  {
    key: 'limits.requestTimeout',
    env: 'MODRESCUE_PROXY_LIMITS_REQUEST_TIMEOUT',
    kind: 'duration',
    default: '5m',
    doc: 'Longest time spent producing one answer (upstream fetch and verification).',
  },
  {
    key: 'limits.maxZipBytes',
    env: 'MODRESCUE_PROXY_LIMITS_MAX_ZIP_BYTES',
    kind: 'size',
    default: '500MiB',
    doc: "Largest module zip accepted from an upstream (Go's limit is 500 MiB).",
  },
  {
    key: 'limits.maxModBytes',
    env: 'MODRESCUE_PROXY_LIMITS_MAX_MOD_BYTES',
    kind: 'size',
    default: '16MiB',
    doc: 'Largest .mod file accepted from an upstream (go.mod files are limited to 16 MiB by Go).',
  },
  {
    key: 'shutdownTimeout',
    env: 'MODRESCUE_PROXY_SHUTDOWN_TIMEOUT',
    kind: 'duration',
    default: '30s',
    doc: 'On SIGTERM/SIGINT, how long in-flight downloads may finish before connections are closed.',
  },
  {
    key: 'log.level',
    env: 'MODRESCUE_PROXY_LOG_LEVEL',
    flag: 'log-level',
    kind: 'string',
    default: 'info',
    doc: 'Log level: trace, debug, info, warn, error, fatal, silent.',
  },
];

/** CONFIG_FILE_ENV is the environment variable naming the config file (flag -config). */
export const CONFIG_FILE_ENV = 'MODRESCUE_PROXY_CONFIG';

/** ConfigIssue is one configuration problem. */
export interface ConfigIssue {
  /** The dotted key (or '' for the file as a whole). */
  readonly key: string;
  /** Where the value came from (`config file proxy.yaml:3:9`, `MODRESCUE_PROXY_RETRIES`, `flag -listen`). */
  readonly source: string;
  readonly message: string;
}

/** ProxyConfigError lists every configuration problem found (ERR_PROXY_CONFIG, exit 2). */
export class ProxyConfigError extends ProxyError {
  readonly issues: readonly ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    const lines = issues.map((i) => `\t${i.source}: ${i.key ? i.key + ': ' : ''}${i.message}`);
    super('ERR_PROXY_CONFIG', `invalid proxy configuration:\n${lines.join('\n')}`, {
      issues: issues.map((i) => ({ ...i })),
      exitCode: 2,
    });
    this.issues = issues;
  }
}

/** ConfigInput is what the CLI read. */
export interface ConfigInput {
  /** The config file, when one was given. */
  readonly file?: { readonly path: string; readonly text: string };
  /** The environment (only MODRESCUE_PROXY_* names are looked at). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Flag values by flag name (SETTINGS[].flag). */
  readonly flags?: Readonly<Record<string, string | boolean | undefined>>;
  /** Defaults the CLI computes (e.g. storage.root under the user's cache directory), by key. */
  readonly defaults?: Readonly<Record<string, string>>;
}

/** ResolvedConfig is the effective configuration and where each value came from. */
export interface ResolvedConfig {
  readonly config: ProxyConfig;
  /** Source of each key that was set (`default` for the rest). */
  readonly sources: Readonly<Record<string, string>>;
}

// ---- value parsers (also used for env and flag strings) ----

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** parseDurationMs reads `30s`, `1m30s`, `500ms`, `2h` or a bare number of seconds; it throws on anything else. */
export function parseDurationMs(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v * 1000;
  if (typeof v !== 'string') throw new Error(`invalid duration ${JSON.stringify(v)} (examples: 10s, 1m30s, 500ms)`);
  const s = v.trim();
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) {
    total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
    consumed = re.lastIndex;
  }
  if (s === '' || consumed !== s.length)
    throw new Error(`invalid duration ${JSON.stringify(v)} (examples: 10s, 1m30s, 500ms)`);
  return total;
}

const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** parseSizeBytes reads `500MiB`, `20GB`, `1048576`; it throws on anything else. */
export function parseSizeBytes(v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  const m = typeof v === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(v) : null;
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) throw new Error(`invalid size ${JSON.stringify(v)} (examples: 500MiB, 20GB, 1048576)`);
  return Math.round(Number(m[1]) * unit);
}

function parseBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['1', 't', 'true', 'yes', 'on'].includes(s)) return true;
    if (['0', 'f', 'false', 'no', 'off', ''].includes(s)) return false;
  }
  throw new Error(`invalid boolean ${JSON.stringify(v)} (use true or false)`);
}

function parseInt0(v: unknown, min = 0): number {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min)
    throw new Error(`invalid number ${JSON.stringify(v)} (want an integer >= ${min})`);
  return n;
}

function parseListen(v: unknown): { host: string; port: number } {
  const s = typeof v === 'number' ? String(v) : v;
  if (typeof s !== 'string') throw new Error(`invalid listen address ${JSON.stringify(v)}`);
  const m = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]\s]*):)?(\d{1,5})$/.exec(s.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535)
    throw new Error(`invalid listen address ${JSON.stringify(v)} (want host:port, :port or port)`);
  let host = m[1] ?? '';
  if (host.startsWith('[')) host = host.slice(1, -1);
  return { host: host === '' ? '0.0.0.0' : host, port };
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** leaf builds a schema node from a parser; undefined becomes the default. */
function leaf<T>(parse: (v: unknown) => T, def: () => T) {
  return z
    .unknown()
    .optional()
    .transform((v, ctx): T => {
      try {
        return v === undefined || v === null ? def() : parse(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    });
}

const upstreamObject = z.strictObject({
  url: z.string(),
  fallback: z.enum(['not-found', 'any']).optional(),
  timeout: z.unknown().optional(),
  connectTimeout: z.unknown().optional(),
  retries: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
});

type UpstreamInput = string | Array<z.infer<typeof upstreamObject>>;

function buildSchema(defaults: Readonly<Record<string, string>>) {
  const d = (key: string) => defaults[key] ?? SETTINGS.find((s) => s.key === key)!.default;
  const dur = (key: string) => leaf(parseDurationMs, () => parseDurationMs(d(key)));
  const size = (key: string) => leaf(parseSizeBytes, () => parseSizeBytes(d(key)));
  const int = (key: string, min = 0) =>
    leaf(
      (v) => parseInt0(v, min),
      () => parseInt0(d(key), min),
    );
  const bool = (key: string) => leaf(parseBool, () => parseBool(d(key)));
  const str = (key: string) =>
    leaf(
      (v) => {
        if (typeof v !== 'string') throw new Error(`want a string, got ${JSON.stringify(v)}`);
        return v;
      },
      () => d(key),
    );
  return z.strictObject({
    listen: leaf(parseListen, () => parseListen(d('listen'))),
    storage: z
      .strictObject({
        root: leaf(
          (v) => {
            if (typeof v !== 'string' || v.trim() === '') throw new Error('want a directory path');
            return v;
          },
          () => {
            const root = d('storage.root');
            if (root === '') throw new Error('storage.root is required');
            return root;
          },
        ),
        fsync: bool('storage.fsync'),
        maxBytes: size('storage.maxBytes'),
        evictVersioned: bool('storage.evictVersioned'),
      })
      .prefault({} as never),
    upstreams: z.union([z.string(), z.array(upstreamObject)]).optional(),
    upstreamTimeout: dur('upstreamTimeout'),
    connectTimeout: dur('connectTimeout'),
    retries: int('retries'),
    retry: z.strictObject({ baseDelay: dur('retry.baseDelay'), maxDelay: dur('retry.maxDelay') }).prefault({} as never),
    breaker: z
      .strictObject({ failures: int('breaker.failures', 1), halfOpenAfter: dur('breaker.halfOpenAfter') })
      .prefault({} as never),
    sumdb: z.union([z.string(), z.array(z.string())]).optional(),
    noSumdb: str('noSumdb'),
    private: str('private'),
    offline: bool('offline'),
    verify: z.strictObject({ goModMatchesZip: bool('verify.goModMatchesZip') }).prefault({} as never),
    cache: z
      .strictObject({
        listTtl: dur('cache.listTtl'),
        staleWhileRevalidate: dur('cache.staleWhileRevalidate'),
        sumdbLatestTtl: dur('cache.sumdbLatestTtl'),
      })
      .prefault({} as never),
    limits: z
      .strictObject({
        maxPathLength: int('limits.maxPathLength', 64),
        maxUpstreamFetches: int('limits.maxUpstreamFetches', 1),
        requestTimeout: dur('limits.requestTimeout'),
        maxZipBytes: size('limits.maxZipBytes'),
        maxModBytes: size('limits.maxModBytes'),
      })
      .prefault({} as never),
    shutdownTimeout: dur('shutdownTimeout'),
    log: z
      .strictObject({
        level: leaf(
          (v) => {
            if (typeof v !== 'string' || !(LOG_LEVELS as readonly string[]).includes(v))
              throw new Error(`invalid log level ${JSON.stringify(v)} (want one of ${LOG_LEVELS.join(', ')})`);
            return v as (typeof LOG_LEVELS)[number];
          },
          () => d('log.level') as (typeof LOG_LEVELS)[number],
        ),
      })
      .prefault({} as never),
  });
}

function setIn(obj: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    const next = cur[p];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) cur[p] = {};
    cur = cur[p] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]!] = value;
}

function sourceFor(key: string, sources: Record<string, string>): string {
  for (let k = key; k !== ''; k = k.includes('.') ? k.slice(0, k.lastIndexOf('.')) : '') {
    if (sources[k]) return sources[k]!;
  }
  return 'default';
}

/**
 * resolveProxyConfig merges defaults, file, environment and flags, validates the result
 * and returns the effective configuration with sources. It throws ProxyConfigError
 * (ERR_PROXY_CONFIG) listing every problem: unreadable YAML/JSON, unknown keys, unknown
 * MODRESCUE_PROXY_* variables, values of the wrong form, an invalid upstream chain.
 */
export function resolveProxyConfig(input: ConfigInput): ResolvedConfig {
  const issues: ConfigIssue[] = [];
  const sources: Record<string, string> = {};
  const raw: Record<string, unknown> = {};
  let locate: (key: string, atKey?: boolean) => string | undefined = () => undefined;

  if (input.file) {
    const { path: file, text } = input.file;
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
    for (const err of doc.errors) {
      const pos = err.linePos?.[0];
      issues.push({
        key: '',
        source: pos ? `${file}:${pos.line}:${pos.col}` : file,
        message: err.message.split('\n')[0]!,
      });
    }
    if (doc.errors.length === 0) {
      const value = doc.toJS() as unknown;
      if (value !== null && value !== undefined && (typeof value !== 'object' || Array.isArray(value))) {
        issues.push({ key: '', source: file, message: 'the config file must hold a mapping of settings' });
      } else if (value) {
        Object.assign(raw, value);
        const mark = (obj: Record<string, unknown>, prefix: string) => {
          for (const [k, v] of Object.entries(obj)) {
            const key = prefix ? `${prefix}.${k}` : k;
            sources[key] = `config file ${file}`;
            if (v && typeof v === 'object' && !Array.isArray(v) && key !== 'upstreams')
              mark(v as Record<string, unknown>, key);
          }
        };
        mark(value as Record<string, unknown>, '');
        locate = (key, atKey) => {
          const parts = key.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
          let node: { range?: [number, number, number] } | undefined;
          if (atKey) {
            // Point at the key itself (unknown settings): find the pair in its parent map.
            const parent = (parts.length > 1 ? doc.getIn(parts.slice(0, -1), true) : doc.contents) as
              { items?: Array<{ key?: { value?: unknown; range?: [number, number, number] } }> } | undefined;
            node = parent?.items?.find((pair) => pair.key?.value === parts[parts.length - 1])?.key;
          } else {
            node = doc.getIn(parts, true) as typeof node;
          }
          const offset = node?.range?.[0];
          if (offset === undefined) return undefined;
          const pos = lineCounter.linePos(offset);
          return `${file}:${pos.line}:${pos.col}`;
        };
      }
    }
  }

  const known = new Map(SETTINGS.map((s) => [s.env, s]));
  for (const [name, value] of Object.entries(input.env ?? {})) {
    if (!name.startsWith('MODRESCUE_PROXY_') || value === undefined || name === CONFIG_FILE_ENV) continue;
    const setting = known.get(name);
    if (!setting) {
      issues.push({ key: '', source: name, message: 'unknown setting (see docs/proxy.md for the list)' });
      continue;
    }
    setIn(raw, setting.key, value);
    sources[setting.key] = name;
  }
  for (const [flag, value] of Object.entries(input.flags ?? {})) {
    if (value === undefined) continue;
    const setting = SETTINGS.find((s) => s.flag === flag);
    if (!setting) continue;
    setIn(raw, setting.key, typeof value === 'boolean' ? String(value) : value);
    sources[setting.key] = `flag -${flag}`;
  }

  const where = (key: string, atKey = false) => {
    const src = sourceFor(key, sources);
    return src.startsWith('config file ') ? (locate(key, atKey) ?? src.slice('config file '.length)) : src;
  };

  const defaults = input.defaults ?? {};
  let parsed: z.infer<ReturnType<typeof buildSchema>> | undefined;
  const result = buildSchema(defaults).safeParse(raw);
  if (result.success) parsed = result.data;
  else {
    for (const issue of result.error.issues) {
      let key = issue.path.join('.');
      let message = issue.message;
      if (issue.code === 'unrecognized_keys') {
        for (const k of issue.keys) {
          const full = key ? `${key}.${k}` : k;
          issues.push({ key: full, source: where(full, true), message: 'unknown setting' });
        }
        continue;
      }
      if (key.startsWith('upstreams.')) key = 'upstreams';
      if (issue.code === 'invalid_union') message = 'want a GOPROXY-style string or a list of {url, …} objects';
      issues.push({ key, source: where(key), message });
    }
  }

  let upstreams: UpstreamConfig[] = [];
  let sumdb: string[] = [];
  if (parsed) {
    try {
      upstreams = resolveUpstreams((raw['upstreams'] as UpstreamInput | undefined) ?? d(defaults, 'upstreams'), parsed);
    } catch (e) {
      issues.push({ key: 'upstreams', source: where('upstreams'), message: (e as Error).message });
    }
    try {
      sumdb = resolveSumdb((raw['sumdb'] as string | string[] | undefined) ?? d(defaults, 'sumdb'));
    } catch (e) {
      issues.push({ key: 'sumdb', source: where('sumdb'), message: (e as Error).message });
    }
  }
  if (issues.length > 0 || !parsed) throw new ProxyConfigError(issues);

  const config: ProxyConfig = {
    listen: parsed.listen,
    storage: parsed.storage,
    upstreams,
    sumdb,
    noSumdb: parsed.noSumdb,
    private: parsed.private,
    offline: parsed.offline,
    verify: { goModMatchesZip: parsed.verify.goModMatchesZip },
    cache: {
      listTtlMs: parsed.cache.listTtl,
      staleWhileRevalidateMs: parsed.cache.staleWhileRevalidate,
      sumdbLatestTtlMs: parsed.cache.sumdbLatestTtl,
    },
    breaker: { failures: parsed.breaker.failures, halfOpenAfterMs: parsed.breaker.halfOpenAfter },
    retry: { baseDelayMs: parsed.retry.baseDelay, maxDelayMs: parsed.retry.maxDelay },
    limits: {
      maxPathLength: parsed.limits.maxPathLength,
      maxUpstreamFetches: parsed.limits.maxUpstreamFetches,
      requestTimeoutMs: parsed.limits.requestTimeout,
      maxZipBytes: parsed.limits.maxZipBytes,
      maxModBytes: parsed.limits.maxModBytes,
    },
    shutdownTimeoutMs: parsed.shutdownTimeout,
    log: parsed.log,
  };
  return { config: deepFreeze(config), sources: Object.freeze({ ...sources }) };
}

function d(defaults: Readonly<Record<string, string>>, key: string): string {
  return defaults[key] ?? SETTINGS.find((s) => s.key === key)!.default;
}

function resolveUpstreams(
  input: UpstreamInput,
  parsed: { upstreamTimeout: number; connectTimeout: number; retries: number },
): UpstreamConfig[] {
  const base = {
    timeoutMs: parsed.upstreamTimeout,
    connectTimeoutMs: parsed.connectTimeout,
    retries: parsed.retries,
    headers: {},
  };
  const check = (list: UpstreamConfig[]) => {
    for (const u of list) {
      if (u.url === 'direct' || u.url === 'noproxy')
        throw new Error(
          'direct (fetching from version control) is not supported by the modrescue proxy: list proxy URLs (https://, http://, file://) and optionally off',
        );
    }
    return list;
  };
  if (typeof input === 'string') {
    return check(parseProxyList(input).map((p) => ({ ...base, url: p.url, fallBackOnError: p.fallBackOnError })));
  }
  if (input.length === 0) throw new Error('the upstream list is empty');
  const out: UpstreamConfig[] = [];
  for (const [i, u] of input.entries()) {
    const spec = parseProxyList(u.url);
    if (spec.length !== 1) throw new Error(`upstreams[${i}].url must be one URL`);
    const at = (what: string, f: () => number) => {
      try {
        return f();
      } catch (e) {
        throw new Error(`upstreams[${i}].${what}: ${(e as Error).message}`, { cause: e });
      }
    };
    out.push({
      url: spec[0]!.url,
      fallBackOnError: u.fallback === 'any',
      timeoutMs: u.timeout === undefined ? base.timeoutMs : at('timeout', () => parseDurationMs(u.timeout)),
      connectTimeoutMs:
        u.connectTimeout === undefined
          ? base.connectTimeoutMs
          : at('connectTimeout', () => parseDurationMs(u.connectTimeout)),
      retries: u.retries === undefined ? base.retries : at('retries', () => parseInt0(u.retries)),
      headers: { ...(u.headers ?? {}) },
    });
  }
  return check(out);
}

function resolveSumdb(input: string | string[]): string[] {
  const entries = (typeof input === 'string' ? input.split(',') : input).map((s) => s.trim()).filter((s) => s !== '');
  if (entries.length === 1 && entries[0] === 'off') return [];
  for (const e of entries) {
    if (e === 'off') throw new Error('off must be the only entry');
    const fields = e.split(/\s+/);
    if (fields.length > 2) throw new Error(`invalid checksum database ${JSON.stringify(e)}: want name[+key] [url]`);
  }
  return entries;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}

/**
 * redactedConfig returns a copy of config fit for printing: credentials in URLs and every
 * upstream header value are replaced by `***`.
 */
export function redactedConfig(config: ProxyConfig): Record<string, unknown> {
  return {
    ...config,
    upstreams: config.upstreams.map((u) => ({
      ...u,
      url: redact(u.url),
      headers: Object.fromEntries(Object.keys(u.headers).map((k) => [k, REDACTED])),
    })),
    sumdb: config.sumdb.map((s) => redact(s)),
  };
}

/**
 * formatConfigYaml prints the effective configuration as a config file would hold it
 * (durations and sizes as written in files), redacted, with a comment naming the source of
 * every value that is not a default. The output is itself a valid config file.
 */
export function formatConfigYaml(resolved: ResolvedConfig): string {
  const c = resolved.config;
  const ms = (n: number) =>
    n % 3_600_000 === 0 && n > 0
      ? `${n / 3_600_000}h`
      : n % 60_000 === 0 && n > 0
        ? `${n / 60_000}m`
        : n % 1000 === 0
          ? `${n / 1000}s`
          : `${n}ms`;
  const doc = {
    listen: `${c.listen.host.includes(':') ? `[${c.listen.host}]` : c.listen.host}:${c.listen.port}`,
    storage: { ...c.storage },
    upstreams: c.upstreams.map((u) => ({
      url: redact(u.url),
      fallback: u.fallBackOnError ? 'any' : 'not-found',
      timeout: ms(u.timeoutMs),
      connectTimeout: ms(u.connectTimeoutMs),
      retries: u.retries,
      ...(Object.keys(u.headers).length > 0
        ? { headers: Object.fromEntries(Object.keys(u.headers).map((k) => [k, REDACTED])) }
        : {}),
    })),
    retry: { baseDelay: ms(c.retry.baseDelayMs), maxDelay: ms(c.retry.maxDelayMs) },
    breaker: { failures: c.breaker.failures, halfOpenAfter: ms(c.breaker.halfOpenAfterMs) },
    sumdb: c.sumdb.length === 0 ? 'off' : c.sumdb.map((s) => redact(s)),
    noSumdb: c.noSumdb,
    private: c.private,
    offline: c.offline,
    verify: { ...c.verify },
    cache: {
      listTtl: ms(c.cache.listTtlMs),
      staleWhileRevalidate: ms(c.cache.staleWhileRevalidateMs),
      sumdbLatestTtl: ms(c.cache.sumdbLatestTtlMs),
    },
    limits: {
      maxPathLength: c.limits.maxPathLength,
      maxUpstreamFetches: c.limits.maxUpstreamFetches,
      requestTimeout: ms(c.limits.requestTimeoutMs),
      maxZipBytes: c.limits.maxZipBytes,
      maxModBytes: c.limits.maxModBytes,
    },
    shutdownTimeout: ms(c.shutdownTimeoutMs),
    log: { ...c.log },
  };
  const header = Object.entries(resolved.sources)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, s]) => `#   ${k}: ${redact(s)}`);
  return (
    '# modrescue proxy serve: effective configuration (secrets redacted)\n' +
    (header.length > 0 ? '# set explicitly:\n' + header.join('\n') + '\n' : '# every value is a default\n') +
    stringify(doc, { lineWidth: 0 })
  );
}
