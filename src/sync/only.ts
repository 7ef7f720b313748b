import { buildDesiredState, planChanges, type Plan } from '../diff/index.js';
import { SourceReadError, SourceRefusedError, SyncError } from '../errors.js';
import type { Snapshot } from '../model/snapshot.js';
import { ThrottledTooLongError } from '../scim/throttle.js';
import { executionStatus } from './outcome.js';
import { readGroups, readSelected, type Claims, type Current, type OnlyScim } from './only-read.js';
import { restrictSnapshots, selectObjects, type OnlySelector } from './only-select.js';
import { planPolicy, takeoverRules } from './policy.js';
import { planSummary, startRun, summarizeExecution } from './report.js';
import { guardSourceSizes, readAllSources } from './read-sources.js';
import { inProcessExecutor, type RunDeps, type RunOptions, type RunResult } from './run.js';

export interface OnlyDeps extends Omit<RunDeps, 'scim'> {
  scim: OnlyScim;
}

export interface OnlyOptions {
  mode: 'diff' | 'sync';
  selectors: readonly OnlySelector[];
  approve?: string;
  allowEmptySource?: boolean;
  allowShrink?: boolean;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** As a full run's (run.ts): for the same progress display. */
  onPhase?: RunOptions['onPhase'];
  onPlanned?: RunOptions['onPlanned'];
  now?: () => number;
}

/**
 * Provision on demand (`sync --only`, `diff --only`): every source is read completely and passes the
 * same size guards as a full run, then only the selected objects and their memberships are read from
 * AWS and planned by the same planner, brake and executor as a webhook-triggered run (targeted.ts).
 * Only selected objects may be retired; other members of a group are never added or removed; the
 * run state is not saved, since it describes full runs.
 */
export async function runOnly(deps: OnlyDeps, options: OnlyOptions): Promise<RunResult> {
  // --only has no separate membership phase; its phases draw the same progress display as a full run.
  const run = startRun(options.mode, options.now, options.onPhase);
  const { started, timed, finish } = run;
  const signal = options.signal ?? new AbortController().signal;
  const log = deps.logger.child({ component: 'run', runId: run.runId, mode: options.mode, only: true });
  const state = await deps.state.load();
  let full: Snapshot[];
  try {
    full = await timed('readSources', () => readAllSources(deps.sources, signal));
    // A provision-on-demand run takes no approval of a whole plan, so a shrunk source refuses it outright.
    const shrunk = guardSourceSizes(full, state, deps.config, options);
    if (shrunk.length > 0) throw new SourceRefusedError(shrunk.map((s) => s.reason).join('; '));
  } catch (err) {
    if (!(err instanceof SourceReadError || err instanceof SourceRefusedError)) throw err;
    log.error({ err }, 'source read failed or refused; nothing planned');
    return { report: finish('source-failed', err.message, {}) };
  }
  const selection = selectObjects(full, options.selectors);
  const takeover = takeoverRules(deps.config.sources);
  const claims: Claims = { sourceIds: deps.sources.map((s) => s.id), takeover, snapshots: full };
  const sources = full.map((s) => ({
    id: s.sourceId,
    kind: s.sourceKind,
    users: s.users.length,
    groups: s.groups.length,
  }));
  let read: { current: Current; restricted: Snapshot[] };
  try {
    read = await timed('readTarget', async () => {
      const found = await readSelected(deps.scim, selection, claims);
      const maxDepth = deps.config.sync.maxNestingDepth;
      const snapshots = restrictSnapshots(full, selection, found.awsGroupsOfSelected, maxDepth);
      await readGroups(deps.scim, snapshots, selection, found.current, claims);
      return { current: found.current, restricted: snapshots };
    });
  } catch (err) {
    // As a full run (run.ts): a refused token or a throttled read ends the run with its own status.
    if (err instanceof SyncError && err.code === 'CREDENTIALS_INVALID') {
      log.error({ err }, 'AWS rejected the SCIM credentials while reading');
      return { report: finish('credentials-invalid', err.message, { sources }) };
    }
    if (err instanceof ThrottledTooLongError) return { report: finish('throttled', err.message, { sources }) };
    throw err;
  }
  const { current, restricted } = read;
  const scope = new Set([...selection.users.keys(), ...selection.groups.keys()]);
  const desired = buildDesiredState(restricted, current, {
    nameFallback: deps.config.sync.nameFallback,
    maxNestingDepth: deps.config.sync.maxNestingDepth,
    keepUnlistedMembers: true,
  });
  const plan = await timed('plan', () =>
    planChanges(desired, current, {
      ...planPolicy(deps.config.sync, deps.sources, started, state.outOfScopeSince, scope),
      takeover,
    }),
  );
  const selected = options.selectors.map((s) => `${s.kind}:${s.value}`).join(', ');
  const common = {
    sources,
    target: { users: current.users.length, groups: current.groups.length, membershipsRead: 0, membershipsAssumed: 0 },
    plan: planSummary(plan),
    findings: plan.findings,
  };
  log.info({ hash: plan.hash, operations: plan.operations.length, selected }, 'plan computed for --only');
  const blocked = blockedReason(plan, options.approve);
  if (blocked) return { plan, report: finish('blocked', blocked, common) };
  if (options.mode === 'diff') {
    const pending = plan.operations.length > 0;
    const message = pending
      ? `${plan.operations.length} operations pending for ${selected}`
      : `AWS matches the sources for ${selected}`;
    return { plan, report: finish(pending ? 'changes-pending' : 'success', message, common) };
  }
  options.onPlanned?.(plan);
  const execution = await timed('apply', () =>
    (deps.executor ?? inProcessExecutor(deps))(plan, {
      runId: run.runId,
      logger: log,
      signal,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }),
  );
  const applied = summarizeExecution(execution);
  const status = executionStatus(execution, signal);
  const message = `${applied.applied} of ${plan.operations.length} operation(s) applied for ${selected}`;
  return { plan, report: finish(status, message, { ...common, applied }) };
}

/** The approval and the deletion brake bind exactly as in a full run (run.ts). */
function blockedReason(plan: Plan, approve: string | undefined): string | undefined {
  if (approve !== undefined && approve !== plan.hash)
    return `--approve ${approve} does not match this plan (hash ${plan.hash}); the plan changed, review it again`;
  if (plan.brake.blocked && approve !== plan.hash)
    return `the plan would deactivate, delete or remove ${plan.brake.destructive} objects/memberships, more than the threshold of ${plan.brake.threshold}; nothing was applied. Review it with 'icsync diff --only …' and re-run with --approve ${plan.hash}`;
  return undefined;
}
