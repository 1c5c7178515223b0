/**
 * go-version: the `go` and `toolchain` lines, the installed go command and GOTOOLCHAIN
 * agree, and no dependency needs a newer Go than the main module or the toolchain.
 *
 * Detects: an invalid GOTOOLCHAIN; a go command older than 1.21 that cannot even parse
 * the go.mod (`go 1.21.0` three-part lines, `toolchain` lines: Go 1.19's exact errors);
 * a go line newer than the installed go with GOTOOLCHAIN=local or a pinned toolchain
 * (`go.mod requires go >= 1.22 (running go 1.21.0; GOTOOLCHAIN=local)`); automatic
 * toolchain downloads that GOPROXY=off would break; dependencies whose go.mod requires a
 * newer go than the main module (`go mod tidy` would raise the go line) or than the
 * installed toolchain.
 *
 * Example: `go: go.mod requires go >= 1.22 (running go 1.21.0; GOTOOLCHAIN=local)`
 *
 * Fix: `modrescue fix toolchain`.
 */
import * as gover from '../../mod/gover/index.js';
import { Findings, fixAction, skipped, type CheckContext, type CheckDefinition, type CheckOutcome } from '../check.js';
import type { DoctorFix } from '../types.js';
import { errorMessage, plural } from '../util.js';

/** ToolchainSetting is a parsed GOTOOLCHAIN value. */
export interface ToolchainSetting {
  /** "local", or the minimum toolchain name ("go1.22.0"). */
  readonly min: string;
  /** What happens when a newer go is required: never switch, download (auto), or use one on PATH. */
  readonly upgrade: 'none' | 'auto' | 'path';
}

/** parseGotoolchain parses GOTOOLCHAIN as the go command does; undefined for an invalid value. */
export function parseGotoolchain(value: string): ToolchainSetting | undefined {
  const v = value === '' ? 'auto' : value;
  if (v === 'local') return { min: 'local', upgrade: 'none' };
  if (v === 'auto') return { min: 'local', upgrade: 'auto' };
  if (v === 'path') return { min: 'local', upgrade: 'path' };
  const plus = v.indexOf('+');
  const name = plus >= 0 ? v.slice(0, plus) : v;
  const mode = plus >= 0 ? v.slice(plus + 1) : '';
  if (name !== 'local' && gover.fromToolchain(name) === '') return undefined;
  if (mode === '') return { min: name, upgrade: 'none' };
  if (mode === 'auto' || mode === 'path') return { min: name, upgrade: mode };
  return undefined;
}

async function run(ctx: CheckContext): Promise<CheckOutcome> {
  const s = ctx.session;
  const f = new Findings();
  const fix: DoctorFix = fixAction(
    'toolchain',
    '',
    'picks a toolchain (GOTOOLCHAIN or the toolchain line) that can build this module',
  );
  let file;
  try {
    file = await s.modFile();
  } catch (e) {
    return skipped(`go.mod does not parse (see gomod-syntax): ${errorMessage(e).split('\n')[0]}`);
  }
  const goModPath = await s.goModPath();
  const goLine = file.go?.version ?? '';
  const toolchainLine = file.toolchain?.name ?? '';
  const gotoolchain = s.v('GOTOOLCHAIN');
  const setting = parseGotoolchain(gotoolchain);
  if (!setting) f.fail(`invalid GOTOOLCHAIN ${JSON.stringify(gotoolchain)} (${s.whereFrom('GOTOOLCHAIN')})`, fix);

  ctx.step('running go version');
  const installed = await s.installedGo();
  const local = installed.version;
  f.evidence({ goLine, toolchainLine, GOTOOLCHAIN: gotoolchain, installedGo: installed.raw ?? null });
  const what = s.options.installedGo !== undefined ? 'the configured go' : 'the go command on PATH';
  if (!local) f.info(`no installed go to compare with (${installed.error ?? 'not found'})`);

  if (local && gover.compare(local, '1.21') < 0) {
    // Go before 1.21 knows neither three-part go lines nor toolchain lines, and never switches toolchains.
    if (goLine !== '' && !/^[1-9][0-9]*\.(0|[1-9][0-9]*)$/.test(goLine)) {
      f.fail(
        `go ${local} (${what}) cannot read this go.mod: ${goModPath}:${file.go!.syntax.start.line}: invalid go version '${goLine}': must match format 1.23`,
        fix,
      );
    }
    if (file.toolchain) {
      f.fail(
        `go ${local} (${what}) cannot read this go.mod: ${goModPath}:${file.toolchain.syntax.start.line}: unknown directive: toolchain`,
        fix,
      );
    }
    if (goLine !== '' && gover.compare(gover.lang(goLine), gover.lang(local)) > 0) {
      f.warn(
        `go.mod says go ${goLine} but ${what} is go ${local}, which predates toolchain switching: a compile error will end with "note: module requires Go ${goLine}"`,
        fix,
      );
    }
  } else if (local && setting) {
    // Go 1.21+: the go line (and the toolchain line, with auto) decide which toolchain runs.
    const min = setting.min === 'local' ? local : gover.fromToolchain(setting.min);
    const explain = gotoolchain !== '' && gotoolchain !== 'auto' ? `; GOTOOLCHAIN=${gotoolchain}` : '';
    if (goLine !== '' && gover.compare(goLine, min) > 0) {
      if (setting.upgrade === 'none') {
        f.fail(`go.mod requires go >= ${goLine} (running go ${min}${explain})`, fix);
      } else if (setting.upgrade === 'auto') {
        const proxy = s.v('GOPROXY');
        const target =
          toolchainLine !== '' && gover.compare(gover.fromToolchain(toolchainLine), goLine) > 0
            ? toolchainLine
            : `go${goLine}`;
        if (/^off\b/.test(proxy)) {
          f.fail(
            `go.mod requires go >= ${goLine} (running go ${min}): the go command must download ${target} (golang.org/toolchain) but GOPROXY=off`,
            fix,
          );
        } else {
          f.warn(
            `go.mod requires go >= ${goLine} (running go ${min}): the go command downloads ${target} through GOPROXY on first use`,
            fix,
          );
        }
      } else {
        f.warn(
          `go.mod requires go >= ${goLine} (running go ${min}${explain}): the go command looks for ${`go${goLine}`} on PATH`,
          fix,
        );
      }
    }
  }
  if (toolchainLine !== '' && goLine !== '' && toolchainLine !== 'default') {
    const tv = gover.fromToolchain(toolchainLine);
    if (tv !== '' && gover.compare(tv, goLine) < 0) {
      f.info(`the toolchain line (${toolchainLine}) is older than the go line (${goLine}); the go command ignores it`);
    }
  }

  // Dependencies that need a newer Go.
  ctx.step("reading dependencies' go lines");
  const g = await s.graph();
  const mainGo = goLine === '' ? gover.defaultGoModVersion : goLine;
  const newer: string[] = [];
  const tooNewForLocal: string[] = [];
  if (g.mg) {
    for (const m of g.mg.buildList()) {
      if (m.path === g.mg.main.path || gover.isToolchain(m.path)) continue;
      const sum = g.mg.summary(m);
      const v = sum?.goVersion ?? '';
      if (v === '' || !gover.isValid(v)) continue;
      if (gover.compare(v, mainGo) > 0) newer.push(`${m.path}@${m.version} requires go >= ${v}`);
      if (local && gover.compare(v, local) > 0)
        tooNewForLocal.push(`${m.path}@${m.version} requires go >= ${v} (running go ${local})`);
    }
  } else {
    f.info(`dependencies' go lines not checked: ${errorMessage(g.error).split('\n')[0]}`);
  }
  if (newer.length > 0) {
    f.warn(
      `${plural(newer.length, 'dependency', 'dependencies')} require a newer go than the main module's go ${mainGo} (Go 1.21+ refuses with -mod=readonly; go mod tidy raises the go line):\n${newer.join('\n')}`,
      fixAction('toolchain', '', 'raises the go line (and toolchain) to what the dependencies need'),
    );
  }
  if (tooNewForLocal.length > 0 && local && (gover.compare(local, '1.21') < 0 || setting?.upgrade === 'none')) {
    f.warn(
      `${plural(tooNewForLocal.length, 'dependency', 'dependencies')} need a newer go than the installed one:\n${tooNewForLocal.join('\n')}`,
      fix,
    );
  }
  const parts = [goLine !== '' ? `go ${goLine}` : 'no go line (go 1.16 assumed)'];
  if (toolchainLine !== '') parts.push(`toolchain ${toolchainLine}`);
  parts.push(local ? `installed go ${local}` : 'no installed go');
  parts.push(`GOTOOLCHAIN=${gotoolchain || 'auto'}`);
  return f.outcome(parts.join(', '));
}

/** goVersion is the `go-version` check (see the file comment; registered in registry.ts). */
export const goVersion: CheckDefinition = {
  id: 'go-version',
  title: 'go/toolchain lines vs the installed go',
  network: false,
  doc: {
    detects:
      'A go or toolchain line the installed go cannot honour: go before 1.21 cannot parse `go 1.21.0` or `toolchain` lines; GOTOOLCHAIN=local (or a pinned toolchain) older than the go line; toolchain downloads that GOPROXY=off blocks; an invalid GOTOOLCHAIN; dependencies that require a newer go than the main module or the installed toolchain.',
    example: 'go: go.mod requires go >= 1.22 (running go 1.21.0; GOTOOLCHAIN=local)',
    fix: '`modrescue fix toolchain`.',
  },
  run,
};
