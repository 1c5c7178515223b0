/**
 * PlanContext: what an action's planner gets — the project (module root, journal), the
 * clock, a doctor session over the same environment (parsed go.mod/go.sum, module graph,
 * proxy client, checksum-database lookups, all memoised), and helpers that turn a wanted
 * file content into an operation plus its diff.
 */
import path from 'node:path';
import { CodedError } from '../shared/errors.js';
import type { GoEnv, GoEnvValue, EnvName } from '../shared/goenv.js';
import { journalPath } from '../shared/journal.js';
import { findModuleRoot } from '../mod/modload/index.js';
import { createSession, type DoctorOptions, type DoctorSession } from '../doctor/index.js';
import { runProcess, type ProcessResult } from '../doctor/util.js';
import { readMaybe, sha256 } from './atomic.js';
import { fileDiff } from './diff.js';
import type { EnvChange, FileDiff, FixContext, Operation, PlanStep } from './types.js';
import type { PlanDraft } from './engine.js';

/** DEFAULT_TIMEOUT_MS bounds one network request or child process. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** PlannedWrite is a write-file operation with its diff. */
export interface PlannedWrite {
  readonly op: Extract<Operation, { kind: 'write-file' }>;
  readonly diff: FileDiff;
}

/** PlanContext is the planner's view of the world. */
export interface PlanContext {
  readonly ctx: FixContext;
  /** The directory fix was pointed at (absolute). */
  readonly dir: string;
  /** The main module's root, or dir when there is no go.mod. */
  readonly root: string;
  /** Whether a go.mod was found. */
  readonly hasGoMod: boolean;
  readonly journal: string;
  readonly now: Date;
  readonly timeoutMs: number;
  /** v returns a resolved Go environment value. */
  v(name: string): string;
  /** session is a doctor session over ctx (created on first use; offline without ctx.fetch). */
  session(): DoctorSession;
  /** doctorOptions builds runDoctor options for this project (env overridable). */
  doctorOptions(env?: GoEnv): DoctorOptions;
  /** label is a file's name in diffs and messages: relative to the root when inside it. */
  label(file: string): string;
  /** planWrite compares the wanted content with the file on disk (undefined content deletes it). */
  planWrite(
    file: string,
    role: string,
    content: string | Uint8Array | undefined,
    options?: WriteOptions,
  ): Promise<PlannedWrite>;
  /** run runs a program (git, go) with the process environment and the timeout; never rejects. */
  run(file: string, args: readonly string[], cwd?: string, extraEnv?: Record<string, string>): Promise<ProcessResult>;
}

/** WriteOptions: the mode of a created file, and a secret substituted at apply time. */
export interface WriteOptions {
  readonly mode?: number;
  /** The environment variable whose value replaces SECRET_PLACEHOLDER in content. */
  readonly secretEnv?: string;
}

/** createPlanContext resolves the project of ctx. It never fails for a directory without go.mod. */
export async function createPlanContext(ctx: FixContext): Promise<PlanContext> {
  const dir = path.resolve(ctx.dir);
  const found = await findModuleRoot(dir);
  const root = found ?? dir;
  const journal = ctx.journal ? path.resolve(dir, ctx.journal) : journalPath(root);
  const now = ctx.now ? ctx.now() : new Date();
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  let session: DoctorSession | undefined;
  const doctorOptions = (env: GoEnv = ctx.env): DoctorOptions => ({
    dir: root,
    env,
    ...(ctx.fetch ? { fetch: ctx.fetch } : {}),
    processEnv: ctx.processEnv,
    timeoutMs: Math.max(timeoutMs * 2, 20_000),
    probeTimeoutMs: timeoutMs,
    offline: ctx.fetch === undefined,
    ...(ctx.installedGo !== undefined ? { installedGo: ctx.installedGo } : {}),
    ...(ctx.processEnv['TMPDIR'] ? { tmpDir: ctx.processEnv['TMPDIR'] } : {}),
  });
  const pc: PlanContext = {
    ctx,
    dir,
    root,
    hasGoMod: found !== undefined,
    journal,
    now,
    timeoutMs,
    v: (name) => (ctx.env.vars as Record<string, GoEnvValue | undefined>)[name]?.value ?? '',
    session: () => (session ??= createSession(doctorOptions(), ctx.signal)),
    doctorOptions,
    label: (file) => {
      const rel = path.relative(root, file);
      return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file.replace(/^\/+/, '');
    },
    async planWrite(file, role, wanted, options = {}) {
      const before = await readMaybe(file);
      let content: string | undefined;
      let encoding: 'base64' | undefined;
      if (wanted instanceof Uint8Array) {
        const text = Buffer.from(wanted).toString('utf8');
        if (Buffer.from(text).equals(Buffer.from(wanted))) content = text;
        else {
          content = Buffer.from(wanted).toString('base64');
          encoding = 'base64';
        }
      } else content = wanted;
      const shown = encoding ? Buffer.from(content!, 'base64').toString('utf8') : content;
      const secret = options.secretEnv ? ctx.processEnv[options.secretEnv] : undefined;
      const diff = fileDiff({
        path: file,
        label: pc.label(file),
        role,
        before,
        after: shown,
        ...(secret ? { secret } : {}),
      });
      const op: PlannedWrite['op'] = {
        kind: 'write-file',
        path: file,
        role,
        before: diff.before,
        after: diff.after,
        ...(content !== undefined ? { content } : {}),
        ...(encoding ? { encoding, after: sha256(Buffer.from(content!, 'base64')) } : {}),
        ...(options.mode !== undefined ? { mode: options.mode } : {}),
        ...(options.secretEnv ? { secretEnv: options.secretEnv } : {}),
      };
      return { op, diff };
    },
    run: (file, args, cwd, extraEnv = {}) =>
      runProcess(file, args, {
        env: { ...ctx.processEnv, ...extraEnv },
        timeoutMs,
        cwd: cwd ?? root,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
      }),
  };
  return pc;
}

/** requireGoMod throws ERR_FIX_NO_PROJECT when the plan context has no go.mod (exit 3). */
export function requireGoMod(pc: PlanContext, action: string): string {
  if (!pc.hasGoMod) {
    throw new CodedError(
      'ERR_FIX_NO_PROJECT',
      `fix ${action}: go.mod file not found in ${pc.dir} or any parent directory; see 'go help modules'`,
      { dir: pc.dir, exitCode: 3 },
    );
  }
  return path.join(pc.root, 'go.mod');
}

/**
 * withEnvChanges returns env with the changes applied, as the go command would resolve
 * it afterwards: a go-env change does not win over a value set in the process
 * environment; GONOPROXY/GONOSUMDB derived from GOPRIVATE follow it.
 */
export function withEnvChanges(env: GoEnv, changes: readonly EnvChange[]): GoEnv {
  if (changes.length === 0) return env;
  const vars = { ...env.vars } as Record<EnvName, GoEnvValue>;
  for (const c of changes) {
    const name = c.name as EnvName;
    const cur = vars[name];
    if (c.scope === 'go-env' && cur?.source === 'environment') continue;
    vars[name] = {
      value: c.after ?? '',
      source: c.scope === 'go-env' ? 'go env file' : 'environment',
    };
    if (name === 'GOPRIVATE') {
      for (const derived of ['GONOPROXY', 'GONOSUMDB'] as const) {
        const d = vars[derived];
        if (d.from === 'GOPRIVATE' || (d.source === 'default' && d.value === '')) {
          vars[derived] = { value: c.after ?? '', source: vars[name].source, from: 'GOPRIVATE' };
        }
      }
    }
  }
  return { ...env, vars };
}

/**
 * unchangedDraft is the draft of a plan that changes nothing — already in the wanted
 * state, or refused (with the reason): low risk (riskNote, default "nothing changes"),
 * nothing to undo, no writes and no operations.
 */
export function unchangedDraft(d: {
  readonly why: string;
  readonly steps: readonly PlanStep[];
  readonly notes: readonly string[];
  readonly verify: readonly string[];
  readonly refused?: string;
  readonly riskNote?: string;
}): PlanDraft {
  return {
    why: d.why,
    risk: { level: 'low', note: d.riskNote ?? 'nothing changes' },
    undo: 'nothing to undo',
    steps: d.steps,
    notes: d.notes,
    writes: [],
    ops: [],
    verify: d.verify,
    ...(d.refused !== undefined ? { refused: d.refused } : {}),
  };
}
