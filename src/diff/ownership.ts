import type { ForeignClaim, OwnershipTest, TakeoverMatch } from '../model/aws.js';
import { externalIdProblem, fromLegacyExternalId, splitExternalId, type ScimId } from '../model/ids.js';
import { foldKey } from './collisions.js';
import type { Finding } from './findings.js';
import type { Operation } from './plan.js';

interface Owned {
  id: ScimId;
  externalId?: string;
  legacyExternalId?: string;
  takeover?: ForeignClaim;
}

/** Source id → how that source takes over objects another provisioner created (`sources[].takeover`). */
export type TakeoverRules = ReadonlyMap<string, TakeoverMatch>;

/** A desired object as a takeover sees it: our externalId and its userName or displayName. */
export interface TakeoverCandidate {
  externalId: string;
  name: string;
}

/**
 * Migration takeover. Entra's and Okta's AWS apps write their own externalId: Okta's SCIM client sends
 * the Okta user id (`"externalId": "00ujl29u0le5T6Aj10h7"` in the create-user request of
 * https://developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20), and Entra maps a group's
 * objectId to externalId (https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups,
 * group attribute table). When that foreign externalId equals the immutable id of a desired object of
 * a source with a takeover rule, the object is claimed: returned with our externalId and the foreign
 * one in `takeover`, so membership reads and planning treat it as ours, and the planner moves it to our
 * externalId by PATCH in place (`migrationOperations`), which keeps its AWS id and so its permission-set
 * assignments and group memberships.
 *
 * Never claimed: an object whose externalId is already ours or not exactly an immutable id of ours;
 * with `externalId+name`, one whose userName/displayName differs; an id two sources both name; and any
 * object when another AWS object already carries the desired externalId (one identity, one AWS object).
 */
export function claimForeignObjects<T extends Owned>(
  objects: readonly T[],
  desired: readonly TakeoverCandidate[],
  rules: TakeoverRules,
  options: { isOwned: OwnershipTest; nameOf: (o: T) => string },
): T[] {
  if (rules.size === 0) return [...objects];
  const byForeignId = new Map<string, { candidate: TakeoverCandidate; match: TakeoverMatch } | null>();
  for (const d of desired) {
    const { sourceId, immutableId } = splitExternalId(d.externalId);
    const match = rules.get(sourceId);
    if (match === undefined) continue;
    byForeignId.set(immutableId, byForeignId.has(immutableId) ? null : { candidate: d, match });
  }
  const taken = new Set(objects.flatMap((o) => (options.isOwned(o.externalId) ? [o.externalId] : [])));
  return objects.map((o) => {
    if (o.externalId === undefined || options.isOwned(o.externalId)) return o;
    const hit = byForeignId.get(o.externalId);
    if (!hit || taken.has(hit.candidate.externalId)) return o;
    if (hit.match === 'externalId+name' && foldKey(options.nameOf(o)) !== foldKey(hit.candidate.name)) return o;
    taken.add(hit.candidate.externalId);
    return { ...o, externalId: hit.candidate.externalId, takeover: { from: o.externalId, match: hit.match } };
  });
}

/**
 * Objects an earlier icsync version created as `<sourceId>:<id>` are ours: each is returned with
 * its current externalId (`<sourceId>/<id>`) and the stored one in `legacyExternalId`, so every later
 * step (membership reads, planning, state) sees one identity. The planner then moves it to the
 * current form by PATCH in place (`migrationOperations`), never delete + create, which would lose
 * its permission-set assignments. A legacy object whose current form another object already
 * carries is left as it is: two AWS objects must never claim one identity.
 */
export function claimLegacyObjects<T extends Owned>(objects: readonly T[], sourceIds: readonly string[]): T[] {
  const taken = new Set(objects.flatMap((o) => (o.externalId ? [o.externalId] : [])));
  return objects.map((o) => {
    const current = o.externalId === undefined ? undefined : fromLegacyExternalId(o.externalId, sourceIds);
    if (current === undefined || taken.has(current)) return o;
    taken.add(current);
    return { ...o, externalId: current, legacyExternalId: o.externalId };
  });
}

/**
 * One `migrateExternalId` per owned object still on the legacy form or claimed by a takeover, unless
 * the plan deletes it anyway. A current form AWS would refuse (the immutable id itself holds a
 * forbidden character) is not sent: the object keeps its legacy id and is reported.
 */
export function migrationOperations(
  objects: { users: readonly Owned[]; groups: readonly Owned[] },
  ops: readonly Operation[],
  findings: Finding[],
): Operation[] {
  const deleted = new Set(
    ops.flatMap((op) => (op.kind === 'deleteUser' || op.kind === 'deleteGroup' ? [op.target.id] : [])),
  );
  const out: Operation[] = [];
  const visit = (object: 'user' | 'group', o: Owned): void => {
    const from = o.legacyExternalId ?? o.takeover?.from;
    if (from === undefined || o.externalId === undefined || deleted.has(o.id)) return;
    const problem = externalIdProblem(o.externalId);
    if (problem) {
      findings.push({
        object,
        externalId: from,
        action: 'warning',
        field: 'externalId',
        reason: `kept on the legacy form: ${problem}`,
      });
      return;
    }
    out.push({
      kind: 'migrateExternalId',
      object,
      target: { externalId: o.externalId, id: o.id },
      from,
      ...(o.takeover ? { takeover: o.takeover.match } : {}),
    });
  };
  for (const u of objects.users) visit('user', u);
  for (const g of objects.groups) visit('group', g);
  return out;
}
