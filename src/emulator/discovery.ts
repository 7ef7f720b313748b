import { SCHEMA_ENTERPRISE_USER, SCHEMA_GROUP, SCHEMA_LIST_RESPONSE, SCHEMA_USER } from '../scim/wire.js';

/**
 * Minimal discovery documents (RFC 7643 §5–7). DG/serviceproviderconfig: patch supported, bulk not, bearer
 * token auth; DG/getschema: `userName` has caseExact=false. ListSchemas and ListResourceTypes exist since
 * 2024-02-07 (DG/document-history).
 */
const SCHEMA_SPC = 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig';
const SCHEMA_RESOURCE_TYPE = 'urn:ietf:params:scim:schemas:core:2.0:ResourceType';
const SCHEMA_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Schema';

export function serviceProviderConfig(): unknown {
  return {
    schemas: [SCHEMA_SPC],
    documentationUri: 'https://docs.aws.amazon.com/singlesignon/latest/developerguide/what-is-scim.html',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 1, maxPayloadSize: 1048576 },
    filter: { supported: true, maxResults: 100 },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'OAuth Bearer Token',
        description: 'Authentication scheme using the OAuth Bearer Token Standard',
        specUri: 'https://www.rfc-editor.org/info/rfc6750',
        primary: true,
      },
    ],
  };
}

function attribute(name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    type: 'string',
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  };
}

const SCHEMAS = [
  {
    id: SCHEMA_USER,
    name: 'User',
    description: 'User Account',
    attributes: [
      attribute('userName', { required: true, uniqueness: 'server' }),
      attribute('displayName', { required: true }),
      attribute('name', { type: 'complex', required: true }),
      attribute('externalId', { caseExact: true }),
      attribute('active', { type: 'boolean' }),
      attribute('emails', { type: 'complex', multiValued: true }),
    ],
  },
  {
    id: SCHEMA_GROUP,
    name: 'Group',
    description: 'Group',
    attributes: [
      attribute('displayName', { required: true, uniqueness: 'server' }),
      attribute('externalId', { caseExact: true }),
      attribute('members', { type: 'complex', multiValued: true, returned: 'never' }),
    ],
  },
  {
    id: SCHEMA_ENTERPRISE_USER,
    name: 'EnterpriseUser',
    description: 'Enterprise User',
    attributes: ['employeeNumber', 'costCenter', 'organization', 'division', 'department']
      .map((name) => attribute(name))
      .concat([attribute('manager', { type: 'complex' })]),
  },
].map((schema) => ({ schemas: [SCHEMA_SCHEMA], ...schema }));

export function findSchema(id: string): unknown {
  return SCHEMAS.find((schema) => schema.id === id);
}

export function listSchemas(): unknown {
  return listOf(SCHEMAS);
}

const RESOURCE_TYPES = [
  {
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    schema: SCHEMA_USER,
    schemaExtensions: [{ schema: SCHEMA_ENTERPRISE_USER, required: false }],
  },
  { id: 'Group', name: 'Group', endpoint: '/Groups', schema: SCHEMA_GROUP },
].map((type) => ({ schemas: [SCHEMA_RESOURCE_TYPE], ...type }));

export function findResourceType(id: string): unknown {
  return RESOURCE_TYPES.find((type) => type.id === id);
}

export function listResourceTypes(): unknown {
  return listOf(RESOURCE_TYPES);
}

function listOf(items: unknown[]): unknown {
  return {
    totalResults: items.length,
    itemsPerPage: items.length,
    startIndex: 1,
    schemas: [SCHEMA_LIST_RESPONSE],
    Resources: items,
  };
}
