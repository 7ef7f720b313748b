import type { LdapSourceConfig } from './config.js';
import type { LdapVendor, UserAttributeNames } from './vendors.js';

/** What to read and how to interpret it: the config resolved against the vendor's defaults. */
export interface LdapReadSpec {
  sourceId: string;
  vendor: LdapVendor;
  users: SearchBase;
  groups: SearchBase;
  userAttributes: UserAttributeNames;
  groupNameAttribute: string;
  maxRangeIterations: number;
}

export interface SearchBase {
  baseDn: string;
  scope: 'one' | 'sub';
  filter: string;
}

export function buildReadSpec(config: LdapSourceConfig, vendor: LdapVendor): LdapReadSpec {
  const { groupName, ...userOverrides } = config.attributes;
  const userAttributes = { ...vendor.userAttributes };
  for (const [name, attribute] of Object.entries(userOverrides) as [keyof UserAttributeNames, string | undefined][]) {
    if (attribute !== undefined) userAttributes[name] = attribute;
  }
  return {
    sourceId: config.id,
    vendor,
    users: { ...config.users, filter: config.users.filter ?? vendor.userFilter },
    groups: { ...config.groups, filter: config.groups.filter ?? vendor.groupFilter },
    userAttributes,
    groupNameAttribute: groupName ?? vendor.groupNameAttribute,
    maxRangeIterations: config.maxRangeIterations,
  };
}

/** Attributes requested for users. The id is named explicitly: `entryUUID` is operational (RFC 4530). */
export function userAttributeList(spec: LdapReadSpec): string[] {
  return unique([spec.vendor.idAttribute, ...Object.values(spec.userAttributes), spec.vendor.disabled.attribute]);
}

export function groupAttributeList(spec: LdapReadSpec): string[] {
  return unique([spec.vendor.idAttribute, spec.groupNameAttribute, ...memberAttributeList(spec)]);
}

export function memberAttributeList(spec: LdapReadSpec): string[] {
  const { dn, dnWithOptionalUid, uid } = spec.vendor.memberAttributes;
  return [...dn, ...dnWithOptionalUid, ...uid];
}

function unique(names: string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
