/**
 * Okta → IAM Identity Center end to end: the real SDK against the fake Okta, synced through runSync
 * into the AWS SCIM emulator. A read cut short must plan nothing, so nothing is written or deleted.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemorySourceStateStore } from '../../src/state/file-source-state.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { generateServiceAppKey } from '../helpers/oktaFakeAuth.js';
import { dropConnection, OktaFake } from '../helpers/oktaFake.js';
import { editUser, KEY_ENV, oktaConfig, oktaGroup, oktaUser, seed, startOktaSource } from '../helpers/oktaWorld.js';

const CLIENT_ID = '0oaIcsyncReader';
const key = generateServiceAppKey();
const PEOPLE = Array.from({ length: 12 }, (_, i) => `00uP${String(i).padStart(2, '0')}`);

let fake: OktaFake;
let harness: Harness<ReturnType<typeof startOktaSource>>;

beforeEach(async () => {
  fake = await OktaFake.start({
    serviceApp: {
      clientId: CLIENT_ID,
      publicKey: key.publicKey,
      grantedScopes: ['okta.users.read', 'okta.groups.read', 'okta.apps.read'],
    },
  });
  seed(fake, {
    users: [...PEOPLE.map((id) => oktaUser(id)), oktaUser('00uGone', { status: 'SUSPENDED' })],
    groups: [
      oktaGroup('00gAdmins', 'aws-admins', PEOPLE.slice(0, 5)),
      oktaGroup('00gDevs', 'aws-developers', PEOPLE.slice(3)),
    ],
    appUsers: ['00uGone'],
    appGroups: ['00gAdmins', '00gDevs'],
  });
  const config = oktaConfig(fake, {
    pageSize: 3,
    auth: { privateKeyJwt: { clientId: CLIENT_ID, privateKey: { env: KEY_ENV } } },
  });
  harness = await startHarness(
    startOktaSource(config, { state: new MemorySourceStateStore(), secrets: { [KEY_ENV]: key.privateKeyPem } }),
  );
});

afterEach(async () => {
  await harness.close();
  await fake.close();
});

describe('Okta → IAM Identity Center', () => {
  it('creates users and groups, writes nothing on the rerun, and patches what changed', async () => {
    const first = await harness.run('sync');
    expect(first.report).toMatchObject({
      status: 'success',
      sources: [{ id: 'corp-okta', kind: 'okta', users: 13, groups: 2 }],
    });
    const { emulator } = harness;
    expect(emulator.users()).toHaveLength(13);
    expect(emulator.users().find((u) => u.externalId === 'corp-okta/00uGone')?.active).toBe(false);
    const admins = emulator.groups().find((g) => g.displayName === 'aws-admins')!;
    expect(emulator.membersOf(admins.id!)).toHaveLength(5);

    const writes = emulator.writes().length;
    const rerun = await harness.run('sync');
    expect(rerun.plan?.operations).toEqual([]);
    expect(emulator.writes()).toHaveLength(writes);

    editUser(fake, '00uP07', { profile: { title: 'Principal Engineer' } });
    const incremental = await harness.run('sync');
    expect(incremental.plan?.operations.map((op) => op.kind)).toEqual(['patchUser']);
    expect(emulator.users().find((u) => u.externalId === 'corp-okta/00uP07')?.title).toBe('Principal Engineer');
  });

  it('plans nothing from a read whose Link chain breaks: no writes, no deletes', async () => {
    await harness.run('sync');
    const { emulator } = harness;
    const devs = emulator.groups().find((g) => g.displayName === 'aws-developers')!;
    const before = {
      writes: emulator.writes().length,
      users: emulator.users(),
      groups: emulator.groups(),
      devs: emulator.membersOf(devs.id!),
    };

    fake.groups.set('00gDevs', { ...fake.groups.get('00gDevs')!, lastMembershipUpdated: new Date().toISOString() });
    fake.fault((r) => r.path === '/api/v1/groups/00gDevs/users' && r.query.has('after'), dropConnection);
    const broken = await harness.run('sync');
    expect(broken.report).toMatchObject({ status: 'source-failed', exitCode: 7 });
    // A dropped connection is a network failure: one line saying what happened and what to check.
    expect(broken.report.message).toMatch(/^source corp-okta: cannot reach .*connection closed \(ECONNRESET\); check /);
    expect(broken.plan).toBeUndefined();
    expect(emulator.writes()).toHaveLength(before.writes);
    expect(emulator.users()).toEqual(before.users);
    expect(emulator.groups()).toEqual(before.groups);
    expect(emulator.membersOf(devs.id!)).toEqual(before.devs);
  });
});
