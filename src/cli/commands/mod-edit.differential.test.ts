// Differential acceptance of `modrescue mod edit` against the go command (Debian's Go
// 1.19, test/support/go.ts): on the go.mod files of the shared goproxy fixtures (read in
// place) and the corpus in src/mod/modfile/testdata/corpus, -fmt -print, -json, -fmt
// (write) and every editing flag must give the same stdout, file bytes, stderr and exit
// status. The only normalisation is the program name: a leading `go: ` / `go mod: `
// becomes `modrescue: `, and `go mod edit` / `go help mod edit` in the usage lines
// become `modrescue mod edit` / `modrescue help mod edit`.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../test/support/cli.js';
import { exec, goBinary } from '../../../test/support/go.js';
import { testdata } from '../../../test/support/shared.js';
import { parse as parseTxtar } from '../../mod/txtar/index.js';
import { parse, parseSyntax, parseWork, workEditJSON } from '../../mod/modfile/index.js';

const corpusDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../mod/modfile/testdata/corpus');

interface Case {
  readonly name: string;
  /** The go.mod content written before each run (undefined: no go.mod at all). */
  readonly gomod: Uint8Array | undefined;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** Extra files written next to go.mod. */
  readonly extra?: Readonly<Record<string, string>>;
}

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  file: string | undefined;
}

/** normalise maps the go command's program name to ours (the one deliberate difference). */
function normalise(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) =>
      l
        .replace(/^go mod: /, 'modrescue: ')
        .replace(/^go: /, 'modrescue: ')
        .replace(/^usage: go mod edit /, 'usage: modrescue mod edit ')
        .replaceAll("'go help mod edit'", "'modrescue help mod edit'"),
    )
    .join('\n');
}

let root = '';
function baseEnv(dir: string): Record<string, string> {
  return {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: path.join(root, 'home'),
    GOENV: 'off',
    GOFLAGS: '',
    GOPATH: path.join(root, 'gopath'),
    GOCACHE: path.join(root, 'gocache'),
    GO111MODULE: 'on',
    GOWORK: 'off',
    GOTOOLCHAIN: 'local',
    GOPROXY: 'off',
    TMPDIR: root,
    PWD: dir,
  };
}

async function prepare(dir: string, c: Case): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  if (c.gomod !== undefined) await writeFile(path.join(dir, 'go.mod'), c.gomod);
  for (const [name, data] of Object.entries(c.extra ?? {})) await writeFile(path.join(dir, name), data);
}

async function snapshot(dir: string, r: { code: number; stdout: string; stderr: string }): Promise<Outcome> {
  const file = await readFile(path.join(dir, 'go.mod'), 'latin1').catch(() => undefined);
  return { code: r.code, stdout: r.stdout, stderr: r.stderr, file };
}

async function runBoth(dir: string, c: Case): Promise<{ go: Outcome; ours: Outcome }> {
  const env = { ...baseEnv(dir), ...c.env };
  await prepare(dir, c);
  const g = await exec(goBinary(), ['mod', 'edit', ...c.args], { cwd: dir, env, timeoutMs: 30_000 });
  const go = await snapshot(dir, { ...g, stderr: normalise(g.stderr) });
  await prepare(dir, c);
  const ours = await snapshot(dir, await run(['mod', 'edit', ...c.args], { cwd: dir, env }));
  return { go, ours };
}

/** runAll runs the cases with a few go processes at a time (the machine has 2 cores). */
async function runAll(cases: readonly Case[], workers = 3): Promise<Map<string, { go: Outcome; ours: Outcome }>> {
  const results = new Map<string, { go: Outcome; ours: Outcome }>();
  let next = 0;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      const dir = path.join(root, `w${w}`, 'mod');
      for (let i = next++; i < cases.length; i = next++) {
        const c = cases[i]!;
        // A harness failure becomes a mismatch of that case (and never stops the other workers).
        const failed = (e: unknown): Outcome => ({ code: -1, stdout: '', stderr: String(e), file: undefined });
        results.set(
          c.name,
          await runBoth(dir, c).catch((e: unknown) => ({ go: failed(e), ours: { ...failed(e), code: -2 } })),
        );
      }
    }),
  );
  return results;
}

/**
 * understoodByGo119 reports whether a go.mod uses only what Go 1.19 knows: no toolchain,
 * godebug, tool or ignore directives and a `go 1.N` line (newer files are outside the
 * oracle's reach; the x/mod vectors cover them).
 */
function understoodByGo119(data: Uint8Array): boolean {
  let fs;
  try {
    fs = parseSyntax('go.mod', data);
  } catch {
    return true; // syntax errors are worded the same by every release
  }
  for (const stmt of fs.stmt) {
    if (stmt.type === 'CommentBlock') continue;
    const verb = stmt.token[0];
    if (verb === 'toolchain' || verb === 'godebug' || verb === 'tool' || verb === 'ignore') return false;
    if (verb === 'go' && stmt.type === 'Line' && !/^[1-9][0-9]*\.(0|[1-9][0-9]*)$/.test(stmt.token[1] ?? '')) {
      return false;
    }
  }
  return true;
}

/** The go.mod files of the goproxy fixtures (`.mod` and zipped `go.mod` sections) that Go 1.19 understands, deduplicated. */
async function fixtureGoMods(): Promise<Array<[string, Uint8Array]>> {
  const dir = testdata('goproxy-fixtures');
  const seen = new Set<string>();
  const out: Array<[string, Uint8Array]> = [];
  for (const name of (await readdir(dir)).filter((n) => n.endsWith('.txt')).sort()) {
    const ar = parseTxtar(await readFile(path.join(dir, name)));
    for (const f of ar.files) {
      if (f.name !== '.mod' && f.name !== 'go.mod') continue;
      const key = Buffer.from(f.data).toString('latin1');
      if (seen.has(key) || !understoodByGo119(f.data)) continue;
      seen.add(key);
      out.push([`${name}:${f.name}`, f.data]);
    }
  }
  return out;
}

async function corpus(): Promise<Array<[string, Uint8Array]>> {
  const names = (await readdir(corpusDir)).filter((n) => n.endsWith('.mod')).sort();
  return Promise.all(
    names.map(async (n) => [n, new Uint8Array(await readFile(path.join(corpusDir, n)))] as [string, Uint8Array]),
  );
}

/** editCases derives editing-flag cases from what a file holds (existing requires, replaces, …). */
function editCases(name: string, data: Uint8Array): Case[] {
  const flagSets: string[][] = [
    ['-module=example.com/renamed'],
    ['-module', 'example.com/renamed/v2', '-go=1.18'],
    ['-go=1.12'],
    ['-require=example.com/new@v1.2.3'],
    ['-require=example.com/z@v1.0.0', '-droprequire=example.com/z', '-require=example.com/z@v1.1.0'],
    ['-exclude=example.com/ex@v1.0.0', '-exclude=example.com/ex@v1.0.1', '-exclude=example.com/ex@v1.0.0'],
    ['-replace=example.com/old=../local/old'],
    ['-replace=example.com/old@v1.0.0=example.com/new@v1.1.0', '-replace=example.com/old=example.com/new@v1.2.0'],
    ['-retract=v1.0.0', '-retract=[v1.1.0,v1.2.0]'],
    ['-retract=v2.0.0'],
    ['-fmt', '-json'],
    ['-fmt', 'go.mod'],
  ];
  try {
    const f = parse('go.mod', data);
    const req = f.require[0];
    if (req) {
      flagSets.push([`-require=${req.mod.path}@v9.9.9`]);
      flagSets.push([`-droprequire=${req.mod.path}`, '-print']);
      flagSets.push([`-replace=${req.mod.path}=./vendored/${path.basename(req.mod.path)}`]);
      flagSets.push([`-replace=${req.mod.path}@${req.mod.version}=example.com/fork@v1.0.0`, '-json']);
    }
    const ex = f.exclude[0];
    if (ex) flagSets.push([`-dropexclude=${ex.mod.path}@${ex.mod.version}`]);
    const rep = f.replace[0];
    if (rep) {
      flagSets.push([`-dropreplace=${rep.old.path}${rep.old.version ? '@' + rep.old.version : ''}`]);
      flagSets.push([`-dropreplace=${rep.old.path}@v0.0.1`]);
    }
    const ret = f.retract[0];
    if (ret) {
      flagSets.push([ret.low === ret.high ? `-dropretract=${ret.low}` : `-dropretract=[${ret.low},${ret.high}]`]);
    }
  } catch {
    // A malformed file: the flags above must fail the same way.
  }
  // Values taken from a file may hold bytes no command line can carry.
  return flagSets
    .filter((args) => args.every((a) => !a.includes('\0')))
    .map((args) => ({ name: `${name} ${args.join(' ')}`, gomod: data, args }));
}

const SIMPLE = Buffer.from('module example.com/m\n\ngo 1.19\n\nrequire example.com/x v1.0.0\n');

/** Command-line, environment and file-system error cases. */
function errorCases(): Case[] {
  const c = (name: string, args: string[], more: Partial<Case> = {}): Case => ({ name, gomod: SIMPLE, args, ...more });
  return [
    c('no flags', []),
    c('json and print', ['-json', '-print']),
    c('too many arguments', ['-fmt', 'a.mod', 'b.mod']),
    c('unknown flag', ['-foo']),
    c('unknown flag after a bad require', ['-require=bad', '-foo']),
    c('unknown flag before a bad require', ['-foo', '-require=bad']),
    c('missing argument', ['-require']),
    c('bad boolean', ['-json=maybe']),
    c('bad flag syntax', ['---x']),
    c('bad flag syntax =', ['-=x']),
    c('flags stop at the first argument', ['go.mod', '-fmt']),
    c('double dash', ['-fmt', '--', 'go.mod']),
    c('double-dash flag', ['--fmt', '--print']),
    c('bool false', ['-fmt=false', '-print=true']),
    c('require without version', ['-require=example.com/x']),
    c('require bad path', ['-require=bad path@v1.0.0']),
    c('require bad version token', ['-require=example.com/y@v1 0']),
    c('require non-semver version', ['-require=example.com/y@master']),
    c('droprequire with version', ['-droprequire=example.com/x@v1.0.0']),
    c('droprequire bad path', ['-droprequire=-bad']),
    c('exclude bad version', ['-exclude=example.com/m@bad']),
    c('exclude +incompatible hint', ['-exclude=example.com/m@v2.0.0']),
    c('exclude major mismatch', ['-exclude=example.com/m/v2@v1.0.0']),
    c('exclude gopkg.in mismatch', ['-exclude=gopkg.in/example.v1@v2.0.0']),
    c('dropexclude missing', ['-dropexclude=example.com/nope@v1.0.0']),
    c('replace missing =', ['-replace=example.com/a']),
    c('replace with =>', ['-replace=example.com/a=>example.com/b']),
    c('replace unversioned module', ['-replace=example.com/a=example.com/b']),
    c('replace bad new path', ['-replace=x.1=y.1/@v2']),
    c('replace dir with @', ['-replace=x.1=../y.1/@v2']),
    c('replace bad old path', ['-replace=bad path=../x']),
    c('replace bad old version', ['-replace=example.com/a@v 1=../x']),
    c('replace spaces', ['-replace= example.com/a @ v1.0.0 = example.com/b @ v1.1.0 ']),
    c('dropreplace dir path', ['-dropreplace=../x']),
    c('dropreplace bad', ['-dropreplace=bad path']),
    c('retract bad', ['-retract=bad']),
    c('retract unterminated', ['-retract=[v1.0.0']),
    c('retract no comma', ['-retract=[v1.0.0 v1.1.0]']),
    c('retract quoted version', ['-retract=[v1.0.0,"v1.1.0"]']),
    c('retract major mismatch', ['-retract=v2.0.0']),
    c('retract non-canonical', ['-retract=v1.2']),
    c('dropretract interval', ['-dropretract=[v1.0.0,v1.1.0]']),
    c('go invalid', ['-go=abc']),
    c('go two parts', ['-go=1.9']),
    c('module invalid', ['-module=Bad Path']),
    c('module with version suffix', ['-module=example.com/m/v3']),
    c('missing file argument', ['-fmt', 'missing.mod']),
    c('directory argument', ['-fmt', '.']),
    c('no go.mod', ['-fmt'], { gomod: undefined }),
    c('no go.mod, other config', ['-fmt'], { gomod: undefined, extra: { 'Gopkg.lock': '' } }),
    c('modfile without .mod', ['-modfile=alt.txt', '-fmt']),
    c('modfile', ['-modfile=alt.mod', '-require=example.com/y@v1.0.0'], {
      extra: { 'alt.mod': 'module example.com/alt\n' },
    }),
    c('modfile missing', ['-modfile=missing.mod', '-fmt']),
    c('modcacherw and -x accepted', ['-modcacherw', '-x', '-n', '-fmt', '-print']),
    c('GO111MODULE=off', ['-fmt'], { env: { GO111MODULE: 'off' } }),
    c('GO111MODULE=auto', ['-fmt'], { env: { GO111MODULE: 'auto' } }),
    c('GO111MODULE=bad', ['-fmt'], { env: { GO111MODULE: 'bad' } }),
    c('GO111MODULE=bad with a file', ['-fmt', 'go.mod'], { env: { GO111MODULE: 'bad' } }),
    c('GOFLAGS unknown', ['-fmt'], { env: { GOFLAGS: '-bogus' } }),
    c('GOFLAGS non-flag', ['-fmt'], { env: { GOFLAGS: 'bogus' } }),
    c('GOFLAGS other command', ['-fmt', '-print'], { env: { GOFLAGS: '-mod=mod -v' } }),
    c('GOFLAGS print', ['-fmt'], { env: { GOFLAGS: '-print' } }),
    c('GOFLAGS needs argument', ['-fmt'], { env: { GOFLAGS: '-modfile' } }),
    c('GOFLAGS bad boolean', [], { env: { GOFLAGS: '-json=maybe' } }),
    c('GOFLAGS modfile', ['-fmt'], { env: { GOFLAGS: '-modfile=alt.mod' }, extra: { 'alt.mod': 'module   alt\n' } }),
    c('GOFLAGS require then flag', ['-droprequire=example.com/g'], {
      env: { GOFLAGS: '-require=example.com/g@v1.0.0' },
    }),
  ];
}

const cases: Case[] = [];
let results = new Map<string, { go: Outcome; ours: Outcome }>();

beforeAll(async () => {
  goBinary(); // a missing oracle fails here, never skips
  root = await mkdtemp(path.join(os.tmpdir(), 'modrescue-modedit-'));
  await mkdir(path.join(root, 'home'), { recursive: true });
  for (const [name, data] of await fixtureGoMods()) {
    cases.push({ name: `fixture ${name} -fmt -print`, gomod: data, args: ['-fmt', '-print'] });
    cases.push({ name: `fixture ${name} -json`, gomod: data, args: ['-json'] });
  }
  for (const [name, data] of await corpus()) {
    cases.push({ name: `corpus ${name} -fmt -print`, gomod: data, args: ['-fmt', '-print'] });
    cases.push({ name: `corpus ${name} -json`, gomod: data, args: ['-json'] });
    cases.push({ name: `corpus ${name} -fmt`, gomod: data, args: ['-fmt'] });
    cases.push(...editCases(`corpus ${name}`, data));
  }
  cases.push(...errorCases());
  results = await runAll(cases);
}, 240_000);

afterAll(async () => {
  if (root !== '') await rm(root, { recursive: true, force: true });
});

describe('mod edit agrees with go mod edit (Go 1.19)', () => {
  it('covers at least 50 go.mod files and every kind of case', async () => {
    const inputs = new Set(cases.filter((c) => /^(fixture|corpus) /.test(c.name)).map((c) => c.name.split(' ')[1]));
    expect(inputs.size).toBeGreaterThanOrEqual(50);
    expect((await corpus()).length).toBeGreaterThanOrEqual(30);
    // Both successes and failures are exercised.
    const codes = new Set([...results.values()].map((r) => r.go.code));
    expect([...codes].sort()).toEqual([0, 1, 2]);
  });

  it('gives the same stdout, file bytes, stderr and exit status in every case', () => {
    const mismatches: string[] = [];
    for (const c of cases) {
      const r = results.get(c.name);
      if (r === undefined) throw new Error(`no result for ${c.name}`);
      if (JSON.stringify(r.go) !== JSON.stringify(r.ours)) mismatches.push(c.name);
    }
    if (process.env['MODEDIT_DIFF_SUMMARY']) {
      const files = new Set(cases.map((c) => c.name.split(' ').slice(0, 2).join(' ')));
      console.log(`${cases.length} cases over ${files.size} inputs, ${mismatches.length} mismatches`);
    }
    if (mismatches.length > 0) console.log(mismatches.join('\n'));
    // Show the first few differences in full.
    for (const name of mismatches.slice(0, 5)) {
      const r = results.get(name)!;
      expect({ case: name, ...r.ours }).toEqual({ case: name, ...r.go });
    }
    expect(mismatches).toEqual([]);
  });
});

describe('workEditJSON agrees with go work edit -json (Go 1.19)', () => {
  it('on the x/mod go.work goldens that Go 1.19 understands', async () => {
    const dir = testdata('modfile', 'work');
    const names = (await readdir(dir)).filter((n) => n.endsWith('.golden')).sort();
    const work = path.join(root, 'work');
    await mkdir(work, { recursive: true });
    let compared = 0;
    for (const name of names) {
      const data = await readFile(path.join(dir, name));
      if (!understoodByGo119(data)) continue;
      await writeFile(path.join(work, 'go.work'), data);
      const g = await exec(goBinary(), ['work', 'edit', '-json', 'go.work'], { cwd: work, env: baseEnv(work) });
      expect(g.code, g.stderr).toBe(0);
      expect(workEditJSON(parseWork('go.work', data)), name).toBe(g.stdout);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(4);
  });
});
