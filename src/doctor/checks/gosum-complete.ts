/**
 * gosum-complete: go.sum holds every line the go command needs for this build, i.e.
 * what `-mod=readonly` (the default in CI) would reject as missing.
 *
 * Detects: a missing `path version/go.mod` line for every go.mod the module graph is
 * read from (what `go list -m all` needs), and a missing `path version` (zip) line for
 * every module that provides a package the main module's packages and tests import
 * (what `go build` and `go test` need). Packages are found in the module cache's
 * extracted trees; modules not extracted there are listed as not inspected.
 *
 * Example: `main.go:3:8: missing go.sum entry for module providing package rsc.io/quote (imported by example.com/app); to add:\n\tgo get example.com/app`
 *
 * Fix: `modrescue fix sum` adds the lines with hashes verified against the checksum
 * database (or run the `go mod download <module>` the go command suggests).
 */
import * as gover from '../../mod/gover/index.js';
import type { ModuleVersion } from '../../mod/mvs/index.js';
import type { LoadedPackage } from '../../mod/modload/index.js';
import { Findings, fixAction, skipped, type CheckContext, type CheckDefinition, type CheckOutcome } from '../check.js';
import { errorMessage, plural } from '../util.js';

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const f = new Findings();
  const sums = await s.goSum();
  ctx.step('loading the module graph');
  const g = await s.graph();
  if (!g.mg) {
    const why = errorMessage(g.error).split('\n');
    if (why[0]?.startsWith('errors parsing go.mod') || /go\.mod:\d+/.test(why[0] ?? '')) {
      return skipped('go.mod does not parse (see gomod-syntax)');
    }
    return skipped(`the module graph could not be loaded: ${why.join(' ')}`, why.slice(1));
  }
  const mg = g.mg;
  const fix = fixAction('sum', '', 'adds the missing go.sum lines with hashes verified against the checksum database');

  // go.mod lines: every go.mod the graph was read from.
  const missingMod: string[] = [];
  const seen = new Set<string>();
  let modsNeeded = 0;
  mg.walkBreadthFirst((m) => {
    if (m.path === mg.main.path || m.version === '' || m.version === 'none' || gover.isToolchain(m.path)) return;
    if (!mg.summary(m)) return;
    const actual = mg.replacements.replacement(m) ?? m;
    if (actual.version === '') return; // a directory replacement has no sum
    const k = `${actual.path}@${actual.version}`;
    if (seen.has(k)) return;
    seen.add(k);
    modsNeeded++;
    if (!sums.sum.haveSum(actual.path, actual.version + '/go.mod'))
      missingMod.push(`${actual.path} ${actual.version}/go.mod`);
  });

  // Zip lines: every module that provides an imported package.
  ctx.step('loading packages from the module cache');
  const pk = await s.packages();
  const missingZip: string[] = [];
  const providers = new Map<string, { m: ModuleVersion; pkg: LoadedPackage; importer?: string }>();
  if (pk.graph) {
    for (const p of pk.graph.pkgs) {
      if (!p.module || p.module.path === mg.main.path) continue;
      const actual = mg.replacements.replacement(p.module) ?? p.module;
      if (actual.version === '') continue;
      const k = `${actual.path}@${actual.version}`;
      if (!providers.has(k)) providers.set(k, { m: actual, pkg: p, ...(p.stack ? { importer: p.stack.path } : {}) });
    }
    for (const { m, pkg, importer } of providers.values()) {
      if (sums.sum.haveSum(m.path, m.version)) continue;
      missingZip.push(
        `missing go.sum entry for module providing package ${pkg.path}${importer ? ` (imported by ${importer})` : ''}: ${m.path} ${m.version}`,
      );
    }
  } else if (pk.error) {
    f.info(`packages not loaded: ${pk.error}`);
  }
  const notInspected = pk.missingDirs.filter((m) => m.path !== mg.main.path);
  if (notInspected.length > 0) {
    f.info(
      `${plural(notInspected.length, 'module')} not extracted in the module cache, so their packages were not inspected (go mod download fills it): ${notInspected
        .slice(0, 5)
        .map((m) => `${m.path}@${m.version}`)
        .join(', ')}${notInspected.length > 5 ? ', …' : ''}`,
    );
  }

  const total = missingMod.length + missingZip.length;
  if (total > 0) {
    const lines = [...missingMod.map((l) => `missing go.sum entry for go.mod file: ${l}`), ...missingZip];
    f.fail(
      `${plural(total, 'go.sum entry', 'go.sum entries')} missing${sums.exists ? '' : ' (there is no go.sum)'}: builds with -mod=readonly (the default) fail\n${lines.join('\n')}`,
      fix,
    );
    for (const l of missingMod) f.evidence({ missing: l, kind: 'go.mod' });
    for (const l of missingZip) f.evidence({ missing: l.slice(l.lastIndexOf(': ') + 2), kind: 'zip' });
  }
  if (sums.error) f.info(`go.sum is read only up to its first malformed line (see gomod-syntax)`);
  return f.outcome(
    `go.sum has the ${plural(modsNeeded, 'go.mod hash', 'go.mod hashes')} the graph needs and the ${plural(providers.size, 'zip hash', 'zip hashes')} of the package-providing modules`,
  );
}

/** gosumComplete is the `gosum-complete` check (see the file comment; registered in registry.ts). */
export const gosumComplete: CheckDefinition = {
  id: 'gosum-complete',
  title: 'go.sum has every needed line',
  network: false,
  doc: {
    detects:
      'go.sum lines that -mod=readonly (the default) needs but go.sum lacks: the go.mod hash of every module whose go.mod the graph is read from, and the zip hash of every module providing an imported package.',
    example:
      'main.go:3:8: missing go.sum entry for module providing package rsc.io/quote (imported by example.com/app); to add:\n\tgo get example.com/app',
    fix: '`modrescue fix sum` (hashes verified against the checksum database), or the `go mod download <module>` the go command suggests.',
  },
  run,
};
