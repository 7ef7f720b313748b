/**
 * Everything the run did not do exactly as the source said: skipped objects, altered fields,
 * conflicts with objects we do not own, nesting problems. Each one names the object, the field
 * and the reason, so an operator can fix the source (issue #3, "every skipped or altered object
 * appears in the run report").
 */
export type FindingObject = 'user' | 'group' | 'membership';
export type FindingAction = 'skipped' | 'altered' | 'conflict' | 'warning' | 'pending-delete';

export interface Finding {
  object: FindingObject;
  /** The object's externalId (or the source ref when it has none). */
  externalId: string;
  action: FindingAction;
  field?: string;
  reason: string;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.object.localeCompare(b.object) ||
    a.externalId.localeCompare(b.externalId) ||
    (a.field ?? '').localeCompare(b.field ?? '') ||
    a.reason.localeCompare(b.reason)
  );
}
