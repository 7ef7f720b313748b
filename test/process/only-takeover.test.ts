/**
 * Provision on demand during a migration: `sync --only` on a source with `takeover` claims the
 * selected objects another provisioner created in place, as a full sync does (same AWS id, icsync's
 * externalId), instead of reporting a conflict with the very object it should take over. A foreign
 * object whose id does not match stays untouched.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { makePod, podEnv, run, writeConfig, type Pod } from './cli-process.js';

const TOKEN = 'canary-only-takeover-scim-token-7c1e';

const person = (n: number) => ({
  id: `okta-id-${n}`,
  userName: `person${n}@example.com`,
  displayName: `Person ${n}`,
  givenName: 'Person',
  familyName: `Number${n}`,
});

let emulator: RunningEmulator;
let pod: Pod;
const seeded = new Map<string, string>();

const seedUser = (n: number, externalId: string) =>
  emulator.seedUser({
    userName: `person${n}@example.com`,
    externalId,
    displayName: `Old ${n}`,
    name: { givenName: 'Old', familyName: `Number${n}` },
    active: true,
  }).id!;

beforeAll(async () => {
  emulator = await startEmulator({ tokens: [TOKEN] });
  seeded.set('u1', seedUser(1, 'okta-id-1'));
  // Holds person 2's userName under an id that is none of the source's: never ours.
  seeded.set('stranger', seedUser(2, 'okta-id-99'));
  seeded.set('team', emulator.seedGroup({ displayName: 'Team', externalId: 'team-id' }, [seeded.get('u1')!]).id!);
  pod = await makePod({ 'scim-token': TOKEN });
  const directory = join(pod.dir, 'etc/icsync/directory.json');
  await writeFile(
    directory,
    JSON.stringify({
      users: [1, 2, 3].map(person),
      groups: [{ id: 'team-id', displayName: 'Team', members: ['okta-id-1', 'okta-id-2', 'okta-id-3'] }],
    }),
  );
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr', path: directory, takeover: { match: 'externalId' } }],
    target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    sync: { rateLimit: { requestsPerSecond: 500, burst: 50 } },
    state: { path: join(pod.stateDir, 'state.json') },
  });
});

afterAll(async () => {
  await emulator.close();
});

const icsync = (...args: string[]) => run([...args, '--config', pod.configPath], podEnv());

describe('sync --only with takeover', () => {
  it('takes over the selected user in place instead of reporting a conflict', async () => {
    const diff = await icsync('diff', '--only', 'user:person1@example.com');
    expect(diff.stdout).toContain('TAKEOVER user externalId okta-id-1 → hr/okta-id-1');
    expect(diff.stdout).not.toContain('conflict');
    const sync = await icsync('sync', '--only', 'user:person1@example.com');
    expect(sync.code).toBe(0);
    const u1 = emulator.users().find((u) => u.id === seeded.get('u1'));
    expect(u1).toMatchObject({ externalId: 'hr/okta-id-1', displayName: 'Person 1' });
    expect(emulator.users().filter((u) => u.userName === 'person1@example.com')).toHaveLength(1);
  });

  it('takes over the selected group in place and keeps its AWS id and members', async () => {
    const sync = await icsync('sync', '--only', 'group:Team');
    expect(sync.code).toBe(0);
    expect(emulator.groups()).toHaveLength(1);
    expect(emulator.groups()[0]).toMatchObject({ id: seeded.get('team'), externalId: 'hr/team-id' });
    expect(emulator.membersOf(seeded.get('team')!)).toEqual([seeded.get('u1')]);
  });

  it('leaves a foreign user whose id does not match untouched', async () => {
    const sync = await icsync('sync', '--only', 'user:person2@example.com');
    expect(sync.stdout).toContain('conflict');
    const stranger = emulator.users().find((u) => u.id === seeded.get('stranger'));
    expect(stranger).toMatchObject({ externalId: 'okta-id-99', displayName: 'Old 2' });
  });
});
