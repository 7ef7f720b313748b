import type { Operation } from '../diff/plan.js';
import type { IdDirectory } from './port.js';

/** One attribute an applied write set (`to`), cleared (`to: null`) or replaced (`from` → `to`). */
export interface AuditChange {
  field: string;
  from?: unknown;
  to: unknown;
}

/**
 * The audit record of one applied SCIM write: the operation, the AWS id it touched, our externalId
 * and the fields it changed, so every write can be matched to its CloudTrail SCIM event
 * (https://docs.aws.amazon.com/singlesignon/latest/userguide/scim-logging-using-cloudtrail.html).
 * The run id comes from the logger's bindings.
 */
export interface AuditEntry {
  op: Operation['kind'];
  targetId: string | undefined;
  externalId: string;
  changes: AuditChange[];
}

const MASK = '[masked]';

/** Built after the write succeeded, so a created object's new AWS id is known from the id directory. */
export async function auditEntry(op: Operation, ids: IdDirectory, maskValues: boolean): Promise<AuditEntry> {
  const entry = await describe(op, ids);
  if (!maskValues) return entry;
  return {
    ...entry,
    changes: entry.changes.map((c) => ({
      field: c.field,
      ...('from' in c ? { from: MASK } : {}),
      to: c.to === null ? null : MASK,
    })),
  };
}

async function describe(op: Operation, ids: IdDirectory): Promise<AuditEntry> {
  switch (op.kind) {
    case 'createUser': {
      const { externalId, ...fields } = op.user;
      const changes = Object.entries(fields).flatMap(([field, to]) => (isEmpty(to) ? [] : [{ field, to }]));
      return { op: op.kind, targetId: await ids.get('user', externalId), externalId, changes };
    }
    case 'setManager':
      return {
        op: op.kind,
        targetId: op.user.id ?? (await ids.get('user', op.user.externalId)),
        externalId: op.user.externalId,
        changes: [{ field: 'enterprise.manager', to: op.manager === null ? null : op.manager.externalId }],
      };
    case 'createGroup':
      return {
        op: op.kind,
        targetId: await ids.get('group', op.externalId),
        externalId: op.externalId,
        changes: [
          { field: 'displayName', to: op.displayName },
          ...(op.members ? [{ field: 'members', to: { add: op.members.map((m) => m.externalId) } }] : []),
        ],
      };
    case 'patchUser':
    case 'adoptUser':
      return {
        ...target(op),
        changes: op.changes.map((c) => ({
          field: c.path,
          ...(c.from !== undefined ? { from: c.from } : {}),
          to: c.value,
        })),
      };
    case 'deactivateUser':
      return { ...target(op), changes: [{ field: 'active', from: true, to: false }] };
    case 'migrateExternalId':
      return { ...target(op), changes: [{ field: 'externalId', from: op.from, to: op.target.externalId }] };
    case 'adoptGroup':
      return { ...target(op), changes: [{ field: 'externalId', to: op.target.externalId }] };
    case 'renameGroup':
      return { ...target(op), changes: [{ field: 'displayName', from: op.from, to: op.displayName }] };
    case 'deleteUser':
    case 'deleteGroup':
      return { ...target(op), changes: [] };
    case 'addMembers':
    case 'removeMembers': {
      const members = op.members.map((m) => m.externalId);
      return {
        op: op.kind,
        targetId: op.group.id ?? (await ids.get('group', op.group.externalId)),
        externalId: op.group.externalId,
        changes: [{ field: 'members', to: op.kind === 'addMembers' ? { add: members } : { remove: members } }],
      };
    }
  }
}

function target(op: Extract<Operation, { target: unknown }>): Omit<AuditEntry, 'changes'> {
  return { op: op.kind, targetId: op.target.id, externalId: op.target.externalId };
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === 'object' && value !== null && Object.keys(value).length === 0)
  );
}
