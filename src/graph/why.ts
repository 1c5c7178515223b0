/**
 * `modrescue why <module>`: every shortest requirement path from the main module to a
 * module, the version each step requires, and which requirement decided the version
 * minimal version selection picked (the "winner").
 */
import type { ModuleVersion } from '../mod/mvs/index.js';
import { nodeId, type Annotations, type GraphSource } from './model.js';

/** WhyStep is one module version on a requirement path. */
export interface WhyStep {
  readonly path: string;
  /** The version the previous step requires ("" for the main module). */
  readonly version: string;
  /** The version MVS selected for this path ("" for the main module). */
  readonly selected: string;
}

/** Decider is a module version whose go.mod requires the target at the selected version. */
export interface Decider {
  /** The requiring module version's id ("path@version", or the main module's path). */
  readonly by: string;
  readonly requires: string;
  /** True when the requiring version is itself selected (so it is in the build list). */
  readonly active: boolean;
}

/** WhyModuleResult is the answer for one module path. */
export interface WhyModuleResult {
  readonly module: string;
  /** Selected version; "none" when the module is not in the graph. */
  readonly selected: string;
  /** Every shortest requirement path from a main module to some version of the module. */
  readonly paths: readonly (readonly WhyStep[])[];
  /** True when more shortest paths exist than were listed (see MAX_PATHS). */
  readonly truncated: boolean;
  /** Every version of the module that some loaded go.mod requires, lowest first. */
  readonly requiredVersions: readonly string[];
  /** The requirements on the selected version: these decided the selection. */
  readonly deciders: readonly Decider[];
  readonly replacedBy?: string;
  readonly excludedVersions?: readonly string[];
  readonly retracted?: readonly string[];
  readonly deprecated?: string;
}

/** MAX_PATHS bounds how many shortest paths are listed (a dense graph can have millions). */
export const MAX_PATHS = 50;

/**
 * whyModule answers "why is `module` in the graph" over g. A module that is not in the
 * graph yields selected "none" and no paths.
 */
export function whyModule(
  g: GraphSource,
  module: string,
  notes: Annotations = {},
  compare?: (a: string, b: string) => number,
): WhyModuleResult {
  // Breadth-first distances, with every predecessor at the previous distance.
  const dist = new Map<string, number>();
  const preds = new Map<string, ModuleVersion[]>();
  const byId = new Map<string, ModuleVersion>();
  const queue: ModuleVersion[] = [];
  for (const r of g.roots) {
    if (dist.has(nodeId(r))) continue;
    dist.set(nodeId(r), 0);
    byId.set(nodeId(r), r);
    queue.push(r);
  }
  const requiredVersions = new Set<string>();
  const deciders: Decider[] = [];
  const selected = g.selected(module);
  for (let i = 0; i < queue.length; i++) {
    const m = queue[i]!;
    const d = dist.get(nodeId(m))!;
    for (const r of g.requiredBy(m) ?? []) {
      if (r.version === 'none') continue;
      if (r.path === module) {
        requiredVersions.add(r.version);
        if (r.version === selected)
          deciders.push({ by: nodeId(m), requires: r.version, active: g.selected(m.path) === m.version });
      }
      const id = nodeId(r);
      const seen = dist.get(id);
      if (seen === undefined) {
        dist.set(id, d + 1);
        byId.set(id, r);
        preds.set(id, [m]);
        queue.push(r);
      } else if (seen === d + 1) {
        preds.get(id)!.push(m);
      }
    }
  }
  const targets = queue.filter((m) => m.path === module);
  const best = Math.min(...targets.map((m) => dist.get(nodeId(m))!));
  const paths: WhyStep[][] = [];
  let truncated = false;
  const step = (m: ModuleVersion): WhyStep => ({
    path: m.path,
    version: m.version,
    selected: m.version === '' ? '' : g.selected(m.path),
  });
  const walk = (m: ModuleVersion, suffix: WhyStep[]): void => {
    if (paths.length >= MAX_PATHS) {
      truncated = true;
      return;
    }
    const p = preds.get(nodeId(m));
    if (p === undefined) {
      paths.push([step(m), ...suffix]);
      return;
    }
    for (const q of p) walk(q, [step(m), ...suffix]);
  };
  for (const t of targets) if (dist.get(nodeId(t)) === best) walk(t, []);
  const cmp = compare ?? ((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0));
  const excludedVersions = [...(notes.excluded ?? [])]
    .filter((k) => k.startsWith(module + '@'))
    .map((k) => k.slice(module.length + 1));
  const replacedBy = notes.replaced?.get(`${module}@${selected}`) ?? notes.replaced?.get(module);
  const retracted = notes.retracted?.get(`${module}@${selected}`);
  const deprecated = notes.deprecated?.get(module);
  return {
    module,
    selected,
    paths,
    truncated,
    requiredVersions: [...requiredVersions].sort(cmp),
    deciders,
    ...(replacedBy !== undefined ? { replacedBy } : {}),
    ...(excludedVersions.length > 0 ? { excludedVersions: excludedVersions.sort(cmp) } : {}),
    ...(retracted ? { retracted } : {}),
    ...(deprecated ? { deprecated } : {}),
  };
}

/** formatWhyModule renders a WhyModuleResult as the text `modrescue why` prints. */
export function formatWhyModule(r: WhyModuleResult): string {
  const out: string[] = [];
  if (r.selected === 'none' || r.paths.length === 0) {
    out.push(`${r.module}: not in the module graph (the main module does not need it)`);
    if (r.excludedVersions) out.push(`  excluded by go.mod: ${r.excludedVersions.join(', ')}`);
    return out.join('\n');
  }
  const flags: string[] = [];
  if (r.replacedBy) flags.push(`replaced by ${r.replacedBy}`);
  if (r.retracted) flags.push(`retracted: ${r.retracted.join('; ')}`);
  if (r.deprecated) flags.push(`deprecated: ${r.deprecated}`);
  out.push(`${r.module} ${r.selected}${r.selected === '' ? ' (main module)' : ' (selected)'}`);
  for (const f of flags) out.push(`  ${f}`);
  if (r.excludedVersions) out.push(`  excluded by go.mod: ${r.excludedVersions.join(', ')}`);
  const n = r.paths.length;
  out.push(
    '',
    `${n}${r.truncated ? '+' : ''} shortest requirement path${n === 1 ? '' : 's'} (${r.paths[0]!.length - 1} step${r.paths[0]!.length === 2 ? '' : 's'}):`,
  );
  r.paths.forEach((p, i) => {
    out.push(`  #${i + 1}`);
    p.forEach((s, j) => {
      const v = s.version === '' ? '' : ` ${s.version}`;
      const note = s.version !== '' && s.selected !== s.version ? ` (selected: ${s.selected})` : '';
      out.push(`    ${j === 0 ? '' : '→ '}${s.path}${v}${note}`);
    });
  });
  if (r.requiredVersions.length > 1) out.push('', `versions required in the graph: ${r.requiredVersions.join(', ')}`);
  if (r.deciders.length > 0) {
    out.push(
      '',
      `${r.selected} was selected because ${r.deciders.length === 1 ? 'this requirement asks' : 'these requirements ask'} for it (the highest required version wins):`,
    );
    for (const d of r.deciders)
      out.push(
        `  ${d.by} requires ${r.module} ${d.requires}${d.active ? '' : ' (from a version that is not itself selected)'}`,
      );
  }
  return out.join('\n');
}
