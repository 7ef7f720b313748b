/**
 * The directory behind the Graph fake (graphFake.ts): users, groups with direct members (users or
 * groups), app role assignments, and a change log that users/delta and groups/delta replay.
 * Semantics follow learn.microsoft.com/graph: unselected properties are absent, selected but unset
 * ones are null, `transitiveMembers` lists nested groups themselves, deleted objects come back from
 * delta with `@removed` and a reason.
 */

export type FakeUser = { id: string; userPrincipalName: string } & Record<string, unknown>;

export interface FakeGroup {
  id: string;
  displayName: string;
  /** Direct members: user or group ids. */
  members: string[];
}

export interface FakeAssignment {
  principalId: string;
  principalType: 'User' | 'Group';
}

type Json = Record<string, unknown>;

/** What `GET /users` returns without `$select` (learn.microsoft.com/graph/api/user-list). */
const DEFAULT_USER_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'id',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
];

interface UserChange {
  at: number;
  id: string;
  removed?: 'changed' | 'deleted';
}

interface GroupChange {
  at: number;
  id: string;
  removed?: boolean;
  member?: string;
}

export class FakeTenant {
  readonly users = new Map<string, FakeUser>();
  readonly groups = new Map<string, FakeGroup>();
  readonly assignments: FakeAssignment[] = [];
  private clock = 0;
  private userLog: UserChange[] = [];
  private groupLog: GroupChange[] = [];

  /** The position a delta token records; changes after it are replayed by the next round. */
  get position(): number {
    return this.clock;
  }

  addUser(user: FakeUser): this {
    this.users.set(user.id, { accountEnabled: true, userType: 'Member', ...user });
    this.userLog.push({ at: ++this.clock, id: user.id });
    return this;
  }

  updateUser(id: string, patch: Json): this {
    const user = this.users.get(id);
    if (user === undefined) throw new Error(`fake tenant: no user ${id}`);
    this.users.set(id, { ...user, ...patch });
    this.userLog.push({ at: ++this.clock, id });
    return this;
  }

  /** Soft delete (`changed`) or hard delete (`deleted`); either way the user leaves every group, as Entra does. */
  deleteUser(id: string, reason: 'changed' | 'deleted'): this {
    this.users.delete(id);
    this.userLog.push({ at: ++this.clock, id, removed: reason });
    for (const group of this.groups.values()) if (group.members.includes(id)) this.removeMember(group.id, id);
    return this;
  }

  addGroup(id: string, displayName: string, members: string[] = []): this {
    this.groups.set(id, { id, displayName, members: [...members] });
    this.groupLog.push({ at: ++this.clock, id });
    for (const member of members) this.groupLog.push({ at: this.clock, id, member });
    return this;
  }

  addMember(groupId: string, memberId: string): this {
    this.group(groupId).members.push(memberId);
    this.groupLog.push({ at: ++this.clock, id: groupId, member: memberId });
    return this;
  }

  removeMember(groupId: string, memberId: string): this {
    const group = this.group(groupId);
    group.members = group.members.filter((m) => m !== memberId);
    this.groupLog.push({ at: ++this.clock, id: groupId, member: memberId });
    return this;
  }

  deleteGroup(id: string): this {
    this.groups.delete(id);
    this.groupLog.push({ at: ++this.clock, id, removed: true });
    for (const group of this.groups.values()) if (group.members.includes(id)) this.removeMember(group.id, id);
    return this;
  }

  assign(principalId: string, principalType: 'User' | 'Group'): this {
    this.assignments.push({ principalId, principalType });
    return this;
  }

  projectUser(user: FakeUser, select: readonly string[] | undefined): Json {
    const keys = select ?? DEFAULT_USER_PROPERTIES;
    return Object.fromEntries(['id', ...keys.filter((k) => k !== 'id')].map((k) => [k, user[k] ?? null]));
  }

  /**
   * The `manager` navigation property of an expanded user: the manager (a user) with the nested `$select`, or
   * nothing at all when none is set, as Graph leaves out an expanded single-valued relationship with no target.
   */
  expandManager(user: FakeUser, expand: { select: readonly string[] | undefined } | undefined): Json {
    if (expand === undefined) return {};
    const managerId = user.managerId;
    const manager = typeof managerId === 'string' ? this.users.get(managerId) : undefined;
    if (manager === undefined) return {};
    return { manager: { '@odata.type': '#microsoft.graph.user', ...this.projectUser(manager, expand.select) } };
  }

  /** A member collection item: `@odata.type` plus the selected properties the object has. */
  directoryObject(id: string, select: readonly string[] | undefined): Json | undefined {
    const user = this.users.get(id);
    if (user !== undefined) return { '@odata.type': '#microsoft.graph.user', ...this.projectUser(user, select) };
    const group = this.groups.get(id);
    if (group === undefined) return undefined;
    return {
      '@odata.type': '#microsoft.graph.group',
      id,
      ...(select === undefined || select.includes('displayName') ? { displayName: group.displayName } : {}),
    };
  }

  /** Every object under a group at any depth, nested groups included, each once. */
  transitiveMemberIds(groupId: string): string[] {
    const seen = new Set<string>();
    const walk = (id: string): void => {
      for (const member of this.groups.get(id)?.members ?? []) {
        if (seen.has(member)) continue;
        seen.add(member);
        if (this.groups.has(member)) walk(member);
      }
    };
    walk(groupId);
    return [...seen].filter((id) => id !== groupId);
  }

  /** users/delta items after `since` (all current users when undefined). */
  userDelta(since: number | undefined, select: readonly string[] | undefined): Json[] {
    if (since === undefined) return [...this.users.values()].map((u) => this.projectUser(u, select));
    const last = new Map<string, UserChange>();
    for (const change of this.userLog) if (change.at > since) last.set(change.id, change);
    return [...last.values()].map((change) => {
      const user = this.users.get(change.id);
      return user !== undefined
        ? this.projectUser(user, select)
        : { id: change.id, '@removed': { reason: change.removed ?? 'deleted' } };
    });
  }

  /** groups/delta items after `since`: changed groups with `members@delta` for the members that changed. */
  groupDelta(since: number | undefined): Json[] {
    if (since === undefined) return [...this.groups.values()].map((g) => this.groupItem(g, g.members));
    const touched = new Map<string, Set<string>>();
    for (const change of this.groupLog) {
      if (change.at <= since) continue;
      const members = touched.get(change.id) ?? new Set<string>();
      if (change.member !== undefined) members.add(change.member);
      touched.set(change.id, members);
    }
    return [...touched.entries()].map(([id, members]) => {
      const group = this.groups.get(id);
      return group === undefined ? { id, '@removed': { reason: 'deleted' } } : this.groupItem(group, [...members]);
    });
  }

  private groupItem(group: FakeGroup, memberIds: readonly string[]): Json {
    const membersDelta = memberIds.map((id) => {
      const type =
        this.groups.has(id) || this.groupLog.some((c) => c.id === id)
          ? '#microsoft.graph.group'
          : '#microsoft.graph.user';
      return group.members.includes(id)
        ? { '@odata.type': type, id }
        : { '@odata.type': type, id, '@removed': { reason: 'deleted' } };
    });
    return { id: group.id, displayName: group.displayName, 'members@delta': membersDelta };
  }

  private group(id: string): FakeGroup {
    const group = this.groups.get(id);
    if (group === undefined) throw new Error(`fake tenant: no group ${id}`);
    return group;
  }
}
