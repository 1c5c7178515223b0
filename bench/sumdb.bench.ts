/**
 * Checksum-database benchmark: verify every fixture module version (zip and go.mod
 * hashes, ~240 versions) against a local test database on 127.0.0.1, with a cold
 * sumdb cache each run (no `latest`, no cached lookups or tiles), as a CI machine
 * without a warm GOPATH would.
 *
 *   ours: a node process running the built library (MODRESCUE_DIST, default <repo>/dist):
 *         createGoSumdb + checkSumDB for every module, 16 at a time.
 *   peer: `go mod download -json <all versions>` with the module cache warm (so the go
 *         command only verifies against the database, through its own sumdb client).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isolatedGoEnv, DIST, mustSucceed, timeProcess, type Benchmark } from './harness.js';
import { startTestSumdb, type TestSumdb } from '../test/support/sumdb.js';
import { buildFixtureProxy } from '../test/support/go.js';
import { testdata } from '../test/support/shared.js';

interface Sum {
  fixture: string;
  path: string;
  version: string;
  agree: boolean | null;
  oracle: { sum?: string; goModSum?: string; error?: string; version?: string };
}

let work = '';
let db: TestSumdb | undefined;
let env: NodeJS.ProcessEnv = {};
let mods: Sum[] = [];
let driver = '';
const lookups: Record<string, number[]> = {};

async function setup(): Promise<void> {
  if (work) return;
  work = await mkdtemp(path.join(os.tmpdir(), 'modrescue-sumdb-bench-'));
  const all = (JSON.parse(readFileSync(testdata('goproxy-fixtures-sums.json'), 'utf8')) as { fixtures: Sum[] })
    .fixtures;
  mods = all.filter(
    (f) => f.agree === true && f.oracle.sum && f.oracle.goModSum && !f.oracle.error && !f.oracle.version,
  );
  db = await startTestSumdb({ fixtures: mods.map((m) => `${m.path}@${m.version}`) });
  const proxy = path.join(work, 'proxy');
  await buildFixtureProxy(
    proxy,
    mods.map((m) => m.fixture),
  );
  const mainDir = path.join(work, 'main');
  await mkdir(mainDir, { recursive: true });
  await writeFile(path.join(mainDir, 'go.mod'), 'module bench.example.com/sumdb\n\ngo 1.19\n');
  env = {
    ...isolatedGoEnv(work),
    GOFLAGS: '-mod=mod',
    GOPROXY: 'file://' + proxy,
    GOSUMDB: 'off',
    GONOSUMDB: '',
  };
  // Warm the module cache without the database.
  mustSucceed(
    await timeProcess('go', ['mod', 'download', ...mods.map((m) => `${m.path}@${m.version}`)], { cwd: mainDir, env }),
    'go mod download (warm-up)',
  );
  env = { ...env, GOSUMDB: db.gosumdb };
  await writeFile(
    path.join(work, 'mods.json'),
    JSON.stringify(
      mods.map((m) => ({ path: m.path, version: m.version, sum: m.oracle.sum, goModSum: m.oracle.goModSum })),
    ),
  );
  driver = path.join(work, 'verify.mjs');
  await writeFile(
    driver,
    `import { readFileSync } from 'node:fs';
import { checkSumDB, createGoSumdb, parseGOSUMDB } from ${JSON.stringify(path.join(DIST, 'mod', 'sumdb', 'index.js'))};
import { createHttpClient } from ${JSON.stringify(path.join(DIST, 'mod', 'web', 'index.js'))};
const [modsFile, gosumdb, gopath] = process.argv.slice(2);
const mods = JSON.parse(readFileSync(modsFile, 'utf8'));
const fetch = createHttpClient({});
const db = createGoSumdb({ config: parseGOSUMDB(gosumdb), proxies: [{ url: 'direct', fallBackOnError: false }], fetch,
  sumdbDir: gopath + '/pkg/sumdb', modCacheDir: gopath + '/pkg/mod', onSecurityError: (m) => console.error(m) });
let next = 0;
const worker = async () => { for (let i; (i = next++) < mods.length; ) { const m = mods[i];
  await checkSumDB(db, { path: m.path, version: m.version + '/go.mod' }, m.goModSum);
  await checkSumDB(db, { path: m.path, version: m.version }, m.sum); } };
await Promise.all(Array.from({ length: 16 }, worker));
await fetch.close();
`,
  );
}

/** cold removes the sumdb state of a GOPATH (the latest head and the cached lookups and tiles). */
async function cold(gopath: string): Promise<void> {
  await rm(path.join(gopath, 'pkg', 'sumdb'), { recursive: true, force: true });
  await rm(path.join(gopath, 'pkg', 'mod', 'cache', 'download', 'sumdb'), { recursive: true, force: true });
}

function count(key: string, before: number): void {
  (lookups[key] ??= []).push(db!.requests.slice(before).filter((r) => r.startsWith('/lookup/')).length);
}

const benchmarks: Benchmark[] = [
  {
    name: 'sumdb: verify ~240 versions, cold sumdb cache',
    target: 'ratio <= 1.5',
    setup,
    async ours() {
      const gopath = path.join(work, 'ours-gopath');
      await cold(gopath);
      const before = db!.requests.length;
      const p = mustSucceed(
        await timeProcess(process.execPath, [driver, path.join(work, 'mods.json'), db!.gosumdb, gopath], { env }),
        'ours',
      );
      count('ours', before);
      return { ms: p.ms, maxRssKiB: p.maxRssKiB };
    },
    async peer() {
      await cold(env['GOPATH']!);
      const before = db!.requests.length;
      const p = mustSucceed(
        await timeProcess('go', ['mod', 'download', '-json', ...mods.map((m) => `${m.path}@${m.version}`)], {
          cwd: path.join(work, 'main'),
          env,
          stdoutToNull: true,
        }),
        'go mod download',
      );
      count('go', before);
      return { ms: p.ms, maxRssKiB: p.maxRssKiB };
    },
    notes: () => [
      `${mods.length} module versions; lookups per run: ours ${lookups['ours']?.join('/')}, go ${lookups['go']?.join('/')}`,
    ],
    async teardown() {
      await db?.close();
      if (work) await rm(work, { recursive: true, force: true });
      work = '';
    },
  },
];

export default benchmarks;
