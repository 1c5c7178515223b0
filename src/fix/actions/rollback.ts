/**
 * `modrescue fix rollback [--to <ref> | --last-stable] [--files-only] [--push] [--remote r]`
 *
 * What it does: the seed's "roll back to the last stable version" in git.
 *  - The target is the ref given, or (default) the last stable ref: the newest semver tag
 *    (release, not prerelease; `<dir>/vX.Y.Z` for a module in a subdirectory), by tag
 *    creation date, whose go.mod and go.sum parse and whose dependencies all resolve — the
 *    module graph loads (doctor's session: module cache, then GOPROXY), go.sum has the
 *    go.mod lines it needs (doctor's gosum-complete check), and, online, GOPROXY serves
 *    every module of the build list. Tags on HEAD are skipped (HEAD is what broke).
 *  - Default: creates the branch `hotfix/rollback-to-<ref>` at the target, without
 *    switching to it — the work tree is not touched. `--push` pushes that new branch (and
 *    only it) to the remote, never forced.
 *  - `--files-only`: restores go.mod and go.sum from the target as one new commit on the
 *    current branch (only those paths are committed; other uncommitted changes are left
 *    alone, and the plan says so). Refused when go.mod or go.sum have uncommitted changes.
 * History is never rewritten and nothing is force-pushed.
 *
 * Risk: low for a branch (nothing else changes until someone switches to it; --push
 * publishes it); medium for --files-only (a new commit on the current branch, not pushed).
 *
 * Undo: `modrescue undo <id>` deletes the branch if it still points at the target (a pushed
 * branch is left on the remote, with the command to delete it), or reverts the commit
 * with a new revert commit if it is not pushed (a pushed commit is left alone, explained).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CodedError } from '../../shared/errors.js';
import * as gosum from '../../mod/gosum/index.js';
import { parse as parseModfile } from '../../mod/modfile/index.js';
import * as semver from '../../mod/semver/index.js';
import { createSession, runCheck } from '../../doctor/index.js';
import { errorMessage } from '../../doctor/util.js';
import type { PlanContext, PlannedWrite } from '../context.js';
import { requireGoMod } from '../context.js';
import type { PlanDraft } from '../engine.js';
import { fixUsage } from '../gomod.js';
import type { ActionInfo, Operation, PlanStep, RollbackSpec } from '../types.js';

export const info: ActionInfo = {
  id: 'rollback',
  usage: 'fix rollback [--to <ref> | --last-stable] [--files-only] [--push]',
  summary:
    'creates hotfix/rollback-to-<ref> at the last stable tag (newest semver tag whose go.mod/go.sum parse and whose dependencies resolve) or a given ref, or with --files-only commits go.mod/go.sum from it; never rewrites history or force-pushes',
  risk: 'medium',
  undo: 'deletes the branch it created, or reverts its commit with a new revert commit (unless pushed: explained)',
  verify: ['gomod-syntax', 'gosum-complete'],
};

/** Candidate is a tag considered for the last stable ref. */
interface Candidate {
  readonly tag: string;
  readonly version: string;
  readonly sha: string;
  readonly date: string;
}

/** gitError builds the error of a git command that must succeed (exit 3). */
function gitFailure(what: string, stderr: string): CodedError {
  return new CodedError('ERR_FIX_GIT', `${what}: ${stderr.trim() || 'failed'}`, { exitCode: 3 });
}

/** showFile returns the bytes of rel at commit sha (undefined when it does not exist there). */
async function showFile(pc: PlanContext, repo: string, sha: string, rel: string): Promise<Buffer | undefined> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(pc.ctx.processEnv)) if (v !== undefined) env[k] = v;
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['cat-file', 'blob', `${sha}:${rel}`],
      { cwd: repo, env, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: pc.timeoutMs },
      (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const msg = stderr.toString('utf8');
        if (/does not exist|exists on disk, but not in|Not a valid object name|bad file/i.test(msg))
          return resolve(undefined);
        reject(gitFailure(`git cat-file blob ${sha.slice(0, 12)}:${rel}`, msg || String(err)));
      },
    );
  });
}

/**
 * checkRef says why the module at sha is not stable (undefined when it is): go.mod or
 * go.sum do not parse, the module graph does not load, go.sum lacks go.mod lines, or
 * (online) GOPROXY does not serve a module of the build list.
 */
async function checkRef(pc: PlanContext, repo: string, rel: string, sha: string): Promise<string | undefined> {
  const modRel = path.posix.join(rel, 'go.mod');
  const sumRel = path.posix.join(rel, 'go.sum');
  const mod = await showFile(pc, repo, sha, modRel);
  if (!mod) return `no ${modRel}`;
  try {
    parseModfile(modRel, new Uint8Array(mod));
  } catch (e) {
    return `${modRel} does not parse: ${errorMessage(e).split('\n').slice(0, 2).join(' ')}`;
  }
  const sum = await showFile(pc, repo, sha, sumRel);
  if (sum) {
    try {
      gosum.parse(sumRel, new Uint8Array(sum));
    } catch (e) {
      return `${sumRel} does not parse: ${errorMessage(e).split('\n').slice(0, 2).join(' ')}`;
    }
  }
  const tmp = await mkdtemp(path.join(pc.ctx.processEnv['TMPDIR'] || os.tmpdir(), 'modrescue-rollback-'));
  try {
    await writeFile(path.join(tmp, 'go.mod'), mod);
    if (sum) await writeFile(path.join(tmp, 'go.sum'), sum);
    const options = { ...pc.doctorOptions(), dir: tmp };
    const session = createSession(options, pc.ctx.signal);
    const g = await session.graph();
    if (!g.mg) return `its dependencies do not resolve: ${errorMessage(g.error).split('\n')[0]}`;
    if (pc.ctx.fetch) {
      const mg = g.mg;
      for (const m of mg.buildList()) {
        if (m.path === mg.main.path) continue;
        const actual = mg.replacements.replacement(m) ?? m;
        if (actual.version === '' || session.isDirect(actual.path)) continue;
        const r = await session.proxyInfo(actual.path, actual.version);
        if (!r.ok) return `${actual.path}@${actual.version} does not resolve: ${errorMessage(r.error).split('\n')[0]}`;
      }
    }
    const complete = await runCheck('gosum-complete', { ...options, only: ['gosum-complete'] });
    if (complete.status === 'fail') return `go.sum is incomplete: ${complete.summary.split('\n')[0]}`;
    return undefined;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** branchFor returns `hotfix/rollback-to-<ref>` with characters git refuses replaced. */
export function branchFor(ref: string): string {
  const clean = ref
    .replace(/[\s~^:?*[\\\x00-\x1f\x7f]+/g, '-')
    .replace(/\.\.+/g, '.')
    .replace(/@\{/g, '-')
    .replace(/\/+/g, '/')
    .replace(/^[-./]+|[-./]+$|\.lock$/g, '');
  return `hotfix/rollback-to-${clean || 'ref'}`;
}

export async function plan(spec: RollbackSpec, pc: PlanContext): Promise<PlanDraft> {
  requireGoMod(pc, 'rollback');
  if (spec.to !== undefined && spec.lastStable) throw fixUsage('fix rollback: use either --to or --last-stable');
  if (spec.filesOnly && spec.push) {
    throw fixUsage(
      'fix rollback: --push pushes the new hotfix branch; with --files-only there is none (push through your usual review)',
    );
  }
  const top = await pc.run('git', ['rev-parse', '--show-toplevel'], pc.root);
  if (top.code !== 0) {
    throw new CodedError(
      'ERR_FIX_NOT_GIT',
      `fix rollback: ${pc.root} is not in a git repository (${top.stderr.trim() || top.spawnError})`,
      {
        exitCode: 3,
      },
    );
  }
  const repo = top.stdout.trim();
  const rel = path.relative(repo, pc.root).split(path.sep).join('/');
  const head = (await pc.run('git', ['rev-parse', '--verify', '--quiet', 'HEAD'], repo)).stdout.trim();
  if (head === '') throw gitFailure('git rev-parse HEAD', 'the repository has no commit');
  const branchNow = (await pc.run('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], repo)).stdout.trim();
  const steps: PlanStep[] = [];
  const notes: string[] = [];

  // The target.
  let target: { ref: string; sha: string; date?: string } | undefined;
  let refused: string | undefined;
  if (spec.to !== undefined) {
    const r = await pc.run('git', ['rev-parse', '--verify', '--quiet', `${spec.to}^{commit}`], repo);
    if (r.code !== 0) throw fixUsage(`fix rollback: --to ${JSON.stringify(spec.to)}: no such commit, branch or tag`);
    target = { ref: spec.to, sha: r.stdout.trim() };
    const why = await checkRef(pc, repo, rel, target.sha);
    if (why) notes.push(`warning: ${spec.to} is not stable either: ${why}`);
  } else {
    const list = await pc.run(
      'git',
      [
        'for-each-ref',
        // The last --sort is the primary key: creation date, ties broken by the higher version.
        '--sort=-v:refname',
        '--sort=-creatordate',
        '--format=%(refname:short)%00%(objectname)%00%(*objectname)%00%(creatordate:iso-strict)',
        'refs/tags',
      ],
      repo,
    );
    if (list.code !== 0) throw gitFailure('git for-each-ref refs/tags', list.stderr);
    const prefix = rel === '' ? '' : rel + '/';
    const candidates: Candidate[] = [];
    for (const line of list.stdout.split('\n')) {
      if (line === '') continue;
      const [tag = '', obj = '', peeled = '', date = ''] = line.split('\x00');
      if (!tag.startsWith(prefix)) continue;
      const version = tag.slice(prefix.length);
      if (!semver.isValid(version) || semver.prerelease(version) !== '' || version.includes('/')) continue;
      candidates.push({ tag, version, sha: peeled || obj, date });
    }
    if (candidates.length === 0) {
      refused = `no semver release tag${prefix ? ` (${prefix}vX.Y.Z)` : ''} in the repository; give the ref with --to`;
    }
    for (const c of candidates) {
      if (c.sha === head) {
        steps.push({ description: `skip ${c.tag}: it is HEAD (what is being rolled back)` });
        continue;
      }
      pc.ctx.onProgress?.(`checking ${c.tag} (${c.sha.slice(0, 12)})`);
      const why = await checkRef(pc, repo, rel, c.sha);
      if (why) {
        steps.push({ description: `skip ${c.tag} (${c.date}): ${why}` });
        continue;
      }
      steps.push({
        description: `${c.tag} (${c.date}) is the last stable ref: go.mod and go.sum parse, every dependency resolves`,
      });
      target = { ref: c.tag, sha: c.sha, date: c.date };
      break;
    }
    if (!target && !refused) refused = 'no tag passes the checks (see the steps)';
  }

  const status = await pc.run('git', ['status', '--porcelain=v1', '--untracked-files=normal'], repo);
  const dirty = status.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.slice(3));
  const ops: Operation[] = [];
  const writes: PlannedWrite[] = [];
  const modRel = path.posix.join(rel, 'go.mod');
  const sumRel = path.posix.join(rel, 'go.sum');
  let why: string;
  let risk: PlanDraft['risk'] = {
    level: 'low',
    note: 'a new branch; the work tree and the current branch are not touched',
  };
  let undo: string;
  let verify: string[] = [];
  if (target) {
    const short = target.sha.slice(0, 12);
    const stat = await pc.run('git', ['diff', '--stat', head, target.sha, '--', modRel, sumRel], repo);
    if (stat.stdout.trim() !== '')
      notes.push(`go.mod/go.sum at ${target.ref} compared with HEAD: ${stat.stdout.trim().split('\n').pop()!.trim()}`);
    else notes.push(`go.mod and go.sum at ${target.ref} are the same as at HEAD`);
    if (!spec.filesOnly) {
      const branch = branchFor(target.ref);
      const ok = await pc.run('git', ['check-ref-format', '--branch', branch], repo);
      if (ok.code !== 0) throw fixUsage(`fix rollback: cannot make a branch name from ${JSON.stringify(target.ref)}`);
      const exists = await pc.run('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], repo);
      if (exists.code === 0)
        refused ??= `the branch ${branch} exists already (at ${exists.stdout.trim().slice(0, 12)})`;
      ops.push({ kind: 'git-branch', repo, branch, sha: target.sha });
      steps.push({ description: `create branch ${branch} at ${short} (${target.ref}) without switching to it` });
      if (spec.push) {
        const remote = spec.remote ?? 'origin';
        const url = await pc.run('git', ['remote', 'get-url', remote], repo);
        if (url.code !== 0) refused ??= `no remote ${remote} to push to`;
        ops.push({ kind: 'git-push', repo, remote, branch });
        steps.push({ description: `push the new branch ${branch} to ${remote} (a new branch; never forced)` });
        risk = { level: 'medium', note: `publishes a new branch on ${remote}; nothing else changes` };
      }
      if (dirty.length > 0)
        notes.push(
          `the work tree has uncommitted changes (${dirty.length} path${dirty.length === 1 ? '' : 's'}); they are left alone: the branch is created without switching to it`,
        );
      notes.push(`next: git switch ${branch} (or build that branch in CI)`);
      why = `roll back to ${target.ref} (${short}) on a new branch ${branch}`;
      undo = `modrescue undo <id> deletes ${branch} if it still points at ${short}${spec.push ? ' (the pushed branch stays on the remote: undo says how to delete it)' : ''}`;
    } else {
      if (branchNow === '') refused ??= 'HEAD is detached: check out the branch to commit on first';
      const dirtyOurs = dirty.filter((p) => p === modRel || p === sumRel);
      if (dirtyOurs.length > 0) {
        refused ??= `${dirtyOurs.join(' and ')} ${dirtyOurs.length === 1 ? 'has' : 'have'} uncommitted changes: commit or stash them first (modrescue does not overwrite uncommitted work)`;
      }
      const others = dirty.filter((p) => p !== modRel && p !== sumRel);
      if (others.length > 0)
        notes.push(
          `uncommitted changes to ${others.length} other path${others.length === 1 ? '' : 's'} (${others.slice(0, 3).join(', ')}${others.length > 3 ? ', …' : ''}) are left alone and not committed`,
        );
      const mod = (await showFile(pc, repo, target.sha, modRel))!;
      const sum = await showFile(pc, repo, target.sha, sumRel);
      const wm = await pc.planWrite(path.join(repo, modRel), 'go.mod', new Uint8Array(mod));
      const ws = await pc.planWrite(path.join(repo, sumRel), 'go.sum', sum ? new Uint8Array(sum) : undefined);
      const paths: string[] = [];
      for (const [w, p] of [
        [wm, modRel],
        [ws, sumRel],
      ] as const) {
        if (w.op.before === w.op.after) continue;
        writes.push(w);
        ops.push(w.op);
        paths.push(p);
      }
      if (paths.length > 0) {
        ops.push({
          kind: 'git-commit',
          repo,
          paths,
          head,
          message: `rollback ${paths.join(' and ')} to ${target.ref}`,
        });
        steps.push({
          description: `restore ${paths.join(' and ')} from ${target.ref} (${short}) and commit them on ${branchNow || 'HEAD'} (parent ${head.slice(0, 12)})`,
        });
      }
      why = `roll back ${modRel} and ${sumRel} to ${target.ref} (${short}) as a new commit on ${branchNow || 'HEAD'}`;
      risk = { level: 'medium', note: `a new commit on ${branchNow || 'HEAD'} (not pushed); history is not rewritten` };
      undo = 'modrescue undo <id> reverts the commit with a new revert commit (if it is not pushed)';
      verify = info.verify.slice();
    }
  } else {
    why = 'no stable ref to roll back to';
    undo = 'nothing to undo';
  }
  return {
    why,
    risk,
    undo,
    steps,
    notes,
    writes,
    ops,
    verify,
    ...(refused ? { refused } : {}),
  };
}
