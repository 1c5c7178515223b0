/**
 * The data of `modrescue respond`: options of a run, the candidate actions of its plan,
 * the events it reports while it runs, and its result.
 */
import type { DoctorOptions, DoctorReport } from '../doctor/index.js';
import type { ActionSpec, EnvScope, Plan } from '../fix/index.js';
import type { FetchLike } from '../mod/web/types.js';
import type { IncidentDoc, Lang } from '../report/index.js';
import type { GoEnv } from '../shared/goenv.js';
import type { JournalEntry } from '../shared/journal.js';
import type { RuleSet, TriageResult } from '../triage/index.js';

/** RespondMode: confirm each step on a terminal, apply the top plan (`--yes`), or only plan (`--dry-run`). */
export type RespondMode = 'interactive' | 'yes' | 'dry-run';

/** LogSource is an opened CI log (the CLI opens files, stdin, URLs and CI jobs with triage's sources). */
export interface LogSource {
  readonly name: string;
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Job, pipeline, branch… known from where the log came from. */
  readonly context?: Readonly<Record<string, string>>;
}

/** Candidate is one action respond considers, before it is planned by src/fix. */
export interface Candidate {
  readonly spec: ActionSpec;
  /** Why respond proposes it (the triage category or the failing check). */
  readonly reason: string;
  /** Where it came from: the log's diagnosis or a doctor check's fix hint. */
  readonly source: 'triage' | 'doctor';
  /** Lower is tried first. */
  readonly priority: number;
}

/** PlannedAction is a candidate with its plan from src/fix (or the reason it could not be planned). */
export interface PlannedAction {
  readonly rank: number;
  readonly candidate: Candidate;
  readonly command: string;
  readonly plan?: Plan;
  /** Why planning failed (an error message), when it did. */
  readonly error?: string;
}

/** Decision is the engineer's answer to one step on a terminal. */
export type Decision = 'apply' | 'skip' | 'abort';

/** RespondEvent is what onEvent receives while respond runs (the CLI prints from these). */
export type RespondEvent =
  | { readonly type: 'phase'; readonly text: string }
  | { readonly type: 'triage'; readonly result: TriageResult }
  | { readonly type: 'doctor'; readonly stage: 'focused' | 'rest' | 'recheck'; readonly report: DoctorReport }
  | { readonly type: 'plan'; readonly actions: readonly PlannedAction[] }
  | { readonly type: 'applied'; readonly action: PlannedAction; readonly entry: JournalEntry }
  | { readonly type: 'skipped'; readonly action: PlannedAction; readonly why: string }
  | {
      readonly type: 'verify-command';
      readonly command: string;
      readonly exitCode: number | null;
      readonly timedOut: boolean;
    };

/** RespondOptions configure one run. Everything that touches the outside world is injected by the CLI. */
export interface RespondOptions {
  /** The project directory (go.mod is searched upwards from here). */
  readonly dir: string;
  /** The failed CI log, when there is one. */
  readonly log?: LogSource;
  /** The triage rules (default: the bundled ones). */
  readonly ruleSet?: RuleSet;
  /** Resolves the Go environment; called again after every action (an action may change the go env file). */
  readonly loadEnv: () => Promise<GoEnv>;
  /** The process environment for child processes (git, go) and fix's actor and CI scope. */
  readonly processEnv: Readonly<Record<string, string | undefined>>;
  /** The network (omit for offline: network checks are skipped, network actions refused). */
  readonly fetch?: FetchLike;
  /** Doctor settings that do not change during the run (GOCACHE, TMPDIR, probe timeout, installed go…). */
  readonly doctor?: Partial<Omit<DoctorOptions, 'dir' | 'env' | 'fetch' | 'only' | 'skip' | 'signal'>>;
  readonly mode: RespondMode;
  /** Asks the engineer about one step (interactive mode). Default: apply. */
  readonly confirm?: (action: PlannedAction) => Promise<Decision>;
  /** A command to verify the fix with (`go mod download && go build ./...`), run when a go binary is present. */
  readonly verifyCmd?: string;
  /** Timeout of the verification command in ms (default 120 000). */
  readonly verifyTimeoutMs?: number;
  /** Deadline of all doctor checks of one stage in ms (default 10 000). */
  readonly deadlineMs?: number;
  /** Where environment changes go (fix's default: `ci` in CI, else `go-env`). */
  readonly scope?: EnvScope;
  /** At most this many actions are applied (default 4). */
  readonly maxActions?: number;
  readonly lang: Lang;
  /** Impact scope for the notice; the log's hints fill what is not given. */
  readonly notice?: {
    readonly job?: string;
    readonly pipeline?: string;
    readonly branch?: string;
    readonly service?: string;
    readonly nextUpdateMinutes?: number;
  };
  /** The journal (default `<root>/.modrescue/journal.jsonl`). */
  readonly journal?: string;
  /** Hosts of the log and the loopback servers playing them (example incidents). */
  readonly aliases?: Readonly<Record<string, string>>;
  readonly now?: () => Date;
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: RespondEvent) => void;
}

/** RespondResult is what runRespond returns: the incident document and where it was written. */
export interface RespondResult {
  readonly incident: IncidentDoc;
  /** `.modrescue/incidents/<id>/`. */
  readonly dir: string;
  /** The notice in the run's language (also in the incident directory). */
  readonly notice: string;
  /** The timeline as Markdown (also in the incident directory). */
  readonly timeline: string;
}
