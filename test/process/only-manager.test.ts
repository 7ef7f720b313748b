/**
 * `sync --only user:<name>` with a mapped `enterprise.manager`: the manager already in AWS (from an
 * earlier run) is resolved to their AWS user id, as a full sync does, instead of being reported as a
 * user icsync does not manage and left unset.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { makePod, podEnv, run, writeConfig, type Pod } from './cli-process.js';

const TOKEN = 'canary-only-manager-scim-token-5b2a';

let emulator: RunningEmulator;
let pod: Pod;

beforeAll(async () => {
  emulator = await startEmulator({ tokens: [TOKEN] });
  pod = await makePod({ 'scim-token': TOKEN });
  const directory = join(pod.dir, 'etc/icsync/directory.json');
  const person = (id: string, manager?: string) => ({
    id,
    userName: `${id}@example.com`,
    displayName: `Person ${id}`,
    givenName: 'Person',
    familyName: id,
    ...(manager ? { manager } : {}),
  });
  await writeFile(directory, JSON.stringify({ users: [person('boss'), person('report', 'boss')], groups: [] }));
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr', path: directory, mapping: { user: { 'enterprise.manager': 'manager' } } }],
    target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    sync: { rateLimit: { requestsPerSecond: 500, burst: 50 } },
    state: { path: join(pod.stateDir, 'state.json') },
  });
});

afterAll(async () => {
  await emulator.close();
});

const icsync = (...args: string[]) => run([...args, '--config', pod.configPath], podEnv());

describe('sync --only with a mapped manager', () => {
  it("sets the selected user's manager to the manager's AWS id when the manager is already in AWS", async () => {
    expect((await icsync('sync', '--only', 'user:boss@example.com')).code).toBe(0);
    const boss = emulator.users().find((u) => u.userName === 'boss@example.com');
    const sync = await icsync('sync', '--only', 'user:report@example.com');
    expect(sync.code).toBe(0);
    expect(sync.stdout).not.toContain('is not a user icsync manages');
    const report = emulator.users().find((u) => u.userName === 'report@example.com');
    expect(report?.['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User']).toMatchObject({
      manager: { value: boss?.id },
    });
    expect(emulator.users()).toHaveLength(2);
  });
});
