import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  formatConfigYaml,
  parseDurationMs,
  parseSizeBytes,
  ProxyConfigError,
  resolveProxyConfig,
  SETTINGS,
  type ConfigInput,
} from './config.js';

const base: ConfigInput = { defaults: { 'storage.root': '/var/cache/modrescue' } };

function issuesOf(input: ConfigInput): string[] {
  try {
    resolveProxyConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(ProxyConfigError);
    return (e as ProxyConfigError).issues.map((i) => `${i.source}: ${i.key}: ${i.message}`);
  }
  throw new Error('expected a configuration error');
}

describe('resolveProxyConfig', () => {
  it('defaults', () => {
    const { config, sources } = resolveProxyConfig(base);
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.storage).toEqual({ root: '/var/cache/modrescue', fsync: true, maxBytes: 0, evictVersioned: false });
    expect(config.upstreams).toEqual([
      {
        url: 'https://proxy.golang.org',
        fallBackOnError: false,
        timeoutMs: 120_000,
        connectTimeoutMs: 10_000,
        retries: 2,
        headers: {},
      },
    ]);
    expect(config.sumdb).toEqual(['sum.golang.org']);
    expect(config.limits.maxZipBytes).toBe(500 * 1024 * 1024);
    expect(config.cache.listTtlMs).toBe(60_000);
    expect(config.log.level).toBe('info');
    expect(sources).toEqual({});
    expect(Object.isFrozen(config) && Object.isFrozen(config.upstreams[0])).toBe(true);
  });

  it('file < env < flags, with the source of each value', () => {
    const { config, sources } = resolveProxyConfig({
      ...base,
      file: {
        path: 'proxy.yaml',
        text: 'listen: ":9000"\nupstreams: https://a.example,https://b.example|file:///srv/mirror\noffline: true\ncache:\n  listTtl: 2m\n',
      },
      env: { MODRESCUE_PROXY_LISTEN: '127.0.0.1:9001', MODRESCUE_PROXY_RETRIES: '4', HOME: '/x' },
      flags: { listen: '127.0.0.1:0', offline: false },
    });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 0 });
    expect(config.offline).toBe(false);
    expect(config.cache.listTtlMs).toBe(120_000);
    expect(config.upstreams.map((u) => [u.url, u.fallBackOnError, u.retries])).toEqual([
      ['https://a.example', false, 4],
      ['https://b.example', true, 4],
      ['file:///srv/mirror', false, 4],
    ]);
    expect(sources).toMatchObject({
      listen: 'flag -listen',
      offline: 'flag -offline',
      retries: 'MODRESCUE_PROXY_RETRIES',
      'cache.listTtl': 'config file proxy.yaml',
      upstreams: 'config file proxy.yaml',
    });
  });

  it('accepts JSON files and the list form of upstreams', () => {
    const { config } = resolveProxyConfig({
      ...base,
      file: {
        path: 'proxy.json',
        text: JSON.stringify({
          upstreams: [
            {
              url: 'https://corp.example/mod',
              fallback: 'any',
              timeout: '5s',
              headers: { Authorization: 'Bearer t0k3n' },
            },
            { url: 'proxy.golang.org', retries: 0 },
          ],
          sumdb: [
            'sum.golang.org',
            'localhost.localdev/sumdb+00000c67+AcTrnkbUA+TU4heY3hkjiSES/DSQniBqIeQ/YppAUtK6 http://127.0.0.1:1',
          ],
        }),
      },
    });
    expect(config.upstreams.map((u) => [u.url, u.fallBackOnError, u.timeoutMs, u.retries])).toEqual([
      ['https://corp.example/mod', true, 5000, 2],
      ['https://proxy.golang.org', false, 120_000, 0],
    ]);
    expect(config.upstreams[0]!.headers).toEqual({ Authorization: 'Bearer t0k3n' });
    expect(config.sumdb).toHaveLength(2);
  });

  it('reports every problem at once, with file:line:col for file values', () => {
    const issues = issuesOf({
      ...base,
      file: {
        path: 'proxy.yaml',
        text: 'listen: "nope"\nretries: -1\ncache:\n  listTtl: 3 parsecs\n  colour: blue\nlimits:\n  maxZipBytes: lots\n',
      },
      env: {
        MODRESCUE_PROXY_UPSTREAM_TIMEOUT: '10 minutes',
        MODRESCUE_PROXY_TYPO: '1',
        MODRESCUE_PROXY_UPSTREAMS: 'direct',
      },
      flags: { 'log-level': 'loud' },
    });
    expect(issues).toEqual(
      expect.arrayContaining([
        'proxy.yaml:1:9: listen: invalid listen address "nope" (want host:port, :port or port)',
        'proxy.yaml:2:10: retries: invalid number -1 (want an integer >= 0)',
        'proxy.yaml:4:12: cache.listTtl: invalid duration "3 parsecs" (examples: 10s, 1m30s, 500ms)',
        'proxy.yaml:5:3: cache.colour: unknown setting',
        'proxy.yaml:7:16: limits.maxZipBytes: invalid size "lots" (examples: 500MiB, 20GB, 1048576)',
        'MODRESCUE_PROXY_UPSTREAM_TIMEOUT: upstreamTimeout: invalid duration "10 minutes" (examples: 10s, 1m30s, 500ms)',
        'MODRESCUE_PROXY_TYPO: : unknown setting (see docs/proxy.md for the list)',
        'flag -log-level: log.level: invalid log level "loud" (want one of trace, debug, info, warn, error, fatal, silent)',
      ]),
    );
    expect(issues).toHaveLength(8);
  });

  it('rejects direct and malformed upstream chains with the go command wording', () => {
    expect(issuesOf({ ...base, env: { MODRESCUE_PROXY_UPSTREAMS: 'https://a.example,direct' } })).toEqual([
      expect.stringMatching(
        /^MODRESCUE_PROXY_UPSTREAMS: upstreams: direct \(fetching from version control\) is not supported/,
      ),
    ]);
    expect(issuesOf({ ...base, flags: { upstream: ',,' } })).toEqual([
      'flag -upstream: upstreams: GOPROXY list is not the empty string, but contains no entries',
    ]);
    expect(issuesOf({ ...base, flags: { upstream: 'ftp://x.example' } })[0]).toMatch(/invalid proxy URL scheme/);
  });

  it('reports YAML syntax errors with their position', () => {
    const issues = issuesOf({ ...base, file: { path: 'bad.yaml', text: 'listen: [\n' } });
    expect(issues[0]).toMatch(/^bad\.yaml:\d+:\d+: : /);
  });

  it('requires a storage root when the CLI supplies no default', () => {
    expect(issuesOf({})).toEqual(['default: storage.root: storage.root is required']);
  });

  it('upstream off ends the chain; sumdb off disables verification', () => {
    const { config } = resolveProxyConfig({
      ...base,
      env: { MODRESCUE_PROXY_UPSTREAMS: 'off', MODRESCUE_PROXY_SUMDB: 'off' },
    });
    expect(config.upstreams.map((u) => u.url)).toEqual(['off']);
    expect(config.sumdb).toEqual([]);
  });
});

describe('formatConfigYaml', () => {
  it('prints a valid, redacted config file that resolves to the same configuration', () => {
    const resolved = resolveProxyConfig({
      ...base,
      file: {
        path: 'p.yaml',
        text: 'upstreams:\n  - url: https://bob:hunter2secret@corp.example/mod\n    headers: {Authorization: "Bearer s3cr3t-token"}\n',
      },
      env: { MODRESCUE_PROXY_LISTEN: ':8443' },
    });
    const text = formatConfigYaml(resolved);
    expect(text).not.toContain('hunter2secret');
    expect(text).not.toContain('s3cr3t-token');
    expect(text).toContain('#   listen: MODRESCUE_PROXY_LISTEN');
    const again = resolveProxyConfig({ ...base, file: { path: 'printed.yaml', text } });
    expect(again.config.listen).toEqual(resolved.config.listen);
    expect(again.config.cache).toEqual(resolved.config.cache);
    expect(again.config.limits).toEqual(resolved.config.limits);
    expect(parseYaml(text).upstreams[0].url).toBe('https://bob:***@corp.example/mod');
  });
});

describe('value parsers', () => {
  it.each([
    ['30s', 30_000],
    ['1m30s', 90_000],
    ['500ms', 500],
    ['2h', 7_200_000],
    ['5', 5000],
  ])('duration %s', (s, ms) => expect(parseDurationMs(s)).toBe(ms));
  it.each([
    ['500MiB', 524_288_000],
    ['20GB', 20e9],
    ['1048576', 1_048_576],
    ['1.5KiB', 1536],
  ])('size %s', (s, n) => expect(parseSizeBytes(s)).toBe(n));
  it('every setting has a unique env var and key', () => {
    expect(new Set(SETTINGS.map((s) => s.env)).size).toBe(SETTINGS.length);
    expect(new Set(SETTINGS.map((s) => s.key)).size).toBe(SETTINGS.length);
    for (const s of SETTINGS) expect(s.env).toMatch(/^MODRESCUE_PROXY_[A-Z_]+$/);
  });
});
