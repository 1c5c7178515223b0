/**
 * Triage of what the real `modrescue proxy serve` answers. First the bodies its handler
 * actually writes for each failure (a loopback upstream from test/support/proxy-server.ts
 * with faults, a loopback checksum database, the auth seam), embedded in the go command's
 * output; then end to end: the real proxy on 127.0.0.1, the real go command (Go 1.19,
 * test/support/go.ts) failing through it, and its actual stderr triaged, also through the
 * CLI (`modrescue triage --json`).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../test/support/cli.js';
import { fixture } from '../../test/support/fixtures.js';
import { createWorkspace, runGo, type Workspace } from '../../test/support/go.js';
import { startTestProxy, type TestProxy } from '../../test/support/proxy-server.js';
import { TEST_SUMDB, fixtureSums, startTestSumdb, type TestSumdb } from '../../test/support/sumdb.js';
import { createTestCertificates } from '../../test/support/tls.js';
import { ProxyError, STATUS_BY_CODE, parseErrorBody, type ProxyErrorCode } from '../proxy/errors.js';
import type { Storage } from '../proxy/storage/types.js';
import { createMemoryStorage } from '../proxy/storage/memory.js';
import { makeProxy, serve, type MakeProxyOptions } from '../proxy/testdata/harness.js';
import { closedPort } from '../shared/net.js';
import { triageText } from './index.js';
import type { Category } from './types.js';

const QUOTE = fixture('rsc.io/quote@v1.5.2');
const BASE = 'http://127.0.0.1:8080';

interface Scenario {
  readonly name: string;
  /** Proxy settings; `up` is the upstream's URL. */
  readonly options: (up: TestProxy, extra: Extra) => MakeProxyOptions;
  readonly setup?: (up: TestProxy) => void;
  /** Requests sent first (e.g. to open a circuit); their answers are ignored. */
  readonly warm?: readonly string[];
  readonly path: string;
  readonly method?: string;
  readonly code: ProxyErrorCode;
  /** The HTTP status when it is not the code's usual one (STATUS_BY_CODE). */
  readonly status?: number;
  readonly category: Category;
  readonly ruleId: string;
  /** Whether the body names the upstream (and which): default the test upstream. */
  readonly upstream?: (up: TestProxy, extra: Extra) => string | undefined;
}

interface Extra {
  readonly closed: string;
  readonly sumdb: TestSumdb;
  readonly tlsUp: TestProxy;
}

const upstreamOf = (up: TestProxy) => ({ env: { MODRESCUE_PROXY_UPSTREAMS: up.url } });
const withEnv = (up: TestProxy, env: Record<string, string>) => ({
  env: { MODRESCUE_PROXY_UPSTREAMS: up.url, ...env },
});

function failingStorage(): Storage {
  const mem = createMemoryStorage();
  const fail = () =>
    Promise.reject(Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }));
  return Object.assign(Object.create(mem) as Storage, { put: fail, putFile: fail });
}

const authorize = async (request: Request, route: { kind: string; subject?: string }) => {
  if (route.kind === 'ops') return;
  const subject = route.subject ?? route.kind;
  const auth = request.headers.get('authorization');
  if (!auth) throw new ProxyError('ERR_PROXY_UNAUTHORIZED', 'credentials required', { subject });
  if (auth !== 'Bearer good') throw new ProxyError('ERR_PROXY_FORBIDDEN', 'token not allowed', { subject });
};

const scenarios: Scenario[] = [
  {
    name: 'upstream answers 500',
    options: upstreamOf,
    setup: (up) => up.setFault('*', { kind: 'status', status: 500, body: 'boom' }),
    path: '/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_UPSTREAM',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-upstream-error',
  },
  {
    name: 'upstream answers an HTML page',
    options: upstreamOf,
    setup: (up) => up.setFault('*', { kind: 'html' }),
    path: '/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_UPSTREAM',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-upstream-error',
  },
  {
    name: 'upstream wants credentials (401)',
    options: upstreamOf,
    setup: (up) => up.setFault('*', { kind: 'auth', user: 'ci', password: 'secret' }),
    path: '/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_UPSTREAM',
    category: 'private-auth',
    ruleId: 'modrescue-proxy-upstream-auth',
  },
  {
    name: 'upstream refuses (403)',
    options: upstreamOf,
    setup: (up) => up.setFault('*', { kind: 'auth', user: 'ci', password: 'secret', status: 403 }),
    path: '/rsc.io/quote/@v/v1.5.2.mod',
    code: 'ERR_PROXY_UPSTREAM',
    category: 'private-auth',
    ruleId: 'modrescue-proxy-upstream-auth',
  },
  {
    name: 'upstream port closed',
    options: (_up, x) => ({ env: { MODRESCUE_PROXY_UPSTREAMS: x.closed } }),
    path: '/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_UPSTREAM',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-upstream-unreachable',
    upstream: (_up, x) => x.closed,
  },
  {
    name: 'upstream resets the connection',
    options: upstreamOf,
    setup: (up) => up.setFault('*', { kind: 'reset' }),
    path: '/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_UPSTREAM',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-upstream-unreachable',
  },
  {
    name: "upstream's certificate is not trusted",
    options: (_up, x) => ({ env: { MODRESCUE_PROXY_UPSTREAMS: x.tlsUp.url } }),
    path: '/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_UPSTREAM',
    category: 'proxy-tls',
    ruleId: 'modrescue-proxy-upstream-tls',
    upstream: (_up, x) => x.tlsUp.url,
  },
  {
    name: 'upstream hangs past the timeout',
    options: (up) => withEnv(up, { MODRESCUE_PROXY_UPSTREAM_TIMEOUT: '300ms' }),
    setup: (up) => up.setFault('*', { kind: 'hang' }),
    path: '/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_UPSTREAM_TIMEOUT',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-upstream-timeout',
  },
  {
    name: 'circuit open after a failure',
    options: (up) =>
      withEnv(up, { MODRESCUE_PROXY_BREAKER_FAILURES: '1', MODRESCUE_PROXY_BREAKER_HALF_OPEN_AFTER: '1h' }),
    setup: (up) => up.setFault('*', { kind: 'status', status: 503 }),
    warm: ['/rsc.io/quote/@v/v1.5.2.info'],
    path: '/rsc.io/quote/@v/v1.5.2.mod',
    code: 'ERR_PROXY_CIRCUIT_OPEN',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-circuit-open',
  },
  {
    name: 'version the upstream does not have',
    options: upstreamOf,
    path: '/rsc.io/quote/@v/v1.9.9.info',
    code: 'ERR_PROXY_NOT_FOUND',
    category: 'unknown-revision',
    ruleId: 'modrescue-proxy-not-found',
  },
  {
    name: 'module the upstream does not have',
    options: upstreamOf,
    path: '/rsc.io/nope/@v/list',
    code: 'ERR_PROXY_NOT_FOUND',
    category: 'unknown-revision',
    ruleId: 'modrescue-proxy-not-found',
  },
  {
    name: 'version the module path does not allow',
    options: upstreamOf,
    path: '/rsc.io/quote/@v/v2.0.0.mod',
    code: 'ERR_PROXY_NOT_FOUND',
    category: 'unknown-revision',
    ruleId: 'modrescue-proxy-not-found',
    upstream: () => undefined,
  },
  {
    name: 'private module through a public upstream',
    options: upstreamOf,
    setup: (up) =>
      up.setFault('git.corp.example/*', {
        kind: 'status',
        status: 404,
        body: "not found: git.corp.example/lib@v1.4.0: invalid version: git ls-remote -q origin: exit status 128:\n\tfatal: could not read Username for 'https://git.corp.example': terminal prompts disabled",
      }),
    path: '/git.corp.example/lib/@v/v1.4.0.info',
    code: 'ERR_PROXY_NOT_FOUND',
    category: 'private-auth',
    ruleId: 'modrescue-proxy-upstream-private',
  },
  {
    name: 'upstream chain is off',
    options: () => ({ env: { MODRESCUE_PROXY_UPSTREAMS: 'off' } }),
    path: '/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_NOT_FOUND',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-chain-off',
    upstream: () => 'off',
  },
  {
    name: 'offline and not cached',
    options: (up) => withEnv(up, { MODRESCUE_PROXY_OFFLINE: 'true' }),
    path: '/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_NOT_CACHED',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-not-cached',
    upstream: () => undefined,
  },
  {
    name: 'checksum database not proxied',
    options: upstreamOf,
    path: '/sumdb/sum.golang.org/lookup/rsc.io/quote@v1.5.2',
    code: 'ERR_PROXY_NOT_FOUND',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-misrouted',
    upstream: () => undefined,
  },
  {
    name: 'GOPROXY with a path prefix the proxy does not serve',
    options: upstreamOf,
    path: '/goproxy/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_BAD_PATH',
    // 404, as proxy.golang.org answers, so that a ',' GOPROXY list tries its next entry.
    status: 404,
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-bad-request',
    upstream: () => undefined,
  },
  {
    name: 'a request outside the protocol',
    options: upstreamOf,
    path: '/rsc.io/quote/v1.5.2.zip',
    code: 'ERR_PROXY_NOT_FOUND',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-misrouted',
    upstream: () => undefined,
  },
  {
    name: 'path not case-encoded',
    options: upstreamOf,
    path: '/github.com/Azure/go-sdk/@v/list',
    code: 'ERR_PROXY_BAD_PATH',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-bad-request',
    upstream: () => undefined,
  },
  {
    name: 'method other than GET',
    options: upstreamOf,
    path: '/rsc.io/quote/@v/v1.5.2.info',
    method: 'POST',
    code: 'ERR_PROXY_METHOD',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-bad-request',
    upstream: () => undefined,
  },
  {
    name: 'checksum database unreachable from the proxy',
    options: (up, x) => withEnv(up, { MODRESCUE_PROXY_SUMDB: `${x.sumdb.verifierKey} ${x.closed}` }),
    path: '/rsc.io/quote/@v/v1.5.2.mod',
    code: 'ERR_PROXY_SUMDB_UNAVAILABLE',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-sumdb-unavailable',
  },
  {
    name: 'checksum database lookup through the proxy, database unreachable',
    options: (up, x) => withEnv(up, { MODRESCUE_PROXY_SUMDB: `${x.sumdb.verifierKey} ${x.closed}` }),
    path: `/sumdb/${TEST_SUMDB.name}/lookup/rsc.io/quote@v1.5.2`,
    code: 'ERR_PROXY_UPSTREAM',
    category: 'proxy-unreachable',
    ruleId: 'modrescue-proxy-upstream-unreachable',
    upstream: (_up, x) => x.closed,
  },
  {
    name: 'checksum database does not know a private module (the proxy verifies)',
    options: (up, x) => withEnv(up, { MODRESCUE_PROXY_SUMDB: x.sumdb.gosumdb }),
    path: '/rsc.io/quote/@v/v1.5.2.mod',
    code: 'ERR_PROXY_SUMDB_UNAVAILABLE',
    category: 'sumdb-private',
    ruleId: 'modrescue-proxy-sumdb-private',
  },
  {
    name: 'checksum database does not know a private module (the go command looks it up)',
    options: (up, x) => withEnv(up, { MODRESCUE_PROXY_SUMDB: x.sumdb.gosumdb }),
    path: `/sumdb/${TEST_SUMDB.name}/lookup/rsc.io/quote@v1.5.2`,
    code: 'ERR_PROXY_NOT_FOUND',
    category: 'sumdb-private',
    ruleId: 'modrescue-proxy-sumdb-not-found',
    upstream: (_up, x) => x.sumdb.url,
  },
  {
    name: 'upstream .info names another version',
    options: upstreamOf,
    setup: (up) => up.setFault('*.info', { kind: 'wrong-info', version: 'v1.0.0' }),
    path: '/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_INVALID_INFO',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-refused-content',
  },
  {
    name: 'upstream go.mod does not parse',
    options: upstreamOf,
    setup: (up) => up.setFault('*.mod', { kind: 'status', status: 200, body: 'module "rsc.io/quote\n' }),
    path: '/rsc.io/quote/@v/v1.5.2.mod',
    code: 'ERR_PROXY_INVALID_MOD',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-refused-content',
  },
  {
    name: 'upstream zip breaks the module zip rules',
    options: upstreamOf,
    path: '/rsc.io/badzip/@v/v1.0.0.zip',
    code: 'ERR_PROXY_INVALID_ZIP',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-refused-content',
  },
  {
    name: 'upstream serves something that is not a zip',
    options: upstreamOf,
    setup: (up) =>
      up.setFault('*.zip', { kind: 'status', status: 200, body: 'not a zip', contentType: 'application/zip' }),
    path: '/rsc.io/quote/@v/v1.5.2.zip',
    code: 'ERR_PROXY_INVALID_ZIP',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-refused-content',
  },
  {
    name: "zip's go.mod differs from the .mod",
    options: upstreamOf,
    path: '/example.com/printversion/@v/v1.0.0.zip',
    code: 'ERR_PROXY_GOMOD_MISMATCH',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-gomod-mismatch',
  },
  {
    name: 'zip over the size limit',
    options: (up) => withEnv(up, { MODRESCUE_PROXY_LIMITS_MAX_ZIP_BYTES: '1KiB' }),
    path: '/rsc.io/quote/@v/v1.5.2.zip',
    code: 'ERR_PROXY_TOO_LARGE',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-too-large',
  },
  {
    name: 'storage full',
    options: (up) => ({ ...upstreamOf(up), proxyOptions: { storage: failingStorage() } }),
    path: '/rsc.io/quote/@v/v1.5.2.mod',
    code: 'ERR_PROXY_STORAGE',
    category: 'proxy-http-error',
    ruleId: 'modrescue-proxy-internal-error',
    upstream: () => undefined,
  },
  {
    name: 'proxy wants credentials',
    options: (up) => ({ ...upstreamOf(up), proxyOptions: { authorize } }),
    path: '/rsc.io/quote/@v/v1.5.2.info',
    code: 'ERR_PROXY_UNAUTHORIZED',
    category: 'private-auth',
    ruleId: 'modrescue-proxy-unauthorized',
    upstream: () => undefined,
  },
];

describe('bodies the proxy answers, in go command output', () => {
  let up: TestProxy;
  let extra: Extra;
  beforeAll(async () => {
    up = await startTestProxy({
      fixtures: [QUOTE.file, fixture('example.com/printversion@v1.0.0').file, fixture('rsc.io/badzip@v1.0.0').file],
    });
    const certs = await createTestCertificates();
    const tlsUp = await startTestProxy({ fixtures: [QUOTE.file], tls: certs.selfSigned });
    // A database whose lookups answer 404, as sum.golang.org does for a module it cannot fetch.
    const sumdb = await startTestSumdb({ records: [] });
    sumdb.fail('*', { status: 404, body: 'not found: rsc.io/quote@v1.5.2: unrecognized import path' });
    extra = { closed: `http://127.0.0.1:${await closedPort()}`, sumdb, tlsUp };
  });
  afterAll(async () => {
    await up?.close();
    await extra?.tlsUp.close();
    await extra?.sumdb.close();
  });

  it('covers the codes a running proxy answers with over HTTP', () => {
    const answered = new Set(scenarios.map((s) => s.code));
    // Not answerable through a request here: config and listen errors (start-up only),
    // a storage key the router never builds, shutting down, and forbidden (the auth
    // test below); proxy-body.test.ts covers them with errorBody.
    const rest = Object.keys(STATUS_BY_CODE).filter((c) => !answered.has(c as ProxyErrorCode));
    expect(rest.sort()).toEqual([
      'ERR_PROXY_CHECKSUM_MISMATCH',
      'ERR_PROXY_CONFIG',
      'ERR_PROXY_FORBIDDEN',
      'ERR_PROXY_LISTEN',
      'ERR_PROXY_SHUTTING_DOWN',
      'ERR_PROXY_STORAGE_KEY',
    ]);
  });

  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (_name, s) => {
    up.clearFaults();
    s.setup?.(up);
    const p = await makeProxy({ ...s.options(up, extra), storage: 'memory' });
    try {
      for (const w of s.warm ?? []) await (await p.get(w)).text();
      const res = await p.get(s.path, s.method === undefined ? undefined : { method: s.method });
      const text = await res.text();
      expect(res.status).toBe(s.status ?? STATUS_BY_CODE[s.code].status);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const body = text.replace(/\n$/, '');
      expect(parseErrorBody(body)?.code, body).toBe(s.code);
      const status = `${res.status} ${res.statusText || STATUS_LINES[res.status]}`;
      const log = [
        'go: downloading rsc.io/quote v1.5.2',
        `go: rsc.io/quote@v1.5.2: reading ${BASE}${s.path}: ${status}`,
        `\tserver response: ${body}`,
      ].join('\n');
      const r = triageText(log);
      expect(r.ruleId, body).toBe(s.ruleId);
      expect(r.category).toBe(s.category);
      const want = s.upstream ? s.upstream(up, extra) : up.url;
      expect(r.proxy?.upstream).toBe(want);
      expect(r.proxy?.code).toBe(s.code);
      expect(r.proxy?.url).toBe(BASE);
      if (want !== undefined && want !== 'off') expect(r.urls[0]).toBe(want);
    } finally {
      await p.close();
    }
  });
});

/** HTTP status lines (Request objects from an in-memory handler have no statusText). */
const STATUS_LINES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  410: 'Gone',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

describe('end to end: the go command fails through the real proxy, triage reads its stderr', () => {
  let ws: Workspace;
  let dir: string;
  beforeAll(async () => {
    ws = await createWorkspace('modrescue-triage-proxy-');
    dir = path.join(ws.dir, 'm');
    await mkdir(dir);
    await writeFile(path.join(dir, 'go.mod'), 'module example.com/m\n\ngo 1.19\n');
  });
  afterAll(async () => {
    await ws?.cleanup();
  });

  const goThrough = async (proxyUrl: string, args: string[]) =>
    runGo(args, { cwd: dir, env: { ...ws.env, GOPROXY: proxyUrl, GOSUMDB: 'off', GOFLAGS: '-mod=mod' } });

  it('an upstream answering 500: proxy-http-error, naming the upstream (and through modrescue triage --json)', async () => {
    const up = await startTestProxy({ fixtures: [QUOTE.file] });
    up.setFault('*', { kind: 'status', status: 500, body: 'boom' });
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: up.url, MODRESCUE_PROXY_LOG_LEVEL: 'error' } });
    const s = await serve(p);
    try {
      const g = await goThrough(s.url, ['mod', 'download', 'rsc.io/quote@v1.5.2']);
      expect(g.code).toBe(1);
      expect(g.stderr).toContain('server response: upstream error:');
      const r = triageText(g.stderr);
      expect(r.category).toBe('proxy-http-error');
      expect(r.ruleId).toBe('modrescue-proxy-upstream-error');
      expect(r.proxy).toMatchObject({
        code: 'ERR_PROXY_UPSTREAM',
        kind: 'upstream error',
        upstream: up.url,
        url: s.url,
      });
      expect(r.urls[0]).toBe(up.url);
      expect(r.modules).toContainEqual({ path: 'rsc.io/quote', version: 'v1.5.2' });
      expect(r.summary).toContain(`upstream ${up.url}`);
      expect(r.nextSteps[0]!.command).toBe(`curl -sS ${s.url}/-/api/upstreams`);

      const log = path.join(ws.dir, 'build.log');
      await writeFile(log, g.stderr);
      const cli = await run(['triage', '--json', log], { cwd: ws.dir });
      expect(cli.code, cli.stderr).toBe(1);
      const doc = JSON.parse(cli.stdout) as Record<string, unknown>;
      expect(doc['category']).toBe('proxy-http-error');
      expect(doc['proxy']).toMatchObject({
        code: 'ERR_PROXY_UPSTREAM',
        kind: 'upstream error',
        upstream: up.url,
        url: s.url,
      });
      expect(doc['hosts']).toEqual(['127.0.0.1']);
    } finally {
      await s.close();
      await p.close();
      await up.close();
    }
  });

  it('a zip the checksum database does not vouch for: checksum-mismatch, the proxy refused, the upstream named', async () => {
    const up = await startTestProxy({ fixtures: [QUOTE.file] });
    const sums = fixtureSums().find((f) => f.path === 'rsc.io/quote' && f.version === 'v1.5.2')!;
    const db = await startTestSumdb({
      records: [
        {
          path: 'rsc.io/quote',
          version: 'v1.5.2',
          h1: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
          goModH1: sums.goModH1!,
        },
      ],
    });
    const p = await makeProxy({
      env: { MODRESCUE_PROXY_UPSTREAMS: up.url, MODRESCUE_PROXY_SUMDB: db.gosumdb, MODRESCUE_PROXY_LOG_LEVEL: 'error' },
    });
    const s = await serve(p);
    try {
      const g = await goThrough(s.url, ['mod', 'download', 'rsc.io/quote@v1.5.2']);
      expect(g.code).toBe(1);
      const r = triageText(g.stderr);
      expect(r.category).toBe('checksum-mismatch');
      expect(r.ruleId).toBe('modrescue-proxy-checksum-mismatch');
      expect(r.proxy).toMatchObject({ code: 'ERR_PROXY_CHECKSUM_MISMATCH', kind: 'refused', upstream: up.url });
      expect(r.proxy?.subject).toBe('rsc.io/quote@v1.5.2.zip');
      expect(r.summary).toContain(`The upstream ${up.url} served content whose hash differs`);
    } finally {
      await s.close();
      await p.close();
      await db.close();
      await up.close();
    }
  });

  it('an open circuit, read from go mod download -json output: proxy-unreachable', async () => {
    const up = await startTestProxy({ fixtures: [QUOTE.file] });
    up.setFault('*', { kind: 'status', status: 503 });
    const p = await makeProxy({
      env: {
        MODRESCUE_PROXY_UPSTREAMS: up.url,
        MODRESCUE_PROXY_BREAKER_FAILURES: '1',
        MODRESCUE_PROXY_BREAKER_HALF_OPEN_AFTER: '1h',
        MODRESCUE_PROXY_LOG_LEVEL: 'error',
      },
    });
    const s = await serve(p);
    try {
      expect((await goThrough(s.url, ['mod', 'download', 'rsc.io/quote@v1.5.2'])).code).toBe(1);
      const g = await goThrough(s.url, ['mod', 'download', '-json', 'rsc.io/quote@v1.5.2']);
      expect(g.code).toBe(1);
      expect(g.stdout).toContain('"Error":');
      const r = triageText(g.stdout);
      expect(r.category).toBe('proxy-unreachable');
      expect(r.ruleId).toBe('modrescue-proxy-circuit-open');
      expect(r.proxy).toMatchObject({ code: 'ERR_PROXY_CIRCUIT_OPEN', upstream: up.url, url: s.url });
    } finally {
      await s.close();
      await p.close();
      await up.close();
    }
  });

  it('an upstream nobody listens on: proxy-unreachable, naming that upstream', async () => {
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: closed, MODRESCUE_PROXY_LOG_LEVEL: 'error' } });
    const s = await serve(p);
    try {
      const g = await goThrough(s.url, ['get', 'rsc.io/quote@v1.5.2']);
      expect(g.code).toBe(1);
      const r = triageText(g.stderr);
      expect(r.category).toBe('proxy-unreachable');
      expect(r.ruleId).toBe('modrescue-proxy-upstream-unreachable');
      expect(r.proxy?.upstream).toBe(closed);
      expect(r.nextSteps.map((x) => x.command)).toContain(`curl -sS ${s.url}/-/readyz`);
    } finally {
      await s.close();
      await p.close();
    }
  });
});
