/**
 * What the Okta source reads, through the real SDK against the fake Okta: the app-assignment and group
 * scopes, the status mapping, incremental rounds by watermark, and re-reads for event hooks.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../src/errors.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { MemorySourceStateStore } from '../../src/state/file-source-state.js';
import { OktaFake } from '../helpers/oktaFake.js';
import {
  API_TOKEN,
  captureLog,
  editMembers,
  editUser,
  oktaConfig,
  oktaGroup,
  oktaUser,
  seed,
  startOktaSource,
} from '../helpers/oktaWorld.js';

const signal = (): AbortSignal => new AbortController().signal;
const STATUSES = [
  'ACTIVE',
  'RECOVERY',
  'PASSWORD_EXPIRED',
  'LOCKED_OUT',
  'SUSPENDED',
  'DEPROVISIONED',
  'STAGED',
  'PROVISIONED',
];

let fake: OktaFake;

beforeEach(async () => {
  fake = await OktaFake.start({ apiToken: API_TOKEN });
  seed(fake, {
    users: [
      oktaUser('00uDirect'),
      oktaUser('00uMember'),
      oktaUser('00uBoth'),
      oktaUser('00uOutside'),
      oktaUser('00uStaged', { status: 'STAGED' }),
      ...STATUSES.map((status) => oktaUser(`00u${status.replace('_', '')}`, { status })),
    ],
    groups: [
      oktaGroup('00gAws', 'aws-admins', ['00uMember', '00uBoth', '00uStaged']),
      oktaGroup('00gAwsRo', 'aws-readonly', ['00uBoth']),
      oktaGroup('00gOther', 'sales', ['00uOutside']),
    ],
    appUsers: ['00uDirect', '00uBoth'],
    appGroups: ['00gAws'],
  });
});

afterEach(async () => {
  await fake.close();
});

const ids = (snapshot: Snapshot): string[] => snapshot.users.map((u) => u.externalId.replace('corp-okta/', '')).sort();
const group = (snapshot: Snapshot, name: string) => snapshot.groups.find((g) => g.displayName === name);

describe('Okta source scope and mapping', () => {
  it('appAssignments: users assigned directly or through an assigned group, and the assigned groups with members', async () => {
    const snapshot = await startOktaSource(oktaConfig(fake)).readSnapshot(signal());
    expect(ids(snapshot)).toEqual(['00uBoth', '00uDirect', '00uMember']);
    expect(snapshot.groups.map((g) => g.displayName)).toEqual(['aws-admins']);
    expect(group(snapshot, 'aws-admins')).toMatchObject({
      externalId: 'corp-okta/00gAws',
      memberUsers: ['corp-okta/00uMember', 'corp-okta/00uBoth'],
      memberGroups: [],
    });
    expect(snapshot.unresolvedMembers).toEqual([
      { group: 'corp-okta/00gAws', member: '00uStaged', reason: 'user status STAGED is excluded (statuses.staged)' },
    ]);
    expect(snapshot.users.find((u) => u.externalId === 'corp-okta/00uDirect')).toMatchObject({
      userName: '00uDirect@example.com',
      emails: [{ value: '00uDirect@example.com', type: 'work', primary: true }],
      provenance: { sourceKind: 'okta', sourceId: 'corp-okta', ref: '/api/v1/users/00uDirect' },
    });
  });

  it('takes userName from the AWS app user credentials.userName when asked (https://developer.okta.com/docs/api/openapi/okta-management/management/tag/ApplicationUsers/)', async () => {
    fake.app.userNames.set('00uDirect', 'direct.custom@corp.example');
    fake.app.userNames.set('00uMember', 'member.custom@corp.example');
    const config = oktaConfig(fake, { attributes: { userName: 'appUserName' } });
    const source = startOktaSource(config);
    const snapshot = await source.readSnapshot(signal());
    const userName = (id: string) => snapshot.users.find((u) => u.provenance.ref === `/api/v1/users/${id}`)?.userName;
    expect(userName('00uDirect')).toBe('direct.custom@corp.example');
    expect(userName('00uMember')).toBe('member.custom@corp.example');
    expect(userName('00uBoth')).toBe('00uBoth@example.com');
    expect((await source.rereadUser('00uDirect', signal()))?.userName).toBe('direct.custom@corp.example');
  });

  it('groups: configured ids plus a search expression; a configured id Okta does not have fails the read', async () => {
    const config = oktaConfig(fake, { scope: { type: 'groups', ids: ['00gOther'], search: 'profile.name sw "aws-"' } });
    const snapshot = await startOktaSource(config).readSnapshot(signal());
    expect(snapshot.groups.map((g) => g.displayName).sort()).toEqual(['aws-admins', 'aws-readonly', 'sales']);
    expect(ids(snapshot)).toEqual(['00uBoth', '00uMember', '00uOutside']);
    const missing = startOktaSource(oktaConfig(fake, { scope: { type: 'groups', ids: ['00gGone'] } }));
    await expect(missing.readSnapshot(signal())).rejects.toThrow(/configured group 00gGone does not exist/);
  });

  it('maps statuses: still employed → active, SUSPENDED/DEPROVISIONED → inactive, never activated → excluded or inactive', async () => {
    const everyone = ['00gAll'];
    fake.groups.set(
      '00gAll',
      oktaGroup(
        '00gAll',
        'all',
        STATUSES.map((s) => `00u${s.replace('_', '')}`),
      ),
    );
    const active = (snapshot: Snapshot) =>
      Object.fromEntries(snapshot.users.map((u) => [u.externalId.replace('corp-okta/00u', ''), u.active]));
    const excluding = await startOktaSource(
      oktaConfig(fake, { scope: { type: 'groups', ids: everyone } }),
    ).readSnapshot(signal());
    expect(active(excluding)).toEqual({
      ACTIVE: true,
      RECOVERY: true,
      PASSWORDEXPIRED: true,
      LOCKEDOUT: true,
      SUSPENDED: false,
      DEPROVISIONED: false,
    });
    const keeping = oktaConfig(fake, {
      scope: { type: 'groups', ids: everyone },
      statuses: { staged: 'inactive', provisioned: 'inactive' },
    });
    expect(active(await startOktaSource(keeping).readSnapshot(signal()))).toMatchObject({
      STAGED: false,
      PROVISIONED: false,
    });
  });

  it('uses email as userName when configured, and skips a user without one instead of failing', async () => {
    editUser(fake, '00uDirect', { profile: { login: 'direct', email: 'direct@corp.example' } });
    editUser(fake, '00uBoth', { profile: { email: null } });
    const snapshot = await startOktaSource(
      oktaConfig(fake, { attributes: { userName: 'email', email: 'email' } }),
    ).readSnapshot(signal());
    expect(snapshot.users.find((u) => u.externalId === 'corp-okta/00uDirect')?.userName).toBe('direct@corp.example');
    expect(snapshot.skipped).toEqual([
      { object: 'user', ref: '/api/v1/users/00uBoth', reason: 'no profile.email to use as userName' },
    ]);
  });

  it('incremental: re-reads only changed users and groups, sees removals, and runs a full read when one is due', async () => {
    const state = new MemorySourceStateStore();
    const log = captureLog();
    let now = Date.now();
    const source = startOktaSource(oktaConfig(fake, { incremental: { fullReadIntervalHours: 1 } }), {
      state,
      logger: log.logger,
      now: () => now,
    });
    await source.readSnapshot(signal());
    const fullRequests = fake.apiRequests().length;

    editUser(fake, '00uMember', { profile: { title: 'Staff Engineer' } });
    editUser(fake, '00uOutside', { profile: { title: 'ignored: not in scope' } });
    fake.app.users.delete('00uDirect');
    fake.app.users.add('00uOutside');
    const second = await source.readSnapshot(signal());
    const requests = fake.apiRequests().slice(fullRequests);
    expect(
      log
        .lines()
        .filter((l) => l.mode !== undefined)
        .map((l) => l.mode),
    ).toEqual(['full', 'incremental']);
    expect(ids(second)).toEqual(['00uBoth', '00uMember', '00uOutside']);
    expect(second.users.find((u) => u.externalId === 'corp-okta/00uMember')?.title).toBe('Staff Engineer');
    expect(requests.find((r) => r.path === '/api/v1/users')?.query.get('search')).toMatch(
      /^lastUpdated gt "2025-12-31T23:55:00\.000Z"$/,
    );
    expect(requests.some((r) => r.path === '/api/v1/groups/00gAws/users')).toBe(false);
    expect(
      requests.find((r) => r.path.endsWith('/users') && r.path.startsWith('/api/v1/apps/'))?.query.has('expand'),
    ).toBe(false);

    editMembers(fake, '00gAws', ['00uMember']);
    const third = await source.readSnapshot(signal());
    expect(group(third, 'aws-admins')?.memberUsers).toEqual(['corp-okta/00uMember']);
    expect(ids(third)).toEqual(['00uBoth', '00uMember', '00uOutside']);

    now += 2 * 3_600_000;
    await source.readSnapshot(signal());
    expect(
      log
        .lines()
        .filter((l) => l.mode !== undefined)
        .map((l) => l.mode),
    ).toEqual(['full', 'incremental', 'incremental', 'full']);
  });

  it('an incremental round that fails keeps the stored round, and the next round still sees the change', async () => {
    const state = new MemorySourceStateStore();
    const source = startOktaSource(oktaConfig(fake), { state });
    await source.readSnapshot(signal());
    editUser(fake, '00uBoth', { status: 'SUSPENDED' });
    fake.fault(
      (r) => r.path === '/api/v1/users',
      (res) => res.writeHead(503, { 'Content-Type': 'application/json' }).end('{}'),
    );
    await expect(source.readSnapshot(signal())).rejects.toBeInstanceOf(SourceReadError);
    const next = await source.readSnapshot(signal());
    expect(next.users.find((u) => u.externalId === 'corp-okta/00uBoth')?.active).toBe(false);
  });

  it('re-reads one user or group for event hooks, uncached, and null when out of scope or excluded', async () => {
    const source = startOktaSource(oktaConfig(fake));
    expect((await source.rereadUser('00uMember', signal()))?.title).toBeUndefined();
    editUser(fake, '00uMember', { profile: { title: 'Lead' } });
    expect((await source.rereadUser('00uMember', signal()))?.title).toBe('Lead');
    expect(await source.rereadUser('00uOutside', signal())).toBeNull();
    expect(await source.rereadUser('00uStaged', signal())).toBeNull();
    expect(await source.rereadUser('00uNobody', signal())).toBeNull();
    expect(await source.rereadGroup('00gAws', signal())).toMatchObject({
      displayName: 'aws-admins',
      memberUsers: ['corp-okta/00uMember', 'corp-okta/00uBoth'],
    });
    expect(await source.rereadGroup('00gOther', signal())).toBeNull();

    const byGroups = startOktaSource(
      oktaConfig(fake, { scope: { type: 'groups', search: 'profile.name eq "sales"' } }),
    );
    expect((await byGroups.rereadUser('00uOutside', signal()))?.title).toBeUndefined();
    editUser(fake, '00uOutside', { profile: { title: 'Account Executive' } });
    expect((await byGroups.rereadUser('00uOutside', signal()))?.title).toBe('Account Executive');
    expect(await byGroups.rereadUser('00uOutside@example.com', signal())).toBeNull();
    expect(await byGroups.rereadUser('00uMember', signal())).toBeNull();
    expect(await byGroups.rereadGroup('00gAws', signal())).toBeNull();
  });
});
