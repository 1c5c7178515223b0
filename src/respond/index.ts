/**
 * Package respond: `modrescue respond` — from a red build to a verified fix and a written
 * notice in one command. Triage reads the failed CI log; doctor runs the checks that
 * matter for that failure first, then the rest under a deadline; a ranked plan of
 * reversible fix actions (src/fix) is built from the diagnosis and the checks, each with
 * why, risk and undo; the actions are confirmed one by one on a terminal, applied with
 * `--yes`, or only shown with `--dry-run`; after each action the checks that were part of
 * the problem run again, and a build command verifies the result when a go binary is
 * present; the notice and the UTC timeline are written to `.modrescue/incidents/<id>/`
 * for `modrescue report`.
 *
 * API:
 *
 *   const r = await runRespond({ dir, log, loadEnv, processEnv, fetch, mode: 'yes', lang: 'en' });
 *   r.incident.outcome          // 'fixed' | 'not-fixed' | 'planned'
 *   r.incident.plan[i].journalId // undo id of an applied action
 *   r.dir                       // .modrescue/incidents/<id>/
 *
 *   const w = await createExampleWorld('checksum-mismatch');   // an offline incident
 *   … runRespond({ dir: w.project, log: …w.log, processEnv: w.env, … }); await w.close();
 *
 * Invariants: every change goes through src/fix (journalled, undoable byte for byte);
 * nothing is applied in dry-run mode or without a confirmation on a terminal; a failure
 * to fix is a result (outcome `not-fixed`), not an exception; secrets never reach the
 * output, the timeline or the incident files.
 */
export { runRespond, runVerifyCommand, goOnPath, mergeReports, timelineMarkdown } from './flow.js';
export { candidates, commandFor, reachableChain, privatePattern, specKey, type PlannerInput } from './planner.js';
export { FOCUS, focusFor, isProblem, isResolved } from './focus.js';
export { renderAction, renderPlan, renderSummary, progressLine, closingLine, PLAIN, type Style } from './render.js';
export {
  createExampleWorld,
  examplesDir,
  listExamples,
  readExampleSpec,
  removeTree,
  type CreateExampleOptions,
  type ExampleSpec,
  type ExampleWorld,
  type HistoryStep,
} from './example/world.js';
export type {
  Candidate,
  Decision,
  LogSource,
  PlannedAction,
  RespondEvent,
  RespondMode,
  RespondOptions,
  RespondResult,
} from './types.js';
