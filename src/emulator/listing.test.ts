import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from './index.js';
import { clientFor, filterQuery, isAwsErrorBody, type Client } from './test-support.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const name = { givenName: 'Given', familyName: 'Family' };

function seedUsers(emulator: RunningEmulator, count: number, prefix = 'user'): string[] {
  return Array.from(
    { length: count },
    (_, i) =>
      emulator.seedUser({ userName: `${prefix}${i}`, externalId: `${prefix}:${i}`, displayName: `U${i}`, name }).id ??
      '',
  );
}

/** Walks a cursor-paged list to its end and returns every page. */
async function walk(call: Client, resource: string, extra = ''): Promise<any[]> {
  const pages: any[] = [];
  let cursor = '';
  for (;;) {
    const reply = await call('GET', `/${resource}?cursor=${encodeURIComponent(cursor)}${extra}`);
    expect(reply.status).toBe(200);
    pages.push(reply.body);
    if (reply.body.nextCursor === undefined) return pages;
    cursor = reply.body.nextCursor;
    expect(pages.length).toBeLessThan(100);
  }
}

describe('cursor paging (DG/listusers, DG/listgroups)', () => {
  let emulator: RunningEmulator;
  let call: Client;
  beforeAll(async () => {
    emulator = await startEmulator({ maxPageSize: 40 });
    call = clientFor(emulator);
    seedUsers(emulator, 250);
  });
  afterAll(() => emulator.close());

  it('walks 250 users in short pages that still carry nextCursor, omitted on the last page', async () => {
    const pages = await walk(call, 'Users');
    expect(pages.map((page) => page.itemsPerPage)).toEqual([40, 40, 40, 40, 40, 40, 10]);
    for (const page of pages) {
      expect(page.Resources).toHaveLength(page.itemsPerPage);
      expect(page.totalResults).toBeUndefined();
      expect(page.startIndex).toBeUndefined();
      if (page.nextCursor !== undefined) expect(page.nextCursor).toMatch(/^[-a-zA-Z0-9+=/:_]+$/);
    }
    const ids = new Set(pages.flatMap((page) => page.Resources.map((user: any) => user.id)));
    expect(ids.size).toBe(250);
  });

  it('answers 400 when the filter changes in the middle of a walk', async () => {
    const unfiltered = await call('GET', '/Users?cursor=&count=10');
    const next = encodeURIComponent(unfiltered.body.nextCursor as string);
    const changed = await call('GET', `/Users?cursor=${next}&${filterQuery('userName eq "user1"')}`);
    expect(changed.status).toBe(400);
    expect(isAwsErrorBody(changed.body, 400)).toBe(true);
    const same = await call('GET', `/Users?cursor=${next}&count=10`);
    expect(same.status).toBe(200);
    expect(same.body.Resources[0].userName).toBe('user10');
  });

  it('refuses a cursor that was issued for the other resource, or is malformed', async () => {
    emulator.seedGroup({ displayName: 'g1' });
    const users = await call('GET', '/Users?cursor&count=5');
    expect((await call('GET', `/Groups?cursor=${encodeURIComponent(users.body.nextCursor)}`)).status).toBe(400);
    expect((await call('GET', '/Users?cursor=not-a-cursor')).status).toBe(400);
  });

  it('serves one page without cursor: totalResults, startIndex 1, itemsPerPage, no nextCursor', async () => {
    const reply = await call('GET', '/Users?count=25');
    expect(reply.body).toMatchObject({ totalResults: 250, itemsPerPage: 25, startIndex: 1 });
    expect(reply.body.Resources).toHaveLength(25);
    expect(reply.body.nextCursor).toBeUndefined();
    expect(reply.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
  });

  it.each(['0', '101', 'ten', '-1', '2.5'])('answers 400 for count=%s', async (count) => {
    expect((await call('GET', `/Users?count=${count}`)).status).toBe(400);
  });

  it.each(['startIndex=51', 'attributes=userName', 'excludedAttributes=emails'])(
    'answers 400 for %s',
    async (param) => {
      expect((await call('GET', `/Users?${param}`)).status).toBe(400);
    },
  );
});

describe('legacy50 paging (DG/document-history 2021-04-09)', () => {
  it('caps at 50, ignores the cursor and reports the capped count as totalResults', async () => {
    const emulator = await startEmulator({ paging: 'legacy50' });
    try {
      seedUsers(emulator, 69);
      const reply = await clientFor(emulator)('GET', '/Users?cursor');
      expect(reply.body.Resources).toHaveLength(50);
      expect(reply.body).toMatchObject({ totalResults: 50, itemsPerPage: 50, startIndex: 1 });
      expect(reply.body.nextCursor).toBeUndefined();
    } finally {
      await emulator.close();
    }
  });
});

describe('filters (DG/limitations, DG/listusers, DG/listgroups)', () => {
  let emulator: RunningEmulator;
  let call: Client;
  let userIds: string[];
  let groupId: string;
  let otherGroupId: string;
  beforeAll(async () => {
    emulator = await startEmulator();
    call = clientFor(emulator);
    userIds = seedUsers(emulator, 45, 'member');
    groupId = emulator.seedGroup({ displayName: 'Big Group', externalId: 'grp:1' }, userIds).id ?? '';
    otherGroupId = emulator.seedGroup({ displayName: 'Small', externalId: 'grp:2' }, [userIds[0] ?? '']).id ?? '';
  });
  afterAll(() => emulator.close());

  const list = async (resource: string, filter: string): Promise<any> =>
    call('GET', `/${resource}?${filterQuery(filter)}`);

  it('finds a user by userName case-insensitively, and by externalId exactly', async () => {
    expect((await list('Users', 'userName eq "MEMBER7"')).body.Resources.map((u: any) => u.userName)).toEqual([
      'member7',
    ]);
    expect((await list('Users', 'externalId eq "member:8"')).body.totalResults).toBe(1);
    expect((await list('Users', 'externalId eq "MEMBER:8"')).body.totalResults).toBe(0);
  });

  it('handles escaped quotes in the value, and the operator in any case', async () => {
    emulator.seedUser({ userName: 'o"neil\\x', displayName: 'O', name });
    const reply = await list('Users', 'userName EQ "o\\"neil\\\\x"');
    expect(reply.body.Resources.map((u: any) => u.userName)).toEqual(['o"neil\\x']);
  });

  it('lists the members of a group with groups.value, cursor-paged', async () => {
    const pages = await walk(call, 'Users', `&count=20&${filterQuery(`groups.value eq "${groupId}"`)}`);
    expect(pages.map((page) => page.itemsPerPage)).toEqual([20, 20, 5]);
    expect(pages.flatMap((page) => page.Resources.map((u: any) => u.id))).toEqual(userIds);
  });

  it('lists the groups of a user with members.value', async () => {
    const reply = await list('Groups', `members.value eq "${userIds[0]}"`);
    expect(reply.body.Resources.map((g: any) => g.id)).toEqual([groupId, otherGroupId]);
    expect(reply.body.Resources.every((g: any) => Array.isArray(g.members) && g.members.length === 0)).toBe(true);
  });

  it('probes one membership with id and members, in either order', async () => {
    const member = userIds[3] ?? '';
    expect((await list('Groups', `id eq "${groupId}" and members eq "${member}"`)).body.totalResults).toBe(1);
    expect((await list('Groups', `members eq "${member}" and id eq "${groupId}"`)).body.totalResults).toBe(1);
    expect((await list('Groups', `id eq "${otherGroupId}" and members eq "${member}"`)).body.totalResults).toBe(0);
  });

  it('answers 404 when a member filter names a user that does not exist', async () => {
    for (const filter of ['members.value eq "no-such-user"', `id eq "${groupId}" and members eq "no-such-user"`]) {
      const reply = await list('Groups', filter);
      expect(reply.status).toBe(404);
      expect(isAwsErrorBody(reply.body, 404)).toBe(true);
    }
  });

  it('finds groups by displayName and externalId', async () => {
    expect((await list('Groups', 'displayName eq "Small"')).body.Resources[0].id).toBe(otherGroupId);
    expect((await list('Groups', 'externalId eq "grp:1"')).body.Resources[0].id).toBe(groupId);
  });

  it('matches id and manager in either order', async () => {
    const boss = userIds[1] ?? '';
    const report = emulator.seedUser({
      userName: 'report',
      displayName: 'R',
      name,
      [ENTERPRISE]: { manager: { value: boss } },
    });
    expect((await list('Users', `id eq "${report.id}" and manager eq "${boss}"`)).body.totalResults).toBe(1);
    expect((await list('Users', `manager eq "${boss}" and id eq "${report.id}"`)).body.totalResults).toBe(1);
    expect((await list('Users', `id eq "${report.id}" and manager eq "${userIds[2]}"`)).body.totalResults).toBe(0);
  });

  it.each([
    ['Users', 'userName co "member"'],
    ['Users', 'userName sw "member"'],
    ['Users', 'userName pr'],
    ['Users', 'userName eq "member1" or userName eq "member2"'],
    ['Users', 'userName eq "member1" and externalId eq "member:1"'],
    ['Users', 'displayName eq "U1"'],
    ['Users', '(userName eq "member1")'],
    ['Users', 'userName eq member1'],
    ['Groups', 'displayName co "Big"'],
    ['Groups', 'members eq "x"'],
  ])('answers 400 for %s?filter=%s', async (resource, filter) => {
    const reply = await list(resource, filter);
    expect(reply.status).toBe(400);
    expect(isAwsErrorBody(reply.body, 400)).toBe(true);
  });

  it('omits members on GetGroup and shows an empty list on ListGroups', async () => {
    const get = await call('GET', `/Groups/${groupId}`);
    expect(get.status).toBe(200);
    expect(get.body).not.toHaveProperty('members');
    const listed = await call('GET', '/Groups');
    expect(listed.body.Resources.map((g: any) => g.members)).toEqual([[], []]);
  });
});
