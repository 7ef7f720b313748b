/**
 * The spine end to end: a real OpenLDAP slapd, read through the configured `ldap` source, synced
 * into the AWS SCIM emulator through the same composition root the CLI uses. A read that ends early
 * (server size limit, server gone) must plan nothing, so nothing is deactivated or removed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/cli/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { runSync } from '../../src/sync/run.js';
import { BULK_USERS, bulkLdif, GROUPS, PEOPLE } from '../helpers/ldapIntegration.js';
import { startSlapd, type Slapd } from '../helpers/slapd.js';

let slapd: Slapd;
let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  slapd = await startSlapd({ fixtures: ['seed.ldif'] });
  await slapd.ldapadd(bulkLdif(BULK_USERS));
  emulator = await startEmulator({ tokens: ['ldap-sync-token'] });
  dir = await mkdtemp(join(tmpdir(), 'icsync-ldap-sync-'));
});

afterAll(async () => {
  await emulator?.close();
  await slapd?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function sync(bind: { dn: string; password: string }) {
  const path = join(dir, 'icsync.yaml');
  await writeFile(
    path,
    [
      'sources:',
      '  - type: ldap',
      '    id: corp-ldap',
      `    url: ${slapd.url}`,
      '    allowInsecure: true',
      `    bindDn: ${JSON.stringify(bind.dn)}`,
      '    bindPassword: { env: LDAP_PASSWORD }',
      '    pageSize: 7',
      `    users: { baseDn: ${JSON.stringify(PEOPLE)} }`,
      `    groups: { baseDn: ${JSON.stringify(GROUPS)} }`,
      'target:',
      `  baseUrl: ${emulator.baseUrl}`,
      '  token: { env: SCIM_TOKEN }',
      '  allowLocalEmulator: true',
      'sync:',
      '  rateLimit: { requestsPerSecond: 500, burst: 50 }',
      '  concurrency: 8',
      'state:',
      `  path: ${JSON.stringify(join(dir, 'state.json'))}`,
    ].join('\n'),
  );
  const env = { LDAP_PASSWORD: bind.password, SCIM_TOKEN: 'ldap-sync-token' };
  const deps = await compose(await loadConfig(path, env), env, silentLogger());
  try {
    return await runSync(deps, { mode: 'sync' });
  } finally {
    await deps.close();
  }
}

describe('LDAP → IAM Identity Center', () => {
  it('syncs the directory, plans nothing on the rerun, and plans nothing from a read cut short', async () => {
    const reader = { dn: slapd.bindDn, password: slapd.bindPassword };
    const first = await sync(reader);
    expect(first.report.status).toBe('success');
    expect(first.report.sources[0]).toMatchObject({ id: 'corp-ldap', kind: 'ldap' });
    const users = emulator.users();
    expect(users.length).toBeGreaterThan(BULK_USERS);
    expect(users.every((u) => u.externalId?.startsWith('corp-ldap/'))).toBe(true);
    const everyone = emulator.groups().find((g) => g.displayName === 'everyone')!;
    expect(emulator.membersOf(everyone.id!)).toHaveLength(BULK_USERS);

    const writes = emulator.writes().length;
    const rerun = await sync(reader);
    expect(rerun.plan?.operations).toEqual([]);
    expect(emulator.writes().length).toBe(writes);

    const limited = await sync({ dn: slapd.limitedBindDn, password: slapd.limitedBindPassword });
    expect(limited.report).toMatchObject({ status: 'source-failed', exitCode: 7 });
    expect(limited.report.message).toMatch(/corp-ldap/);

    await slapd.kill();
    const gone = await sync(reader);
    expect(gone.report).toMatchObject({ status: 'source-failed', exitCode: 7 });

    expect(emulator.writes().length).toBe(writes);
    expect(
      emulator.users().every((u) => u.active !== false || users.find((v) => v.id === u.id)?.active === false),
    ).toBe(true);
    expect(emulator.membersOf(everyone.id!)).toHaveLength(BULK_USERS);
  });
});
