/**
 * Package fix: `modrescue fix <action>` — reversible recovery actions with a journal —
 * and `modrescue undo`. The seed's chapter 3: a temporary proxy, a repaired module cache,
 * `replace`, a pinned version, a verified go.sum, private-module settings, a toolchain
 * choice, and a rollback to the last stable tag; every change recorded for the root-cause
 * analysis and reversible byte for byte.
 *
 * API (for `respond` and other embedders):
 *
 *   const plan = await planAction({ action: 'sum' }, ctx);   // nothing changes
 *   plan.why, plan.risk, plan.undo, plan.diffs[i].unified, plan.steps, plan.notes, plan.refused
 *   const entry = await applyPlan(plan, ctx);                // journalled; verified by doctor checks
 *   entry.outcome.status                                     // 'ok' | 'verify-failed'
 *   const { entry: u, leftAlone } = await undo(entry.id, ctx);
 *   ACTIONS                                                  // id, usage, summary, risk, undo, verify
 *
 * ctx (FixContext): the project dir, the resolved GoEnv (src/cli/goenv.ts), the process
 * environment (PATH/HOME for git, CI variables, token variables — never printed), a
 * FetchLike (omit for offline), the journal path, a clock, a signal, timeouts.
 *
 * Invariants: planning never changes anything; applying writes atomically (temp +
 * fsync + rename) after a `pending` journal entry, so a crash leaves old or new bytes and
 * the journal says which; every applied action and every undo is journalled
 * (`.modrescue/journal.jsonl`, see src/shared/journal.ts) with sha256 before/after and
 * backups under `.modrescue/backups/<id>/`; secrets never reach plans, diffs, output or
 * the journal; history is never rewritten and nothing is force-pushed.
 *
 * Error codes: ERR_FIX_* (docs/errors.md); every CodedError carries `fields.exitCode`
 * (1 refused/stale/verification, 2 usage, 3 could not finish) where it is not 3.
 */
export { planAction, applyPlan, verifyPlan, redactDeep, type PlanDraft } from './engine.js';
export { undo } from './undo.js';
export { ACTIONS, getAction } from './registry.js';
export { withEnvChanges } from './context.js';
export { ciActor, detectActor } from './actor.js';
export {
  ACTION_IDS,
  SECRET_PLACEHOLDER,
  type ActionId,
  type ActionInfo,
  type ActionSpec,
  type CacheSpec,
  type EnvScope,
  type FileDiff,
  type FixContext,
  type FixHooks,
  type Operation,
  type PinSpec,
  type Plan,
  type PlanStep,
  type PrivateSpec,
  type ProxySpec,
  type ReplaceSpec,
  type Risk,
  type RiskLevel,
  type RollbackSpec,
  type SumSpec,
  type ToolchainSpec,
  type UndoOptions,
  type UndoResult,
} from './types.js';
