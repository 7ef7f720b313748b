import type { OwnershipTest } from '../model/aws.js';
import { claimForeignObjects, claimLegacyObjects, type DesiredState, type TakeoverRules } from '../diff/index.js';
import type { TargetGroup, TargetUser } from '../model/aws.js';
import { decodeMembers } from '../state/member-set.js';
import type { SyncState } from '../state/store.js';
import { mapLimit } from '../util/concurrency.js';
import { verificationDue } from './verify-schedule.js';

/** The SCIM reads a run needs; `ScimClient` implements it. */
export interface TargetReader {
  listUsers(filter?: string): AsyncIterable<TargetUser>;
  listGroups(filter?: string): AsyncIterable<TargetGroup>;
  listGroupMembers(groupId: string): AsyncIterable<TargetUser>;
}

export interface TargetObjects {
  users: TargetUser[];
  groups: TargetGroup[];
}

/**
 * Users and groups by cursor paging over the whole tenant (DG/listusers, DG/listgroups). Objects an
 * earlier version created under the legacy `<sourceId>:` externalId are claimed for `sourceIds`.
 */
export async function readTargetObjects(reader: TargetReader, sourceIds: readonly string[]): Promise<TargetObjects> {
  const users: TargetUser[] = [];
  for await (const u of reader.listUsers()) users.push(u);
  const groups: TargetGroup[] = [];
  for await (const g of reader.listGroups()) groups.push(g);
  return { users: claimLegacyObjects(users, sourceIds), groups: claimLegacyObjects(groups, sourceIds) };
}

/**
 * Objects another provisioner created that a source with `takeover` recognizes as its own
 * (ownership.ts), claimed before membership reads so their members are read and kept.
 */
export function claimTakeovers(
  target: TargetObjects,
  desired: Pick<DesiredState, 'users' | 'groups'>,
  rules: TakeoverRules,
  isOwned: OwnershipTest,
): TargetObjects {
  if (rules.size === 0) return target;
  return {
    users: claimForeignObjects(
      target.users,
      desired.users.map((u) => ({ externalId: u.externalId, name: u.userName })),
      rules,
      { isOwned, nameOf: (u) => u.userName },
    ),
    groups: claimForeignObjects(
      target.groups,
      desired.groups.map((g) => ({ externalId: g.externalId, name: g.displayName })),
      rules,
      { isOwned, nameOf: (g) => g.displayName },
    ),
  };
}

export interface MembershipReadPlan {
  /** Groups whose members are read from AWS this run. */
  read: TargetGroup[];
  /** Groups planned from their stored member set (our members' externalIds), which is fresh. */
  stored: { group: TargetGroup; members: string[] }[];
}

/**
 * GET on a group returns no members (DG/getgroup), so each group costs one paged
 * `GET /Users?filter=groups.value eq "<id>"` read. A group is planned from its stored member set,
 * whatever changed in the source, while that set is fresh: recorded for this very AWS group and its
 * verification not yet due (./verify-schedule.ts). A group without a usable record (none, another
 * AWS id, a set that does not decode) is read at once.
 */
export function planMembershipReads(
  groups: readonly TargetGroup[],
  desired: ReadonlySet<string>,
  state: SyncState,
  options: { isOwned: OwnershipTest; adopt: boolean; now: number; verifyIntervalMs: number },
): MembershipReadPlan {
  const read: TargetGroup[] = [];
  const stored: MembershipReadPlan['stored'] = [];
  for (const g of groups) {
    if (options.isOwned(g.externalId)) {
      if (!desired.has(g.externalId)) continue;
      const rec = state.groups[g.externalId];
      const fresh =
        rec?.members !== undefined &&
        rec.scimId === g.id &&
        !verificationDue(g.id, rec.verifiedAt, options.now, options.verifyIntervalMs);
      const members = fresh && rec.members !== undefined ? decodeMembers(rec.members) : undefined;
      if (members) stored.push({ group: g, members });
      else read.push(g);
    } else if (options.adopt && !g.externalId) {
      read.push(g);
    }
  }
  return { read, stored };
}

/**
 * Reads the groups' members, up to `concurrency` groups at once. Every request still passes the one
 * shared limiter and the one 429 policy of the SCIM client, so concurrency only fills the time a
 * request spends on the network: one read at a time at 150 ms per round trip cannot pass 6.7 req/s
 * whatever rate is configured.
 */
export async function readMemberships(
  reader: TargetReader,
  groups: readonly TargetGroup[],
  concurrency: number,
): Promise<Map<string, Set<string>>> {
  const sets = await mapLimit(groups, concurrency, async (g) => {
    const ids = new Set<string>();
    for await (const u of reader.listGroupMembers(g.id)) ids.add(u.id);
    return ids;
  });
  return new Map(groups.map((g, i) => [g.id, sets[i] as Set<string>]));
}
