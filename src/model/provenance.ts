import type { SourceKind } from './ids.js';

/** Where an object came from, for the run report and for operators tracing a change back. */
export interface Provenance {
  sourceKind: SourceKind;
  sourceId: string;
  /** The source's own locator: an LDAP DN, a Graph object id, a file path and index. */
  ref: string;
}
