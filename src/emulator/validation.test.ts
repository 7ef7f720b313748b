import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from './index.js';
import { clientFor, isAwsErrorBody, userBody, type Client } from './test-support.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GENERIC = 'Request is unparsable, syntactically incorrect, or violates schema.';
const DUPLICATE = 'Refused to create a new, duplicate resource.';

let emulator: RunningEmulator;
let call: Client;

beforeAll(async () => {
  emulator = await startEmulator();
  call = clientFor(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.resetLog());

const name = { givenName: 'Ann', familyName: 'Lee' };

describe('CreateUser validation (DG/createuser, DG/limitations)', () => {
  const invalidBodies: [string, Record<string, unknown>, string][] = [
    ['missing userName', userBody(1, { userName: undefined }), 'userName: required'],
    ['missing displayName', userBody(1, { displayName: undefined }), 'displayName: required'],
    ['missing name', userBody(1, { name: undefined }), 'name: required'],
    ['missing name.givenName', userBody(1, { name: { familyName: 'Lee' } }), 'name.givenName: required'],
    ['missing name.familyName', userBody(1, { name: { givenName: 'Ann' } }), 'name.familyName: required'],
    ['empty displayName', userBody(1, { displayName: '' }), 'displayName: empty'],
    ['empty nickName', userBody(1, { nickName: '' }), 'nickName: empty'],
    ['userName of 129 code points', userBody(1, { userName: 'é'.repeat(129) }), 'userName: longer'],
    ['userName with a space', userBody(1, { userName: 'ann lee' }), 'userName: whitespace'],
    ['userName with a non-breaking space', userBody(1, { userName: 'ann\u00a0lee' }), 'userName: whitespace'],
    ['displayName of 1025 characters', userBody(1, { displayName: 'x'.repeat(1025) }), 'displayName: longer'],
    ['displayName with <', userBody(1, { displayName: 'Ann <Lee>' }), 'displayName: forbidden'],
    ['displayName with a tab', userBody(1, { displayName: 'Ann\tLee' }), 'displayName: forbidden'],
    ['name.familyName with %', userBody(1, { name: { ...name, familyName: '100%' } }), 'name.familyName: forbidden'],
    ['title with a control character', userBody(1, { title: 'boss\u0007' }), 'title: control'],
    ['userName with :', userBody(1, { userName: 'ann:lee' }), 'userName: forbidden'],
    [
      'two emails',
      userBody(1, { emails: [{ value: 'a@x.io', primary: true }, { value: 'b@x.io' }] }),
      'emails: exceeds',
    ],
    [
      'email not primary',
      userBody(1, { emails: [{ value: 'a@x.io', type: 'work' }] }),
      'emails: the email must be primary',
    ],
    [
      'email with display',
      userBody(1, { emails: [{ value: 'a@x.io', primary: true, display: 'A' }] }),
      'emails: unsupported attribute display',
    ],
    ['two phone numbers', userBody(1, { phoneNumbers: [{ value: '1' }, { value: '2' }] }), 'phoneNumbers: exceeds'],
    ['two addresses', userBody(1, { addresses: [{ locality: 'A' }, { locality: 'B' }] }), 'addresses: exceeds'],
    ['two roles', userBody(1, { roles: [{ value: 'a' }, { value: 'b' }] }), 'roles: exceeds'],
    [
      'role with display',
      userBody(1, { roles: [{ value: 'a', display: 'A' }] }),
      'roles: unsupported attribute display',
    ],
    ['password', userBody(1, { password: 'secret' }), 'unsupported attribute password'],
    ['ims', userBody(1, { ims: [{ value: 'x' }] }), 'unsupported attribute ims'],
    ['photos', userBody(1, { photos: [{ value: 'https://x' }] }), 'unsupported attribute photos'],
    ['entitlements', userBody(1, { entitlements: [{ value: 'x' }] }), 'unsupported attribute entitlements'],
    ['x509Certificates', userBody(1, { x509Certificates: [{ value: 'x' }] }), 'unsupported attribute x509Certificates'],
    ['groups', userBody(1, { groups: [{ value: 'g' }] }), 'unsupported attribute groups'],
    ['unknown attribute', userBody(1, { favouriteColour: 'red' }), 'unsupported attribute favouriteColour'],
    [
      'manager.displayName',
      userBody(1, { [ENTERPRISE]: { manager: { value: 'u', displayName: 'Boss' } } }),
      'manager: unsupported attribute displayName',
    ],
    ['externalId with whitespace', userBody(1, { externalId: 'a b' }), 'externalId: whitespace'],
    ['externalId of 257 characters', userBody(1, { externalId: 'x'.repeat(257) }), 'externalId: longer'],
    ['active as a string', userBody(1, { active: 'true' }), 'active: must be a boolean'],
    ['reserved userName Administrator', userBody(1, { userName: 'Administrator' }), 'userName: reserved'],
    ['reserved userName AWSAdministrators', userBody(1, { userName: 'AWSAdministrators' }), 'userName: reserved'],
  ];

  it.each(invalidBodies)('rejects %s with 400 and the AWS error body', async (_label, body, reason) => {
    const reply = await call('POST', '/Users', body);
    expect(reply.status).toBe(400);
    expect(emulator.requestLog[0]?.reason).toContain(reason);
    expect(isAwsErrorBody(reply.body, 400)).toBe(true);
    expect(reply.body.detail).toBe(GENERIC);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(emulator.users().some((u) => u.externalId === 'test/1')).toBe(false);
  });

  it('rejects a body that is not JSON', async () => {
    const reply = await call('POST', '/Users', '{"userName":');
    expect(reply.status).toBe(400);
    expect(isAwsErrorBody(reply.body, 400)).toBe(true);
  });

  it('accepts a full user and echoes it without manager.$ref, with the enterprise schema', async () => {
    const body = userBody('full', {
      nickName: 'Annie',
      profileUrl: '//example.com/ann',
      userName: 'Ann.Lee+ops@example.com',
      phoneNumbers: [{ value: '+1 555 0100', type: 'work' }],
      addresses: [{ type: 'work', locality: 'Zürich', country: 'CH', primary: true }],
      roles: [{ value: 'engineer', type: 'job', primary: true }],
      [ENTERPRISE]: { department: 'R&D', manager: { value: 'boss-id', $ref: '../Users/boss-id' } },
    });
    const reply = await call('POST', '/Users', body);
    expect(reply.status).toBe(201);
    expect(reply.body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(reply.body.schemas).toEqual(['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE]);
    expect(reply.body[ENTERPRISE].manager).toEqual({ value: 'boss-id' });
    expect(reply.body.meta).toEqual({
      resourceType: 'User',
      created: expect.any(String),
      lastModified: expect.any(String),
    });
    expect(reply.body.addresses).toEqual(body['addresses']);
    expect(reply.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('counts userName length in code points, so 128 astral characters fit', async () => {
    const reply = await call('POST', '/Users', userBody('astral', { userName: '😀'.repeat(128) }));
    expect(reply.status).toBe(201);
  });

  it('lets seedUser create the reserved Administrator without externalId', async () => {
    const admin = emulator.seedUser({
      userName: 'Administrator',
      displayName: 'Admin',
      name: { givenName: 'A', familyName: 'B' },
    });
    const reply = await call('GET', `/Users/${admin.id}`);
    expect(reply.status).toBe(200);
    expect(reply.body.externalId).toBeUndefined();
    expect(reply.body.userName).toBe('Administrator');
  });
});

describe('uniqueness (UG/troubleshooting "Duplicate user or group error")', () => {
  beforeAll(async () => {
    expect((await call('POST', '/Users', userBody('dup'))).status).toBe(201);
  });

  const duplicates: [string, Record<string, unknown>][] = [
    ['userName in another case', userBody('other1', { userName: 'USERdup@Example.com' })],
    [
      'primary email in another case',
      userBody('other2', { emails: [{ value: 'UserDup@example.COM', primary: true }] }),
    ],
    ['externalId', userBody('other3', { externalId: 'test/dup' })],
  ];

  it.each(duplicates)('refuses a duplicate %s with 409', async (_label, body) => {
    const reply = await call('POST', '/Users', body);
    expect(reply.status).toBe(409);
    expect(isAwsErrorBody(reply.body, 409)).toBe(true);
    expect(reply.body.detail).toBe(DUPLICATE);
  });

  it("refuses a PUT that would take another user's userName", async () => {
    const other = await call('POST', '/Users', userBody('put1'));
    const reply = await call('PUT', `/Users/${other.body.id}`, userBody('put1', { userName: 'userdup@example.com' }));
    expect(reply.status).toBe(409);
    expect((await call('GET', `/Users/${other.body.id}`)).body.userName).toBe('userput1@example.com');
  });

  it('treats a userName case variant as distinct when the switch is off', async () => {
    const exact = await startEmulator({ caseInsensitiveUserName: false });
    try {
      const post = clientFor(exact);
      expect((await post('POST', '/Users', userBody(1, { emails: undefined, externalId: 'a' }))).status).toBe(201);
      const variant = userBody(1, { userName: 'USER1@example.com', emails: undefined, externalId: 'b' });
      expect((await post('POST', '/Users', variant)).status).toBe(201);
    } finally {
      await exact.close();
    }
  });

  it('refuses a duplicate group displayName with 409', async () => {
    expect((await call('POST', '/Groups', { displayName: 'Engineering' })).status).toBe(201);
    const reply = await call('POST', '/Groups', { displayName: 'Engineering', externalId: 'x/2' });
    expect(reply.status).toBe(409);
    expect(reply.body.detail).toBe(DUPLICATE);
  });
});

describe('CreateGroup validation (DG/creategroup, DG/limitations)', () => {
  let seeded = 0;
  function users(n: number): string[] {
    return Array.from({ length: n }, () => {
      seeded += 1;
      return emulator.seedUser({ userName: `member${seeded}`, displayName: 'x', name }).id ?? '';
    });
  }

  it('accepts 100 inline members, does not echo them, and stores them', async () => {
    const ids = users(100);
    const reply = await call('POST', '/Groups', { displayName: 'Hundred', members: ids.map((value) => ({ value })) });
    expect(reply.status).toBe(201);
    expect(reply.body.members).toBeUndefined();
    expect(emulator.membersOf(reply.body.id)).toHaveLength(100);
  });

  const invalidGroups: [string, unknown, string][] = [
    ['missing displayName', { externalId: 'g:1' }, 'displayName: required'],
    ['empty displayName', { displayName: '' }, 'displayName: empty'],
    ['displayName with a newline', { displayName: 'a\nb' }, 'displayName: forbidden'],
    ['reserved displayName', { displayName: 'AWSAdministrators' }, 'displayName: reserved'],
    [
      'members[].display',
      { displayName: 'G', members: [{ value: 'u', display: 'U' }] },
      'members: unsupported attribute display',
    ],
    ['unknown attribute', { displayName: 'G', owner: 'me' }, 'unsupported attribute owner'],
  ];

  it.each(invalidGroups)('rejects %s with 400', async (_label, body, reason) => {
    const reply = await call('POST', '/Groups', body);
    expect(reply.status).toBe(400);
    expect(emulator.requestLog[0]?.reason).toContain(reason);
    expect(isAwsErrorBody(reply.body, 400)).toBe(true);
  });

  it('answers 404 to inline members that do not exist or are still in their read-after-write lag, creating nothing', async () => {
    const [known] = users(1);
    const missing = await call('POST', '/Groups', { displayName: 'Ghost', members: [{ value: 'no-such-user' }] });
    expect(missing.status).toBe(404);
    emulator.setOptions({ consistencyLagMs: 60_000 });
    try {
      const fresh = (await call('POST', '/Users', userBody(9001))).body.id as string;
      const lagging = await call('POST', '/Groups', {
        displayName: 'Fresh',
        members: [{ value: fresh }, { value: known }],
      });
      expect(lagging.status).toBe(404);
    } finally {
      emulator.setOptions({ consistencyLagMs: 0 });
    }
    expect(emulator.groups().filter((g) => g.displayName === 'Ghost' || g.displayName === 'Fresh')).toEqual([]);
  });

  it('with inlineMembers "refuse", answers 400 to a create carrying members and still creates a group without', async () => {
    const ids = users(2);
    emulator.setOptions({ inlineMembers: 'refuse' });
    try {
      const refused = await call('POST', '/Groups', {
        displayName: 'Inline',
        members: ids.map((value) => ({ value })),
      });
      expect(refused.status).toBe(400);
      expect(emulator.groups().some((g) => g.displayName === 'Inline')).toBe(false);
      expect((await call('POST', '/Groups', { displayName: 'Inline' })).status).toBe(201);
    } finally {
      emulator.setOptions({ inlineMembers: 'accept' });
    }
  });

  it('with inlineMembers "ignore", answers 201 and keeps none of the members', async () => {
    const ids = users(2);
    emulator.setOptions({ inlineMembers: 'ignore' });
    try {
      const reply = await call('POST', '/Groups', { displayName: 'Dropped', members: ids.map((value) => ({ value })) });
      expect(reply.status).toBe(201);
      expect(emulator.membersOf(reply.body.id)).toEqual([]);
    } finally {
      emulator.setOptions({ inlineMembers: 'accept' });
    }
  });

  it('rejects 101 inline members with 400', async () => {
    const ids = users(101);
    const reply = await call('POST', '/Groups', { displayName: 'TooMany', members: ids.map((value) => ({ value })) });
    expect(reply.status).toBe(400);
    expect(emulator.groups().some((g) => g.displayName === 'TooMany')).toBe(false);
  });
});
