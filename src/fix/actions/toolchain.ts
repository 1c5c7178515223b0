/**
 * `modrescue fix toolchain [--prefer env|go.mod] [--scope go-env|ci]`
 *
 * What it does: for go-version failures, makes the least invasive change that lets the
 * go command build, and states the trade-off and the alternative:
 *  - GOTOOLCHAIN is invalid → GOTOOLCHAIN=auto (environment; the repository is unchanged);
 *  - the go line needs a newer go than the installed one (Go 1.21 or later) and
 *    GOTOOLCHAIN forbids switching (`local`, or a pinned toolchain without +auto) →
 *    GOTOOLCHAIN=auto (environment): the go command downloads the toolchain the module asks
 *    for through GOPROXY, verified by the checksum database; nothing changes for the other
 *    people who build the module;
 *  - a go before 1.21 (which knows no `toolchain` line) cannot read go.mod only because
 *    of its toolchain line → drop the toolchain line (as `go mod edit -toolchain=none`;
 *    Go 1.21+ users lose the suggested toolchain, nothing else changes);
 *  - dependencies require a newer go than the go line (Go 1.21+ refuses to build with
 *    -mod=readonly) → raise the go line to the highest one they require (as
 *    `go mod edit -go=<v>`; everyone then needs that go, or automatic switching);
 *  - a go before 1.21 with a go line it cannot satisfy → refused: no file or setting makes
 *    an old go build a module that needs a newer one; install it (e.g. actions/setup-go).
 * `--prefer` picks the other side when both an environment and a go.mod change would work.
 *
 * Risk: low for the environment (this user or this CI job), medium for go.mod (everyone).
 *
 * Undo: `modrescue undo <id>` restores go.mod, the go env file or the CI env file byte
 * for byte.
 */
import * as gover from '../../mod/gover/index.js';
import { parseGotoolchain } from '../../doctor/index.js';
import type { PlanContext } from '../context.js';
import { requireGoMod, unchangedDraft } from '../context.js';
import type { PlanDraft } from '../engine.js';
import { defaultScope, planEnvChanges } from '../envfile.js';
import { editGoMod, readGoModFile } from '../gomod.js';
import type { ActionInfo, PlanStep, ToolchainSpec } from '../types.js';

export const info: ActionInfo = {
  id: 'toolchain',
  usage: 'fix toolchain [--prefer env|go.mod]',
  summary:
    'for go-version failures, the least invasive fix — GOTOOLCHAIN=auto, dropping a toolchain line an old go cannot read, or raising the go line — with the trade-off stated',
  risk: 'low',
  undo: 'restores go.mod, the go env file or the CI env file byte for byte',
  verify: ['go-version'],
};

export async function plan(spec: ToolchainSpec, pc: PlanContext): Promise<PlanDraft> {
  const gomod = requireGoMod(pc, 'toolchain');
  const { mod } = await readGoModFile(gomod, pc.label(gomod));
  const s = pc.session();
  const goLine = mod.go?.version ?? '';
  const toolchainLine = mod.toolchain?.name ?? '';
  const gotoolchain = pc.v('GOTOOLCHAIN');
  const setting = parseGotoolchain(gotoolchain);
  const installed = (await s.installedGo()).version;
  const notes: string[] = [];
  const steps: PlanStep[] = [];
  const scope = spec.scope ?? defaultScope(pc);

  // The highest go line among the dependencies.
  let depsGo = '';
  let depsWho = '';
  const g = await s.graph();
  if (g.mg) {
    for (const m of g.mg.buildList()) {
      if (m.path === g.mg.main.path) continue;
      const v = g.mg.summary(m)?.goVersion ?? '';
      if (v !== '' && gover.isValid(v) && (depsGo === '' || gover.compare(v, depsGo) > 0)) {
        depsGo = v;
        depsWho = `${m.path}@${m.version}`;
      }
    }
  }
  const mainGo = goLine === '' ? gover.defaultGoModVersion : goLine;
  const depsNewer = depsGo !== '' && gover.compare(depsGo, mainGo) > 0;
  const old = installed !== undefined && gover.compare(installed, '1.21') < 0;
  const needsNewer = installed !== undefined && goLine !== '' && gover.compare(goLine, installed) > 0;

  const envChoice = async (why: string, tradeoff: string): Promise<PlanDraft> => {
    const ep = await planEnvChanges(pc, { GOTOOLCHAIN: 'auto' }, scope, spec.ciFile);
    steps.push({ description: `set GOTOOLCHAIN=auto in ${ep.where} (was ${gotoolchain || 'unset'})` });
    return {
      why,
      risk: { level: 'low', note: `${scope === 'ci' ? 'this CI job' : 'this user'} only; the repository is unchanged` },
      undo: `modrescue undo <id> restores ${ep.where} byte for byte`,
      steps,
      notes: [`trade-off: ${tradeoff}`, ...notes, ...ep.notes],
      writes: ep.writes,
      ops: ep.writes.map((w) => w.op),
      env: ep.env,
      verify: info.verify,
      ...(ep.refused ? { refused: ep.refused } : {}),
    };
  };
  const goModChoice = async (
    why: string,
    tradeoff: string,
    edit: (f: typeof mod) => void,
    what: string,
  ): Promise<PlanDraft> => {
    const out = editGoMod(mod, [edit]);
    const w = await pc.planWrite(gomod, 'go.mod', new Uint8Array(out));
    steps.push({ description: what });
    return {
      why,
      risk: { level: 'medium', note: 'go.mod changes for everyone who builds the module' },
      undo: 'modrescue undo <id> restores go.mod byte for byte',
      steps,
      notes: [`trade-off: ${tradeoff}`, ...notes],
      writes: w.op.before === w.op.after ? [] : [w],
      ops: w.op.before === w.op.after ? [] : [w.op],
      verify: info.verify,
    };
  };

  if (!setting) {
    return envChoice(
      `GOTOOLCHAIN=${JSON.stringify(gotoolchain)} is invalid: every go command (1.21+) fails before doing anything`,
      'auto lets the go command pick the toolchain go.mod asks for (downloaded through GOPROXY when newer than the installed one)',
    );
  }
  if (old) {
    if (toolchainLine !== '' && (goLine === '' || (/^[1-9]\d*\.(0|[1-9]\d*)$/.test(goLine) && !needsNewer))) {
      return goModChoice(
        `go ${installed} (installed) predates toolchain lines and cannot parse go.mod (${pc.label(gomod)}:${mod.toolchain!.syntax.start.line}: unknown directive: toolchain)`,
        `go 1.21+ users lose the suggested toolchain ${toolchainLine}; the alternative is installing go 1.21 or newer where this build runs`,
        (f) => f.dropToolchainStmt(),
        `drop the toolchain line (toolchain ${toolchainLine}), as go mod edit -toolchain=none`,
      );
    }
    if (needsNewer || toolchainLine !== '') {
      const need = goLine !== '' ? goLine : toolchainLine;
      return unchangedDraft({
        why: `go.mod needs go ${need} but the installed go is ${installed}, which predates toolchain switching`,
        riskNote: 'nothing is changed',
        steps,
        notes,
        verify: info.verify,
        refused: `no setting or go.mod edit lets go ${installed} build a module that requires go ${need}: install go ${need} or newer where this build runs (e.g. actions/setup-go with go-version-file: go.mod)`,
      });
    }
  }
  const preferGoMod = spec.prefer === 'go.mod';
  if (depsNewer && (!needsNewer || preferGoMod || setting.upgrade !== 'none')) {
    if (needsNewer || (installed !== undefined && gover.compare(depsGo, installed) > 0)) {
      notes.push(
        `the installed go ${installed} is older than ${depsGo}: with GOTOOLCHAIN=${gotoolchain || 'auto'} ${setting.upgrade === 'none' ? 'it will refuse; run modrescue fix toolchain --prefer env afterwards' : 'the go command switches toolchains'}`,
      );
    }
    return goModChoice(
      `${depsWho} requires go >= ${depsGo}, newer than the go line (${mainGo}): Go 1.21+ refuses to build with -mod=readonly (go mod tidy would raise it)`,
      `everyone who builds the module needs go ${depsGo} (or automatic toolchain switching); the alternative is pinning ${depsWho.split('@')[0]} to a version that supports go ${mainGo} (modrescue fix pin)`,
      (f) => f.addGoStmt(depsGo),
      `set the go line to ${depsGo} (was ${goLine || 'absent'}), as go mod edit -go=${depsGo}`,
    );
  }
  if (needsNewer && setting.upgrade === 'none') {
    if (preferGoMod)
      notes.push('--prefer go.mod: the go line cannot be lowered without proof that the code builds with an older go');
    if (/^off\b/.test(pc.v('GOPROXY'))) {
      notes.push('GOPROXY=off: the toolchain cannot be downloaded; set a proxy first (modrescue fix proxy)');
    }
    return envChoice(
      `go.mod requires go >= ${goLine} (running go ${installed}; GOTOOLCHAIN=${gotoolchain})`,
      `the go command downloads go${goLine} (golang.org/toolchain) through GOPROXY on first use, verified by the checksum database; nothing changes for others; the alternative is installing go ${goLine} where this build runs`,
    );
  }
  return unchangedDraft({
    why: `the go line (${goLine || 'none'}), the toolchain line (${toolchainLine || 'none'}), the installed go (${installed ?? 'unknown'}) and GOTOOLCHAIN (${gotoolchain || 'auto'}) agree: nothing to do`,
    steps,
    notes,
    verify: info.verify,
  });
}
