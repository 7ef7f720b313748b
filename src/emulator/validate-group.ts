import { SCHEMA_GROUP } from '../scim/wire.js';
import { invalid } from './errors.js';
import {
  RESERVED_NAMES,
  checkExternalId,
  checkText,
  checkUri,
  present,
  rejectUnknownKeys,
  requireObject,
  type TextRules,
} from './text.js';

/** DG/creategroup and DG/patchgroup: at most 100 members inline, and at most 100 membership changes per PATCH. */
export const MAX_MEMBERS_PER_REQUEST = 100;

const GROUP_KEYS = new Set(['schemas', 'id', 'meta', 'displayName', 'externalId', 'members']);
/** DG/limitations: `value`, `type` and `$ref` are supported on members, `display` is not. */
const MEMBER_KEYS = new Set(['value', 'type', '$ref']);

export interface ValidGroup {
  displayName: string;
  externalId?: string;
  memberIds: string[];
}

/** CreateGroup body (DG/creategroup): `displayName` required, `externalId` optional, ≤100 inline members. */
export function validateGroup(input: unknown, rules: TextRules): ValidGroup {
  const doc = requireObject(input, 'group');
  rejectUnknownKeys(doc, GROUP_KEYS, 'group');
  if (present(doc['schemas'])) {
    const schemas = doc['schemas'];
    if (!Array.isArray(schemas) || schemas.some((s) => s !== SCHEMA_GROUP)) throw invalid('schemas: unknown schema');
  }
  const group: ValidGroup = { displayName: checkGroupName(doc['displayName'], rules), memberIds: [] };
  if (present(doc['externalId'])) group.externalId = checkExternalId(doc['externalId'], rules);
  if (present(doc['members'])) {
    group.memberIds = checkMemberList(doc['members'], 'members', rules);
    if (group.memberIds.length > MAX_MEMBERS_PER_REQUEST)
      throw invalid(`members: more than ${MAX_MEMBERS_PER_REQUEST}`);
  }
  return group;
}

/** IS/API_DescribeGroup: 1–1024; IS/API_CreateUser: `Administrator`/`AWSAdministrators` are reserved for groups too. */
export function checkGroupName(value: unknown, rules: TextRules): string {
  if (!present(value)) throw invalid('displayName: required');
  const name = checkText(value, 'displayName', rules);
  if (RESERVED_NAMES.has(name)) throw invalid('displayName: reserved name');
  return name;
}

/** A list of `{value, type?, $ref?}` member references; returns the user ids in request order. */
export function checkMemberList(value: unknown, field: string, rules: TextRules): string[] {
  if (!Array.isArray(value)) throw invalid(`${field}: must be an array`);
  return value.map((item) => checkMember(item, field, rules));
}

function checkMember(item: unknown, field: string, rules: TextRules): string {
  const member = requireObject(item, field);
  rejectUnknownKeys(member, MEMBER_KEYS, field);
  if (present(member['type']) && member['type'] !== 'User') throw invalid(`${field}.type: only User is supported`);
  if (present(member['$ref'])) checkUri(member['$ref'], `${field}.$ref`, rules);
  if (!present(member['value'])) throw invalid(`${field}.value: required`);
  return checkUri(member['value'], `${field}.value`, rules);
}
