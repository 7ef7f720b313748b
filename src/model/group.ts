import type { ExternalId } from './ids.js';
import type { Provenance } from './provenance.js';

/**
 * A group with its direct members as the source lists them. Nested groups are kept as
 * references here and flattened to transitive user membership by the planner, because
 * SCIM groups in IAM Identity Center cannot contain groups.
 */
export interface Group {
  externalId: ExternalId;
  displayName: string;
  memberUsers: ExternalId[];
  memberGroups: ExternalId[];
  provenance: Provenance;
}
