/**
 * Everything the run did not do exactly as the source said: skipped objects, altered fields,
 * conflicts with objects we do not own, nesting problems. Each one names the object, the field
 * and the reason, so an operator can fix the source (issue #3, "every skipped or altered object
 * appears in the run report").
 */
export type FindingObject = 'user' | 'group' | 'membership' | 'source';
export type FindingAction = 'skipped' | 'altered' | 'conflict' | 'warning' | 'pending-delete';

export interface Finding {
  object: FindingObject;
  /** The object's externalId; absent for an entry that has no immutable id and for notices about a whole source. */
  externalId?: string;
  /** The configured source the finding comes from, when it is about a source entry or the source itself. */
  source?: string;
  /** The source's own locator of the entry (an LDAP DN, an Okta path), kept apart from the externalId. */
  ref?: string;
  /** How many objects the finding stands for, when it summarizes several. */
  count?: number;
  action: FindingAction;
  field?: string;
  reason: string;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.object.localeCompare(b.object) ||
    (a.externalId ?? '').localeCompare(b.externalId ?? '') ||
    (a.source ?? '').localeCompare(b.source ?? '') ||
    (a.ref ?? '').localeCompare(b.ref ?? '') ||
    (a.field ?? '').localeCompare(b.field ?? '') ||
    a.reason.localeCompare(b.reason)
  );
}
