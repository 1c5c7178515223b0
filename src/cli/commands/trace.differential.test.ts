// Differential tests of list -m, mod graph and mod why against Debian's Go 1.19 on
// scenario modules over the goproxy fixtures (test/support/scenarios.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workspace } from '../../../test/support/go.js';
import { createScenarioWorkspace, runScenario, type Scenario } from '../../../test/support/scenarios.js';
import { fixtureSum } from '../../../test/support/sumdb.js';

/** sums returns go.sum lines for "path@version" fixtures (go.mod hash, and the zip hash with "+zip"). */
const sums = (...mods: string[]) =>
  mods
    .map((m) => {
      const zip = m.endsWith('+zip');
      const f = fixtureSum(zip ? m.slice(0, -4) : m);
      return `${f.path} ${f.version} ${f.zipH1}\n`.repeat(zip ? 1 : 0) + `${f.path} ${f.version}/go.mod ${f.goModH1}\n`;
    })
    .join('');
const QUOTE_SUMS = sums(
  'rsc.io/quote@v1.5.2+zip',
  'rsc.io/sampler@v1.3.0+zip',
  'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c+zip',
);

const mod = (goVersion: string | undefined, body: string, name = 'example.com/m') =>
  `module ${name}\n${goVersion ? `\ngo ${goVersion}\n` : ''}\n${body}`;
const main = (...imports: string[]) =>
  `package main\n\nimport (\n${imports.map((i) => `\t_ "${i}"`).join('\n')}\n)\n\nfunc main() {}\n`;
const STD = [
  ['mod', 'graph'],
  ['list', '-m', 'all'],
  ['list', '-m', '-json', 'all'],
];

const scenarios: Scenario[] = [
  {
    name: 'oracle-demo',
    files: {
      'go.mod': mod(
        '1.19',
        'require (\n\texample.com/deprecated/a v1.0.0\n\texample.com/retract v1.0.0-bad\n\trsc.io/quote v1.5.2\n)\n\nexclude rsc.io/sampler v1.99.99\n',
        'example.com/oracledemo',
      ),
      'main.go': main('example.com/deprecated/a', 'example.com/retract', 'rsc.io/quote'),
    },
    commands: [
      ...STD,
      ['list', '-m', '-u', 'all'],
      ['list', '-m', '-versions', 'rsc.io/sampler'],
      ['list', '-m', '-versions', '-retracted', 'example.com/retract'],
      ['list', '-m', '-u', '-json', 'example.com/retract', 'example.com/deprecated/a'],
      ['mod', 'why', '-m', 'rsc.io/sampler', 'golang.org/x/text', 'example.com/deprecated/a', 'rsc.io/quote/v3'],
      ['mod', 'why', 'golang.org/x/text/language', 'rsc.io/testonly', 'rsc.io/nothere'],
    ],
  },
  {
    name: 'diamond-go117',
    files: {
      'go.mod': mod('1.17', 'require (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.3.1\n)\n'),
      'main.go': main('rsc.io/quote', 'rsc.io/sampler'),
    },
    commands: [...STD, ['mod', 'why', '-m', 'rsc.io/sampler', 'golang.org/x/text']],
  },
  {
    name: 'unpruned-go116',
    files: { 'go.mod': mod('1.16', 'require rsc.io/quote v1.5.2\n'), 'main.go': main('rsc.io/quote') },
    commands: [...STD, ['mod', 'why', '-m', 'golang.org/x/text']],
  },
  {
    name: 'no-go-line',
    files: { 'go.mod': mod(undefined, 'require rsc.io/quote v1.5.2\n'), 'main.go': main('rsc.io/quote') },
    commands: [
      ['mod', 'graph'],
      ['list', '-m', 'all'],
    ],
  },
  {
    name: 'replace-version',
    files: {
      'go.mod': mod('1.17', 'require rsc.io/quote v1.5.2\n\nreplace rsc.io/sampler v1.3.0 => rsc.io/sampler v1.3.1\n'),
      'main.go': main('rsc.io/quote'),
    },
    commands: [...STD, ['mod', 'why', '-m', 'rsc.io/sampler']],
  },
  {
    name: 'replace-dir',
    files: {
      'go.mod': mod(
        '1.17',
        'require (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.3.0\n)\n\nreplace rsc.io/sampler => ./local/sampler\n',
      ),
      'main.go': main('rsc.io/quote'),
      'local/sampler/go.mod': 'module rsc.io/sampler\n\ngo 1.17\n\nrequire golang.org/x/text v0.3.0\n',
      'local/sampler/sampler.go': 'package sampler\n\nimport _ "golang.org/x/text/language"\n',
    },
    commands: [
      ['mod', 'graph'],
      ['list', '-m', 'all'],
      ['list', '-m', '-json', 'rsc.io/sampler'],
    ],
  },
  {
    name: 'replace-missing-dir',
    files: {
      'go.mod': mod('1.17', 'require rsc.io/quote v1.5.2\n\nreplace rsc.io/quote => ../nowhere\n'),
      'main.go': main('rsc.io/quote'),
    },
    commands: [
      ['mod', 'graph'],
      ['list', '-m', 'all'],
    ],
  },
  {
    name: 'exclude-dependency-requirement',
    files: {
      'go.mod': mod('1.16', 'require rsc.io/quote v1.5.2\n\nexclude rsc.io/sampler v1.3.0\n'),
      'main.go': main('rsc.io/quote'),
    },
    commands: [
      ['mod', 'graph'],
      ['list', '-m', 'all'],
    ],
  },
  {
    name: 'exclude-direct-requirement',
    files: {
      'go.mod': mod(
        '1.17',
        'require (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.99.99\n)\n\nexclude rsc.io/sampler v1.99.99\n',
      ),
      'main.go': main('rsc.io/quote'),
    },
    commands: [['list', '-m', 'all']],
    env: { GOFLAGS: '-mod=readonly' },
  },
  {
    name: 'incompatible',
    files: { 'go.mod': mod('1.17', 'require rsc.io/breaker v2.0.0+incompatible\n'), 'main.go': main('rsc.io/breaker') },
    commands: [...STD, ['list', '-m', '-versions', 'rsc.io/breaker']],
  },
  {
    name: 'pseudo-versions',
    files: {
      'go.mod': mod('1.17', 'require rsc.io/quote v0.0.0-20180214005840-23179ee8a569\n'),
      'main.go': main('rsc.io/quote'),
    },
    commands: [...STD],
  },
  {
    name: 'v1-and-v2',
    files: {
      'go.mod': mod('1.17', 'require (\n\trsc.io/fortune v1.0.0\n\trsc.io/fortune/v2 v2.0.0\n)\n'),
      'main.go': main('rsc.io/fortune', 'rsc.io/fortune/v2'),
    },
    commands: [
      ...STD,
      ['mod', 'why', '-m', 'rsc.io/fortune', 'rsc.io/fortune/v2'],
      ['list', '-m', 'rsc.io/fortune/...'],
    ],
  },
  {
    name: 'cycle',
    files: { 'go.mod': mod('1.16', 'require example.com/newcycle/a v1.0.0\n'), 'main.go': main() },
    commands: [
      ['mod', 'graph'],
      ['list', '-m', 'all'],
    ],
  },
  {
    name: 'missing-version',
    files: { 'go.mod': mod('1.17', 'require rsc.io/quote v1.99.0\n'), 'main.go': main('rsc.io/quote') },
    commands: [
      ['mod', 'graph'],
      ['list', '-m', 'all'],
      ['list', '-m', '-json', 'all'],
    ],
  },
  {
    name: 'bad-chain',
    files: { 'go.mod': mod('1.16', 'require example.com/badchain/a v1.1.0\n'), 'main.go': main() },
    commands: [
      ['mod', 'graph'],
      ['list', '-m', 'all'],
    ],
  },
  {
    name: 'indirect-only',
    files: {
      'go.mod': mod(
        '1.17',
        'require (\n\tgolang.org/x/text v0.3.0 // indirect\n\trsc.io/sampler v1.3.1 // indirect\n)\n',
      ),
      'main.go': main(),
    },
    commands: [...STD, ['mod', 'why', '-m', 'rsc.io/sampler']],
  },
  {
    name: 'deep-upgrade',
    files: {
      'go.mod': mod('1.16', 'require (\n\tpatch.example.com/direct v1.1.0\n\tpatch.example.com/indirect v1.0.1\n)\n'),
      'main.go': main('patch.example.com/direct'),
    },
    commands: [...STD, ['list', '-m', '-u', 'all']],
  },
  {
    name: 'graph-go-flag',
    files: { 'go.mod': mod('1.17', 'require rsc.io/quote v1.5.2\n'), 'main.go': main('rsc.io/quote') },
    commands: [
      ['mod', 'graph', '-go=1.16'],
      ['mod', 'graph', '-go=1.17'],
    ],
  },
  {
    name: 'readonly-missing-sum',
    files: { 'go.mod': mod('1.17', 'require rsc.io/quote v1.5.2\n'), 'main.go': main('rsc.io/quote') },
    commands: [['list', '-m', 'all']],
    env: { GOFLAGS: '-mod=readonly' },
  },
  {
    name: 'workspace',
    files: {
      'go.work': 'go 1.19\n\nuse (\n\t./a\n\t./b\n)\n',
      'a/go.mod': mod('1.19', 'require rsc.io/quote v1.5.2\n', 'example.com/a'),
      'a/a.go': 'package a\n\nimport _ "rsc.io/quote"\n',
      'b/go.mod': mod('1.19', 'require rsc.io/sampler v1.3.1\n', 'example.com/b'),
      'b/b.go': 'package b\n\nimport _ "rsc.io/sampler"\n',
    },
    cwd: 'a',
    env: { GOWORK: '' },
    commands: [
      ['list', '-m'],
      ['list', '-m', 'all'],
      ['list', '-m', '-json', 'all'],
      ['mod', 'graph'],
      ['mod', 'why', '-m', 'rsc.io/sampler', 'golang.org/x/text'],
      ['mod', 'why', 'rsc.io/quote', 'example.com/b'],
    ],
  },
  {
    name: 'readonly-inconsistent-roots',
    files: {
      'go.mod': mod('1.17', 'require (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.2.0\n)\n'),
      'go.sum': sums(
        'rsc.io/quote@v1.5.2',
        'rsc.io/sampler@v1.2.0',
        'rsc.io/sampler@v1.3.0',
        'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c',
      ),
      'main.go': main('rsc.io/quote'),
    },
    env: { GOFLAGS: '' },
    commands: [
      ['list', '-m', 'all'],
      ['list', '-mod=readonly', '-m', 'all'],
      ['list', '-m', 'rsc.io/quote'],
      ['mod', 'graph'],
      ['list', '-mod=mod', '-m', 'all'],
      ['list', '-m', 'all'],
    ],
  },
  {
    name: 'unpruned-inconsistent-roots',
    files: {
      'go.mod': mod('1.16', 'require (\n\trsc.io/quote v1.5.2\n\trsc.io/sampler v1.2.0\n)\n'),
      'go.sum': sums(
        'rsc.io/quote@v1.5.2',
        'rsc.io/sampler@v1.2.0',
        'rsc.io/sampler@v1.3.0',
        'golang.org/x/text@v0.0.0-20170915032832-14c0d48ead0c',
      ),
      'main.go': main('rsc.io/quote'),
    },
    env: { GOFLAGS: '' },
    commands: [
      ['list', '-m', 'all'],
      ['list', '-mod=mod', '-m', 'all'],
    ],
  },
  {
    name: 'why-std-tests-patterns-vendor',
    files: {
      'go.mod': mod('1.17', 'require rsc.io/quote v1.5.2\n', 'mymodule'),
      'x/x.go': 'package x\n\nimport _ "mymodule/z"\n',
      'y/y.go': 'package y\n',
      'y/y_test.go': 'package y\n\nimport (\n\t"testing"\n\n\t_ "rsc.io/quote"\n)\n\nfunc TestY(t *testing.T) {}\n',
      'z/z.go': 'package z\n\nimport (\n\t"fmt"\n\t_ "mymodule/y"\n)\n\nvar _ = fmt.Sprint\n',
      'ignored/i.go': '//go:build ignore\n\npackage ignored\n\nimport _ "net/http"\n',
    },
    commands: [
      ['mod', 'why', 'fmt', 'testing', 'os', 'unicode/utf8', 'net/http', 'internal/testenv'],
      ['mod', 'why', 'golang.org/x/text/...', './...'],
      ['mod', 'why', '-vendor', 'rsc.io/testonly', 'rsc.io/quote', 'testing'],
      ['mod', 'why', '-m', '-vendor', 'rsc.io/testonly', 'rsc.io/sampler'],
      ['mod', 'why', '-m', 'golang.org/...', 'rsc.io/...'],
    ],
  },
  {
    name: 'list-queries-and-templates',
    files: {
      'go.mod': mod('1.17', 'require (\n\trsc.io/quote v1.5.1\n\trsc.io/breaker v1.0.0\n)\n'),
      'main.go': main('rsc.io/quote', 'rsc.io/breaker'),
    },
    commands: [
      [
        'list',
        '-m',
        'rsc.io/quote@latest',
        'rsc.io/quote@upgrade',
        'rsc.io/quote@patch',
        'rsc.io/quote@<v1.5.1',
        'rsc.io/quote@v1.4',
      ],
      ['list', '-m', 'rsc.io/breaker@latest', 'rsc.io/breaker@upgrade', 'rsc.io/breaker@v2.0.0+incompatible'],
      ['list', '-m', '-versions', 'rsc.io/breaker', 'rsc.io/quote'],
      [
        'list',
        '-m',
        '-f',
        '{{.Path}} {{.Version}}{{with .Replace}} => {{.Path}}{{end}}{{if .Indirect}} // indirect{{end}}',
        'all',
      ],
      [
        'list',
        '-m',
        '-f',
        '{{.Path}}: {{.GoVersion}} {{printf "%q" .Version}} {{.Main}} {{.Update}} {{.Error}}',
        'all',
      ],
      ['list', '-m', '-u', '-f', '{{.String}}|{{with .Update}}{{.Version}}{{else}}none{{end}}', 'all'],
      ['list', '-m', '-json=Path,Version', 'rsc.io/quote', 'rsc.io/nonexistent'],
      ['list', '-m', '-e', '-json', 'rsc.io/nonexistent', 'rsc.io/quote@v9.9.9'],
      ['list', '-m', 'rsc.io/quote@v9.9.9'],
      ['list', '-m', 'rsc.io/quote@>=v1.5', 'rsc.io/quote@<=v1.5'],
    ],
  },
  {
    name: 'modfile-flag',
    files: {
      'go.mod': mod('1.17', 'require rsc.io/quote v1.5.2\n'),
      'alt.mod': mod('1.17', 'require rsc.io/sampler v1.3.1\n'),
      'main.go': main('rsc.io/quote'),
    },
    commands: [
      ['list', '-modfile=alt.mod', '-m', 'all'],
      ['list', '-m', 'all'],
    ],
  },
  {
    name: 'vendor-directory',
    files: {
      'go.mod': mod('1.17', 'require rsc.io/quote v1.5.2\n'),
      'go.sum': QUOTE_SUMS,
      'main.go': main('rsc.io/quote'),
      'vendor/modules.txt': '# rsc.io/quote v1.5.2\n## explicit\nrsc.io/quote\n',
    },
    env: { GOFLAGS: '' },
    commands: [
      ['list', '-m', 'all'],
      ['list', '-m', '-versions', 'rsc.io/quote'],
      ['list', '-m', 'rsc.io/quote'],
      ['list', '-m', 'rsc.io/sampler'],
      ['list', '-mod=mod', '-m', 'all'],
    ],
  },
  {
    name: 'no-go-line-readonly',
    files: {
      'go.mod': mod(undefined, 'require rsc.io/quote v1.5.2\n'),
      'go.sum': QUOTE_SUMS,
      'main.go': main('rsc.io/quote'),
    },
    env: { GOFLAGS: '-mod=readonly' },
    commands: [
      ['list', '-m', 'all'],
      ['list', '-m', '-json'],
      ['mod', 'why', '-m', 'rsc.io/sampler'],
      ['mod', 'graph'],
    ],
  },
  {
    name: 'no-module',
    files: { 'x.txt': '' },
    commands: [
      ['list', '-m', 'all'],
      ['mod', 'graph'],
      ['list', '-m'],
      ['list', '-m', '-json'],
      ['list', '-m', 'rsc.io/quote@latest'],
      ['list', '-m', '-versions', 'rsc.io/quote'],
      ['list', '-m', '-json', 'rsc.io/quote@v1.5.2'],
      ['list', '-m', '-u', 'rsc.io/quote@v1.5.1'],
      ['list', '-m', 'rsc.io/quote'],
      ['list', '-m', 'rsc.io/quote@upgrade'],
      ['mod', 'why', 'rsc.io/quote'],
    ],
  },
  {
    name: 'checksum-mismatch',
    files: {
      'go.mod': mod('1.17', 'require rsc.io/quote v1.5.2\n'),
      'go.sum': QUOTE_SUMS.replace(
        /^rsc\.io\/quote v1\.5\.2 h1:\S+$/m,
        'rsc.io/quote v1.5.2 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      ),
      'main.go': main('rsc.io/quote'),
    },
    commands: [
      ['mod', 'why', 'rsc.io/quote'],
      ['list', '-m', 'all'],
    ],
  },
  {
    name: 'go-mod-checksum-mismatch',
    files: {
      'go.mod': mod('1.17', 'require rsc.io/quote v1.5.2\n'),
      'go.sum': QUOTE_SUMS.replace(
        /^rsc\.io\/sampler v1\.3\.0\/go\.mod h1:\S+$/m,
        'rsc.io/sampler v1.3.0/go.mod h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
      ),
      'main.go': main('rsc.io/quote'),
    },
    commands: [
      ['list', '-m', 'all'],
      ['mod', 'graph'],
    ],
  },
  {
    name: 'modules-off',
    files: { 'go.mod': mod('1.17', 'require rsc.io/quote v1.5.2\n') },
    env: { GO111MODULE: 'off' },
    commands: [
      ['list', '-m', 'all'],
      ['mod', 'graph'],
    ],
  },
];

let ws: Workspace;
beforeAll(async () => {
  ws = await createScenarioWorkspace();
}, 120_000);
afterAll(async () => {
  await ws?.cleanup();
});

describe('tracing commands agree with go 1.19', () => {
  it.each(scenarios.map((s) => [s.name, s] as const))(
    '%s',
    async (_name, s) => {
      for (const o of await runScenario(ws, s)) {
        expect({
          cmd: o.command,
          code: o.ours.code,
          stdout: o.ours.stdout,
          stderr: o.ours.stderr,
          files: o.ours.files,
        }).toEqual({
          cmd: o.command,
          code: o.go.code,
          stdout: o.go.stdout,
          stderr: o.go.stderr,
          files: o.go.files,
        });
      }
    },
    120_000,
  );
});
