/**
 * How the Entra source reads a mapped manager, through the real Graph SDK against the https Graph fake.
 * The user list and single-user reads expand it (`$expand=manager($select=id)`,
 * https://learn.microsoft.com/graph/api/user-list-manager), so a full read of N users costs its list pages and
 * not N more requests. Group member collections do not take `$expand`
 * (https://learn.microsoft.com/graph/api/group-list-transitivemembers), and users/delta rounds keep what
 * changed only, so those users have their manager read one by one from `/users/{id}/manager`.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gid, person, signal, startEntraWorld, uid, type EntraWorld } from '../helpers/entraFixtures.js';

let w: EntraWorld;
beforeEach(async () => {
  w = await startEntraWorld();
});
afterEach(async () => {
  await w.close();
});

const ext = (id: string) => `corp-entra/${id}`;
const mapping = { user: { 'enterprise.manager': 'manager' } };
const managerReads = () => w.fake.requests.filter((r) => r.path.endsWith('/manager')).map((r) => r.path);

/** Users 1..n; user k reports to user k-1, and user 1 has no manager. */
function addChain(n: number): void {
  for (let k = 1; k <= n; k += 1) w.fake.tenant.addUser(person(k, k > 1 ? { managerId: uid(k - 1) } : {}));
}

describe('Entra manager reads', () => {
  it('reads the managers of 250 users with the list pages only: 3 requests, not 251', async () => {
    addChain(250);
    const snapshot = await w.source({ mapping, pageSize: 999 }).readSnapshot(signal());
    const byId = new Map(snapshot.users.map((u) => [String(u.externalId), u]));
    expect(byId.size).toBe(250);
    expect(byId.get(ext(uid(1)))?.manager).toBeNull();
    expect(byId.get(ext(uid(250)))?.manager).toEqual({ ref: uid(249), externalId: ext(uid(249)) });
    // Graph pages a list read with $expand at 100 users whatever $top asks, so 250 users take 3 pages.
    expect(w.fake.requests.map((r) => [r.path, r.page])).toEqual([
      ['/users', 1],
      ['/users', 2],
      ['/users', 3],
    ]);
  });

  it('reads managers of memberOf-scoped users one by one, since member collections take no $expand', async () => {
    addChain(3);
    w.fake.tenant.addGroup(gid(1), 'AWS users', [uid(2), uid(3)]);
    const snapshot = await w.source({ mapping, scope: { users: { memberOf: [gid(1)] } } }).readSnapshot(signal());
    expect(snapshot.users.map((u) => [u.externalId, u.manager?.ref])).toEqual([
      [ext(uid(2)), uid(1)],
      [ext(uid(3)), uid(2)],
    ]);
    expect(w.fake.requests.some((r) => r.query.has('$expand'))).toBe(false);
    expect(managerReads().sort()).toEqual([`/users/${uid(2)}/manager`, `/users/${uid(3)}/manager`]);
  });

  it('expands the manager of directly assigned users and reads it for members of assigned groups', async () => {
    addChain(3);
    w.fake.tenant.addGroup(gid(1), 'AWS app users', [uid(3)]);
    w.fake.tenant.assign(uid(2), 'User').assign(gid(1), 'Group');
    const sp = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const snapshot = await w
      .source({ mapping, scope: { users: 'appAssignments', groups: 'none' }, servicePrincipalId: sp })
      .readSnapshot(signal());
    expect(snapshot.users.map((u) => [u.externalId, u.manager?.ref]).sort()).toEqual([
      [ext(uid(2)), uid(1)],
      [ext(uid(3)), uid(2)],
    ]);
    expect(w.fake.calls(`/users/${uid(2)}`)[0]?.query.get('$expand')).toBe('manager($select=id)');
    expect(managerReads()).toEqual([`/users/${uid(3)}/manager`]);
  });

  it('reads managers per user after a delta round, on the first round and on the next', async () => {
    addChain(2);
    const source = w.source({ mapping, incremental: true });
    const first = await source.readSnapshot(signal());
    expect(first.users.find((u) => u.externalId === ext(uid(2)))?.manager?.ref).toBe(uid(1));
    w.fake.tenant.addUser(person(3, { managerId: uid(1) }));
    const next = await source.readSnapshot(signal());
    expect(next.users.map((u) => [u.externalId, u.manager?.ref ?? null])).toEqual([
      [ext(uid(1)), null],
      [ext(uid(2)), uid(1)],
      [ext(uid(3)), uid(1)],
    ]);
    expect(w.fake.requests.some((r) => r.query.has('$expand'))).toBe(false);
    expect(managerReads()).toHaveLength(5);
  });

  it('re-reads one user with its manager in a single request', async () => {
    addChain(2);
    const user = await w.source({ mapping }).rereadUser(uid(2), signal());
    expect(user?.manager).toEqual({ ref: uid(1), externalId: ext(uid(1)) });
    expect(w.fake.requests.map((r) => [r.path, r.query.get('$expand')])).toEqual([
      [`/users/${uid(2)}`, 'manager($select=id)'],
    ]);
  });
});

describe('the Graph fake answers $expand as Graph documents it', () => {
  const token = 'fake-graph-token-expand-test';
  async function get(path: string, headers: Record<string, string> = {}) {
    w.fake.issuedTokens.add(token);
    const res = await fetch(`${w.fake.graphBaseUrl}${path}`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
    return { status: res.status, body: (await res.json()) as { error?: { code: string }; value?: unknown[] } };
  }

  it('leaves the manager out of a user that has none, and expands it with the nested $select', async () => {
    addChain(2);
    const { body } = await get('/users?$select=id&$expand=manager($select=id)');
    expect(body.value).toEqual([
      { id: uid(1) },
      { id: uid(2), manager: { '@odata.type': '#microsoft.graph.user', id: uid(1) } },
    ]);
  });

  it('refuses $expand with advanced queries, on member collections, and $levels on the user list', async () => {
    addChain(1);
    w.fake.tenant.addGroup(gid(1), 'G', [uid(1)]);
    const refused = await Promise.all([
      get('/users?$expand=manager&$count=true', { ConsistencyLevel: 'eventual' }),
      get(`/groups/${gid(1)}/transitiveMembers?$expand=manager`),
      get(`/groups/${gid(1)}/members?$expand=manager`),
      get('/users?$expand=manager($levels=max;$select=id)'),
    ]);
    expect(refused.map((r) => [r.status, r.body.error?.code])).toEqual(
      Array(4).fill([400, 'Request_UnsupportedQuery']),
    );
  });
});
