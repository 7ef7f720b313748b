import { randomUUID } from 'node:crypto';
import { executionStatus } from './outcome.js';
import type { ScimPort } from '../apply/port.js';
import { buildDesiredState, claimLegacyObjects, planChanges, type Plan } from '../diff/index.js';
import type { Finding } from '../diff/findings.js';
import type { TargetGroup, TargetUser } from '../model/aws.js';
import type { Group } from '../model/group.js';
import { legacyExternalIdOf, makeExternalId } from '../model/ids.js';
import type { Snapshot } from '../model/snapshot.js';
import type { User } from '../model/user.js';
import { supportsReread, type SourceConnector } from '../sources/types.js';
import type { ReReadHint } from '../model/hints.js';
import { exitCodeFor } from './exit-codes.js';
import { planPolicy } from './policy.js';
import type { TargetReader } from './read-target.js';
import { planSummary, summarizeExecution, type RunReport } from './report.js';
import { inProcessExecutor, type RunDeps } from './run.js';
import { forgetChangedMemberships } from './state-update.js';

/** The lookups a targeted run needs beyond a full run's reads and writes; `ScimClient` has them all. */
export interface TargetedScim extends ScimPort, TargetReader {
  findUserByUserName(userName: string): Promise<TargetUser | null>;
  findGroupByDisplayName(displayName: string): Promise<TargetGroup | null>;
}

export interface TargetedDeps extends Omit<RunDeps, 'scim'> {
  scim: TargetedScim;
}

/**
 * A webhook-triggered run: re-read the hinted objects from their sources (the hint is never data),
 * read just those objects from AWS, and send them through the same constraint engine, planner,
 * brake and executor as a full sync. Only the hinted objects may be retired (`scope`); group
 * membership comes from the re-read group, and members AWS does not know yet are left to the full
 * sync. Nested groups are left to the full sync too, since one re-read cannot flatten them.
 */
export async function runTargeted(
  deps: TargetedDeps,
  hints: readonly ReReadHint[],
  now: () => number = Date.now,
  signal: AbortSignal = new AbortController().signal,
): Promise<{ report: RunReport; plan: Plan }> {
  const started = now();
  const runId = randomUUID();
  const log = deps.logger.child({ component: 'targeted-run', runId });
  const findings: Finding[] = [];
  const { snapshots, scope } = await rereadAll(deps.sources, hints, findings, signal);
  const current = await readTargets(
    deps.scim,
    snapshots,
    scope,
    deps.sources.map((s) => s.id),
  );
  const desired = buildDesiredState(snapshots, current, {
    nameFallback: deps.config.sync.nameFallback,
    maxNestingDepth: deps.config.sync.maxNestingDepth,
    keepUnlistedMembers: true,
  });
  desired.findings.push(...findings);
  const plan = planChanges(
    desired,
    current,
    planPolicy(deps.config.sync, deps.sources, started, (await deps.state.load()).outOfScopeSince, scope),
  );
  const base = {
    runId,
    mode: 'targeted' as const,
    startedAt: new Date(started).toISOString(),
    timingsMs: {},
    sources: [],
    target: {
      users: current.users.length,
      groups: current.groups.length,
      membershipsRead: current.members.size,
      membershipsAssumed: 0,
    },
    plan: planSummary(plan),
    findings: plan.findings,
  };
  if (plan.brake.blocked) {
    log.warn(
      { brake: plan.brake, hints: hints.length },
      'deletion brake held a webhook-triggered plan; the full sync will report it',
    );
    return {
      plan,
      report: {
        ...base,
        status: 'blocked',
        exitCode: exitCodeFor('blocked'),
        message: 'blocked by the deletion brake',
        finishedAt: new Date(now()).toISOString(),
      },
    };
  }
  const execution = await (deps.executor ?? inProcessExecutor(deps))(plan, { runId, logger: log });
  await deps.state.save(forgetChangedMemberships(await deps.state.load(), plan, execution.results));
  const applied = summarizeExecution(execution);
  const status = executionStatus(execution, undefined);
  log.info({ hints: hints.length, operations: plan.operations.length, status }, 'webhook-triggered run complete');
  return {
    plan,
    report: {
      ...base,
      status,
      exitCode: exitCodeFor(status),
      message: `${plan.operations.length} operation(s) for ${hints.length} hint(s)`,
      finishedAt: new Date(now()).toISOString(),
      applied,
    },
  };
}

async function rereadAll(
  sources: readonly SourceConnector[],
  hints: readonly ReReadHint[],
  findings: Finding[],
  signal: AbortSignal,
): Promise<{ snapshots: Snapshot[]; scope: Set<string> }> {
  const scope = new Set<string>();
  const snapshots: Snapshot[] = [];
  for (const source of sources) {
    const mine = hints.filter((h) => h.sourceId === source.id);
    if (mine.length === 0) continue;
    if (!supportsReread(source)) throw new Error(`source ${source.id} cannot re-read single objects`);
    const users: User[] = [];
    const groups: Group[] = [];
    for (const hint of mine) {
      scope.add(makeExternalId(source.id, hint.id));
      if (hint.kind === 'user') {
        const user = await source.rereadUser(hint.id, signal);
        if (user) users.push(user);
        continue;
      }
      const group = await source.rereadGroup(hint.id, signal);
      if (group && group.memberGroups.length > 0) {
        scope.delete(group.externalId);
        findings.push({
          object: 'group',
          externalId: group.externalId,
          action: 'skipped',
          reason: 'nested group: its transitive membership is computed by the full sync',
        });
      } else if (group) groups.push(group);
    }
    snapshots.push({
      sourceId: source.id,
      sourceKind: source.kind,
      users,
      groups,
      readAt: new Date().toISOString(),
      unresolvedMembers: [],
      skipped: [],
    });
  }
  return { snapshots, scope };
}

/** The AWS side of exactly the hinted objects, their name holders, and the members of hinted groups. */
async function readTargets(
  scim: TargetedScim,
  snapshots: readonly Snapshot[],
  scope: ReadonlySet<string>,
  sourceIds: readonly string[],
): Promise<{ users: TargetUser[]; groups: TargetGroup[]; members: Map<string, Set<string>> }> {
  const users = new Map<string, TargetUser>();
  const groups = new Map<string, TargetGroup>();
  const members = new Map<string, Set<string>>();
  const addUser = (u: TargetUser | null): void => void (u && users.set(u.id, u));
  const addGroup = (g: TargetGroup | null): void => void (g && groups.set(g.id, g));
  for (const ext of scope) {
    for (const form of [ext, legacyExternalIdOf(ext)]) {
      addUser(await scim.findUserByExternalId(form));
      addGroup(await scim.findGroupByExternalId(form));
    }
  }
  for (const snap of snapshots) {
    for (const u of snap.users) addUser(await scim.findUserByUserName(u.userName));
    for (const g of snap.groups) addGroup(await scim.findGroupByDisplayName(g.displayName));
  }
  for (const g of claimLegacyObjects([...groups.values()], sourceIds)) {
    if (!g.externalId || !scope.has(g.externalId)) continue;
    const ids = new Set<string>();
    for await (const u of scim.listGroupMembers(g.id)) {
      ids.add(u.id);
      addUser(u);
    }
    members.set(g.id, ids);
  }
  const known = new Set(
    claimLegacyObjects([...users.values()], sourceIds).flatMap((u) => (u.externalId ? [u.externalId] : [])),
  );
  for (const snap of snapshots) {
    for (const g of snap.groups) {
      for (const m of g.memberUsers)
        if (!known.has(m))
          addUser((await scim.findUserByExternalId(m)) ?? (await scim.findUserByExternalId(legacyExternalIdOf(m))));
    }
  }
  for (const g of groups.values()) if (!members.has(g.id)) members.set(g.id, new Set());
  return {
    users: claimLegacyObjects([...users.values()], sourceIds),
    groups: claimLegacyObjects([...groups.values()], sourceIds),
    members,
  };
}
