/**
 * `modrescue undo [<id> | --last] [--force]`: takes one journalled action back.
 *
 * - Files: every file the action wrote is restored byte for byte from its backup (or
 *   removed when the action created it), with its old mode; the result is checked against
 *   the journalled `before` hash. If a file changed since the action (its hash is neither
 *   the action's `after` nor its `before`), undo refuses and says which files, unless
 *   `--force`, which first copies the bytes it replaces to undo's own backup directory.
 * - Go env file, $GITHUB_ENV, .gitconfig, .netrc are files like any other; shell-scope
 *   changes are reverted by printing the `export`/`unset` lines to eval.
 * - Git: a branch the action created is deleted if it still points where the action put
 *   it (else refused unless --force, which first saves it as
 *   `refs/modrescue/backups/<undo id>/<branch>`); a commit it made is reverted with a new
 *   revert commit, only if it is not pushed (a pushed commit is left alone, with the
 *   explanation); a pushed branch is never deleted from the remote (explained).
 * - Module cache: quarantined entries go back, downloaded entries are removed.
 * - A dangling `pending` entry (a crash mid-action) is undone from what the files hold:
 *   files with their `after` hash are restored, files with their `before` hash are left.
 *
 * Undo is journalled itself (action `undo`, `undoOf` = the id) and cannot be undone.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CodedError } from '../shared/errors.js';
import {
  appendJournal,
  backupDirFor,
  findEntry,
  lastUndoable,
  newEntryId,
  readJournal,
  undoneBy,
  type CacheChange,
  type FileChange,
  type GitChange,
  type JournalEntry,
} from '../shared/journal.js';
import { REDACTED } from '../shared/redact.js';
import { errorMessage } from '../doctor/util.js';
import { backupFile, hashFile, removeFile, writeAtomic } from './atomic.js';
import { detectActor } from './actor.js';
import { moveEntry, removeEntries, rewriteList, withVersionLock } from './cache-ops.js';
import { createPlanContext, type PlanContext } from './context.js';
import { lockProject } from './lock.js';
import { shellQuote } from './shell.js';
import type { FixContext, UndoOptions, UndoResult } from './types.js';

/** undoRefused is an undo that must not proceed (exit 1). */
function undoRefused(code: string, message: string, fields: Record<string, unknown> = {}): CodedError {
  return new CodedError(code, message, { ...fields, exitCode: 1 });
}

/** FileTask is one file undo restores. */
interface FileTask {
  readonly change: FileChange;
  readonly current: string | null;
}

/**
 * undo takes back the action id (a unique prefix works; undefined: the newest action not
 * yet undone). It throws ERR_JOURNAL_UNKNOWN_ID / ERR_JOURNAL_AMBIGUOUS_ID for a bad id,
 * ERR_UNDO_NOTHING when there is nothing to undo, ERR_UNDO_ALREADY when it was undone,
 * ERR_UNDO_UNDO for an undo entry, ERR_UNDO_CHANGED when files changed since (without
 * force) — all exit 1 with nothing changed — and ERR_UNDO_FAILED (exit 3) when a step
 * failed midway (the journal has a `failed` undo entry).
 */
export async function undo(id: string | undefined, ctx: FixContext, options: UndoOptions = {}): Promise<UndoResult> {
  const pc = await createPlanContext(ctx);
  const unlock = await lockProject(pc.journal);
  try {
    return await undoLocked(id, pc, options);
  } finally {
    await unlock();
  }
}

async function undoLocked(id: string | undefined, pc: PlanContext, options: UndoOptions): Promise<UndoResult> {
  const view = await readJournal(pc.journal);
  let target: JournalEntry | undefined;
  if (id === undefined) {
    target = lastUndoable(view);
    if (!target) throw undoRefused('ERR_UNDO_NOTHING', `nothing to undo in the journal ${pc.journal}`);
  } else {
    target = findEntry(view, id);
  }
  if (target.action === 'undo') {
    throw undoRefused(
      'ERR_UNDO_UNDO',
      `${target.id} is an undo; it cannot be undone (run the fix again to redo the action ${target.undoOf ?? ''})`,
      { id: target.id },
    );
  }
  const previous = undoneBy(view, target.id);
  if (previous) {
    throw undoRefused('ERR_UNDO_ALREADY', `${target.id} was already undone by ${previous.id} at ${previous.time}`, {
      id: target.id,
      undoneBy: previous.id,
    });
  }

  const undoId = newEntryId('undo', pc.ctx.now ? pc.ctx.now() : new Date());
  const backupDir = backupDirFor(pc.journal, undoId);
  const leftAlone: string[] = [];
  const conflicts: string[] = [];

  // Commits: reverted by git, not by writing files (the history stays as it is).
  const commits = target.git.filter((g): g is Extract<GitChange, { kind: 'commit' }> => g.kind === 'commit');
  if (target.status === 'pending' && target.action === 'rollback') {
    const found = await findPendingCommit(pc, target);
    if (found) commits.push(found);
  }
  const committedPaths = new Set<string>();
  const revertable: typeof commits = [];
  for (const c of commits) {
    for (const p of c.paths) committedPaths.add(path.join(c.repo, p));
    const remotes = await pc.run('git', ['branch', '-r', '--contains', c.sha], c.repo);
    if (remotes.code === 0 && remotes.stdout.trim() !== '') {
      leftAlone.push(
        `commit ${c.sha.slice(0, 12)} on ${c.branch} is pushed (${remotes.stdout.trim().split(/\s+/).join(', ')}): it is not reverted here; revert it through your review process: git revert ${c.sha}`,
      );
      continue;
    }
    revertable.push(c);
  }

  // Files: which to restore, which changed since.
  const tasks: FileTask[] = [];
  for (const f of target.files) {
    if (committedPaths.has(f.path)) {
      const cur = await hashFile(f.path);
      if (cur !== f.after && cur !== f.before) conflicts.push(`${pc.label(f.path)} changed since the action`);
      continue;
    }
    const written = target.status === 'done' || (target.status === 'failed' ? f.written === true : true);
    if (!written) continue;
    const cur = await hashFile(f.path);
    if (cur === f.before) continue; // never written (dangling) or already restored
    if (cur !== f.after) {
      conflicts.push(
        `${pc.label(f.path)} changed since the action (${cur === null ? 'it was deleted' : `sha256 now ${cur.slice(0, 12)}, the action left ${f.after?.slice(0, 12) ?? 'no file'}`})`,
      );
    }
    if (f.before !== null && !f.backup) {
      leftAlone.push(`${pc.label(f.path)}: no backup was recorded; it cannot be restored`);
      continue;
    }
    tasks.push({ change: f, current: cur });
  }

  // Branches.
  const branches: Array<{ g: Extract<GitChange, { kind: 'branch' }>; at: string }> = [];
  for (const g of target.git) {
    if (g.kind === 'push') {
      leftAlone.push(
        `branch ${g.branch} was pushed to ${g.remote}; modrescue never deletes remote branches: run git push ${g.remote} --delete ${g.branch} when no one uses it`,
      );
    }
    if (g.kind !== 'branch') continue;
    const r = await pc.run('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${g.branch}`], g.repo);
    const at = r.code === 0 ? r.stdout.trim() : '';
    if (at === '') continue; // gone already (or never created: dangling)
    const head = (await pc.run('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], g.repo)).stdout.trim();
    if (head === g.branch) {
      conflicts.push(`branch ${g.branch} is checked out; switch to another branch first`);
      continue;
    }
    if (at !== g.sha)
      conflicts.push(`branch ${g.branch} moved since the action (now at ${at.slice(0, 12)}): it holds new commits`);
    branches.push({ g, at });
  }

  // Cache entries.
  const cacheTasks: CacheChange[] = [];
  for (const c of target.cache) {
    if (c.kind === 'quarantined' && c.backup) {
      for (const rel of c.entries) {
        const inBackup = await exists(path.join(c.backup, rel));
        const inCache = await exists(path.join(c.modcache, rel));
        const addedToo = target.cache.some((a) => a.kind === 'added' && a.path === c.path && a.version === c.version);
        if (inBackup && inCache && !addedToo) {
          conflicts.push(`${rel} is in the module cache again (downloaded since the action)`);
        }
      }
      cacheTasks.push(c);
    } else if (c.kind === 'added') {
      if (target.status === 'pending' && c.entries.length === 0) {
        leftAlone.push(
          `${c.path}@${c.version}: what the interrupted download added to the module cache stays (it is verified content)`,
        );
        continue;
      }
      cacheTasks.push(c);
    }
  }

  if (conflicts.length > 0 && !options.force) {
    throw undoRefused(
      'ERR_UNDO_CHANGED',
      `undo ${target.id}: refused, things changed since the action:\n\t${conflicts.join('\n\t')}\nundo --force restores anyway and keeps a backup of the current state in ${path.relative(pc.root, backupDir) || backupDir}`,
      { id: target.id, conflicts },
    );
  }

  // Back up what undo will overwrite when it is not simply what the action wrote (with
  // --force it is the only copy of new work). The action's own bytes are not copied: they
  // can be made again, and they may hold a credential.
  const fileChanges: FileChange[] = [];
  let n = 0;
  for (const t of tasks) {
    let backup: string | undefined;
    if (t.current !== null && t.current !== t.change.after) {
      backup = path.join(backupDir, 'files', `${n++}-${path.basename(t.change.path)}`);
      await backupFile(t.change.path, backup);
    }
    fileChanges.push({
      path: t.change.path,
      role: t.change.role,
      before: t.current,
      after: t.change.before,
      ...(backup ? { backup } : {}),
    });
  }

  const actor = await detectActor(pc.root, pc.ctx.processEnv, pc.timeoutMs);
  const base = {
    schemaVersion: 1 as const,
    id: undoId,
    time: (pc.ctx.now ? pc.ctx.now() : new Date()).toISOString(),
    actor,
    action: 'undo',
    args: { id: target.id, ...(options.force ? { force: true } : {}) },
    project: pc.root,
    summary: `undo ${target.id} (${target.action}: ${target.summary})`,
    undoOf: target.id,
    env: [],
    ...(fileChanges.some((f) => f.backup) ? { backupDir } : {}),
  };
  await appendJournal(pc.journal, { ...base, status: 'pending', files: fileChanges, git: [], cache: [] });

  const gitDone: GitChange[] = [];
  const cacheDone: CacheChange[] = [];
  try {
    // Files.
    for (const t of tasks) {
      const f = t.change;
      if (f.before === null) await removeFile(f.path);
      else await writeAtomic(f.path, await readFile(f.backup!), f.mode, f.mode !== undefined);
      const now = await hashFile(f.path);
      if (now !== f.before) {
        throw new CodedError('ERR_UNDO_FAILED', `${pc.label(f.path)}: restored bytes do not have the journalled hash`, {
          path: f.path,
        });
      }
    }
    // Branches.
    for (const { g, at } of branches) {
      if (at !== g.sha) {
        const backupRef = `refs/modrescue/backups/${undoId}/${g.branch}`;
        const r = await pc.run('git', ['update-ref', backupRef, at], g.repo);
        if (r.code !== 0) throw new CodedError('ERR_UNDO_FAILED', `git update-ref ${backupRef}: ${r.stderr.trim()}`);
        leftAlone.push(`branch ${g.branch} held new commits; they are kept as ${backupRef}`);
      }
      const r = await pc.run('git', ['branch', '-D', g.branch], g.repo);
      if (r.code !== 0) throw new CodedError('ERR_UNDO_FAILED', `git branch -D ${g.branch}: ${r.stderr.trim()}`);
      gitDone.push({ kind: 'branch-deleted', repo: g.repo, branch: g.branch, sha: at });
    }
    // Commits: a new revert commit each, newest first.
    for (const c of [...revertable].reverse()) {
      const r = await pc.run('git', ['revert', '--no-edit', c.sha], c.repo);
      if (r.code !== 0) {
        await pc.run('git', ['revert', '--abort'], c.repo);
        throw new CodedError('ERR_UNDO_FAILED', `git revert ${c.sha.slice(0, 12)}: ${(r.stderr || r.stdout).trim()}`);
      }
      const sha = (await pc.run('git', ['rev-parse', 'HEAD'], c.repo)).stdout.trim();
      gitDone.push({ kind: 'revert', repo: c.repo, branch: c.branch, sha, reverted: c.sha });
    }
    // Cache: remove what was added, then put quarantined entries back.
    for (const c of cacheTasks.filter((x) => x.kind === 'added')) {
      const removed = await removeEntries(c.modcache, c, c.entries);
      cacheDone.push({ ...c, kind: 'removed', entries: removed });
    }
    for (const c of cacheTasks.filter((x) => x.kind === 'quarantined')) {
      const restored = await withVersionLock(c.modcache, c, async () => {
        const out: string[] = [];
        for (const rel of c.entries) {
          const src = path.join(c.backup!, rel);
          if (!(await exists(src))) continue;
          const dest = path.join(c.modcache, rel);
          if (await exists(dest)) await moveEntry(dest, path.join(backupDir, 'cache', rel));
          await moveEntry(src, dest);
          out.push(rel);
        }
        await rewriteList(c.modcache, c);
        return out;
      });
      cacheDone.push({ ...c, kind: 'restored', entries: restored });
    }
  } catch (e) {
    const entry: JournalEntry = {
      ...base,
      status: 'failed',
      finished: new Date().toISOString(),
      files: fileChanges,
      git: gitDone,
      cache: cacheDone,
      outcome: { status: 'failed', message: errorMessage(e) },
    };
    await appendJournal(pc.journal, entry);
    throw new CodedError(
      'ERR_UNDO_FAILED',
      `undo ${target.id} failed: ${errorMessage(e)} (journal ${undoId}; the bytes it replaced are in ${backupDir})`,
      { id: target.id, undoId, exitCode: 3 },
      { cause: e },
    );
  }

  // Shell-scope environment changes: print what restores them.
  const output: string[] = [];
  for (const c of target.env.filter((x) => x.scope === 'shell')) {
    if (c.before === null) output.push(`unset ${c.name}`);
    else if (c.before.includes(REDACTED)) {
      // The journal never holds a credential: the old value cannot be printed back.
      leftAlone.push(`${c.name} held a credential before the action; set it again from where you keep it`);
    } else output.push(`export ${c.name}=${shellQuote(c.before)}`);
  }
  const entry: JournalEntry = {
    ...base,
    status: 'done',
    finished: new Date().toISOString(),
    files: fileChanges,
    git: gitDone,
    cache: cacheDone,
    outcome: {
      status: 'ok',
      ...(leftAlone.length > 0 ? { message: leftAlone.join('\n') } : {}),
      ...(output.length > 0 ? { output } : {}),
    },
  };
  await appendJournal(pc.journal, entry);
  return { entry, leftAlone, output };
}

/** findPendingCommit finds the commit of an interrupted rollback by its Modrescue-Action trailer. */
async function findPendingCommit(
  pc: PlanContext,
  target: JournalEntry,
): Promise<Extract<GitChange, { kind: 'commit' }> | undefined> {
  const repo = (await pc.run('git', ['rev-parse', '--show-toplevel'], pc.root)).stdout.trim();
  if (repo === '') return undefined;
  const r = await pc.run('git', ['log', '-n', '1', '--format=%H %P', `--grep=^Modrescue-Action: ${target.id}$`], repo);
  const [sha, parent] = r.stdout.trim().split(/\s+/);
  if (!sha) return undefined;
  const branch = (await pc.run('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], repo)).stdout.trim();
  const files = (await pc.run('git', ['diff-tree', '--no-commit-id', '--name-only', '-r', sha], repo)).stdout
    .split('\n')
    .filter((x) => x !== '');
  return { kind: 'commit', repo, branch, sha, parent: parent ?? '', paths: files };
}

async function exists(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined)) !== undefined;
}
