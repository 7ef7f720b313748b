import { externalIdProblem, fromLegacyExternalId, type ScimId } from '../model/ids.js';
import type { Finding } from './findings.js';
import type { Operation } from './plan.js';

interface Owned {
  id: ScimId;
  externalId?: string;
  legacyExternalId?: string;
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
 * One `migrateExternalId` per owned object still on the legacy form, unless the plan deletes it
 * anyway. A current form AWS would refuse (the immutable id itself holds a forbidden character) is
 * not sent: the object keeps its legacy id and is reported.
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
    if (o.legacyExternalId === undefined || o.externalId === undefined || deleted.has(o.id)) return;
    const problem = externalIdProblem(o.externalId);
    if (problem) {
      findings.push({
        object,
        externalId: o.legacyExternalId,
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
      from: o.legacyExternalId,
    });
  };
  for (const u of objects.users) visit('user', u);
  for (const g of objects.groups) visit('group', g);
  return out;
}
