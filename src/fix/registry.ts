/**
 * The action registry: every `modrescue fix` action, in the order of ACTION_IDS, with its
 * metadata (docs/fix.md's table is checked against ACTIONS by a test) and its planner.
 */
import { CodedError } from '../shared/errors.js';
import type { PlanContext } from './context.js';
import type { PlanDraft } from './engine.js';
import { ACTION_IDS, type ActionId, type ActionInfo, type ActionSpec } from './types.js';
import * as replace from './actions/replace.js';
import * as pin from './actions/pin.js';
import * as sum from './actions/sum.js';
import * as privateAction from './actions/private.js';
import * as toolchain from './actions/toolchain.js';
import * as rollback from './actions/rollback.js';
import * as cache from './actions/cache.js';
import * as proxy from './actions/proxy.js';

/** ActionDefinition is one action: its metadata and its planner. */
export interface ActionDefinition {
  readonly info: ActionInfo;
  plan(spec: ActionSpec, pc: PlanContext): Promise<PlanDraft>;
}

type Planner<S> = (spec: S, pc: PlanContext) => Promise<PlanDraft>;
const def = <S>(m: { info: ActionInfo; plan: Planner<S> }): ActionDefinition => m as unknown as ActionDefinition;

const DEFINITIONS: readonly ActionDefinition[] = [
  def(proxy),
  def(cache),
  def(replace),
  def(pin),
  def(sum),
  def(privateAction),
  def(toolchain),
  def(rollback),
];

/** ACTIONS lists the metadata of every action, in ACTION_IDS order. */
export const ACTIONS: readonly ActionInfo[] = DEFINITIONS.map((d) => d.info).sort(
  (a, b) => ACTION_IDS.indexOf(a.id) - ACTION_IDS.indexOf(b.id),
);

/** getAction returns the definition of id; it throws ERR_FIX_UNKNOWN_ACTION (exit 2) for an unknown id. */
export function getAction(id: ActionId | string): ActionDefinition {
  const d = DEFINITIONS.find((x) => x.info.id === id);
  if (!d) {
    throw new CodedError('ERR_FIX_UNKNOWN_ACTION', `fix: unknown action "${id}" (actions: ${ACTION_IDS.join(', ')})`, {
      action: id,
      exitCode: 2,
    });
  }
  return d;
}
