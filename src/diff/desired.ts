import type { DesiredGroup, DesiredUser, TargetGroup, TargetUser } from '../model/aws.js';
import { externalIdProblem, type ExternalId } from '../model/ids.js';
import type { Snapshot } from '../model/snapshot.js';
import type { User } from '../model/user.js';
import { resolveGroupCollisions, resolveUserCollisions } from './collisions.js';
import { isReservedName } from './constraints.js';
import type { Finding } from './findings.js';
import { flattenGroups } from './flatten.js';
import { normalizeUser, type NameFallback } from './normalize-user.js';
import { sanitizeText } from './sanitize.js';

export interface DesiredOptions {
  nameFallback: NameFallback;
  maxNestingDepth: number;
  /**
   * Targeted runs re-read a group without its users: members absent from the snapshot are kept
   * (AWS knows them) instead of dropped. Full runs drop them, since every user is in the snapshot.
   */
  keepUnlistedMembers?: boolean;
}

/**
 * What AWS should hold, derived from complete source snapshots. `inScope` lists every object the
 * sources returned, including those skipped for invalid data: a skipped object is never treated
 * as "left scope", so a data-quality problem cannot deactivate anyone.
 */
export interface DesiredState {
  users: DesiredUser[];
  groups: DesiredGroup[];
  inScope: Set<string>;
  /** In scope but skipped; their existing AWS memberships are left untouched. */
  skippedUsers: Set<string>;
  findings: Finding[];
}

export function buildDesiredState(
  snapshots: readonly Snapshot[],
  current: { users: readonly TargetUser[]; groups: readonly TargetGroup[] },
  options: DesiredOptions,
): DesiredState {
  const findings: Finding[] = [];
  const inScope = new Set<string>();
  const normalized: DesiredUser[] = [];
  for (const snap of snapshots) {
    for (const u of snap.users) {
      inScope.add(u.externalId);
      const r = normalizeUser(u, options.nameFallback);
      findings.push(...r.findings);
      if (r.user) normalized.push(r.user);
    }
    for (const s of snap.skipped) {
      const id = s.externalId === undefined ? {} : { externalId: s.externalId };
      findings.push({
        object: s.object,
        ...id,
        source: snap.sourceId,
        ref: s.ref,
        action: 'skipped',
        reason: s.reason,
      });
    }
    for (const n of snap.notices ?? []) {
      const { action, ...rest } = n;
      findings.push({ ...rest, source: snap.sourceId, action: action === 'excluded' ? 'skipped' : 'warning' });
    }
    for (const m of snap.unresolvedMembers) {
      findings.push({
        object: 'membership',
        externalId: m.group,
        action: 'skipped',
        field: 'members',
        reason: `${m.member}: ${m.reason}`,
      });
    }
  }
  const createdAt = creationTimes(snapshots);
  const users = resolveUserCollisions(normalized, current.users, createdAt);
  findings.push(...users.findings);
  const kept = new Set<string>(users.users.map((u) => u.externalId));
  resolveManagers(snapshots, users.users, { kept, inScope, targeted: options.keepUnlistedMembers === true }, findings);
  const skippedUsers = new Set([...inScope].filter((id) => !kept.has(id)));

  const groups = buildGroups(snapshots, kept, options, inScope, findings);
  const resolved = resolveGroupCollisions(groups, current.groups, createdAt);
  findings.push(...resolved.findings);
  return { users: users.users, groups: resolved.groups, inScope, skippedUsers, findings };
}

function buildGroups(
  snapshots: readonly Snapshot[],
  keptUsers: Set<string>,
  options: DesiredOptions,
  inScope: Set<string>,
  findings: Finding[],
): DesiredGroup[] {
  const groups: DesiredGroup[] = [];
  const allKept = keptUsers.size === inScope.size;
  const skipped = new Set([...inScope].filter((id) => !keptUsers.has(id)));
  for (const snap of snapshots) {
    const flat = flattenGroups(snap.groups, options.maxNestingDepth);
    findings.push(...flat.findings);
    for (const g of snap.groups) {
      inScope.add(g.externalId);
      const idProblem = externalIdProblem(g.externalId);
      if (idProblem) {
        findings.push({
          object: 'group',
          externalId: g.externalId,
          action: 'skipped',
          field: 'externalId',
          reason: `${idProblem}; identifiers are never rewritten`,
        });
        continue;
      }
      const name = sanitizeText(g.displayName);
      if (!name.value || isReservedName(name.value)) {
        findings.push({
          object: 'group',
          externalId: g.externalId,
          action: 'skipped',
          field: 'displayName',
          reason: name.value ? `"${name.value}" is a name reserved by AWS` : 'displayName is empty',
        });
        continue;
      }
      if (name.changed && name.reason) {
        findings.push({
          object: 'group',
          externalId: g.externalId,
          action: 'altered',
          field: 'displayName',
          reason: name.reason,
        });
      }
      const all = flat.members.get(g.externalId) ?? [];
      const members = allKept
        ? all
        : all.filter((m: ExternalId) => (options.keepUnlistedMembers ? !skipped.has(m) : keptUsers.has(m)));
      groups.push({ externalId: g.externalId, displayName: name.value, members });
    }
  }
  return groups;
}

/**
 * A mapped `enterprise.manager` names the manager in the source; AWS stores the manager's AWS user id
 * (enterprise extension `manager.value`, https://docs.aws.amazon.com/singlesignon/latest/developerguide/limitations.html).
 * So the manager must be a user this run keeps. One who is not (another scope, skipped, unknown to the source)
 * is reported, and the user's manager in AWS is left as it is rather than pointed at nobody.
 */
function resolveManagers(
  snapshots: readonly Snapshot[],
  users: DesiredUser[],
  scope: { kept: ReadonlySet<string>; inScope: ReadonlySet<string>; targeted: boolean },
  findings: Finding[],
): void {
  const managers = new Map<string, NonNullable<User['manager']>>();
  for (const snap of snapshots)
    for (const u of snap.users)
      if (u.manager !== undefined && u.manager !== null) managers.set(u.externalId, u.manager);
  for (const u of users) {
    const manager = managers.get(u.externalId);
    if (manager === undefined) continue;
    const id = manager.externalId;
    // A targeted run re-reads a few objects: a manager it did not re-read is looked up in AWS by the planner.
    const usable =
      id !== undefined && id !== u.externalId && (scope.kept.has(id) || (scope.targeted && !scope.inScope.has(id)));
    if (usable) {
      u.manager = id;
      continue;
    }
    delete u.manager;
    findings.push({
      object: 'user',
      externalId: u.externalId,
      action: 'warning',
      field: 'enterprise.manager',
      reason: `manager "${manager.ref}" is not a user this run syncs (out of scope or skipped); the manager in AWS is left as it is`,
    });
  }
}

/** Source creation times, for the collision winner rule (collisions.ts). */
function creationTimes(snapshots: readonly Snapshot[]): Map<string, string> {
  const times = new Map<string, string>();
  for (const snap of snapshots) {
    for (const o of [...snap.users, ...snap.groups])
      if (o.createdAt !== undefined) times.set(o.externalId, o.createdAt);
  }
  return times;
}
