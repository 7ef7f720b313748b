import { compileMapping, type CompiledMapping } from '../../mapping/config.js';
import { attributesOf } from '../../mapping/expression.js';
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
  /** Read the vendor's built-in and critical system objects like any other entry (ad-objects.ts). */
  includeSystemObjects: boolean;
  /** The configured attribute mapping (src/mapping); empty unless the config has one. */
  mapping: CompiledMapping;
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
    includeSystemObjects: config.includeSystemObjects,
    mapping: compileMapping(config.mapping),
  };
}

/** Attributes requested for users. The id is named explicitly: `entryUUID` is operational (RFC 4530). */
export function userAttributeList(spec: LdapReadSpec): string[] {
  const { primaryGroup } = spec.vendor;
  const primary = primaryGroup === undefined ? [] : [primaryGroup.userAttribute, primaryGroup.sidAttribute];
  return unique([
    spec.vendor.idAttribute,
    ...(Object.values(spec.userAttributes) as string[]),
    spec.vendor.disabled.attribute,
    ...primary,
    ...commonAttributes(spec),
    ...Object.values(spec.mapping.user).flatMap(attributesOf),
  ]);
}

export function groupAttributeList(spec: LdapReadSpec): string[] {
  const sid = spec.vendor.primaryGroup === undefined ? [] : [spec.vendor.primaryGroup.sidAttribute];
  return unique([
    spec.vendor.idAttribute,
    spec.groupNameAttribute,
    ...(spec.mapping.group.displayName === undefined ? [] : attributesOf(spec.mapping.group.displayName)),
    ...memberAttributeList(spec),
    ...sid,
    ...commonAttributes(spec),
  ]);
}

function commonAttributes(spec: LdapReadSpec): string[] {
  const system = spec.vendor.systemObjects;
  return [
    spec.vendor.createdAttribute,
    ...(system === undefined ? [] : [system.criticalAttribute, system.sidAttribute]),
  ];
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
