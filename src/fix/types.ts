/**
 * The data of `modrescue fix`: action specs, plans, operations and the context an action
 * runs in. Plain interfaces, JSON-serialisable (a plan can be printed, kept and applied
 * later; applyPlan re-checks that nothing changed in between).
 */
import type { GoEnv } from '../shared/goenv.js';
import type { FetchLike } from '../mod/web/types.js';
import type { CacheChange, EnvChange, GitChange, JournalEntry } from '../shared/journal.js';

/** ACTION_IDS lists every fix action. Ids are user-visible and never change. */
export const ACTION_IDS = ['proxy', 'cache', 'replace', 'pin', 'sum', 'private', 'toolchain', 'rollback'] as const;

/** ActionId is one fix action's stable id (the same ids as doctor's FixAction). */
export type ActionId = (typeof ACTION_IDS)[number];

/** EnvScope says where an environment change goes. */
export type EnvScope = 'shell' | 'go-env' | 'ci';

/** ProxySpec: `fix proxy [--set list] [--scope s] [--mirror url]…`. */
export interface ProxySpec {
  readonly action: 'proxy';
  /** The GOPROXY list to set; without it the mirrors are probed and the best chain chosen. */
  readonly set?: string;
  /** Default: `ci` inside CI (GITHUB_ENV or GITLAB_CI), else `go-env`. */
  readonly scope?: EnvScope;
  /** Candidate mirrors (else modrescue.yaml `fix.mirrors`, else the well-known public ones). */
  readonly mirrors?: readonly string[];
  /** The dotenv file for the ci scope outside GitHub Actions (GitLab `artifacts:reports:dotenv`). */
  readonly ciFile?: string;
}

/** CacheSpec: `fix cache --purge m@v… | --corrupt | --warm`. */
export interface CacheSpec {
  readonly action: 'cache';
  readonly purge?: readonly string[];
  readonly corrupt?: boolean;
  readonly warm?: boolean;
}

/** ReplaceSpec: `fix replace --add old[@v]=new[@v]… --drop old[@v]…` (as go mod edit -replace/-dropreplace). */
export interface ReplaceSpec {
  readonly action: 'replace';
  readonly add?: readonly string[];
  readonly drop?: readonly string[];
}

/** PinSpec: `fix pin m@v` (as go mod edit -require=m@v). */
export interface PinSpec {
  readonly action: 'pin';
  readonly module: string;
}

/** SumSpec: `fix sum` — repair go.sum with verified hashes only. */
export interface SumSpec {
  readonly action: 'sum';
}

/** PrivateSpec: `fix private --pattern glob [--ssh | --netrc-token-env VAR]`. */
export interface PrivateSpec {
  readonly action: 'private';
  readonly pattern: string;
  readonly ssh?: boolean;
  /** The environment variable holding the token (read at apply time, never printed or journalled). */
  readonly netrcTokenEnv?: string;
  /** The .netrc login (default `oauth2`, accepted with a token by GitHub and GitLab). */
  readonly netrcLogin?: string;
  /**
   * How the go command fetches the private modules: `proxy` keeps them on GOPROXY (a
   * company proxy), `direct` fetches them from the origin. Default: `proxy` when GOPROXY
   * serves them, else `direct`.
   */
  readonly route?: 'proxy' | 'direct';
  readonly scope?: Exclude<EnvScope, 'shell'>;
  readonly ciFile?: string;
}

/** ToolchainSpec: `fix toolchain [--prefer env|go.mod]`. */
export interface ToolchainSpec {
  readonly action: 'toolchain';
  /** Override the least-invasive choice. */
  readonly prefer?: 'env' | 'go.mod';
  readonly scope?: Exclude<EnvScope, 'shell'>;
  readonly ciFile?: string;
}

/** RollbackSpec: `fix rollback [--to ref | --last-stable] [--files-only] [--push]`. */
export interface RollbackSpec {
  readonly action: 'rollback';
  readonly to?: string;
  readonly lastStable?: boolean;
  readonly filesOnly?: boolean;
  readonly push?: boolean;
  /** Remote for --push (default origin). */
  readonly remote?: string;
}

/** ActionSpec is what planAction is asked to plan. */
export type ActionSpec =
  ProxySpec | CacheSpec | ReplaceSpec | PinSpec | SumSpec | PrivateSpec | ToolchainSpec | RollbackSpec;

/** RiskLevel grades what can go wrong: low (one file, verified), medium, high (history, credentials). */
export type RiskLevel = 'low' | 'medium' | 'high';

/** Risk is a plan's risk with the reason. */
export interface Risk {
  readonly level: RiskLevel;
  readonly note: string;
}

/** FileDiff is one file a plan changes, with its unified diff (secrets redacted). */
export interface FileDiff {
  readonly path: string;
  readonly role: string;
  readonly kind: 'create' | 'modify' | 'delete';
  /** sha256 before (null: absent) and after (null: deleted). */
  readonly before: string | null;
  readonly after: string | null;
  /** The unified diff (`--- a/…`, `+++ b/…`, hunks). */
  readonly unified: string;
}

/** PlanStep is one human-readable step of a plan. */
export interface PlanStep {
  readonly description: string;
  /** Trust label of a hash written (`checksum database <name>` or `trust on first use`). */
  readonly trust?: string;
}

/**
 * Operation is one thing applyPlan does, as data. File contents are UTF-8 text; a secret
 * (a token) is never stored: `secretEnv` names the variable whose value replaces
 * SECRET_PLACEHOLDER when the file is written.
 */
export type Operation =
  | {
      readonly kind: 'write-file';
      readonly path: string;
      readonly role: string;
      /** sha256 the file must still have (null: must not exist). */
      readonly before: string | null;
      /** sha256 after the write (null: the file is deleted). */
      readonly after: string | null;
      /** The new content (absent when deleting); base64 when `encoding` says so (bytes that are not UTF-8). */
      readonly content?: string;
      readonly encoding?: 'utf8' | 'base64';
      /** Permission bits for a created file (default 0644; an existing file keeps its mode). */
      readonly mode?: number;
      readonly secretEnv?: string;
    }
  | {
      /** Move these module-cache versions into the backup directory. */
      readonly kind: 'cache-quarantine';
      readonly modcache: string;
      readonly modules: ReadonlyArray<{ readonly path: string; readonly version: string; readonly reason: string }>;
    }
  | {
      /** Download these versions into the module cache, verified against go.sum and the checksum database. */
      readonly kind: 'cache-fill';
      readonly modcache: string;
      readonly modules: ReadonlyArray<{ readonly path: string; readonly version: string }>;
    }
  | {
      readonly kind: 'git-branch';
      readonly repo: string;
      readonly branch: string;
      readonly sha: string;
    }
  | {
      /** Commit exactly these paths (relative to repo) on the current branch, whose HEAD must be `head`. */
      readonly kind: 'git-commit';
      readonly repo: string;
      readonly paths: readonly string[];
      readonly message: string;
      readonly head: string;
    }
  | {
      /** Push a new branch (never forced). */
      readonly kind: 'git-push';
      readonly repo: string;
      readonly remote: string;
      readonly branch: string;
    };

/** SECRET_PLACEHOLDER stands for a secret in a planned file content. */
export const SECRET_PLACEHOLDER = '\u0000modrescue-secret\u0000';

/** Plan is what planAction returns and applyPlan performs. */
export interface Plan {
  /** The journal id the action gets when applied. */
  readonly id: string;
  readonly action: ActionId;
  /** The action's arguments (redacted). */
  readonly args: Readonly<Record<string, unknown>>;
  /** The main module's root (where the journal lives by default). */
  readonly project: string;
  /** The journal the action will be recorded in. */
  readonly journal: string;
  /** Why this action: what is wrong and what the action changes about it. */
  readonly why: string;
  readonly risk: Risk;
  /** How the action is undone. */
  readonly undo: string;
  readonly diffs: readonly FileDiff[];
  readonly steps: readonly PlanStep[];
  /** Trade-offs, warnings, alternatives (one line each). */
  readonly notes: readonly string[];
  /** True when there is nothing to do (already in the wanted state). */
  readonly noop: boolean;
  /** Set when the action must not be applied (dirty work tree, nothing verifiable…): the reason. */
  readonly refused?: string;
  /** Environment changes (for the journal and for respond's verification). */
  readonly env: readonly EnvChange[];
  /** Lines to print on stdout when applied (shell-scope `export` lines, for eval). */
  readonly output: readonly string[];
  /** Doctor checks re-run after applying. */
  readonly verify: readonly string[];
  readonly ops: readonly Operation[];
  /** When the plan was made (UTC ISO). */
  readonly created: string;
}

/** FixHooks lets tests and embedders observe an apply between its steps. */
export interface FixHooks {
  /**
   * afterStep runs after the pending entry is written and after each operation (step 0
   * is "pending written, nothing changed yet"). The crash test pauses here.
   */
  afterStep?(step: number, plan: Plan): Promise<void> | void;
}

/** FixContext is everything an action needs from the outside world. */
export interface FixContext {
  /** The project directory (go.mod is searched upwards from here). */
  readonly dir: string;
  /** The resolved Go environment (src/cli/goenv.ts resolveGoEnv). */
  readonly env: GoEnv;
  /**
   * The process environment: PATH/HOME for git and go, CI variables for the actor and
   * the ci scope, the token variable of `private --netrc-token-env`. Never printed.
   */
  readonly processEnv: Readonly<Record<string, string | undefined>>;
  /** The network; undefined means offline (network steps are planned as impossible). */
  readonly fetch?: FetchLike;
  /** The journal file (default `<project root>/.modrescue/journal.jsonl`). */
  readonly journal?: string;
  /** Clock (tests fix it). */
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  /** Timeout of one network request or child process (default 10 s). */
  readonly timeoutMs?: number;
  /** The installed go version (`go1.22.3`), null for none; default: `go version` from PATH. */
  readonly installedGo?: string | null;
  /** Re-run doctor checks after applying (default true). */
  readonly verify?: boolean;
  /** Progress lines (what is being probed/downloaded). */
  readonly onProgress?: (line: string) => void;
  readonly hooks?: FixHooks;
}

/** UndoOptions configure undo. */
export interface UndoOptions {
  /** Override the refusal when a file changed since the action (its current bytes are backed up first). */
  readonly force?: boolean;
}

/** UndoResult is what undo returns: the undo's own journal entry and what it could not revert. */
export interface UndoResult {
  readonly entry: JournalEntry;
  /** Things undo did not revert, each with the explanation and what to do (pushed commits, remote branches). */
  readonly leftAlone: readonly string[];
  /** Lines to print on stdout (shell-scope export lines restoring the old values). */
  readonly output: readonly string[];
}

/** ActionInfo describes an action (docs/fix.md's table is checked against these). */
export interface ActionInfo {
  readonly id: ActionId;
  /** The command line form. */
  readonly usage: string;
  /** One sentence: what it does. */
  readonly summary: string;
  /** Its typical risk. */
  readonly risk: RiskLevel;
  /** How it is undone. */
  readonly undo: string;
  /** Doctor checks re-run to verify it. */
  readonly verify: readonly string[];
}

export type { CacheChange, EnvChange, GitChange, JournalEntry };
