/**
 * `icsync export groups|users` as the chart runs it: the built CLI against the emulator, after a
 * sync. The printed AWS ids are the emulator's own, the member counts its memberships, and the
 * emulator's request log shows that an export sends no write.
 */
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { makePod, podEnv, run, writeConfig, type Pod } from './cli-process.js';
import { writeDirectory } from './directory.js';

const SECRETS = { 'scim-token': 'canary-export-scim-token-8c1f4e2a' };
const USERS = 5;

let emulator: RunningEmulator;
let pod: Pod;
beforeAll(async () => {
  emulator = await startEmulator({ tokens: [SECRETS['scim-token']] });
  pod = await makePod(SECRETS);
  await writeConfig(pod, {
    sources: [{ type: 'file', id: 'hr-export', path: await writeDirectory(join(pod.dir, 'etc/icsync'), USERS) }],
    target: { baseUrl: emulator.baseUrl, token: pod.secret('scim-token'), allowLocalEmulator: true },
    sync: { rateLimit: { requestsPerSecond: 500, burst: 50 } },
    state: { path: join(pod.stateDir, 'state.json') },
  });
  expect((await run(['sync', '--config', pod.configPath], podEnv())).code).toBe(0);
  // A hand-made group and user that icsync does not manage never appear in an export.
  emulator.seedUser({ userName: 'admin@example.com', displayName: 'Admin', name: { givenName: 'A', familyName: 'B' } });
  emulator.seedGroup({ displayName: 'AWSControlTowerAdmins' });
});
afterAll(async () => {
  await emulator.close();
});

describe('icsync export', () => {
  it('groups: every managed group with its source id, AWS id and member count, and no write', async () => {
    emulator.resetLog();
    const res = await run(['export', 'groups', '--config', pod.configPath], podEnv());
    expect(res.code).toBe(0);
    const rows = JSON.parse(res.stdout) as Array<Record<string, unknown>>;
    const aws = emulator.groups().filter((g) => g.externalId?.startsWith('hr-export/'));
    // membersVerifiedAt comes from the state: groups created by the sync were applied, not read back yet.
    expect(rows.map(({ membersVerifiedAt: _verified, ...r }) => r)).toEqual(
      aws
        .map((g) => ({
          sourceId: 'hr-export',
          sourceGroupId: g.externalId?.slice('hr-export/'.length),
          displayName: g.displayName,
          awsGroupId: g.id,
          memberCount: emulator.membersOf(g.id ?? '').length,
        }))
        .sort((a, b) => a.displayName.localeCompare(b.displayName)),
    );
    expect(rows.map((r) => [r.sourceGroupId, r.memberCount])).toEqual([
      ['admins', 2],
      ['staff', USERS],
    ]);
    expect(emulator.writes()).toEqual([]);
    expect(emulator.requestLog.length).toBeGreaterThan(0);
  });

  it('users as CSV and YAML: source user id, userName, AWS user id, active; no write', async () => {
    emulator.resetLog();
    const csv = await run(['export', 'users', '--format', 'csv', '--config', pod.configPath], podEnv());
    expect(csv.code).toBe(0);
    const [header, ...lines] = csv.stdout.trim().split('\n');
    expect(header).toBe('sourceId,sourceUserId,userName,awsUserId,active');
    const byUserName = new Map(emulator.users().map((u) => [u.userName, u]));
    expect(lines).toHaveLength(USERS);
    for (const line of lines) {
      const [sourceId, sourceUserId, userName, awsUserId, active] = line.split(',');
      const u = byUserName.get(userName ?? '');
      expect([sourceId, sourceUserId, awsUserId, active]).toEqual([
        'hr-export',
        u?.externalId?.slice(10),
        u?.id,
        'true',
      ]);
    }
    const yaml = await run(['export', 'users', '--format', 'yaml', '--config', pod.configPath], podEnv());
    expect((parse(yaml.stdout) as unknown[]).length).toBe(USERS);
    expect(emulator.writes()).toEqual([]);
    expect(csv.stdout + csv.stderr + yaml.stdout + yaml.stderr).not.toContain(SECRETS['scim-token']);
  });

  it('an unknown export or format is a usage mistake: exit 64 with the usage, nothing read', async () => {
    emulator.resetLog();
    const bad = await run(['export', 'permissions', '--config', pod.configPath], podEnv());
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('icsync export groups|users');
    const xml = await run(['export', 'groups', '--format', 'xml', '--config', pod.configPath], podEnv());
    expect(xml.code).toBe(64);
    expect(xml.stderr).toContain('icsync export groups|users');
    expect(emulator.requestLog).toEqual([]);
  });

  it('a SCIM token AWS refuses exits 5 with one line naming the token, not an internal error', async () => {
    const stale = await makePod({ 'scim-token': 'canary-export-stale-token-5d0b' });
    await writeConfig(stale, {
      sources: [{ type: 'file', id: 'hr-export', path: join(pod.dir, 'etc/icsync/directory.json') }],
      target: { baseUrl: emulator.baseUrl, token: stale.secret('scim-token'), allowLocalEmulator: true },
      state: { path: join(stale.stateDir, 'state.json') },
    });
    const res = await run(['export', 'groups', '--config', stale.configPath], podEnv());
    expect(res.code).toBe(5);
    expect(res.stderr).toContain('check target.token');
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.stderr).not.toContain('canary-export-stale-token-5d0b');
    expect(res.stdout).toBe('');
  });
});
