/**
 * `modrescue fix replace --add old[@v]=new[@v]… --drop old[@v]…`
 *
 * What it does: adds or removes `replace` directives in go.mod — the seed's way to point a
 * broken dependency at a fork, a mirror module or a local copy while upstream is fixed.
 * The new go.mod is byte for byte what `go mod edit -replace=… -dropreplace=…` writes
 * (adds first, then drops, each in the order given; then Go's sortBlocks and cleanup).
 *
 * Risk: medium — every build of the module uses the replacement (for local directories,
 * only where that directory exists); a replacement is not inherited by modules that
 * depend on this one, and go.sum may need lines for the new target (`fix sum`).
 *
 * Undo: `modrescue undo <id>` restores go.mod byte for byte.
 */
import path from 'node:path';
import type { PlanContext } from '../context.js';
import { requireGoMod } from '../context.js';
import type { PlanDraft } from '../engine.js';
import { editGoMod, fixUsage, guarded, readGoModFile } from '../gomod.js';
import { parsePathVersionOptional, parseReplace } from '../../shared/gomod-args.js';
import type { ActionInfo, ReplaceSpec } from '../types.js';

export const info: ActionInfo = {
  id: 'replace',
  usage: 'fix replace --add old[@v]=new[@v] | --drop old[@v]',
  summary:
    'adds or drops replace directives in go.mod (a fork, a mirror module or a local copy); the bytes equal go mod edit -replace/-dropreplace',
  risk: 'medium',
  undo: 'restores go.mod byte for byte',
  verify: ['gomod-syntax'],
};

export async function plan(spec: ReplaceSpec, pc: PlanContext): Promise<PlanDraft> {
  const adds = spec.add ?? [];
  const drops = spec.drop ?? [];
  if (adds.length === 0 && drops.length === 0)
    throw fixUsage('fix replace: give --add old[@v]=new[@v] or --drop old[@v]');
  const gomod = requireGoMod(pc, 'replace');
  const parsedAdds = adds.map((a) => ({ arg: a, r: parseReplace('--add', a, fixUsage) }));
  const parsedDrops = drops.map((d) => ({
    arg: d,
    r: parsePathVersionOptional('--drop', d, 'old', d, true, fixUsage),
  }));
  const { mod } = await readGoModFile(gomod, pc.label(gomod));
  const steps: PlanDraft['steps'][number][] = [];
  const notes: string[] = [];
  const edits = [
    ...parsedAdds.map(({ arg, r }) => {
      steps.push({
        description: `replace ${r.oldPath}${r.oldVersion ? '@' + r.oldVersion : ''} => ${r.newPath}${r.newVersion ? ' ' + r.newVersion : ''}`,
      });
      if (!r.newVersion) {
        notes.push(
          `${r.newPath} is a local directory (${path.resolve(pc.root, r.newPath)}): builds elsewhere (CI) need it too, or they fail`,
        );
      } else {
        notes.push(
          `go.sum needs lines for ${r.newPath}@${r.newVersion}: run modrescue fix sum afterwards if the build says "missing go.sum entry"`,
        );
      }
      return guarded('--add', arg, (f) => f.addReplace(r.oldPath, r.oldVersion, r.newPath, r.newVersion));
    }),
    ...parsedDrops.map(({ arg, r: [p, v] }) => {
      const present = mod.replace.some((x) => x.old.path === p && x.old.version === v);
      steps.push({
        description: `drop the replacement of ${p}${v ? '@' + v : ''}${present ? '' : ' (there is none)'}`,
      });
      return guarded('--drop', arg, (f) => f.dropReplace(p, v));
    }),
  ];
  const out = editGoMod(mod, edits);
  const w = await pc.planWrite(gomod, 'go.mod', new Uint8Array(out));
  const changed = w.op.before !== w.op.after;
  return {
    why: changed
      ? `go.mod: ${steps.map((s) => s.description).join('; ')}`
      : 'go.mod already has these replacements: nothing to do',
    risk: {
      level: 'medium',
      note: 'every build of this module uses the replacement; modules that depend on this one do not inherit it',
    },
    undo: 'modrescue undo <id> restores go.mod byte for byte',
    steps,
    notes,
    writes: changed ? [w] : [],
    ops: changed ? [w.op] : [],
    verify: info.verify,
  };
}
