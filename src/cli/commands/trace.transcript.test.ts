// In-process transcripts of the people views `modrescue why` and `modrescue graph`
// (text, --json, dot, mermaid, json, html, --focus, --depth, -o, errors and exit codes)
// over a module whose dependencies come from the go command's fixtures on a file://
// proxy, with a cold module cache.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureProxy, createWorkspace, type Workspace } from '../../../test/support/go.js';
import { startTestProxy } from '../../../test/support/proxy-server.js';
import { createTestCertificates } from '../../../test/support/tls.js';
import { run } from '../../../test/support/cli.js';
import { FATAL_CODES as MODFETCH_FATAL } from '../../mod/modfetch/index.js';
import { FATAL_CODES } from './list.js';

const GO_MOD = `module example.com/app

go 1.17

require (
	example.com/deprecated/a v1.0.0
	example.com/retract v1.0.0-bad
	rsc.io/quote v1.5.2
	rsc.io/sampler v1.3.1
)

exclude rsc.io/sampler v1.99.99

replace rsc.io/testonly => ./testonly
`;

let ws: Workspace;
let dir: string;
let env: Record<string, string>;
beforeAll(async () => {
  ws = await createWorkspace('modrescue-trace-views-');
  await buildFixtureProxy(ws.proxyDir, [
    'rsc.io_quote_v1.5.2.txt',
    'rsc.io_sampler_v1.3.0.txt',
    'rsc.io_sampler_v1.3.1.txt',
    'rsc.io_sampler_v1.99.99.txt',
    'golang.org_x_text_v0.0.0-20170915032832-14c0d48ead0c.txt',
    'example.com_retract_v1.0.0-bad.txt',
    'example.com_retract_v1.0.0-good.txt',
    'example.com_retract_v1.1.0.txt',
    'example.com_deprecated_a_v1.0.0.txt',
    'example.com_deprecated_a_v1.9.0.txt',
  ]);
  dir = path.join(ws.dir, 'app');
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'go.mod'), GO_MOD);
  await writeFile(
    path.join(dir, 'main.go'),
    'package main\n\nimport (\n\t_ "example.com/deprecated/a"\n\t_ "example.com/retract"\n\t_ "rsc.io/quote"\n)\n\nfunc main() {}\n',
  );
  env = { ...ws.env, GOTOOLCHAIN: 'auto' };
}, 120_000);
afterAll(async () => {
  await ws?.cleanup();
});

const why = (...args: string[]) => run(['why', ...args], { cwd: dir, env });
const graph = (...args: string[]) => run(['graph', ...args], { cwd: dir, env });

describe('modrescue why', () => {
  it('explains a module: the shortest path, the required versions, who decided, and exclusions', async () => {
    const r = await why('rsc.io/sampler');
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: `rsc.io/sampler v1.3.1 (selected)
  excluded by go.mod: v1.99.99

1 shortest requirement path (1 step):
  #1
    example.com/app
    → rsc.io/sampler v1.3.1

versions required in the graph: v1.3.0, v1.3.1

v1.3.1 was selected because this requirement asks for it (the highest required version wins):
  example.com/app requires rsc.io/sampler v1.3.1
`,
    });
  });

  it('maps a package to its module and lists every decider, marking those that are not selected themselves', async () => {
    const r = await why('golang.org/x/text/language');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`# golang.org/x/text/language (package of module golang.org/x/text)
golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c (selected)

1 shortest requirement path (2 steps):
  #1
    example.com/app
    → rsc.io/sampler v1.3.1
    → golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c

v0.0.0-20170915032832-14c0d48ead0c was selected because these requirements ask for it (the highest required version wins):
  rsc.io/sampler@v1.3.1 requires golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c
  rsc.io/sampler@v1.3.0 requires golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c (from a version that is not itself selected)
`);
  });

  it('says when the selected version is retracted or the module deprecated (from the latest go.mod)', async () => {
    const r = await why('example.com/retract', 'example.com/deprecated/a');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('example.com/retract v1.0.0-bad (selected)\n  retracted: bad\n');
    expect(r.stdout).toContain(
      'example.com/deprecated/a v1.0.0 (selected)\n  deprecated: in example.com/deprecated/a@v1.9.0\n',
    );
  });

  it('exits 1 for a module that is not in the graph, and names standard-library packages', async () => {
    const r = await why('rsc.io/nothere', 'fmt');
    expect(r).toEqual({
      code: 1,
      stderr: '',
      stdout:
        'rsc.io/nothere: not in the module graph (the main module does not need it)\n\n' +
        'fmt: a standard-library package, not a module (modrescue mod why fmt shows who imports it)\n',
    });
  });

  it('prints a schemaVersion 1 document with --json', async () => {
    const r = await why('--json', 'rsc.io/sampler', 'example.com/retract');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      schemaVersion: number;
      main: string;
      results: Array<{
        query: string;
        module: string;
        selected: string;
        paths: Array<Array<{ path: string; version: string }>>;
        deciders: Array<{ by: string; requires: string; active: boolean }>;
        requiredVersions: string[];
        excludedVersions?: string[];
        retracted?: string[];
      }>;
    };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.main).toBe('example.com/app');
    expect(doc.results[0]).toMatchObject({
      query: 'rsc.io/sampler',
      module: 'rsc.io/sampler',
      selected: 'v1.3.1',
      requiredVersions: ['v1.3.0', 'v1.3.1'],
      excludedVersions: ['v1.99.99'],
      deciders: [{ by: 'example.com/app', requires: 'v1.3.1', active: true }],
    });
    expect(doc.results[0]!.paths).toEqual([
      [
        { path: 'example.com/app', version: '', selected: '' },
        { path: 'rsc.io/sampler', version: 'v1.3.1', selected: 'v1.3.1' },
      ],
    ]);
    expect(doc.results[1]).toMatchObject({ module: 'example.com/retract', retracted: ['bad'] });
  });

  it('is the same whichever go release GOTOOLCHAIN asks for (go and toolchain are not shown)', async () => {
    const a = await run(['why', 'rsc.io/sampler'], { cwd: dir, env: { ...env, GOTOOLCHAIN: 'go1.19.8' } });
    const b = await why('rsc.io/sampler');
    expect(a).toEqual(b);
    expect((await why('go')).stdout).toContain('go: not in the module graph');
  });

  it('needs an argument (exit 2), a module (exit 3), and a loadable graph (exit 3)', async () => {
    const none = await why();
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('why: name at least one module or package');
    const outside = await run(['why', 'rsc.io/quote'], { cwd: ws.dir, env });
    expect(outside).toEqual({
      code: 3,
      stdout: '',
      stderr: "modrescue: go.mod file not found in current directory or any parent directory; see 'go help modules'\n",
    });
    const broken = path.join(ws.dir, 'broken');
    await mkdir(broken, { recursive: true });
    await writeFile(
      path.join(broken, 'go.mod'),
      'module example.com/broken\n\ngo 1.17\n\nrequire rsc.io/quote v1.99.0\n',
    );
    const r = await run(['why', 'rsc.io/quote'], { cwd: broken, env });
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `modrescue: rsc.io/quote@v1.99.0: reading file://${ws.proxyDir}/rsc.io/quote/@v/v1.99.0.mod: no such file or directory\n`,
    );
  });
});

describe('openModule', () => {
  it('keeps its copy of the fatal error codes equal to modfetch’s', () => {
    expect([...FATAL_CODES].sort()).toEqual([...MODFETCH_FATAL].sort());
  });

  it('reaches an HTTPS GOPROXY through its CA (SSL_CERT_FILE) with credentials from .netrc (HTTP client from the Go environment)', async () => {
    const certs = await createTestCertificates();
    const proxy = await startTestProxy({
      fixtures: ['rsc.io_quote_v1.5.2.txt', 'rsc.io_quote_v1.5.1.txt'],
      faults: [{ pattern: '*', fault: { kind: 'auth', user: 'ci', password: 's3cret-token' } }],
      tls: certs.valid,
    });
    try {
      const netrc = path.join(ws.dir, 'netrc');
      await writeFile(netrc, 'machine 127.0.0.1 login ci password s3cret-token\n');
      const e = {
        ...env,
        GOPROXY: proxy.url,
        GOSUMDB: 'off',
        GOMODCACHE: path.join(ws.dir, 'netrc-cache'),
        SSL_CERT_FILE: certs.caFile,
      };
      const ok = await run(['list', '-m', '-versions', 'rsc.io/quote'], { cwd: dir, env: { ...e, NETRC: netrc } });
      expect(ok).toEqual({ code: 0, stdout: 'rsc.io/quote v1.5.1 v1.5.2\n', stderr: '' });
      expect(proxy.requests.some((r) => r.authorization?.startsWith('Basic '))).toBe(true);
      const denied = await run(['list', '-m', '-versions', 'rsc.io/quote'], {
        cwd: dir,
        env: { ...e, NETRC: path.join(ws.dir, 'none') },
      });
      expect(denied.code).toBe(1);
      expect(denied.stderr).toContain('401 Unauthorized');
      expect(denied.stderr + ok.stderr).not.toContain('s3cret-token');
    } finally {
      await proxy.close();
    }
  });
});

describe('modrescue graph', () => {
  it('draws the graph as a text tree (not selected versions and exclusions marked)', async () => {
    const r = await graph();
    expect(r).toEqual({
      code: 0,
      stderr: '',
      stdout: `example.com/app
├── example.com/deprecated/a v1.0.0
├── example.com/retract v1.0.0-bad
├── rsc.io/quote v1.5.2
│   └── rsc.io/sampler v1.3.0 (not selected)
│       └── golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c
└── rsc.io/sampler v1.3.1
    └── golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c
`,
    });
  });

  it('keeps only the paths to a module with --focus (mermaid)', async () => {
    const r = await graph('--focus', 'golang.org/x/text', '--format', 'mermaid');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`flowchart LR
  n0["example.com/app"]
  n1["rsc.io/quote v1.5.2"]
  n2["rsc.io/sampler v1.3.1"]
  n3["rsc.io/sampler v1.3.0 (not selected)"]
  n4["golang.org/x/text v0.0.0-20170915032832-14c0d48ead0c"]
  n0 --> n1
  n0 --> n2
  n1 --> n3
  n2 --> n4
  n3 --> n4
  classDef notselected stroke-dasharray: 4 4,color:#777
  class n3 notselected
`);
  });

  it('stops at --depth (dot)', async () => {
    const r = await graph('--depth', '1', '--format', 'dot');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`digraph modules {
  rankdir=LR;
  node [shape=box, fontname="monospace"];
  "example.com/app" [label="example.com/app", style=bold];
  "example.com/deprecated/a@v1.0.0" [label="example.com/deprecated/a v1.0.0"];
  "example.com/retract@v1.0.0-bad" [label="example.com/retract v1.0.0-bad"];
  "rsc.io/quote@v1.5.2" [label="rsc.io/quote v1.5.2"];
  "rsc.io/sampler@v1.3.1" [label="rsc.io/sampler v1.3.1"];
  "example.com/app" -> "example.com/deprecated/a@v1.0.0";
  "example.com/app" -> "example.com/retract@v1.0.0-bad";
  "example.com/app" -> "rsc.io/quote@v1.5.2";
  "example.com/app" -> "rsc.io/sampler@v1.3.1";
}
`);
  });

  it('prints a schemaVersion 1 document with --format json (and --json), focus included', async () => {
    const r = await graph('--json', '--focus', 'rsc.io/sampler');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      schemaVersion: number;
      focus: string;
      main: string[];
      nodes: Array<{ id: string; selected: boolean; depth: number }>;
      edges: Array<{ from: string; to: string }>;
    };
    expect(doc.schemaVersion).toBe(1);
    expect(doc.focus).toBe('rsc.io/sampler');
    expect(doc.main).toEqual(['example.com/app']);
    expect(doc.nodes.map((n) => `${n.id} ${n.selected} ${n.depth}`)).toEqual([
      'example.com/app true 0',
      'rsc.io/quote@v1.5.2 true 1',
      'rsc.io/sampler@v1.3.1 true 1',
      'rsc.io/sampler@v1.3.0 false 2',
    ]);
    expect(doc.edges).toEqual([
      { from: 'example.com/app', to: 'rsc.io/quote@v1.5.2' },
      { from: 'example.com/app', to: 'rsc.io/sampler@v1.3.1' },
      { from: 'rsc.io/quote@v1.5.2', to: 'rsc.io/sampler@v1.3.0' },
    ]);
  });

  it('writes a self-contained HTML page with -o', async () => {
    const out = path.join(ws.dir, 'graph.html');
    const r = await graph('--format', 'html', '-o', out);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const html = await readFile(out, 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('rsc.io/sampler');
    // Nothing is loaded from elsewhere (the only URL is the SVG namespace), and the page
    // forbids it anyway.
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|(src|href|url)\(?=?["']?https?:/i);
    expect(html).toContain(`content="default-src 'none';`);
  });

  it('rejects bad flags and arguments with exit 2, and reports a broken graph with exit 3', async () => {
    const bad = await graph('--format', 'bogus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('graph: unknown --format "bogus" (use text, dot, mermaid, json, html)');
    const depth = await graph('--depth', '-1');
    expect(depth.code).toBe(2);
    expect(depth.stderr).toContain('graph: --depth must be a non-negative integer, not "-1"');
    const arg = await graph('extra');
    expect(arg.code).toBe(2);
    expect(arg.stderr).toContain('graph: unexpected argument "extra"');
    const broken = path.join(ws.dir, 'broken2');
    await mkdir(broken, { recursive: true });
    await writeFile(
      path.join(broken, 'go.mod'),
      'module example.com/broken\n\ngo 1.16\n\nrequire rsc.io/quote v1.99.0\n',
    );
    const r = await run(['graph'], { cwd: broken, env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('rsc.io/quote@v1.99.0: reading file://');
  });
});
