import type { DesiredUser, TargetGroup, TargetUser } from '../model/aws.js';
import type { ScimId } from '../model/ids.js';
import type { PatchOperation } from '../scim/wire.js';

/** The SCIM calls applying a plan needs; `ScimClient` implements it, tests may fake it. */
export interface ScimPort {
  createUser(user: DesiredUser): Promise<TargetUser>;
  patchUser(id: string, ops: PatchOperation[]): Promise<TargetUser>;
  deleteUser(id: string): Promise<'deleted' | 'not-found'>;
  createGroup(group: { externalId: string; displayName: string }): Promise<TargetGroup>;
  patchGroup(id: string, ops: PatchOperation[]): Promise<void>;
  deleteGroup(id: string): Promise<'deleted' | 'not-found'>;
  findUserByExternalId(externalId: string): Promise<TargetUser | null>;
  findGroupByExternalId(externalId: string): Promise<TargetGroup | null>;
  isMember(groupId: string, userId: string): Promise<boolean>;
}

/**
 * externalId → AWS id for objects created during a run, so later operations (member PATCHes)
 * can address them. In-process it is a Map; the queue executor keeps it in Redis.
 */
export interface IdDirectory {
  get(kind: 'user' | 'group', externalId: string): Promise<ScimId | undefined>;
  set(kind: 'user' | 'group', externalId: string, id: ScimId): Promise<void>;
}

export class MemoryIdDirectory implements IdDirectory {
  private readonly ids = new Map<string, ScimId>();

  async get(kind: 'user' | 'group', externalId: string): Promise<ScimId | undefined> {
    return this.ids.get(`${kind}:${externalId}`);
  }

  async set(kind: 'user' | 'group', externalId: string, id: ScimId): Promise<void> {
    this.ids.set(`${kind}:${externalId}`, id);
  }
}

export interface ApplyContext {
  scim: ScimPort;
  ids: IdDirectory;
}
