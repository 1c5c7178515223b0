/**
 * What the go command writes back after loading (cmd/go's commitRequirements and
 * keepSums): the main module's go.mod rewritten from the current requirements when
 * they changed in a way that matters, and the set of go.sum entries worth keeping.
 *
 * Nothing is written here: commitRequirements returns the new go.mod bytes (or throws
 * the "updates to go.mod needed" error that -mod=readonly and -mod=vendor turn a
 * needed change into), and the caller writes go.mod and hands the kept set to the
 * go.sum writer (modfetch.GoSumState.write).
 */
import * as gover from '../gover/index.js';
import { key, type ModuleVersion } from '../mvs/index.js';
import { parse as parseModFile, type File } from '../modfile/rule.js';
import type { Loader, Requirements } from './load.js';

/** CommitResult is what commitRequirements decided. */
export interface CommitResult {
  /** The new go.mod content, when it must be written (it differs from the file as read). */
  readonly goMod?: Uint8Array;
  /** go.sum keys ("path version" and "path version/go.mod") whose sums are worth keeping. */
  readonly keep: ReadonlySet<string>;
}

/** WhichSums says whether the build list's zip sums are kept too (addBuildListZipSums). */
export type WhichSums = 'loaded-zips-only' | 'build-list-zips';

/**
 * keepSums returns the go.sum keys needed to reload the same module graph (modload.keepSums
 * without loaded packages): the go.mod sum of every module whose requirements are in
 * the graph (or of every root when the graph was never loaded) and, for
 * "build-list-zips", the zip sum of every module in the build list. Replacements are
 * resolved first; directory replacements have no sums.
 */
export async function keepSums(loader: Loader, rs: Requirements, which: WhichSums): Promise<Set<string>> {
  const keep = new Set<string>();
  const add = (m: ModuleVersion, goMod: boolean) => {
    if (gover.isToolchain(m.path)) return;
    const r = loader.resolveReplacement(m);
    if (r.version === '') return;
    keep.add(`${r.path} ${r.version}${goMod ? '/go.mod' : ''}`);
  };
  if (!rs.graph) {
    for (const m of rs.rootModules) {
      add(m, true);
      if (which === 'build-list-zips') add(m, false);
    }
    return keep;
  }
  const { mg } = await rs.graph;
  mg.walkBreadthFirst((m) => {
    if (mg.requiredBy(m) !== undefined) add(m, true);
  });
  if (which === 'build-list-zips') for (const m of mg.buildList()) add(m, false);
  return keep;
}

/**
 * commitRequirements decides how go.mod must change for loader.requirements
 * (modload.commitRequirements): the require lines become the roots (direct ones
 * without "// indirect"; one block below go 1.17, direct and indirect blocks from
 * 1.17), a missing go line is added, and with toolchain modules the go line follows
 * the selected go version. A change that matters (requirements, go line; also
 * "// indirect" markings unless -mod=readonly) throws the loader's GoModDirtyError
 * unless -mod=mod. In a workspace go.mod files are never written. which "none" skips
 * computing the kept go.sum entries (for a caller that has no go.sum update to make).
 */
export async function commitRequirements(
  loader: Loader,
  which: WhichSums | 'none' = 'build-list-zips',
): Promise<CommitResult> {
  const rs = loader.requirements ?? (await loader.loadModFile());
  const keep = which === 'none' ? new Set<string>() : await keepSums(loader, rs, which);
  if (loader.inWorkspace) return { keep };
  const main = loader.main;
  const f: File = parseModFile(main.goModPath, main.data);
  const list = rs.rootModules
    .filter((m) => !gover.isToolchain(m.path))
    .map((m) => ({ mod: { path: m.path, version: m.version }, indirect: !rs.direct.has(m.path) }));
  if (loader.addedGoVersion !== undefined) f.addGoStmt(loader.addedGoVersion);
  if (loader.release.toolchainModules) {
    const goV = rs.rootSelected('go');
    if (goV !== undefined && (f.go !== undefined || loader.options.buildMod === 'mod')) {
      if (f.go?.version !== goV) f.addGoStmt(goV);
    }
  } else if (f.go === undefined || f.go.version === '') {
    f.addGoStmt(gover.defaultGoModVersion);
  }
  const goVersion = f.go?.version ?? gover.defaultGoModVersion;
  if (gover.compare(goVersion, gover.separateIndirectVersion) < 0) f.setRequire(list);
  else f.setRequireSeparateIndirect(list);
  f.cleanup();

  if (isDirty(loader, f)) {
    if (loader.options.buildMod !== 'mod') throw loader.dirtyError();
    const data = new Uint8Array(f.format());
    if (Buffer.from(data).equals(Buffer.from(main.data))) return { keep };
    return { goMod: data, keep };
  }
  return { keep };
}

/** isDirty reports whether f differs meaningfully from the go.mod as read (modFileIndex.modFileIsDirty). */
function isDirty(loader: Loader, f: File): boolean {
  const index = loader.main.file;
  const mod = loader.options.buildMod;
  if ((f.module?.mod.path ?? '') !== (index.module?.path ?? '')) return true;
  const indexGo = index.go ?? '';
  if (f.go === undefined) {
    if (indexGo !== '') return true;
  } else if (f.go.version !== indexGo) {
    if (!(indexGo === '' && mod !== 'mod')) return true;
  }
  if (f.require.length !== index.require.length) return true;
  if (f.replace.length !== index.replace.length) return true;
  if (f.exclude.length !== index.exclude.length) return true;
  const req = new Map(index.require.map((r) => [key(r.mod), r.indirect] as const));
  for (const r of f.require) {
    const ind = req.get(key(r.mod));
    if (ind === undefined) return true;
    if (ind !== r.indirect && mod !== 'readonly') return true;
  }
  return false;
}
