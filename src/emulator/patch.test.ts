import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from './index.js';
import { clientFor, isAwsErrorBody, patchOp, userBody, type Client } from './test-support.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const name = { givenName: 'Given', familyName: 'Family' };

let emulator: RunningEmulator;
let call: Client;
let userIds: string[];

beforeAll(async () => {
  emulator = await startEmulator();
  call = clientFor(emulator);
  userIds = Array.from(
    { length: 150 },
    (_, i) => emulator.seedUser({ userName: `m${i}`, displayName: 'M', name }).id ?? '',
  );
});
afterAll(() => emulator.close());

const members = (ids: string[]): { value: string }[] => ids.map((value) => ({ value }));
let groupCounter = 0;
function newGroup(memberIds: string[] = []): string {
  groupCounter += 1;
  return emulator.seedGroup({ displayName: `Group ${groupCounter}` }, memberIds).id ?? '';
}

describe('PatchGroup (DG/patchgroup)', () => {
  beforeEach(() => emulator.setOptions({ duplicateMemberAdd: 'noop', absentMemberRemove: 'noop' }));

  it('adds 100 members in one request and answers 204 with no body', async () => {
    const group = newGroup();
    const reply = await call(
      'PATCH',
      `/Groups/${group}`,
      patchOp({ op: 'add', path: 'members', value: members(userIds.slice(0, 100)) }),
    );
    expect(reply.status).toBe(204);
    expect(reply.body).toBeUndefined();
    expect(emulator.membersOf(group)).toHaveLength(100);
  });

  it('refuses 101 membership changes spread over two operations, changing nothing', async () => {
    const group = newGroup();
    const reply = await call(
      'PATCH',
      `/Groups/${group}`,
      patchOp(
        { op: 'add', path: 'members', value: members(userIds.slice(0, 60)) },
        { op: 'add', path: 'members', value: members(userIds.slice(60, 101)) },
      ),
    );
    expect(reply.status).toBe(400);
    expect(emulator.membersOf(group)).toEqual([]);
  });

  it('refuses replace of members with the observed detail', async () => {
    const group = newGroup(userIds.slice(0, 2));
    const reply = await call(
      'PATCH',
      `/Groups/${group}`,
      patchOp({ op: 'replace', path: 'members', value: members(userIds.slice(2, 3)) }),
    );
    expect(reply.status).toBe(400);
    expect(reply.body.detail).toBe('Replacing group memberships is not supported.');
    expect(emulator.membersOf(group)).toEqual(userIds.slice(0, 2));
  });

  it('refuses remove-all (path members without value) and removes listed members', async () => {
    const group = newGroup(userIds.slice(0, 3));
    const all = await call('PATCH', `/Groups/${group}`, patchOp({ op: 'remove', path: 'members' }));
    expect(all.status).toBe(400);
    expect(isAwsErrorBody(all.body, 400)).toBe(true);
    expect(emulator.membersOf(group)).toHaveLength(3);
    const some = await call(
      'PATCH',
      `/Groups/${group}`,
      patchOp({ op: 'remove', path: 'members', value: members(userIds.slice(0, 2)) }),
    );
    expect(some.status).toBe(204);
    expect(emulator.membersOf(group)).toEqual(userIds.slice(2, 3));
  });

  it('renames with the DG form (no path, value with id) and with path displayName, keeping the id', async () => {
    const group = newGroup();
    const dg = await call(
      'PATCH',
      `/Groups/${group}`,
      patchOp({ op: 'replace', value: { id: group, displayName: 'Renamed' } }),
    );
    expect(dg.status).toBe(204);
    expect((await call('GET', `/Groups/${group}`)).body.displayName).toBe('Renamed');
    const teleport = await call(
      'PATCH',
      `/Groups/${group}`,
      patchOp({ op: 'replace', path: 'displayName', value: 'Renamed again' }),
    );
    expect(teleport.status).toBe(204);
    const read = await call('GET', `/Groups/${group}`);
    expect(read.body).toMatchObject({ id: group, displayName: 'Renamed again' });
  });

  it("refuses a rename onto another group's displayName with 409", async () => {
    const group = newGroup();
    emulator.seedGroup({ displayName: 'Taken' });
    const reply = await call(
      'PATCH',
      `/Groups/${group}`,
      patchOp({ op: 'replace', path: 'displayName', value: 'Taken' }),
    );
    expect(reply.status).toBe(409);
  });

  it('refuses attributes other than displayName, members and externalId', async () => {
    const group = newGroup();
    const reply = await call('PATCH', `/Groups/${group}`, patchOp({ op: 'replace', path: 'description', value: 'x' }));
    expect(reply.status).toBe(400);
  });

  it('applies nothing when one operation of the request is refused', async () => {
    const group = newGroup();
    const reply = await call(
      'PATCH',
      `/Groups/${group}`,
      patchOp(
        { op: 'add', path: 'members', value: members(userIds.slice(0, 1)) },
        { op: 'replace', path: 'displayName', value: 'Bad <name>' },
      ),
    );
    expect(reply.status).toBe(400);
    expect(emulator.membersOf(group)).toEqual([]);
  });

  it('answers 404 for an unknown member and for an unknown group', async () => {
    const group = newGroup();
    expect(
      (await call('PATCH', `/Groups/${group}`, patchOp({ op: 'add', path: 'members', value: [{ value: 'ghost' }] })))
        .status,
    ).toBe(404);
    const missing = await call(
      'PATCH',
      '/Groups/no-such-group',
      patchOp({ op: 'add', path: 'members', value: members(userIds.slice(0, 1)) }),
    );
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toBe('Specified group does not exist');
  });

  it('treats a duplicate add and an absent remove as no-ops by default, and as 400 when switched', async () => {
    const group = newGroup(userIds.slice(0, 1));
    const add = patchOp({ op: 'add', path: 'members', value: members(userIds.slice(0, 1)) });
    const remove = patchOp({ op: 'remove', path: 'members', value: members(userIds.slice(5, 6)) });
    expect((await call('PATCH', `/Groups/${group}`, add)).status).toBe(204);
    expect((await call('PATCH', `/Groups/${group}`, remove)).status).toBe(204);
    emulator.setOptions({ duplicateMemberAdd: 'error', absentMemberRemove: 'error' });
    expect((await call('PATCH', `/Groups/${group}`, add)).status).toBe(400);
    expect((await call('PATCH', `/Groups/${group}`, remove)).status).toBe(400);
    expect(emulator.membersOf(group)).toEqual(userIds.slice(0, 1));
  });

  it('has no PUT for groups', async () => {
    const group = newGroup();
    expect((await call('PUT', `/Groups/${group}`, { displayName: 'x' })).status).toBe(400);
  });
});

describe('PATCH and the User-Agent header (PingFederate changelog)', () => {
  function patchWithoutUserAgent(path: string, body: unknown): Promise<number> {
    return new Promise((resolve, reject) => {
      const url = new URL(`${emulator.baseUrl}${path}`);
      const req = request(
        url,
        { method: 'PATCH', headers: { authorization: `Bearer ${emulator.token}`, 'content-type': 'application/json' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }

  it('answers 400 to a PATCH without User-Agent, and accepts it when the switch is off', async () => {
    const group = newGroup();
    const body = patchOp({ op: 'add', path: 'members', value: members(userIds.slice(0, 1)) });
    expect(await patchWithoutUserAgent(`/Groups/${group}`, body)).toBe(400);
    expect(emulator.membersOf(group)).toEqual([]);
    emulator.setOptions({ requireUserAgentOnPatch: false });
    try {
      expect(await patchWithoutUserAgent(`/Groups/${group}`, body)).toBe(204);
    } finally {
      emulator.setOptions({ requireUserAgentOnPatch: true });
    }
  });
});

describe('PatchUser (DG/patchuser)', () => {
  let counter = 0;
  async function newUser(extra: Record<string, unknown> = {}): Promise<string> {
    counter += 1;
    const reply = await call('POST', '/Users', userBody(`p${counter}`, extra));
    expect(reply.status).toBe(201);
    return reply.body.id;
  }
  const patch = (id: string, ...ops: unknown[]): Promise<any> => call('PATCH', `/Users/${id}`, patchOp(...ops));

  it('accepts the DG example (active as the string "false") and answers 200 with the full user', async () => {
    const id = await newUser();
    const reply = await patch(id, { op: 'replace', path: 'active', value: 'false' });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ id, active: false, userName: `userp${counter}@example.com` });
    expect(reply.body.meta.resourceType).toBe('User');
  });

  it.each([
    ['remove userName', [{ op: 'remove', path: 'userName' }], 'remove is not supported on userName'],
    ['remove active', [{ op: 'remove', path: 'active' }], 'remove is not supported on active'],
    [
      'two operations on userName',
      [
        { op: 'replace', path: 'userName', value: 'a1' },
        { op: 'replace', path: 'userName', value: 'a2' },
      ],
      'more than one operation on userName',
    ],
    [
      'two operations on active',
      [
        { op: 'replace', path: 'active', value: true },
        { op: 'replace', value: { active: false } },
      ],
      'more than one operation on active',
    ],
    [
      'roles, which PatchUser may not modify',
      [{ op: 'replace', path: 'roles', value: [{ value: 'r' }] }],
      'path roles cannot be modified',
    ],
    ['an unknown attribute', [{ op: 'add', path: 'password', value: 'x' }], 'path password cannot be modified'],
    [
      'a forbidden character',
      [{ op: 'replace', path: 'displayName', value: 'A;B' }],
      'displayName: forbidden character',
    ],
    ['removing a required name part', [{ op: 'remove', path: 'name.givenName' }], 'name.givenName: required'],
    [
      'a second email',
      [{ op: 'add', path: 'emails', value: [{ value: 'second@example.com', type: 'home' }] }],
      'emails: exceeds allowed limit of 1',
    ],
    ['active that is not a boolean', [{ op: 'replace', path: 'active', value: 'yes' }], 'active: must be a boolean'],
    ['remove without path', [{ op: 'remove' }], 'remove needs a path'],
    ['add without value', [{ op: 'add', path: 'title' }], 'add needs a value'],
    [
      'an operator other than eq in a value filter',
      [{ op: 'replace', path: 'emails[type co "w"].value', value: 'x@y.z' }],
      'only the eq operator',
    ],
  ] as [string, unknown[], string][])(
    'refuses %s with 400 and leaves the user unchanged',
    async (_label, ops, reason) => {
      const id = await newUser();
      const before = (await call('GET', `/Users/${id}`)).body;
      const reply = await patch(id, ...ops);
      expect(reply.status).toBe(400);
      expect(emulator.requestLog.at(-1)?.reason).toContain(reason);
      expect(isAwsErrorBody(reply.body, 400)).toBe(true);
      expect((await call('GET', `/Users/${id}`)).body).toEqual(before);
    },
  );

  it('refuses with 409 a userName or email another user holds, leaving the user unchanged', async () => {
    const id = await newUser();
    const other = await newUser();
    const otherUser = (await call('GET', `/Users/${other}`)).body;
    expect((await patch(id, { op: 'replace', path: 'userName', value: otherUser.userName.toUpperCase() })).status).toBe(
      409,
    );
    const email = { op: 'replace', path: 'emails', value: [{ value: otherUser.emails[0].value, primary: true }] };
    expect((await patch(id, email)).status).toBe(409);
    expect((await call('GET', `/Users/${id}`)).body.userName).toBe(`userp${counter - 1}@example.com`);
  });

  it('patches name.givenName, the name object, and the whole email list', async () => {
    const id = await newUser();
    const reply = await patch(
      id,
      { op: 'replace', path: 'name.givenName', value: 'Ada' },
      { op: 'replace', path: 'name', value: { middleName: 'M' } },
      { op: 'replace', path: 'emails', value: [{ value: 'ada@example.com', type: 'work', primary: true }] },
    );
    expect(reply.status).toBe(200);
    expect(reply.body.name).toEqual({ givenName: 'Ada', familyName: `Familyp${counter}`, middleName: 'M' });
    expect(reply.body.emails).toEqual([{ value: 'ada@example.com', type: 'work', primary: true }]);
  });

  it('patches value-filtered paths as Entra sends them', async () => {
    const id = await newUser({ emails: undefined });
    const reply = await patch(
      id,
      { op: 'add', path: 'emails[type eq "work"].value', value: 'ent@example.com' },
      { op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0101' },
    );
    expect(reply.status).toBe(200);
    expect(reply.body.emails).toEqual([{ type: 'work', primary: true, value: 'ent@example.com' }]);
    expect(reply.body.phoneNumbers).toEqual([{ type: 'mobile', value: '+1 555 0101' }]);
  });

  it('patches enterprise attributes by URN path, as a whole object, and the manager as a bare id', async () => {
    const id = await newUser();
    const byPath = await patch(id, { op: 'add', path: `${ENTERPRISE}:department`, value: 'Sales' });
    expect(byPath.body[ENTERPRISE]).toEqual({ department: 'Sales' });
    expect(byPath.body.schemas).toContain(ENTERPRISE);
    const whole = await patch(id, { op: 'replace', path: ENTERPRISE, value: { costCenter: 'CC1' } });
    expect(whole.body[ENTERPRISE]).toEqual({ department: 'Sales', costCenter: 'CC1' });
    const manager = await patch(id, { op: 'replace', path: `${ENTERPRISE}:manager`, value: userIds[0] });
    expect(manager.body[ENTERPRISE].manager).toEqual({ value: userIds[0] });
    const removed = await patch(id, { op: 'remove', path: ENTERPRISE });
    expect(removed.body[ENTERPRISE]).toBeUndefined();
    expect(removed.body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User']);
  });

  it('applies a path-less operation that modifies one attribute', async () => {
    const id = await newUser();
    const reply = await patch(id, { op: 'Replace', value: { 'name.familyName': 'Lovelace' } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ name: { familyName: 'Lovelace' } });
  });

  it('refuses a path-less operation that modifies two attributes with the captured detail (https://github.com/goauthentik/authentik/issues/12321)', async () => {
    const id = await newUser();
    const reply = await patch(id, { op: 'Replace', value: { displayName: 'New Name', active: 'False' } });
    expect(reply.status).toBe(400);
    expect(reply.body.detail).toBe(
      'Current PATCH support allows omitting "path" attribute only for Add and Replace operations modifying a single attribute.',
    );
    expect((await call('GET', `/Users/${id}`)).body.displayName).not.toBe('New Name');
  });

  it('answers 404 for an unknown user with the DG detail', async () => {
    const reply = await patch('no-such-user', { op: 'replace', path: 'title', value: 'x' });
    expect(reply.status).toBe(404);
    expect(reply.body.detail).toBe('Specified user does not exist');
  });
});
