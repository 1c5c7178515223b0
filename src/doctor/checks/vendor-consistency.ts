/**
 * vendor-consistency: vendor/modules.txt agrees with go.mod when a vendor directory
 * exists (cmd/go's readVendorList and checkVendorConsistency, Go 1.19 semantics).
 *
 * Detects: requirements of go.mod not marked `## explicit` in modules.txt (or, before
 * go 1.14, vendored at another version); `## explicit` modules go.mod does not require;
 * replacements present on one side only or pointing elsewhere. Each finding is worded as
 * the go command's `inconsistent vendoring` error. A vendor directory that -mod=mod or
 * -mod=readonly makes the go command ignore is reported as a warning only.
 *
 * Example: `go: inconsistent vendoring in /src/app:\n\tgolang.org/x/text@v0.41.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt`
 *
 * Fix: `go mod vendor` (or build with -mod=mod to ignore vendor/).
 */
import path from 'node:path';
import * as module from '../../mod/module/index.js';
import * as semver from '../../mod/semver/index.js';
import type { ModuleVersion } from '../../mod/mvs/index.js';
import { Findings, fixCommand, skipped, type CheckContext, type CheckDefinition, type CheckOutcome } from '../check.js';
import { buildMode } from '../build-mode.js';
import { errorMessage, plural } from '../util.js';

/** VendorList is what vendor/modules.txt says (cmd/go's vendorList, vendorReplaced, vendorVersion, vendorMeta). */
export interface VendorList {
  /** Modules that provide packages, in order of appearance (the highest version of a path wins). */
  readonly list: ModuleVersion[];
  /** Modules with a `=>` replacement line. */
  readonly replaced: ModuleVersion[];
  /** Module path → the version its packages come from. */
  readonly version: Map<string, string>;
  /** `path@version` (version "" for wildcard replacements) → metadata. */
  readonly meta: Map<string, { explicit: boolean; replacement?: ModuleVersion }>;
  /** Package import path → the module it was vendored from. */
  readonly packages: Map<string, ModuleVersion>;
}

const key = (m: ModuleVersion) => `${m.path}@${m.version}`;

/** readVendorList parses vendor/modules.txt the way the go command does; lines it does not understand are ignored. */
export function readVendorList(data: string): VendorList {
  const v: VendorList = { list: [], replaced: [], version: new Map(), meta: new Map(), packages: new Map() };
  let mod: ModuleVersion | undefined;
  const metaOf = (m: ModuleVersion) => {
    let x = v.meta.get(key(m));
    if (!x) v.meta.set(key(m), (x = { explicit: false }));
    return x;
  };
  for (const line of data.split('\n')) {
    if (line.startsWith('# ')) {
      let f = line.split(/\s+/).filter((w) => w !== '');
      if (f.length < 3) continue;
      if (semver.isValid(f[2]!)) {
        // A module, maybe only listed to record a replacement.
        mod = { path: f[1]!, version: f[2]! };
        f = f.slice(3);
      } else if (f[2] === '=>') {
        // A wildcard replacement of the main module's go.mod.
        mod = { path: f[1]!, version: '' };
        f = f.slice(2);
      } else {
        mod = undefined;
        continue;
      }
      if (f.length >= 2 && f[0] === '=>') {
        const meta = metaOf(mod);
        if (f.length === 2) {
          meta.replacement = { path: f[1]!, version: '' };
          v.replaced.push(mod);
        } else if (f.length === 3 && semver.isValid(f[2]!)) {
          meta.replacement = { path: f[1]!, version: f[2]! };
          v.replaced.push(mod);
        }
      }
      continue;
    }
    // Package lines and metadata need a preceding module line.
    if (!mod) continue;
    if (line.startsWith('## ')) {
      for (const entry of line.slice(3).split(';')) {
        if (entry.trim() === 'explicit') metaOf(mod).explicit = true;
      }
      continue;
    }
    const f = line.split(/\s+/).filter((w) => w !== '');
    if (f.length === 1 && module.checkImportPath(f[0]!) === undefined) {
      v.packages.set(f[0]!, mod);
      const have = v.version.get(mod.path);
      if (have === undefined || semver.compare(have, mod.version) < 0) {
        v.list.push(mod);
        v.version.set(mod.path, mod.version);
      }
    }
  }
  return v;
}

/** GoModView is the part of the main go.mod the consistency check reads. */
export interface GoModView {
  /** The go line ('' when absent). */
  readonly go: string;
  readonly require: readonly ModuleVersion[];
  readonly replace: ReadonlyArray<{ readonly old: ModuleVersion; readonly new: ModuleVersion }>;
}

/**
 * vendorInconsistencies returns the go command's complaints about modules.txt versus
 * go.mod, each `path[@version]: detail`, in the go command's order (empty when consistent).
 */
export function vendorInconsistencies(gomod: GoModView, vendor: VendorList): string[] {
  const out: string[] = [];
  const describe = (m: ModuleVersion) => (m.version === '' ? m.path : `${m.path}@${m.version}`);
  const add = (m: ModuleVersion, detail: string) => out.push(`${describe(m)}: ${detail}`);
  // Before go 1.14 modules.txt did not record enough to check everything.
  const pre114 = gomod.go === '' || semver.compare('v' + gomod.go, 'v1.14') < 0;
  const eq = (a?: ModuleVersion, b?: ModuleVersion) => a?.path === b?.path && a?.version === b?.version;

  for (const r of gomod.require) {
    if (vendor.meta.get(key(r))?.explicit) continue;
    if (pre114) {
      const vv = vendor.version.get(r.path);
      if (vv !== undefined && vv !== r.version) {
        add(r, `is explicitly required in go.mod, but vendor/modules.txt indicates ${r.path}@${vv}`);
      }
    } else {
      add(r, 'is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt');
    }
  }
  for (const r of gomod.replace) {
    const vr = vendor.meta.get(key(r.old))?.replacement;
    if (!vr) {
      if (!(pre114 && (r.old.version === '' || vendor.version.get(r.old.path) !== r.old.version))) {
        add(r.old, 'is replaced in go.mod, but not marked as replaced in vendor/modules.txt');
      }
    } else if (!eq(vr, r.new)) {
      add(
        r.old,
        `is replaced by ${describe(r.new)} in go.mod, but marked as replaced by ${describe(vr)} in vendor/modules.txt`,
      );
    }
  }
  const required = new Set(gomod.require.map(key));
  for (const m of vendor.list) {
    if (vendor.meta.get(key(m))?.explicit && !required.has(key(m))) {
      add(m, 'is marked as explicit in vendor/modules.txt, but not explicitly required in go.mod');
    }
  }
  const replacement = (m: ModuleVersion): ModuleVersion | undefined => {
    const exact = gomod.replace.find((r) => r.old.path === m.path && r.old.version === m.version && m.version !== '');
    return (exact ?? gomod.replace.find((r) => r.old.path === m.path && r.old.version === ''))?.new;
  };
  for (const m of vendor.replaced) {
    const r = replacement(m);
    if (!r) {
      add(m, 'is marked as replaced in vendor/modules.txt, but not replaced in go.mod');
      continue;
    }
    const mr = vendor.meta.get(key(m))?.replacement;
    if (!eq(r, mr)) {
      add(
        m,
        `is marked as replaced by ${describe(mr ?? { path: '', version: '' })} in vendor/modules.txt, but replaced by ${describe(r)} in go.mod`,
      );
    }
  }
  return out;
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const root = await s.root();
  const mode = await buildMode(s);
  if (!mode.vendorDir) return { status: 'pass', summary: 'no vendor directory', details: [], evidence: [], fix: null };
  let gomod: GoModView;
  try {
    const f = await s.modFile();
    gomod = {
      go: f.go?.version ?? '',
      require: f.require.map((r) => r.mod),
      replace: f.replace.map((r) => ({ old: r.old, new: r.new })),
    };
  } catch (e) {
    return skipped(`go.mod does not parse (see gomod-syntax): ${errorMessage(e).split('\n')[0]}`);
  }
  ctx.step('reading vendor/modules.txt');
  const modulesTxt = path.join(root, 'vendor', 'modules.txt');
  const data = (await s.readText(modulesTxt)) ?? '';
  const vendor = readVendorList(data);
  const problems = vendorInconsistencies(gomod, vendor);
  const f = new Findings();
  f.evidence({
    file: modulesTxt,
    exists: mode.modulesTxt,
    modules: vendor.list.length,
    packages: vendor.packages.size,
    buildMode: mode.mode,
  });
  if (problems.length > 0) {
    const text =
      `inconsistent vendoring in ${root}:${problems.map((p) => '\n\t' + p).join('')}\n\n` +
      '\tTo ignore the vendor directory, use -mod=readonly or -mod=mod.\n\tTo sync the vendor directory, run:\n\t\tgo mod vendor';
    const fix = fixCommand('go mod vendor', 'rewrites vendor/ and vendor/modules.txt from go.mod (commit the result)');
    if (mode.mode === 'vendor') f.fail(text, fix);
    else {
      f.warn(
        `vendor/ is ignored with -mod=${mode.mode} (${mode.from === 'GOFLAGS' ? 'GOFLAGS' : 'go line below 1.14'}), but ${plural(problems.length, 'inconsistency', 'inconsistencies')} would break -mod=vendor builds:\n` +
          problems.join('\n'),
        fix,
      );
    }
    for (const p of problems) f.evidence({ problem: p });
  }
  return f.outcome(
    `vendor/modules.txt matches go.mod (${plural(vendor.list.length, 'module')}, ${plural(vendor.packages.size, 'package')}; -mod=${mode.mode})`,
  );
}

/** vendorConsistency is the `vendor-consistency` check (see the file comment; registered in registry.ts). */
export const vendorConsistency: CheckDefinition = {
  id: 'vendor-consistency',
  title: 'vendor/modules.txt matches go.mod',
  network: false,
  doc: {
    detects:
      'A vendor directory whose modules.txt disagrees with go.mod: requirements not marked explicit, explicit modules no longer required, replacements on one side only — worded as the go command\'s "inconsistent vendoring" error.',
    example:
      'go: inconsistent vendoring in /src/app:\n\tgolang.org/x/text@v0.41.0: is explicitly required in go.mod, but not marked as explicit in vendor/modules.txt',
    fix: '`go mod vendor` (commit the result), or build with -mod=mod to ignore vendor/.',
  },
  run,
};
