// The cmd/go script tests about downloading, verifying, proxy lists and the checksum
// database (../shared/testdata/go-scripts), run with test/support/go-script.ts against
// the go command's test-proxy URL space on 127.0.0.1 (test/support/go-test-proxy.ts:
// fixtures, status paths, the test checksum database proxied, its "wrong" twin).
//
// These scripts exercise the supply through `go get`, `go mod tidy` and `go list`, which
// modrescue does not implement. Their download/verify steps are transcribed, at test
// time from the scripts in place, into the commands that do the same fetching and
// checking: `go get M@V` becomes `go mod edit -require=M@V`, `go mod download` and `go
// mod download M@V` (the requirement go get adds, the module graph verified with its
// go.mod sums saved, the module downloaded with its zip sum saved), `go get M` a named
// version or @latest query, `go mod tidy` and `go list` (packages) `go mod download`. Where a transcribed command reports the
// same failure in its own words (mod download checks a go.mod before the zip; it names
// the query, `M@latest`), the expectation is adjusted, and every transcription is also
// run entirely with Debian's Go 1.19 — each must hold for the go command as well as for
// modrescue, so an adjusted line is the go command's output, not ours.
//
// Routing: modrescue runs mod download, mod verify, mod edit and list -m; `go clean
// -modcache` (file setup) is Go 1.19's. mod_verify and mod_download_partial, whose
// download/verify steps are `go mod download`/`go mod verify` themselves, run in
// trace.go-scripts.test.ts with modrescue for those steps. Excluded: mod_download_hash
// (fetches rsc.io from the network through git: GOPROXY=direct and [net:rsc.io]) and
// mod_sum_lookup (which sums `go list -e ./noexist` and `go get ./exist` save depends on
// resolving package imports, which mod download does not do).
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGoScript, type Route, type ScriptResult } from '../../../test/support/go-script.js';
import { startGoTestProxy, type GoTestProxy } from '../../../test/support/go-test-proxy.js';
import { testdata } from '../../../test/support/shared.js';
import { LATEST_RELEASE } from '../../mod/modload/index.js';

/** Transcription turns a script's go get / tidy / list steps into download steps. */
interface Transcription {
  /** Whole-file replacements (names only the network has, versions the fixtures lack). */
  readonly replace?: ReadonlyArray<readonly [string, string]>;
  /** Script line (1-based, of the original) → the lines that stand for it. */
  readonly lines: Readonly<Record<number, readonly string[]>>;
  /** How the script must end, and where (transcribed line numbers) if it stops or skips. */
  readonly expect: ScriptResult['status'];
}

/**
 * get transcribes `go get path@version`: the requirement go get adds, the module graph
 * downloaded and verified (its go.mod sums saved), then the module itself (its zip sum
 * saved). A failing get is the failing download of the module.
 */
const get = (mod: string, fail = false): string[] =>
  fail
    ? [`go mod edit -require=${mod}`, `! go mod download ${mod}`]
    : [`go mod edit -require=${mod}`, 'go mod download', `go mod download ${mod}`];

const TRANSCRIPTIONS: Record<string, Transcription> = {
  mod_proxy_list: {
    lines: {
      6: get('rsc.io/quote@v1.0.0', true),
      11: get('rsc.io/quote@v1.1.0'),
      15: get('rsc.io/quote@v1.2.0', true),
      20: get('rsc.io/quote@v1.3.0', true),
      25: get('rsc.io/quote@v1.2.0'),
      29: get('rsc.io/quote@v1.3.0'),
      33: get('rsc.io/quote@v1.4.0', true),
    },
    expect: 'passed',
  },
  mod_sumdb: {
    lines: {
      11: get('rsc.io/quote@v1.5.2', true),
      // mod download verifies quote's go.mod (h1:LzX7…) before its zip (h1:3fEy…).
      12: ["stderr 'go: rsc.io/quote@v1.5.2: verifying go.mod: checksum mismatch'"],
      13: ["stderr 'downloaded: h1:LzX7'"],
      16: ['! go mod download rsc.io/sampler@latest'],
      17: ['! go mod download golang.org/x/text@latest'],
      20: ['! go mod download'],
      29: ['! go mod download rsc.io/fortune@latest'],
      36: ['go mod download rsc.io/fortune@latest'],
    },
    expect: 'passed',
  },
  mod_sumdb_cache: {
    lines: {
      10: get('rsc.io/quote@v1.5.2', true),
      17: get('rsc.io/quote@v1.5.2'),
      23: get('rsc.io/quote@v1.5.2'),
      30: get('rsc.io/quote@v1.5.2'),
      // "using go.sum": go.sum has every sum from the step before; only the module is fetched.
      32: ['go mod download rsc.io/quote@v1.5.2'],
      37: get('rsc.io/quote@v1.5.2', true),
      43: get('rsc.io/quote@v1.5.2', true),
    },
    expect: 'passed',
  },
  mod_gonoproxy: {
    lines: {
      10: get('rsc.io/quote@v1.5.2', true),
      15: get('rsc.io/quote@v1.5.2'),
      19: get('rsc.io/quote@v1.5.2'),
      29: ['! go mod download golang.org/x/text@latest'],
      // mod download names the query it could not resolve (path@latest).
      30: ["stderr '^go: golang.org/x/text@latest: GOPROXY list is not the empty string, but contains no entries$'"],
      35: ['! go mod download golang.org/x/text@latest'],
      36: ["stderr '^go: golang.org/x/text@latest: module lookup disabled by GOPROXY=off$'"],
    },
    // [!net:rsc.io] skip: the rest fetches rsc.io and golang.org with git.
    expect: 'skipped',
  },
  mod_file_proxy: {
    lines: {
      8: ['go mod download'],
      10: ['go mod download'],
      17: ['! go mod download'],
      20: ['go mod download'],
    },
    expect: 'passed',
  },
  mod_sumdb_file_path: {
    // sum.golang.org and proxy.golang.org stand for the test database and proxy; the
    // fixtures have golang.org/x/text v0.3.0, not v0.3.2.
    replace: [
      ['https://proxy.golang.org', '$proxy'],
      ['sum.golang.org', 'localhost.localdev/sumdb'],
      ['golang.org/x/text@v0.3.2', 'golang.org/x/text@v0.3.0'],
    ],
    lines: {
      // No network: the test database's key (the script environment's GOSUMDB) stays.
      1: ['env proxy=$GOPROXY'],
      2: [''],
      5: [''],
      6: [''],
      17: get('golang.org/x/text@v0.3.0', true),
      // The go.mod is verified first: the lookup that fails is the go.mod's.
      18: [
        "stderr '^go: golang.org/x/text@v0.3.0: verifying go.mod: golang.org/x/text@v0.3.0/go.mod: reading file://.*/sumdb/localhost.localdev/sumdb/lookup/golang.org/x/text@v0.3.0: no such file or directory'",
      ],
      25: get('golang.org/x/text@v0.3.0'),
      34: get('golang.org/x/text@v0.3.0'),
      43: get('golang.org/x/text@v0.3.0', true),
      46: get('golang.org/x/text@v0.3.0'),
    },
    expect: 'passed',
  },
};

/** transcribe writes the transcription of script name to dir and returns its path. */
async function transcribe(name: string, t: Transcription, dir: string): Promise<string> {
  let text = await readFile(testdata('go-scripts', `${name}.txt`), 'utf8');
  for (const [from, to] of t.replace ?? []) text = text.split(from).join(to);
  const marker = text.search(/^-- .* --$/m);
  const script = (marker < 0 ? text : text.slice(0, marker)).split('\n');
  const out = script.flatMap((line, i) => t.lines[i + 1] ?? [line]);
  const file = path.join(dir, `${name}.txt`);
  await writeFile(file, out.join('\n') + (marker < 0 ? '' : text.slice(marker)));
  return file;
}

/** ours reports whether modrescue implements the go subcommand of args. */
function ours(args: readonly string[]): boolean {
  if (args[0] === 'list') return args.includes('-m');
  return args[0] === 'mod' && ['download', 'verify', 'edit'].includes(args[1] ?? '');
}

let proxy: GoTestProxy;
let dir: string;
beforeAll(async () => {
  proxy = await startGoTestProxy();
  dir = await mkdtemp(path.join(os.tmpdir(), 'modrescue-supply-scripts-'));
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(Object.keys(TRANSCRIPTIONS).sort())('go-script %s (download/verify steps)', (name) => {
  const t = TRANSCRIPTIONS[name]!;
  const runWith = async (route: (args: readonly string[]) => Route) => {
    const file = await transcribe(name, t, await mkdtemp(path.join(dir, `${name}-`)));
    const res = await runGoScript(file, {
      goproxy: proxy.url,
      gosumdb: proxy.gosumdb,
      goversion: `${LATEST_RELEASE}.0`,
      route,
    });
    if (process.env['MODRESCUE_SCRIPT_REPORT']) {
      console.log(`${name}: ${res.status}${res.at ? ` at line ${res.at.line} (${res.at.reason.split('\n')[0]})` : ''}`);
      for (const s of res.steps)
        console.log(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.line} [${s.by}] ${s.text}${s.ok ? '' : '\n' + (s.message ?? '')}`);
    }
    return res;
  };

  it('the transcription holds for Go 1.19', async () => {
    const res = await runWith(() => 'go1.19');
    expect({ status: res.status, failed: res.steps.filter((s) => !s.ok) }).toEqual({ status: t.expect, failed: [] });
  }, 180_000);

  it('modrescue runs its download, verify and edit steps as the script expects', async () => {
    const res = await runWith((args) => {
      if (ours(args)) return 'modrescue';
      if (args[0] === 'clean') return 'go1.19';
      return { stop: `not transcribed: go ${args.join(' ')}` };
    });
    expect({ status: res.status, failed: res.steps.filter((s) => !s.ok) }).toEqual({ status: t.expect, failed: [] });
    const mine = res.steps.filter((s) => s.by === 'modrescue');
    expect(mine.length).toBeGreaterThan(0);
  }, 180_000);
});
