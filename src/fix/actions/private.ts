/**
 * `modrescue fix private --pattern <glob> [--ssh | --netrc-token-env VAR] [--scope go-env|ci]`
 *
 * What it does: makes the go command treat the modules matching the pattern as private —
 * the fix for "a private module looked up in the public checksum database" (`410 Gone`,
 * `404 Not Found` from sum.golang.org) and for private paths leaking to public proxies:
 *  - GOPRIVATE gains the pattern (existing patterns kept); GONOSUMDB gains it too when it
 *    is set explicitly (otherwise it follows GOPRIVATE);
 *  - the route: when the configured GOPROXY serves the private modules (a company proxy),
 *    they stay on it — GONOPROXY is set to what GOPRIVATE was before (`none` when empty),
 *    the go command's documented setup, so nothing is fetched from the origin; otherwise
 *    (`--route direct`, or the proxy does not serve them) GONOPROXY follows GOPRIVATE (or
 *    gains the pattern when set explicitly) and the go command fetches them with git;
 *  - `--ssh`: a git `url."ssh://git@<host>/".insteadOf "https://<host>/"` rewrite in the
 *    global git config (written by git itself), so the go command's git fetches use SSH;
 *  - `--netrc-token-env VAR`: a `.netrc` entry `machine <host> login <login> password
 *    <token>` (mode 0600) with the token read from VAR when applying — it is never
 *    printed, never in the plan, the diff, the journal or `--json`.
 * The host is the first path element of the pattern (it must not contain a wildcard).
 *
 * Risk: medium for the environment alone; high with credentials (--ssh or .netrc change
 * how every git and go command of this user authenticates to the host).
 *
 * Undo: `modrescue undo <id>` restores the go env file (or CI env file), .gitconfig and
 * .netrc byte for byte.
 */
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as module from '../../mod/module/index.js';
import { createGoproxyClient } from '../../mod/goproxy/index.js';
import { errorMessage } from '../../doctor/util.js';
import { readMaybe } from '../atomic.js';
import type { PlanContext, PlannedWrite } from '../context.js';
import type { PlanDraft } from '../engine.js';
import { defaultScope, planEnvChanges } from '../envfile.js';
import { fixUsage } from '../gomod.js';
import { SECRET_PLACEHOLDER, type ActionInfo, type PlanStep, type PrivateSpec } from '../types.js';

export const info: ActionInfo = {
  id: 'private',
  usage: 'fix private --pattern <glob> [--ssh | --netrc-token-env VAR]',
  summary:
    'adds the pattern to GOPRIVATE (and explicit GONOSUMDB/GONOPROXY), with a git insteadOf rewrite to SSH or a .netrc entry whose token is read from a variable and never shown',
  risk: 'high',
  undo: 'restores the go env file or CI env file, .gitconfig and .netrc byte for byte',
  verify: ['private-modules'],
};

/** addPattern appends the patterns of add to a comma-separated list, skipping ones already there. */
export function addPattern(list: string, add: string): string {
  const have = list
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');
  for (const p of add.split(',').map((x) => x.trim())) if (p !== '' && !have.includes(p)) have.push(p);
  return have.join(',');
}

/** globalGitConfig returns the file `git config --global` writes. */
async function globalGitConfig(pc: PlanContext): Promise<string | undefined> {
  const e = pc.ctx.processEnv;
  if (e['GIT_CONFIG_GLOBAL']) return e['GIT_CONFIG_GLOBAL'];
  const home = e['HOME'] ?? '';
  const xdg = e['XDG_CONFIG_HOME'] || (home ? path.join(home, '.config') : '');
  const homeFile = home ? path.join(home, '.gitconfig') : undefined;
  if (homeFile && (await readMaybe(homeFile)) !== undefined) return homeFile;
  if (xdg) {
    const xdgFile = path.join(xdg, 'git', 'config');
    if ((await readMaybe(xdgFile)) !== undefined) return xdgFile;
  }
  return homeFile;
}

/** netrcWith returns .netrc content with one entry for host (an existing entry for it is replaced). */
export function netrcWith(data: string, host: string, login: string, password: string): string {
  const lines = data === '' ? [] : data.replace(/\n$/, '').split('\n');
  const entry = `machine ${host} login ${login} password ${password}`;
  const starts = (l: string) => /^\s*(machine\s|default\b|macdef\s)/.test(l);
  const mine = (l: string) =>
    new RegExp(`^\\s*machine\\s+${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`).test(l);
  const i = lines.findIndex(mine);
  if (i < 0) return [...lines, entry].join('\n') + '\n';
  let j = i + 1;
  while (j < lines.length && !starts(lines[j]!) && lines[j]!.trim() !== '') j++;
  lines.splice(i, j - i, entry);
  return lines.join('\n') + '\n';
}

/**
 * detectRoute decides how the go command should fetch the private modules: through the
 * configured GOPROXY when it serves the first covered requirement (a company proxy), else
 * directly from the origin. Offline or without a covered requirement: direct.
 */
async function detectRoute(
  pc: PlanContext,
  covered: ReadonlyArray<{ path: string; version: string }>,
  notes: string[],
): Promise<'proxy' | 'direct'> {
  const m = covered[0];
  if (!m || !pc.ctx.fetch) return 'direct';
  try {
    const client = createGoproxyClient({
      fetch: pc.ctx.fetch,
      proxy: pc.v('GOPROXY'),
      ...(pc.ctx.signal ? { signal: pc.ctx.signal } : {}),
    });
    await client.info(m.path, m.version);
    notes.push(`GOPROXY serves ${m.path}@${m.version}: the private modules keep that route`);
    return 'proxy';
  } catch (e) {
    notes.push(
      `GOPROXY does not serve ${m.path}@${m.version} (${errorMessage(e).split('\n')[0]}): they are fetched from the origin`,
    );
    return 'direct';
  }
}

export async function plan(spec: PrivateSpec, pc: PlanContext): Promise<PlanDraft> {
  const pattern = spec.pattern.trim();
  if (pattern === '' || /\s/.test(pattern))
    throw fixUsage(
      `fix private: --pattern ${JSON.stringify(spec.pattern)}: a comma-separated list of path globs without spaces`,
    );
  for (const p of pattern.split(',')) {
    // path.Match's only syntax error: an unterminated character class.
    if ((p.match(/\[/g) ?? []).length !== (p.match(/\]/g) ?? []).length) {
      throw fixUsage(`fix private: --pattern: malformed glob ${JSON.stringify(p)} (syntax error in pattern)`);
    }
  }
  const scope = spec.scope ?? defaultScope(pc);
  const steps: PlanStep[] = [];
  const notes: string[] = [];
  const changes: Record<string, string> = {};
  const vars = pc.ctx.env.vars;
  // Which modules of the build the pattern covers (the proof that it is the right one).
  let covered: Array<{ path: string; version: string }> = [];
  try {
    const main = await pc.session().mainModule();
    covered = main.file.require.filter((r) => module.matchPrefixPatterns(pattern, r.mod.path)).map((r) => r.mod);
    if (covered.length > 0) notes.push(`the pattern covers ${covered.map((m) => m.path).join(', ')}`);
    else notes.push('the pattern covers no requirement of go.mod');
  } catch {
    // No go.mod: the pattern is still useful for the user's other modules.
  }
  const route = spec.route ?? (await detectRoute(pc, covered, notes));
  const goprivate = addPattern(vars.GOPRIVATE.value, pattern);
  if (goprivate !== vars.GOPRIVATE.value) changes['GOPRIVATE'] = goprivate;
  const explicit = (name: 'GONOSUMDB' | 'GONOPROXY') =>
    vars[name].source !== 'default' && vars[name].from !== 'GOPRIVATE';
  if (explicit('GONOSUMDB')) {
    const next = addPattern(vars.GONOSUMDB.value, pattern);
    if (next !== vars.GONOSUMDB.value) changes['GONOSUMDB'] = next;
  } else {
    notes.push('GONOSUMDB follows GOPRIVATE (it is not set on its own)');
  }
  if (route === 'direct') {
    if (explicit('GONOPROXY')) {
      const next = addPattern(vars.GONOPROXY.value, pattern);
      if (next !== vars.GONOPROXY.value) changes['GONOPROXY'] = next;
    } else {
      notes.push('GONOPROXY follows GOPRIVATE: the go command fetches these modules directly from their origin (git)');
    }
  } else if (!explicit('GONOPROXY')) {
    // Keep fetching through GOPROXY: GONOPROXY stops following GOPRIVATE (the go command's
    // documented setup for a company proxy that serves private modules).
    changes['GONOPROXY'] = vars.GOPRIVATE.value === '' ? 'none' : vars.GOPRIVATE.value;
    notes.push(
      `GONOPROXY=${changes['GONOPROXY']} keeps ${pattern} on the GOPROXY chain (it would otherwise follow GOPRIVATE and fetch from the origin)`,
    );
  } else if (module.matchPrefixPatterns(vars.GONOPROXY.value, covered[0]?.path ?? pattern)) {
    notes.push(`GONOPROXY=${vars.GONOPROXY.value} (set explicitly) already sends these modules to their origin`);
  }

  const writes: PlannedWrite[] = [];
  let refused: string | undefined;
  const ep = await planEnvChanges(pc, changes, scope, spec.ciFile);
  for (const c of ep.env)
    steps.push({ description: `set ${c.name}=${c.after ?? ''} in ${ep.where} (was ${c.before ?? 'unset'})` });
  writes.push(...ep.writes);
  notes.push(...ep.notes);
  refused = ep.refused;

  const host = pattern.split(',')[0]!.split('/')[0]!;
  const needsHost = spec.ssh || spec.netrcTokenEnv !== undefined;
  if (needsHost && (/[*?[\]]/.test(host) || !host.includes('.'))) {
    throw fixUsage(
      `fix private: --ssh and --netrc-token-env need a concrete host as the pattern's first element (got ${JSON.stringify(host)})`,
    );
  }
  if (spec.ssh) {
    const file = await globalGitConfig(pc);
    if (!file) {
      refused ??= 'no global git config location ($HOME, $XDG_CONFIG_HOME or $GIT_CONFIG_GLOBAL)';
    } else {
      const key = `url.ssh://git@${host}/.insteadOf`;
      const want = `https://${host}/`;
      const have = await pc.run('git', ['config', '--file', file, '--get-all', key]);
      if (have.code === 0 && have.stdout.split('\n').includes(want)) {
        notes.push(`git already rewrites ${want} to ssh://git@${host}/ (${file})`);
      } else {
        // Let git write its own format: on a copy, then compare.
        const tmp = await mkdtemp(path.join(pc.ctx.processEnv['TMPDIR'] || os.tmpdir(), 'modrescue-gitconfig-'));
        try {
          const copy = path.join(tmp, 'config');
          if ((await readMaybe(file)) !== undefined) await copyFile(file, copy);
          const r = await pc.run('git', ['config', '--file', copy, '--add', key, want]);
          if (r.code !== 0) throw fixUsage(`git config: ${r.stderr.trim()}`);
          const w = await pc.planWrite(file, 'gitconfig', await readFile(copy), { mode: 0o644 });
          writes.push(w);
          steps.push({
            description: `git config --global --add ${key} ${want} (${file}): git fetches of ${host} use SSH`,
          });
        } finally {
          await rm(tmp, { recursive: true, force: true });
        }
      }
    }
  }
  if (spec.netrcTokenEnv !== undefined) {
    const variable = spec.netrcTokenEnv;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
      throw fixUsage(`fix private: --netrc-token-env ${JSON.stringify(variable)} is not a variable name`);
    const token = pc.ctx.processEnv[variable];
    if (!token) refused ??= `the environment variable ${variable} is not set or empty (it must hold the token)`;
    const file = pc.v('NETRC');
    if (!file) {
      refused ??= 'no .netrc location ($NETRC or $HOME)';
    } else {
      const login = spec.netrcLogin ?? 'oauth2';
      const data = (await readMaybe(file))?.toString('utf8') ?? '';
      const content = netrcWith(data, host, login, SECRET_PLACEHOLDER);
      const w = await pc.planWrite(file, 'netrc', content, { mode: 0o600, secretEnv: variable });
      if (w.op.before !== w.op.after) {
        writes.push(w);
        steps.push({
          description: `.netrc entry for ${host} (login ${login}, password from $${variable}, mode 0600) in ${file}`,
        });
      } else {
        notes.push(`${file} already has this entry for ${host}`);
      }
      notes.push(`the token is read from $${variable} when applying; it is never printed or journalled`);
    }
  }
  const credentials = spec.ssh || spec.netrcTokenEnv !== undefined;
  return {
    why: `modules matching ${pattern} are private: ${
      Object.keys(changes).length > 0
        ? Object.entries(changes)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')
        : 'GOPRIVATE already covers them'
    }${credentials ? `; credentials for ${host}` : ''}`,
    risk: credentials
      ? { level: 'high', note: `changes how every git and go command of this user authenticates to ${host}` }
      : {
          level: 'medium',
          note: `the go command stops asking public proxies and the checksum database about ${pattern} (${scope === 'ci' ? 'in this CI job' : 'for this user'})`,
        },
    undo: 'modrescue undo <id> restores every file it wrote byte for byte',
    steps,
    notes,
    writes,
    ops: writes.map((w) => w.op),
    env: ep.env,
    output: ep.output,
    verify: info.verify,
    ...(refused ? { refused } : {}),
  };
}
