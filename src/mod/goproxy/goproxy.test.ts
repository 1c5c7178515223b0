import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createHash } from 'node:crypto';
import {
  GoproxyError,
  createGoproxyClient,
  formatErrorDetail,
  goJsonSyntaxError,
  isRevisionQuery,
  parseProxyList,
  pathEscape,
  tryProxies,
  type GoproxyClient,
} from './index.js';
import { createHttpClient, type HttpClient } from '../web/index.js';
import { startTestProxy, type TestProxy } from '../../../test/support/proxy-server.js';
import { createWorkspace, runGo, type Workspace } from '../../../test/support/go.js';

const sha256 = async (f: string) =>
  createHash('sha256')
    .update(await readFile(f))
    .digest('hex');

async function rejects(p: Promise<unknown>): Promise<GoproxyError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof GoproxyError) return e;
    throw e;
  }
  throw new Error('expected a GoproxyError');
}

describe('parseProxyList (cmd/go proxyList)', () => {
  it.each([
    [
      'https://proxy.golang.org,direct',
      [
        ['https://proxy.golang.org', false],
        ['direct', false],
      ],
    ],
    [
      'a.example|b.example,off',
      [
        ['https://a.example', true],
        ['https://b.example', false],
        ['off', false],
      ],
    ],
    [' direct , https://ignored.example', [['direct', false]]],
    ['off|https://ignored.example', [['off', false]]],
    ['file:///srv/proxy', [['file:///srv/proxy', false]]],
    ['proxy.corp:8080/go', [['https://proxy.corp:8080/go', false]]],
    ['http://user:pw@p.example', [['http://user:pw@p.example', false]]],
    [',,https://x.example,', [['https://x.example', false]]],
  ])('%j', (value, want) => {
    expect(parseProxyList(value).map((s) => [s.url, s.fallBackOnError])).toEqual(want);
  });
  it('prepends noproxy when GONOPROXY is set (not for GOPROXY=direct)', () => {
    expect(parseProxyList('https://p.example', { noProxy: 'corp.example' }).map((s) => s.url)).toEqual([
      'noproxy',
      'https://p.example',
    ]);
    expect(parseProxyList('direct', { noProxy: 'corp.example' }).map((s) => s.url)).toEqual(['direct']);
  });
  it.each([
    [',', 'GOPROXY list is not the empty string, but contains no entries'],
    ['  ', 'GOPROXY list is not the empty string, but contains no entries'],
    ['proxy', 'invalid proxy URL missing scheme: proxy'],
    ['/abs/path', 'invalid proxy URL missing scheme: /abs/path'],
    ['ftp://p.example', 'invalid proxy URL scheme (must be https, http, file): ftp://p.example'],
    ['file://host/x', 'invalid file:// proxy URL with non-path elements: file://host/x'],
    ['file:///x?q', 'invalid file:// proxy URL with non-path elements: file:///x?q'],
    ['ftp://u:pw@p.example', 'invalid proxy URL scheme (must be https, http, file): ftp://u:xxxxx@p.example'],
  ])('%j fails: %s', (value, message) => {
    expect(() => parseProxyList(value)).toThrow(message);
  });
});

describe('helpers', () => {
  it('escapes paths as the go command shows URLs', () => {
    expect(pathEscape('rsc.io/!q!u!o!t!e/@v/v1.5.3-!p!r!e.info')).toBe(
      'rsc.io/%21q%21u%21o%21t%21e/@v/v1.5.3-%21p%21r%21e.info',
    );
    expect(pathEscape('a b/c+d@e')).toBe('a%20b/c+d@e');
  });
  it('formats the server response detail as cmd/go/internal/web', () => {
    expect(formatErrorDetail('not found: x\n')).toBe('not found: x');
    expect(formatErrorDetail('a\nb\n\nc')).toBe('a\n\tb');
    expect(formatErrorDetail('1\n2\n3\n4\n5\n6\n7\n8\n9\n10')).toBe(
      '1\n\t2\n\t3\n\t4\n\t5\n\t6\n\t7\n\t8\n\t[Truncated: too many lines.]',
    );
    expect(formatErrorDetail('evil \u001b[31m')).toBe('');
  });
  it.each([
    ['latest', false],
    ['upgrade', false],
    ['>v1.2.3', false],
    ['v1.2', false],
    ['v1.2.3', true],
    ['master', true],
    ['abcdef12', true],
  ])('isRevisionQuery(%s) = %s', (q, want) => expect(isRevisionQuery(q)).toBe(want));
});

const FIXTURES = [
  'rsc.io_quote_v1.0.0.txt',
  'rsc.io_quote_v1.1.0.txt',
  'rsc.io_quote_v1.2.0.txt',
  'rsc.io_quote_v1.2.1.txt',
  'rsc.io_quote_v1.3.0.txt',
  'rsc.io_quote_v1.4.0.txt',
  'rsc.io_quote_v1.5.0.txt',
  'rsc.io_quote_v1.5.1.txt',
  'rsc.io_quote_v1.5.2.txt',
  'rsc.io_quote_v1.5.3-pre1.txt',
  'rsc.io_breaker_v1.0.0.txt',
  'rsc.io_breaker_v2.0.0+incompatible.txt',
  'rsc.io_breaker_v2.0.0.txt',
  'example.com_incompatiblewithsub_v1.0.0.txt',
  'example.com_incompatiblewithsub_v2.0.0+incompatible.txt',
  'rsc.io_sampler_v1.3.0.txt',
  'rsc.io_sampler_v1.3.1.txt',
  'rsc.io_!q!u!o!t!e_v1.5.2.txt',
];

describe('GOPROXY client against the loopback test proxy', () => {
  let proxy: TestProxy;
  let second: TestProxy;
  let http: HttpClient;
  let tmp: string;
  beforeAll(async () => {
    proxy = await startTestProxy({ fixtures: FIXTURES });
    second = await startTestProxy({ fixtures: ['rsc.io_sampler_v1.3.0.txt', 'rsc.io_quote_v1.5.2.txt'] });
    http = createHttpClient({ retries: 0, timeoutMs: 2_000 });
    tmp = await mkdtemp(path.join(os.tmpdir(), 'modrescue-goproxy-'));
  });
  afterAll(async () => {
    await http.close();
    await proxy.close();
    await second.close();
    await rm(tmp, { recursive: true, force: true });
  });
  const client = (goproxy: string, extra: Partial<Parameters<typeof createGoproxyClient>[0]> = {}): GoproxyClient =>
    createGoproxyClient({ fetch: http, proxy: goproxy, ...extra });

  it('lists versions (sorted, no pseudo-versions), stats, fetches go.mod and zip', async () => {
    const c = client(proxy.url);
    expect(await c.versions('rsc.io/quote')).toEqual([
      'v1.0.0',
      'v1.1.0',
      'v1.2.0',
      'v1.2.1',
      'v1.3.0',
      'v1.4.0',
      'v1.5.0',
      'v1.5.1',
      'v1.5.2',
      'v1.5.3-pre1',
    ]);
    expect(await c.versions('rsc.io/quote', 'v1.2.')).toEqual(['v1.2.0', 'v1.2.1']);
    const info = await c.info('rsc.io/quote', 'v1.5.2');
    expect(info.version).toBe('v1.5.2');
    expect(new TextDecoder().decode(await c.goMod('rsc.io/quote', 'v1.5.2'))).toBe(
      await readFile(path.join(proxy.root, 'rsc.io/quote/@v/v1.5.2.mod'), 'utf8'),
    );
    const dest = path.join(tmp, 'quote.zip');
    const { bytes } = await c.zip('rsc.io/quote', 'v1.5.2', dest);
    expect(bytes).toBe((await stat(path.join(proxy.root, 'rsc.io/quote/@v/v1.5.2.zip'))).size);
    expect(await sha256(dest)).toBe(await sha256(path.join(proxy.root, 'rsc.io/quote/@v/v1.5.2.zip')));
    // Case-encoded paths and versions.
    expect((await c.info('rsc.io/QUOTE', 'v1.5.2')).version).toBe('v1.5.2');
    expect(proxy.requests.some((r) => r.path === 'rsc.io/!q!u!o!t!e/@v/v1.5.2.info')).toBe(true);
  });

  it('answers the same from a file:// proxy', async () => {
    const c = client(pathToFileURL(proxy.root).href);
    expect(await c.versions('rsc.io/sampler')).toEqual(['v1.3.0', 'v1.3.1']);
    const e = await rejects(c.versions('rsc.io/nope'));
    expect(e.message).toBe(
      `module rsc.io/nope: reading ${pathToFileURL(proxy.root).href}/rsc.io/nope/@v/list: no such file or directory`,
    );
    expect(e.notFound).toBe(true);
  });

  it('falls through on 404 and 410 with "," and reports the last not-found', async () => {
    const c = client(`${proxy.url}/404,${proxy.url}/410,${second.url}`);
    expect(await c.versions('rsc.io/sampler')).toEqual(['v1.3.0']);
    const e = await rejects(client(`${proxy.url}/404,${proxy.url}/410`).versions('rsc.io/sampler'));
    expect(e.code).toBe('ERR_GOPROXY_NOT_FOUND');
    expect(e.message).toBe(`module rsc.io/sampler: reading ${proxy.url}/410/rsc.io/sampler/@v/list: 410 Gone`);
    expect(e.fields['status']).toBe(410);
  });

  it('stops at a 500 after "," but falls through after "|"', async () => {
    const e = await rejects(client(`${proxy.url}/500,${second.url}`).versions('rsc.io/sampler'));
    expect(e.code).toBe('ERR_GOPROXY_STATUS');
    expect(e.message).toBe(
      `module rsc.io/sampler: reading ${proxy.url}/500/rsc.io/sampler/@v/list: 500 Internal Server Error`,
    );
    expect(await client(`${proxy.url}/500|${second.url}`).versions('rsc.io/sampler')).toEqual(['v1.3.0']);
    // The proxy error outranks a later not-found.
    const best = await rejects(client(`${proxy.url}/503|${proxy.url}/404`).versions('rsc.io/sampler'));
    expect(best.message).toContain('/503/rsc.io/sampler/@v/list: 503 Service Unavailable');
  });

  it('shows a text/plain error body as the server response', async () => {
    const e = await rejects(client(proxy.url).info('rsc.io/quote', 'v9.9.9'));
    expect(e.message).toBe(
      `rsc.io/quote@v9.9.9: reading ${proxy.url}/rsc.io/quote/@v/v9.9.9.info: 404 Not Found\n\tserver response: not found: rsc.io/quote/@v/v9.9.9.info`,
    );
  });

  it('GOPROXY=off, direct and GONOPROXY routing', async () => {
    const off = await rejects(client('off').info('rsc.io/quote', 'v1.5.2'));
    expect(off.code).toBe('ERR_GOPROXY_OFF');
    expect(off.message).toBe('rsc.io/quote@v1.5.2: module lookup disabled by GOPROXY=off');
    expect((await rejects(client('off').versions('rsc.io/quote'))).message).toBe(
      'module lookup disabled by GOPROXY=off',
    );

    const d = await rejects(client(`${proxy.url}/404,direct`).info('rsc.io/quote', 'v1.5.2'));
    expect(d.code).toBe('ERR_GOPROXY_DIRECT_UNSUPPORTED');
    expect(d.message).toMatch(
      new RegExp(
        `\\(GOPROXY says direct\\); .*\n\tbefore that, rsc\\.io/quote@v1\\.5\\.2: reading ${proxy.url}/404/rsc\\.io/quote/@v/v1\\.5\\.2\\.info: 404 Not Found$`,
      ),
    );
    expect(d.fields['previous']).toMatchObject({ code: 'ERR_GOPROXY_NOT_FOUND', status: 404 });
    expect((await rejects(client('direct').info('rsc.io/quote', 'v1.5.2'))).message).not.toContain('before that');

    const priv = client(proxy.url, { noProxy: 'rsc.io/quote,*.corp.example' });
    expect(priv.route('rsc.io/quote')).toBe('direct');
    expect(priv.route('git.corp.example/x/y')).toBe('direct');
    expect(priv.route('rsc.io/sampler')).toBe('proxy');
    expect(await priv.versions('rsc.io/sampler')).toEqual(['v1.3.0', 'v1.3.1']);
    const pe = await rejects(priv.info('rsc.io/quote', 'v1.5.2'));
    expect(pe.code).toBe('ERR_GOPROXY_DIRECT_UNSUPPORTED');
    expect(pe.message).toMatch(
      /^rsc\.io\/quote@v1\.5\.2: fetching directly from version control is not supported by modrescue \(the path matches GOPRIVATE\/GONOPROXY\)/,
    );
  });

  it('reports HTML instead of the expected body, naming the URL', async () => {
    proxy.setFault('rsc.io/sampler/@v/v1.3.0.info', { kind: 'html' }, 1);
    const e = await rejects(client(proxy.url).info('rsc.io/sampler', 'v1.3.0'));
    expect(e.code).toBe('ERR_GOPROXY_BAD_RESPONSE');
    // The go command's wording for JSON answers; the fields say it was HTML, and where.
    expect(e.message).toBe(
      `rsc.io/sampler@v1.3.0: invalid response from proxy "${proxy.url}": invalid character '<' looking for beginning of value`,
    );
    expect(e.fields).toMatchObject({ html: true, url: `${proxy.url}/rsc.io/sampler/@v/v1.3.0.info` });
    // Where the go command would accept the page and fail later, the error is precise.
    proxy.setFault('rsc.io/sampler/@v/list', { kind: 'html' }, 1);
    const list = await rejects(client(proxy.url).versions('rsc.io/sampler'));
    expect(list.code).toBe('ERR_GOPROXY_BAD_RESPONSE');
    expect(list.message).toBe(
      `module rsc.io/sampler: invalid response from proxy "${proxy.url}": ${proxy.url}/rsc.io/sampler/@v/list returned an HTML page instead of a version list`,
    );
  });

  it('reports an .info naming another version', async () => {
    proxy.setFault('rsc.io/sampler/@v/v1.3.1.info', { kind: 'wrong-info', version: 'v1.3.0' }, 1);
    const e = await rejects(client(proxy.url).info('rsc.io/sampler', 'v1.3.1'));
    expect(e.code).toBe('ERR_GOPROXY_INFO_MISMATCH');
    expect(e.message).toBe(
      'rsc.io/sampler@v1.3.1: proxy returned info for version v1.3.0 instead of requested version',
    );
  });

  it('detects a truncated zip and removes the partial file', async () => {
    proxy.setFault('rsc.io/sampler/@v/v1.3.0.zip', { kind: 'truncate' }, 1);
    const dest = path.join(tmp, 'trunc.zip');
    const e = await rejects(client(proxy.url).zip('rsc.io/sampler', 'v1.3.0', dest));
    expect(e.code).toBe('ERR_GOPROXY_ZIP_TRUNCATED');
    expect(e.message).toMatch(/^rsc\.io\/sampler@v1\.3\.0: read ".*\/rsc\.io\/sampler\/@v\/v1\.3\.0\.zip": /);
    expect(existsSync(dest)).toBe(false);
  });

  it('streams a zip into an open handle, starting over after a failed proxy', async () => {
    const { open } = await import('node:fs/promises');
    const dest = path.join(tmp, 'handle.zip');
    const fh = await open(dest, 'w+');
    try {
      await fh.write(Buffer.alloc(100_000, 0x78));
      // The first proxy breaks off mid-body ('|': any error falls through), the second answers.
      proxy.setFault('rsc.io/quote/@v/v1.5.2.zip', { kind: 'truncate' }, 1);
      const { bytes } = await client(`${proxy.url}|${second.url}`).zip('rsc.io/quote', 'v1.5.2', fh);
      const want = path.join(proxy.root, 'rsc.io/quote/@v/v1.5.2.zip');
      expect(bytes).toBe((await stat(want)).size);
      expect((await fh.stat()).size).toBe(bytes);
    } finally {
      await fh.close();
    }
    expect(await sha256(dest)).toBe(await sha256(path.join(proxy.root, 'rsc.io/quote/@v/v1.5.2.zip')));
  });

  it('enforces the zip size limit while streaming', async () => {
    const dest = path.join(tmp, 'big.zip');
    const e = await rejects(client(proxy.url, { maxZipBytes: 1000 }).zip('rsc.io/quote', 'v1.5.2', dest));
    expect(e.code).toBe('ERR_GOPROXY_ZIP_TOO_LARGE');
    expect(e.message).toBe('rsc.io/quote@v1.5.2: downloaded zip file too large');
    expect(existsSync(dest)).toBe(false);
  });

  it('turns timeouts and resets into GoproxyErrors carrying the HTTP fields', async () => {
    proxy.setFault('rsc.io/sampler/@v/v1.3.0.mod', { kind: 'hang' }, 1);
    const quick = createHttpClient({ retries: 0, timeoutMs: 200 });
    const e = await rejects(createGoproxyClient({ fetch: quick, proxy: proxy.url }).goMod('rsc.io/sampler', 'v1.3.0'));
    expect(e.code).toBe('ERR_GOPROXY_FETCH');
    expect(e.fields['causeCode']).toBe('ETIMEDOUT');
    expect(e.message).toBe(
      `rsc.io/sampler@v1.3.0: Get "${proxy.url}/rsc.io/sampler/@v/v1.3.0.mod": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    );
    proxy.setFault('rsc.io/sampler/@v/v1.3.1.mod', { kind: 'reset' }, 1);
    const r = await rejects(
      createGoproxyClient({ fetch: quick, proxy: `${proxy.url}|${second.url}` }).goMod('rsc.io/sampler', 'v1.3.1'),
    );
    // '|' falls through on the reset; the second proxy lacks v1.3.1 (404), so the reset (a proxy error) is reported.
    expect(r.code).toBe('ERR_GOPROXY_FETCH');
    await quick.close();
  });

  it('queries: latest, prefixes, ranges, prereleases, +incompatible', async () => {
    const c = client(proxy.url);
    const q = async (p: string, query: string, current?: string) =>
      (await c.query(p, query, current === undefined ? {} : { current })).version;
    expect(await q('rsc.io/quote', 'latest')).toBe('v1.5.2');
    expect(await q('rsc.io/quote', 'v1.2')).toBe('v1.2.1');
    expect(await q('rsc.io/quote', 'v1')).toBe('v1.5.2');
    expect(await q('rsc.io/quote', '<v1.5.0')).toBe('v1.4.0');
    expect(await q('rsc.io/quote', '<=v1.5.0')).toBe('v1.5.0');
    expect(await q('rsc.io/quote', '>v1.2.0')).toBe('v1.2.1');
    expect(await q('rsc.io/quote', '>=v1.5.3-pre1')).toBe('v1.5.3-pre1');
    expect(await q('rsc.io/quote', 'v1.5.1')).toBe('v1.5.1');
    expect(await q('rsc.io/quote', 'upgrade', 'v1.5.3-pre1')).toBe('v1.5.3-pre1');
    expect(await q('rsc.io/quote', 'patch', 'v1.2.0')).toBe('v1.2.1');
    expect(await q('rsc.io/breaker', 'latest')).toBe('v2.0.0+incompatible');
    // v1.0.0 has no go.mod of its own, so the +incompatible v2 counts (Go 1.19 agrees, see below).
    expect(await q('example.com/incompatiblewithsub', 'latest')).toBe('v2.0.0+incompatible');
    const none = await rejects(c.query('rsc.io/quote', '>v1.9.0'));
    expect(none.code).toBe('ERR_GOPROXY_NO_MATCH');
    expect(none.message).toBe('no matching versions for query ">v1.9.0"');
    expect((await rejects(c.query('rsc.io/quote', '<=v1.5'))).message).toBe(
      'ambiguous semantic version "v1.5" in range "<=v1.5"',
    );
    expect((await rejects(c.query('rsc.io/quote', 'patch'))).message).toBe(
      `can't query version "patch" of module rsc.io/quote: no existing version is required`,
    );
    expect((await rejects(c.query('rsc.io/quote', 'master'))).code).toBe('ERR_GOPROXY_REVISION_UNSUPPORTED');
    // The allowed seam (exclusions/retractions are the caller's).
    expect((await c.query('rsc.io/quote', 'latest', { allowed: (m) => m.version !== 'v1.5.2' })).version).toBe(
      'v1.5.1',
    );
    // upgrade may stay on the current version only when it is allowed (modload.queryProxy).
    const notAllowed = { current: 'v1.3.1', allowed: (m: { version: string }) => m.version !== 'v1.3.1' };
    expect((await c.query('rsc.io/sampler', 'upgrade', { current: 'v1.3.1' })).version).toBe('v1.3.1');
    const stay = await rejects(c.query('rsc.io/sampler', 'upgrade', notAllowed));
    expect([stay.code, stay.message]).toEqual([
      'ERR_GOPROXY_NO_MATCH',
      'rsc.io/sampler@v1.3.1: disallowed module version',
    ]);
  });

  it('uses @latest when the list has no tagged versions', async () => {
    const c = client(proxy.url);
    proxy.setFault('rsc.io/sampler/@v/list', { kind: 'status', status: 200, body: '' }, 1);
    expect((await c.query('rsc.io/sampler', 'latest')).version).toBe(
      JSON.parse(await readFile(path.join(proxy.root, 'rsc.io/sampler/@latest'), 'utf8')).Version,
    );
  });
});

describe('differential: error wording and queries vs Go 1.19', () => {
  let ws: Workspace;
  let proxy: TestProxy;
  let http: HttpClient;
  beforeAll(async () => {
    ws = await createWorkspace('modrescue-goproxy-diff-');
    proxy = await startTestProxy({ fixtures: FIXTURES });
    http = createHttpClient({ retries: 0 });
  });
  afterAll(async () => {
    await http.close();
    await proxy.close();
    await ws.cleanup();
  });
  const goErr = async (goproxy: string, args: string[]) => {
    const r = await runGo(args, { cwd: ws.dir, env: { ...ws.env, GOPROXY: goproxy, GOFLAGS: '-modcacherw' } });
    expect(r.code).not.toBe(0);
    return r.stderr.replace(/^go: /, '').trimEnd();
  };

  it.each([
    ['404', 'rsc.io/sampler'],
    ['410', 'rsc.io/sampler'],
    ['500', 'rsc.io/sampler'],
  ])('go list -m -versions with a %s proxy', async (status, mod) => {
    const goproxy = `${proxy.url}/${status}`;
    const want = await goErr(goproxy, ['list', '-m', '-versions', mod]);
    const e = await rejects(createGoproxyClient({ fetch: http, proxy: goproxy }).versions(mod));
    expect(e.message).toBe(want);
  });

  it('a text/plain 404 body (server response) on go mod download', async () => {
    const want = await goErr(proxy.url, ['mod', 'download', 'rsc.io/quote@v9.9.9']);
    const e = await rejects(createGoproxyClient({ fetch: http, proxy: proxy.url }).info('rsc.io/quote', 'v9.9.9'));
    expect(e.message).toBe(want);
  });

  it('connection refused (port 1, which fetch-based clients refuse as a "bad port")', async () => {
    const goproxy = 'http://127.0.0.1:1';
    const c = createGoproxyClient({ fetch: http, proxy: goproxy });
    expect((await rejects(c.versions('rsc.io/quote'))).message).toBe(
      await goErr(goproxy, ['list', '-m', '-versions', 'rsc.io/quote']),
    );
    expect((await rejects(c.info('rsc.io/quote', 'v1.5.2'))).message).toBe(
      await goErr(goproxy, ['mod', 'download', 'rsc.io/quote@v1.5.2']),
    );
  });

  it.each(['redirect/11', 'redirect/10', 'invalid'])('go mod download through /mod/%s', async (form) => {
    const goproxy = `${proxy.url}/${form}`;
    const r = await runGo(['mod', 'download', '-json', 'rsc.io/quote@v1.5.2'], {
      cwd: ws.dir,
      env: { ...ws.env, GOPROXY: goproxy, GOFLAGS: '-modcacherw' },
    });
    const want = (JSON.parse(r.stdout) as { Error: string }).Error;
    const e = await rejects(createGoproxyClient({ fetch: http, proxy: goproxy }).info('rsc.io/quote', 'v1.5.2'));
    expect(e.message).toBe(want);
  });

  it.each([
    ['wrong .info version', { kind: 'wrong-info', version: 'v1.5.1' }],
    ['HTML .info', { kind: 'html' }],
    [
      '401 with a multi-line text body',
      { kind: 'auth', user: 'u', password: 'p', body: 'access denied: log in\nsee https://sso.example\n' },
    ],
    [
      '403 with a one-line body',
      { kind: 'auth', user: 'u', password: 'p', status: 403, body: 'forbidden by policy\n' },
    ],
    ['reset', { kind: 'reset' }],
  ] as const)('go mod download with a faulty proxy: %s', async (_name, fault) => {
    proxy.setFault('rsc.io/quote/@v/v1.5.2.info', fault);
    try {
      const r = await runGo(['mod', 'download', '-json', 'rsc.io/quote@v1.5.2'], {
        cwd: ws.dir,
        env: { ...ws.env, GOPROXY: proxy.url, GOFLAGS: '-modcacherw' },
      });
      const want = (JSON.parse(r.stdout) as { Error: string }).Error;
      const e = await rejects(createGoproxyClient({ fetch: http, proxy: proxy.url }).info('rsc.io/quote', 'v1.5.2'));
      expect(e.message).toBe(want);
    } finally {
      proxy.clearFaults();
    }
  });

  it('GOPROXY=off', async () => {
    const c = createGoproxyClient({ fetch: http, proxy: 'off' });
    expect((await rejects(c.info('rsc.io/quote', 'v1.5.2'))).message).toBe(
      await goErr('off', ['mod', 'download', 'rsc.io/quote@v1.5.2']),
    );
    expect((await rejects(c.versions('rsc.io/quote'))).message).toBe(
      await goErr('off', ['list', '-m', '-versions', 'rsc.io/quote']),
    );
  });

  it('file:// proxy, case-encoded path', async () => {
    const goproxy = pathToFileURL(path.join(ws.dir, 'empty')).href;
    const c = createGoproxyClient({ fetch: http, proxy: goproxy });
    expect((await rejects(c.versions('rsc.io/quote'))).message).toBe(
      await goErr(goproxy, ['list', '-m', '-versions', 'rsc.io/quote']),
    );
    expect((await rejects(c.info('rsc.io/QUOTE', 'v1.5.2'))).message).toBe(
      await goErr(goproxy, ['mod', 'download', 'rsc.io/QUOTE@v1.5.2']),
    );
  });

  it.each([
    ['rsc.io/quote', 'latest'],
    ['rsc.io/quote', 'v1.2'],
    ['rsc.io/quote', '<v1.5.0'],
    ['rsc.io/quote', '>=v1.5.3-pre1'],
    ['rsc.io/quote', '>v1.2.0'],
    ['rsc.io/breaker', 'latest'],
    ['example.com/incompatiblewithsub', 'latest'],
    ['rsc.io/quote', 'v1.5.1'],
  ])('query %s@%s agrees with go list -m', async (mod, query) => {
    const r = await runGo(['list', '-m', '-json', `${mod}@${query}`], {
      cwd: ws.dir,
      env: { ...ws.env, GOPROXY: proxy.url, GOFLAGS: '-modcacherw' },
    });
    expect(r.stderr).toBe('');
    const want = JSON.parse(r.stdout) as { Version: string };
    const got = await createGoproxyClient({ fetch: http, proxy: proxy.url }).query(mod, query);
    expect(got.version).toBe(want.Version);
  });

  it.each(['<v1.\x01', '>=v1.2\u00ad'])('a malformed range %j is worded and quoted as go list -m', async (query) => {
    const want = await goErr(proxy.url, ['list', '-m', `rsc.io/quote@${query}`]);
    const e = await rejects(createGoproxyClient({ fetch: http, proxy: proxy.url }).query('rsc.io/quote', query));
    expect(e.code).toBe('ERR_GOPROXY_QUERY');
    expect(`rsc.io/quote@${query}: ${e.message}`).toBe(want);
  });
});

describe('an unusable GOPROXY is reported at lookup time, per module (as the go command)', () => {
  it.each([
    [',', 'GOPROXY list is not the empty string, but contains no entries'],
    ['ftp://x', 'invalid proxy URL scheme (must be https, http, file): ftp://x'],
  ])('GOPROXY=%s', async (value, message) => {
    const fetch = async () => {
      throw new Error('no request expected');
    };
    const c = createGoproxyClient({ fetch, proxy: value });
    expect(c.proxies).toEqual([]);
    const e = await rejects(c.info('rsc.io/quote', 'v1.5.2'));
    expect(e.code).toBe('ERR_GOPROXY_LIST');
    expect(e.message).toBe(`rsc.io/quote@v1.5.2: ${message}`);
    expect((await rejects(c.query('golang.org/x/text', 'latest'))).message).toBe(
      `golang.org/x/text@latest: ${message}`,
    );
  });
});

describe('tryProxies (cmd/go TryProxies), shared with the checksum-database walk', () => {
  const list = (s: string) => parseProxyList(s, {});
  const notFound = (m: string) =>
    new GoproxyError('ERR_GOPROXY_NOT_FOUND', m, { path: 'p', version: '', notFound: true });
  const failed = (m: string) => new GoproxyError('ERR_GOPROXY_STATUS', m, { path: 'p', version: '' });

  it('ranks direct over proxy errors over not-found, and stops after "," on other errors', async () => {
    const seen: string[] = [];
    const answers: Record<string, () => never> = {
      'https://a': () => {
        throw notFound('a: 404');
      },
      'https://b': () => {
        throw failed('b: 500');
      },
      'https://c': () => {
        throw notFound('c: 404');
      },
    };
    const f = async (p: string) => {
      seen.push(p);
      return answers[p]!();
    };
    await expect(tryProxies(list('https://a,https://b,https://c'), f)).rejects.toThrow('b: 500');
    expect(seen).toEqual(['https://a', 'https://b']);
    seen.length = 0;
    await expect(tryProxies(list('https://a|https://b|https://c'), f)).rejects.toThrow('b: 500');
    expect(seen).toEqual(['https://a', 'https://b', 'https://c']);
    // Only not-found answers: the last one is reported.
    await expect(tryProxies(list('https://a,https://c'), f)).rejects.toThrow('c: 404');
  });

  it('rethrows what classify does not rank, and uses the given classification and direct hook', async () => {
    const boom = new Error('local failure');
    const f = async () => {
      throw boom;
    };
    await expect(tryProxies(list('https://a|https://b'), f)).rejects.toBe(boom);
    const calls: string[] = [];
    const err = await tryProxies(
      list('https://a,direct'),
      async (p) => {
        calls.push(p);
        throw new Error(p === 'direct' ? 'no vcs' : 'gone');
      },
      {
        classify: () => ({ notFound: true }),
        direct: (e, prev) => new Error(`${(e as Error).message} after ${(prev as Error).message}`),
      },
    ).catch((e: unknown) => e);
    expect(calls).toEqual(['https://a', 'direct']);
    expect((err as Error).message).toBe('no vcs after gone');
  });

  it('refuses an empty list', async () => {
    await expect(tryProxies([], async () => 1)).rejects.toMatchObject({ code: 'ERR_GOPROXY_LIST' });
  });

  it('returns the first success', async () => {
    await expect(
      tryProxies(list('https://a,https://b'), async (p) => {
        if (p === 'https://a') throw notFound('a');
        return p;
      }),
    ).resolves.toBe('https://b');
  });
});

describe('goJsonSyntaxError vs Go 1.19 encoding/json', () => {
  it('words the first bad character as json.Unmarshal does', async () => {
    // Bodies that fail on their first character (what goJsonSyntaxError words), and empty ones.
    const inputs = ['<html>', "'x", '\x01abc', 'é', '"', '\x7f', ' \t\nZ', '}', '\u2028', '', '  ', '@'];
    const ws = await createWorkspace('modrescue-json-');
    try {
      const prog = path.join(ws.dir, 'main.go');
      const { writeFile } = await import('node:fs/promises');
      await writeFile(
        prog,
        `package main

import (
	"encoding/json"
	"fmt"
	"os"
)

func main() {
	for _, s := range os.Args[1:] {
		var v map[string]any
		fmt.Println(json.Unmarshal([]byte(s), &v))
	}
}
`,
      );
      const r = await runGo(['run', prog, ...inputs], { cwd: ws.dir, env: { ...ws.env, GOFLAGS: '' } });
      expect(r.stderr).toBe('');
      const want = r.stdout.trimEnd().split('\n');
      expect(inputs.map((s) => goJsonSyntaxError(s))).toEqual(want);
    } finally {
      await ws.cleanup();
    }
  });
});
