import type { ExternalId } from '../../model/ids.js';
import type { User } from '../../model/user.js';
import type { LdapDirectory } from './client.js';
import { isInScope } from './dn.js';
import type { LdapEntry } from './entry.js';
import { configured, configuredAnd } from './filters.js';
import {
  NOT_IN_SCOPE,
  resolveGroup,
  uidRef,
  type MemberLookup,
  type MemberRef,
  type ResolvedGroup,
} from './members.js';
import { completeRangedAttributes } from './range.js';
import { searchSpec } from './read.js';
import {
  groupAttributeList,
  memberAttributeList,
  userAttributeList,
  type LdapReadSpec,
  type SearchBase,
} from './spec.js';
import { entryExternalId, transformGroup, transformUser } from './transform.js';

/**
 * Targeted re-reads by immutable id. Entries are found with `(&<configured filter>(<id attribute>=<id>))`
 * under the configured base, so an object that left the scope reads as `null`, as it would be absent
 * from a full read. The id is an assertion value, never filter text (filters.ts): `*` matches nothing.
 */

export async function rereadUser(directory: LdapDirectory, spec: LdapReadSpec, id: string): Promise<User | null> {
  const entry = await findById(directory, spec, spec.users, userAttributeList(spec), id);
  if (entry === undefined) return null;
  const record = transformUser(entry, spec);
  return record.kind === 'user' && (spec.includeSystemObjects || !record.system) ? record.user : null;
}

export async function rereadGroup(
  directory: LdapDirectory,
  spec: LdapReadSpec,
  id: string,
): Promise<ResolvedGroup | null> {
  const entry = await findById(directory, spec, spec.groups, groupAttributeList(spec), id);
  if (entry === undefined) return null;
  const complete = await completeRangedAttributes(directory, entry, memberAttributeList(spec), spec.maxRangeIterations);
  const record = transformGroup(complete, spec);
  if (record.kind !== 'group' || (record.system && !spec.includeSystemObjects)) return null;
  const resolved = await resolveGroup(record, directoryLookup(directory, spec));
  const primary = await primaryMembers(directory, spec, record.sid);
  resolved.group.memberUsers = [...new Set([...resolved.group.memberUsers, ...primary])];
  return resolved;
}

/** Users whose primary group is the group with `sid`: the full read's `member` gap, closed for one group (ad-objects.ts). */
async function primaryMembers(
  directory: LdapDirectory,
  spec: LdapReadSpec,
  sid: string | undefined,
): Promise<ExternalId[]> {
  const rule = spec.vendor.primaryGroup;
  const rid = sid?.split('-').pop();
  if (rule === undefined || sid === undefined || rid === undefined) return [];
  const search = {
    ...searchSpec(spec.users, userAttributeList(spec), spec),
    filter: configuredAnd(spec.users.filter, rule.userAttribute, rid),
  };
  const ids: ExternalId[] = [];
  for await (const page of directory.searchPages(search)) {
    for (const entry of page) {
      const record = transformUser(entry, spec);
      if (record.kind === 'user' && record.primaryGroupSid === sid && (spec.includeSystemObjects || !record.system))
        ids.push(record.user.externalId);
    }
  }
  return ids;
}

async function findById(
  directory: LdapDirectory,
  spec: LdapReadSpec,
  base: SearchBase,
  attributes: string[],
  id: string,
): Promise<LdapEntry | undefined> {
  const assertion = spec.vendor.encodeId(id);
  if (assertion === undefined) return undefined;
  const search = {
    ...searchSpec(base, attributes, spec),
    filter: configuredAnd(base.filter, spec.vendor.idAttribute, assertion),
  };
  const found: LdapEntry[] = [];
  for await (const page of directory.searchPages(search)) found.push(...page);
  if (found.length > 1)
    throw new Error(`${spec.vendor.idAttribute} ${id} matched ${found.length} entries under "${base.baseDn}"`);
  return found[0];
}

/** Resolves members one directory lookup at a time, applying the same scope (base, scope, filter) as a full read. */
function directoryLookup(directory: LdapDirectory, spec: LdapReadSpec): MemberLookup {
  const idOf = async (dn: string, base: SearchBase, kind: 'user' | 'group'): Promise<MemberRef | undefined> => {
    if (!isInScope(dn, base.baseDn, base.scope)) return undefined;
    const entry = await directory.readEntry({
      dn,
      filter: configured(base.filter),
      attributes: [spec.vendor.idAttribute],
      binaryAttributes: spec.vendor.binaryAttributes,
    });
    if (entry === undefined) return undefined;
    const externalId = entryExternalId(entry, spec);
    if (typeof externalId !== 'string')
      return { kind: 'unresolved', reason: `member entry skipped: ${externalId.reason}` };
    return { kind, externalId };
  };
  return {
    byDn: async (dn) =>
      (await idOf(dn, spec.groups, 'group')) ??
      (await idOf(dn, spec.users, 'user')) ?? { kind: 'unresolved', reason: NOT_IN_SCOPE },
    byUid: async (uid) => {
      const search = {
        ...searchSpec(spec.users, [spec.vendor.idAttribute], spec),
        filter: configuredAnd(spec.users.filter, spec.userAttributes.posixUid, uid),
      };
      const ids: ExternalId[] = [];
      for await (const page of directory.searchPages(search)) {
        for (const entry of page) {
          const externalId = entryExternalId(entry, spec);
          if (typeof externalId === 'string') ids.push(externalId);
        }
      }
      return uidRef(ids);
    },
  };
}
