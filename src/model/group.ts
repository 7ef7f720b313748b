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
  /** When the source created the group (ISO 8601), if it says; only breaks ties between colliding groups. */
  createdAt?: string;
  provenance: Provenance;
}
