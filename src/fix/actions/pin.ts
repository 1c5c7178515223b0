/**
 * `modrescue fix pin <module@version>`
 *
 * What it does: requires exactly module@version in go.mod — the seed's "roll the broken
 * dependency back to the last good version". The new go.mod is byte for byte what
 * `go mod edit -require=module@version` writes. When the network is available the
 * version is first resolved through GOPROXY (a version the proxy does not serve is
 * refused: pinning it would break the build differently).
 *
 * Risk: medium — it changes the version every build of the module uses; a downgrade below
 * what another dependency requires is raised again by minimal version selection (the
 * plan says so), and go.sum may need lines for the version (`fix sum`).
 *
 * Undo: `modrescue undo <id>` restores go.mod byte for byte.
 */
import * as semver from '../../mod/semver/index.js';
import { GoproxyError } from '../../mod/goproxy/index.js';
import { errorMessage } from '../../doctor/util.js';
import type { PlanContext } from '../context.js';
import { requireGoMod } from '../context.js';
import type { PlanDraft } from '../engine.js';
import { editGoMod, fixUsage, guarded, readGoModFile } from '../gomod.js';
import { parsePathVersion } from '../../shared/gomod-args.js';
import { proxyClient } from '../supply.js';
import type { ActionInfo, PinSpec } from '../types.js';

export const info: ActionInfo = {
  id: 'pin',
  usage: 'fix pin <module@version>',
  summary:
    'requires exactly module@version in go.mod (roll a broken dependency back or forward); the bytes equal go mod edit -require',
  risk: 'medium',
  undo: 'restores go.mod byte for byte',
  verify: ['gomod-syntax'],
};

export async function plan(spec: PinSpec, pc: PlanContext): Promise<PlanDraft> {
  if (!spec.module) throw fixUsage('fix pin: give the module as path@version');
  const [p, v] = parsePathVersion('pin', spec.module, fixUsage);
  if (!semver.isValid(v) || semver.canonical(v) !== v) {
    throw fixUsage(`pin=${spec.module}: ${JSON.stringify(v)} is not a canonical semantic version (vX.Y.Z)`);
  }
  const gomod = requireGoMod(pc, 'pin');
  const { mod } = await readGoModFile(gomod, pc.label(gomod));
  const current = mod.require.find((r) => r.mod.path === p)?.mod.version;
  const notes: string[] = [];
  let refused: string | undefined;
  if (pc.ctx.fetch) {
    try {
      const client = proxyClient(pc);
      if (client.route(p) === 'direct') {
        notes.push(`${p} is fetched directly (GONOPROXY/GOPRIVATE): its version was not checked`);
      } else {
        await client.info(p, v);
        notes.push(`${p}@${v} resolves through GOPROXY`);
      }
    } catch (e) {
      if (e instanceof GoproxyError && e.notFound) refused = `${p}@${v} does not resolve: ${errorMessage(e)}`;
      else notes.push(`${p}@${v} could not be checked: ${errorMessage(e).split('\n')[0]}`);
    }
  } else {
    notes.push(`offline: ${p}@${v} was not checked against GOPROXY`);
  }
  const g = await pc.session().graph();
  const selected = g.mg?.buildList().find((m) => m.path === p)?.version;
  if (selected && semver.compare(v, selected) < 0 && current !== undefined && semver.compare(current, selected) < 0) {
    notes.push(
      `another dependency requires ${p}@${selected}: minimal version selection still picks ${selected}; pinning lower needs a replace (fix replace --add ${p}=${p}@${v})`,
    );
  }
  notes.push(
    `go.sum needs lines for ${p}@${v}: run modrescue fix sum afterwards if the build says "missing go.sum entry"`,
  );
  const out = editGoMod(mod, [guarded('pin', spec.module, (f) => f.addRequire(p, v))]);
  const w = await pc.planWrite(gomod, 'go.mod', new Uint8Array(out));
  const changed = w.op.before !== w.op.after;
  const what = current === undefined ? `require ${p} ${v} (not required before)` : `require ${p} ${v} (was ${current})`;
  return {
    why: changed ? `go.mod: ${what}` : `go.mod already requires ${p} ${v}: nothing to do`,
    risk: {
      level: 'medium',
      note: 'every build of this module uses the pinned version; other dependencies may need a newer one',
    },
    undo: 'modrescue undo <id> restores go.mod byte for byte',
    steps: [{ description: what }],
    notes,
    writes: changed ? [w] : [],
    ops: changed ? [w.op] : [],
    verify: info.verify,
    ...(refused ? { refused } : {}),
  };
}
