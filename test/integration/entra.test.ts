/**
 * The Entra source through the real Graph SDK and the real @azure/identity credential, against an
 * https fake of Graph and of the token endpoint (a plain-http fake would hide a dropped Authorization
 * header and mangled nextLinks: the Graph SDK sends the token over https only).
 */
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../src/errors.js';
import { USER_SELECT } from '../../src/sources/entra/wire.js';
import { CLIENT_SECRET, gid, person, signal, startEntraWorld, uid, type EntraWorld } from '../helpers/entraFixtures.js';
import { CONNECTION_RESET, graphError } from '../helpers/graphFake.js';
import { testTls } from '../helpers/tls.js';

let w: EntraWorld;
beforeEach(async () => {
  w = await startEntraWorld();
});
afterEach(async () => {
  await w.close();
});

const ext = (id: string) => `corp-entra/${id}`;
const addPeople = (n: number) => {
  for (let i = 1; i <= n; i += 1) w.fake.tenant.addUser(person(i));
};

describe('Entra full read', () => {
  it('follows absolute nextLinks across every page with the bearer token on each call', async () => {
    addPeople(7);
    const snapshot = await w.source().readSnapshot(signal());
    expect(snapshot.users.map((u) => u.externalId)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => ext(uid(n))));
    const pages = w.fake.calls('/users');
    expect(pages.map((r) => r.page)).toEqual([1, 2, 3, 4]);
    expect(pages[0]!.query.get('$select')?.split(',')).toEqual([...USER_SELECT]);
    expect(pages[0]!.query.get('$top')).toBe('2');
    expect(pages.slice(1).every((r) => r.query.has('$skiptoken') && !r.query.has('$select'))).toBe(true);
    expect(w.fake.unauthorizedCalls).toBe(0);
    expect(w.fake.requests.every((r) => r.authorization?.startsWith('Bearer fake-graph-token-'))).toBe(true);
    expect(w.fake.issuedTokens.size).toBe(1);
  });

  it('waits out a 429 with Retry-After in the middle of a read and completes', async () => {
    addPeople(6);
    let throttled = 0;
    w.fake.inject((r) =>
      r.path === '/users' && r.page === 2 && throttled++ === 0
        ? { status: 429, headers: { 'Retry-After': '1' } }
        : undefined,
    );
    const started = performance.now();
    const snapshot = await w.source().readSnapshot(signal());
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(snapshot.users).toHaveLength(6);
    expect(w.fake.calls('/users').map((r) => r.page)).toEqual([1, 2, 2, 3]);
    expect(w.log.lines).toContainEqual(
      expect.objectContaining({ msg: 'Graph request retried', status: 429, attempt: 1 }),
    );
  });

  it('fails the whole read with SourceReadError when page 3 keeps answering 503', async () => {
    addPeople(8);
    const unavailable = {
      ...graphError(503, 'serviceNotAvailable', 'Service unavailable'),
      headers: { 'Retry-After': '0' },
    };
    w.fake.inject((r) => (r.path === '/users' && r.page === 3 ? unavailable : undefined));
    const read = w.source().readSnapshot(signal());
    await expect(read).rejects.toThrow(SourceReadError);
    await expect(read).rejects.toThrow(/full read failed: GET \/users \(page 3\): HTTP 503 serviceNotAvailable/);
    expect(w.fake.calls('/users').map((r) => r.page)).toEqual([1, 2, 3, 3, 3]);
    expect(w.log.lines.find((l) => l.msg === 'source read complete')).toBeUndefined();
  });

  it('retries a request whose connection was reset', async () => {
    addPeople(3);
    let resets = 0;
    w.fake.inject((r) => (r.page === 2 && resets++ === 0 ? CONNECTION_RESET : undefined));
    expect((await w.source().readSnapshot(signal())).users).toHaveLength(3);
    expect(w.log.lines).toContainEqual(expect.objectContaining({ msg: 'Graph request retried', reason: 'network' }));
  });

  it('refuses a 200 answer that is not a collection page', async () => {
    addPeople(3);
    w.fake.inject((r) =>
      r.page === 2
        ? { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>proxy login</html>' }
        : undefined,
    );
    await expect(w.source().readSnapshot(signal())).rejects.toThrow(/not a collection page/);
  });

  it('flattens nested groups through transitiveMembers and keeps only users', async () => {
    addPeople(4);
    const t = w.fake.tenant;
    t.addGroup(gid(2), 'AWS-Inner', [uid(2), uid(3)]);
    t.addGroup(gid(3), 'AWS-Innermost', [uid(4), gid(2)]);
    t.addGroup(gid(1), 'AWS-Outer', [uid(1), gid(2), gid(3)]);
    t.addGroup(gid(9), 'Unrelated', [uid(1)]);
    const snapshot = await w.source({ scope: { groups: { displayNamePrefix: 'aws-' } } }).readSnapshot(signal());
    const members = Object.fromEntries(snapshot.groups.map((g) => [g.displayName, [...g.memberUsers].sort()]));
    expect(members).toEqual({
      'AWS-Inner': [ext(uid(2)), ext(uid(3))],
      'AWS-Innermost': [ext(uid(2)), ext(uid(3)), ext(uid(4))],
      'AWS-Outer': [ext(uid(1)), ext(uid(2)), ext(uid(3)), ext(uid(4))],
    });
    expect(snapshot.groups.every((g) => g.memberGroups.length === 0)).toBe(true);
    expect(snapshot.unresolvedMembers).toEqual([]);
  });

  it('maps disabled users as inactive and keeps every email of a user, primary first', async () => {
    w.fake.tenant.addUser(person(1, { accountEnabled: false }));
    w.fake.tenant.addUser(
      person(2, {
        proxyAddresses: ['SMTP:user2@contoso.example', 'smtp:u2@legacy.contoso.example'],
        otherMails: ['user2@home.example'],
      }),
    );
    const [disabled, multi] = (await w.source().readSnapshot(signal())).users;
    expect(disabled!.active).toBe(false);
    expect(multi!.active).toBe(true);
    expect(multi!.emails).toEqual([
      { value: 'user2@contoso.example', type: 'work', primary: true },
      { value: 'u2@legacy.contoso.example', type: 'work', primary: false },
      { value: 'user2@home.example', type: 'other', primary: false },
    ]);
  });

  it('skips guests by default, reporting them and their memberships, and syncs them when included', async () => {
    addPeople(1);
    w.fake.tenant.addUser(
      person(2, { userType: 'Guest', userPrincipalName: 'pat_fabrikam.example#EXT#@contoso.onmicrosoft.com' }),
    );
    w.fake.tenant.addGroup(gid(1), 'AWS-All', [uid(1), uid(2)]);
    const skipped = await w.source({ scope: { groups: { list: ['AWS-All'] } } }).readSnapshot(signal());
    expect(skipped.users.map((u) => u.externalId)).toEqual([ext(uid(1))]);
    expect(skipped.skipped).toEqual([{ object: 'user', ref: uid(2), reason: expect.stringContaining('guest') }]);
    expect(skipped.unresolvedMembers).toEqual([
      { group: ext(gid(1)), member: uid(2), reason: expect.stringContaining('guest') },
    ]);
    const included = await w
      .source({ scope: { groups: { list: [gid(1)] } }, guests: 'include', userName: 'mail' })
      .readSnapshot(signal());
    expect(included.users.map((u) => u.userName)).toEqual(['user1@contoso.example', 'user2@contoso.example']);
    expect(included.groups[0]!.memberUsers).toHaveLength(2);
  });

  it('limits users to transitive members of the memberOf groups', async () => {
    addPeople(4);
    w.fake.tenant.addGroup(gid(2), 'Nested', [uid(3)]);
    w.fake.tenant.addGroup(gid(1), 'AWS users', [uid(1), gid(2)]);
    const snapshot = await w.source({ scope: { users: { memberOf: ['aws users'] } } }).readSnapshot(signal());
    expect(snapshot.users.map((u) => u.externalId).sort()).toEqual([ext(uid(1)), ext(uid(3))]);
    expect(snapshot.users.find((u) => u.externalId === ext(uid(3)))?.emails[0]?.value).toBe('user3@contoso.example');
    expect(w.fake.calls('/users')).toEqual([]);
  });

  it('reads app assignments: assigned users, and direct members of assigned groups only', async () => {
    addPeople(4);
    const t = w.fake.tenant;
    t.addGroup(gid(2), 'Nested', [uid(4)]);
    t.addGroup(gid(1), 'AWS app users', [uid(2), gid(2)]);
    t.assign(uid(1), 'User').assign(gid(1), 'Group').assign(gid(1), 'Group');
    const sp = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
    const snapshot = await w
      .source({ scope: { users: 'appAssignments', groups: 'appAssignments' }, servicePrincipalId: sp })
      .readSnapshot(signal());
    expect(snapshot.users.map((u) => u.externalId).sort()).toEqual([ext(uid(1)), ext(uid(2))]);
    expect(snapshot.groups.map((g) => [g.displayName, g.memberUsers])).toEqual([['AWS app users', [ext(uid(2))]]]);
    expect(snapshot.unresolvedMembers).toEqual([{ group: ext(gid(1)), member: uid(4), reason: 'not a user in scope' }]);
    // Users and groups both come from the assignments: one listing serves both.
    const listings = w.fake
      .calls(`/servicePrincipals/${sp}/appRoleAssignedTo`)
      .filter((r) => !r.query.has('$skiptoken'));
    expect(listings).toHaveLength(1);
  });

  it('reports a user whose mail is null, and can fall back to the userPrincipalName (https://learn.microsoft.com/en-us/graph/api/user-list?view=graph-rest-1.0)', async () => {
    // Microsoft's example tenant lists "MOD Administrator" with "mail": null and no other address.
    w.fake.tenant.addUser(person(1, { mail: null, proxyAddresses: [], otherMails: [] }));
    const plain = await w.source().readSnapshot(signal());
    expect(plain.users[0]?.emails).toEqual([]);
    expect(plain.notices).toEqual([
      expect.objectContaining({
        object: 'user',
        action: 'warning',
        externalId: ext(uid(1)),
        field: 'emails',
        reason: expect.stringContaining('mailOrUserPrincipalName'),
      }),
    ]);
    const fallback = await w.source({ email: 'mailOrUserPrincipalName' }).readSnapshot(signal());
    expect(fallback.users[0]?.emails[0]?.value).toBe(fallback.users[0]?.userName);
    expect(fallback.notices).toEqual([]);
  });

  it('fails on a configured group name that matches nothing instead of dropping the group', async () => {
    addPeople(1);
    await expect(w.source({ scope: { groups: { list: ['Missing'] } } }).readSnapshot(signal())).rejects.toThrow(
      /no group is named "Missing"/,
    );
    await expect(w.source({ scope: { users: { memberOf: [gid(404)] } } }).readSnapshot(signal())).rejects.toThrow(
      /no group has the id/,
    );
  });

  it('stops an aborted read with SourceReadError', async () => {
    addPeople(3);
    const controller = new AbortController();
    controller.abort();
    await expect(w.source().readSnapshot(controller.signal)).rejects.toThrow(/full read failed \(aborted\)/);
  });
});

describe('Entra credentials', () => {
  it('authenticates with a certificate (private key and certificate in one PEM) instead of a secret', async () => {
    await w.close();
    const { key, cert } = testTls();
    w = await startEntraWorld({ certificatePem: cert });
    w.fake.tenant.addUser(person(1));
    const source = w.source({ credential: { certificate: { env: 'ENTRA_PEM' } } }, { ENTRA_PEM: `${key}\n${cert}` });
    expect((await source.readSnapshot(signal())).users).toHaveLength(1);
    expect(w.fake.unauthorizedCalls).toBe(0);
    expect(w.fake.tokenFailures).toBe(0);
  });

  it('never puts the client secret or an access token into logs or errors', async () => {
    addPeople(3);
    await w.source().readSnapshot(signal());
    w.fake.inject((r) =>
      r.page === 2
        ? graphError(403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.')
        : undefined,
    );
    const denied = await w
      .source()
      .readSnapshot(signal())
      .catch((err: unknown) => err);
    expect(denied).toBeInstanceOf(SourceReadError);
    expect((denied as Error).message).toMatch(/HTTP 403 Authorization_RequestDenied/);
    const wrongSecret = await w
      .source({}, { ICSYNC_TEST_ENTRA_SECRET: `${CLIENT_SECRET}-rotated` })
      .readSnapshot(signal())
      .catch((err: unknown) => err);
    expect(wrongSecret).toBeInstanceOf(SourceReadError);
    expect(w.fake.tokenFailures).toBeGreaterThan(0);
    const outputs = [
      w.log.text(),
      inspect(denied, { depth: 10 }),
      inspect(wrongSecret, { depth: 10 }),
      JSON.stringify(denied),
    ];
    for (const output of outputs) {
      expect(output).not.toContain(CLIENT_SECRET);
      for (const token of w.fake.issuedTokens) expect(output).not.toContain(token);
    }
    expect(w.log.lines.some((l) => l.msg === 'source read complete')).toBe(true);
  });
});

describe('Entra re-reads', () => {
  it('re-reads one user and one group, and answers null for gone, out-of-scope or malformed ids', async () => {
    addPeople(3);
    w.fake.tenant.addGroup(gid(1), 'AWS-Team', [uid(1), uid(2)]);
    w.fake.tenant.addGroup(gid(2), 'Other', [uid(3)]);
    const source = w.source({ scope: { users: 'all', groups: { displayNamePrefix: 'AWS-' } } });
    expect(await source.rereadUser(uid(2), signal())).toMatchObject({
      externalId: ext(uid(2)),
      userName: 'user2@contoso.example',
    });
    expect(await source.rereadUser(uid(99), signal())).toBeNull();
    expect(await source.rereadGroup(gid(1), signal())).toMatchObject({
      displayName: 'AWS-Team',
      memberUsers: [ext(uid(1)), ext(uid(2))],
    });
    expect(await source.rereadGroup(gid(2), signal())).toBeNull();
    expect(w.fake.calls('/groups')).toEqual([]);
    const before = w.fake.requests.length;
    expect(await source.rereadUser('../users?$top=999', signal())).toBeNull();
    expect(w.fake.requests.length).toBe(before);
  });

  it('applies the user scope to re-reads: users and members outside memberOf read as absent', async () => {
    addPeople(3);
    w.fake.tenant.addGroup(gid(1), 'AWS users', [uid(1)]);
    w.fake.tenant.addGroup(gid(2), 'Everyone', [uid(1), uid(2), uid(3)]);
    const source = w.source({ scope: { users: { memberOf: [gid(1)] }, groups: { list: [gid(2)] } } });
    expect(await source.rereadUser(uid(1), signal())).not.toBeNull();
    expect(await source.rereadUser(uid(2), signal())).toBeNull();
    expect((await source.rereadGroup(gid(2), signal()))?.memberUsers).toEqual([ext(uid(1))]);
  });
});

describe('Entra connection check (validate-config --online)', () => {
  it('gets a token and reads one user id, and fails naming the token endpoint answer when the secret is wrong', async () => {
    addPeople(5);
    expect(await w.source().probe(signal())).toContain(`token issued for tenant`);
    const calls = w.fake.calls('/users');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.query.get('$top')).toBe('1');
    expect(calls[0]!.query.get('$select')).toBe('id');
    const wrong = await w
      .source({}, { ICSYNC_TEST_ENTRA_SECRET: `${CLIENT_SECRET}-rotated` })
      .probe(signal())
      .catch((err: unknown) => err);
    expect(wrong).toBeInstanceOf(SourceReadError);
    expect((wrong as Error).message).toMatch(/^source corp-entra: connection check failed: /);
    expect(inspect(wrong, { depth: 10 })).not.toContain(CLIENT_SECRET);
  });
});
