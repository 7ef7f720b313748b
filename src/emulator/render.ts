import {
  SCHEMA_ENTERPRISE_USER,
  SCHEMA_GROUP,
  SCHEMA_USER,
  type ScimGroupResource,
  type ScimUserResource,
} from '../scim/wire.js';
import type { StoredGroup, StoredUser } from './store.js';

/**
 * Resources as the endpoint returns them (DG/createuser response example): `id`, `externalId`, `meta`
 * without `location` or `version`, `schemas` naming the enterprise extension only when it is present.
 */
export function renderUser(stored: StoredUser): ScimUserResource {
  const { externalId, ...attributes } = structuredClone(stored.data);
  const schemas = attributes[SCHEMA_ENTERPRISE_USER] ? [SCHEMA_USER, SCHEMA_ENTERPRISE_USER] : [SCHEMA_USER];
  return {
    id: stored.id,
    ...(externalId === undefined ? {} : { externalId }),
    meta: { ...stored.meta },
    schemas,
    ...attributes,
  };
}

/** DG/getgroup: GetGroup and CreateGroup omit `members`. */
export function renderGroup(stored: StoredGroup): ScimGroupResource {
  return {
    id: stored.id,
    meta: { ...stored.meta },
    schemas: [SCHEMA_GROUP],
    displayName: stored.displayName,
    ...(stored.externalId === undefined ? {} : { externalId: stored.externalId }),
  };
}

/** DG/listgroups: ListGroups shows `"members": []` whatever the membership. */
export function renderListedGroup(stored: StoredGroup): ScimGroupResource {
  return { ...renderGroup(stored), members: [] };
}

/** The attributes of a stored user in request form, for PATCH to work on. */
export function userDocument(stored: StoredUser): Record<string, unknown> {
  return structuredClone(stored.data) as unknown as Record<string, unknown>;
}
