// Acceptance with the real go command (Debian's Go 1.19, test/support/go.ts): modules
// downloaded through `modrescue proxy serve` on 127.0.0.1 must hash exactly as when
// downloaded straight from the upstream; fallthrough, outage, and poisoning as the go
// command experiences them.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createWorkspace, makeWritable, runGo, type Workspace } from '../../test/support/go.js';
import { writeProxyTree, fixture } from '../../test/support/fixtures.js';
import { startTestProxy } from '../../test/support/proxy-server.js';
import { fixtureSums, startTestSumdb, type TestSumdb } from '../../test/support/sumdb.js';
import { parseErrorBody } from './errors.js';
import type { RunningServer } from './server.js';
import { makeProxy, serve, type TestProxyHandle } from './testdata/harness.js';

interface DownloadJson {
  Path: string;
  Version: string;
  Error?: string;
  Sum?: string;
  GoModSum?: string;
}

/** parseJsonStream splits `go mod download -json` output (concatenated objects). */
function parseJsonStream(text: string): DownloadJson[] {
  const out: DownloadJson[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)) as DownloadJson);
  }
  return out;
}

async function scratchModule(ws: Workspace, name: string, goMod: string, files: Record<string, string> = {}) {
  const dir = path.join(ws.dir, name);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'go.mod'), goMod);
  for (const [f, text] of Object.entries(files)) await writeFile(path.join(dir, f), text);
  return dir;
}

describe('every fixture module through the proxy (go mod download)', () => {
  let ws: Workspace;
  let db: TestSumdb;
  let p: TestProxyHandle;
  let server: RunningServer;
  beforeAll(async () => {
    ws = await createWorkspace('modrescue-proxy-go-');
    await writeProxyTree(ws.proxyDir, 'all');
    db = await startTestSumdb({ fixtures: 'all' });
    p = await makeProxy({
      env: {
        MODRESCUE_PROXY_UPSTREAMS: 'file://' + ws.proxyDir,
        MODRESCUE_PROXY_SUMDB: db.gosumdb,
        MODRESCUE_PROXY_LOG_LEVEL: 'warn',
      },
    });
    server = await serve(p);
  });
  afterAll(async () => {
    await server?.close();
    await p?.close();
    await db?.close();
    await ws?.cleanup();
  });

  // Fixtures whose .mod deliberately differs from the zip's go.mod (cmd/go tests of which
  // file it reads). The go command accepts them; the proxy refuses them by default
  // (verify.goModMatchesZip) and passes them with that check off.
  const GOMOD_MISMATCH = [
    'example.com/printversion@v1.0.0',
    'example.com/split-incompatible/subpkg@v0.1.0',
    'rsc.io/badsum@v1.0.1',
  ];

  const download = async (url: string, mods: string[], name: string) => {
    const dir = await scratchModule(ws, name, 'module example.com/scratch\n\ngo 1.19\n');
    const env = {
      ...ws.env,
      GOPROXY: url,
      // The go command verifies too, through the proxy's /sumdb/ endpoints.
      GOSUMDB: db.verifierKey,
      GONOSUMDB: '',
      GOFLAGS: '-mod=mod',
    };
    const r = await runGo(['mod', 'download', '-json', ...mods], { cwd: dir, env });
    return new Map(parseJsonStream(r.stdout).map((d) => [`${d.Path}@${d.Version}`, d]));
  };

  type Oracle = { sum?: string; goModSum?: string; error?: string; version?: string };
  const compare = (got: Map<string, DownloadJson>, only?: string[]) => {
    const mismatches: string[] = [];
    let agreed = 0;
    let refusedBoth = 0;
    for (const f of fixtureSums()) {
      if (only && !only.includes(`${f.path}@${f.version}`)) continue;
      const oracle = (f as unknown as { oracle: Oracle }).oracle;
      const d = got.get(`${f.path}@${oracle.version ?? f.version}`) ?? got.get(`${f.path}@${f.version}`);
      if (oracle.error) {
        if (d && !d.Error && d.Sum)
          mismatches.push(`${f.path}@${f.version}: go rejects it from the upstream, but not through the proxy`);
        else refusedBoth++;
      } else if (!d || d.Error || d.Sum !== oracle.sum || d.GoModSum !== oracle.goModSum) {
        mismatches.push(
          `${f.path}@${f.version}: ${d?.Error ?? `${d?.Sum} ${d?.GoModSum}`} (upstream: ${oracle.sum} ${oracle.goModSum})`,
        );
      } else {
        agreed++;
      }
    }
    return { mismatches, agreed, refusedBoth };
  };

  it('gives the go command the same hashes as the upstream, and the same refusals', async () => {
    const sums = fixtureSums();
    const got = await download(
      server.url,
      sums.map((f) => `${f.path}@${f.version}`),
      'all',
    );
    const { mismatches, agreed, refusedBoth } = compare(got);
    // Only the deliberate .mod/zip go.mod differences are refused, naming the reason.
    expect(mismatches.map((m) => m.slice(0, m.indexOf(':')))).toEqual(GOMOD_MISMATCH);
    for (const m of mismatches) expect(m).toContain('[ERR_PROXY_GOMOD_MISMATCH]');
    const accepted = sums.filter((f) => !(f as unknown as { oracle: Oracle }).oracle.error).length;
    expect(agreed).toBe(accepted - GOMOD_MISMATCH.length);
    expect(refusedBoth).toBe(8);
    // The proxy really verified against the checksum database, and nothing failed it.
    expect(await p.metric('modrescue_proxy_verification_failures_total', { reason: 'checksum-mismatch' })).toBe(0);
    expect(db.requests.some((q) => q.startsWith('/lookup/'))).toBe(true);
  });

  it('with verify.goModMatchesZip off, those three agree with the upstream too', async () => {
    const lax = await makeProxy({
      env: {
        MODRESCUE_PROXY_UPSTREAMS: 'file://' + ws.proxyDir,
        MODRESCUE_PROXY_SUMDB: db.gosumdb,
        MODRESCUE_PROXY_VERIFY_GO_MOD_MATCHES_ZIP: 'false',
        MODRESCUE_PROXY_LOG_LEVEL: 'warn',
      },
    });
    const s = await serve(lax);
    try {
      const got = await download(s.url, GOMOD_MISMATCH, 'lax');
      expect(compare(got, GOMOD_MISMATCH)).toEqual({ mismatches: [], agreed: 3, refusedBoth: 0 });
      expect(lax.logs.json().filter((l) => String(l['msg']).includes("zip's go.mod differs"))).toHaveLength(3);
    } finally {
      await s.close();
      await lax.close();
    }
  });
});

describe('the go command with the proxy in a GOPROXY list', () => {
  // Each test has its own workspace (module cache) so no download is satisfied by another's.
  let ws: Workspace;
  beforeEach(async () => {
    ws = await createWorkspace('modrescue-proxy-go2-');
  });
  afterEach(async () => {
    await ws.cleanup();
  });

  it('a module the proxy does not have falls through to the next "," entry', async () => {
    const ours = path.join(ws.dir, 'ours');
    const other = path.join(ws.dir, 'other');
    await writeProxyTree(ours, [fixture('rsc.io/quote@v1.5.2')]);
    await writeProxyTree(other, [fixture('rsc.io/testonly@v1.0.0')]);
    const p = await makeProxy({
      env: { MODRESCUE_PROXY_UPSTREAMS: 'file://' + ours, MODRESCUE_PROXY_LOG_LEVEL: 'warn' },
    });
    const s = await serve(p);
    try {
      const dir = await scratchModule(ws, 'fallthrough', 'module example.com/ft\n\ngo 1.19\n');
      const env = { ...ws.env, GOPROXY: `${s.url},file://${other}`, GOSUMDB: 'off', GOFLAGS: '-mod=mod' };
      const r = await runGo(['mod', 'download', '-json', 'rsc.io/testonly@v1.0.0', 'rsc.io/quote@v1.5.2'], {
        cwd: dir,
        env,
      });
      expect(r.code, r.stderr).toBe(0);
      const d = parseJsonStream(r.stdout);
      expect(d.map((x) => [x.Path, x.Error ?? 'ok'])).toEqual([
        ['rsc.io/testonly', 'ok'],
        ['rsc.io/quote', 'ok'],
      ]);
      expect(await p.proxy.storage.stat('rsc.io/quote/@v/v1.5.2.zip')).toBeDefined();
      expect(await p.proxy.storage.stat('rsc.io/testonly/@v/v1.0.0.zip')).toBeUndefined();
    } finally {
      await s.close();
      await p.close();
    }
  });

  it('outage: after warming, go mod download and go build succeed, lists are stale, readiness shows the open circuit', async () => {
    const fixtures = [
      'rsc.io/quote@v1.5.2',
      'rsc.io/sampler@v1.3.0',
      'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c',
    ];
    const up = await startTestProxy({ fixtures: fixtures.map((f) => fixture(f).file) });
    const p = await makeProxy({
      env: {
        MODRESCUE_PROXY_UPSTREAMS: up.url,
        MODRESCUE_PROXY_CACHE_LIST_TTL: '0s',
        MODRESCUE_PROXY_CACHE_STALE_WHILE_REVALIDATE: '0s',
        MODRESCUE_PROXY_BREAKER_FAILURES: '1',
        MODRESCUE_PROXY_BREAKER_HALF_OPEN_AFTER: '1h',
        MODRESCUE_PROXY_LOG_LEVEL: 'warn',
      },
    });
    const s = await serve(p);
    try {
      const dir = await scratchModule(
        ws,
        'outage',
        'module example.com/outage\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n',
        {
          'main.go':
            'package main\n\nimport (\n\t"fmt"\n\n\t"rsc.io/quote"\n)\n\nfunc main() { fmt.Println(quote.Hello()) }\n',
        },
      );
      const env = { ...ws.env, GOPROXY: s.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod' };
      const warm = await runGo(['mod', 'download'], { cwd: dir, env });
      expect(warm.code, warm.stderr).toBe(0);
      const build0 = await runGo(['build', '-o', '/dev/null', '.'], { cwd: dir, env });
      expect(build0.code, build0.stderr).toBe(0);
      expect((await runGo(['list', '-m', '-versions', 'rsc.io/quote'], { cwd: dir, env })).stdout).toBe(
        'rsc.io/quote v1.5.2\n',
      );
      const goSum = await readFile(path.join(dir, 'go.sum'), 'utf8');

      await up.close();
      await makeWritable(ws.modcache);
      await rm(ws.modcache, { recursive: true, force: true });
      await rm(path.join(ws.dir, 'gocache'), { recursive: true, force: true });

      const dl = await runGo(['mod', 'download'], { cwd: dir, env });
      expect(dl.code, dl.stderr).toBe(0);
      const build = await runGo(['build', '-o', '/dev/null', '.'], { cwd: dir, env });
      expect(build.code, build.stderr).toBe(0);
      expect(await readFile(path.join(dir, 'go.sum'), 'utf8')).toBe(goSum);
      const versions = await runGo(['list', '-m', '-versions', 'rsc.io/quote'], { cwd: dir, env });
      expect(versions.code, versions.stderr).toBe(0);
      expect(versions.stdout).toBe('rsc.io/quote v1.5.2\n');
      const list = await fetch(s.url + '/rsc.io/quote/@v/list');
      expect(list.headers.get('x-modrescue-cache')).toBe('stale');
      const ready = (await (await fetch(s.url + '/-/readyz')).json()) as { upstreams: Array<{ state: string }> };
      expect(ready.upstreams).toEqual([{ url: up.url, state: 'open' }]);
    } finally {
      await s.close();
      await p.close();
    }
  });

  it('poisoning: a zip the checksum database does not vouch for is refused; the go command names the cause', async () => {
    const up = await startTestProxy({ fixtures: [fixture('rsc.io/quote@v1.5.2').file] });
    // The database records the go.mod hash correctly but a different zip hash.
    const db = await startTestSumdb({
      records: [
        {
          path: 'rsc.io/quote',
          version: 'v1.5.2',
          h1: 'h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
          goModH1: fixtureSums().find((f) => f.path === 'rsc.io/quote' && f.version === 'v1.5.2')!.goModH1!,
        },
      ],
    });
    const p = await makeProxy({
      env: { MODRESCUE_PROXY_UPSTREAMS: up.url, MODRESCUE_PROXY_SUMDB: db.gosumdb, MODRESCUE_PROXY_LOG_LEVEL: 'warn' },
    });
    const s = await serve(p);
    try {
      const dir = await scratchModule(ws, 'poison', 'module example.com/poison\n\ngo 1.19\n');
      const env = { ...ws.env, GOPROXY: s.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod' };
      const r = await runGo(['mod', 'download', 'rsc.io/quote@v1.5.2'], { cwd: dir, env });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('502 Bad Gateway');
      const line = r.stderr.split('\n').find((l) => l.includes('server response:'));
      expect(parseErrorBody(line!)).toMatchObject({
        kind: 'refused',
        code: 'ERR_PROXY_CHECKSUM_MISMATCH',
        subject: 'rsc.io/quote@v1.5.2.zip',
        upstream: up.url,
      });
      expect(r.stderr).toContain(`checksum database ${db.name} has h1:AAAA`);
      expect(await p.proxy.storage.stat('rsc.io/quote/@v/v1.5.2.zip')).toBeUndefined();
    } finally {
      await s.close();
      await p.close();
      await db.close();
      await up.close();
    }
  });
});

describe('error answers as the go command sees them', () => {
  let ws: Workspace;
  beforeEach(async () => {
    ws = await createWorkspace('modrescue-proxy-go3-');
  });
  afterEach(async () => {
    await ws.cleanup();
  });

  /** serverResponse returns the body the go command printed after `server response: `. */
  const serverResponse = (stderr: string): string => {
    const line = stderr.split('\n').find((l) => l.includes('server response:'));
    expect(line, stderr).toBeDefined();
    return line!.slice(line!.indexOf('server response:') + 'server response:'.length).trimStart();
  };

  it('a long failure: the go command prints the whole body, code included, not [Truncated: too long.]', async () => {
    const up = await startTestProxy({ fixtures: [fixture('rsc.io/quote@v1.5.2').file] });
    // Eight lines of 78 characters: within what the go command shows of the upstream's own
    // body, but the proxy's reason quotes them after the request it made (`reading <url>:
    // 500 …; server response:; line 0…`), which is longer than the 648 bytes it shows of ours.
    const lines = Array.from(
      { length: 8 },
      (_, i) => `line ${i}: ${'the upstream explains itself at length '.repeat(2)}`,
    );
    up.setFault('*', { kind: 'status', status: 500, body: lines.join('\n') + '\n' });
    const p = await makeProxy({ env: { MODRESCUE_PROXY_UPSTREAMS: up.url, MODRESCUE_PROXY_LOG_LEVEL: 'error' } });
    const s = await serve(p);
    try {
      const dir = await scratchModule(ws, 'long', 'module example.com/long\n\ngo 1.19\n');
      const env = { ...ws.env, GOPROXY: s.url, GOSUMDB: 'off', GOFLAGS: '-mod=mod' };
      const r = await runGo(['mod', 'download', 'rsc.io/quote@v1.5.2'], { cwd: dir, env });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('502 Bad Gateway');
      expect(r.stderr).not.toContain('[Truncated');
      const body = serverResponse(r.stderr);
      expect(Buffer.byteLength(body)).toBeLessThanOrEqual(648);
      const parsed = parseErrorBody(body);
      expect(parsed, body).toMatchObject({
        kind: 'upstream error',
        code: 'ERR_PROXY_UPSTREAM',
        subject: 'rsc.io/quote@v1.5.2.info',
        upstream: up.url,
      });
      expect(parsed!.reason).toContain('500 Internal Server Error; server response:; line 0: the upstream explains');
      expect(parsed!.reason.endsWith('…')).toBe(true);
    } finally {
      await s.close();
      await p.close();
      await up.close();
    }
  });

  it('GOPROXY with a path prefix: 404, so the next "," entry is tried (as proxy.golang.org answers)', async () => {
    const tree = path.join(ws.dir, 'tree');
    await writeProxyTree(tree, [fixture('rsc.io/testonly@v1.0.0')]);
    const p = await makeProxy({
      env: { MODRESCUE_PROXY_UPSTREAMS: 'file://' + tree, MODRESCUE_PROXY_LOG_LEVEL: 'error' },
    });
    const s = await serve(p);
    try {
      const dir = await scratchModule(ws, 'prefix', 'module example.com/prefix\n\ngo 1.19\n');
      // Each run has its own module cache, so that none is answered by an earlier download.
      const env = (name: string, goproxy: string) => ({
        ...ws.env,
        GOMODCACHE: path.join(ws.dir, name),
        GOPROXY: goproxy,
        GOSUMDB: 'off',
        GOFLAGS: '-mod=mod',
      });
      const through = await runGo(['mod', 'download', '-json', 'rsc.io/testonly@v1.0.0'], {
        cwd: dir,
        env: env('modcache-through', `${s.url}/goproxy,file://${tree}`),
      });
      expect(through.code, through.stderr + through.stdout).toBe(0);
      expect(parseJsonStream(through.stdout).map((d) => [d.Path, d.Error ?? 'ok'])).toEqual([
        ['rsc.io/testonly', 'ok'],
      ]);
      // Nothing was fetched for the prefixed path.
      expect(await p.proxy.storage.stat('rsc.io/testonly/@v/v1.0.0.info')).toBeUndefined();

      // Alone, the go command reports the proxy's answer: 404, the reason, and the code
      // triage keys on (a bad request: the path is not a module path).
      const alone = await runGo(['mod', 'download', 'rsc.io/testonly@v1.0.0'], {
        cwd: dir,
        env: env('modcache-alone', `${s.url}/goproxy`),
      });
      expect(alone.code).toBe(1);
      expect(alone.stderr).toContain(`reading ${s.url}/goproxy/rsc.io/testonly/@v/v1.0.0.info: 404 Not Found`);
      expect(parseErrorBody(serverResponse(alone.stderr))).toEqual({
        kind: 'bad request',
        code: 'ERR_PROXY_BAD_PATH',
        subject: '/goproxy/rsc.io/testonly/@v/v1.0.0.info',
        reason:
          'invalid escaped module path "goproxy/rsc.io/testonly": malformed module path "goproxy/rsc.io/testonly": missing dot in first path element',
      });

      // A truly malformed request (here an unescaped capital) is still 400: no fallthrough.
      const malformed = await runGo(['mod', 'download', 'rsc.io/testonly@v1.0.0'], {
        cwd: dir,
        env: env('modcache-malformed', `${s.url}/Go,file://${tree}`),
      });
      expect(malformed.code).toBe(1);
      expect(malformed.stderr).toContain('400 Bad Request');
    } finally {
      await s.close();
      await p.close();
    }
  });
});
