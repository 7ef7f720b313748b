import type { DesiredUser, TargetGroup, TargetUser } from '../model/aws.js';
import type { ScimId } from '../model/ids.js';
import type { NewGroup } from '../scim/map.js';
import type { PatchOperation } from '../scim/wire.js';

/** The SCIM calls applying a plan needs; `ScimClient` implements it, tests may fake it. */
export interface ScimPort {
  createUser(user: DesiredUser): Promise<TargetUser>;
  patchUser(id: string, ops: PatchOperation[]): Promise<TargetUser>;
  deleteUser(id: string): Promise<'deleted' | 'not-found'>;
  createGroup(group: NewGroup): Promise<TargetGroup>;
  patchGroup(id: string, ops: PatchOperation[]): Promise<void>;
  deleteGroup(id: string): Promise<'deleted' | 'not-found'>;
  findUserByExternalId(externalId: string): Promise<TargetUser | null>;
  findGroupByExternalId(externalId: string): Promise<TargetGroup | null>;
  getGroup(id: string): Promise<TargetGroup | null>;
  listGroupMembers(groupId: string): AsyncIterable<TargetUser>;
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
  /** Waits between retries of a member PATCH answered 404 right after a create; default READ_AFTER_WRITE_DELAYS_MS. */
  readAfterWriteDelaysMs?: readonly number[];
}

/**
 * AWS can answer 404 to a member PATCH right after CreateGroup (https://github.com/awslabs/ssosync/issues/42);
 * a public notebook against the endpoint waits 5 s after creating a group
 * (https://github.com/lichti/aws-iam-scim-problem). Such a 404 is retried after these waits, 10 s in
 * total, before it counts as a failure.
 */
export const READ_AFTER_WRITE_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000, 3000, 3250];
