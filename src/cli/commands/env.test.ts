import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { run } from '../../../test/support/cli.js';
import { goJsonObject, goJsonString } from './env.js';
import { startTestProxy, type TestProxy } from '../../../test/support/proxy-server.js';
import { createTestCertificates } from '../../../test/support/tls.js';
import { createGoproxyClient } from '../../mod/goproxy/index.js';
import { createHttpClient } from '../../mod/web/index.js';
import { redact } from '../../shared/redact.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'modrescue-envcmd-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('Go JSON encoding', () => {
  it('escapes like encoding/json (HTML-safe, \\u00XX controls)', () => {
    expect(goJsonString('a<b>&c"d\\e\n\t\u0001\u2028')).toBe('"a\\u003cb\\u003e\\u0026c\\"d\\\\e\\n\\t\\u0001\\u2028"');
    expect(
      goJsonObject([
        ['B', '2'],
        ['A', '1'],
      ]),
    ).toBe('{\n\t"A": "1",\n\t"B": "2"\n}\n');
  });
});

describe('modrescue env', () => {
  const base = () => ({ HOME: path.join(tmp, 'home'), GOENV: 'off', PATH: '' });

  it('prints go env lines, -json and raw values', async () => {
    const r = await run(['env'], { env: { ...base(), GOPROXY: 'https://a.example,direct', GOFLAGS: '-mod=mod' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('GOPROXY="https://a.example,direct"\nGOSUMDB="sum.golang.org"\n');
    expect(r.stdout.split('\n')[0]).toBe('GO111MODULE=""');
    const raw = await run(['env', 'GOFLAGS', 'NOPE', 'GOPROXY'], { env: { ...base(), GOFLAGS: '-mod=mod' } });
    expect(raw.stdout).toBe('-mod=mod\n\nhttps://proxy.golang.org,direct\n');
    const json = await run(['env', '-json', 'GOPRIVATE', 'GOFLAGS'], { env: { ...base(), GOPRIVATE: '<x>&y' } });
    expect(json.stdout).toBe('{\n\t"GOFLAGS": "",\n\t"GOPRIVATE": "\\u003cx\\u003e\\u0026y"\n}\n');
  });

  it('rejects -w with a usage error', async () => {
    const r = await run(['env', '-w', 'GOPROXY=off'], { env: base() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('env -w and -u are not supported');
  });

  it('--explain says where values come from and what they mean', async () => {
    const home = path.join(tmp, 'home-explain');
    await mkdir(path.join(home, '.config/go'), { recursive: true });
    await writeFile(path.join(home, '.config/go/env'), 'GOPRIVATE=corp.example.com/*\n');
    const r = await run(['env', '--explain'], { env: { HOME: home, PATH: '', GOFLAGS: '-bogus' } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`go env file: ${path.join(home, '.config/go/env')}\n`);
    expect(r.stdout).toContain('GOPRIVATE="corp.example.com/*"  (go env file)\n');
    expect(r.stdout).toContain(
      'private paths: corp.example.com/*; these are fetched directly and not checked against sum.golang.org',
    );
    expect(r.stdout).toContain('GONOPROXY="corp.example.com/*"  (go env file, via GOPRIVATE)');
    expect(r.stdout).toContain(
      'modules are fetched from: https://proxy.golang.org (next only on 404/410), then direct (from version control)',
    );
    expect(r.stdout).toContain('Problems:\n  GOFLAGS: parsing $GOFLAGS: unknown flag -bogus');
    expect(r.stdout).toContain('go command: not found on PATH');
  });

  it('--explain compares with the real go env -json', async () => {
    const r = await run(['env', '--explain'], {
      env: { ...base(), PATH: process.env['PATH'] ?? '/usr/bin:/bin', GOPRIVATE: 'x.example' },
      cwd: tmp,
    });
    expect(r.stdout).toMatch(
      /go command \(go1\.19\.\d+\): agrees on 13 variables\n\s+not known to this go command: GOAUTH, GOTOOLCHAIN\n/,
    );
  });

  it('--explain reports a real difference with the installed go (Go 1.19 accepts a relative XDG_CONFIG_HOME)', async () => {
    const r = await run(['env', '--explain', 'GOENV'], {
      env: { HOME: path.join(tmp, 'home'), XDG_CONFIG_HOME: 'rel', PATH: process.env['PATH'] ?? '/usr/bin:/bin' },
      cwd: tmp,
    });
    expect(r.stdout).toContain('go command (go1.19.8): 1 difference(s):\n  GOENV: modrescue "", go "rel/go/env"\n');
  });

  it('--explain --json is a modrescue document', async () => {
    const r = await run(['env', '--explain', '--json', 'GOPROXY'], { env: base() });
    const doc = JSON.parse(r.stdout) as { schemaVersion: number; variables: Array<{ name: string; source: string }> };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.variables).toEqual([
      expect.objectContaining({ name: 'GOPROXY', source: 'default', value: 'https://proxy.golang.org,direct' }),
    ]);
  });
});

describe('secrets are never printed', () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await startTestProxy({ fixtures: ['rsc.io_quote_v1.5.2.txt'] });
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('planted in GOPROXY userinfo and .netrc, absent from all output and error messages', async () => {
    const SECRET = 'tok3n-s3cr3t-PLANTED';
    const home = path.join(tmp, 'home-secret');
    await mkdir(home, { recursive: true });
    const netrcPath = path.join(home, '.netrc');
    const netrc = `machine 127.0.0.1 login ci password ${SECRET}\nmachine proxy.corp.example login ci password ${SECRET}\n`;
    await writeFile(netrcPath, netrc);
    const goproxy = `${proxy.url.replace('http://', `http://ci:${SECRET}@`)}/500,https://ci:${SECRET}@proxy.corp.example/mod,direct`;
    const env = {
      HOME: home,
      GOENV: 'off',
      PATH: process.env['PATH'] ?? '',
      GOPROXY: goproxy,
      HTTPS_PROXY: `http://u:${SECRET}@127.0.0.1:9`,
    };
    const captured: string[] = [];
    for (const argv of [
      ['env'],
      ['env', '-json'],
      ['env', 'GOPROXY', 'HTTPS_PROXY'],
      ['env', '--explain'],
      ['env', '--explain', '--json'],
    ]) {
      const r = await run(argv, { env, cwd: tmp });
      captured.push(r.stdout, r.stderr);
    }
    // Library errors from the same settings.
    const certs = await createTestCertificates();
    const http = createHttpClient({ retries: 0, timeoutMs: 500, netrc, caCertificates: [certs.ca.cert] });
    const client = createGoproxyClient({ fetch: http, proxy: goproxy });
    const attempts = [
      () => client.versions('rsc.io/quote'),
      () => client.info('rsc.io/quote', 'v1.5.2'),
      () => http(`http://ci:${SECRET}@127.0.0.1:1/x`),
      () => http(`https://ci:${SECRET}@127.0.0.1:1/x`),
    ];
    for (const attempt of attempts) {
      try {
        await attempt();
      } catch (e) {
        captured.push(
          (e as Error).message,
          JSON.stringify((e as { fields?: unknown }).fields ?? {}),
          String((e as Error).stack),
        );
      }
    }
    await http.close();
    expect(captured.join('\n').length).toBeGreaterThan(1000);
    expect(captured.join('\n')).toContain('ci:');
    for (const text of captured) expect(text).not.toContain(SECRET);
    // And the shared redaction of the CLI boundary would have caught it anyway.
    expect(redact(`https://ci:${SECRET}@x`)).not.toContain(SECRET);
  });
});
