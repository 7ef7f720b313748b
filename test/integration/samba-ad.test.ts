/**
 * Active Directory for real: a Samba AD DC (Debian's samba packages) provisioned in a temp dir and seeded
 * with the shapes that trip directory syncs (nesting, a cycle, a diamond, a 1,600-member group, a custom
 * primary group, a disabled user, a missing givenName, Unicode, a case-only email collision, an entry
 * without a userPrincipalName), read with `vendor: auto` over StartTLS and LDAPS and synced into the AWS
 * SCIM emulator. Samba failing to start fails the file; nothing here is skipped.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose } from '../../src/cli/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { silentLogger } from '../../src/log/logger.js';
import { makeExternalId } from '../../src/model/ids.js';
import { runSync } from '../../src/sync/run.js';
import { capturingLogger, signal } from '../helpers/ldapIntegration.js';
import { createLdapSource } from '../../src/sources/ldap/index.js';
import { ldapSourceConfigSchema } from '../../src/sources/ldap/config.js';
import { AD_BASE_DN, startSambaDc, type SambaDc } from '../helpers/samba.js';
import { adSeedLdif, BIG_GROUP_SIZE, JUDY_GUID, NO_UPN_GUID, STAFF } from '../helpers/sambaSeed.js';

const SOURCE = 'corp-ad';
let dc: SambaDc;
let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
  dc = await startSambaDc({ seedLdif: adSeedLdif });
  console.info(
    `Samba AD DC: provisioned in ${dc.timings.provisionMs} ms, seeded in ${dc.timings.seedMs} ms, serving ${dc.timings.startMs} ms after spawn`,
  );
  emulator = await startEmulator({ tokens: ['samba-token'] });
  dir = await mkdtemp(join(tmpdir(), 'icsync-samba-sync-'));
}, 180_000);

afterAll(async () => {
  await emulator?.close();
  await dc?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function source(
  transport: { url: string; startTls?: boolean; allowInsecure?: boolean },
  over: Record<string, unknown> = {},
  logger = silentLogger(),
) {
  const config = ldapSourceConfigSchema.parse({
    type: 'ldap',
    id: SOURCE,
    ...transport,
    ...(transport.allowInsecure ? {} : { caFile: dc.caFile }),
    bindDn: dc.bindDn,
    bindPassword: { env: 'AD_PASSWORD' },
    vendor: 'auto',
    users: { baseDn: AD_BASE_DN },
    groups: { baseDn: AD_BASE_DN },
    ...over,
  });
  return createLdapSource(config, { logger, env: { AD_PASSWORD: dc.bindPassword } });
}

async function sync(extra: string[] = []) {
  const path = join(dir, 'icsync.yaml');
  await writeFile(
    path,
    [
      'sources:',
      '  - type: ldap',
      `    id: ${SOURCE}`,
      `    url: ${dc.ldapsUrl}`,
      `    caFile: ${JSON.stringify(dc.caFile)}`,
      `    bindDn: ${JSON.stringify(dc.bindDn)}`,
      '    bindPassword: { env: AD_PASSWORD }',
      `    users: { baseDn: ${JSON.stringify(AD_BASE_DN)} }`,
      `    groups: { baseDn: ${JSON.stringify(AD_BASE_DN)} }`,
      ...extra,
      'target:',
      `  baseUrl: ${emulator.baseUrl}`,
      '  token: { env: SCIM_TOKEN }',
      '  allowLocalEmulator: true',
      'sync:',
      '  rateLimit: { requestsPerSecond: 1000, burst: 100 }',
      '  concurrency: 8',
      'state:',
      `  path: ${JSON.stringify(join(dir, 'state.json'))}`,
    ].join('\n'),
  );
  const env = { AD_PASSWORD: dc.bindPassword, SCIM_TOKEN: 'samba-token' };
  const deps = await compose(await loadConfig(path, env), env, silentLogger());
  try {
    return await runSync(deps, { mode: 'sync' });
  } finally {
    await deps.close();
  }
}

const members = (name: string): string[] => {
  const group = emulator.groups().find((g) => g.displayName === name);
  if (group === undefined) throw new Error(`no AWS group ${name}`);
  const byId = new Map(emulator.users().map((u) => [u.id, u.userName]));
  return emulator
    .membersOf(group.id!)
    .map((id) => byId.get(id) ?? id)
    .sort();
};

describe('Active Directory (Samba AD DC) → IAM Identity Center', () => {
  it('detects AD over StartTLS and LDAPS and reads the same directory both ways', async () => {
    const { logger, output } = capturingLogger();
    const overStartTls = await source({ url: dc.url, startTls: true }, {}, logger).readSnapshot(signal());
    const overLdaps = await source({ url: dc.ldapsUrl }).readSnapshot(signal());
    expect(output()).toContain('"vendor":"activedirectory"');
    expect(overStartTls.users.length).toBeGreaterThan(BIG_GROUP_SIZE);
    expect(overLdaps.users.map((u) => u.externalId).sort()).toEqual(overStartTls.users.map((u) => u.externalId).sort());
    expect(overStartTls.users.find((u) => u.userName === 'judy@icsync.test')?.externalId).toBe(
      makeExternalId(SOURCE, JUDY_GUID),
    );
  });

  it('syncs nesting, a cycle, a diamond, 1,600 members, a primary group, built-ins left out, and a fair collision winner', async () => {
    const { report } = await sync();
    expect(report.status).toBe('success');
    const names = emulator.groups().map((g) => g.displayName);
    for (const builtIn of ['Domain Admins', 'Schema Admins', 'Administrators', 'Domain Users', 'Enterprise Admins'])
      expect(names).not.toContain(builtIn);
    const userNames = emulator.users().map((u) => u.userName);
    for (const account of ['Administrator', 'Guest', 'krbtgt', 'administrator@icsync.test'])
      expect(userNames).not.toContain(account);
    const excluded = report.findings.filter(
      (f) => f.object === 'group' && f.action === 'skipped' && f.count !== undefined,
    );
    expect(excluded).toEqual([expect.objectContaining({ source: SOURCE, count: 36 })]);

    expect(members('eng-primary')).toEqual(['erin@icsync.test', 'frank@icsync.test']);
    expect(members('parent')).toEqual(['alice@icsync.test', 'dave@icsync.test']);
    expect(members('cyc-a')).toEqual(['bob@icsync.test', 'carol@icsync.test']);
    expect(members('cyc-b')).toEqual(['bob@icsync.test', 'carol@icsync.test']);
    expect(members('top')).toEqual(['carol@icsync.test', 'zoe@icsync.test']);
    expect(members('all-staff')).toHaveLength(BIG_GROUP_SIZE);

    const alice = emulator.users().find((u) => u.userName === 'alice@icsync.test');
    expect(alice?.emails?.[0]?.value).toBe('alice@icsync.test');
    expect(userNames).not.toContain('judy@icsync.test');
    expect(report.findings).toContainEqual(
      expect.objectContaining({ externalId: makeExternalId(SOURCE, JUDY_GUID), field: 'emails', action: 'skipped' }),
    );
    expect(emulator.users().find((u) => u.userName === 'bob@icsync.test')?.active).toBe(false);
    expect(emulator.users().find((u) => u.userName === 'zoe@icsync.test')?.name?.givenName).toBe('Zoë');

    const noUpn = report.findings.find((f) => f.reason.includes('userPrincipalName'));
    expect(noUpn).toMatchObject({ object: 'user', action: 'skipped', source: SOURCE, ref: `CN=no-upn,${STAFF}` });
    expect(noUpn?.externalId).toBe(makeExternalId(SOURCE, NO_UPN_GUID));
  });

  it('syncs the built-ins, primary group members included, only when asked to', async () => {
    const snapshot = await source({ url: dc.ldapsUrl }, { includeSystemObjects: true }).readSnapshot(signal());
    const domainUsers = snapshot.groups.find((g) => g.displayName === 'Domain Users');
    const staff = snapshot.users.filter(
      (u) => u.userName.endsWith('@icsync.test') && u.userName !== 'erin@icsync.test',
    );
    expect(domainUsers?.memberUsers.length).toBeGreaterThanOrEqual(staff.length);
    expect(snapshot.groups.some((g) => g.displayName === 'Domain Admins')).toBe(true);
    expect(snapshot.notices ?? []).toEqual([]);
  });

  it('warns on every read that binds in clear over plain ldap://, and says so in the report', async () => {
    const { logger, output } = capturingLogger();
    const insecure = source({ url: dc.url, allowInsecure: true }, {}, logger);
    for (let run = 0; run < 2; run += 1) {
      const snapshot = await insecure.readSnapshot(signal());
      expect(snapshot.notices).toContainEqual(
        expect.objectContaining({ object: 'source', action: 'warning', field: 'allowInsecure' }),
      );
    }
    expect(output().match(/sent in clear over plain ldap/g)).toHaveLength(2);
  });

  it('warns when a groups filter matches nothing instead of reading an empty directory silently', async () => {
    const snapshot = await source(
      { url: dc.ldapsUrl },
      { groups: { baseDn: AD_BASE_DN, filter: '(objectClass=groupOfNames)' } },
    ).readSnapshot(signal());
    expect(snapshot.groups).toEqual([]);
    expect(snapshot.notices).toContainEqual(
      expect.objectContaining({ object: 'group', action: 'warning', field: 'groups.filter' }),
    );
  });

  it('matches AD-style objectClass=group entries with the OpenLDAP default group filter', async () => {
    // Read as OpenLDAP, AD groups have no entryUUID: they are matched, then reported as skipped rather than unseen.
    const snapshot = await source(
      { url: dc.ldapsUrl },
      { vendor: 'openldap', users: { baseDn: AD_BASE_DN, filter: '(objectClass=user)' } },
    ).readSnapshot(signal());
    expect(snapshot.skipped).toContainEqual({
      object: 'group',
      ref: `CN=eng-primary,OU=Groups,${AD_BASE_DN}`,
      reason: 'no entryUUID',
    });
  });
});
