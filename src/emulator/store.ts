import { randomBytes, randomUUID } from 'node:crypto';
import type { ScimMeta, ScimUserResource } from '../scim/wire.js';
import { resultFromArray, resultFromIterable, type ResultSet } from './result-set.js';

/**
 * The emulated directory: users, groups and memberships with the uniqueness indexes the endpoint enforces
 * (UG/troubleshooting "Duplicate user or group error"). Every lookup by id, userName, email, externalId or
 * membership is a Map/Set access, so 50,000 users and 500,000 memberships stay cheap.
 */

export interface StoredUser {
  readonly id: string;
  readonly meta: ScimMeta;
  /** Epoch ms from which the emulated read-after-write lag is measured; 0 for seeded objects. */
  readonly visibleFrom: number;
  /** The validated attributes, without `id`, `meta` and `schemas`. */
  data: ScimUserResource;
}

export interface StoredGroup {
  readonly id: string;
  readonly meta: ScimMeta;
  readonly visibleFrom: number;
  displayName: string;
  externalId?: string;
}

export interface GroupAttributes {
  displayName: string;
  externalId?: string;
}

/**
 * Identity Store ResourceId: a bare UUID, as captured from 2024 on (idp-scim-sync pkg/aws/testdata,
 * https://github.com/slashdevops/idp-scim-sync), or the older `[0-9a-f]{10}-<uuid>` of the DG examples.
 */
export function newResourceId(form: 'uuid' | 'prefixed' = 'uuid'): string {
  return form === 'uuid' ? randomUUID() : `${randomBytes(5).toString('hex')}-${randomUUID()}`;
}

function newMeta(resourceType: ScimMeta['resourceType']): ScimMeta {
  const now = new Date().toISOString();
  return { resourceType, created: now, lastModified: now };
}

function primaryEmail(user: ScimUserResource): string | undefined {
  return user.emails?.[0]?.value.toLowerCase();
}

export class DirectoryStore {
  private readonly usersById = new Map<string, StoredUser>();
  private readonly userIdByName = new Map<string, string>();
  private readonly userIdByEmail = new Map<string, string>();
  private readonly userIdByExternalId = new Map<string, string>();
  private readonly groupsById = new Map<string, StoredGroup>();
  private readonly groupIdByName = new Map<string, string>();
  private readonly groupIdsByExternalId = new Map<string, Set<string>>();
  private readonly membersByGroup = new Map<string, Set<string>>();
  private readonly groupsByUser = new Map<string, Set<string>>();
  private userOrder: StoredUser[] | null = null;
  private groupOrder: StoredGroup[] | null = null;

  constructor(
    private readonly caseInsensitiveUserName: boolean,
    private readonly idForm: 'uuid' | 'prefixed' = 'uuid',
  ) {}

  userNameKey(userName: string): string {
    return this.caseInsensitiveUserName ? userName.toLowerCase() : userName;
  }

  getUser(id: string): StoredUser | undefined {
    return this.usersById.get(id);
  }

  getGroup(id: string): StoredGroup | undefined {
    return this.groupsById.get(id);
  }

  findUserByUserName(userName: string): StoredUser | undefined {
    return this.userById(this.userIdByName.get(this.userNameKey(userName)));
  }

  findUserByExternalId(externalId: string): StoredUser | undefined {
    return this.userById(this.userIdByExternalId.get(externalId));
  }

  findGroupByDisplayName(displayName: string): StoredGroup | undefined {
    const id = this.groupIdByName.get(displayName);
    return id === undefined ? undefined : this.groupsById.get(id);
  }

  /** Group externalIds are not documented as unique, so several groups may share one. */
  findGroupsByExternalId(externalId: string): StoredGroup[] {
    const ids = this.groupIdsByExternalId.get(externalId) ?? new Set<string>();
    return [...ids].flatMap((id) => this.groupsById.get(id) ?? []);
  }

  /** Which unique attribute of `user` another user already holds; `selfId` is the user being replaced. */
  userConflict(user: ScimUserResource, selfId?: string): string | undefined {
    const taken = (id: string | undefined): boolean => id !== undefined && id !== selfId;
    if (taken(this.userIdByName.get(this.userNameKey(user.userName)))) return 'userName';
    const email = primaryEmail(user);
    if (email !== undefined && taken(this.userIdByEmail.get(email))) return 'primary email';
    if (user.externalId !== undefined && taken(this.userIdByExternalId.get(user.externalId))) return 'externalId';
    return undefined;
  }

  groupConflict(displayName: string, selfId?: string): boolean {
    const id = this.groupIdByName.get(displayName);
    return id !== undefined && id !== selfId;
  }

  insertUser(data: ScimUserResource, visibleFrom = Date.now()): StoredUser {
    const stored: StoredUser = { id: newResourceId(this.idForm), meta: newMeta('User'), visibleFrom, data };
    this.usersById.set(stored.id, stored);
    this.indexUser(stored);
    this.userOrder = null;
    return stored;
  }

  replaceUser(id: string, data: ScimUserResource): StoredUser {
    const stored = this.usersById.get(id);
    if (!stored) throw new Error(`emulator store: no user ${id}`);
    this.unindexUser(stored);
    stored.data = data;
    stored.meta.lastModified = new Date().toISOString();
    this.indexUser(stored);
    return stored;
  }

  /** Deleting a user also ends all of its memberships. */
  deleteUser(id: string): boolean {
    const stored = this.usersById.get(id);
    if (!stored) return false;
    this.unindexUser(stored);
    this.usersById.delete(id);
    for (const groupId of this.groupsByUser.get(id) ?? []) this.membersByGroup.get(groupId)?.delete(id);
    this.groupsByUser.delete(id);
    this.userOrder = null;
    return true;
  }

  insertGroup(attributes: GroupAttributes, visibleFrom = Date.now()): StoredGroup {
    const stored: StoredGroup = { id: newResourceId(this.idForm), meta: newMeta('Group'), visibleFrom, ...attributes };
    this.groupsById.set(stored.id, stored);
    this.membersByGroup.set(stored.id, new Set());
    this.indexGroup(stored);
    this.groupOrder = null;
    return stored;
  }

  updateGroup(id: string, attributes: GroupAttributes): void {
    const stored = this.groupsById.get(id);
    if (!stored) throw new Error(`emulator store: no group ${id}`);
    this.unindexGroup(stored);
    stored.displayName = attributes.displayName;
    if (attributes.externalId === undefined) delete stored.externalId;
    else stored.externalId = attributes.externalId;
    this.touchGroup(id);
    this.indexGroup(stored);
  }

  touchGroup(id: string): void {
    const stored = this.groupsById.get(id);
    if (stored) stored.meta.lastModified = new Date().toISOString();
  }

  deleteGroup(id: string): boolean {
    const stored = this.groupsById.get(id);
    if (!stored) return false;
    this.unindexGroup(stored);
    this.groupsById.delete(id);
    for (const userId of this.membersByGroup.get(id) ?? []) this.groupsByUser.get(userId)?.delete(id);
    this.membersByGroup.delete(id);
    this.groupOrder = null;
    return true;
  }

  addMember(groupId: string, userId: string): void {
    this.membersByGroup.get(groupId)?.add(userId);
    let groups = this.groupsByUser.get(userId);
    if (!groups) this.groupsByUser.set(userId, (groups = new Set()));
    groups.add(groupId);
  }

  removeMember(groupId: string, userId: string): void {
    this.membersByGroup.get(groupId)?.delete(userId);
    this.groupsByUser.get(userId)?.delete(groupId);
  }

  isMember(groupId: string, userId: string): boolean {
    return this.membersByGroup.get(groupId)?.has(userId) ?? false;
  }

  memberIds(groupId: string): string[] {
    return [...(this.membersByGroup.get(groupId) ?? [])];
  }

  allUsers(): ResultSet<StoredUser> {
    this.userOrder ??= [...this.usersById.values()];
    return resultFromArray(this.userOrder);
  }

  allGroups(): ResultSet<StoredGroup> {
    this.groupOrder ??= [...this.groupsById.values()];
    return resultFromArray(this.groupOrder);
  }

  /** Users in a group, in the order they were added (ListUsers `groups.value`, DG/listusers). */
  usersInGroup(groupId: string): ResultSet<StoredUser> {
    const members = this.membersByGroup.get(groupId) ?? new Set<string>();
    return resultFromIterable(members.size, () => this.mapIds(members, this.usersById));
  }

  /** Groups of a user (ListGroups `members.value`, DG/listgroups). */
  groupsOfUser(userId: string): ResultSet<StoredGroup> {
    const groups = this.groupsByUser.get(userId) ?? new Set<string>();
    return resultFromIterable(groups.size, () => this.mapIds(groups, this.groupsById));
  }

  private *mapIds<T>(ids: Iterable<string>, from: Map<string, T>): Iterable<T> {
    for (const id of ids) {
      const item = from.get(id);
      if (item !== undefined) yield item;
    }
  }

  private userById(id: string | undefined): StoredUser | undefined {
    return id === undefined ? undefined : this.usersById.get(id);
  }

  private indexUser(stored: StoredUser): void {
    this.userIdByName.set(this.userNameKey(stored.data.userName), stored.id);
    const email = primaryEmail(stored.data);
    if (email !== undefined) this.userIdByEmail.set(email, stored.id);
    if (stored.data.externalId !== undefined) this.userIdByExternalId.set(stored.data.externalId, stored.id);
  }

  private unindexUser(stored: StoredUser): void {
    this.userIdByName.delete(this.userNameKey(stored.data.userName));
    const email = primaryEmail(stored.data);
    if (email !== undefined) this.userIdByEmail.delete(email);
    if (stored.data.externalId !== undefined) this.userIdByExternalId.delete(stored.data.externalId);
  }

  private indexGroup(stored: StoredGroup): void {
    this.groupIdByName.set(stored.displayName, stored.id);
    if (stored.externalId === undefined) return;
    let ids = this.groupIdsByExternalId.get(stored.externalId);
    if (!ids) this.groupIdsByExternalId.set(stored.externalId, (ids = new Set()));
    ids.add(stored.id);
  }

  private unindexGroup(stored: StoredGroup): void {
    this.groupIdByName.delete(stored.displayName);
    if (stored.externalId === undefined) return;
    const ids = this.groupIdsByExternalId.get(stored.externalId);
    ids?.delete(stored.id);
    if (ids?.size === 0) this.groupIdsByExternalId.delete(stored.externalId);
  }
}
