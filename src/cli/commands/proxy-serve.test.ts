import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { run } from '../../../test/support/cli.js';
import { startTestProxy, type TestProxy } from '../../../test/support/proxy-server.js';

let dir: string;
let upstream: TestProxy;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-proxy-cli-'));
  upstream = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'] });
});
afterAll(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('modrescue proxy serve', () => {
  it('--print-config shows the effective configuration with sources, secrets redacted', async () => {
    await writeFile(
      path.join(dir, 'proxy.yaml'),
      'upstreams:\n  - url: https://ci:s3cr3tpass@corp.example/mod\n    headers: {Authorization: "Bearer tok-abcdef123"}\ncache:\n  listTtl: 2m\n',
    );
    const r = await run(['proxy', 'serve', '--print-config', '-config', 'proxy.yaml', '-listen', ':9999'], {
      cwd: dir,
      env: { HOME: dir, MODRESCUE_PROXY_OFFLINE: 'true' },
    });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('s3cr3tpass');
    expect(r.stdout).not.toContain('tok-abcdef123');
    expect(r.stdout).toContain('#   listen: flag -listen');
    expect(r.stdout).toContain('#   offline: MODRESCUE_PROXY_OFFLINE');
    expect(r.stdout).toContain('#   cache.listTtl: config file proxy.yaml');
    const doc = parseYaml(r.stdout) as Record<string, unknown>;
    expect(doc).toMatchObject({
      listen: '0.0.0.0:9999',
      offline: true,
      cache: { listTtl: '2m' },
      storage: { root: path.join(dir, '.cache', 'modrescue', 'proxy') },
      upstreams: [{ url: 'https://ci:***@corp.example/mod', headers: { Authorization: '***' } }],
    });

    const j = await run(['proxy', 'serve', '--print-config', '--json'], { cwd: dir, env: { HOME: dir } });
    expect(j.code).toBe(0);
    const json = JSON.parse(j.stdout) as { schemaVersion: number; config: { sumdb: string[] } };
    expect(json.schemaVersion).toBe(1);
    expect(json.config.sumdb).toEqual(['sum.golang.org']);
  });

  it('reports every configuration error at once and exits 2', async () => {
    await writeFile(path.join(dir, 'bad.yaml'), 'retries: many\nlisten: nowhere\nbogus: 1\n');
    const r = await run(['proxy', 'serve', '-config', 'bad.yaml', '-upstream', 'direct'], {
      cwd: dir,
      env: { HOME: dir, MODRESCUE_PROXY_CACHE_LIST_TTL: 'soon' },
    });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('modrescue: invalid proxy configuration:');
    expect(r.stderr).toContain('\tbad.yaml:1:10: retries: invalid number "many"');
    expect(r.stderr).toContain('\tbad.yaml:2:9: listen: invalid listen address "nowhere"');
    expect(r.stderr).toContain('\tbad.yaml:3:1: bogus: unknown setting');
    expect(r.stderr).toContain('\tMODRESCUE_PROXY_CACHE_LIST_TTL: cache.listTtl: invalid duration "soon"');
    expect(r.stderr).not.toContain('    at ');
  });

  it('a missing config file is a configuration error', async () => {
    const r = await run(['proxy', 'serve', '-config', 'nope.yaml'], { cwd: dir, env: { HOME: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('cannot read config file nope.yaml: ENOENT');
  });

  it('serves until interrupted, logging JSON lines', async () => {
    const port = await freePort();
    const controller = new AbortController();
    const store = path.join(dir, 'store');
    const done = run(
      ['proxy', 'serve', '-listen', `127.0.0.1:${port}`, '-storage', store, '-upstream', upstream.url, '-sumdb', 'off'],
      { cwd: dir, env: { HOME: dir }, signal: controller.signal },
    );
    const base = `http://127.0.0.1:${port}`;
    let up = false;
    for (let i = 0; i < 200 && !up; i++) {
      up = await fetch(base + '/-/healthz').then(
        (r) => r.ok,
        () => false,
      );
      if (!up) await new Promise((r) => setTimeout(r, 25));
    }
    expect(up).toBe(true);
    const res = await fetch(base + '/rsc.io/quote/@v/v1.5.2.mod');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('module "rsc.io/quote"');
    controller.abort();
    const r = await done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`modrescue proxy listening on ${base}`);
    const logs = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logs.find((l) => l['msg'] === 'listening')).toMatchObject({ url: base, upstreams: [upstream.url] });
    expect(
      logs.some((l) => l['msg'] === 'request' && l['path'] === '/rsc.io/quote/@v/v1.5.2.mod' && l['status'] === 200),
    ).toBe(true);
    expect(logs.at(-1)).toMatchObject({ msg: 'stopped' });
  });

  it('cannot listen: exit 3 with the reason', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const r = await run(
        ['proxy', 'serve', '-listen', `127.0.0.1:${port}`, '-storage', path.join(dir, 's2'), '-sumdb', 'off'],
        {
          cwd: dir,
          env: { HOME: dir },
        },
      );
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(/^modrescue: listen 127\.0\.0\.1:\d+: EADDRINUSE/);
    } finally {
      blocker.close();
    }
  });

  it('--help prints the usage', async () => {
    const r = await run(['proxy', 'serve', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: modrescue proxy serve [flags]');
    expect(r.stdout).toContain('MODRESCUE_PROXY_LISTEN');
  });
});
