// Unit tests of package modload's pieces that the differential tests do not isolate:
// the fast go.mod path (against modfile.parseLax), the synchronous graph reads
// (against the asynchronous ones), version queries, go.mod commits, the go command
// release table and the -f template subset.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testdata } from '../../../test/support/shared.js';
import { CodedError } from '../internal/errors.js';
import { parse as parseTxtar } from '../txtar/index.js';
import { parseLax } from '../modfile/rule.js';
import {
  GoModDirtyError,
  Lister,
  Loader,
  commitRequirements,
  executeTemplate,
  goRelease,
  parseGoMod,
  parseTemplate,
  readMainModule,
  releaseFromGotoolchain,
  type ModFileSource,
  type ModulePublic,
} from './index.js';
import { fastLax } from './modfile.js';
import { query } from './query.js';

/** project keeps what GoModInfo carries from a parseLax result. */
function project(data: string) {
  const f = parseLax('go.mod', data);
  return {
    module: f.module ? { path: f.module.mod.path, deprecated: f.module.deprecated } : undefined,
    go: f.go?.version,
    require: f.require.map((r) => ({ mod: { path: r.mod.path, version: r.mod.version }, indirect: r.indirect })),
    retract: f.retract.length,
  };
}

describe('fastLax', () => {
  const mods: Array<[string, string]> = [];
  for (const f of readdirSync(testdata('goproxy-fixtures')).filter((n) => n.endsWith('.txt'))) {
    for (const file of parseTxtar(readFileSync(testdata('goproxy-fixtures', f))).files) {
      if (file.name === '.mod') mods.push([f, Buffer.from(file.data).toString('latin1')]);
    }
  }

  it('agrees with parseLax on every go.mod of the go command fixtures it takes', () => {
    let taken = 0;
    for (const [name, text] of mods) {
      const r = fastLax(text);
      if (!r) continue;
      taken++;
      expect({ name, ...project(text) }).toEqual({
        name,
        module: r.module,
        go: r.go,
        require: r.require,
        retract: 0,
      });
    }
    expect(mods.length).toBeGreaterThan(200);
    expect(taken).toBeGreaterThan(mods.length / 2);
  });

  it.each([
    ['a deprecation comment', '// Deprecated: use b\nmodule a.com/a\n'],
    ['a retraction', 'module a.com/a\n\nretract v1.0.0\n'],
    ['a quoted path', 'module "a.com/a"\n'],
    ['a non-canonical version', 'module a.com/a\n\nrequire b.com/b v1.2\n'],
    ['a major-version mismatch', 'module a.com/a\n\nrequire b.com/b/v2 v1.0.0\n'],
    ['an unknown comment', 'module a.com/a\n\nrequire b.com/b v1.0.0 // why\n'],
    ['a lax go version', 'module a.com/a\n\ngo 1.21.x\n'],
    ['an unclosed block', 'module a.com/a\n\nrequire (\n\tb.com/b v1.0.0\n'],
    ['non-ASCII', 'module a.com/ä\n'],
    ['a repeated go line', 'module a.com/a\ngo 1.17\ngo 1.18\n'],
  ])('leaves %s to parseLax', (_n, text) => {
    expect(fastLax(text)).toBeUndefined();
  });

  it('reads indirect markers, blocks and ignored directives as parseLax does', () => {
    const text =
      'module a.com/a\r\n\r\ngo 1.17\n\nrequire (\n\tb.com/b v1.0.0 // indirect\n\tc.com/c/v2 v2.1.0\n)\n\nrequire d.com/d v0.0.0-20200101000000-abcdefabcdef\n\nexclude e.com/e v1.0.0\nreplace (\n\tf.com/f => ../f\n)\ntoolchain go1.21.0\n';
    const r = fastLax(text)!;
    expect({ module: r.module, go: r.go, require: r.require, retract: 0 }).toEqual(project(text));
  });

  it('agrees with parseLax on generated plain files (property)', () => {
    const path = fc.constantFrom('a.com/x', 'b.org/y/v2', 'gopkg.in/yaml.v3', 'c.io/z');
    const version = fc.constantFrom(
      'v1.0.0',
      'v2.3.4',
      'v0.0.0-20200101000000-abcdefabcdef',
      'v2.0.0+incompatible',
      'v1.2',
      'v3.0.0',
    );
    const line = fc.oneof(
      fc.tuple(path, version, fc.boolean()).map(([p, v, ind]) => `require ${p} ${v}${ind ? ' // indirect' : ''}`),
      fc.constantFrom('go 1.16', 'go 1.21.0', '', '// a comment', 'exclude a.com/x v1.0.0', 'toolchain go1.22.1'),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const text = ['module m.com/m', ...lines].join('\n') + '\n';
        const r = fastLax(text);
        if (!r) return;
        expect({ module: r.module, go: r.go, require: r.require, retract: 0 }).toEqual(project(text));
      }),
      { numRuns: 300 },
    );
  });
});

/** memorySource is a module supply held in memory: "path@version" → go.mod text. */
function memorySource(mods: Record<string, string>, opts: { cached?: boolean; incompatibleNoGoMod?: string[] } = {}) {
  const notFound = (what: string) => new CodedError('ERR_GOPROXY_NOT_FOUND', `${what}: not found`, { notFound: true });
  const src: ModFileSource = {
    goMod: async (m) => {
      const t = mods[`${m.path}@${m.version}`];
      if (t === undefined) throw notFound(`${m.path}@${m.version}`);
      return new TextEncoder().encode(t);
    },
    info: async (m) => {
      if (mods[`${m.path}@${m.version}`] === undefined) throw notFound(`${m.path}@${m.version}`);
      return { version: m.version, time: '2020-01-01T00:00:00Z' };
    },
    versions: async (p) =>
      Object.keys(mods)
        .filter((k) => k.startsWith(p + '@'))
        .map((k) => k.slice(p.length + 1)),
    latest: async (p) => {
      throw notFound(p);
    },
  };
  if (opts.cached) {
    src.goModCached = (m) => {
      const t = mods[`${m.path}@${m.version}`];
      return t === undefined ? undefined : new TextEncoder().encode(t);
    };
  }
  return src;
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'modrescue-modload-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function mainModule(name: string, goMod: string) {
  const dir = path.join(tmp, name);
  await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
  await writeFile(path.join(dir, 'go.mod'), goMod);
  return readMainModule(dir, parseGoMod);
}

describe('Loader', () => {
  it('reads the same graph whether go.mod files come synchronously or not (property)', async () => {
    const graphArb = fc
      .array(fc.array(fc.tuple(fc.nat(9), fc.nat(2)), { maxLength: 4 }), { minLength: 10, maxLength: 10 })
      .chain((reqs) =>
        fc.tuple(
          fc.constant(reqs),
          fc.constantFrom('1.16', '1.17'),
          fc.array(fc.nat(2), { minLength: 10, maxLength: 10 }),
        ),
      );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(graphArb, async ([reqs, mainGo, goLines]) => {
        const mods: Record<string, string> = {};
        for (let i = 0; i < 10; i++) {
          for (const v of ['v1.0.0', 'v1.1.0', 'v1.2.0']) {
            const req = reqs[i]!.filter(([j]) => j > i).map(([j, w]) => `require m${j}.com/m v1.${w}.0`);
            mods[`m${i}.com/m@${v}`] =
              `module m${i}.com/m\n\ngo ${['1.16', '1.17', '1.21'][goLines[i]!]}\n\n${req.join('\n')}\n`;
          }
        }
        const main = await mainModule(
          `p${n++}`,
          `module main.com/m\n\ngo ${mainGo}\n\nrequire (\n\tm0.com/m v1.2.0\n\tm3.com/m v1.0.0\n)\n`,
        );
        const run = async (cached: boolean) => {
          const loader = new Loader(main, {
            source: memorySource(mods, { cached }),
            parseGoMod,
            buildMod: 'mod',
            release: '1.25',
          });
          const mg = await loader.loadModGraph();
          const lines: string[] = [];
          mg.walkBreadthFirst((m) => {
            for (const r of mg.requiredBy(m) ?? []) lines.push(`${m.path}@${m.version} ${r.path}@${r.version}`);
          });
          return { lines: lines.sort(), list: mg.buildList() };
        };
        expect(await run(true)).toEqual(await run(false));
      }),
      { numRuns: 40 },
    );
  });

  it('reports updates to go.mod needed under -mod=readonly in the go command wording, and rewrites go.mod under -mod=mod', async () => {
    const mods = {
      'a.com/a@v1.0.0': 'module a.com/a\n\ngo 1.17\n\nrequire b.com/b v1.1.0\n',
      'b.com/b@v1.0.0': 'module b.com/b\n\ngo 1.17\n',
      'b.com/b@v1.1.0': 'module b.com/b\n\ngo 1.17\n',
    };
    const main = await mainModule(
      'dirty',
      'module main.com/m\n\ngo 1.17\n\nrequire (\n\ta.com/a v1.0.0\n\tb.com/b v1.0.0 // indirect\n)\n',
    );
    const load = (buildMod: 'mod' | 'readonly', extra: { buildModExplicit?: boolean; buildModReason?: string } = {}) =>
      new Loader(main, { source: memorySource(mods), parseGoMod, buildMod, release: '1.19', ...extra });
    await expect(load('readonly').loadModGraph()).rejects.toThrow(new GoModDirtyError('readonly', false, '').message);
    expect(new GoModDirtyError('readonly', false, '').message).toBe(
      'updates to go.mod needed; to update it:\n\tgo mod tidy',
    );
    await expect(load('readonly', { buildModExplicit: true }).loadModGraph()).rejects.toThrow(
      'updates to go.mod needed, disabled by -mod=readonly; to update it:\n\tgo mod tidy',
    );
    expect(
      new GoModDirtyError('vendor', false, 'Go version in go.mod is at least 1.14 and vendor directory exists.')
        .message,
    ).toBe(
      'updates to go.mod needed, disabled by -mod=vendor\n\t(Go version in go.mod is at least 1.14 and vendor directory exists.)\n\tto update it:\n\tgo mod tidy',
    );
    const loader = load('mod');
    await loader.loadModGraph();
    const res = await commitRequirements(loader);
    // The raised root (go 1.17: direct and indirect requirements in separate blocks).
    expect(new TextDecoder().decode(res.goMod)).toBe(
      'module main.com/m\n\ngo 1.17\n\nrequire a.com/a v1.0.0\n\nrequire b.com/b v1.1.0 // indirect\n',
    );
    expect([...res.keep].sort()).toEqual([
      'a.com/a v1.0.0',
      'a.com/a v1.0.0/go.mod',
      'b.com/b v1.1.0',
      'b.com/b v1.1.0/go.mod',
    ]);
  });

  it('puts go and toolchain in the graph only for releases that have them', async () => {
    const mods = { 'a.com/a@v1.0.0': 'module a.com/a\n\ngo 1.21.0\n' };
    const main = await mainModule('tc', 'module main.com/m\n\ngo 1.22.0\n\nrequire a.com/a v1.0.0\n');
    const edges = async (release: string) => {
      const loader = new Loader(main, { source: memorySource(mods), parseGoMod, buildMod: 'mod', release });
      const mg = await loader.loadModGraph();
      const lines: string[] = [];
      mg.walkBreadthFirst((m) => {
        for (const r of mg.requiredBy(m) ?? [])
          lines.push(`${m.path}${m.version ? '@' + m.version : ''} ${r.path}@${r.version}`);
      });
      return lines;
    };
    expect(await edges('1.19')).toEqual(['main.com/m a.com/a@v1.0.0']);
    expect(await edges('1.25')).toEqual([
      'main.com/m a.com/a@v1.0.0',
      'main.com/m go@1.22.0',
      'a.com/a@v1.0.0 go@1.21.0',
      'go@1.22.0 toolchain@go1.22.0',
    ]);
  });
});

describe('query', () => {
  // q.com/q has a go.mod of its own from v1.0.0 on (so +incompatible versions are out of
  // latest/upgrade); l.com/l v1.0.0 has none (the proxy serves the synthesised
  // "module l.com/l"), so its +incompatible versions stay eligible.
  const mods = {
    'q.com/q@v1.0.0': 'module q.com/q\n\ngo 1.17\n',
    'q.com/q@v1.1.0': 'module q.com/q\n\ngo 1.17\n',
    'q.com/q@v1.1.1': 'module q.com/q\n\ngo 1.17\n',
    'q.com/q@v1.2.0-pre': 'module q.com/q\n\ngo 1.17\n',
    'q.com/q@v2.0.0+incompatible': 'module q.com/q\n',
    'l.com/l@v1.0.0': 'module l.com/l\n',
    'l.com/l@v2.0.0+incompatible': 'module l.com/l\n',
  };
  let loader: Loader;
  beforeAll(async () => {
    const main = await mainModule(
      'q',
      'module main.com/m\n\ngo 1.17\n\nexclude q.com/q v1.1.1\n\nreplace r.com/r v1.5.0 => ../r\n',
    );
    loader = new Loader(main, { source: memorySource(mods), parseGoMod, buildMod: 'mod', release: '1.25' });
  });
  const lister = () => new Lister({ loader, modcache: tmp });
  const q = async (p: string, qq: string, current = '', allowed = true) => {
    try {
      return (await query(loader, p, qq, current, allowed ? lister().allowedTri : undefined)).version;
    } catch (e) {
      return (e as Error).message;
    }
  };

  it.each([
    ['q.com/q', 'latest', '', 'v1.1.0'],
    ['q.com/q', 'upgrade', 'v1.0.0', 'v1.1.0'],
    ['q.com/q', 'patch', 'v1.1.0', 'v1.1.0'],
    ['q.com/q', 'patch', '', `can't query version "patch" of module q.com/q: no existing version is required`],
    ['q.com/q', '<v1.1.0', '', 'v1.0.0'],
    ['q.com/q', '>=v1.1', '', 'v1.1.0'],
    ['q.com/q', 'v1', '', 'v1.1.0'],
    // "v1.2" never matches versions below v1.2.0, prereleases of it included (golang.org/issue/31972).
    ['q.com/q', 'v1.2', '', 'no matching versions for query "v1.2"'],
    ['q.com/q', '<=v1.2', '', 'ambiguous semantic version "v1.2" in range "<=v1.2"'],
    ['q.com/q', '>vX', '', 'invalid semantic version "vX" in range ">vX"'],
    ['q.com/q', 'v9.0.0', '', 'q.com/q@v9.0.0: not found'],
    ['q.com/q', 'v3', '', 'no matching versions for query "v3"'],
    ['q.com/q', 'upgrade', 'v1.1.0', 'v1.1.0'],
    ['l.com/l', 'latest', '', 'v2.0.0+incompatible'],
    ['r.com/r', 'latest', '', 'v1.5.0'],
    ['r.com/r', 'v1.5.0', '', 'v1.5.0'],
  ])('%s@%s (current %s) is %s', async (p, qq, current, want) => {
    expect(await q(p, qq, current)).toBe(want);
  });

  it('skips the excluded version only with allowed', async () => {
    expect(await q('q.com/q', 'latest', '', false)).toBe('v1.1.1');
    expect(await q('q.com/q', 'latest', '', true)).toBe('v1.1.0');
  });
});

describe('release', () => {
  it.each([
    ['go1.19.8', '1.19', false],
    ['go1.21.3+auto', '1.21', true],
    ['go1.25.0+path', '1.25', true],
    ['local', '1.25', true],
    ['auto', '1.25', true],
    ['path', '1.25', true],
    ['go1.17', '1.19', false],
    ['go1.99.0', '1.25', true],
    ['bogus', '1.25', true],
  ])('GOTOOLCHAIN=%s reproduces go %s (toolchain modules: %s)', (value, version, tm) => {
    const r = releaseFromGotoolchain(value);
    expect([r.version, r.toolchainModules]).toEqual([version, tm]);
  });
  it('words the missing go.sum entry by release', () => {
    expect(goRelease('1.19').goModSumWording).toBe(false);
    expect(goRelease('1.20').goModSumWording).toBe(true);
  });
});

describe('list -m -f templates', () => {
  const mp: ModulePublic = {
    Path: 'rsc.io/quote',
    Version: 'v1.5.2',
    Time: '2018-02-14T15:44:20Z',
    Indirect: true,
    Retracted: ['bad', 'worse'],
    Update: { Path: 'rsc.io/quote', Version: 'v1.5.3', Time: '2018-02-15T00:00:00.5Z' },
    Error: { Err: 'boom' },
  };
  it.each([
    ['{{.Path}} {{.Version}}', 'rsc.io/quote v1.5.2'],
    ['{{.}}', 'rsc.io/quote v1.5.2 (retracted) [v1.5.3]'],
    ['{{.String}}|{{.Update}}', 'rsc.io/quote v1.5.2 (retracted) [v1.5.3]|rsc.io/quote v1.5.3'],
    ['{{.Retracted}} {{len .Retracted}} {{index .Retracted 1}}', '[bad worse] 2 worse'],
    ['{{range .Retracted}}<{{.}}>{{else}}none{{end}}', '<bad><worse>'],
    ['{{range .Versions}}<{{.}}>{{else}}none{{end}}', 'none'],
    ['{{with .Replace}}{{.Path}}{{else}}no replace{{end}}', 'no replace'],
    ['{{if .Main}}main{{else if .Indirect}}indirect{{else}}direct{{end}}', 'indirect'],
    ['{{if not .Main}}dep{{end}}', 'dep'],
    ['{{printf "%q %s %v" .Version .Path .Indirect}}', '"v1.5.2" rsc.io/quote true'],
    ['{{.Error}} {{.Error.Err}} {{.Replace}} {{.Versions}}', '&{boom} boom <nil> []'],
    ['{{.Time}} / {{.Update.Time}}', '2018-02-14 15:44:20 +0000 UTC / 2018-02-15 00:00:00.5 +0000 UTC'],
    ['{{join .Retracted ","}} {{eq .Version "v1.5.2"}} {{ne .Path "x"}}', 'bad,worse true true'],
    ['a {{- /* comment */ -}} b  {{- .Version -}}  c', 'abv1.5.2c'],
    ['{{.Path | printf "%s!"}}', 'rsc.io/quote!'],
    ['{{and .Indirect .Main}} {{or .Main .Path}}', 'false rsc.io/quote'],
  ])('%s', (tmpl, want) => {
    expect(executeTemplate(parseTemplate(tmpl), mp)).toBe(want);
  });
  it.each([
    ['{{.Nope}}', "can't evaluate field Nope in type *modinfo.ModulePublic"],
    ['{{.Replace.Path}}', 'nil pointer evaluating *modinfo.ModulePublic.Path'],
    ['{{if .Main}}', 'unexpected EOF'],
    ['{{end}}', 'unexpected {{end}}'],
    ['{{nosuch .Path}}', 'function "nosuch" not defined'],
    ['{{.Path', 'unclosed action'],
  ])('%s fails: %s', (tmpl, msg) => {
    expect(() => executeTemplate(parseTemplate(tmpl), mp)).toThrow(msg);
  });
});
