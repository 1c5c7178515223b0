/**
 * The plan/apply engine of `modrescue fix`.
 *
 * planAction asks the action's planner what it would do and returns a Plan: why, risk,
 * undo, the unified diff of every file, the steps, and the operations as data. Nothing is
 * changed while planning (probes and downloads go to temporary places).
 *
 * applyPlan performs a plan under the project's lock:
 *   1. re-checks every precondition (each file still has the hash it had when planned, the
 *      git HEAD did not move, a branch to create does not exist) — else ERR_FIX_STALE_PLAN;
 *   2. copies every file it will change to `.modrescue/backups/<id>/`;
 *   3. appends a `pending` journal entry naming every file with its before/after hash;
 *   4. performs the operations in order (atomic writes);
 *   5. on an error, rolls back what it did (files from the backups, a created branch,
 *      moved cache entries) and appends `failed`; otherwise re-runs the doctor checks
 *      that verify the action and appends `done` with the outcome.
 * A crash between 3 and 5 leaves a dangling `pending` entry; every file it names holds
 * its before or its after bytes (see src/shared/journal.ts), and undo handles it.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CodedError, isCodedError } from '../shared/errors.js';
import { redact } from '../shared/redact.js';
import {
  appendJournal,
  backupDirFor,
  newEntryId,
  type CacheChange,
  type FileChange,
  type GitChange,
  type JournalEntry,
  type Outcome,
  type Verification,
} from '../shared/journal.js';
import * as modcache from '../mod/modcache/index.js';
import { runDoctor, CHECK_IDS, type CheckId } from '../doctor/index.js';
import { errorMessage } from '../doctor/util.js';
import { backupFile, fileMode, hashFile, removeFile, sha256, writeAtomic } from './atomic.js';
import { detectActor } from './actor.js';
import { quarantine, removeEntries, restoreEntries, versionEntries, type MV } from './cache-ops.js';
import { createPlanContext, withEnvChanges, type PlanContext } from './context.js';
import { lockProject } from './lock.js';
import { getAction } from './registry.js';
import { fillCache } from './supply.js';
import { SECRET_PLACEHOLDER, type ActionSpec, type FixContext, type Operation, type Plan } from './types.js';

/** refused builds the error of an action that must not be applied (exit 1). */
export function refusedError(code: string, message: string, fields: Record<string, unknown> = {}): CodedError {
  return new CodedError(code, message, { ...fields, exitCode: 1 });
}

/** redactDeep redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redact(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** redactArgs redacts every string of an argument object. */
export function redactArgs(args: Record<string, unknown>): Record<string, unknown> {
  return redactDeep(args);
}

/**
 * planAction plans spec in ctx. It throws ERR_FIX_UNKNOWN_ACTION for an unknown action,
 * ERR_FIX_USAGE for bad arguments (exit 2), ERR_FIX_NO_PROJECT without go.mod where one is
 * needed (exit 3); a plan that must not be applied comes back with `refused` set.
 */
export async function planAction(spec: ActionSpec, ctx: FixContext): Promise<Plan> {
  const def = getAction(spec.action);
  const pc = await createPlanContext(ctx);
  const draft = await def.plan(spec as never, pc);
  const { action: _action, ...rest } = spec as ActionSpec & Record<string, unknown>;
  return {
    id: newEntryId(spec.action, pc.now),
    action: spec.action,
    args: redactArgs(rest),
    project: pc.root,
    journal: pc.journal,
    why: draft.why,
    risk: draft.risk,
    undo: draft.undo,
    diffs: draft.writes.map((w) => w.diff).filter((d) => d.unified !== ''),
    steps: draft.steps,
    notes: draft.notes ?? [],
    noop: draft.ops.length === 0 && (draft.output ?? []).length === 0 && (draft.env ?? []).length === 0,
    ...(draft.refused ? { refused: draft.refused } : {}),
    env: draft.env ?? [],
    output: draft.output ?? [],
    verify: draft.verify,
    ops: draft.ops,
    created: pc.now.toISOString(),
  };
}

/** PlanDraft is what an action's planner returns; the engine adds ids and bookkeeping. */
export interface PlanDraft {
  readonly why: string;
  readonly risk: Plan['risk'];
  readonly undo: string;
  readonly steps: Plan['steps'];
  readonly notes?: readonly string[];
  /** The planned writes (their diffs are shown; their ops are in ops too, in order). */
  readonly writes: ReadonlyArray<{ readonly diff: Plan['diffs'][number] }>;
  readonly ops: readonly Operation[];
  readonly env?: Plan['env'];
  readonly output?: readonly string[];
  readonly verify: readonly string[];
  readonly refused?: string;
}

// ---- applying ----

/** Prepared is an operation with what the apply needs resolved (real content, backups). */
interface PreparedWrite {
  readonly op: Extract<Operation, { kind: 'write-file' }>;
  readonly data?: string | Buffer;
  readonly after: string | null;
  readonly backup?: string;
  readonly mode?: number;
}

/** state of one apply, for the journal and for rollback. */
interface ApplyState {
  readonly writes: Map<number, PreparedWrite>;
  readonly written: Set<number>;
  readonly git: GitChange[];
  readonly cache: CacheChange[];
  readonly backupDir: string;
}

/**
 * applyPlan performs plan and returns its journal entry (status `done`). It throws
 * ERR_FIX_REFUSED for a refused plan and ERR_FIX_STALE_PLAN when something changed since
 * planning (exit 1, nothing done), ERR_FIX_LOCKED when another run holds the project, and
 * ERR_FIX_APPLY_FAILED when an operation failed (rolled back where possible; the journal
 * has a `failed` entry; exit 3). A noop plan is journalled as done without changes.
 */
export async function applyPlan(plan: Plan, ctx: FixContext): Promise<JournalEntry> {
  if (plan.refused) {
    throw refusedError('ERR_FIX_REFUSED', `fix ${plan.action}: not applied: ${plan.refused}`, { id: plan.id });
  }
  const pc = await createPlanContext(ctx);
  const unlock = await lockProject(plan.journal);
  try {
    return await applyLocked(plan, ctx, pc);
  } finally {
    await unlock();
  }
}

async function applyLocked(plan: Plan, ctx: FixContext, pc: PlanContext): Promise<JournalEntry> {
  const backupDir = backupDirFor(plan.journal, plan.id);
  const st: ApplyState = { writes: new Map(), written: new Set(), git: [], cache: [], backupDir };

  // 1. Preconditions.
  const stale: string[] = [];
  for (const [i, op] of plan.ops.entries()) {
    if (op.kind === 'write-file') {
      const now = await hashFile(op.path);
      if (now !== op.before) stale.push(`${pc.label(op.path)} changed since the plan was made`);
      let data: string | Buffer | undefined;
      if (op.content !== undefined && op.encoding === 'base64') {
        data = Buffer.from(op.content, 'base64');
      } else if (op.content !== undefined) {
        data = op.content;
        if (op.secretEnv) {
          const secret = ctx.processEnv[op.secretEnv];
          if (!secret) {
            throw refusedError(
              'ERR_FIX_TOKEN_MISSING',
              `fix ${plan.action}: the environment variable ${op.secretEnv} is not set or empty (it must hold the token)`,
              { variable: op.secretEnv },
            );
          }
          data = op.content.split(SECRET_PLACEHOLDER).join(secret);
        }
      }
      st.writes.set(i, {
        op,
        ...(data !== undefined ? { data } : {}),
        after: data === undefined ? null : sha256(data),
      });
    } else if (op.kind === 'git-branch') {
      const r = await pc.run('git', ['rev-parse', '--verify', '--quiet', `refs/heads/${op.branch}`], op.repo);
      if (r.code === 0) stale.push(`branch ${op.branch} exists already`);
    } else if (op.kind === 'git-commit') {
      const r = await pc.run('git', ['rev-parse', 'HEAD'], op.repo);
      if (r.stdout.trim() !== op.head)
        stale.push(`HEAD moved since the plan was made (now ${r.stdout.trim().slice(0, 12)})`);
    }
  }
  if (stale.length > 0) {
    throw refusedError(
      'ERR_FIX_STALE_PLAN',
      `fix ${plan.action}: not applied, the project changed since the plan was made:\n\t${stale.join('\n\t')}\nRun the command again for a fresh plan.`,
      { id: plan.id, stale },
    );
  }

  // 2. Backups.
  let n = 0;
  for (const [i, w] of st.writes) {
    if (w.op.before === null) continue;
    const dest = path.join(backupDir, 'files', `${n++}-${path.basename(w.op.path)}`);
    await backupFile(w.op.path, dest);
    st.writes.set(i, { ...w, backup: dest, mode: await fileMode(w.op.path) });
  }

  // 3. The pending entry: everything that may change, with both hashes.
  const actor = await detectActor(pc.root, ctx.processEnv, pc.timeoutMs);
  const base = {
    schemaVersion: 1 as const,
    id: plan.id,
    time: (ctx.now ? ctx.now() : new Date()).toISOString(),
    actor,
    action: plan.action,
    args: plan.args,
    project: plan.project,
    summary: redact(plan.why.split('\n')[0] ?? ''),
    risk: `${plan.risk.level}: ${plan.risk.note}`,
    undo: plan.undo,
    // Values may hold a credential (a GOPROXY URL with a password): the journal keeps them redacted.
    env: plan.env.map((c) => ({
      ...c,
      before: c.before === null ? null : redact(c.before),
      after: c.after === null ? null : redact(c.after),
    })),
    ...(st.writes.size > 0 || plan.ops.some((o) => o.kind === 'cache-quarantine') ? { backupDir } : {}),
  };
  const filesOf = (written?: Set<number>): FileChange[] =>
    [...st.writes.entries()].map(([i, w]) => ({
      path: w.op.path,
      role: w.op.role,
      before: w.op.before,
      after: w.after,
      ...(w.backup ? { backup: w.backup } : {}),
      ...(w.mode !== undefined ? { mode: w.mode } : {}),
      ...(written ? { written: written.has(i) } : {}),
    }));
  const plannedGit: GitChange[] = plan.ops.flatMap((op): GitChange[] =>
    op.kind === 'git-branch' ? [{ kind: 'branch', repo: op.repo, branch: op.branch, sha: op.sha }] : [],
  );
  const plannedCache = await plannedCacheChanges(plan, backupDir);
  await appendJournal(plan.journal, {
    ...base,
    status: 'pending',
    files: filesOf(),
    git: plannedGit,
    cache: plannedCache,
  });
  await ctx.hooks?.afterStep?.(0, plan);

  // 4. The operations.
  try {
    for (const [i, op] of plan.ops.entries()) {
      ctx.signal?.throwIfAborted();
      await perform(i, op, st, pc, plan);
      await ctx.hooks?.afterStep?.(i + 1, plan);
    }
  } catch (e) {
    const leftovers = await rollback(plan, st, pc);
    const entry: JournalEntry = {
      ...base,
      status: 'failed',
      finished: new Date().toISOString(),
      files: filesOf(st.written),
      git: st.git,
      cache: st.cache,
      outcome: {
        status: 'failed',
        message: redact(errorMessage(e)) + (leftovers.length > 0 ? `\nnot rolled back: ${leftovers.join('; ')}` : ''),
        ...(isCodedError(e) ? { code: e.code } : {}),
      },
    };
    await appendJournal(plan.journal, entry);
    if (e instanceof Error && e.name === 'AbortError') throw e;
    throw new CodedError(
      'ERR_FIX_APPLY_FAILED',
      `fix ${plan.action}: ${errorMessage(e)}\n${leftovers.length > 0 ? `not rolled back: ${leftovers.join('; ')}` : 'every change was rolled back'} (journal ${plan.id})`,
      { id: plan.id, exitCode: 3, ...(isCodedError(e) ? { causeCode: e.code } : {}) },
      { cause: e },
    );
  }

  // 5. Verification and the done entry.
  const verification = ctx.verify === false ? [] : await verifyPlan(plan, pc);
  const failed = verification.filter((v) => v.status === 'fail');
  const outcome: Outcome = {
    status: failed.length > 0 ? 'verify-failed' : 'ok',
    ...(failed.length > 0 ? { message: failed.map((f) => `${f.check}: ${f.summary}`).join('\n') } : {}),
    ...(verification.length > 0 ? { verification } : {}),
    ...(plan.output.length > 0 ? { output: plan.output } : {}),
  };
  const done: JournalEntry = {
    ...base,
    status: 'done',
    finished: new Date().toISOString(),
    files: filesOf(),
    git: st.git,
    cache: st.cache,
    outcome,
  };
  await appendJournal(plan.journal, done);
  return done;
}

/** plannedCacheChanges lists the cache entries a plan will move or may add, for the pending entry. */
async function plannedCacheChanges(plan: Plan, backupDir: string): Promise<CacheChange[]> {
  const out: CacheChange[] = [];
  for (const op of plan.ops) {
    if (op.kind === 'cache-quarantine') {
      for (const m of op.modules) {
        out.push({
          kind: 'quarantined',
          modcache: op.modcache,
          path: m.path,
          version: m.version,
          entries: await versionEntries(op.modcache, m),
          backup: path.join(backupDir, 'cache'),
          reason: m.reason,
        });
      }
    } else if (op.kind === 'cache-fill') {
      for (const m of op.modules) {
        out.push({ kind: 'added', modcache: op.modcache, path: m.path, version: m.version, entries: [] });
      }
    }
  }
  return out;
}

/** perform runs one operation and records what it changed in st. */
async function perform(i: number, op: Operation, st: ApplyState, pc: PlanContext, plan: Plan): Promise<void> {
  switch (op.kind) {
    case 'write-file': {
      const w = st.writes.get(i)!;
      if (w.data === undefined) await removeFile(op.path);
      else await writeAtomic(op.path, w.data, op.mode, op.secretEnv !== undefined);
      st.written.add(i);
      return;
    }
    case 'cache-quarantine': {
      for (const m of op.modules) {
        const entries = await versionEntries(op.modcache, m);
        const moved = await quarantine(op.modcache, m, entries, path.join(st.backupDir, 'cache'));
        st.cache.push({
          kind: 'quarantined',
          modcache: op.modcache,
          path: m.path,
          version: m.version,
          entries: moved,
          backup: path.join(st.backupDir, 'cache'),
          reason: m.reason,
        });
      }
      return;
    }
    case 'cache-fill': {
      const before = new Map<string, Set<string>>();
      for (const m of op.modules) before.set(`${m.path}@${m.version}`, new Set(await versionEntries(op.modcache, m)));
      const record = async (m: MV) => {
        const now = await versionEntries(op.modcache, m);
        const added = now.filter((e) => !before.get(`${m.path}@${m.version}`)!.has(e));
        if (added.length > 0) {
          st.cache.push({ kind: 'added', modcache: op.modcache, path: m.path, version: m.version, entries: added });
        }
      };
      try {
        await fillCache(pc, op.modcache, op.modules);
      } finally {
        for (const m of op.modules) await record(m);
      }
      return;
    }
    case 'git-branch': {
      const r = await pc.run('git', ['branch', '--no-track', op.branch, op.sha], op.repo);
      if (r.code !== 0) throw gitError(`git branch ${op.branch}`, r.stderr || r.spawnError || '');
      st.git.push({ kind: 'branch', repo: op.repo, branch: op.branch, sha: op.sha });
      return;
    }
    case 'git-commit': {
      const message = `${op.message}\n\nModrescue-Action: ${plan.id}\n`;
      // Stage exactly these paths (a file new or deleted since HEAD included), then commit only them.
      const add = await pc.run('git', ['add', '-A', '--', ...op.paths], op.repo);
      if (add.code !== 0) throw gitError('git add', add.stderr || add.spawnError || '');
      const r = await pc.run('git', ['commit', '--quiet', '-m', message, '--only', '--', ...op.paths], op.repo);
      if (r.code !== 0) {
        // Leave the index as it was (the files themselves are rolled back from the backups).
        await pc.run('git', ['reset', '--quiet', '--', ...op.paths], op.repo);
        throw gitError('git commit', r.stderr || r.stdout || r.spawnError || '');
      }
      const sha = (await pc.run('git', ['rev-parse', 'HEAD'], op.repo)).stdout.trim();
      const branch = (await pc.run('git', ['symbolic-ref', '--quiet', '--short', 'HEAD'], op.repo)).stdout.trim();
      st.git.push({ kind: 'commit', repo: op.repo, branch, sha, parent: op.head, paths: op.paths });
      // The files are now committed: their bytes are what the commit holds.
      return;
    }
    case 'git-push': {
      const ref = `refs/heads/${op.branch}`;
      const r = await pc.run('git', ['push', '--porcelain', op.remote, `${ref}:${ref}`], op.repo);
      if (r.code !== 0)
        throw gitError(`git push ${op.remote} ${op.branch}`, r.stderr || r.stdout || r.spawnError || '');
      const sha = (await pc.run('git', ['rev-parse', ref], op.repo)).stdout.trim();
      st.git.push({ kind: 'push', repo: op.repo, remote: op.remote, branch: op.branch, sha });
      return;
    }
  }
}

function gitError(what: string, stderr: string): CodedError {
  return new CodedError('ERR_FIX_GIT', `${what} failed: ${stderr.trim()}`, { stderr: stderr.trim() });
}

/** rollback undoes what an apply did before failing; it returns what it could not undo. */
async function rollback(plan: Plan, st: ApplyState, pc: PlanContext): Promise<string[]> {
  const left: string[] = [];
  for (const i of [...st.written].sort((a, b) => b - a)) {
    const w = st.writes.get(i)!;
    try {
      if (w.backup) await writeAtomic(w.op.path, await readFile(w.backup), w.mode, w.mode !== undefined);
      else await removeFile(w.op.path);
      st.written.delete(i);
    } catch (e) {
      left.push(`${pc.label(w.op.path)}: ${errorMessage(e)}`);
    }
  }
  for (const c of [...st.cache].reverse()) {
    try {
      if (c.kind === 'quarantined') await restoreEntries(c.modcache, c, c.entries, c.backup!);
      else if (c.kind === 'added') await removeEntries(c.modcache, c, c.entries);
      st.cache.splice(st.cache.indexOf(c), 1);
    } catch (e) {
      left.push(`cache ${c.path}@${c.version}: ${errorMessage(e)}`);
    }
  }
  for (const g of [...st.git].reverse()) {
    if (g.kind === 'branch') {
      const r = await pc.run('git', ['branch', '-D', g.branch], g.repo);
      if (r.code === 0) st.git.splice(st.git.indexOf(g), 1);
      else left.push(`branch ${g.branch}: ${r.stderr.trim()}`);
    } else if (g.kind === 'commit') {
      left.push(
        `commit ${g.sha.slice(0, 12)} on ${g.branch} (history is never rewritten: modrescue undo ${plan.id} reverts it)`,
      );
    } else if (g.kind === 'push') {
      left.push(`branch ${g.branch} pushed to ${g.remote}`);
    }
  }
  return left;
}

/**
 * verifyPlan re-runs the plan's doctor checks with the environment as it is after the
 * action (env changes applied) and returns their verdicts.
 */
export async function verifyPlan(plan: Plan, pc: PlanContext): Promise<Verification[]> {
  const only = plan.verify.filter((c): c is CheckId => (CHECK_IDS as readonly string[]).includes(c));
  if (only.length === 0) return [];
  const env = withEnvChanges(pc.ctx.env, plan.env);
  try {
    const report = await runDoctor({ ...pc.doctorOptions(env), only });
    return report.checks.map((c) => ({ check: c.id, status: c.status, summary: c.summary }));
  } catch (e) {
    return only.map((c) => ({ check: c, status: 'skip' as const, summary: `not verified: ${errorMessage(e)}` }));
  }
}

/** cacheRoot returns GOMODCACHE checked as the go command checks it (ERR_MODCACHE_* otherwise). */
export function cacheRoot(pc: PlanContext): string {
  const dir = pc.v('GOMODCACHE');
  modcache.checkCacheDir(dir);
  return dir;
}

/** exists reports whether a path exists. */
export async function exists(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined)) !== undefined;
}
