import type { ExternalId } from '../model/ids.js';
import type { Group } from '../model/group.js';
import type { Finding } from './findings.js';

/** Default nesting depth followed before a group's expansion stops, so deep nesting cannot recurse without bound. */
export const DEFAULT_MAX_NESTING_DEPTH = 10;

export interface FlattenResult {
  /** group externalId → transitive user members, in source order (direct members first). */
  members: Map<ExternalId, ExternalId[]>;
  findings: Finding[];
}

/**
 * SCIM groups in IAM Identity Center hold users only, so nested source groups are flattened to
 * transitive user membership. A breadth-first walk with a visited set makes diamonds count once
 * and cycles terminate (yielding the union); the depth limit bounds pathological nesting.
 */
export function flattenGroups(groups: readonly Group[], maxDepth = DEFAULT_MAX_NESTING_DEPTH): FlattenResult {
  const byId = new Map(groups.map((g) => [g.externalId, g]));
  const members = new Map<ExternalId, ExternalId[]>();
  const findings: Finding[] = [];
  for (const group of groups) {
    const walk = expand(group, byId, maxDepth);
    members.set(group.externalId, [...walk.users]);
    if (walk.inCycle) {
      findings.push({
        object: 'group',
        externalId: group.externalId,
        action: 'warning',
        field: 'members',
        reason: 'group is part of a nesting cycle; members are the union of the cycle',
      });
    }
    if (walk.truncated) {
      findings.push({
        object: 'group',
        externalId: group.externalId,
        action: 'warning',
        field: 'members',
        reason: `nesting deeper than ${maxDepth} levels was not followed`,
      });
    }
  }
  return { members, findings };
}

interface Walk {
  users: Set<ExternalId>;
  inCycle: boolean;
  truncated: boolean;
}

function expand(root: Group, byId: Map<ExternalId, Group>, maxDepth: number): Walk {
  const users = new Set<ExternalId>(root.memberUsers);
  const visited = new Set<ExternalId>([root.externalId]);
  let frontier: ExternalId[] = [...root.memberGroups];
  let inCycle = false;
  let truncated = false;
  for (let depth = 1; frontier.length > 0; depth += 1) {
    if (depth > maxDepth) {
      truncated = true;
      break;
    }
    const next: ExternalId[] = [];
    for (const id of frontier) {
      if (id === root.externalId) inCycle = true;
      if (visited.has(id)) continue;
      visited.add(id);
      const child = byId.get(id);
      if (!child) continue;
      for (const u of child.memberUsers) users.add(u);
      for (const g of child.memberGroups) next.push(g);
    }
    frontier = next;
  }
  return { users, inCycle, truncated };
}
