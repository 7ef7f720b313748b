import {
  SCHEMA_ENTERPRISE_USER,
  SCHEMA_USER,
  type ScimAddress,
  type ScimEnterpriseExtension,
  type ScimMultiValue,
  type ScimUserResource,
} from '../scim/wire.js';
import { invalid } from './errors.js';
import {
  RESERVED_NAMES,
  checkBoolean,
  checkExternalId,
  checkText,
  checkUri,
  checkUserName,
  present,
  rejectUnknownKeys,
  requireObject,
  type TextRules,
} from './text.js';

/**
 * Validation of a User as CreateUser and PutUser accept it (DG/createuser, DG/limitations,
 * UG/supported-attributes). A patched user is re-validated with the same rules.
 * Unsupported attributes (password, ims, photos, entitlements, x509Certificates, groups, any `display`
 * sub-attribute, manager.displayName) are simply not in the allowed key sets, so they are refused.
 */

/** `id` and `meta` are server-assigned (RFC 7643 §3.1) and ignored when a client sends them. */
const USER_KEYS = new Set([
  'schemas',
  'id',
  'meta',
  'externalId',
  'userName',
  'name',
  'displayName',
  'nickName',
  'profileUrl',
  'title',
  'userType',
  'preferredLanguage',
  'locale',
  'timezone',
  'active',
  'emails',
  'phoneNumbers',
  'addresses',
  'roles',
  SCHEMA_ENTERPRISE_USER,
]);
const OPTIONAL_TEXT = ['nickName', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone'] as const;
export const NAME_KEYS = ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'];
export const ADDRESS_KEYS = ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country', 'type'];
export const ENTERPRISE_KEYS = ['employeeNumber', 'costCenter', 'organization', 'division', 'department'];
const VALUE_KEYS = new Set(['value', 'type', 'primary']);
const KNOWN_SCHEMAS = new Set([SCHEMA_USER, SCHEMA_ENTERPRISE_USER]);

type Doc = Record<string, unknown>;

export function validateUser(input: unknown, rules: TextRules, currentUserName?: string): ScimUserResource {
  const doc = requireObject(input, 'user');
  rejectUnknownKeys(doc, USER_KEYS, 'user');
  checkSchemas(doc['schemas']);
  if (!present(doc['userName'])) throw invalid('userName: required');
  const userName = checkUserName(doc['userName'], rules);
  // IS/API_CreateUser: reserved names cannot be created over SCIM; a hand-made one may keep its name.
  if (RESERVED_NAMES.has(userName) && userName !== currentUserName) throw invalid('userName: reserved name');
  const user: ScimUserResource = {
    userName,
    name: validateName(doc['name'], rules),
    displayName: requiredText(doc, 'displayName', rules),
  };
  if (present(doc['externalId'])) user.externalId = checkExternalId(doc['externalId'], rules);
  for (const key of OPTIONAL_TEXT) {
    if (present(doc[key])) user[key] = checkText(doc[key], key, rules);
  }
  if (present(doc['profileUrl'])) user.profileUrl = checkUri(doc['profileUrl'], 'profileUrl', rules);
  if (present(doc['active'])) user.active = checkBoolean(doc['active'], 'active');
  assignList(
    user,
    'emails',
    single(doc['emails'], 'emails', (v) => validateEmail(v, rules)),
  );
  assignList(
    user,
    'phoneNumbers',
    single(doc['phoneNumbers'], 'phoneNumbers', (v) => validateValue(v, 'phoneNumbers', rules)),
  );
  assignList(
    user,
    'addresses',
    single(doc['addresses'], 'addresses', (v) => validateAddress(v, rules)),
  );
  assignList(
    user,
    'roles',
    single(doc['roles'], 'roles', (v) => validateValue(v, 'roles', rules)),
  );
  const enterprise = validateEnterprise(doc[SCHEMA_ENTERPRISE_USER], rules);
  if (enterprise) user[SCHEMA_ENTERPRISE_USER] = enterprise;
  return user;
}

function checkSchemas(value: unknown): void {
  if (!present(value)) return;
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string' || !KNOWN_SCHEMAS.has(s))) {
    throw invalid('schemas: unknown schema');
  }
}

function requiredText(doc: Doc, key: string, rules: TextRules, field = key): string {
  if (!present(doc[key])) throw invalid(`${field}: required`);
  return checkText(doc[key], field, rules);
}

function validateName(value: unknown, rules: TextRules): ScimUserResource['name'] {
  if (!present(value)) throw invalid('name: required');
  const doc = requireObject(value, 'name');
  rejectUnknownKeys(doc, new Set(NAME_KEYS), 'name');
  const name: ScimUserResource['name'] = {
    familyName: requiredText(doc, 'familyName', rules, 'name.familyName'),
    givenName: requiredText(doc, 'givenName', rules, 'name.givenName'),
  };
  for (const key of ['formatted', 'middleName', 'honorificPrefix', 'honorificSuffix'] as const) {
    if (present(doc[key])) name[key] = checkText(doc[key], `name.${key}`, rules);
  }
  return name;
}

/** DG/createuser, DG/limitations: multi-valued attributes accept one item ("exceeds allowed limit of 1"). */
function single<T>(value: unknown, field: string, validateItem: (item: unknown) => T): T | undefined {
  if (!present(value)) return undefined;
  if (!Array.isArray(value)) throw invalid(`${field}: must be an array`);
  if (value.length > 1) throw invalid(`${field}: exceeds allowed limit of 1`);
  return value.length === 1 ? validateItem(value[0]) : undefined;
}

function assignList<K extends 'emails' | 'phoneNumbers' | 'addresses' | 'roles'>(
  user: ScimUserResource,
  key: K,
  item: NonNullable<ScimUserResource[K]>[number] | undefined,
): void {
  if (item !== undefined) user[key] = [item] as ScimUserResource[K];
}

function validateValue(value: unknown, field: string, rules: TextRules): ScimMultiValue {
  const doc = requireObject(value, field);
  rejectUnknownKeys(doc, VALUE_KEYS, field);
  const item: ScimMultiValue = { value: requiredText(doc, 'value', rules, `${field}.value`) };
  if (present(doc['type'])) item.type = checkText(doc['type'], `${field}.type`, rules);
  if (present(doc['primary'])) item.primary = checkBoolean(doc['primary'], `${field}.primary`);
  return item;
}

/** DG/createuser: the single email must be marked primary. */
function validateEmail(value: unknown, rules: TextRules): ScimMultiValue {
  const item = validateValue(value, 'emails', rules);
  if (item.primary !== true) throw invalid('emails: the email must be primary');
  return item;
}

function validateAddress(value: unknown, rules: TextRules): ScimAddress {
  const doc = requireObject(value, 'addresses');
  rejectUnknownKeys(doc, new Set([...ADDRESS_KEYS, 'primary']), 'addresses');
  const address: ScimAddress = {};
  for (const key of ADDRESS_KEYS) {
    if (present(doc[key]))
      address[key as Exclude<keyof ScimAddress, 'primary'>] = checkText(doc[key], `addresses.${key}`, rules);
  }
  if (present(doc['primary'])) address.primary = checkBoolean(doc['primary'], 'addresses.primary');
  return address;
}

/** DG/limitations: manager carries `value` and `$ref`, not `displayName`; `$ref` is not echoed (DG/createuser). */
function validateEnterprise(value: unknown, rules: TextRules): ScimEnterpriseExtension | undefined {
  if (!present(value)) return undefined;
  const doc = requireObject(value, SCHEMA_ENTERPRISE_USER);
  rejectUnknownKeys(doc, new Set([...ENTERPRISE_KEYS, 'manager']), 'enterprise');
  const ext: ScimEnterpriseExtension = {};
  for (const key of ENTERPRISE_KEYS) {
    if (present(doc[key])) ext[key as keyof Omit<ScimEnterpriseExtension, 'manager'>] = checkText(doc[key], key, rules);
  }
  if (present(doc['manager'])) {
    const manager = requireObject(doc['manager'], 'manager');
    rejectUnknownKeys(manager, new Set(['value', '$ref']), 'manager');
    if (present(manager['$ref'])) checkUri(manager['$ref'], 'manager.$ref', rules);
    if (present(manager['value'])) ext.manager = { value: checkUri(manager['value'], 'manager.value', rules) };
  }
  return Object.keys(ext).length > 0 ? ext : undefined;
}
