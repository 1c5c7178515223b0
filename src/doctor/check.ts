/**
 * The contract of one doctor check and the Findings helper most checks build their
 * verdict with. A check file exports one CheckDefinition whose `doc` says what it
 * detects, one real example line and the fix (docs/doctor.md is checked against these).
 */
import type { DoctorSession } from './session.js';
import type { CheckId, CheckStatus, DoctorFix, Evidence } from './types.js';

/** CheckDoc documents a check (rendered into docs/doctor.md). */
export interface CheckDoc {
  /** What the check detects, in one or two sentences. */
  readonly detects: string;
  /** One real line a failing project prints (from the go command or from doctor). */
  readonly example: string;
  /** The fix, naming the `modrescue fix` action or the exact command. */
  readonly fix: string;
}

/** CheckContext is what a check runs with: the shared session plus its own progress reporting. */
export interface CheckContext {
  readonly session: DoctorSession;
  /** The run's abort signal (deadline or Ctrl-C). */
  readonly signal: AbortSignal;
  /** step reports what the check is doing or waiting for (shown live, and in the skip reason at the deadline). */
  step(text: string): void;
}

/** CheckOutcome is what a check's run returns; the runner adds id and timing. */
export interface CheckOutcome {
  readonly status: CheckStatus;
  readonly summary: string;
  readonly details?: readonly string[];
  readonly evidence?: readonly Evidence[];
  readonly fix?: DoctorFix | null;
}

/** CheckDefinition is one registered check. */
export interface CheckDefinition {
  readonly id: CheckId;
  /** A short title for progress views. */
  readonly title: string;
  /** True when the check needs the network (it is skipped by --offline). */
  readonly network: boolean;
  readonly doc: CheckDoc;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

/** Level is the weight of one finding. */
export type Level = 'fail' | 'warn' | 'info';

interface Finding {
  readonly level: Level;
  readonly text: string;
  readonly fix?: DoctorFix;
}

const RANK: Record<Level, number> = { fail: 0, warn: 1, info: 2 };

/**
 * Findings collects a check's findings; outcome() turns them into a verdict: the worst
 * level decides the status, the first finding of that level is the summary (with a count
 * of the others), every other finding becomes a detail line, and the fix is the first
 * fix among the findings of the worst level (else of any level).
 */
export class Findings {
  readonly #items: Finding[] = [];
  readonly #evidence: Evidence[] = [];
  readonly #notes: string[] = [];

  fail(text: string, fix?: DoctorFix): void {
    this.#items.push({ level: 'fail', text, ...(fix ? { fix } : {}) });
  }
  warn(text: string, fix?: DoctorFix): void {
    this.#items.push({ level: 'warn', text, ...(fix ? { fix } : {}) });
  }
  /** info adds a detail line that does not change the status. */
  info(text: string): void {
    this.#notes.push(text);
  }
  evidence(e: Evidence): void {
    this.#evidence.push(e);
  }
  /** count returns the number of findings at a level. */
  count(level: Level): number {
    return level === 'info' ? this.#notes.length : this.#items.filter((f) => f.level === level).length;
  }

  /** outcome builds the verdict; passSummary is the summary when nothing was found. */
  outcome(passSummary: string): CheckOutcome {
    const items = [...this.#items].sort((a, b) => RANK[a.level] - RANK[b.level]);
    const worst = items[0];
    if (!worst) {
      return { status: 'pass', summary: passSummary, details: this.#notes, evidence: this.#evidence, fix: null };
    }
    const others = items.length - 1;
    const summary = others > 0 ? `${firstLine(worst.text)} (and ${others} more)` : firstLine(worst.text);
    const details: string[] = [];
    const rest = restLines(worst.text);
    if (rest !== '') details.push(rest);
    for (const f of items.slice(1)) details.push(`${f.level}: ${f.text}`);
    details.push(...this.#notes);
    const fix = items.find((f) => f.level === worst.level && f.fix)?.fix ?? items.find((f) => f.fix)?.fix ?? null;
    return { status: worst.level === 'fail' ? 'fail' : 'warn', summary, details, evidence: this.#evidence, fix };
  }
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}

function restLines(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? '' : s.slice(i + 1).replace(/^\t/gm, '');
}

/** skipped is a skip outcome with the reason as summary. */
export function skipped(reason: string, details: readonly string[] = []): CheckOutcome {
  return { status: 'skip', summary: reason, details, evidence: [], fix: null };
}

/** fixWith builds a fix hint for a `modrescue fix` action. */
export function fixAction(action: DoctorFix['action'] & string, args: string, explanation: string): DoctorFix {
  return { action, command: `modrescue fix ${action}${args ? ' ' + args : ''}`, explanation };
}

/** fixCommand builds a fix hint that is an exact command. */
export function fixCommand(command: string, explanation: string): DoctorFix {
  return { command, explanation };
}
