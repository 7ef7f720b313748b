import {
  buildDesiredState,
  claimForeignObjects,
  claimLegacyObjects,
  planChanges,
  type Plan,
  type TakeoverRules,
} from '../diff/index.js';
import { SourceReadError, SourceRefusedError, SyncError } from '../errors.js';
import type { TargetGroup, TargetUser } from '../model/aws.js';
import { legacyExternalIdOf, ownershipPrefix, splitExternalId } from '../model/ids.js';
import type { Snapshot } from '../model/snapshot.js';
import { ThrottledTooLongError } from '../scim/throttle.js';
import type { RunStatus } from './exit-codes.js';
import { restrictSnapshots, selectObjects, type OnlySelector, type Selection } from './only-select.js';
import { planPolicy, takeoverRules } from './policy.js';
import { planSummary, startRun, summarizeExecution } from './report.js';
import { guardSourceSizes, readAllSources } from './read-sources.js';
import { inProcessExecutor, type RunDeps, type RunResult } from './run.js';
import type { TargetedScim } from './targeted.js';

export interface OnlyScim extends TargetedScim {
  listUserGroups(userId: string): AsyncIterable<TargetGroup>;
}

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
  now?: () => number;
}

/**
 * How this run recognizes AWS objects as the sources': the legacy `<sourceId>:` form, and (for a
 * source with `takeover`) another provisioner's externalId equal to one of the source's immutable ids,
 * exactly as a full run claims them (run.ts), so `--only` takes over in place instead of reporting a
 * conflict with the object it should claim.
 */
interface Claims {
  sourceIds: readonly string[];
  takeover: TakeoverRules;
  snapshots: readonly Snapshot[];
}

function claimUsers(users: Iterable<TargetUser>, claims: Claims): TargetUser[] {
  const desired = claims.snapshots.flatMap((s) => s.users.map((u) => ({ externalId: u.externalId, name: u.userName })));
  return claimForeignObjects(claimLegacyObjects([...users], claims.sourceIds), desired, claims.takeover, {
    isOwned: ownedBy(claims.sourceIds),
    nameOf: (u) => u.userName,
  });
}

function claimGroups(groups: Iterable<TargetGroup>, claims: Claims): TargetGroup[] {
  const desired = claims.snapshots.flatMap((s) =>
    s.groups.map((g) => ({ externalId: g.externalId, name: g.displayName })),
  );
  return claimForeignObjects(claimLegacyObjects([...groups], claims.sourceIds), desired, claims.takeover, {
    isOwned: ownedBy(claims.sourceIds),
    nameOf: (g) => g.displayName,
  });
}

function ownedBy(sourceIds: readonly string[]): (ext: string | undefined) => ext is string {
  const prefixes = sourceIds.map(ownershipPrefix);
  return (ext): ext is string => ext !== undefined && prefixes.some((p) => ext.startsWith(p));
}

/** The externalIds an AWS object of `ext` may carry: ours, the legacy form, and a takeover's foreign id. */
function externalIdsOf(ext: string, claims: Claims): string[] {
  const { sourceId, immutableId } = splitExternalId(ext);
  return [ext, legacyExternalIdOf(ext), ...(claims.takeover.has(sourceId) ? [immutableId] : [])];
}

interface Current {
  users: TargetUser[];
  groups: TargetGroup[];
  members: Map<string, Set<string>>;
}

/**
 * Provision on demand (`sync --only`, `diff --only`): every source is read completely and passes the
 * same size guards as a full run, then only the selected objects and their memberships are read from
 * AWS and planned by the same planner, brake and executor as a webhook-triggered run (targeted.ts).
 * Only selected objects may be retired; other members of a group are never added or removed; the
 * run state is not saved, since it describes full runs.
 */
export async function runOnly(deps: OnlyDeps, options: OnlyOptions): Promise<RunResult> {
  // --only has no separate membership phase, and draws no progress display.
  const run = startRun(options.mode, options.now);
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
  const execution = await timed('apply', () =>
    (deps.executor ?? inProcessExecutor(deps))(plan, {
      runId: run.runId,
      logger: log,
      signal,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    }),
  );
  const applied = summarizeExecution(execution);
  const status: RunStatus =
    execution.aborted === 'throttled'
      ? 'throttled'
      : execution.aborted
        ? 'credentials-invalid'
        : applied.failed + applied.skipped > 0
          ? 'partial-failure'
          : 'success';
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

/** The selected users and groups in AWS (by externalId and by name), and the AWS groups each selected user is in. */
async function readSelected(
  scim: OnlyScim,
  selection: Selection,
  claims: Claims,
): Promise<{ current: Current; awsGroupsOfSelected: Set<string> }> {
  const users = new Map<string, TargetUser>();
  const groups = new Map<string, TargetGroup>();
  for (const [ext, user] of selection.users) {
    for (const id of externalIdsOf(ext, claims)) {
      const found = await scim.findUserByExternalId(id);
      if (found) users.set(found.id, found);
    }
    const byName = await scim.findUserByUserName(user.userName);
    if (byName) users.set(byName.id, byName);
  }
  // AWS stores a manager as the manager's AWS user id, so a selected user's manager is read too
  // (never planned: only selected objects are in scope); unread, it would look unmanaged.
  for (const user of selection.users.values()) {
    const manager = user.manager?.externalId;
    if (manager === undefined || selection.users.has(manager)) continue;
    for (const id of externalIdsOf(manager, claims)) {
      const found = await scim.findUserByExternalId(id);
      if (found) users.set(found.id, found);
    }
  }
  const members = new Map<string, Set<string>>();
  const claimedUsers = claimUsers(users.values(), claims);
  for (const u of claimedUsers) {
    if (!u.externalId || !selection.users.has(u.externalId)) continue;
    for await (const g of scim.listUserGroups(u.id)) {
      groups.set(g.id, g);
      (members.get(g.id) ?? members.set(g.id, new Set()).get(g.id))?.add(u.id);
    }
  }
  const claimed = claimGroups(groups.values(), claims);
  return {
    current: { users: claimedUsers, groups: claimed, members },
    awsGroupsOfSelected: new Set(claimed.flatMap((g) => (g.externalId ? [g.externalId] : []))),
  };
}

/**
 * Every planned group in AWS (by externalId and by name), the whole membership of selected groups,
 * and the AWS users their (flattened) members are. Any other group's membership stays what
 * `readSelected` saw: the selected users in it.
 */
async function readGroups(
  scim: OnlyScim,
  snapshots: readonly Snapshot[],
  selection: Selection,
  current: Current,
  claims: Claims,
): Promise<void> {
  const groups = new Map(current.groups.map((g) => [g.id, g]));
  const users = new Map(current.users.map((u) => [u.id, u]));
  for (const g of snapshots.flatMap((s) => s.groups)) {
    for (const id of externalIdsOf(g.externalId, claims)) {
      const found = await scim.findGroupByExternalId(id);
      if (found) groups.set(found.id, found);
    }
    const byName = await scim.findGroupByDisplayName(g.displayName);
    if (byName) groups.set(byName.id, byName);
  }
  current.groups = claimGroups(groups.values(), claims);
  for (const g of current.groups) {
    if (!g.externalId || !selection.groups.has(g.externalId)) continue;
    const ids = new Set<string>();
    for await (const u of scim.listGroupMembers(g.id)) {
      ids.add(u.id);
      users.set(u.id, u);
    }
    current.members.set(g.id, ids);
  }
  const known = new Set(claimUsers(users.values(), claims).flatMap((u) => u.externalId ?? []));
  const selected = snapshots.flatMap((s) => s.groups).filter((g) => selection.groups.has(g.externalId));
  for (const g of selected) {
    for (const m of g.memberUsers.filter((m) => !known.has(m))) {
      for (const id of externalIdsOf(m, claims)) {
        const found = await scim.findUserByExternalId(id);
        if (found) users.set(found.id, found);
      }
    }
  }
  current.users = claimUsers(users.values(), claims);
  for (const g of current.groups) if (!current.members.has(g.id)) current.members.set(g.id, new Set());
}
