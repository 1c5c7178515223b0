// Differential tests of `mod download` and `mod verify` against Debian's Go 1.19: the same
// command in the same layout (two roots, one for each side), over a file:// proxy built
// from the go command's fixtures and over a loopback HTTP proxy serving the same tree.
// Outputs, exit status and the resulting module cache files must be identical, modulo
// the root directory and the `go: ` / `modrescue: ` prefix.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readFile, readdir, rm, writeFile, appendFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { mkdtemp } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureProxy, makeWritable, oracleEnv, runGo } from '../../../test/support/go.js';
import { run } from '../../../test/support/cli.js';
import { startTestProxy, type TestProxy } from '../../../test/support/proxy-server.js';
import { startTestSumdb, type TestSumdb } from '../../../test/support/sumdb.js';

const FIXTURES = [
  'rsc.io_quote_v1.5.2.txt',
  'rsc.io_sampler_v1.3.0.txt',
  'rsc.io_sampler_v1.3.1.txt',
  'rsc.io_sampler_v1.99.99.txt',
  'rsc.io_testonly_v1.0.0.txt',
  'golang.org_x_text_v0.0.0-20170915032832-14c0d48ead0c.txt',
  'golang.org_x_text_v0.3.0.txt',
  'example.com_retract_v1.0.0-bad.txt',
  'example.com_retract_v1.0.0-good.txt',
  'example.com_retract_v1.0.0-unused.txt',
  'example.com_retract_v1.1.0.txt',
  'example.com_retract_self_prev_v1.0.0-bad.txt',
  'example.com_retract_self_prev_v1.1.0.txt',
  'example.com_retract_self_prev_v1.9.0.txt',
  'example.com_deprecated_a_v1.0.0.txt',
  'example.com_deprecated_a_v1.9.0.txt',
];

const DEMO_MOD = `module example.com/oracledemo

go 1.19

require (
	example.com/deprecated/a v1.0.0
	example.com/retract v1.0.0-bad
	rsc.io/quote v1.5.2
)

exclude rsc.io/sampler v1.99.99
`;

const DEMO_SUM = `example.com/deprecated/a v1.0.0 h1:uibQyVhr1F+lobZ1YAmvl8aT7jTvMa/UKs2DsCRshhY=
example.com/deprecated/a v1.0.0/go.mod h1:pdmFa4DZhLB9lDKW4zyP2shiVWPRYAwLTQETnFc5mJo=
example.com/retract v1.0.0-bad h1:liAW69rbtjY67x2CcNzat668L/w+YGgNX3lhJsWIJis=
example.com/retract v1.0.0-bad/go.mod h1:0DvGGofJ9hr1q63cBrOY/jSY52OwhRGA0K47NE80I5Y=
golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c h1:pvCbr/wm8HzDD3fVywevekufpn6tCGPY3spdHeZJEsw=
golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=
rsc.io/quote v1.5.2 h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=
rsc.io/quote v1.5.2/go.mod h1:LzX7hefJvL54yjefDEDHNONDjII0t9xZLPXsUe+TKr0=
rsc.io/sampler v1.3.0 h1:HLGR/BgEtI3r0uymSP/nl2uPLsUnNJX8toRyhfpBTII=
rsc.io/sampler v1.3.0/go.mod h1:T1hPZKmBbMNahiBKFy5HrXp6adAjACjK9JXDnKaTXpA=
`;

let tmp = '';
let proxyDir = '';
let http: TestProxy;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'modrescue-dl-diff-'));
  proxyDir = path.join(tmp, 'proxy');
  await buildFixtureProxy(proxyDir, FIXTURES);
  http = await startTestProxy({ root: proxyDir });
});

afterAll(async () => {
  await http?.close();
  await makeWritable(tmp);
  await rm(tmp, { recursive: true, force: true });
});

interface Side {
  readonly root: string;
  readonly cwd: string;
  readonly modcache: string;
  readonly env: Record<string, string>;
}

let caseNo = 0;

/** sides makes a root for Go and one for modrescue, each with the same module files. */
async function sides(files: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<[Side, Side]> {
  const n = ++caseNo;
  const make = async (who: string): Promise<Side> => {
    const root = path.join(tmp, `${who}${n}`);
    const cwd = path.join(root, 'm');
    await mkdir(cwd, { recursive: true });
    await mkdir(path.join(root, 'home'), { recursive: true });
    for (const [name, data] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(cwd, name)), { recursive: true });
      await writeFile(path.join(cwd, name), data);
    }
    const base = oracleEnv(root, proxyDir);
    const env: Record<string, string> = { ...base, ...extraEnv };
    const modcache = base['GOMODCACHE']!;
    return { root, cwd, modcache, env };
  };
  return [await make('go'), await make('mr')];
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function normalize(o: Outcome, root: string, prefix: string): Outcome {
  const fix = (s: string) =>
    s
      .split(root)
      .join('$WORK')
      .replace(new RegExp(`^${prefix}: `, 'gm'), 'PREFIX: ');
  return { code: o.code, stdout: fix(o.stdout), stderr: fix(o.stderr) };
}

async function both(go: Side, mr: Side, args: string[]): Promise<{ go: Outcome; mr: Outcome }> {
  const g = await runGo(args, { cwd: go.cwd, env: go.env });
  const m = await run(args, { cwd: mr.cwd, env: mr.env });
  return { go: normalize(g, go.root, 'go'), mr: normalize(m, mr.root, 'modrescue') };
}

/** snapshot lists a tree: relative path → mode and content hash (directories: mode only). */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string, rel: string): Promise<void> => {
    const names = await readdir(d).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const abs = path.join(d, name);
      const r = rel === '' ? name : `${rel}/${name}`;
      const st = await lstat(abs);
      const mode = (st.mode & 0o777).toString(8);
      if (st.isDirectory()) {
        out[r + '/'] = mode;
        await walk(abs, r);
      } else {
        out[r] = `${mode} ${createHash('sha256')
          .update(await readFile(abs))
          .digest('hex')
          .slice(0, 16)}`;
      }
    }
  };
  await walk(dir, '');
  return out;
}

async function sameCache(go: Side, mr: Side): Promise<void> {
  expect(await snapshot(mr.modcache)).toEqual(await snapshot(go.modcache));
}

async function sameGoSum(go: Side, mr: Side): Promise<void> {
  const read = (s: Side) => readFile(path.join(s.cwd, 'go.sum'), 'utf8').catch(() => '<none>');
  expect(await read(mr)).toBe(await read(go));
}

describe.each([
  ['file://', () => 'file://' + proxyDir],
  ['loopback http', () => http.url],
])('mod download vs go 1.19 over a %s proxy', (_name, proxyUrl) => {
  it('downloads one module: -json output, go.sum and cache files agree', async () => {
    const [go, mr] = await sides(
      { 'go.mod': 'module example.com/m\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n' },
      { GOPROXY: proxyUrl() },
    );
    const r = await both(go, mr, ['mod', 'download', '-json', 'rsc.io/quote@v1.5.2']);
    expect(r.mr).toEqual(r.go);
    expect(r.go.code).toBe(0);
    expect(r.go.stdout).toContain('"Sum": "h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0="');
    await sameCache(go, mr);
    await sameGoSum(go, mr);
  });

  it('reports errors per module, queries, and skips the main module', async () => {
    const [go, mr] = await sides(
      { 'go.mod': 'module example.com/m\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n' },
      { GOPROXY: proxyUrl() },
    );
    const args = [
      'rsc.io/quote@v1.9.9',
      'rsc.io/nope@v1.0.0',
      'rsc.io/quote@latest',
      'rsc.io/sampler',
      'example.com/m',
    ];
    const j = await both(go, mr, ['mod', 'download', '-json', ...args]);
    expect(j.mr).toEqual(j.go);
    expect(j.go.code).toBe(1);
    const t = await both(go, mr, ['mod', 'download', ...args]);
    expect(t.mr).toEqual(t.go);
    expect(t.go.code).toBe(1);
    await sameCache(go, mr);
    await sameGoSum(go, mr);
  });

  it('queries skip retracted versions (latest, upgrade, a prefix), an exact version does not', async () => {
    const [go, mr] = await sides(
      { 'go.mod': 'module example.com/m\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n' },
      { GOPROXY: proxyUrl() },
    );
    for (const args of [
      ['example.com/retract/self/prev@latest'],
      ['example.com/retract/self/prev@upgrade'],
      ['example.com/retract/self/prev@v1'],
      ['example.com/retract/self/prev@v1.9.0'],
      ['example.com/retract/self/prev@>=v1.5.0'],
    ]) {
      const j = await both(go, mr, ['mod', 'download', '-json', ...args]);
      expect(j.mr, args.join(' ')).toEqual(j.go);
    }
    await sameCache(go, mr);
    await sameGoSum(go, mr);
  });

  it('downloads without arguments (go 1.19 module: graph + direct requirements)', async () => {
    const [go, mr] = await sides({ 'go.mod': DEMO_MOD }, { GOPROXY: proxyUrl() });
    const r = await both(go, mr, ['mod', 'download', '-json']);
    expect(r.mr).toEqual(r.go);
    await sameCache(go, mr);
    await sameGoSum(go, mr);
    const v = await both(go, mr, ['mod', 'verify']);
    expect(v.mr).toEqual(v.go);
    expect(v.go.stdout).toBe('all modules verified\n');
  });

  it('downloads all modules of a go 1.16 module', async () => {
    const [go, mr] = await sides(
      { 'go.mod': 'module example.com/m\n\ngo 1.16\n\nrequire rsc.io/quote v1.5.2\n' },
      { GOPROXY: proxyUrl() },
    );
    const r = await both(go, mr, ['mod', 'download', '-json']);
    expect(r.mr).toEqual(r.go);
    await sameCache(go, mr);
    await sameGoSum(go, mr);
  });
});

describe('go.sum and checksums vs go 1.19', () => {
  it('an unusable GOPROXY is an error of each module looked up, not of the command', async () => {
    const [go, mr] = await sides({ 'go.mod': 'module example.com/m\n\ngo 1.19\n' }, { GOPROXY: ',' });
    for (const args of [[], ['rsc.io/quote@v1.5.2', 'golang.org/x/text@latest']]) {
      const r = await both(go, mr, ['mod', 'download', ...args]);
      expect(r.mr).toEqual(r.go);
    }
  });

  it('no go.sum is created when nothing is kept (a failure, or a module the main module does not need)', async () => {
    const [go, mr] = await sides({ 'go.mod': 'module example.com/m\n\ngo 1.19\n' });
    for (const arg of ['rsc.io/quote@v9.9.9', 'rsc.io/quote@v1.5.2']) {
      const r = await both(go, mr, ['mod', 'download', arg]);
      expect(r.mr).toEqual(r.go);
      expect(existsSync(path.join(mr.cwd, 'go.sum'))).toBe(existsSync(path.join(go.cwd, 'go.sum')));
    }
    expect(existsSync(path.join(go.cwd, 'go.sum'))).toBe(false);
  });

  it('a wrong hash in go.sum is a SECURITY ERROR with the go command text', async () => {
    const bad = DEMO_SUM.replace(
      /^rsc.io\/quote v1.5.2 h1:.*$/m,
      'rsc.io/quote v1.5.2 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    );
    const [go, mr] = await sides({ 'go.mod': DEMO_MOD, 'go.sum': bad });
    const r = await both(go, mr, ['mod', 'download', 'rsc.io/quote']);
    expect(r.mr).toEqual(r.go);
    expect(r.go.code).toBe(1);
    expect(r.go.stderr).toBe(
      'verifying rsc.io/quote@v1.5.2: checksum mismatch\n' +
        '\tdownloaded: h1:3fEykkD9k7lYzXqCYrwGAf7iNhbk4yCjHmKBN9td4L0=\n' +
        '\tgo.sum:     h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n' +
        'SECURITY ERROR\nThis download does NOT match an earlier download recorded in go.sum.\n' +
        'The bits may have been replaced on the origin server, or an attacker may\n' +
        'have intercepted the download attempt.\n\n' +
        "For more information, see 'go help module-auth'.\n",
    );
    const j = await both(go, mr, ['mod', 'download', '-json', 'rsc.io/quote@v1.5.2']);
    expect(j.mr).toEqual(j.go);
    await sameGoSum(go, mr);
  });

  it('GOFLAGS=-mod=readonly does not apply to mod download (it defines no -mod flag)', async () => {
    const [go, mr] = await sides(
      { 'go.mod': 'module example.com/m\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n' },
      { GOFLAGS: '-mod=readonly' },
    );
    const r = await both(go, mr, ['mod', 'download', 'rsc.io/quote']);
    expect(r.mr).toEqual(r.go);
    await sameGoSum(go, mr);
  });
});

describe('mod verify vs go 1.19 on tampered caches', () => {
  const prepare = async (): Promise<[Side, Side]> => {
    const [go, mr] = await sides({ 'go.mod': DEMO_MOD, 'go.sum': DEMO_SUM });
    const g = await runGo(['mod', 'download'], { cwd: go.cwd, env: go.env });
    const m = await run(['mod', 'download'], { cwd: mr.cwd, env: mr.env });
    expect([g.code, m.code]).toEqual([0, 0]);
    return [go, mr];
  };
  const tamper = async (s: Side, f: (s: Side) => Promise<void>) => {
    await makeWritable(s.modcache);
    await f(s);
  };

  it('a modified extracted file, a modified zip, a deleted ziphash, a deleted zip', async () => {
    const [go, mr] = await prepare();
    const steps: Array<(s: Side) => Promise<void>> = [
      async (s) => {
        const f = path.join(s.modcache, 'rsc.io/quote@v1.5.2/quote.go');
        await chmod(f, 0o644);
        await appendFile(f, '// modified\n');
      },
      async (s) => {
        const f = path.join(s.modcache, 'cache/download/rsc.io/sampler/@v/v1.3.0.zip');
        await appendFile(f, 'junk');
      },
      async (s) => {
        await rm(path.join(s.modcache, 'cache/download/example.com/deprecated/a/@v/v1.0.0.ziphash'));
      },
      async (s) => {
        await rm(path.join(s.modcache, 'cache/download/example.com/retract/@v/v1.0.0-bad.zip'));
      },
      async (s) => {
        // No zip and no ziphash: the modified tree counts as "not downloaded" (Go 1.19).
        await rm(path.join(s.modcache, 'cache/download/rsc.io/quote/@v/v1.5.2.zip'));
        await rm(path.join(s.modcache, 'cache/download/rsc.io/quote/@v/v1.5.2.ziphash'));
      },
    ];
    const seen: string[] = [];
    for (const step of steps) {
      await tamper(go, step);
      await tamper(mr, step);
      const v = await both(go, mr, ['mod', 'verify']);
      expect(v.mr).toEqual(v.go);
      expect(v.go.code).toBe(1);
      seen.push(v.go.stderr);
    }
    // Each step added its own finding (the go command's words, checked above).
    expect(seen.map((x) => x.split('\n').length)).toEqual([2, 3, 4, 4, 3]);
  });

  it('caches are interchangeable: go verifies and uses what modrescue filled, and the other way round', async () => {
    const [go, mr] = await prepare();
    const goOnMr = await runGo(['mod', 'verify'], { cwd: mr.cwd, env: mr.env });
    expect(goOnMr).toEqual({ code: 0, stdout: 'all modules verified\n', stderr: '' });
    const graph = await runGo(['mod', 'graph'], { cwd: mr.cwd, env: { ...mr.env, GOPROXY: 'off' } });
    expect(graph.code).toBe(0);
    const dl = await runGo(['mod', 'download', '-json', 'rsc.io/quote@v1.5.2'], {
      cwd: mr.cwd,
      env: { ...mr.env, GOPROXY: 'off' },
    });
    expect(dl.code).toBe(0);
    const mrOnGo = await run(['mod', 'verify'], { cwd: go.cwd, env: go.env });
    expect(mrOnGo).toEqual({ code: 0, stdout: 'all modules verified\n', stderr: '' });
    const again = await run(['mod', 'download', '-json', 'rsc.io/quote@v1.5.2'], {
      cwd: go.cwd,
      env: { ...go.env, GOPROXY: 'off' },
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('"Dir": ');
  });
});

describe('checksum database vs go 1.19 (a test database on 127.0.0.1)', () => {
  let db: TestSumdb;
  beforeAll(async () => {
    db = await startTestSumdb({
      fixtures: ['rsc.io/quote@v1.5.2', 'rsc.io/sampler@v1.3.0'],
      wrong: ['rsc.io/sampler@v1.3.0'],
    });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('accepts what the database lists, refuses what it contradicts, skips GONOSUMDB paths', async () => {
    const [go, mr] = await sides(
      { 'go.mod': 'module example.com/m\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n' },
      { GOSUMDB: db.gosumdb, GONOSUMDB: '' },
    );
    const ok = await both(go, mr, ['mod', 'download', '-json', 'rsc.io/quote@v1.5.2']);
    expect(ok.mr).toEqual(ok.go);
    expect(ok.go.code).toBe(0);
    const bad = await both(go, mr, ['mod', 'download', 'rsc.io/sampler@v1.3.0']);
    expect(bad.mr).toEqual(bad.go);
    expect(bad.go.code).toBe(1);
    expect(bad.go.stderr).toContain('verifying go.mod: checksum mismatch');
    await sameGoSum(go, mr);
    // The database's tiles and lookups are cached where the go command keeps them.
    expect(Object.keys(await snapshot(path.join(mr.modcache, 'cache/download/sumdb'))).sort()).toEqual(
      Object.keys(await snapshot(path.join(go.modcache, 'cache/download/sumdb'))).sort(),
    );
    const [go2, mr2] = await sides(
      { 'go.mod': 'module example.com/m\n\ngo 1.19\n\nrequire rsc.io/quote v1.5.2\n' },
      { GOSUMDB: db.gosumdb, GONOSUMDB: 'rsc.io/sampler' },
    );
    const private_ = await both(go2, mr2, ['mod', 'download', '-json', 'rsc.io/sampler@v1.3.0']);
    expect(private_.mr).toEqual(private_.go);
    expect(private_.go.code).toBe(0);
  });
});
