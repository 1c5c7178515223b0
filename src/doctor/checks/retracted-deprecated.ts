/**
 * retracted-deprecated: no required version is retracted and no module is deprecated.
 *
 * For each module of the build list, as `go list -m -u -retracted` does: the versions
 * the proxy chain lists, the go.mod of the latest (release, else prerelease) version,
 * its `retract` directives (with the rationale) against the selected version, and its
 * `// Deprecated:` comment.
 *
 * Example: `go: warning: example.com/retract@v1.0.0-bad: retracted by module author: bad\ngo: to switch to the latest unretracted version, run:\n\tgo get example.com/retract@latest`
 *
 * Fix: `modrescue fix pin` (move to the latest unretracted version), or
 * `go get <module>@latest`; for a deprecated module, the replacement its message names.
 */
import * as semver from '../../mod/semver/index.js';
import { retractionsFor } from '../../mod/modload/index.js';
import type { ModuleVersion } from '../../mod/mvs/index.js';
import { Findings, fixAction, skipped, type CheckContext, type CheckDefinition, type CheckOutcome } from '../check.js';
import { errorMessage, mapLimit, plural } from '../util.js';

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const f = new Findings();
  const g = await s.graph();
  if (!g.loader) return skipped('go.mod does not parse (see gomod-syntax)');
  const loader = g.loader;
  const source = loader.options.source;
  if (!source.versions) return skipped('no GOPROXY to ask for versions');
  const bl = await s.buildList();
  const mods = bl.modules.filter((m) => m.version !== '' && !s.isDirect(m.path));
  const failures: string[] = [];
  let checked = 0;
  ctx.step(`reading the latest go.mod of ${plural(mods.length, 'module')}`);
  // Findings are added in build-list order, whatever order the answers arrive in.
  const found: Array<Array<() => void>> = mods.map(() => []);
  await mapLimit(mods, 16, async (m: ModuleVersion, i) => {
    const actual = loader.resolveReplacement(m);
    if (actual.version === '') return; // directory replacement: nothing published to retract
    let list: string[];
    try {
      list = (await source.versions!(m.path)).filter((v) => semver.isValid(v));
    } catch (e) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      failures.push(`${m.path}: ${errorMessage(e).split('\n')[0]}`);
      return;
    }
    semver.sort(list);
    checked++;
    const releases = list.filter((v) => semver.prerelease(v) === '');
    const latest = releases.at(-1) ?? list.at(-1);
    if (latest === undefined) return;
    let summary;
    try {
      summary = await loader.rawGoModSummary(loader.resolveReplacement({ path: m.path, version: latest }));
    } catch (e) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      failures.push(`${m.path}@${latest}: ${errorMessage(e).split('\n')[0]}`);
      return;
    }
    const rationale = retractionsFor(m.version, summary.retract);
    const add = found[i]!;
    if (rationale) {
      const why = rationale.filter((r) => r !== '').join('; ');
      add.push(() => {
        f.warn(
          `${m.path}@${m.version}: retracted by module author${why ? ': ' + why : ''}\nto switch to the latest unretracted version, run:\n\tgo get ${m.path}@latest`,
          fixAction('pin', '', `moves ${m.path} to the latest unretracted version (${latest} is the latest)`),
        );
        f.evidence({ module: m.path, version: m.version, retracted: true, rationale, latest });
      });
    }
    const deprecated = summary.deprecated;
    if (deprecated !== '') {
      add.push(() => {
        f.warn(
          `module ${m.path} is deprecated: ${deprecated}`,
          fixAction('replace', '', 'replaces the deprecated module with the one its message recommends'),
        );
        f.evidence({ module: m.path, deprecated, latest });
      });
    }
  });
  for (const list of found) for (const add of list) add();
  if (failures.length > 0) {
    f.info(
      `${plural(failures.length, 'module')} could not be checked:\n${failures.slice(0, 5).join('\n')}${failures.length > 5 ? '\n…' : ''}`,
    );
  }
  if (checked === 0 && failures.length > 0) return skipped(`could not read any module's versions: ${failures[0]}`);
  return f.outcome(`none of ${plural(checked, 'module')} is retracted or deprecated`);
}

/** retractedDeprecated is the `retracted-deprecated` check (see the file comment; registered in registry.ts). */
export const retractedDeprecated: CheckDefinition = {
  id: 'retracted-deprecated',
  title: 'no retracted versions, no deprecated modules',
  network: true,
  doc: {
    detects:
      'Required versions that their authors retracted (with the rationale from the latest go.mod) and modules marked `// Deprecated:`.',
    example:
      'go: warning: example.com/retract@v1.0.0-bad: retracted by module author: bad\ngo: to switch to the latest unretracted version, run:\n\tgo get example.com/retract@latest',
    fix: '`modrescue fix pin` (latest unretracted version) or `go get <module>@latest`; `modrescue fix replace` for a deprecated module.',
  },
  run,
};
