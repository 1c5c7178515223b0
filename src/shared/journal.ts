/**
 * The action journal: `.modrescue/journal.jsonl` in the project (or `--journal`), one JSON
 * object per line. `modrescue fix --apply` and `modrescue undo` append to it; `undo`,
 * `respond` and `report` read it. It is the record the root-cause analysis is written
 * from, so it says who did what, when, to which file, and how to take it back.
 *
 * Protocol (crash safety). An action appends a `pending` entry before it changes
 * anything — with every file it is about to touch, the sha256 of the file before and
 * the sha256 it will have after, and where the old bytes were backed up — then performs
 * its steps (each file written to a temporary file, fsync'd and renamed), then appends
 * the same id again with status `done` or `failed` and the outcome. Several lines may
 * therefore carry one id: readJournal folds them, the last line winning. An entry whose
 * last line is `pending` is dangling — the process died mid-action — and every file it
 * names holds either its `before` or its `after` bytes (compare the hashes to know
 * which); undo understands both.
 *
 * Invariants: lines are appended whole with O_APPEND and fsync'd; a torn last line
 * (power loss) is reported by readJournal as a line error and ignored, never fatal;
 * arguments are redacted before they are written (the journal never holds a secret);
 * file contents are never in the journal, only hashes and backup paths (backups live
 * under `.modrescue/backups/<id>/`, mode 0600).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { CodedError } from './errors.js';

/** JOURNAL_SCHEMA_VERSION is the `schemaVersion` of every journal line. */
export const JOURNAL_SCHEMA_VERSION = 1;

/** JOURNAL_DIR is the directory, under the project root, that holds the journal and backups. */
export const JOURNAL_DIR = '.modrescue';

/** JOURNAL_FILE is the journal's file name inside JOURNAL_DIR. */
export const JOURNAL_FILE = 'journal.jsonl';

/** JournalStatus is the state of an entry: `pending` until the action has finished. */
export type JournalStatus = 'pending' | 'done' | 'failed';

/** CiSystem names the CI service an actor ran in. */
export type CiSystem = 'github-actions' | 'gitlab-ci' | 'jenkins' | 'ci';

/** Actor is who performed an action: a CI job, the git user, or the login user. */
export interface Actor {
  readonly kind: 'ci' | 'git' | 'user';
  /** A display name: `alice <alice@example.com>`, `github-actions: build (run 42)`. */
  readonly name: string;
  readonly email?: string;
  readonly ci?: {
    readonly system: CiSystem;
    readonly job?: string;
    readonly run?: string;
    readonly url?: string;
    /** The user who triggered the job, when the CI says (GITHUB_ACTOR, GITLAB_USER_LOGIN). */
    readonly user?: string;
  };
}

/**
 * FileChange is one file an action writes, creates or deletes. `before`/`after` are sha256
 * hex digests of the whole file, null when the file does not exist on that side.
 */
export interface FileChange {
  /** Absolute path. */
  readonly path: string;
  /** What the file is: `go.mod`, `go.sum`, `go env file`, `GITHUB_ENV`, `dotenv`, `gitconfig`, `netrc`. */
  readonly role: string;
  readonly before: string | null;
  readonly after: string | null;
  /** Where the before bytes were copied (absent when the file did not exist). */
  readonly backup?: string;
  /** The file's permission bits before the action (restored by undo). */
  readonly mode?: number;
  /** In a `failed` entry: whether this write happened (and was not rolled back). */
  readonly written?: boolean;
}

/** EnvChange is one Go environment variable an action set, in one scope. */
export interface EnvChange {
  /** `shell`: printed export lines; `go-env`: the go env file; `ci`: $GITHUB_ENV or a dotenv file. */
  readonly scope: 'shell' | 'go-env' | 'ci';
  readonly name: string;
  /** The value before (null: not set in that scope). */
  readonly before: string | null;
  /** The value after (null: removed). */
  readonly after: string | null;
  /** The file written, for go-env and ci scopes. */
  readonly file?: string;
}

/** GitChange is one change an action made to a git repository. */
export type GitChange =
  | {
      /** A branch created at sha. */
      readonly kind: 'branch';
      readonly repo: string;
      readonly branch: string;
      readonly sha: string;
    }
  | {
      /** A commit made on branch (parent → sha) touching paths. */
      readonly kind: 'commit';
      readonly repo: string;
      readonly branch: string;
      readonly sha: string;
      readonly parent: string;
      readonly paths: readonly string[];
    }
  | {
      /** branch pushed to remote (a new branch; never forced). */
      readonly kind: 'push';
      readonly repo: string;
      readonly remote: string;
      readonly branch: string;
      readonly sha: string;
    }
  | {
      /** A branch deleted (by undo) that pointed at sha. */
      readonly kind: 'branch-deleted';
      readonly repo: string;
      readonly branch: string;
      readonly sha: string;
    }
  | {
      /** A revert commit (by undo) of `reverted`. */
      readonly kind: 'revert';
      readonly repo: string;
      readonly branch: string;
      readonly sha: string;
      readonly reverted: string;
    };

/** CacheChange is one module-cache version an action moved aside, restored, added or removed. */
export interface CacheChange {
  /**
   * `quarantined`: the version's files were moved out of the cache into `backup` (kept as
   * evidence; undo moves them back); `added`: the version was downloaded into the cache
   * (undo removes it); `restored`/`removed`: what undo did.
   */
  readonly kind: 'quarantined' | 'added' | 'restored' | 'removed';
  readonly modcache: string;
  readonly path: string;
  readonly version: string;
  /** The cache paths involved, relative to modcache. */
  readonly entries: readonly string[];
  /** Where quarantined files went (a directory mirroring the cache layout). */
  readonly backup?: string;
  /** Why (the corruption found, or "requested"). */
  readonly reason?: string;
}

/** Verification is one doctor check re-run after an action. */
export interface Verification {
  readonly check: string;
  readonly status: 'pass' | 'warn' | 'fail' | 'skip';
  readonly summary: string;
}

/** Outcome is how an action ended. */
export interface Outcome {
  /**
   * `ok`: applied (and verified, when checks ran); `verify-failed`: applied but a check
   * still fails; `failed`: an error stopped it (what was done is rolled back where
   * possible; `files[].written` says what stayed); `interrupted`: found dangling.
   */
  readonly status: 'ok' | 'verify-failed' | 'failed';
  readonly message?: string;
  /** The error code when failed. */
  readonly code?: string;
  readonly verification?: readonly Verification[];
  /** Lines the action printed for the user to run (shell exports, explanations). */
  readonly output?: readonly string[];
}

/** JournalEntry is one action as the journal records it (the fold of its lines). */
export interface JournalEntry {
  readonly schemaVersion: 1;
  /** `<action>-<yyyymmdd>T<hhmmss>Z-<hex>`; `undo-…` for undo entries. */
  readonly id: string;
  readonly status: JournalStatus;
  /** When the action started (UTC, ISO 8601). */
  readonly time: string;
  /** When it finished (absent while pending). */
  readonly finished?: string;
  readonly actor: Actor;
  /** The fix action id (`sum`, `proxy`, …) or `undo`. */
  readonly action: string;
  /** The action's arguments, redacted. */
  readonly args: Readonly<Record<string, unknown>>;
  /** The project root the action ran in. */
  readonly project: string;
  /** One line: what the action does and why. */
  readonly summary: string;
  /** The plan's risk level and its undo description. */
  readonly risk?: string;
  readonly undo?: string;
  readonly files: readonly FileChange[];
  readonly env: readonly EnvChange[];
  readonly git: readonly GitChange[];
  readonly cache: readonly CacheChange[];
  /** `.modrescue/backups/<id>/`, when anything was backed up. */
  readonly backupDir?: string;
  /** For undo entries: the entry undone. */
  readonly undoOf?: string;
  readonly outcome?: Outcome;
}

/** JournalLineError is a journal line that could not be read (torn, edited, foreign). */
export interface JournalLineError {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** JournalView is a read journal: entries folded by id, in order of their first line. */
export interface JournalView {
  readonly file: string;
  readonly entries: readonly JournalEntry[];
  readonly errors: readonly JournalLineError[];
}

const fileChange = z.looseObject({
  path: z.string(),
  role: z.string(),
  before: z.string().nullable(),
  after: z.string().nullable(),
  backup: z.string().optional(),
  mode: z.number().optional(),
  written: z.boolean().optional(),
});

const entrySchema = z.looseObject({
  schemaVersion: z.literal(1),
  id: z.string().min(1),
  status: z.enum(['pending', 'done', 'failed']),
  time: z.string(),
  finished: z.string().optional(),
  actor: z.looseObject({ kind: z.enum(['ci', 'git', 'user']), name: z.string() }),
  action: z.string(),
  args: z.record(z.string(), z.unknown()),
  project: z.string(),
  summary: z.string(),
  files: z.array(fileChange),
  env: z.array(z.looseObject({ scope: z.string(), name: z.string() })),
  git: z.array(z.looseObject({ kind: z.string(), repo: z.string() })),
  cache: z.array(z.looseObject({ kind: z.string(), path: z.string(), version: z.string() })),
  undoOf: z.string().optional(),
});

/** journalPath returns the default journal of a project root: `<root>/.modrescue/journal.jsonl`. */
export function journalPath(projectRoot: string): string {
  return path.join(projectRoot, JOURNAL_DIR, JOURNAL_FILE);
}

/** backupDirFor returns `<journal dir>/backups/<id>` for a journal file and an entry id. */
export function backupDirFor(journalFile: string, id: string): string {
  return path.join(path.dirname(journalFile), 'backups', id);
}

/**
 * idTimestamp returns now as the time part of journal and incident ids: UTC
 * `<yyyymmdd>T<hhmmss>Z` (ids that share a prefix sort by time).
 */
export function idTimestamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** randomIdSuffix returns the 4 random hex digits that end journal and incident ids. */
export function randomIdSuffix(): string {
  return randomBytes(2).toString('hex');
}

/**
 * newEntryId returns a fresh entry id for action at time now:
 * `<action>-<yyyymmdd>T<hhmmss>Z-<4 hex>`. The action must be kebab-case.
 */
export function newEntryId(action: string, now: Date, random: () => string = randomIdSuffix): string {
  return `${action}-${idTimestamp(now)}-${random()}`;
}

/**
 * parseJournal folds journal text into entries. Lines that are not JSON or not journal
 * entries (a torn write, a manual edit) are collected as errors with file:line:col and
 * skipped; it never throws.
 */
export function parseJournal(file: string, text: string): JournalView {
  const byId = new Map<string, JournalEntry>();
  const errors: JournalLineError[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!;
    if (raw.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      const m = /position (\d+)/.exec((e as Error).message);
      errors.push({
        file,
        line: i + 1,
        col: m ? Number(m[1]) + 1 : 1,
        message: i === lines.length - 1 ? 'incomplete last line (torn write?)' : 'not a JSON object',
      });
      continue;
    }
    const r = entrySchema.safeParse(value);
    if (!r.success) {
      const issue = r.error.issues[0]!;
      errors.push({
        file,
        line: i + 1,
        col: 1,
        message: `not a journal entry: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
      });
      continue;
    }
    const entry = value as JournalEntry;
    // Later lines of the same id complete the entry; keep insertion order of the first line.
    const prev = byId.get(entry.id);
    byId.set(entry.id, prev ? { ...prev, ...entry } : entry);
  }
  return { file, entries: [...byId.values()], errors };
}

/** readJournal reads and folds a journal; a missing file is an empty journal. It throws ERR_JOURNAL_READ when the file cannot be read. */
export async function readJournal(file: string): Promise<JournalView> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { file, entries: [], errors: [] };
    throw new CodedError('ERR_JOURNAL_READ', `cannot read the journal ${file}: ${(e as Error).message}`, { file });
  }
  return parseJournal(file, text);
}

/**
 * ensureJournalDir creates the journal's directory (and a `.gitignore` holding `*` in it
 * when the directory is created, so git never shows or commits journal and backups).
 */
export async function ensureJournalDir(file: string): Promise<void> {
  const dir = path.dirname(file);
  const created = await mkdir(dir, { recursive: true });
  if (created !== undefined && path.basename(dir) === JOURNAL_DIR) {
    await writeFile(path.join(dir, '.gitignore'), '*\n', { flag: 'wx' }).catch(() => undefined);
  }
}

/**
 * appendJournal appends one entry line (O_APPEND, fsync). It throws ERR_JOURNAL_WRITE
 * when the journal cannot be written; the caller must then not perform the action.
 */
export async function appendJournal(file: string, entry: JournalEntry): Promise<void> {
  try {
    await ensureJournalDir(file);
    const fh = await open(file, 'a', 0o600);
    try {
      await fh.write(JSON.stringify(entry) + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new CodedError('ERR_JOURNAL_WRITE', `cannot write the journal ${file}: ${(e as Error).message}`, { file });
  }
}

/**
 * findEntry returns the entry whose id is ref or starts with ref. It throws
 * ERR_JOURNAL_UNKNOWN_ID when none matches and ERR_JOURNAL_AMBIGUOUS_ID when several do.
 */
export function findEntry(view: JournalView, ref: string): JournalEntry {
  const exact = view.entries.find((e) => e.id === ref);
  if (exact) return exact;
  const hits = view.entries.filter((e) => e.id.startsWith(ref));
  if (hits.length === 1) return hits[0]!;
  if (hits.length === 0) {
    throw new CodedError('ERR_JOURNAL_UNKNOWN_ID', `no action ${JSON.stringify(ref)} in the journal ${view.file}`, {
      id: ref,
      file: view.file,
    });
  }
  throw new CodedError(
    'ERR_JOURNAL_AMBIGUOUS_ID',
    `${JSON.stringify(ref)} names ${hits.length} actions in the journal: ${hits.map((h) => h.id).join(', ')}`,
    { id: ref, matches: hits.map((h) => h.id) },
  );
}

/** undoneBy returns the completed undo entry of id, if any. */
export function undoneBy(view: JournalView, id: string): JournalEntry | undefined {
  return view.entries.find((e) => e.action === 'undo' && e.undoOf === id && e.status === 'done');
}

/** danglingEntries returns the entries whose last line is `pending` (the process died mid-action). */
export function danglingEntries(view: JournalView): JournalEntry[] {
  return view.entries.filter((e) => e.status === 'pending');
}

/**
 * lastUndoable returns the newest action entry (not an undo) that has not been undone and
 * changed something (a file, an environment setting, git or the module cache), or undefined.
 */
export function lastUndoable(view: JournalView): JournalEntry | undefined {
  for (let i = view.entries.length - 1; i >= 0; i--) {
    const e = view.entries[i]!;
    if (e.action === 'undo') continue;
    if (undoneBy(view, e.id)) continue;
    const changed = e.status === 'failed' ? e.files.some((f) => f.written) : e.files.length > 0 || e.env.length > 0;
    if (!changed && e.git.length === 0 && e.cache.length === 0) continue;
    return e;
  }
  return undefined;
}
