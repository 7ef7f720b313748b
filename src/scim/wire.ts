import { SCHEMA_ENTERPRISE_USER } from '../model/aws.js';

/**
 * JSON shapes of the IAM Identity Center SCIM endpoint (RFC 7643/7644 as AWS implements them).
 * Shared by the client and the emulator so both speak exactly the same dialect.
 * DG = the SCIM Implementation Developer Guide, https://docs.aws.amazon.com/singlesignon/latest/developerguide/
 * (DG/x is x.html there).
 */
export const SCHEMA_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const SCHEMA_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export { SCHEMA_ENTERPRISE_USER };
export const SCHEMA_LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
export const SCHEMA_PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
export const SCHEMA_ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

/**
 * DG/patchgroup: at most 100 membership changes per PatchGroup request; DG/creategroup: at most 100
 * members in a CreateGroup request. ssosync keeps the same constant, `MaxMemberChanges = 100`.
 */
export const MAX_MEMBERS_PER_PATCH = 100;

export interface ScimMultiValue {
  value: string;
  type?: string;
  primary?: boolean;
}

export interface ScimAddress {
  type?: string;
  streetAddress?: string;
  locality?: string;
  region?: string;
  postalCode?: string;
  country?: string;
  formatted?: string;
  primary?: boolean;
}

export interface ScimEnterpriseExtension {
  employeeNumber?: string;
  costCenter?: string;
  organization?: string;
  division?: string;
  department?: string;
  manager?: { value: string; $ref?: string };
}

export interface ScimMeta {
  resourceType: 'User' | 'Group';
  created: string;
  lastModified: string;
}

export interface ScimUserResource {
  schemas?: string[];
  id?: string;
  externalId?: string;
  userName: string;
  name: {
    formatted?: string;
    familyName: string;
    givenName: string;
    middleName?: string;
    honorificPrefix?: string;
    honorificSuffix?: string;
  };
  displayName: string;
  nickName?: string;
  profileUrl?: string;
  title?: string;
  userType?: string;
  preferredLanguage?: string;
  locale?: string;
  timezone?: string;
  active?: boolean;
  emails?: ScimMultiValue[];
  phoneNumbers?: ScimMultiValue[];
  addresses?: ScimAddress[];
  roles?: ScimMultiValue[];
  [SCHEMA_ENTERPRISE_USER]?: ScimEnterpriseExtension;
  meta?: ScimMeta;
}

export interface ScimGroupMember {
  value: string;
  $ref?: string;
  type?: 'User';
}

export interface ScimGroupResource {
  schemas?: string[];
  id?: string;
  externalId?: string;
  displayName: string;
  /** Accepted on create (≤100), never returned with content by AWS (DG/getgroup, DG/listgroups). */
  members?: ScimGroupMember[];
  meta?: ScimMeta;
}

/** Cursor form (`?cursor`) has `nextCursor` and no `totalResults`; the one-page form has `totalResults`/`startIndex`. */
export interface ScimListResponse<T> {
  schemas: string[];
  Resources: T[];
  itemsPerPage: number;
  nextCursor?: string;
  totalResults?: number;
  startIndex?: number;
}

export type PatchOpName = 'add' | 'remove' | 'replace';

export interface PatchOperation {
  op: PatchOpName;
  path?: string;
  value?: unknown;
}

export interface PatchRequest {
  schemas: [typeof SCHEMA_PATCH_OP];
  Operations: PatchOperation[];
}

/**
 * AWS sends both `schema` and `schemas`, `status` as a string (bodies captured from the live endpoint in
 * https://github.com/slashdevops/idp-scim-sync/issues/62).
 */
export interface ScimErrorBody {
  schema?: string[];
  schemas?: string[];
  status: string | number;
  detail?: string;
  scimType?: string;
  exceptionRequestId?: string;
  timeStamp?: string;
}
