import { parse as parseYaml } from 'yaml';
import type { Group } from '../../model/group.js';
import { makeExternalId, type ExternalId } from '../../model/ids.js';
import type { SkippedSourceEntry, Snapshot, UnresolvedMember } from '../../model/snapshot.js';
import { applyUserMapping, mapGroupName } from '../../mapping/apply.js';
import { compileMapping } from '../../mapping/config.js';
import type { AttributeLookup } from '../../mapping/evaluate.js';
import { recordLookup } from '../../mapping/lookup.js';
import type { User } from '../../model/user.js';
import type { FileSourceConfig } from './config.js';
import { describeIssues, directoryFileSchema, type DirectoryFile, type FileGroup, type FileUser } from './format.js';

/** Why a file could not be used; the message is safe to show the operator. */
export class DirectoryFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DirectoryFileError';
  }
}

export function parseDirectoryFile(text: string, format: 'json' | 'yaml'): DirectoryFile {
  let document: unknown;
  try {
    document = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new DirectoryFileError(
      `not valid ${format.toUpperCase()}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const result = directoryFileSchema.safeParse(document);
  if (!result.success)
    throw new DirectoryFileError(`does not match the directory file format:\n${describeIssues(result.error)}`, {
      cause: result.error,
    });
  return result.data;
}

export function toSnapshot(file: DirectoryFile, config: FileSourceConfig, readAt: string): Snapshot {
  const mapping = compileMapping(config.mapping);
  const userIds = new Set(file.users.map((u) => u.id));
  const groupIds = new Set(file.groups.map((g) => g.id));
  const unresolvedMembers: UnresolvedMember[] = [];
  const skipped: SkippedSourceEntry[] = [];
  const groups: Group[] = [];
  file.groups.forEach((g, index) => {
    const displayName = mapGroupName(g.displayName, mapping, lookupOf(g));
    if (displayName === undefined) {
      skipped.push({
        object: 'group',
        ref: `${config.path}#groups[${index}]`,
        reason: 'mapping.group.displayName gave no value',
      });
      return;
    }
    const { group, unresolved } = toGroup({ ...g, displayName }, index, config, userIds, groupIds);
    unresolvedMembers.push(...unresolved);
    groups.push(group);
  });
  const resolveManager = (ref: string): ExternalId | undefined =>
    userIds.has(ref) ? makeExternalId(config.id, ref) : undefined;
  const users: User[] = [];
  file.users.forEach((u, index) => {
    const mapped = applyUserMapping(toUser(u, index, config), mapping, lookupOf(u), resolveManager);
    if (mapped.kind === 'user') users.push(mapped.user);
    else
      skipped.push({
        object: 'user',
        ref: `${config.path}#users[${index}]`,
        externalId: makeExternalId(config.id, u.id),
        reason: mapped.reason,
      });
  });
  return { sourceId: config.id, sourceKind: 'file', users, groups, readAt, unresolvedMembers, skipped };
}

/** A mapping reads the record's fields by name (`department`) and its extra attributes as `attributes.<name>`. */
function lookupOf(record: FileUser | FileGroup): AttributeLookup {
  return recordLookup(record);
}

function toUser(u: FileUser, index: number, config: FileSourceConfig): User {
  return {
    externalId: makeExternalId(config.id, u.id),
    userName: u.userName,
    displayName: u.displayName,
    name: {
      givenName: u.givenName,
      familyName: u.familyName,
      middleName: u.middleName,
      honorificPrefix: u.honorificPrefix,
      honorificSuffix: u.honorificSuffix,
    },
    nickName: u.nickName,
    title: u.title,
    userType: u.userType,
    preferredLanguage: u.preferredLanguage,
    locale: u.locale,
    timezone: u.timezone,
    emails: u.emails,
    phoneNumbers: u.phoneNumbers,
    addresses: u.addresses,
    enterprise: {
      employeeNumber: u.employeeNumber,
      costCenter: u.costCenter,
      organization: u.organization,
      division: u.division,
      department: u.department,
    },
    active: u.active,
    provenance: { sourceKind: 'file', sourceId: config.id, ref: `${config.path}#users[${index}]` },
  };
}

function toGroup(
  g: FileGroup,
  index: number,
  config: FileSourceConfig,
  userIds: ReadonlySet<string>,
  groupIds: ReadonlySet<string>,
): { group: Group; unresolved: UnresolvedMember[] } {
  const externalId = makeExternalId(config.id, g.id);
  const memberUsers = new Set<ExternalId>();
  const memberGroups = new Set<ExternalId>();
  const unresolved: UnresolvedMember[] = [];
  for (const member of g.members) {
    if (userIds.has(member)) memberUsers.add(makeExternalId(config.id, member));
    else if (groupIds.has(member)) memberGroups.add(makeExternalId(config.id, member));
    else unresolved.push({ group: externalId, member, reason: 'no user or group with this id in the file' });
  }
  const group: Group = {
    externalId,
    displayName: g.displayName,
    memberUsers: [...memberUsers],
    memberGroups: [...memberGroups],
    provenance: { sourceKind: 'file', sourceId: config.id, ref: `${config.path}#groups[${index}]` },
  };
  return { group, unresolved };
}
