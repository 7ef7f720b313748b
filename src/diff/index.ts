export { buildDesiredState, type DesiredState, type DesiredOptions } from './desired.js';
export { planChanges } from './planner.js';
export type { CurrentState, PlanPolicy } from './plan-context.js';
export {
  checkSourceSize,
  countDestructive,
  evaluateBrake,
  DEFAULT_BRAKE,
  type BrakePolicy,
  type SourceShrink,
  type SourceSizeRefusal,
} from './guards.js';
export type { Plan, Operation, OperationKind, ObjectRef, AttributeChange, BrakeEvaluation } from './plan.js';
export { PHASES, DESTRUCTIVE_KINDS } from './plan.js';
export type { Finding } from './findings.js';
export { planHash } from './hash.js';
export { claimForeignObjects, claimLegacyObjects, type TakeoverRules } from './ownership.js';
export { userChanges } from './user-changes.js';
