/**
 * Triage of the modrescue proxy's error bodies. Every body here is produced by the proxy's
 * own errorBody (src/proxy/errors.ts) and embedded in the go command's output as its
 * versions print it (cmd/go/internal/web HTTPError: `reading <url>: <status>` then
 * `\tserver response: <body>`, or `server response:` alone with the body on the next
 * line; the same text JSON-escaped in `go mod download -json`), with the prefixes of the
 * different commands and Go versions.
 */
import { describe, expect, it } from 'vitest';
import { errorBody, ProxyError, STATUS_BY_CODE, type ProxyErrorCode } from '../proxy/errors.js';
import { jsonDocument, formatHuman, formatMarkdown } from './format.js';
import { bundledRuleSet, loadRuleSet, parseRuleFile, triageText } from './index.js';
import { findProxyErrorBody, proxyBaseUrl, subjectModule } from './proxy-body.js';
import type { Category } from './types.js';

const PROXY = 'http://127.0.0.1:38211';
const UP = 'https://goproxy.corp.example';

const STATUS_TEXT: Record<number, string> = {
  400: '400 Bad Request',
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
  405: '405 Method Not Allowed',
  410: '410 Gone',
  500: '500 Internal Server Error',
  502: '502 Bad Gateway',
  503: '503 Service Unavailable',
  504: '504 Gateway Timeout',
};

interface Case {
  readonly name: string;
  readonly code: ProxyErrorCode;
  readonly reason: string;
  readonly subject?: string;
  readonly upstream?: string;
  /** The request path the go command sent (below the proxy URL). */
  readonly path: string;
  readonly category: Category;
  readonly ruleId: string;
}

const Q = 'rsc.io/quote@v1.5.2';
const cases: Case[] = [
  {
    name: 'checksum mismatch',
    code: 'ERR_PROXY_CHECKSUM_MISMATCH',
    reason:
      'zip checksum mismatch: downloaded h1:4bZ3MpVnKqRjx4KLp2u3/WCbVaL0VHOxx0HfF8VB9fA= but checksum database sum.golang.org has h1:WXxzDKEfwlEa3BAzJBnnDwc8hvCsW2BpjxXaqiW4o0o= (SECURITY ERROR: the upstream served different bits)',
    subject: `${Q}.zip`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.zip',
    category: 'checksum-mismatch',
    ruleId: 'modrescue-proxy-checksum-mismatch',
  },
  {
    name: 'upstream 500',
    code: 'ERR_PROXY_UPSTREAM',
    reason: `${Q}: reading ${UP}/rsc.io/quote/@v/v1.5.2.mod: 500 Internal Server Error; server response: boom`,
    subject: `${Q}.mod`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.mod',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-upstream-error',
  },
  {
    name: 'upstream answered HTML',
    code: 'ERR_PROXY_UPSTREAM',
    reason: `${Q}: invalid response from proxy "${UP}": invalid character '<' looking for beginning of value`,
    subject: `${Q}.info`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-upstream-error',
  },
  {
    name: 'upstream connection refused',
    code: 'ERR_PROXY_UPSTREAM',
    reason: `${Q}: Get "${UP}/rsc.io/quote/@v/v1.5.2.info": dial tcp 10.20.0.7:443: connect: connection refused`,
    subject: `${Q}.info`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-upstream-unreachable',
  },
  {
    name: 'upstream name does not resolve',
    code: 'ERR_PROXY_UPSTREAM',
    reason: `${Q}: Get "${UP}/rsc.io/quote/@v/v1.5.2.info": dial tcp: lookup goproxy.corp.example: no such host`,
    subject: `${Q}.info`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-upstream-unreachable',
  },
  {
    name: 'upstream connection closed (EOF)',
    code: 'ERR_PROXY_UPSTREAM',
    reason: `${Q}: Get "${UP}/rsc.io/quote/@v/v1.5.2.info": EOF`,
    subject: `${Q}.info`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-upstream-unreachable',
  },
  {
    name: 'upstream wants credentials (401)',
    code: 'ERR_PROXY_UPSTREAM',
    reason: `${Q}: reading ${UP}/rsc.io/quote/@v/v1.5.2.info: 401 Unauthorized; server response: unauthorized`,
    subject: `${Q}.info`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'private-auth',
    ruleId: 'modrescue-proxy-upstream-auth',
  },
  {
    name: 'upstream refuses credentials (403)',
    code: 'ERR_PROXY_UPSTREAM',
    reason: `${Q}: reading ${UP}/rsc.io/quote/@v/v1.5.2.info: 403 Forbidden`,
    subject: `${Q}.info`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'private-auth',
    ruleId: 'modrescue-proxy-upstream-auth',
  },
  {
    name: 'upstream certificate not trusted',
    code: 'ERR_PROXY_UPSTREAM',
    reason: `${Q}: Get "${UP}/rsc.io/quote/@v/v1.5.2.info": tls: failed to verify certificate: x509: certificate signed by unknown authority`,
    subject: `${Q}.info`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-tls',
    ruleId: 'modrescue-proxy-upstream-tls',
  },
  {
    name: 'upstream timeout',
    code: 'ERR_PROXY_UPSTREAM_TIMEOUT',
    reason: `${Q}: Get "${UP}/rsc.io/quote/@v/v1.5.2.info": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    subject: `${Q}.info`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-upstream-timeout',
  },
  {
    name: 'circuit open',
    code: 'ERR_PROXY_CIRCUIT_OPEN',
    reason: 'circuit open after repeated upstream failures',
    subject: `${Q}.zip`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.zip',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-circuit-open',
  },
  {
    name: 'shutting down',
    code: 'ERR_PROXY_SHUTTING_DOWN',
    reason: 'server is shutting down',
    path: '/rsc.io/quote/@v/v1.5.2.zip',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-shutting-down',
  },
  {
    name: 'offline, not cached',
    code: 'ERR_PROXY_NOT_CACHED',
    reason: 'not in the cache and module fetching is disabled (offline)',
    subject: `${Q}.info`,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-not-cached',
  },
  {
    name: 'chain ends with off',
    code: 'ERR_PROXY_NOT_FOUND',
    reason: 'module lookup disabled: the upstream chain ends with off',
    subject: `${Q}.info`,
    upstream: 'off',
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-chain-off',
  },
  {
    name: 'version not found upstream',
    code: 'ERR_PROXY_NOT_FOUND',
    reason: `rsc.io/quote@v1.9.9: reading ${UP}/rsc.io/quote/@v/v1.9.9.info: 404 Not Found; server response: not found: rsc.io/quote@v1.9.9: invalid version: unknown revision v1.9.9`,
    subject: 'rsc.io/quote@v1.9.9.info',
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.9.9.info',
    category: 'unknown-revision',
    ruleId: 'modrescue-proxy-not-found',
  },
  {
    name: 'module not found upstream (list)',
    code: 'ERR_PROXY_NOT_FOUND',
    reason: `module rsc.io/nope: reading ${UP}/rsc.io/nope/@v/list: 404 Not Found`,
    subject: 'rsc.io/nope/@v/list',
    upstream: UP,
    path: '/rsc.io/nope/@v/list',
    category: 'unknown-revision',
    ruleId: 'modrescue-proxy-not-found',
  },
  {
    name: 'private module behind a public upstream',
    code: 'ERR_PROXY_NOT_FOUND',
    reason: `git.corp.example/lib@v1.4.0: reading https://proxy.golang.org/git.corp.example/lib/@v/v1.4.0.info: 404 Not Found; server response: not found: git.corp.example/lib@v1.4.0: invalid version: git ls-remote -q origin: exit status 128: fatal: could not read Username for 'https://git.corp.example': terminal prompts disabled`,
    subject: 'git.corp.example/lib@v1.4.0.info',
    upstream: 'https://proxy.golang.org',
    path: '/git.corp.example/lib/@v/v1.4.0.info',
    category: 'private-auth',
    ruleId: 'modrescue-proxy-upstream-private',
  },
  {
    name: 'checksum database does not know a private module (lookup through the proxy)',
    code: 'ERR_PROXY_NOT_FOUND',
    reason:
      'git.corp.example/lib@v1.4.0: reading https://sum.golang.org/lookup/git.corp.example/lib@v1.4.0: 404 Not Found',
    subject: 'sumdb/sum.golang.org/lookup/git.corp.example/lib@v1.4.0',
    upstream: 'https://sum.golang.org',
    path: '/sumdb/sum.golang.org/lookup/git.corp.example/lib@v1.4.0',
    category: 'sumdb-private',
    ruleId: 'modrescue-proxy-sumdb-not-found',
  },
  {
    name: 'a request outside the protocol',
    code: 'ERR_PROXY_NOT_FOUND',
    reason: 'not a module proxy path',
    subject: '/rsc.io/quote/v1.5.2.zip',
    path: '/rsc.io/quote/v1.5.2.zip',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-misrouted',
  },
  {
    name: 'checksum database not proxied',
    code: 'ERR_PROXY_NOT_FOUND',
    reason: 'checksum database sum.golang.org is not proxied here',
    subject: 'sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2',
    path: '/sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-misrouted',
  },
  {
    name: 'proxy cannot reach the checksum database',
    code: 'ERR_PROXY_SUMDB_UNAVAILABLE',
    reason:
      'cannot verify go.mod against checksum database sum.golang.org: rsc.io/quote@v1.5.2/go.mod: Get "https://sum.golang.org/lookup/rsc.io/quote@v1.5.2": dial tcp 142.250.74.81:443: i/o timeout',
    subject: `${Q}.mod`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.mod',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-sumdb-unavailable',
  },
  {
    name: 'proxy looked up a private module in the public checksum database',
    code: 'ERR_PROXY_SUMDB_UNAVAILABLE',
    reason:
      'cannot verify go.mod against checksum database sum.golang.org: git.corp.example/lib@v1.4.0/go.mod: reading https://sum.golang.org/lookup/git.corp.example/lib@v1.4.0: 410 Gone',
    subject: 'git.corp.example/lib@v1.4.0.mod',
    upstream: 'https://athens.corp.example',
    path: '/git.corp.example/lib/@v/v1.4.0.mod',
    category: 'sumdb-private',
    ruleId: 'modrescue-proxy-sumdb-private',
  },
  {
    name: 'wrong .info',
    code: 'ERR_PROXY_INVALID_INFO',
    reason: `${Q}: proxy returned info for version v1.0.0 instead of requested version`,
    subject: `${Q}.info`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-refused-content',
  },
  {
    name: 'invalid go.mod',
    code: 'ERR_PROXY_INVALID_MOD',
    reason: 'invalid go.mod: go.mod:1: unknown directive: modul',
    subject: `${Q}.mod`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.mod',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-refused-content',
  },
  {
    name: 'invalid zip',
    code: 'ERR_PROXY_INVALID_ZIP',
    reason: 'invalid zip: zip: not a valid zip file',
    subject: `${Q}.zip`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.zip',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-refused-content',
  },
  {
    name: "zip's go.mod differs",
    code: 'ERR_PROXY_GOMOD_MISMATCH',
    reason: "the zip's go.mod differs from rsc.io/quote@v1.5.2.mod served by the same upstream",
    subject: `${Q}.zip`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.zip',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-gomod-mismatch',
  },
  {
    name: 'zip too large',
    code: 'ERR_PROXY_TOO_LARGE',
    reason: `${Q}: downloaded zip file too large`,
    subject: `${Q}.zip`,
    upstream: UP,
    path: '/rsc.io/quote/@v/v1.5.2.zip',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-too-large',
  },
  {
    name: 'GOPROXY with a path prefix (bad path)',
    code: 'ERR_PROXY_BAD_PATH',
    reason:
      'invalid escaped module path "goproxy/rsc.io/quote": malformed module path "goproxy/rsc.io/quote": missing dot in first path element',
    subject: '/goproxy/rsc.io/quote/@v/v1.5.2.info',
    path: '/goproxy/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-bad-request',
  },
  {
    name: 'method',
    code: 'ERR_PROXY_METHOD',
    reason: 'method POST not allowed (use GET or HEAD)',
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-bad-request',
  },
  {
    name: 'storage key',
    code: 'ERR_PROXY_STORAGE_KEY',
    reason: 'invalid storage key "../x"',
    subject: `${Q}.info`,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-bad-request',
  },
  {
    name: 'storage failure',
    code: 'ERR_PROXY_STORAGE',
    reason: 'internal error: ENOSPC: no space left on device, write',
    path: '/rsc.io/quote/@v/v1.5.2.zip',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-internal-error',
  },
  {
    name: 'configuration',
    code: 'ERR_PROXY_CONFIG',
    reason: 'sumdb "sum.example": unknown checksum database',
    path: '/rsc.io/quote/@v/v1.5.2.zip',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-internal-error',
  },
  {
    name: 'listen',
    code: 'ERR_PROXY_LISTEN',
    reason: 'listen 127.0.0.1:8080: EADDRINUSE listen EADDRINUSE: address already in use 127.0.0.1:8080',
    path: '/rsc.io/quote/@v/v1.5.2.zip',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-internal-error',
  },
  {
    name: 'proxy authorization: no credentials',
    code: 'ERR_PROXY_UNAUTHORIZED',
    reason: 'credentials required',
    subject: `${Q}.info`,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'private-auth',
    ruleId: 'modrescue-proxy-unauthorized',
  },
  {
    name: 'proxy authorization: not allowed',
    code: 'ERR_PROXY_FORBIDDEN',
    reason: 'token not allowed',
    subject: `${Q}.info`,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    category: 'private-auth',
    ruleId: 'modrescue-proxy-forbidden',
  },
];

function bodyOf(c: Case): string {
  const fields: Record<string, string> = {};
  if (c.subject !== undefined) fields['subject'] = c.subject;
  if (c.upstream !== undefined) fields['upstream'] = c.upstream;
  return errorBody(new ProxyError(c.code, c.reason, fields));
}

/** statusOf is the HTTP status line the proxy answers the case with. */
function statusOf(c: Case): string {
  return STATUS_TEXT[STATUS_BY_CODE[c.code].status]!;
}

/** The go command's output around a body, by command and Go version (cmd/go wording). */
const WORDINGS: Array<[string, (url: string, status: string, body: string, mv: string) => string]> = [
  ['go mod download (Go 1.13+)', (url, st, body, mv) => `go: ${mv}: reading ${url}: ${st}\n\tserver response: ${body}`],
  [
    'go get (Go 1.16/1.17)',
    (url, st, body, mv) =>
      `go: downloading ${mv.replace('@', ' ')}\ngo get: ${mv}: reading ${url}: ${st}\n\tserver response: ${body}`,
  ],
  [
    'go build (a package import)',
    (url, st, body, mv) =>
      `go: downloading ${mv.replace('@', ' ')}\nmain.go:6:2: ${mv}: reading ${url}: ${st}\n\tserver response: ${body}`,
  ],
  [
    'go mod tidy (import stack)',
    (url, st, body, mv) =>
      `go: finding module for package rsc.io/quote\nexample.com/m imports\n\trsc.io/quote: ${mv}: reading ${url}: ${st}\n\tserver response: ${body}`,
  ],
  [
    'multi-line server response form',
    (url, st, body, mv) => `go: ${mv}: reading ${url}: ${st}\n\tserver response:\n\t${body}`,
  ],
  [
    'go mod download -json (JSON-escaped)',
    (url, st, body, mv) =>
      `{\n\t"Path": "${mv.split('@')[0]}",\n\t"Version": "${mv.split('@')[1]}",\n\t"Error": ${JSON.stringify(`${mv}: reading ${url}: ${st}\n\tserver response: ${body}`)}\n}`,
  ],
  [
    'GitHub Actions log (timestamps, group markers)',
    (url, st, body, mv) =>
      [
        '2024-05-02T10:00:00.1000000Z ##[group]Run go mod download',
        `2024-05-02T10:00:31.2000000Z go: ${mv}: reading ${url}: ${st}`,
        `2024-05-02T10:00:31.2000000Z \tserver response: ${body}`,
        '2024-05-02T10:00:31.3000000Z ##[error]Process completed with exit code 1.',
      ].join('\n'),
  ],
];

const moduleVersionOf = (c: Case) => {
  const m = subjectModule(c.subject);
  return m?.version ? `${m.path}@${m.version}` : 'rsc.io/quote@v1.5.2';
};

describe('proxy error bodies in go command output', () => {
  it('covers every code the proxy answers with', () => {
    expect(new Set(cases.map((c) => c.code))).toEqual(new Set(Object.keys(STATUS_BY_CODE)));
  });

  const table = cases.flatMap((c) => WORDINGS.map(([w, wrap]) => [c.name, w, c, wrap] as const));
  it.each(table)('%s — %s', (_name, _wording, c, wrap) => {
    const body = bodyOf(c);
    const log = [
      'Run go mod download',
      wrap(PROXY + c.path, statusOf(c), body, moduleVersionOf(c)),
      'Error: Process completed with exit code 1.',
    ].join('\n');
    const r = triageText(log);
    expect(r.category).toBe(c.category);
    expect(r.ruleId).toBe(c.ruleId);
    // The body decides: no other proxy-body rule and not the go command's status line.
    const proxyRules = r.secondary.filter((s) => s.ruleId.startsWith('modrescue-proxy-'));
    expect(proxyRules).toEqual([]);
    expect(r.secondary.map((s) => s.ruleId)).not.toContain('proxy-http-status');
    expect(r.proxy).toMatchObject({ code: c.code, kind: STATUS_BY_CODE[c.code].kind, reason: c.reason });
    expect(r.proxy?.upstream).toBe(c.upstream);
    expect(r.proxy?.subject).toBe(c.subject);
    // The proxy's base URL, from the request the go command reported.
    expect(r.proxy?.url).toBe(PROXY);
    if (c.upstream !== undefined && c.upstream !== 'off') {
      const host = new URL(c.upstream).hostname;
      expect(r.hosts[0]).toBe(host);
      expect(r.urls[0]).toBe(c.upstream);
      expect(r.summary).toContain(`upstream ${c.upstream}`);
    }
    expect(r.hosts).toContain('127.0.0.1');
    const mod = subjectModule(c.subject);
    if (mod !== undefined) expect(r.modules).toContainEqual(mod.version ? mod : { path: mod.path });
    // Next steps point at the proxy (its /-/ endpoints) or the upstream, never at a placeholder.
    const commands = r.nextSteps.map((s) => `${s.title} ${s.command ?? ''}`).join('\n');
    expect(commands).not.toMatch(/<(?:proxy|upstream|host|url)>/);
    expect(commands).toMatch(new RegExp(`${PROXY}/-/|${c.upstream ?? PROXY}|GOPRIVATE|netrc|go env GOPROXY`));
    // The error starts at the go command's request line, not at the quoted body.
    const requestLine = log.split('\n').findIndex((l) => l.includes(`reading ${PROXY}${c.path}`)) + 1;
    expect(r.firstErrorAt).toBe(requestLine);
  });

  it('names the upstream in --json, the human report and Markdown', () => {
    const c = cases[0]!;
    const r = triageText(WORDINGS[0]![1](PROXY + c.path, statusOf(c), bodyOf(c), Q));
    const doc = jsonDocument(r);
    expect(doc['proxy']).toEqual({
      code: 'ERR_PROXY_CHECKSUM_MISMATCH',
      kind: 'refused',
      subject: 'rsc.io/quote@v1.5.2.zip',
      upstream: UP,
      reason: c.reason,
      url: PROXY,
      line: 2,
    });
    expect(formatHuman(r)).toContain(
      `Proxy:   modrescue proxy at ${PROXY} answered ERR_PROXY_CHECKSUM_MISMATCH (refused); upstream ${UP}`,
    );
    expect(formatMarkdown(r)).toContain(`| proxy | modrescue proxy at ${PROXY} answered ERR_PROXY_CHECKSUM_MISMATCH`);
    expect(r.nextSteps[0]!.command).toBe(`curl -sS ${PROXY}/-/api/upstreams`);
    expect(jsonDocument(triageText('go: rsc.io/quote@v1.5.2: unknown revision v1.5.2'))['proxy']).toBeNull();
  });

  it('keeps a root cause that ranks higher than the proxy failure, and still reports the proxy body', () => {
    const c = cases.find((x) => x.ruleId === 'modrescue-proxy-upstream-error')!;
    const log = [
      WORDINGS[0]![1](PROXY + c.path, statusOf(c), bodyOf(c), Q),
      'compile: writing output: write $WORK/b164/_pkg_.a: no space left on device',
    ].join('\n');
    const r = triageText(log);
    expect(r.category).toBe('disk-or-cache');
    expect(r.secondary.map((s) => s.ruleId)).toContain('modrescue-proxy-upstream-error');
    expect(r.proxy).toMatchObject({ code: 'ERR_PROXY_UPSTREAM', upstream: UP, line: 2 });
  });

  it('outranks the consequences the failed download leaves behind', () => {
    const c = cases.find((x) => x.ruleId === 'modrescue-proxy-circuit-open')!;
    const log = [
      WORDINGS[2]![1](PROXY + c.path, statusOf(c), bodyOf(c), Q),
      'main.go:7:2: missing go.sum entry for module providing package rsc.io/quote (imported by example.com/m); to add:',
      '\tgo get example.com/m',
    ].join('\n');
    const r = triageText(log);
    expect(r.ruleId).toBe('modrescue-proxy-circuit-open');
    expect(r.secondary.map((s) => s.category)).toContain('missing-gosum');
  });
});

describe('findProxyErrorBody', () => {
  const body = errorBody(
    new ProxyError('ERR_PROXY_INVALID_INFO', 'invalid .info: Version "latest" is not a semantic version', {
      subject: 'rsc.io/quote@latest.info',
      upstream: UP,
    }),
  );

  it('finds a body after server response:, alone on a line, and inside a JSON string (quotes unescaped)', () => {
    expect(findProxyErrorBody(`\tserver response: ${body}`)?.body.reason).toBe(
      'invalid .info: Version "latest" is not a semantic version',
    );
    expect(findProxyErrorBody(`\t${body}`)?.body.code).toBe('ERR_PROXY_INVALID_INFO');
    const json = `\t"Error": ${JSON.stringify(`rsc.io/quote@latest: reading ${PROXY}/rsc.io/quote/@v/latest.info: 502 Bad Gateway\n\tserver response: ${body}`)}`;
    const m = findProxyErrorBody(json);
    expect(m?.body.reason).toBe('invalid .info: Version "latest" is not a semantic version');
    expect(m?.request).toEqual({ url: `${PROXY}/rsc.io/quote/@v/latest.info`, status: '502 Bad Gateway' });
    // A proxy's own JSON log line carries the body in a string too.
    expect(findProxyErrorBody(`{"level":"warn","msg":${JSON.stringify(body)}}`)?.body.upstream).toBe(UP);
  });

  it('ignores code tokens that are not in a body, and bodies the go command truncated', () => {
    expect(findProxyErrorBody('see docs/errors.md for [ERR_PROXY_UPSTREAM]')).toBeUndefined();
    expect(findProxyErrorBody('go: x@v1: refused: [ERR_PROXY_NOT_A_CODE]')).toBeUndefined();
    // cmd/go replaces a body over 648 bytes by this marker: nothing is left to recognise.
    expect(findProxyErrorBody('\tserver response: [Truncated: too long.]')).toBeUndefined();
    const r = triageText(
      `go: ${Q}: reading ${PROXY}/rsc.io/quote/@v/v1.5.2.zip: 502 Bad Gateway\n\tserver response: [Truncated: too long.]`,
    );
    expect(r.ruleId).toBe('proxy-http-status');
    expect(r.proxy).toBeUndefined();
  });

  it('classifies the outer body when a modrescue proxy forwards another one', () => {
    const inner = errorBody(
      new ProxyError('ERR_PROXY_CIRCUIT_OPEN', 'circuit open after repeated upstream failures', {
        subject: `${Q}.zip`,
        upstream: 'https://origin.example',
      }),
    );
    const outer = errorBody(
      new ProxyError(
        'ERR_PROXY_UPSTREAM',
        `${Q}: reading ${UP}/rsc.io/quote/@v/v1.5.2.zip: 503 Service Unavailable\n\tserver response: ${inner}`,
        { subject: `${Q}.zip`, upstream: UP },
      ),
    );
    const r = triageText(
      `go: ${Q}: reading ${PROXY}/rsc.io/quote/@v/v1.5.2.zip: 502 Bad Gateway\n\tserver response: ${outer}`,
    );
    expect(r.ruleId).toBe('modrescue-proxy-upstream-error');
    expect(r.proxy?.upstream).toBe(UP);
  });
});

describe('proxyBaseUrl', () => {
  it.each([
    [`${PROXY}/rsc.io/quote/@v/v1.5.2.zip`, `${Q}.zip`, PROXY],
    ['https://corp.example/goproxy/rsc.io/quote/@v/list', 'rsc.io/quote/@v/list', 'https://corp.example/goproxy'],
    [
      'https://corp.example/github.com/!azure/go-sdk/@latest',
      'github.com/Azure/go-sdk/@latest',
      'https://corp.example',
    ],
    [
      `${PROXY}/sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2`,
      'sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2',
      PROXY,
    ],
    [`${PROXY}/p/Quote/@v/list`, '/p/Quote/@v/list', PROXY],
    [`${PROXY}/x/-/y`, undefined, PROXY],
  ])('%s (subject %s) → %s', (url, subject, want) => {
    expect(proxyBaseUrl(url, subject)).toBe(want);
  });
});

describe('proxy-body rules (proxyCodes)', () => {
  const proxyRules = bundledRuleSet().rules.filter((r) => r.proxyCodes.length > 0);

  it('has a rule for every code, and each example is a body errorBody writes', () => {
    const covered = new Set(proxyRules.flatMap((r) => r.proxyCodes));
    expect(covered).toEqual(new Set(Object.keys(STATUS_BY_CODE)));
    for (const r of proxyRules) {
      const line = r.example.split('\n').find((l) => l.includes('[ERR_PROXY_'))!;
      const found = findProxyErrorBody(line);
      expect(found, r.id).toBeDefined();
      expect(r.proxyCodes, r.id).toContain(found!.body.code);
      const { code, subject, upstream, reason } = found!.body;
      const again = errorBody(
        new ProxyError(code, reason, {
          ...(subject === undefined ? {} : { subject }),
          ...(upstream === undefined ? {} : { upstream }),
        }),
      );
      expect(line.slice(found!.index).replace(/^server response: /, ''), r.id).toBe(again);
      expect(r.quotable, r.id).toBe(false);
    }
  });

  it('rejects a rule with both patterns and proxyCodes, an unknown code, and quotable: true', () => {
    const text = [
      'category: proxy-http-error',
      'class: environment',
      'rules:',
      '  - id: corp-a',
      '    summary: a',
      '    proxyCodes: [ERR_PROXY_UPSTREAM]',
      "    patterns: ['x+y']",
      '    example: x',
      '    explanation: x',
      '    causes: [x]',
      '    steps: [{ title: x }]',
      '  - id: corp-b',
      '    summary: b',
      '    proxyCodes: [ERR_PROXY_NOPE]',
      '    example: x',
      '    explanation: x',
      '    causes: [x]',
      '    steps: [{ title: x }]',
      '  - id: corp-c',
      '    summary: c',
      '    proxyCodes: [ERR_PROXY_UPSTREAM]',
      '    quotable: true',
      '    example: x',
      '    explanation: x',
      '    causes: [x]',
      '    steps: [{ title: x }]',
    ].join('\n');
    const { rules, errors } = parseRuleFile({ file: 'corp.yaml', text });
    expect(rules).toEqual([]);
    const byLine = errors.map((e) => `${e.line}: ${e.message}`);
    expect(byLine).toEqual([
      expect.stringMatching(/^6: a rule has patterns or proxyCodes, not both/),
      expect.stringMatching(/^14: .*proxyCodes\.0/),
      expect.stringMatching(/^22: a proxyCodes rule matches the server response itself/),
    ]);
  });

  it('lets a user rule classify a proxy code with conditions on the body (and win over the bundled rule)', () => {
    const text = [
      'category: private-auth',
      'class: environment',
      'rules:',
      '  - id: corp-nexus-quarantine',
      '    summary: Nexus quarantined the module',
      '    proxyCodes: [ERR_PROXY_UPSTREAM]',
      '    where:',
      "      upstream: { match: '^https://nexus\\.corp\\.example' }",
      "      reason: { match: 'quarantined' }",
      '    example: x',
      '    explanation: Nexus at {upstream} quarantined {module}.',
      '    causes: [a policy]',
      '    steps:',
      '      - title: Ask for a waiver',
      "        command: 'open https://nexus.corp.example/waivers?c={modulePath}&v={version}'",
    ].join('\n');
    const { ruleSet, errors } = loadRuleSet([{ file: 'corp.yaml', text }]);
    expect(errors).toEqual([]);
    const make = (upstream: string) =>
      `go: ${Q}: reading ${PROXY}/rsc.io/quote/@v/v1.5.2.zip: 502 Bad Gateway\n\tserver response: ${errorBody(
        new ProxyError(
          'ERR_PROXY_UPSTREAM',
          `${Q}: reading ${upstream}/x: 451 Unavailable For Legal Reasons; server response: quarantined`,
          {
            subject: `${Q}.zip`,
            upstream,
          },
        ),
      )}`;
    const hit = triageText(make('https://nexus.corp.example/repository/go'), ruleSet);
    expect(hit.ruleId).toBe('corp-nexus-quarantine');
    expect(hit.summary).toContain('Nexus at https://nexus.corp.example/repository/go quarantined rsc.io/quote@v1.5.2.');
    expect(hit.nextSteps[0]!.command).toBe('open https://nexus.corp.example/waivers?c=rsc.io/quote&v=v1.5.2');
    expect(triageText(make('https://goproxy.corp.example'), ruleSet).ruleId).toBe('modrescue-proxy-upstream-error');
  });
});
