import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { checkGosumdb, envFilePath, httpClientOptions, parseGoEnvFile, resolveGoEnv } from './goenv.js';
import { GO_ENV_NAMES, GO119_UNKNOWN_NAMES } from '../shared/goenv.js';
import { testdata } from '../../test/support/shared.js';
import { readFileSync } from 'node:fs';
import { runGo } from '../../test/support/go.js';
import { run } from '../../test/support/cli.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'modrescue-goenv-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('parseGoEnvFile (the format go env -w writes)', () => {
  it('reads KEY=VALUE lines, ignores comments, junk and lower-case keys; last duplicate wins', () => {
    const m = parseGoEnvFile(
      '# comment\nGOPROXY=off\n\nnot a line\ngoflags=-x\nGOFLAGS=-mod=mod\nGOPROXY=https://a,direct\n=x\nGOPRIVATE=\n',
    );
    expect([...m.entries()]).toEqual([
      ['GOPROXY', 'https://a,direct'],
      ['GOFLAGS', '-mod=mod'],
      ['GOPRIVATE', ''],
    ]);
  });
});

describe('envFilePath (os.UserConfigDir rules)', () => {
  it.each([
    [{ GOENV: '/x/env' }, { path: '/x/env' }],
    [{ GOENV: 'off', HOME: '/h' }, { reason: 'GOENV=off' }],
    [{ XDG_CONFIG_HOME: '/cfg', HOME: '/h' }, { path: '/cfg/go/env' }],
    [{ HOME: '/h' }, { path: '/h/.config/go/env' }],
    [{}, { reason: 'neither $XDG_CONFIG_HOME nor $HOME are defined' }],
    [{ XDG_CONFIG_HOME: 'rel', HOME: '/h' }, { reason: 'path in $XDG_CONFIG_HOME is relative' }],
  ])('%j', (env, want) => expect(envFilePath(env)).toEqual(want));
});

describe('resolveGoEnv', () => {
  it('environment > go env file > defaults, with sources', async () => {
    const home = path.join(tmp, 'h1');
    await mkdir(path.join(home, '.config/go'), { recursive: true });
    await writeFile(
      path.join(home, '.config/go/env'),
      'GOPROXY=off\nGOPRIVATE=*.corp.example\nGOFLAGS=-mod=mod\nGONOSUMDB=sum.corp.example\n',
    );
    const env = await resolveGoEnv({
      env: { HOME: home, GOPROXY: '', GOFLAGS: '-x', https_proxy: 'http://p:3128' },
      cwd: tmp,
    });
    expect(env.vars.GOPROXY).toEqual({ value: 'off', source: 'go env file' });
    expect(env.vars.GOFLAGS).toEqual({ value: '-x', source: 'environment' });
    expect(env.vars.GONOPROXY).toEqual({ value: '*.corp.example', source: 'go env file', from: 'GOPRIVATE' });
    expect(env.vars.GONOSUMDB).toEqual({ value: 'sum.corp.example', source: 'go env file' });
    expect(env.vars.GOSUMDB).toEqual({ value: 'sum.golang.org', source: 'default' });
    expect(env.vars.GOPATH).toEqual({ value: path.join(home, 'go'), source: 'default' });
    expect(env.vars.GOMODCACHE).toEqual({ value: path.join(home, 'go/pkg/mod'), source: 'default', from: 'GOPATH' });
    expect(env.vars.GOAUTH.value).toBe('netrc');
    expect(env.vars.GOTOOLCHAIN.value).toBe('auto');
    expect(env.vars.HTTPS_PROXY).toEqual({ value: 'http://p:3128', source: 'environment', from: 'https_proxy' });
    expect(env.vars.NETRC).toEqual({ value: path.join(home, '.netrc'), source: 'default' });
    expect(env.envFile).toEqual({ path: path.join(home, '.config/go/env'), read: true });
    expect(Object.isFrozen(env) && Object.isFrozen(env.vars) && Object.isFrozen(env.vars.GOPROXY)).toBe(true);
    expect(env.problems).toEqual([]);
  });

  it('GOENV=off ignores the file; GOWORK is found upward unless off', async () => {
    const home = path.join(tmp, 'h2');
    await mkdir(path.join(home, '.config/go'), { recursive: true });
    await writeFile(path.join(home, '.config/go/env'), 'GOPROXY=off\n');
    const ws = path.join(tmp, 'ws');
    await mkdir(path.join(ws, 'a/b'), { recursive: true });
    await writeFile(path.join(ws, 'go.work'), 'go 1.19\n');
    const e = await resolveGoEnv({ env: { HOME: home, GOENV: 'off' }, cwd: path.join(ws, 'a/b') });
    expect(e.vars.GOPROXY.value).toBe('https://proxy.golang.org,direct');
    expect(e.vars.GOENV).toEqual({ value: '', source: 'environment' });
    expect(e.vars.GOWORK).toEqual({ value: path.join(ws, 'go.work'), source: 'default' });
    expect((await resolveGoEnv({ env: { HOME: home, GOWORK: 'off' }, cwd: ws })).vars.GOWORK.value).toBe('off');
    // Go 1.19 reports the workspace file even with GO111MODULE=off (see the differential below).
    expect((await resolveGoEnv({ env: { HOME: home, GO111MODULE: 'off' }, cwd: ws })).vars.GOWORK.value).toBe(
      path.join(ws, 'go.work'),
    );
  });

  it('collects invalid settings with the go command wording', async () => {
    const e = await resolveGoEnv({
      env: {
        HOME: '/h',
        GOENV: 'off',
        GOFLAGS: '-mod=mod -nosuchflag x',
        GOPROXY: ',',
        GOSUMDB: 'a b c',
        GO111MODULE: 'maybe',
        GOAUTH: 'off;netrc',
        GOPATH: 'relative/dir',
      },
      cwd: tmp,
    });
    expect(e.problems.map((p) => [p.name, p.code, p.message])).toEqual([
      ['GO111MODULE', 'ERR_GOENV_GO111MODULE', 'unknown environment setting GO111MODULE=maybe'],
      ['GOFLAGS', 'ERR_GOENV_GOFLAGS', 'parsing $GOFLAGS: unknown flag -nosuchflag'],
      ['GOFLAGS', 'ERR_GOENV_GOFLAGS', 'parsing $GOFLAGS: non-flag "x"'],
      ['GOPROXY', 'ERR_GOENV_GOPROXY', 'GOPROXY list is not the empty string, but contains no entries'],
      ['GOSUMDB', 'ERR_GOENV_GOSUMDB', 'invalid GOSUMDB: too many fields'],
      [
        'GOPATH',
        'ERR_GOENV_GOPATH',
        `GOPATH entry is relative; must be absolute path: "relative/dir".\nFor more details see: 'go help gopath'`,
      ],
      [
        'GOMODCACHE',
        'ERR_GOENV_GOMODCACHE',
        'GOMODCACHE entry is relative; must be absolute path: "relative/dir/pkg/mod".',
      ],
      [
        'GOAUTH',
        'ERR_GOENV_GOAUTH',
        'GOAUTH=off cannot be combined with other authentication commands (GOAUTH=off;netrc)',
      ],
    ]);
  });

  it('checks GOSUMDB keys as note.NewVerifier does', () => {
    const note = JSON.parse(readFileSync(testdata('note.json'), 'utf8')) as { keys: Array<{ verifierKey?: string }> };
    const key = note.keys.find((k) => k.verifierKey)!.verifierKey!;
    expect(checkGosumdb(key)).toBeUndefined();
    expect(checkGosumdb(`${key} https://sum.example`)).toBeUndefined();
    expect(checkGosumdb('sum.golang.org')).toBeUndefined();
    expect(checkGosumdb('off')).toBeUndefined();
    expect(checkGosumdb('example.com')).toBe('invalid GOSUMDB: malformed verifier id');
    const [name, hash, b64] = key.split('+');
    const badHash = `${name}+${((parseInt(hash!, 16) ^ 1) >>> 0).toString(16).padStart(8, '0')}+${b64}`;
    expect(checkGosumdb(badHash)).toBe('invalid GOSUMDB: invalid verifier hash');
  });
});

describe('httpClientOptions', () => {
  it('maps proxies, CAs, GOAUTH and the .netrc content', async () => {
    const home = path.join(tmp, 'h-http');
    await mkdir(home, { recursive: true });
    await writeFile(path.join(home, '.netrc'), 'machine a.example login u password p\n');
    const env = await resolveGoEnv({
      env: {
        HOME: home,
        GOENV: 'off',
        HTTPS_PROXY: 'http://p:1',
        no_proxy: 'x.example',
        SSL_CERT_FILE: '/ca.pem',
        SSL_CERT_DIR: '/d1:/d2',
      },
      cwd: tmp,
    });
    expect(await httpClientOptions(env, { retries: 0 })).toEqual({
      httpProxy: '',
      httpsProxy: 'http://p:1',
      noProxy: 'x.example',
      caFiles: ['/ca.pem'],
      caDirs: ['/d1', '/d2'],
      goauth: 'netrc',
      netrc: 'machine a.example login u password p\n',
      retries: 0,
    });
    const none = await resolveGoEnv({ env: { HOME: path.join(tmp, 'nohome'), GOENV: 'off' }, cwd: tmp });
    expect((await httpClientOptions(none)).netrc).toBe('');
  });
});

/**
 * Differential: environments and go env files written by the real `go env -w`; every
 * variable Go 1.19 knows must print the same through `modrescue env`, `env -json` and
 * `env VAR…`.
 */
describe('differential: modrescue env vs go env (Go 1.19)', () => {
  interface Scenario {
    name: string;
    write?: string[];
    env?: Record<string, string>;
    cwdWork?: boolean;
  }
  const scenarios: Scenario[] = [
    { name: 'defaults' },
    {
      name: 'go env -w values',
      write: [
        'GOPROXY=https://corp.example/mod|https://proxy.golang.org,direct',
        'GOPRIVATE=*.corp.example,rsc.io/private',
        'GOFLAGS=-mod=mod',
      ],
    },
    {
      name: 'environment overrides the file',
      write: ['GOPROXY=off', 'GONOSUMDB=x.example'],
      env: { GOPROXY: 'https://env.example', GONOSUMDB: '' },
    },
    { name: 'GOENV=off ignores the file', write: ['GOPROXY=off', 'GOSUMDB=off'], env: { GOENV: 'off' } },
    { name: 'XDG_CONFIG_HOME', env: { XDG_CONFIG_HOME: '$T/xdg' }, write: ['GOINSECURE=*.insecure.example'] },
    {
      name: 'GOPATH list and explicit GOMODCACHE in file',
      env: { GOPATH: '$T/a:$T/b' },
      write: ['GOMODCACHE=$T/cache'],
    },
    { name: 'GOPATH list', env: { GOPATH: '$T/a/:$T/b' } },
    {
      name: 'GONOPROXY explicit, GOVCS, GO111MODULE',
      write: ['GONOPROXY=none', 'GOPRIVATE=corp.example', 'GOVCS=public:git', 'GO111MODULE=on'],
    },
    { name: 'go.work found upward', cwdWork: true },
    { name: 'GOWORK=off', cwdWork: true, env: { GOWORK: 'off' } },
    { name: 'GO111MODULE=off still shows go.work', cwdWork: true, env: { GO111MODULE: 'off' } },
    { name: 'no HOME (no GOPATH, no env file)', env: { HOME: '' } },
    { name: 'relative GOPATH inferred from a relative HOME', env: { HOME: 'rel-home' } },
    {
      name: 'explicit GOENV file',
      env: { GOENV: '$T/custom-env' },
      write: ['GOSUMDB=sum.golang.google.cn', 'GOPROXY=direct'],
    },
  ];

  it.each(scenarios)('$name', async (sc) => {
    const t = await mkdtemp(path.join(tmp, 'diff-'));
    const home = path.join(t, 'home');
    await mkdir(home, { recursive: true });
    const sub = (s: string) => s.replaceAll('$T', t);
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home };
    for (const [k, v] of Object.entries(sc.env ?? {})) env[k] = sub(v);
    let cwd = t;
    if (sc.cwdWork) {
      await mkdir(path.join(t, 'w/mod'), { recursive: true });
      await writeFile(path.join(t, 'w/go.work'), 'go 1.19\n');
      cwd = path.join(t, 'w/mod');
    }
    if (sc.write) {
      // Write the file with the real go command (GOENV must not be off while writing).
      const wenv = { ...env, GOENV: env['GOENV'] === 'off' ? path.join(home, '.config/go/env') : (env['GOENV'] ?? '') };
      if (wenv.GOENV === '') delete (wenv as Record<string, string>).GOENV;
      for (const k of Object.keys(sc.env ?? {}))
        if (k !== 'GOENV' && k !== 'XDG_CONFIG_HOME') delete (wenv as Record<string, string>)[k];
      const w = await runGo(['env', '-w', ...sc.write.map(sub)], { cwd, env: wenv });
      expect(w.stderr).toBe('');
    }
    const goJson = await runGo(['env', '-json'], { cwd, env });
    expect(goJson.code).toBe(0);
    const goAll = JSON.parse(goJson.stdout) as Record<string, string>;
    const known = GO_ENV_NAMES.filter((n) => !GO119_UNKNOWN_NAMES.includes(n));
    for (const n of known) expect(n in goAll).toBe(true);

    const plain = await run(['env'], { cwd, env });
    expect(plain.code).toBe(0);
    const goPlain = await runGo(['env'], { cwd, env });
    const goLines = new Set(goPlain.stdout.split('\n'));
    for (const line of plain.stdout.trimEnd().split('\n')) {
      const name = line.slice(0, line.indexOf('='));
      if (GO119_UNKNOWN_NAMES.includes(name as never)) continue;
      expect(goLines.has(line), `${line} in go env output`).toBe(true);
    }

    const ours = await run(['env', '-json', ...known], { cwd, env });
    const theirs = await runGo(['env', '-json', ...known], { cwd, env });
    expect(ours.stdout).toBe(theirs.stdout);

    const raw = await run(['env', ...known], { cwd, env });
    const goRaw = await runGo(['env', ...known], { cwd, env });
    expect(raw.stdout).toBe(goRaw.stdout);
  });
});
