// Differential: the go.mod bytes of `fix replace` and `fix pin` equal what Go 1.19's
// `go mod edit -replace/-dropreplace/-require` writes, over the modfile corpus and the
// shared x/mod test files, for a table of edits.
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGo } from '../../../test/support/go.js';
import { repoRoot, testdata } from '../../../test/support/shared.js';
import { resolveGoEnv } from '../goenv.js';
import { applyPlan, planAction, type ActionSpec } from '../../fix/index.js';

const corpus = path.join(repoRoot, 'src/mod/modfile/testdata/corpus');
const inputs = [
  ...(await readdir(corpus)).filter((f) => f.endsWith('.mod')).map((f) => path.join(corpus, f)),
  ...(await readdir(testdata('modfile')))
    // goline.* holds `go 1.2.3` and `toolchain` lines, which Go 1.19 (the oracle) cannot parse.
    .filter((f) => /^(replace|replace2|module|retract|empty)\.(in|golden)$/.test(f))
    .map((f) => testdata('modfile', f)),
].sort();

/** EDITS pairs a fix spec with the go mod edit flags that do the same. */
const EDITS: Array<{ name: string; spec: ActionSpec; go: string[] }> = [
  {
    name: 'replace with a directory',
    spec: { action: 'replace', add: ['rsc.io/quote=../fork'] },
    go: ['-replace=rsc.io/quote=../fork'],
  },
  {
    name: 'replace one version with a module version',
    spec: { action: 'replace', add: ['rsc.io/quote@v1.5.2=example.com/fork@v1.5.2-fork'] },
    go: ['-replace=rsc.io/quote@v1.5.2=example.com/fork@v1.5.2-fork'],
  },
  {
    name: 'two replacements and a drop',
    spec: {
      action: 'replace',
      add: ['golang.org/x/text=golang.org/x/text@v0.3.0', 'example.com/a=./a'],
      drop: ['example.com/b'],
    },
    go: [
      '-replace=golang.org/x/text=golang.org/x/text@v0.3.0',
      '-replace=example.com/a=./a',
      '-dropreplace=example.com/b',
    ],
  },
  {
    name: 'drop replacements (present in some files, absent in others)',
    spec: {
      action: 'replace',
      drop: ['k8s.io/api', 'github.com/x/y@v1.0.0', 'google.golang.org/grpc', 'example.com/monorepo/lib', 'xyz@v1.3.4'],
    },
    go: [
      '-dropreplace=k8s.io/api',
      '-dropreplace=github.com/x/y@v1.0.0',
      '-dropreplace=google.golang.org/grpc',
      '-dropreplace=example.com/monorepo/lib',
      '-dropreplace=xyz@v1.3.4',
    ],
  },
  {
    name: 'pin a required module',
    spec: { action: 'pin', module: 'rsc.io/quote@v1.5.3' },
    go: ['-require=rsc.io/quote@v1.5.3'],
  },
  {
    name: 'pin a new module',
    spec: { action: 'pin', module: 'example.com/new@v1.0.0' },
    go: ['-require=example.com/new@v1.0.0'],
  },
];

let work: string;
const env = (home: string): Record<string, string> => ({
  PATH: process.env['PATH']!,
  HOME: home,
  GOENV: 'off',
  GOFLAGS: '',
  GO111MODULE: 'on',
  GOPROXY: 'off',
  GOSUMDB: 'off',
  GOPATH: path.join(home, 'gopath'),
  GOWORK: 'off',
});

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-fix-diff-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe.each(EDITS)('$name', ({ spec, go }) => {
  it.each(inputs.map((f) => [path.basename(f), f]))('%s', async (_name, input) => {
    const dir = await mkdtemp(path.join(work, 'case-'));
    const theirs = path.join(dir, 'go', 'go.mod');
    const ours = path.join(dir, 'ours', 'go.mod');
    await mkdir(path.dirname(theirs));
    await mkdir(path.dirname(ours));
    await copyFile(input, theirs);
    await copyFile(input, ours);
    const e = env(dir);
    const g = await runGo(['mod', 'edit', ...go], { cwd: path.dirname(theirs), env: e });
    const fixCtx = {
      dir: path.dirname(ours),
      env: await resolveGoEnv({ env: e, cwd: path.dirname(ours) }),
      processEnv: e,
      verify: false,
      journal: path.join(dir, 'journal.jsonl'),
    };
    let failed: unknown;
    try {
      const plan = await planAction(spec, fixCtx);
      if (!plan.noop) await applyPlan(plan, fixCtx);
    } catch (err) {
      failed = err;
    }
    if (g.code !== 0) {
      // Go rejects the file (it does not parse): so do we, and nothing is written.
      expect(failed, g.stderr).toBeDefined();
      expect(await readFile(ours)).toEqual(await readFile(input));
      return;
    }
    expect(failed).toBeUndefined();
    expect((await readFile(ours)).toString('utf8')).toBe((await readFile(theirs)).toString('utf8'));
  });
});
