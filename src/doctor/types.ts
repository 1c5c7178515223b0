/**
 * The data of `modrescue doctor`: check ids, results, the report, and the options of a
 * run. Plain interfaces (JSON-serialisable) so that `respond` and `fix` can keep, compare
 * and journal them.
 */
import type { GoEnv } from '../shared/goenv.js';
import type { FetchLike } from '../mod/web/types.js';

/** CHECK_IDS lists every check, in report order. Ids are user-visible and never change. */
export const CHECK_IDS = [
  'gomod-syntax',
  'go-env',
  'goproxy-reachable',
  'sumdb-reachable',
  'private-modules',
  'credentials',
  'go-version',
  'gosum-complete',
  'gosum-verified',
  'modcache-integrity',
  'retracted-deprecated',
  'vendor-consistency',
  'disk-space',
] as const;

/** CheckId is one check's stable id. */
export type CheckId = (typeof CHECK_IDS)[number];

/** CheckStatus is a check's verdict; `skip` says why in the summary. */
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip';

/**
 * FixAction names a `modrescue fix <action>` recovery action (src/fix). A fix hint names
 * one of them, or an exact command when no action applies.
 */
export type FixAction = 'proxy' | 'cache' | 'replace' | 'pin' | 'sum' | 'private' | 'toolchain' | 'rollback';

/** DoctorFix is a check's fix hint. */
export interface DoctorFix {
  /** The `modrescue fix` action, when one applies. */
  readonly action?: FixAction;
  /** The exact command to run (`modrescue fix proxy`, `go mod vendor`, `go env -u GOPROXY`…). */
  readonly command: string;
  /** One sentence: what the command does about this finding. */
  readonly explanation: string;
}

/** Evidence is one structured fact behind a verdict (an HTTP answer, a file, a go.sum line…). */
export type Evidence = Readonly<Record<string, unknown>>;

/** CheckResult is the outcome of one check as reported (text fields are already redacted). */
export interface CheckResult {
  readonly id: CheckId;
  readonly status: CheckStatus;
  /** One line: the most important finding, or what was verified. */
  readonly summary: string;
  /** Further findings and explanations, one line each. */
  readonly details: readonly string[];
  readonly evidence: readonly Evidence[];
  /** How to fix the most important finding; null when there is nothing to fix. */
  readonly fix: DoctorFix | null;
  /** Wall time of the check in milliseconds (0 when it did not run). */
  readonly durationMs: number;
}

/** DoctorEnvValue is one Go environment value as reported (redacted). */
export interface DoctorEnvValue {
  readonly value: string;
  readonly source: string;
  readonly from?: string;
}

/** DoctorProject describes the project that was checked. */
export interface DoctorProject {
  /** The directory doctor was pointed at. */
  readonly dir: string;
  /** The main module's root (the directory holding go.mod). */
  readonly root: string;
  /** The module path, when go.mod declares one. */
  readonly module?: string;
  /** The go line, when present. */
  readonly go?: string;
  /** The toolchain line, when present. */
  readonly toolchain?: string;
  /** The go.work file in use, when any. */
  readonly goWork?: string;
}

/** DoctorReport is what runDoctor returns (and `--json` prints, after schemaVersion). */
export interface DoctorReport {
  readonly project: DoctorProject;
  /** The resolved Go environment (redacted), each value with its source. */
  readonly env: Readonly<Record<string, DoctorEnvValue>>;
  /** The go env file consulted, if any. */
  readonly envFile: { readonly path?: string; readonly read: boolean };
  readonly checks: readonly CheckResult[];
  /** Number of checks per status. */
  readonly counts: Readonly<Record<CheckStatus, number>>;
  readonly offline: boolean;
  /** The deadline of the whole run in milliseconds. */
  readonly deadlineMs: number;
  readonly durationMs: number;
}

/** Clock is the time source of a run (tests pass a fixed one for certificate expiry). */
export interface Clock {
  now(): number;
}

/** ProgressEvent is what onProgress receives while checks run. */
export type ProgressEvent =
  | { readonly type: 'start'; readonly id: CheckId; readonly title: string }
  | { readonly type: 'step'; readonly id: CheckId; readonly step: string }
  | { readonly type: 'done'; readonly result: CheckResult };

/** DiskThresholds are the free-space limits of the disk-space check. */
export interface DiskThresholds {
  /** Below this many free bytes the check fails. Default 256 MiB. */
  readonly failBytes?: number;
  /** Below this many free bytes the check warns. Default 2 GiB. */
  readonly warnBytes?: number;
  /** Below this many free inodes the check fails. Default 10 000. */
  readonly failInodes?: number;
  /** Below this many free inodes the check warns. Default 100 000. */
  readonly warnInodes?: number;
}

/**
 * DoctorOptions configure one run. Only dir and env are required; everything that
 * touches the outside world (network, child processes, time) can be injected.
 */
export interface DoctorOptions {
  /** The project directory (go.mod is searched from here upwards, as the go command does). */
  readonly dir: string;
  /** The resolved Go environment (src/cli/goenv.ts resolveGoEnv). */
  readonly env: GoEnv;
  /**
   * The network (createHttpClient over the resolved env, or any FetchLike). Required
   * unless offline; network checks are skipped without it.
   */
  readonly fetch?: FetchLike;
  /**
   * The process environment handed to child processes (`git`, `go version`): PATH, HOME,
   * SSH_AUTH_SOCK, XDG_CONFIG_HOME… Doctor never reads process.env itself. Default: only
   * what `env` implies (no PATH: `git` and `go` are then not found).
   */
  readonly processEnv?: Readonly<Record<string, string | undefined>>;
  /** Deadline of the whole run in ms; unfinished checks are reported as skip. Default 10 000. */
  readonly timeoutMs?: number;
  /** Timeout of one network probe or child process in ms. Default: half the deadline, 500–5 000. */
  readonly probeTimeoutMs?: number;
  /** Run only these checks. */
  readonly only?: readonly CheckId[];
  /** Do not run these checks. */
  readonly skip?: readonly CheckId[];
  /** Run only the local checks (no network); the others are skipped with the reason. */
  readonly offline?: boolean;
  /** Aborts the run (Ctrl-C): runDoctor rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly clock?: Clock;
  /** Receives progress while checks run (the CLI draws its progress view from these). */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** GOCACHE, for disk-space (the CLI resolves it; default $HOME/.cache/go-build). */
  readonly goCache?: string;
  /** The temporary directory, for disk-space (default /tmp). */
  readonly tmpDir?: string;
  /** The installed go command's version (`go1.22.3`), or null for "none"; default: run `go version` from PATH. */
  readonly installedGo?: string | null;
  readonly diskThresholds?: DiskThresholds;
  /** A held module-cache lock older than this is reported as stale (ms). Default 60 000. */
  readonly staleLockMs?: number;
  /** Concurrent network requests of one run. Default 16. */
  readonly networkConcurrency?: number;
}
