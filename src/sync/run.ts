import type { OwnershipTest } from '../model/aws.js';
import { executePlan, type PlanExecutor } from '../apply/executor.js';
import { MemoryIdDirectory, type ScimPort } from '../apply/port.js';
import type { Config } from '../config/schema.js';
import type { Plan, SourceShrink } from '../diff/index.js';
import { SourceReadError, SourceRefusedError, SyncError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import { ownershipPrefix } from '../model/ids.js';
import type { Snapshot } from '../model/snapshot.js';
import type { RequestLimiter } from '../scim/limiter.js';
import { ThrottledTooLongError, type ThrottlePolicy } from '../scim/throttle.js';
import type { SourceConnector } from '../sources/types.js';
import type { StateStore } from '../state/store.js';
import { executionMessage, executionStatus, stopReason, targetUnavailableMessage } from './outcome.js';
import { readTargetAndPlan, type Planned } from './read-and-plan.js';
import type { TargetReader } from './read-target.js';
import { brakeCause, planSummary, startRun, summarizeExecution, type RunPhase, type RunReport } from './report.js';
import { confirmInlineMembers } from './inline-check.js';
import { nextState } from './state-update.js';
import { guardSourceSizes, readAllSources } from './read-sources.js';

export interface RunOptions {
  mode: 'diff' | 'sync';
  /** Apply a plan held by the brake, only if its hash is exactly this. */
  approve?: string;
  allowEmptySource?: boolean;
  allowShrink?: boolean;
  now?: () => number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** A phase starts (the names of `timingsMs`): for a progress display. */
  onPhase?: (phase: RunPhase) => void;
  /** sync: the plan about to be applied, once it passed the brake and before the first write. */
  onPlanned?: (plan: Plan) => void;
}

export interface RunDeps {
  config: Config;
  sources: readonly SourceConnector[];
  scim: ScimPort & TargetReader;
  limiter: RequestLimiter;
  /** The run's one 429 policy, shared by the reads (through the SCIM client) and the writers. */
  throttle?: ThrottlePolicy;
  state: StateStore;
  logger: Logger;
  executor?: PlanExecutor;
}

export function inProcessExecutor(deps: Pick<RunDeps, 'scim' | 'limiter' | 'throttle' | 'config'>): PlanExecutor {
  return (plan, context) =>
    executePlan(plan, {
      ctx: { scim: deps.scim, ids: new MemoryIdDirectory() },
      limiter: deps.limiter,
      ...(deps.throttle ? { throttle: deps.throttle } : {}),
      logger: context.logger,
      settings: deps.config.sync,
      ...(context.onProgress ? { onProgress: context.onProgress } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
    });
}

export interface RunResult {
  report: RunReport;
  plan?: Plan;
  /** The shrunk sources when the shrink guard holds `plan` (no matching --approve): for the plan header. */
  shrinkHold?: readonly SourceShrink[];
}

/** One run: read every source completely → read AWS → plan → brake → apply (sync only) → report. */
export async function runSync(deps: RunDeps, options: RunOptions): Promise<RunResult> {
  const now = options.now ?? Date.now;
  const run = startRun(options.mode, now, options.onPhase);
  const { started, timed, finish } = run;
  const log = deps.logger.child({ component: 'run', runId: run.runId, mode: options.mode });

  const state = await deps.state.load();
  let snapshots: Snapshot[];
  let shrunk: SourceShrink[];
  try {
    snapshots = await timed('readSources', () =>
      readAllSources(deps.sources, options.signal ?? new AbortController().signal),
    );
    shrunk = guardSourceSizes(snapshots, state, deps.config, options);
  } catch (err) {
    if (options.signal?.aborted) return { report: finish('interrupted', interruptedBeforeApply(options.signal), {}) };
    if (!(err instanceof SourceReadError || err instanceof SourceRefusedError)) throw err;
    log.error({ err }, 'source read failed or refused; nothing planned');
    return { report: finish('source-failed', err.message, {}) };
  }
  const sourcesReport = snapshots.map((s) => ({
    id: s.sourceId,
    kind: s.sourceKind,
    users: s.users.length,
    groups: s.groups.length,
  }));
  log.info({ sources: sourcesReport, ms: run.timingsMs.readSources }, 'sources read completely');

  const prefixes = deps.sources.map((s) => ownershipPrefix(s.id));
  const isOwned: OwnershipTest = (ext): ext is string => ext !== undefined && prefixes.some((p) => ext.startsWith(p));
  let planned: Planned;
  try {
    planned = await readTargetAndPlan(deps, snapshots, state, { isOwned, now: started, timed });
  } catch (err) {
    if (err instanceof SyncError && err.code === 'CREDENTIALS_INVALID') {
      log.error({ err }, 'AWS rejected the SCIM credentials while reading');
      return { report: finish('credentials-invalid', err.message, { sources: sourcesReport }) };
    }
    const unreachable = targetUnavailableMessage(err);
    if (unreachable !== undefined) {
      log.error({ err }, 'the AWS SCIM endpoint could not be read; nothing planned');
      return { report: finish('target-unavailable', unreachable, { sources: sourcesReport }) };
    }
    if (err instanceof ThrottledTooLongError) {
      log.error(
        { throttledMs: err.throttledMs },
        'throttled past sync.maxThrottleWaitMs while reading AWS; nothing planned',
      );
      return { report: finish('throttled', err.message, { sources: sourcesReport }) };
    }
    throw err;
  }
  const { plan, desired, target, memberships, targetReport } = planned;
  log.info(targetReport, 'AWS state read');
  const common = { sources: sourcesReport, target: targetReport, plan: planSummary(plan), findings: plan.findings };
  log.info({ hash: plan.hash, operations: plan.operations.length, brake: plan.brake }, 'plan computed');

  // An approval binds to the exact plan it was given for, like applying a saved terraform plan: a
  // different plan is never applied under it, whether or not a guard would hold that plan. The
  // approval of the exact plan covers both guards that hold a plan (brake and shrink), so one review
  // of what will happen is enough.
  const holds = planHolds(plan, shrunk);
  const approved = options.approve === plan.hash;
  if ((options.approve !== undefined && !approved) || (holds.length > 0 && !approved)) {
    const why = options.approve
      ? `--approve ${options.approve} does not match this plan (hash ${plan.hash}); the plan changed, review it again`
      : `${holds.join('; ')}; nothing was applied. Review the plan ('icsync diff'); 'icsync sync --approve ${plan.hash}' applies exactly this plan`;
    log.warn({ hash: plan.hash, brake: plan.brake, shrunk: shrunk.map((s) => s.reason) }, 'plan held; nothing applied');
    // diff shows a held plan as blocked; sync refuses a shrunk source as it always has (exit 7).
    const status = shrunk.length > 0 && options.mode === 'sync' && !options.approve ? 'source-failed' : 'blocked';
    return { plan, report: finish(status, why, common), ...(shrunk.length > 0 ? { shrinkHold: shrunk } : {}) };
  }
  if (options.mode === 'diff') {
    const status = plan.operations.length > 0 ? 'changes-pending' : 'success';
    return {
      plan,
      report: finish(
        status,
        plan.operations.length > 0 ? `${plan.operations.length} operations pending` : 'AWS matches the sources',
        common,
      ),
    };
  }

  if (options.signal?.aborted)
    return { plan, report: finish('interrupted', interruptedBeforeApply(options.signal), common) };
  const apply = deps.executor ?? inProcessExecutor(deps);
  options.onPlanned?.(plan);
  const execution = await timed('apply', () =>
    apply(plan, {
      runId: run.runId,
      logger: log,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    }),
  );
  const inline = await confirmInlineMembers(deps.scim, plan, execution.results, log);
  const updated = nextState({
    state,
    desired,
    current: target,
    isOwned,
    snapshots: sourcesReport.map((s) => ({ sourceId: s.id, users: s.users, groups: s.groups })),
    ...memberships,
    plan,
    results: execution.results,
    now: started,
    inlineMembersKept: inline === undefined,
  });
  const status = executionStatus(execution, options.signal);
  if (status === 'success') updated.lastSuccessfulSyncAt = new Date(now()).toISOString();
  await deps.state.save(updated);
  return {
    plan,
    report: finish(status, executionMessage(status, execution, options.signal), {
      ...common,
      ...(inline ? { findings: [...common.findings, inline] } : {}),
      applied: summarizeExecution(execution),
    }),
  };
}

/** Why the plan may not be applied without an approval of its exact hash. */
function planHolds(plan: Plan, shrunk: readonly SourceShrink[]): string[] {
  const holds = shrunk.map((s) => `the shrink guard holds the plan: ${s.reason}`);
  if (plan.brake.blocked)
    holds.push(
      `the deletion brake holds the plan: ${brakeCause(plan)}, more than the threshold of ${plan.brake.threshold}`,
    );
  return holds;
}

function interruptedBeforeApply(signal: AbortSignal): string {
  return `interrupted (${stopReason(signal)}) before anything was applied`;
}
