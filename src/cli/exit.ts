/**
 * The exit codes of modrescue, one table (docs/architecture.md §4). Identical with `--json`.
 * The `mod` and `list` plumbing commands exit as the go command does (1 on error).
 */
export const EXIT = {
  /** Success; nothing at or above --fail-on was found. */
  OK: 0,
  /** Findings at or above --fail-on (triage: a cause was identified; doctor: a check failed). */
  FINDINGS: 1,
  /** Usage error: unknown command or flag, bad flag value. */
  USAGE: 2,
  /** Could not finish: bad input, network, authentication. */
  INCOMPLETE: 3,
  /** Internal error: a bug in modrescue (printed with the stack and "please report"). */
  INTERNAL: 70,
  /** Interrupted by SIGINT/SIGTERM. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
