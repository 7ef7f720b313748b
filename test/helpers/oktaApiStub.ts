import type { OktaApi, OktaAppUser, OktaGroup, OktaUser } from '../../src/sources/okta/client.js';

/**
 * An in-memory `OktaApi` for unit tests of read.ts, incremental.ts and reread.ts: no HTTP, no SDK
 * (the integration tests drive those). Every call is recorded; `failOn` makes a matching call throw
 * after yielding part of its list, as a page failing mid-way would.
 */

export type StubGroup = OktaGroup & { id: string; members: string[] };

export function stubUser(id: string, over: Partial<OktaUser> = {}): OktaUser & { id: string } {
  return {
    id,
    status: 'ACTIVE',
    lastUpdated: '2026-01-01T00:00:00.000Z',
    ...over,
    profile: { login: `${id}@example.com`, email: `${id}@example.com`, ...over.profile },
  };
}

export function stubGroup(
  id: string,
  name: string,
  members: string[],
  lastMembershipUpdated = '2026-01-01T00:00:00.000Z',
): StubGroup {
  return { id, profile: { name }, members, lastUpdated: '2026-01-01T00:00:00.000Z', lastMembershipUpdated };
}

export class StubOktaApi implements OktaApi {
  readonly users = new Map<string, OktaUser & { id: string }>();
  readonly groups = new Map<string, StubGroup>();
  readonly appUsers = new Set<string>();
  readonly appGroups = new Set<string>();
  readonly calls: string[] = [];
  failOn: ((call: string) => boolean) | undefined;

  constructor(
    world: {
      users?: (OktaUser & { id: string })[];
      groups?: StubGroup[];
      appUsers?: string[];
      appGroups?: string[];
    } = {},
  ) {
    for (const user of world.users ?? []) this.users.set(user.id, user);
    for (const group of world.groups ?? []) this.groups.set(group.id, group);
    for (const id of world.appUsers ?? []) this.appUsers.add(id);
    for (const id of world.appGroups ?? []) this.appGroups.add(id);
  }

  searchUsers(search: string): AsyncIterable<OktaUser> {
    const since = Date.parse(/^lastUpdated gt "(.+)"$/.exec(search)?.[1] ?? '');
    if (Number.isNaN(since)) throw new Error(`stub: unsupported search ${search}`);
    return this.list(
      `searchUsers ${search}`,
      [...this.users.values()].filter((u) => Date.parse(String(u.lastUpdated)) > since),
    );
  }

  async getUser(userId: string): Promise<OktaUser | undefined> {
    this.record(`getUser ${userId}`);
    return this.users.get(userId);
  }

  searchGroups(search: string): AsyncIterable<OktaGroup> {
    const prefix = /^profile\.name sw "(.+)"$/.exec(search)?.[1];
    if (prefix === undefined) throw new Error(`stub: unsupported search ${search}`);
    return this.list(
      `searchGroups ${search}`,
      [...this.groups.values()].filter((g) => String(g.profile?.name).startsWith(prefix)),
    );
  }

  async getGroup(groupId: string): Promise<OktaGroup | undefined> {
    this.record(`getGroup ${groupId}`);
    return this.groups.get(groupId);
  }

  listGroupUsers(groupId: string): AsyncIterable<OktaUser> {
    const members = (this.groups.get(groupId)?.members ?? []).flatMap((id) =>
      this.users.has(id) ? [this.users.get(id)!] : [],
    );
    return this.list(`listGroupUsers ${groupId}`, members);
  }

  listUserGroups(userId: string): AsyncIterable<OktaGroup> {
    return this.list(
      `listUserGroups ${userId}`,
      [...this.groups.values()].filter((g) => g.members.includes(userId)),
    );
  }

  listAppUsers(_appId: string, expandUser: boolean): AsyncIterable<OktaAppUser> {
    const viaGroups = [...this.appGroups].flatMap((id) => this.groups.get(id)?.members ?? []);
    // Without expand an assignment may outlive its user for a moment (a race the reader must survive).
    const ids = [...new Set([...this.appUsers, ...viaGroups])].filter((id) => !expandUser || this.users.has(id));
    return this.list(
      `listAppUsers expand=${expandUser}`,
      ids.map((id) => ({ id, ...(expandUser ? { _embedded: { user: this.users.get(id) } } : {}) })),
    );
  }

  async getAppUser(_appId: string, userId: string): Promise<OktaAppUser | undefined> {
    this.record(`getAppUser ${userId}`);
    return this.users.has(userId) && this.appUsers.has(userId)
      ? { id: userId, _embedded: { user: this.users.get(userId) } }
      : undefined;
  }

  listAppGroups(): AsyncIterable<OktaGroup> {
    return this.list(
      'listAppGroups',
      [...this.appGroups].flatMap((id) => (this.groups.has(id) ? [this.groups.get(id)!] : [])),
    );
  }

  async isAppGroup(_appId: string, groupId: string): Promise<boolean> {
    this.record(`isAppGroup ${groupId}`);
    return this.appGroups.has(groupId);
  }

  private record(call: string): void {
    this.calls.push(call);
    if (this.failOn?.(call) === true) throw new Error(`stub: ${call} failed`);
  }

  private async *list<T>(call: string, items: T[]): AsyncIterable<T> {
    this.calls.push(call);
    const failing = this.failOn?.(call) === true;
    for (const [index, item] of items.entries()) {
      if (failing && index === Math.floor(items.length / 2))
        throw new Error(`stub: ${call} failed after ${index} items`);
      yield structuredClone(item);
    }
    if (failing) throw new Error(`stub: ${call} failed`);
  }
}
