// The cmd/go script tests of ../shared/testdata/go-scripts that contain `go list -m`,
// `go mod graph` or `go mod why` steps, run with test/support/go-script.ts against the
// go command's module fixtures served on 127.0.0.1 (with the test checksum database).
//
// Routing of `go` lines: modrescue runs the commands it implements (list -m, mod graph,
// mod why, mod edit, mod download, mod verify); Debian's Go 1.19 runs the others (go get,
// go mod tidy, go mod init, go list of packages, go build) where their effect is only to
// set up files (go.mod, go.sum, the module cache) and Go 1.19 behaves there as the
// scripts (Go 1.25-dev) expect. Where it does not, or where the script needs something
// this machine lacks, the script is stopped at that line, with the reason in STOPS. The
// scripts expect current Go, so modrescue reproduces the latest release (GOTOOLCHAIN=auto).
//
// Every script must end as EXPECTED says; every step modrescue runs must hold (a failing
// step fails the script). Set MODRESCUE_SCRIPT_REPORT=1 to print each script's steps.
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGoScript, type Route, type ScriptResult } from '../../../test/support/go-script.js';
import { startTestProxy, type TestProxy } from '../../../test/support/proxy-server.js';
import { startTestSumdb, type TestSumdb } from '../../../test/support/sumdb.js';
import { testdata } from '../../../test/support/shared.js';
import { LATEST_RELEASE } from '../../mod/modload/index.js';

/** ours reports whether modrescue implements the go subcommand of args. */
function ours(args: readonly string[]): boolean {
  if (args[0] === 'list') return args.slice(1).some((a) => a === '-m' || a === '--m' || a === '-m=true');
  return args[0] === 'mod' && ['graph', 'why', 'edit', 'download', 'verify'].includes(args[1] ?? '');
}

/** STOPS: script → line at which to stop, and why (Go 1.19 is no stand-in there, or the host lacks something). */
const STOPS: Record<string, { line: number; reason: string }> = {
  mod_get_downgrade_missing: {
    line: 25,
    reason:
      "go get (Go 1.19) words the failed downgrade differently from Go 1.25 ('cannot find module providing package'); later steps test go get",
  },
  mod_get_downup_indirect: {
    line: 28,
    reason:
      "go get's downgrade (Go 1.19) selects other versions than Go 1.25's, so the go.mod the later list -m steps read is not the script's",
  },
  mod_get_upgrade: {
    line: 20,
    reason:
      'go get rsc.io/quote@<commit hash> needs the test proxy’s hash lookups (test/support/proxy-server.ts serves tagged versions only)',
  },
  mod_gonoproxy: {
    line: 10,
    reason:
      'needs the go test proxy’s /sumdb-wrong checksum database, which test/support/proxy-server.ts does not serve',
  },
  mod_replace_import: {
    line: 30,
    reason: 'the remaining steps test go mod tidy’s Go 1.25 error wording; modrescue does not implement go mod tidy',
  },
  mod_sum_issue56222: {
    line: 8,
    reason:
      'go mod tidy fails under Go 1.19 (the script needs go 1.20 semantics); the script tests go list/go test, not module tracing',
  },
};

/** ROUTE_OVERRIDES: script → line → runner, where the default route would be wrong. */
const ROUTE_OVERRIDES: Record<string, Record<number, Route>> = {};

/** EXPECTED: how each script ends. */
const EXPECTED: Record<string, ScriptResult['status']> = {
  mod_deprecate_message: 'passed',
  mod_download_partial: 'passed',
  mod_get_downgrade_missing: 'stopped',
  mod_get_downup_indirect: 'stopped',
  mod_get_none: 'passed',
  mod_get_patch: 'passed',
  mod_get_retract: 'passed',
  mod_get_upgrade: 'stopped',
  mod_gonoproxy: 'stopped',
  mod_graph: 'passed',
  mod_graph_version: 'passed',
  mod_list_deprecated: 'passed',
  mod_list_sums: 'passed',
  // [!net:github.com] skip: the script queries the real github.com.
  mod_prefer_compatible: 'skipped',
  mod_query_exclude: 'passed',
  mod_replace: 'passed',
  mod_replace_import: 'stopped',
  mod_require_exclude: 'passed',
  mod_retract: 'passed',
  mod_retract_noupgrade: 'passed',
  mod_retract_rationale: 'passed',
  mod_retract_replace: 'passed',
  mod_retract_versions: 'passed',
  mod_skip_write: 'passed',
  mod_sum_ambiguous: 'passed',
  mod_sum_issue56222: 'stopped',
  mod_sum_readonly: 'passed',
  mod_tidy_cycle: 'passed',
  mod_update_sum_readonly: 'passed',
  mod_upgrade_patch: 'passed',
  mod_verify: 'passed',
  mod_why: 'passed',
};

/** SCRIPTS are the go-scripts with a list -m, mod graph or mod why line. */
const SCRIPTS = readdirSync(testdata('go-scripts'))
  .filter((f) => f.endsWith('.txt'))
  .filter((f) => {
    const script = readFileSync(testdata('go-scripts', f), 'utf8').split(/^-- .* --$/m)[0]!;
    return script
      .split('\n')
      .map((l) => l.trim().replace(/^(\[[^\]]*\]\s*)*[!?]?\s*/, ''))
      .some((l) => l.startsWith('go ') && ours(l.slice(3).split(/\s+/)) && !/^go mod (edit|download|verify)/.test(l));
  })
  .map((f) => f.slice(0, -'.txt'.length))
  .sort();

let proxy: TestProxy;
let sumdb: TestSumdb;
beforeAll(async () => {
  proxy = await startTestProxy({ fixtures: 'all' });
  sumdb = await startTestSumdb({ fixtures: 'all', lazy: true, hash: 'testdb' });
}, 120_000);
afterAll(async () => {
  await proxy?.close();
  await sumdb?.close();
});

describe('go-scripts with tracing steps', () => {
  it('covers every script that has a list -m, mod graph or mod why step', () => {
    expect(SCRIPTS).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(SCRIPTS)(
    '%s',
    async (name) => {
      const stop = STOPS[name];
      const overrides = ROUTE_OVERRIDES[name] ?? {};
      const res = await runGoScript(testdata('go-scripts', `${name}.txt`), {
        goproxy: proxy.url,
        gosumdb: sumdb.gosumdb,
        goversion: `${LATEST_RELEASE}.0`,
        route: (args, line) => {
          if (stop && line === stop.line) return { stop: stop.reason };
          return overrides[line] ?? (ours(args) ? 'modrescue' : 'go1.19');
        },
      });
      if (process.env['MODRESCUE_SCRIPT_REPORT']) {
        const by = (r: string) => res.steps.filter((s) => s.by === r).length;
        const checks = res.steps.filter((s) => s.after === 'modrescue').length;
        console.log(
          `${name}: ${res.status}${res.at ? ` at line ${res.at.line} (${res.at.reason.split('\n')[0]})` : ''}; ` +
            `go lines: modrescue ${by('modrescue')}, go1.19 ${by('go1.19')}; checks of modrescue output: ${checks}; other: ${by('script') - res.steps.filter((s) => s.by === 'script' && s.after).length}`,
        );
        for (const s of res.steps) console.log(`  ${s.ok ? 'ok  ' : 'FAIL'} ${s.line} [${s.by}] ${s.text}`);
      }
      const failed = res.steps.filter((s) => !s.ok);
      expect({ status: res.status, failed }).toEqual({ status: EXPECTED[name], failed: [] });
      if (stop) expect(res.at?.line).toBe(stop.line);
      // Every script that runs to its end exercises modrescue.
      if (res.status === 'passed') expect(res.steps.some((s) => s.by === 'modrescue')).toBe(true);
    },
    180_000,
  );
});
