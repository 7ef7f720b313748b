/**
 * Migration from Entra's and Okta's native provisioning, through the built CLI. The emulator is
 * seeded as those provisioners leave AWS: Entra's gallery app with each object's Entra object id as
 * externalId, Okta's AWS app with the Okta user id on users and a pushed group without externalId. A
 * source with `takeover` claims them in place: same AWS ids, same memberships, icsync's externalId,
 * and nothing deleted or created twice. A foreign object whose id does not match is left untouched.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { gid, person, uid } from '../helpers/entraFixtures.js';
import type { GraphFake } from '../helpers/graphFake.js';
import { OktaFake } from '../helpers/oktaFake.js';
import { oktaGroup, oktaUser, seed } from '../helpers/oktaWorld.js';
import { makePod, podEnv, run, writeConfig, type Pod } from './cli-process.js';
import { entraSource, startEntraFake } from './entra-pod.js';

const SECRETS = {
  'scim-token': 'canary-takeover-scim-token-2f9d1c6b',
  'entra-client-secret': 'canary-takeover-entra-secret-Hx7Lm3Qp',
  'okta-api-token': 'canary-takeover-okta-token-Vb4Nk8Tz',
};

interface Json {
  report: { exitCode: number; plan: { hash: string; counts: Record<string, number>; brake: Record<string, unknown> } };
  plan: { operations: Array<Record<string, unknown>> };
}

const seedUser = (emulator: RunningEmulator, userName: string, externalId: string, familyName: string) =>
  emulator.seedUser({
    userName,
    externalId,
    displayName: `User ${familyName}`,
    name: { givenName: 'User', familyName },
    emails: [{ value: userName, type: 'work', primary: true }],
    active: true,
  });

describe("from Entra's gallery app: externalId = Entra object id", () => {
  let graph: GraphFake;
  let emulator: RunningEmulator;
  let pod: Pod;
  const awsIds = new Map<string, string>();
  let teamId = '';
  let stranger = '';

  beforeAll(async () => {
    graph = await startEntraFake(SECRETS['entra-client-secret']);
    for (const n of [1, 2, 3, 4]) graph.tenant.addUser(person(n));
    graph.tenant.addGroup(gid(1), 'Team 1', [uid(1), uid(2), uid(3)]);
    emulator = await startEmulator({ tokens: [SECRETS['scim-token']] });
    for (const n of [1, 2, 3])
      awsIds.set(uid(n), seedUser(emulator, `user${n}@contoso.example`, uid(n), `Number${n}`).id!);
    teamId = emulator.seedGroup({ displayName: 'Team 1', externalId: gid(1) }, [...awsIds.values()]).id!;
    // Holds user 4's userName under another Entra object id (a deleted and re-created account): not ours.
    stranger = seedUser(emulator, 'user4@contoso.example', uid(99), 'Number4').id!;
    pod = await makePod(SECRETS);
    await writeConfig(pod, {
      sources: [
        entraSource(pod, graph, {
          scope: { users: { memberOf: [gid(1)] }, groups: { list: [gid(1)] } },
          takeover: { match: 'externalId' },
        }),
      ],
      target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
      sync: { rateLimit: { requestsPerSecond: 500, burst: 50 } },
      state: { path: join(pod.stateDir, 'state.json') },
    });
  });
  afterAll(async () => {
    await graph.close();
    await emulator.close();
  });

  it('diff shows every takeover and writes nothing', async () => {
    emulator.resetLog();
    const table = await run(['diff', '--config', pod.configPath], podEnv());
    expect(table.code).toBe(2);
    expect(table.stdout.match(/TAKEOVER/g)).toHaveLength(4);
    expect(table.stdout).toContain(`TAKEOVER group externalId ${gid(1)} → corp-entra/${gid(1)}`);
    expect(emulator.writes()).toEqual([]);
  });

  it('sync keeps the AWS ids and memberships, and leaves the non-matching object alone', async () => {
    // User 4 is in Team 1 only in this run, so the group would gain a member icsync cannot create.
    graph.tenant.addGroup(gid(1), 'Team 1', [uid(1), uid(2), uid(3), uid(4)]);
    emulator.resetLog();
    const sync = await run(['sync', '--config', pod.configPath, '--json'], podEnv());
    expect(sync.code).toBe(0);
    const out = JSON.parse(sync.stdout) as Json & { report: { findings: Array<Record<string, unknown>> } };
    expect(out.report.plan.counts).toMatchObject({
      migrateExternalId: 4,
      createUser: 0,
      createGroup: 0,
      deleteUser: 0,
    });
    expect(out.report.plan.brake).toMatchObject({ takeovers: 4, blocked: false });
    for (const n of [1, 2, 3]) {
      const u = emulator.users().find((x) => x.id === awsIds.get(uid(n)));
      expect(u?.externalId).toBe(`corp-entra/${uid(n)}`);
    }
    const team = emulator.groups().find((g) => g.id === teamId);
    expect(team?.externalId).toBe(`corp-entra/${gid(1)}`);
    expect(emulator.membersOf(teamId).sort()).toEqual([...awsIds.values()].sort());
    expect(emulator.users()).toHaveLength(4);
    expect(emulator.users().find((u) => u.id === stranger)?.externalId).toBe(uid(99));
    expect(
      emulator.writes().filter((w) => w.path.includes(stranger) || w.method === 'DELETE' || w.method === 'POST'),
    ).toEqual([]);
    expect(out.report.findings).toContainEqual(
      expect.objectContaining({ object: 'user', externalId: `corp-entra/${uid(4)}`, action: 'conflict' }),
    );

    const again = await run(['sync', '--config', pod.configPath, '--json'], podEnv());
    expect((JSON.parse(again.stdout) as Json).plan.operations).toEqual([]);
    expect(sync.stdout + sync.stderr + again.stdout + again.stderr).not.toContain(SECRETS['entra-client-secret']);
  });
});

describe("from Okta's AWS app: users' externalId = Okta user id, pushed group without one", () => {
  const PEOPLE = Array.from({ length: 12 }, (_, i) => `00uMig${String(i).padStart(2, '0')}xyz`);
  let okta: OktaFake;
  let emulator: RunningEmulator;
  let pod: Pod;
  const awsIds = new Map<string, string>();
  let groupId = '';
  let outsider = '';

  beforeAll(async () => {
    okta = await OktaFake.start({ apiToken: SECRETS['okta-api-token'] });
    seed(okta, {
      users: PEOPLE.map((id) => oktaUser(id)),
      groups: [oktaGroup('00gAwsAdmins', 'aws-admins', PEOPLE)],
      appGroups: ['00gAwsAdmins'],
    });
    emulator = await startEmulator({ tokens: [SECRETS['scim-token']] });
    for (const id of PEOPLE) awsIds.set(id, seedUser(emulator, `${id}@example.com`, id, id).id!);
    groupId = emulator.seedGroup({ displayName: 'aws-admins' }, [...awsIds.values()]).id!;
    // Another Okta org's user: a foreign id that matches nothing in this source.
    outsider = seedUser(emulator, 'contractor@example.com', '00uSomeoneElse00', 'Contractor').id!;
    pod = await makePod(SECRETS);
    await writeConfig(pod, {
      sources: [
        {
          type: 'okta',
          id: 'corp-okta',
          orgUrl: okta.baseUrl,
          allowCustomDomain: true,
          auth: { apiToken: pod.secret('okta-api-token') },
          scope: { type: 'appAssignments', appId: okta.app.id },
          takeover: { match: 'externalId+name' },
        },
      ],
      target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
      sync: { adopt: true, rateLimit: { requestsPerSecond: 500, burst: 50 } },
      state: { path: join(pod.stateDir, 'state.json') },
    });
  });
  afterAll(async () => {
    await okta.close();
    await emulator.close();
  });

  it('more takeovers than the threshold are held until --approve of that exact plan', async () => {
    emulator.resetLog();
    const held = await run(['sync', '--config', pod.configPath, '--json'], podEnv());
    expect(held.code).toBe(3);
    const plan = JSON.parse(held.stdout) as Json & { report: { message: string } };
    expect(plan.report.plan.brake).toMatchObject({ takeovers: 12, threshold: 10, destructive: 0, blocked: true });
    expect(plan.report.message).toContain('take over 12 objects another provisioner created');
    expect(emulator.writes()).toEqual([]);

    const approved = await run(['sync', '--config', pod.configPath, '--approve', plan.report.plan.hash], podEnv());
    expect(approved.code).toBe(0);
    for (const [id, awsId] of awsIds)
      expect(emulator.users().find((u) => u.id === awsId)?.externalId).toBe(`corp-okta/${id}`);
    const group = emulator.groups().find((g) => g.id === groupId);
    expect(group?.externalId).toBe('corp-okta/00gAwsAdmins');
    expect(emulator.membersOf(groupId).sort()).toEqual([...awsIds.values()].sort());
    expect(emulator.users().find((u) => u.id === outsider)?.externalId).toBe('00uSomeoneElse00');
    expect(emulator.users()).toHaveLength(PEOPLE.length + 1);
    expect(
      emulator.writes().filter((w) => w.path.includes(outsider) || w.method === 'DELETE' || w.method === 'POST'),
    ).toEqual([]);
    expect(held.stdout + held.stderr + approved.stdout + approved.stderr).not.toContain(SECRETS['okta-api-token']);
  });
});
